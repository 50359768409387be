"""Cascade kernel, ladder, impact and bids: known answers, properties and bad input."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reserves.errors import ConfigError, ReservesError
from reserves.market import (
    BidCurve,
    LinearImpact,
    MarketModel,
    SqrtImpact,
    bids_from_schedule,
    build_drop_grid,
    build_ladder,
    cascade_kernel,
    dip_buyer_bids,
    no_bids,
    uniform_bid_wall,
)

P0 = 90_000.0
LOGN = SimpleNamespace(kind="lognormal", center_ratio=1.0, dispersion=0.08)
TIERS = ([2, 5, 10, 20, 50], [0.3, 0.3, 0.2, 0.15, 0.05])


def ladder(oi=1e10, lev_scale=1.0, **kw):
    lev = np.clip(np.array(TIERS[0], float) * lev_scale, 1.0, 0.999 / 0.005)
    return build_ladder(P0, oi, oi, lev, TIERS[1], LOGN, LOGN, 0.005, 500, **kw)


def model(oi=1e10, depth=2e8, sov=None, lev_scale=1.0, **kw):
    return MarketModel(
        LinearImpact(depth),
        ladder(oi, lev_scale, **kw),
        dip_buyer_bids(P0, 1e7, 1e8),
        sov or no_bids(P0),
    )


# ---------------------------------------------------------------- known answers
def test_no_ladder_no_bids_is_the_impact_of_the_shock():
    m = MarketModel(LinearImpact(2e8), ladder(oi=0.0), no_bids(P0), no_bids(P0))
    r = m.cascade(4e8)
    assert r.drop == pytest.approx(0.02, rel=1e-9)  # $400M / $200M per 1%
    assert r.liquidations_usd == 0
    sq = SqrtImpact(1.0, 0.03, 1e10)
    m2 = m.replace(impact=sq)
    assert m2.cascade(1e9).drop == pytest.approx(float(sq.drop(1e9)), abs=1e-5)  # grid error


def test_trough_is_a_fixed_point_and_rounds_rise_to_it():
    m = model()
    r = m.cascade(5e8)
    p = r.trough_usd
    net = 5e8 + m.ladder.long_liquidated_usd(p) - m.dip_bids.filled_usd(p)
    assert r.drop == pytest.approx(float(m.impact.drop(net)), abs=2e-4)
    drops = [x.drop for x in r.rounds]
    assert all(b >= a for a, b in itertools.pairwise(drops))
    assert drops[-1] == pytest.approx(r.drop)
    # first fixed point: below the trough the impact exceeds the drop
    for x in np.linspace(0, r.drop, 50, endpoint=False)[1:]:
        q = P0 * (1 - x)
        net = 5e8 + m.ladder.long_liquidated_usd(q) - m.dip_bids.filled_usd(q)
        assert m.impact.drop(net) > x - 1e-9


def test_zero_shock_stays_at_start():
    assert model().cascade(0.0).trough_usd == P0


def test_kernel_per_path_matches_shared_path():
    m = model()
    F = np.linspace(0, 3e9, 257)
    shared = m.kernel(F)
    per_path = m.kernel(F, oi_scale=np.ones_like(F), per_path_grid_points=None)
    np.testing.assert_allclose(per_path.trough_usd, shared.trough_usd, rtol=1e-12)
    np.testing.assert_allclose(per_path.long_liquidated_usd, shared.long_liquidated_usd)
    coarse = m.kernel(F, oi_scale=np.ones_like(F))  # resampled on 1025 drops
    np.testing.assert_allclose(coarse.trough_usd, shared.trough_usd, rtol=2e-3)


def test_kernel_broadcasts_start_prices_and_scales():
    m = model()
    grid, L, _D, B = m.grid_arrays()
    starts = np.array([50_000.0, 90_000.0, 120_000.0])
    k = cascade_kernel(
        [1e9, 1e9, 1e9],
        grid,
        L,
        impact_coef=m.impact.coef,
        impact_power=1,
        start_price_usd=starts,
        dip_cum_usd=B,
        oi_scale=np.array([0.5, 1, 2]),
    )
    assert k.trough_usd.shape == (3,)
    assert k.drop[0] < k.drop[1] < k.drop[2]  # more open interest, deeper fall


def test_collapse_is_flagged():
    m = model(depth=1e7, oi=1e11)
    r = m.troughs([1e12])
    assert bool(r.collapsed[0]) and r.trough_usd[0] == pytest.approx(P0 * 0.05)


def test_ladder_cumulative_volume_and_liquidation_prices():
    lad = build_ladder(
        P0,
        1e9,
        1e9,
        [10.0],
        [1.0],
        SimpleNamespace(kind="buckets", ratios=[1.0], weights=[1.0]),
        LOGN,
        0.005,
        2000,
    )
    liq = P0 * (1 - 0.1 + 0.005)
    assert lad.long_liquidated_usd(liq * 1.001) == pytest.approx(0.0, abs=1e3)
    assert lad.long_liquidated_usd(liq * 0.999) == pytest.approx(1e9 * liq / P0, rel=1e-3)
    assert np.all(np.diff(lad.long_cum_usd) <= 0)
    assert np.all(np.diff(lad.short_cum_usd) >= 0)


def test_bids_from_schedule_places_incremental_demand_below_entry():
    sched = SimpleNamespace(
        prices_usd=np.array([40e3, 60e3, 90e3, 120e3]), demand_usd=np.array([9e9, 5e9, 1e9, 0.0])
    )
    b = bids_from_schedule(sched, P0, commitment_scale=2.0)
    assert b.filled_usd(P0) == 0.0
    assert b.filled_usd(60e3) == pytest.approx(2 * 4e9)
    assert b.filled_usd(30e3) == pytest.approx(2 * 8e9)
    assert np.all(np.diff(b.cum_usd) <= 0)


def test_bid_curve_and_wall():
    w = uniform_bid_wall(P0, 60e3, 1e9)
    assert w.filled_usd(60e3) == pytest.approx(1e9) and w.filled_usd(P0) == 0
    assert w.with_total(5.0).total_usd == pytest.approx(5.0)
    with pytest.raises(ReservesError, match="must not increase"):
        BidCurve(np.array([1.0, 2.0]), np.array([0.0, 1.0]))


def test_drop_grid_contains_knots():
    g = build_drop_grid(0.9, [0.123456], points=11)
    assert 0.123456 in g and g[0] == 0 and g[-1] == 0.9


# ---------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 5e10, allow_nan=False), min_size=2, max_size=40),
    st.floats(5e7, 1e9),
    st.floats(0, 5e10),
)
def test_bigger_shock_never_gives_higher_trough(shocks, depth, oi):
    m = model(oi=oi, depth=depth)
    F = np.sort(np.array(shocks))
    t = m.troughs(F).trough_usd
    assert np.all(np.diff(t) <= 1e-9 * P0)


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 2e10), st.floats(0, 5e10), st.floats(0, 5e10), st.floats(5e7, 1e9))
def test_more_sovereign_demand_never_gives_lower_trough(shock, c1, c2, depth):
    lo, hi = sorted((c1, c2))
    wall = uniform_bid_wall(P0, 40e3, 1.0)
    t_lo = model(depth=depth, sov=wall.scaled(lo)).troughs(shock).trough_usd
    t_hi = model(depth=depth, sov=wall.scaled(hi)).troughs(shock).trough_usd
    assert t_hi >= t_lo - 1e-9 * P0


@settings(max_examples=30, deadline=None)
@given(st.floats(1e7, 5e9), st.floats(0.3, 3.0), st.floats(0.3, 3.0), st.floats(1e9, 1e11))
def test_more_leverage_never_lowers_fragility(shock, k1, k2, oi):
    lo, hi = sorted((k1, k2))
    f_lo = model(oi=oi, lev_scale=lo, rebound_share=0.4, crash_short_ratio=1.0).troughs(shock)
    f_hi = model(oi=oi, lev_scale=hi, rebound_share=0.4, crash_short_ratio=1.0).troughs(shock)
    assert f_hi.fragility_ratio[()] >= f_lo.fragility_ratio[()] * (1 - 1e-6) - 1e-9
    assert f_hi.trough_usd[()] <= f_lo.trough_usd[()] + 1e-6 * P0


# ---------------------------------------------------------------- bad input
def test_negative_open_interest_is_refused():
    with pytest.raises(ConfigError, match="long_oi_usd"):
        build_ladder(P0, -1.0, 1e9, [2.0], [1.0], LOGN, LOGN)


def test_leverage_below_one_is_refused():
    with pytest.raises(ConfigError, match="below 1"):
        build_ladder(P0, 1e9, 1e9, [0.5], [1.0], LOGN, LOGN)


def test_margin_that_liquidates_at_entry_is_refused():
    with pytest.raises(ConfigError, match="liquidated at their own entry"):
        build_ladder(P0, 1e9, 1e9, [2.0, 100.0], [0.5, 0.5], LOGN, LOGN, 0.01)


@pytest.mark.parametrize("bad", ["abc", None, float("nan"), float("inf"), -1.0, [1.0, "x"]])
def test_shock_that_is_not_a_number_is_refused(bad):
    with pytest.raises(ReservesError, match="shock"):
        model().troughs(bad)
    with pytest.raises(ReservesError, match="shock"):
        model().cascade(bad)


def test_bad_impact_parameters_are_refused():
    with pytest.raises(ConfigError, match="depth_usd_per_pct"):
        LinearImpact(-1.0)
    with pytest.raises(ConfigError, match="y_coef"):
        SqrtImpact(float("nan"), 0.03, 1e10)
