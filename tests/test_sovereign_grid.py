"""The share-of-reserves grid and the hedge term: one sympy payoff through every back end."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from reserves.config import config_from_dict, load_config
from reserves.errors import ConfigError
from reserves.sovereign.aggregative import aggregative_solve
from reserves.sovereign.model import (
    SovereignGame,
    action_kind,
    buy_label,
    payoff_template,
)


def _grid_cfg(hedge: float = 0.0, n: int = 3):  # type: ignore[no-untyped-def]
    d = load_config("configs/baseline.yaml").to_dict()
    d.pop("market_model", None)
    d.pop("scenarios", None)
    d["sovereigns"] = d["sovereigns"][:n]
    for s in d["sovereigns"]:
        s.pop("actions", None)
        s["hedge_pa"] = hedge
    d["game"] = {"actions": ["accumulate", "hold", "sell"], "buy_shares": [0.001, 0.01]}
    return config_from_dict(d)


def test_labels_and_flows_follow_the_grid() -> None:
    g = SovereignGame(_grid_cfg())
    assert g.action_labels == ("accumulate 0.1%", "accumulate 1%", "hold", "sell")
    assert action_kind("accumulate 0.5%") == ("accumulate", pytest.approx(0.005))
    assert action_kind("hold") == ("hold", None)
    assert buy_label(0.02) == "accumulate 2%"
    W = g.sovereigns[0].reserves_usd
    c, q, x, acc = g.player_flows(0, "accumulate 1%")
    assert (c, q, x, acc) == (pytest.approx(0.01 * W), 0.0, pytest.approx(0.01 * W), 1.0)


def test_bad_grid_label_and_bad_grid_are_refused() -> None:
    with pytest.raises(ConfigError, match="accumulate X%"):
        action_kind("accumulate lots")
    d = _grid_cfg().to_dict()
    d["game"]["buy_shares"] = [0.0, 0.5]
    with pytest.raises(ConfigError, match="buy_shares"):
        config_from_dict(d)


def test_grid_tensor_equals_exact_sympy_with_hedge() -> None:
    """Tensor entries of a grid game with a hedge term equal the sympy expression."""
    g = SovereignGame(_grid_cfg(hedge=0.03))
    t = g.to_game()
    u, S = payoff_template()
    for idx in [(0, 1, 2), (1, 0, 0), (2, 2, 1)]:
        flows = [g.player_flows(i, g.actions[i][k]) for i, k in enumerate(idx)]
        X, B, Sq = (sum(f[j] for f in flows) for j in (2, 0, 1))
        for i in range(3):
            c, q, _, acc = flows[i]
            subs = {**g.market_values(), **g.player_values(i), S.c: c, S.q: q, S.acc: acc,
                    S.X: X, S.B: B, S.S: Sq}  # fmt: skip
            exact = float(u.subs({k: sp.Float(v, 30) for k, v in subs.items()}).evalf(30))
            assert t.payoffs[(i, *idx)] == pytest.approx(exact, rel=1e-9, abs=1e-3)


def test_hedge_term_is_eta_t_p0_times_coins_bought() -> None:
    """u(eta) - u(0) = eta T P0 (H - h) for a purchase, exactly (the payoff is linear in eta)."""
    g0 = SovereignGame(_grid_cfg(hedge=0.0))
    g1 = SovereignGame(_grid_cfg(hedge=0.05))
    prof = np.array([1, 2, 2])  # player 0 buys 1%, others hold
    d = g1.action_payoffs(prof)[0, 1] - g0.action_payoffs(prof)[0, 1]
    c = g0.flows.c[0, 1]
    X = g0.flows.x[np.arange(3), prof].sum()
    m = g0.config.market
    P1 = m.price_usd * np.exp(m.flow_multiplier * X / (m.price_usd * m.supply_btc))
    coins = c / ((m.price_usd + P1) / 2)
    assert d == pytest.approx(0.05 * m.horizon_years * m.price_usd * coins, rel=1e-9)
    # holding gets no hedge value (no coins bought)
    assert g1.action_payoffs(prof)[0, 2] == pytest.approx(g0.action_payoffs(prof)[0, 2])


def test_aggregative_solver_on_a_grid_game_returns_verified_equilibria() -> None:
    g = SovereignGame(_grid_cfg(hedge=0.02, n=6))
    res = aggregative_solve(g)
    assert res.equilibria
    for e in res.equilibria:
        assert float(np.max(g.regrets(e.strategies))) <= 1e-6 * g.payoff_scale


def test_demand_schedule_handles_a_grid() -> None:
    from reserves.demand import demand_schedule

    cfg = _grid_cfg(hedge=0.02)
    sched = demand_schedule(cfg, np.array([60000.0, 90000.0]), use_cache=False)
    assert len(sched) == 2
    assert np.all(np.isfinite(sched.demand_low_btc))


def test_old_configs_keep_their_labels() -> None:
    g = SovereignGame(load_config("configs/baseline.yaml"))
    assert "accumulate" in g.action_labels
    assert all(s.hedge_pa == 0.0 for s in g.sovereigns)


def test_thresholds_on_a_grid_use_the_largest_purchase() -> None:
    """On a share grid the closed-form C14 threshold compares the largest purchase with hold
    and sell (not 'accumulate is not in the action set')."""
    from reserves.sovereign.symbolic import dominance_thresholds

    g = SovereignGame(_grid_cfg(n=2))
    th = dominance_thresholds(g, "theta")
    assert all(t.note != "accumulate is not in this sovereign's action set" for t in th)
    assert all(set(t.versus) == {"hold", "sell"} for t in th)
    assert all(np.isfinite(t.threshold) for t in th)
