"""The Markov perfect equilibrium's aggregate-law iteration and its one-shot deviation check."""

from __future__ import annotations

import numpy as np
import pytest

from reserves.config import load_config
from reserves.scenarios.simulate import scenarios_section
from reserves.sovereign.dynamic import decision_days
from reserves.sovereign.dynamic_mpe import GAIN_TOLERANCE, LawRelaxation, _solve_mpe

C17 = "configs/scenarios/c17.yaml"


def _small(iterations: int):  # type: ignore[no-untyped-def]
    cfg = load_config(C17)
    dyn = scenarios_section(cfg).dynamics("orderly_transition")
    mp = dyn.adoption.mpe.model_copy(
        update={
            "iterations": iterations,
            "price_points": 5,
            "holdings_points": 3,
            "total_points": 3,
            "leverage_points": 1,
            "quadrature": 1,
        }
    )
    dyn = dyn.model_copy(update={"adoption": dyn.adoption.model_copy(update={"mpe": mp})})
    return _solve_mpe(cfg, dyn, decision_days(180, 60), 180)


def test_relaxation_mixes_at_an_indifference_node_and_purifies_a_strict_one():
    # entry 0: an indifference node, the best response to the law is action 0 while the law
    # plays action 0 with probability below 0.4 (so the fixed point mixes 0.4 / 0.6);
    # entry 1: one cycle (0, 1, 0), then a strict best response 0 for good
    W = np.array([[0.0, 1.0], [1.0, 0.0]])
    relax = LawRelaxation(np.array([1, 0]))
    strict = [1, 0] + [0] * 38
    for t in range(40):
        br = np.array([0 if W[0, 0] < 0.4 else 1, strict[t]])
        W = relax.update(W, br)
        assert np.allclose(W.sum(axis=1), 1.0) and np.all(W >= 0)
    assert W[0, 0] == pytest.approx(0.4, abs=0.03)
    assert W[1].tolist() == [1.0, 0.0]
    # an entry that never cycles takes its best response outright
    fresh = LawRelaxation(np.array([0]))
    assert fresh.update(np.array([[1.0, 0.0]]), np.array([1])).tolist() == [[0.0, 1.0]]


def test_myopic_law_fails_the_check_and_the_iterated_law_passes():
    first = _small(1)  # the law is the myopic equilibrium: forward-looking sovereigns deviate
    assert not first.converged
    assert first.max_deviation_gain_usd > GAIN_TOLERANCE * first.stage.payoff_scale
    assert first.residual > 0
    done = _small(12)
    assert done.converged
    assert done.iterations < 12
    assert done.max_deviation_gain_usd <= done.meta["tolerance_usd"]
    d = done.to_dict()
    for key in ("converged", "iterations", "residual", "max_deviation_gain_usd", "history"):
        assert key in d
    assert len(d["history"]) == done.iterations
    assert d["history"][-1]["max_deviation_gain_usd"] == pytest.approx(done.max_deviation_gain_usd)


def test_reported_gains_recomputed_from_the_action_values():
    sol = _small(1)
    W = sol.meta["law_weights"]  # (K, nodes, n, A)
    hbar = sol.meta["mean_path_holdings_btc"]
    H, lp, L = np.meshgrid(sol.total_grid, sol.logp_grid, sol.lev_grid, indexing="ij")
    H, P, L = H.ravel(), np.exp(lp.ravel()), L.ravel()
    out = sol.meta["holdings_outside_btc"]
    for k in range(sol.days.size):
        h = hbar[k][None, :] * np.clip((H - out) / hbar[k].sum(), 0.0, None)[:, None]
        q = sol.values(k, P, h, L)
        best = q.max(axis=2)
        played = (W[k] * np.where(np.isfinite(q), q, 0.0)).sum(axis=2)
        np.testing.assert_allclose(
            sol.meta["law_gains_usd"][k], np.maximum(best - played, 0.0), rtol=1e-9, atol=1e-3
        )
    assert sol.meta["law_gains_usd"].max() == pytest.approx(sol.max_deviation_gain_usd)


@pytest.mark.slow
def test_c17_baseline_passes_the_one_shot_deviation_check():
    """The benchmark's case (14 sovereigns, 36 monthly dates, default grid): ~20-25 s."""
    cfg = load_config(C17)
    dyn = scenarios_section(cfg).dynamics("orderly_transition")
    sol = _solve_mpe(cfg, dyn, decision_days(1095, dyn.adoption.period_days), 1095)
    assert sol.converged
    assert sol.max_deviation_gain_usd <= sol.meta["tolerance_usd"]
    assert sol.iterations <= dyn.adoption.mpe.iterations


def test_simulation_meta_carries_the_mpe_check():
    from reserves.scenarios.simulate import simulate_scenario

    cfg = load_config(C17).with_updates(
        {
            "scenarios": {
                "base": {
                    "adoption": {
                        "concept": "mpe",
                        "period_days": 60,
                        "mpe": {
                            "iterations": 12,
                            "price_points": 5,
                            "holdings_points": 3,
                            "total_points": 3,
                            "leverage_points": 1,
                            "quadrature": 1,
                        },
                    }
                }
            }
        }
    )
    run = simulate_scenario(cfg, "orderly_transition", paths=8, horizon_days=180)
    check = run.meta["adoption"]["mpe"]
    assert check["converged"] is True
    assert 0 <= check["max_deviation_gain_usd"] <= check["tolerance_usd"]
