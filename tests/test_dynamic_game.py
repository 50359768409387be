"""The dynamic sovereign game: consistency with the static game, closed-form steady states."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from reserves.config import config_from_dict, load_config
from reserves.demand import demand_band, equilibrium_demand, select_equilibrium
from reserves.errors import ConfigError
from reserves.scenarios.simulate import simulate_scenario
from reserves.sovereign.dynamic import StageGame, decision_days, steady_state_symmetric
from reserves.sovereign.model import SovereignGame, payoff_template

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def c17():
    return load_config(ROOT / "configs" / "scenarios" / "c17.yaml")


def _static_flows(cfg):
    sg = SovereignGame(cfg)
    sel = select_equilibrium(sg, [], "dynamics")
    return equilibrium_demand(sg, sel.equilibrium).flow_usd


def test_first_period_flows_equal_equilibrium_demand_at_p0(c17):
    stage = StageGame(c17)
    m = c17.market
    prof, conv = stage.myopic_profiles(
        np.array([m.price_usd]), np.array([m.vol_pa]), stage.holdings0_btc[None, :]
    )
    assert conv.all()
    _, _, x = stage.flows(np.array([m.price_usd]), stage.holdings0_btc[None, :])
    flows = np.take_along_axis(x[0], prof[0][:, None], 1)[:, 0]
    np.testing.assert_allclose(flows, _static_flows(c17), rtol=1e-12, atol=1e-3)
    assert flows.sum() == pytest.approx(demand_band(c17)["demand_usd"], rel=1e-12)
    # and inside the simulation, on every path
    run = simulate_scenario(c17, "orderly_transition", paths=30, horizon_days=62)
    np.testing.assert_allclose(run.adoption.first_flow_usd, flows, rtol=1e-12)
    assert run.adoption.decision_days.tolist() == [0, 30, 61]


def test_first_period_matches_aggregative_roster():
    from reserves.sovereign.aggregative import synthetic_roster

    cfg = config_from_dict(synthetic_roster(40, seed=3), where="synthetic")
    stage = StageGame(cfg)
    P = np.array([cfg.market.price_usd])
    prof, _ = stage.myopic_profiles(P, np.array([cfg.market.vol_pa]), stage.holdings0_btc[None])
    _, _, x = stage.flows(P, stage.holdings0_btc[None])
    flows = np.take_along_axis(x[0], prof[0][:, None], 1)[:, 0]
    np.testing.assert_allclose(flows, _static_flows(cfg), rtol=1e-12, atol=1e-3)


def _symmetric_cfg(n: int, *, m: float, horizon: int = 1136, period: float = 30.0):
    sov = [
        {
            "name": f"S{i}",
            "reserves_usd": 1.0e11,
            "holdings_btc": 0.0,
            "max_buy_share": 0.01,
            "strategic_weight": 0.0,
            "cost_of_capital_pa": 0.02,
            "risk_aversion": 20.0,
            "political_cost_usd": 0.0,
        }
        for i in range(n)
    ]
    return config_from_dict(
        {
            "name": "symmetric",
            "market": {
                "price_usd": 100_000,
                "supply_btc": 19_950_000,
                "flow_multiplier": m,
                "vol_pa": 0.5,
                "horizon_years": 3.0,
                "value_belief_usd": 120_000,
            },
            "game": {"actions": ["accumulate", "hold"]},
            "sovereigns": sov,
            "scenarios": {
                "horizon_days": horizon,
                "paths": 4,
                "base": {
                    "feedback": False,
                    "cascades": False,
                    "diffusion": False,
                    "shocks": {"rate_pa": 0.0},
                    "sovereign_bids": {"kind": "wall", "share": 0.0, "base_usd": 0.0},
                    "open_interest": {"rebuild_per_day": 0.0},
                    "adoption": {"kind": "dynamic", "period_days": period, "vol_signal": "model"},
                },
            },
        },
        where="symmetric",
    )


def _numbers(cfg) -> dict:
    """Every market and player symbol's number (player 0; the roster is symmetric), exact, and
    the accumulate cash ``c``; the state symbols are replaced by the caller."""
    sg = SovereignGame(cfg)
    _, S = payoff_template()
    vals = {**sg.market_values(), **sg.player_values(0)}
    out = {k: sp.nsimplify(v, rational=True) for k, v in vals.items()}
    out[S.c] = sp.nsimplify(sg.player_flows(0, "accumulate")[0], rational=True)
    return out


def _gain_expr():
    """Accumulate-minus-hold payoff of one sovereign when the others hold (sympy)."""
    u, S = payoff_template()
    acc = u.subs({S.c: S.c, S.q: 0, S.acc: 1, S.X: S.c, S.B: S.c, S.S: 0})
    hold = u.subs({S.c: 0, S.q: 0, S.acc: 0, S.X: 0, S.B: 0, S.S: 0})
    return acc - hold, S


def test_steady_state_closed_form_symmetric_roster_m0():
    cfg = _symmetric_cfg(3, m=0.0)
    gain, S = _gain_expr()
    h = sp.Symbol("h", positive=True)
    num = _numbers(cfg)
    g = gain.subs({**num, S.P0: 100_000, S.h: h, S.H0: 3 * h, S.s0: sp.Rational(1, 3)})
    roots = [r for r in sp.solve(sp.Eq(g, 0), h) if r.is_real and r > 0]
    assert len(roots) == 1
    ss = steady_state_symmetric(
        price_usd=1e5,
        value_usd=1.2e5,
        reserves_usd=1e11,
        buy_share=0.01,
        cost_of_capital_pa=0.02,
        risk_aversion=20.0,
        vol_pa=0.5,
        horizon_years=3.0,
        political_cost_usd=0.0,
        holdings0_btc=0.0,
        period_days=30.0,
    )
    assert ss["threshold_btc"] == pytest.approx(float(roots[0]), rel=1e-12)
    run = simulate_scenario(cfg, paths=2, horizon_days=1095)
    ad = run.adoption
    # every sovereign accumulates on the first dates and holds from the steady state on
    assert ad.accumulating_share[0].tolist() == [1.0, 1.0, 1.0]
    assert ad.accumulating_share[-1].tolist() == [0.0, 0.0, 0.0]
    k = int(ss["periods"])
    assert ad.accumulating_share[k - 1].min() == 1.0 and ad.accumulating_share[k].max() == 0.0
    np.testing.assert_allclose(ad.committed_btc[-1], ss["holdings_btc"], rtol=1e-9)
    assert ss["threshold_btc"] <= ad.committed_btc[-1, 0] < ss["threshold_btc"] + ss["step_btc"]


def test_steady_state_with_price_impact_single_sovereign():
    """m > 0: the path's price is P0 exp(m (h - h0) / Q) and it stops within one period of the
    root of the closed-form gain condition (sympy nsolve)."""
    m = 5.0
    cfg = _symmetric_cfg(1, m=m)
    gain, S = _gain_expr()
    h = sp.Symbol("h", positive=True)
    P = 100_000 * sp.exp(m * h / 19_950_000)
    num = _numbers(cfg)
    g = gain.subs({**num, S.P0: P, S.h: h, S.H0: h, S.s0: h / (h + 1)})
    h_star = float(sp.nsolve(g, h, 3000.0))
    run = simulate_scenario(cfg, paths=2, horizon_days=1095)
    ad = run.adoption
    h_end = float(ad.committed_btc[-1, 0])
    step = 1e9 * 31 / (365 * 3.0 * 100_000)  # at most one period's purchase (31 days)
    assert h_star <= h_end < h_star + step
    assert ad.accumulating_share[-1, 0] == 0.0
    p_end = float(run.samples["price_usd"][0, -1])
    assert p_end == pytest.approx(100_000 * math.exp(m * h_end / 19_950_000), rel=1e-5)


def test_decision_days_validation():
    assert decision_days(100, 30).tolist() == [0, 30, 60, 90]
    assert decision_days(365, 365 / 4).tolist() == [0, 91, 182, 274]
    with pytest.raises(ConfigError, match="positive"):
        decision_days(100, -30)
    with pytest.raises(ConfigError, match="beyond the horizon"):
        decision_days(100, 30, [0, 50, 120])
    with pytest.raises(ConfigError, match="increase"):
        decision_days(100, 30, [0, 50, 50])


def test_political_cost_scale_lowers_adoption(c17):
    base = StageGame(c17)
    costly = StageGame(c17, political_cost_scale=1e6)
    P = np.array([c17.market.price_usd])
    s = np.array([c17.market.vol_pa])
    a, _ = base.myopic_profiles(P, s, base.holdings0_btc[None])
    b, _ = costly.myopic_profiles(P, s, costly.holdings0_btc[None])
    assert base.accumulating(a).sum() > costly.accumulating(b).sum()
