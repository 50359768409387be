"""Timings of correlated-equilibrium LPs, dynamics and the demand schedule, with peer ratios.

Run from the repository root::

    python benchmarks/bench_correlated_demand.py      (after pip install -e ., or with PYTHONPATH=.)

Targets (issue 4): the CE LP of a 12-player 2-action game (4,096 profiles) in under 5 s; a
50-point demand schedule of the baseline in under 2 s. Where nashpy or quantecon has a
comparable routine the script prints a side-by-side ratio (ours / peer; < 1 means faster).
Nothing here asserts: the numbers are printed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from reserves.config import load_config
from reserves.demand import demand_schedule
from reserves.nash.correlated import correlated_equilibrium
from reserves.nash.dynamics import fictitious_play, replicator_ode
from reserves.nash.normal_form import Game


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_ce() -> None:
    print("== correlated-equilibrium LPs (random normal payoffs, no dominance reduction)")
    rng = np.random.default_rng(0)
    for n_players, n_actions in [(12, 2), (8, 3), (15, 2), (10, 3)]:
        g = Game(rng.normal(size=(n_players, *(n_actions,) * n_players)))
        for solver in ("HIGHS", "CLARABEL"):
            for obj in ("welfare",):
                t, r = best_of(
                    lambda g=g, solver=solver, obj=obj: correlated_equilibrium(
                        g, obj, solver=solver, reduce=False
                    ),
                    repeat=1 if g.num_profiles > 20_000 else 3,
                )
                print(
                    f"  {n_players} players x {n_actions} actions = {g.num_profiles:>6,} profiles, "
                    f"{solver:<8} {obj:<8} {t:7.3f} s  support {r.probabilities.size:>4}, "
                    f"max violation {r.max_violation:.1e}"
                )
        t, r = best_of(lambda g=g: correlated_equilibrium(g, "welfare", coarse=True), repeat=1)
        print(f"  {'':>42} coarse CE (HIGHS)  {t:7.3f} s")


def bench_demand() -> None:
    print("== demand schedule of configs/baseline.yaml (14 sovereigns, 16,384 profiles)")
    cfg = load_config("configs/baseline.yaml")
    demand_schedule(cfg, np.array([50_000.0]), use_cache=False)  # warm sympy/cvxpy imports
    for rule in ("dynamics", "payoff-dominant", "risk-dominant", "all"):
        t, _ = best_of(lambda rule=rule: demand_schedule(cfg, rule=rule, use_cache=False))
        print(f"  50 prices, rule {rule:<16} {t:6.3f} s  (target < 2 s)")
    t, _ = best_of(lambda: demand_schedule(cfg, correlated=False, use_cache=False))
    print(f"  50 prices, pure band only          {t:6.3f} s")
    t, _ = best_of(lambda: demand_schedule(cfg), repeat=5)
    print(f"  cached call                        {t * 1e6:6.1f} us")
    p0 = cfg.market.price_usd
    sel = demand_schedule(cfg, np.array([p0]))
    print(
        f"  at P0 = ${p0:,.0f}: demand ${sel.demand_usd[0] / 1e9:.2f}B "
        f"({sel.demand_btc[0]:,.0f} BTC), band ${sel.demand_low_usd[0] / 1e9:.2f}B - "
        f"${sel.demand_high_usd[0] / 1e9:.2f}B; accumulating {', '.join(sel.accumulators[0])}"
    )


def bench_peers() -> None:
    print("== dynamics against peers")
    rps_a = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float) + np.array(
        [[0.2, 0, 0], [0, 0.1, 0], [0, 0, 0.3]]
    )
    coord = np.array([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]])
    try:
        import nashpy as nash

        A = coord
        g = Game.from_arrays(A, A.T)
        x0 = np.array([0.2, 0.35, 0.45])
        span = 20.0
        ts = np.linspace(0, span, 2001)
        nash_game = nash.Game(A, A.T)
        t_peer, _ = best_of(lambda: nash_game.asymmetric_replicator_dynamics(x0, x0, ts))
        # our time is in units of 1 / payoff spread (3): the same horizon is span * 3
        t_ours, r = best_of(lambda: replicator_ode(g, [x0, x0], t_max=span * 3, num_points=2001))
        print(
            f"  two-population replicator ODE, 3x3 coordination, 2001 points: ours "
            f"{t_ours * 1e3:7.1f} ms, nashpy asymmetric_replicator_dynamics "
            f"{t_peer * 1e3:7.1f} ms, ratio {t_ours / t_peer:5.2f} (ours verifies the end point: "
            f"{r.status}, regret {r.regret:.1e})"
        )
    except ImportError:
        print("  nashpy not installed")
    try:
        from quantecon.game_theory import FictitiousPlay, NormalFormGame, Player

        A = rps_a
        rounds = 2000
        qe = FictitiousPlay(NormalFormGame((Player(A), Player(A))))
        g = Game.from_arrays(A, A.T)
        t_peer, _ = best_of(lambda: qe.time_series(rounds, init_actions=(0, 0)))
        t_ours, r = best_of(lambda: fictitious_play(g, [0, 0], rounds=rounds))
        print(
            f"  fictitious play, perturbed rock-paper-scissors, {rounds} rounds: ours "
            f"{t_ours * 1e3:7.1f} ms, quantecon FictitiousPlay.time_series "
            f"{t_peer * 1e3:7.1f} ms, ratio {t_ours / t_peer:5.2f} "
            f"(ours: {r.status}, regret of the frequencies {r.regret:.2e})"
        )
    except ImportError:
        print("  quantecon not installed")


if __name__ == "__main__":
    bench_ce()
    bench_demand()
    bench_peers()
