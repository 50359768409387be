"""Sovereign bids from the demand schedule, and the game's adoption path, in the simulation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reserves.config import load_config
from reserves.demand import demand_schedule, price_grid
from reserves.errors import ConfigError
from reserves.market import bids_from_schedule, cascade_kernel
from reserves.scenarios import simulate as sim
from reserves.scenarios import simulate_scenario
from reserves.scenarios.schema import SovereignBidConfig

C17 = "configs/scenarios/c17.yaml"


@pytest.fixture(scope="module")
def c17():
    return load_config(C17)


def _one_case(cfg, **base):
    """One ``base`` case with the given dynamics overrides (quiet C17 otherwise)."""
    return cfg.with_updates(
        {"scenarios": {"cases": [{"name": "only", "probability": 1.0}], "base": base}}
    )


def test_c17_uses_the_schedule_and_wall_stays_available(c17):
    sec = c17.scenarios
    for case in sec.cases:
        assert sec.dynamics(case.name).sovereign_bids.kind == "schedule"
    assert SovereignBidConfig().kind == "wall"
    run = simulate_scenario(c17, paths=20, seed=1, horizon_days=30)
    meta = run.meta["sovereign_bids"]
    assert meta["kind"] == "schedule" and meta["rule"] == "dynamics"
    assert meta["resting_share"] == pytest.approx(1 / 36, rel=1e-5)
    wall = _one_case(c17, sovereign_bids={"kind": "wall"})
    assert simulate_scenario(wall, paths=20, horizon_days=30).meta["sovereign_bids"]["kind"] == (
        "wall"
    )


def test_resting_share_default_is_one_month_of_the_horizon():
    assert SovereignBidConfig().resting_share_for(3.0) == pytest.approx(1 / 36)
    assert SovereignBidConfig(resting_share=0.1).resting_share_for(3.0) == 0.1


def test_bad_bid_settings_name_the_field(c17):
    from reserves.config import config_from_dict

    data = c17.to_dict()
    data["scenarios"]["base"]["sovereign_bids"]["kind"] = "cloud"
    with pytest.raises(ConfigError, match="sovereign_bids"):
        config_from_dict(data)
    data["scenarios"]["base"]["sovereign_bids"]["kind"] = "schedule"
    data["scenarios"]["base"]["sovereign_bids"]["resting_share"] = 2.0
    with pytest.raises(ConfigError, match="resting_share"):
        config_from_dict(data)


def test_bid_table_rows_equal_bids_from_schedule(c17):
    dyn = c17.scenarios.dynamics("orderly_transition")
    parts = sim.build_parts(c17, dyn)
    sim.clear_scenario_caches()
    table = sim.schedule_bid_table(c17, dyn.sovereign_bids, parts.grid)
    sched = demand_schedule(c17, price_grid(c17, 50), rule="dynamics")
    np.testing.assert_array_equal(table.schedule.demand_usd, sched.demand_usd)
    # built once per config and reused by every scenario, path and day
    assert sim.schedule_bid_table(c17, dyn.sovereign_bids, parts.grid) is table
    for k in (0, 150, 220, 260, 400, table.cum_usd.shape[0] - 1):
        p = float(np.exp(table.log_p_lo + k * table.log_step))
        curve = bids_from_schedule(sched, p)
        np.testing.assert_allclose(
            table.rows(np.array([p]))[0], curve.filled_usd(p * (1 - parts.grid)), atol=1e-3
        )
    rows = table.cum_usd
    assert np.all(np.diff(rows, axis=1) >= -1e-6)  # bids fill as the price falls
    assert rows[0].max() == 0.0 and rows[-1].max() == 0.0  # flat schedule outside its grid
    # a path at the config price meets the increment D(p) - D(P0) below it
    p0 = c17.market.price_usd
    d = sched.demand_at(p0 * 0.8) - sched.demand_at(p0)
    assert table.at_price(p0, 0.2) == pytest.approx(float(d), rel=0.03)
    # richer paths meet fewer sovereign bids within the same fall (valuations are absolute)
    assert table.at_price(2 * p0, 0.2) < table.at_price(p0, 0.2)


def test_row_kernel_matches_cascade_kernel(c17):
    dyn = c17.scenarios.dynamics("orderly_transition")
    parts = sim.build_parts(c17, dyn)
    rng = np.random.default_rng(0)
    n = 300
    F = 10 ** rng.uniform(7, 10.5, n)
    c = parts.impact_coef * rng.uniform(0.5, 2.0, n)
    s = rng.uniform(0.2, 1.5, n)
    b = rng.uniform(0, 5e9, n)
    kr = cascade_kernel(
        F,
        parts.grid,
        parts.long_cum_usd,
        impact_coef=c,
        impact_power=parts.impact_power,
        bid_cum_usd=parts.bid_unit,
        dip_cum_usd=parts.dip_cum_usd,
        oi_scale=s,
        bid_scale=b,
    )
    x, liq, filled, coll = sim._kernel_rows(
        parts, F, c, s, b[:, None] * parts.bid_unit[None, :], chunk=64
    )
    np.testing.assert_allclose(x, kr.drop, atol=1e-12)
    np.testing.assert_allclose(liq, kr.long_liquidated_usd, rtol=1e-12)
    np.testing.assert_allclose(filled, b * np.interp(x, parts.grid, parts.bid_unit), rtol=1e-9)
    np.testing.assert_array_equal(coll, kr.collapsed)


def test_schedule_bids_raise_the_floor_and_scale_with_resting_share(c17):
    base = {"adoption": {"kind": "logistic", "scale": 0.0}, "shocks": {"rate_pa": 6.0}}
    runs = {
        rs: simulate_scenario(
            _one_case(c17, sovereign_bids={"kind": "schedule", "resting_share": rs}, **base),
            paths=300,
            seed=4,
            horizon_days=120,
        )
        for rs in (0.0, 1 / 36, 0.2)
    }
    floor = {rs: r.quantile("floor_usd", 0.5)[0] for rs, r in runs.items()}
    assert floor[0.0] < floor[1 / 36] < floor[0.2]
    liq = {rs: r.metrics["liquidations_mean_usd"] for rs, r in runs.items()}
    assert liq[0.2] <= liq[0.0]
    # bids filled in crashes add to sovereign holdings even without an adoption flow
    h = {rs: r.quantile("sovereign_share", 0.99)[-1] for rs, r in runs.items()}
    assert h[0.2] > h[0.0]


def test_schedule_run_is_reproducible(c17):
    a = simulate_scenario(c17, "systemic_failure", paths=40, seed=9, horizon_days=200)
    sim.clear_scenario_caches()
    b = simulate_scenario(c17, "systemic_failure", paths=40, seed=9, horizon_days=200)
    assert json.dumps(a.to_dict(full=True)) == json.dumps(b.to_dict(full=True))


def test_game_adoption_follows_adoption_path(c17):
    from reserves.sovereign.adoption import adoption_path
    from reserves.sovereign.model import SovereignGame

    path = adoption_path(SovereignGame(c17))
    w = np.array([s.max_buy_share * s.reserves_usd for s in c17.players])
    joined = [i for i, j in enumerate(path.joined_round) if j is not None]
    assert joined  # the C17 roster has joiners at the config price
    width = 90.0
    dyn = c17.scenarios.dynamics("orderly_transition")
    dyn = dyn.model_copy(
        update={"adoption": dyn.adoption.model_copy(update={"kind": "game", "width_days": width})}
    )
    T = 1136
    C = sim.adoption_curve_usd(c17, dyn, T)
    K = dyn.adoption.scale * w.sum()
    assert C[0] == 0.0 and np.all(np.diff(C) >= 0)
    assert C[-1] == pytest.approx(K * w[joined].sum() / w.sum(), rel=1e-9)
    first = min(path.joined_round[i] for i in joined) * path.period_years * 365
    assert C[int(np.floor(first))] == 0.0 and C[int(np.ceil(first)) + 1] > 0.0
    # joiners of round r have bought in full width_days after joining
    last = max(path.joined_round[i] for i in joined) * path.period_years * 365
    assert C[int(np.ceil(last + width))] == pytest.approx(C[-1])


def test_game_adoption_in_simulation(c17):
    cfg = _one_case(
        c17,
        adoption={"kind": "game", "width_days": 60},
        shocks={"rate_pa": 0.0},
        sovereign_bids={"kind": "schedule"},
    )
    run = simulate_scenario(cfg, paths=50, seed=2, horizon_days=400)
    share = run.quantile("sovereign_share", 0.5)
    assert share[-1] > share[0]
    logistic = _one_case(c17, adoption={"kind": "logistic"}, shocks={"rate_pa": 0.0})
    other = simulate_scenario(logistic, paths=50, seed=2, horizon_days=400)
    assert other.quantile("sovereign_share", 0.5)[-1] != pytest.approx(share[-1])
