"""Crash panel (issue 12): event files, the structural model, panel fit, backtest and CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from reserves.cli import main
from reserves.config import load_config
from reserves.errors import ConfigError
from reserves.market import MarketModel
from reserves.market.events import CrashEvent, load_event, load_panel, supply_at
from reserves.market.panel import (
    DEFAULT_PARAMS_PATH,
    backtest,
    fit_panel,
    leave_one_out,
    load_loo,
    load_params,
    predict_event,
    save_params,
)
from reserves.market.structural import (
    StructuralParams,
    event_ladder,
    implied_shock,
    static_depth_factor,
    timed_cascade,
)

EVENTS = Path("configs/events")
MINIMAL = (
    "date: 2024-08-05\nprice_before_usd: 58000\ntrough_usd: 49000\n"
    "liquidations_usd: 3.0e8\nlong_share: 0.85\nopen_interest_usd: 3.0e10\n"
)


@pytest.fixture(scope="module")
def panel():
    return load_panel(EVENTS)


def _event(**kw):
    base = {
        "date": dt.date(2025, 1, 1),
        "price_before_usd": 100_000.0,
        "trough_usd": 88_000.0,
        "liquidations_usd": 5e8,
        "long_share": 0.85,
        "open_interest_usd": 5e10,
    }
    base.update(kw)
    return CrashEvent(**base)


# ----------------------------------------------------------------------------- event files


def test_panel_has_the_eight_crashes_and_skips_the_model_config(panel):
    dates = [e.date.isoformat() for e in panel]
    assert dates == [
        "2021-05-19",
        "2021-12-04",
        "2022-06-13",
        "2022-11-09",
        "2023-08-17",
        "2025-02-03",
        "2025-04-07",
        "2025-11-21",
    ]
    for e in panel:  # every required observable carries a source or a note
        for f in ("trough_usd", "liquidations_usd", "open_interest_usd"):
            assert f in e.sources or f in e.notes, (e.label, f)


def test_supply_follows_the_halvings():
    assert supply_at(dt.date(2024, 4, 20)) == pytest.approx(19_687_500)
    assert supply_at(dt.date(2025, 11, 21)) == pytest.approx(19.95e6, rel=2e-3)
    assert supply_at(dt.date(2021, 5, 19)) == pytest.approx(18.71e6, rel=2e-3)


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        ("liquidations_usd: 3.0e8\n", "liquidations_usd"),
        ("trough_usd: 49000\n", "trough_usd"),
        ("long_share: 0.85\n", "long_share"),
        ("open_interest_usd: 3.0e10\n", "open_interest_usd"),
    ],
)
def test_bad_event_file_is_one_line_naming_file_and_field(tmp_path, capsys, edit, field):
    bad = {
        "liquidations_usd: 3.0e8\n": "",
        "trough_usd: 49000\n": "trough_usd: 59000\n",
        "long_share: 0.85\n": "long_share: 1.5\n",
        "open_interest_usd: 3.0e10\n": "open_interest_usd: -1.0e10\n",
    }[edit]
    p = tmp_path / "bad.yaml"
    p.write_text(MINIMAL.replace(edit, bad))
    with pytest.raises(ConfigError, match=field):
        load_event(p)
    assert main(["backtest", str(p)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(p) in err[0] and field in err[0] and "fix:" in err[0]


def test_model_config_is_not_an_event(tmp_path):
    with pytest.raises(ConfigError, match="model config"):
        load_event(EVENTS / "2025-11-21.yaml")
    with pytest.raises(ConfigError, match="no crash event"):
        load_panel(tmp_path)


# ----------------------------------------------------------------------------- structure


def test_ladder_liquidations_rise_with_drop_and_long_share_too():
    e = _event()
    lad = event_ladder(e, StructuralParams())
    assert np.all(np.diff(lad.long_usd) >= -1e-6)
    assert np.all(np.diff(lad.short_usd) >= -1e-6)
    longs, shorts = lad.at(np.array([0.05, 0.15, 0.3]))
    share = longs / (longs + shorts)
    assert share[0] < share[1] < share[2]  # deep crashes are mostly longs


def test_more_leverage_liquidates_more_at_the_same_drop():
    e = _event()
    lo = predict_event(e, StructuralParams(leverage_scale=0.8), shocks=False)
    hi = predict_event(e, StructuralParams(leverage_scale=1.5), shocks=False)
    assert hi.predicted_liquidations_usd > lo.predicted_liquidations_usd


def test_open_interest_added_above_the_price_liquidates_more():
    # the pre-event path: OI added at higher prices sits closer to liquidation
    flat = _event(
        path=[
            {"days_before": 30, "price_usd": 100_000, "open_interest_usd": 4e10},
            {"days_before": 1, "price_usd": 100_000, "open_interest_usd": 5e10},
        ]
    )
    high = _event(
        path=[
            {"days_before": 30, "price_usd": 100_000, "open_interest_usd": 4e10},
            {"days_before": 10, "price_usd": 112_000, "open_interest_usd": 5e10},
        ]
    )
    p = StructuralParams()
    a = predict_event(flat, p, shocks=False).predicted_liquidations_usd
    b = predict_event(high, p, shocks=False).predicted_liquidations_usd
    assert b > a


def test_timed_cascade_monotone_and_a_fast_cascade_meets_thinner_depth():
    p = StructuralParams()
    e = _event()
    d = timed_cascade(e, p, np.geomspace(1e8, 5e10, 12))["drop"]
    assert np.all(np.diff(d) >= -1e-12)
    fast = timed_cascade(_event(duration_minutes=30), p, 3e9)["drop"][0]
    slow = timed_cascade(_event(duration_minutes=600), p, 3e9)["drop"][0]
    assert fast > slow  # the book has not refilled
    deep = timed_cascade(e, p.with_values(depth_share=3e-4), 3e9)["drop"][0]
    assert deep < timed_cascade(e, p, 3e9)["drop"][0]


def test_implied_shock_reproduces_the_trough():
    p = StructuralParams()
    e = _event()
    f = implied_shock(e, p, e.drop)
    assert 0 < f < np.inf
    got = timed_cascade(e, p, f)["drop"][0]
    assert got == pytest.approx(e.drop, abs=2e-3)


def test_static_depth_factor_limits():
    p = StructuralParams()
    # no refill (half-life very long): the whole book counts once
    assert static_depth_factor(p.with_values(resilience_half_life_min=120.0), 1.0) == (
        pytest.approx(1.0, rel=1e-2)
    )
    # fast refill over a long event: only the permanent part is left
    f = static_depth_factor(p.with_values(resilience_half_life_min=2.0), 1440.0)
    assert f == pytest.approx(1.0 / p.permanent_share, rel=0.02)


# ----------------------------------------------------------------------------- fitting


def test_fit_recovers_synthetic_panel():
    true = StructuralParams(leveraged_share=0.4, leverage_tail=2.0, momentum_short_ratio=2.0)
    synth = []
    for i, (drop, oi) in enumerate([(0.09, 5e10), (0.13, 3e10), (0.2, 2e10), (0.27, 1.5e10)]):
        e = _event(
            name=f"s{i}", trough_usd=100_000 * (1 - drop), open_interest_usd=oi, liquidations_usd=1
        )
        pr = predict_event(e, true, shocks=False)
        synth.append(
            e.model_copy(
                update={
                    "liquidations_usd": pr.predicted_liquidations_usd,
                    "long_share": pr.predicted_long_share,
                }
            )
        )
    fit = fit_panel(synth, starts=1)
    for row in fit.in_sample:
        assert abs(np.log(row.loo_liquidations_ratio)) < np.log(1.25)
        assert abs(row.loo_trough_error) < 0.02
    from reserves.market.structural import FITTED

    assert fit.n_parameters == len(FITTED) == 8 and fit.n_observations == 12


def test_params_round_trip_atomic(tmp_path):
    p = StructuralParams(leveraged_share=0.42, standard_errors={"leveraged_share": 0.1})
    out = save_params(p, tmp_path / "pp.yaml", header="# test")
    q = load_params(out)
    assert q.leveraged_share == pytest.approx(0.42) and q.standard_errors["leveraged_share"] == 0.1
    assert [f.name for f in tmp_path.iterdir()] == ["pp.yaml"]  # no temp file left
    bad = tmp_path / "bad.yaml"
    bad.write_text("params: {leveraged_share: 7}\n")
    with pytest.raises(ConfigError, match="leveraged_share"):
        load_params(bad)


def test_committed_params_and_loo_table(panel):
    params = load_params()
    assert params.meta["events"] == [e.label for e in panel]
    loo = load_loo()
    assert [r["name"] for r in loo["events"]] == [e.label for e in panel]
    s = loo["summary"]
    assert s["events"] == 8 and 1.0 <= s["median_liquidation_factor"] <= s["max_liquidation_factor"]


def test_backtest_keys_and_minimal_event(tmp_path, capsys):
    ev = tmp_path / "min.yaml"
    ev.write_text(MINIMAL)
    assert main(["backtest", str(ev), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    row = out["events"][0]
    for key in (
        "name",
        "loo_liquidations_ratio",
        "loo_long_share_error",
        "loo_trough_error",
        "implied_shock_usd",
        "shock_range_usd",
    ):
        assert key in row
    lo, hi = row["shock_range_usd"]
    assert lo <= row["implied_shock_usd"] <= hi


def test_calibrate_cli_writes_params_and_loo(tmp_path, capsys):
    d = tmp_path / "ev"
    d.mkdir()
    for name in ("crash-2022-11-09", "crash-2023-08-17", "crash-2025-04-07"):
        (d / f"{name}.yaml").write_text((EVENTS / f"{name}.yaml").read_text())
    out = tmp_path / "pp.yaml"
    argv = ["calibrate", str(d), "--out", str(out), "--starts", "1", "--json", "--no-loo"]
    assert main(argv) == 0
    rep = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rep["events"]] == [
        "crash-2022-11-09",
        "crash-2023-08-17",
        "crash-2025-04-07",
    ]
    for r in rep["events"]:
        assert {"loo_liquidations_ratio", "loo_long_share_error", "loo_trough_error"} <= set(r)
    assert load_params(out).meta["events"] == rep["fitted_events"]
    assert "summary" not in rep and load_loo(out) == {}  # --no-loo: in-sample rows only


def test_leave_one_out_rows_are_out_of_sample(panel):
    sub = [panel[3], panel[4], panel[6]]
    loo = leave_one_out(sub, starts=1, base=load_params())  # warm start: the committed fit
    for row, fold in zip(loo.rows, loo.params, strict=True):
        assert row.name not in fold.meta["events"]
    assert loo.summary()["events"] == 3


# ----------------------------------------------------------------------------- downstream


def test_floor_uses_the_panel_parameters_by_default():
    cfg = load_config("configs/events/2025-11-21.yaml")
    params = load_params(DEFAULT_PARAMS_PATH)
    m = MarketModel.from_config(cfg)
    k = cfg.market.price_usd * cfg.market.supply_btc
    expected = params.depth_share * k * static_depth_factor(params, 240.0)
    assert m.impact.depth_usd_per_pct == pytest.approx(expected, rel=1e-9)
    legacy = MarketModel.from_config(cfg.with_updates({"market_model": {"panel_params": "none"}}))
    assert legacy.impact.depth_usd_per_pct == cfg.market_model.impact.depth_usd_per_pct
    # 'none' survives the config's round trip (a null would be dropped and read as the default)
    again = load_config("configs/events/2025-11-21.yaml").with_updates(
        {"market_model": {"panel_params": "none"}}
    )
    assert again.with_updates({}).market_model.panel_params == "none"
    res = backtest([load_event(EVENTS / "crash-2025-11-21.yaml")], params)
    assert res.rows[0].liquidations_reached


def test_replace_keeps_params_frozen():
    p = StructuralParams()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.leveraged_share = 0.9  # type: ignore[misc]
    with pytest.raises(ConfigError, match="leveraged_share"):
        StructuralParams(leveraged_share=1.5)


def test_inverse_contracts_liquidate_longs_earlier_and_shorts_later():
    from reserves.market.leverage import build_ladder
    from reserves.market.schema import EntryConfig

    entry = EntryConfig(kind="lognormal", center_ratio=1.0, dispersion=0.02)
    lev, w = [2.0, 5.0, 20.0], [0.5, 0.3, 0.2]
    lin = build_ladder(100.0, 1e9, 1e9, lev, w, entry, entry, 0.005, 400)
    inv = build_ladder(100.0, 1e9, 1e9, lev, w, entry, entry, 0.005, 400, inverse_share=1.0)
    # a 2x inverse long is liquidated near -33% (L / (1 + L)), a linear one near -50%
    assert inv.long_liquidated_usd(60.0) > lin.long_liquidated_usd(60.0) + 1e8
    # a 5x inverse short is liquidated near +24% ((L - 1) / (1 - mm)), a linear one near +19%
    assert inv.short_liquidated_usd(121.0) < 0.6 * lin.short_liquidated_usd(121.0)
    half = build_ladder(100.0, 1e9, 1e9, lev, w, entry, entry, 0.005, 400, inverse_share=0.5)
    mid = 0.5 * (lin.long_liquidated_usd(60.0) + inv.long_liquidated_usd(60.0))
    assert half.long_liquidated_usd(60.0) == pytest.approx(mid, rel=1e-9)
    with pytest.raises(ConfigError, match="inverse_share"):
        build_ladder(100.0, 1e9, 1e9, lev, w, entry, entry, inverse_share=1.5)


def test_crypto_margined_share_from_the_event_or_the_dated_proxy():
    from reserves.market.events import crypto_margined_proxy

    e = load_event(EVENTS / "crash-2021-05-19.yaml")
    assert e.inverse_share == e.crypto_margined_share == pytest.approx(0.60)
    # the Glassnode trend: ~70% in early 2021, under 20% by late 2024, flat outside
    assert crypto_margined_proxy(dt.date(2020, 3, 12)) == pytest.approx(0.70)
    assert crypto_margined_proxy(dt.date(2026, 1, 1)) < 0.2
    assert crypto_margined_proxy(dt.date(2021, 5, 19)) > crypto_margined_proxy(dt.date(2023, 3, 1))
    minimal = CrashEvent(
        date=dt.date(2021, 5, 19),
        price_before_usd=100.0,
        trough_usd=80.0,
        liquidations_usd=1e8,
        long_share=0.9,
        open_interest_usd=1e10,
    )
    assert minimal.inverse_share == pytest.approx(crypto_margined_proxy(dt.date(2021, 5, 19)))
    hi = minimal.model_copy(update={"crypto_margined_share": 0.9})
    lo = minimal.model_copy(update={"crypto_margined_share": 0.0})
    p = StructuralParams()
    assert (
        predict_event(hi, p, shocks=False).predicted_liquidations_usd
        > predict_event(lo, p, shocks=False).predicted_liquidations_usd
    )


def test_long_share_rises_with_the_fall_under_the_committed_fit():
    # issue 12 second pass: momentum shorts scale with the longs liquidated and are entered
    # along the fall, so the rebound never liquidates more than rho of them; the long share
    # no longer turns down at -50%
    params = load_params()
    lad = event_ladder(load_event(EVENTS / "crash-2025-11-21.yaml"), params)
    longs, shorts = lad.at(np.array([0.05, 0.15, 0.3, 0.5]))
    share = longs / (longs + shorts)
    assert share[0] < share[1] < share[2]
    assert share[3] > 0.9


def test_fall_short_fraction_is_bounded_by_the_rebound_share():
    from reserves.market.leverage import crash_short_fraction, fall_short_fraction

    lev, w = np.array([2.0, 10.0, 50.0]), np.array([0.3, 0.4, 0.3])
    x = np.array([0.05, 0.3, 0.6, 0.9])
    f = fall_short_fraction(lev, w, 0.005, x, 0.4)
    assert np.all(f <= 0.4 + 1e-12) and np.all(np.diff(f) >= -1e-12)
    r = 0.4 * x / (1 - x)
    v01 = crash_short_fraction(lev, w, 0.005, r)
    assert v01[-1] > 2 * f[-1]  # the v0.1 form (entries near the trough) tends to one


def test_committed_ablations_show_each_kept_link_improves_leave_one_out():
    from reserves.market.panel import ABLATIONS, load_ablations

    ab = load_ablations()
    assert next(iter(ab)) == "model" and set(ABLATIONS) <= set(ab)
    model = ab["model"]["summary"]
    for name in ABLATIONS:
        s = ab[name]["summary"]
        assert ab[name]["n_parameters"] < ab["model"]["n_parameters"]
        # a structural link stays only if leave-one-out (not the in-sample fit) improves
        assert model["median_liquidation_factor"] < s["median_liquidation_factor"]
        assert model["max_liquidation_factor"] < s["max_liquidation_factor"]
        assert [r["name"] for r in ab[name]["events"]] == [r["name"] for r in ab["model"]["events"]]


def test_fit_panel_rejects_unknown_fitted_names(panel):
    with pytest.raises(ConfigError, match="cannot fit"):
        fit_panel(panel[:2], fitted=["no_such_parameter"])


@pytest.mark.slow
def test_calibrate_cli_ablations_are_stored_with_the_params(tmp_path, capsys):
    d = tmp_path / "ev"
    d.mkdir()
    for name in ("crash-2021-05-19", "crash-2023-08-17", "crash-2025-04-07"):
        (d / f"{name}.yaml").write_text((EVENTS / f"{name}.yaml").read_text())
    out = tmp_path / "pp.yaml"
    argv = ["calibrate", str(d), "--out", str(out), "--starts", "1", "--json", "--ablations"]
    assert main(argv) == 0
    rep = json.loads(capsys.readouterr().out)
    from reserves.market.panel import ABLATIONS, load_ablations

    stored = load_ablations(out)
    assert list(rep["ablations"]) == ["model", *ABLATIONS] == list(stored)
    assert stored["model"]["summary"] == pytest.approx(rep["summary"])
    for name in ABLATIONS:
        assert len(stored[name]["events"]) == 3
        assert stored[name]["n_parameters"] == rep["n_parameters"] - 1


def test_assessment_section_reports_the_second_pass():
    from reserves.assessment import assess

    s = assess("configs/baseline.yaml").section("crash_panel")
    assert s.available, s.note
    f = s.figures
    # the leave-one-out figures are the committed table's, the ablations beside them
    loo = load_loo()["summary"]
    assert f["loo_median_liq_factor"].value == pytest.approx(loo["median_liquidation_factor"])
    assert f["without_coin_margined_median_liq_factor"].value > f["loo_median_liq_factor"].value
    assert f["may21_crypto_margined_share"].value > f["nov25_crypto_margined_share"].value
    assert f["long_share_at_50pct"].value > f["long_share_at_10pct"].value
    assert "coin-margined" in s.data["summary"] and s.data["ablations"]
