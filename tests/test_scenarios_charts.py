"""Scenario charts build valid Vega-Lite specs."""

from __future__ import annotations

from reserves.charts.scenarios import c16_chart, fan_chart, lag_corr_chart, tornado_chart
from reserves.config import load_config
from reserves.scenarios import simulate_all
from reserves.scenarios.sensitivity import TornadoResult


def test_charts_build():
    s = simulate_all(load_config("configs/scenarios/c17.yaml"), paths=40, horizon_days=200)
    for chart in (
        fan_chart(s),
        fan_chart(s, "vol_pa", scenario="systemic_failure"),
        fan_chart(s.runs[0], "floor_usd"),
        c16_chart(s),
        lag_corr_chart(s.runs[0]),
    ):
        assert "$schema" in chart.to_dict()
    t = TornadoResult(
        "m",
        1.0,
        (
            {
                "label": "a",
                "low": 0.0,
                "high": 1.0,
                "delta_low": -1.0,
                "delta_high": 2.0,
                "swing": 3.0,
            },
        ),
    )
    assert "$schema" in tornado_chart(t).to_dict()
