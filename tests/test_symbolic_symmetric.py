"""Symmetric N-player two-action games: Bernstein roots, exact roots, tensor cross-checks."""

from __future__ import annotations

import numpy as np
import pytest

from reserves.config import load_config
from reserves.nash.pure import pure_solve
from reserves.nash.symmetric import (
    SymmetricGame,
    bernstein_roots,
    symmetric_equilibria,
)
from reserves.sovereign.model import SovereignGame
from reserves.sovereign.symmetric import identical_sovereign_config, symmetric_game


def _bernstein_from_roots(roots: list[float], n: int) -> np.ndarray:
    """Bernstein coefficients of prod (x - r) * (1 + x)^(n - len(roots)) (exact basis change)."""
    from numpy.polynomial import polynomial as npoly

    mono = np.array([1.0])
    for r in roots:
        mono = npoly.polymul(mono, [-r, 1.0])
    for _ in range(n - len(roots)):
        mono = npoly.polymul(mono, [1.0, 1.0])
    # monomial -> Bernstein: b_k = sum_{j<=k} C(k,j)/C(n,j) a_j
    from math import comb

    a = np.zeros(n + 1)
    a[: mono.size] = mono
    return np.array(
        [sum(comb(k, j) / comb(n, j) * a[j] for j in range(k + 1)) for k in range(n + 1)]
    )


def test_bernstein_roots_known() -> None:
    roots = [0.1, 0.35, 0.8]
    b = _bernstein_from_roots(roots, 12)
    assert np.allclose(bernstein_roots(b), roots, atol=1e-10)
    assert bernstein_roots(np.ones(50)).size == 0


def test_symmetric_equilibria_match_tensor_and_exact() -> None:
    rng = np.random.default_rng(11)
    for _ in range(60):
        n = int(rng.integers(2, 7))
        sg = SymmetricGame(rng.normal(size=(2, n)), ("accumulate", "sell"))
        G = sg.to_game()
        eq_num = symmetric_equilibria(sg, exact=False)
        eq_ex = symmetric_equilibria(sg, exact=True)
        assert [e.p for e in eq_num] == pytest.approx([e.p for e in eq_ex], abs=1e-9)
        for e in eq_num:
            prof = [np.array([e.p, 1 - e.p])] * n
            assert G.max_regret(prof) <= 1e-9 * G.payoff_scale
        # the pure symmetric equilibria agree with the tensor's pure solver
        pure = {tuple(int(np.argmax(s)) for s in x.strategies) for x in pure_solve(G).equilibria}
        assert ((0,) * n in pure) == any(e.p == 1.0 for e in eq_num)
        assert ((1,) * n in pure) == any(e.p == 0.0 for e in eq_num)
        assert SymmetricGame.from_game(G).payoffs == pytest.approx(sg.payoffs)


def test_large_symmetric_game_roots_are_equilibria() -> None:
    rng = np.random.default_rng(5)
    n = 1000
    k = np.arange(n) / (n - 1)
    gains = np.cos(9 * k + 0.3) + 0.05 * rng.normal(size=n)
    sg = SymmetricGame(np.stack([gains, np.zeros(n)]))
    eqs = symmetric_equilibria(sg)
    mixed = [e for e in eqs if e.kind == "mixed"]
    assert len(mixed) >= 2
    for e in mixed:
        assert abs(float(sg.gain(e.p))) <= 1e-9
        assert e.regret <= 1e-9


def test_identical_sovereigns_symmetric_game() -> None:
    cfg = identical_sovereign_config(5, base=load_config("configs/baseline.yaml"), template="Japan")
    game = SovereignGame(cfg)
    sg = symmetric_game(game)
    G = game.to_game()
    assert np.allclose(SymmetricGame.from_game(G).payoffs, sg.payoffs, rtol=1e-12)
    eqs = symmetric_equilibria(sg)
    assert eqs and all(e.regret <= 1e-7 * sg.payoff_scale for e in eqs)
