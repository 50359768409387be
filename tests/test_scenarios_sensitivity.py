"""Tornado: the metrics-only simulation gives the same bars as the full one, faster."""

from __future__ import annotations

import pytest

from reserves.scenarios.sensitivity import METRICS_ONLY, tornado
from reserves.scenarios.sweep import SweepSpec


def _spec(horizon_days: int = 60) -> SweepSpec:
    return SweepSpec.model_validate(
        {
            "config": "configs/scenarios/c17.yaml",
            "scenario": "orderly_transition",
            "mode": "tornado",
            "paths": 24,
            "seed": 5,
            "horizon_days": horizon_days,
            "metrics": [
                "floor_median_end_usd",
                "price_p05_end_usd",
                "p_min_price_below_break",
                "vol_median_end_pa",
            ],
            "parameters": {
                "scenarios.base.shocks.rate_pa": {"low": 2.0, "high": 8.0},
                "scenarios.base.volatility.base_pa": {"low": 0.3, "high": 0.5},
            },
        }
    )


@pytest.mark.parametrize("metric", ["floor_median_end_usd", "price_p05_end_usd"])
def test_metrics_only_equals_full_simulation(metric: str) -> None:
    spec = _spec(horizon_days=45)
    fast = tornado(spec, metric=metric)
    full = tornado(spec, metric=metric, metrics_only=False)
    assert fast.meta["metrics_only"] and not full.meta["metrics_only"]
    assert fast.base_value == full.base_value
    assert [r["parameter"] for r in fast.rows] == [r["parameter"] for r in full.rows]
    for a, b in zip(fast.rows, full.rows, strict=True):
        assert a["value_low"] == b["value_low"] and a["value_high"] == b["value_high"]
    # a metric that moves: the bars are not all zero (the comparison above could not be vacuous)
    assert max(r["swing"] for r in fast.rows) > 0


def test_tornado_reports_progress_per_point() -> None:
    seen: list[tuple[int, int]] = []
    res = tornado(_spec(horizon_days=30), progress=lambda k, n: seen.append((k, n)))
    assert seen == [(k, 5) for k in range(1, 6)]
    assert len(res.rows) == 2 and res.rows[0]["swing"] >= res.rows[1]["swing"]


def test_metrics_only_settings_are_valid_config_values() -> None:
    from reserves.config import load_config

    cfg = load_config("configs/scenarios/c17.yaml")
    updated = cfg.with_updates(
        {"scenarios": {k.split(".", 1)[1]: v for k, v in METRICS_ONLY.items()}}
    )
    assert updated.scenarios.fan_stride_days == METRICS_ONLY["scenarios.fan_stride_days"]


def _point_configs(updates: list[dict[str, float]]) -> list:
    from reserves.config import config_from_dict, load_config
    from reserves.scenarios.sweep import _merge, _nested

    base = load_config("configs/scenarios/c17.yaml").to_dict()
    out = []
    for up in updates:
        data = base
        for key, value in up.items():
            data = _merge(data, _nested(key, value))
        out.append(config_from_dict(data, where="test point"))
    return out


@pytest.mark.parametrize("no_sovereigns", [False, True])
def test_batched_points_equal_unbatched_runs(no_sovereigns: bool) -> None:
    """Points x paths on one axis give every point's run number for number: separate random
    streams per shock rate, per-path parameters, one dynamic game per politics value."""
    import numpy as np

    from reserves.scenarios.simulate import simulate_points, simulate_scenario

    cfgs = _point_configs(
        [
            {},
            {"scenarios.base.shocks.rate_pa": 9.0},
            {"scenarios.base.adoption.political_cost_scale": 3.0},
            {"scenarios.base.volatility.float_share": 0.5},
            {"scenarios.base.sovereign_bids.resting_share": 0.08},
        ]
    )
    kw = {"paths": 12, "seed": 2, "horizon_days": 200, "no_sovereigns": no_sovereigns}
    batched = simulate_points(cfgs, "orderly_transition", **kw)
    for b, cfg in zip(batched, cfgs, strict=True):
        one = simulate_scenario(cfg, "orderly_transition", **kw)
        assert b.metrics == one.metrics and b.checks == one.checks and b.meta == one.meta
        for key, q in one.quantiles.items():
            np.testing.assert_array_equal(b.quantiles[key], q)
        for key, v in one.path_stats.items():
            np.testing.assert_array_equal(b.path_stats[key], v)
        assert str(b.adoption.to_dict()) == str(one.adoption.to_dict())
    # the points differ (the comparison is not of five copies of one run)
    keys = ("price_median_end_usd", "floor_median_end_usd")
    if not no_sovereigns:  # without sovereigns the politics and resting bids do nothing
        assert len({tuple(r.metrics[k] for k in keys) for r in batched}) == len(cfgs)
    else:
        assert len({tuple(r.metrics[k] for k in keys) for r in batched}) >= 3


def test_sweep_batched_equals_point_by_point(monkeypatch: pytest.MonkeyPatch) -> None:
    from reserves.config import load_config
    from reserves.scenarios import sweep
    from reserves.scenarios.sweep import evaluate_point, evaluate_points, sweep_points

    spec = _spec(horizon_days=40)
    data = load_config(spec.config_path()).to_dict()
    pts = sweep_points(spec)
    args = (spec.scenario, spec.paths, spec.seed, spec.horizon_days, spec.metrics)
    one_by_one = [evaluate_point(data, p, *args) for p in pts]
    assert evaluate_points(data, pts, *args) == one_by_one
    monkeypatch.setattr(sweep, "BATCH_MAX_PATHS", 2 * spec.paths)  # batches of two points
    assert evaluate_points(data, pts, *args) == one_by_one


def test_batch_refuses_configs_that_differ_elsewhere() -> None:
    from reserves.errors import ConfigError
    from reserves.scenarios.simulate import batch_key, simulate_points

    a, b = _point_configs([{}, {"market_model.ladder.long_oi_usd": 9.4e10}])
    assert batch_key(a, "orderly_transition") != batch_key(b, "orderly_transition")
    with pytest.raises(ConfigError, match="differ in more than the batched fields"):
        simulate_points([a, b], "orderly_transition", paths=4, horizon_days=10)
