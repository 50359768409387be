"""Timings of the symbolic analysis (prints; no assertions).

- symmetric equilibria of a 200-player symmetric sovereign game (identical sovereigns), and of
  a 1,000-player symmetric game with several interior roots (Bernstein isolation);
- the baseline analysis (14 sovereigns, 2^13 profiles per threshold) cold (sympy derivation
  and lambdify in a fresh process) and warm (cached closed forms);
- the ratio against ``numpy.roots`` on the monomial expansion (the unstable peer).

Run: ``python benchmarks/bench_symbolic.py``
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np

COLD = r"""
import time
t0 = time.perf_counter()
from reserves.config import load_config
from reserves.sovereign.model import SovereignGame
from reserves.sovereign.symbolic import analyze
a = analyze(SovereignGame(load_config("configs/baseline.yaml")))
t1 = time.perf_counter()
a = analyze(SovereignGame(load_config("configs/baseline.yaml")))
t2 = time.perf_counter()
print(f"{t1 - t0:.4f} {t2 - t1:.4f}")
"""


def main() -> None:
    from reserves.config import load_config
    from reserves.nash.symmetric import (
        SymmetricGame,
        symmetric_equilibria,
    )
    from reserves.sovereign.model import SovereignGame
    from reserves.sovereign.symmetric import identical_sovereign_config, symmetric_game

    base = load_config("configs/baseline.yaml")
    cfg = identical_sovereign_config(200, base=base, template="Japan")
    game = SovereignGame(cfg)
    t0 = time.perf_counter()
    sg = symmetric_game(game)
    eqs = symmetric_equilibria(sg)
    t200 = time.perf_counter() - t0
    print(
        f"200-player symmetric sovereign game: {len(eqs)} symmetric equilibria "
        f"{[round(e.p, 6) for e in eqs]} in {t200:.4f} s (table + roots)"
    )

    rng = np.random.default_rng(0)
    for n in (200, 1000):  # the monomial peer runs for n <= 300 only (O(n^2) expansion)
        k = np.arange(n) / (n - 1)
        gains = np.cos(9 * k + 0.3) + 0.05 * rng.normal(size=n)
        sgn = SymmetricGame(np.stack([gains, np.zeros(n)]))
        t0 = time.perf_counter()
        eqs = symmetric_equilibria(sgn)
        tb = time.perf_counter() - t0
        worst = max((abs(float(sgn.gain(e.p))) for e in eqs if e.kind == "mixed"), default=0.0)
        # the peer: numpy.roots on the monomial expansion of the Bernstein polynomial
        from math import comb

        if n > 300:
            print(
                f"{n}-player symmetric game: {len([e for e in eqs if e.kind == 'mixed'])} "
                f"interior roots in {tb:.4f} s (max |f| {worst:.1e}); numpy.roots on the "
                f"monomial expansion overflows at this degree (not run)"
            )
            continue
        t0 = time.perf_counter()
        deg = n - 1
        mono = np.zeros(deg + 1)
        for j in range(deg + 1):
            for kk in range(j + 1):
                with np.errstate(all="ignore"):
                    mono[j] += gains[kk] * comb(deg, j) * comb(j, kk) * (-1) ** (j - kk)
        try:
            with np.errstate(all="ignore"):
                mono = np.nan_to_num(mono, nan=np.inf)
                r = np.roots(mono[::-1])
            real = r[(np.abs(r.imag) < 1e-9) & (r.real > 0) & (r.real < 1)].real
        except np.linalg.LinAlgError:
            real = np.array([np.nan])  # the monomial coefficients overflow: the peer fails
        tn = time.perf_counter() - t0
        print(
            f"{n}-player symmetric game: {len([e for e in eqs if e.kind == 'mixed'])} interior "
            f"roots in {tb:.4f} s (max |f| {worst:.1e}); numpy.roots monomial: "
            f"{'fails (overflow)' if np.isnan(real).any() else f'{real.size} roots'} "
            f"in {tn:.4f} s (ratio {tn / tb:.1f}x)"
        )

    out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
    cold, warm = (float(x) for x in out.stdout.split())
    print(f"baseline analysis: cold {cold:.3f} s (incl. imports), warm {warm:.4f} s")


if __name__ == "__main__":
    main()
