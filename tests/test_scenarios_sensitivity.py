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
