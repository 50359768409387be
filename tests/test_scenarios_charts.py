"""Scenario charts build valid Vega-Lite specs and render to PNG/SVG without conversion."""

from __future__ import annotations

import json

import pytest

from reserves.charts import to_png, to_svg
from reserves.charts.scenarios import c16_chart, fan_chart, lag_corr_chart, tornado_chart
from reserves.config import load_config
from reserves.scenarios import simulate_all
from reserves.scenarios.sensitivity import TornadoResult


@pytest.fixture(scope="module")
def small():
    return simulate_all(load_config("configs/scenarios/c17.yaml"), paths=40, horizon_days=200)


def test_fan_chart_renders_png_and_svg(small):
    chart = fan_chart(small)
    spec = chart.to_dict()
    json.dumps(spec)  # plain JSON: no date objects left for the caller to convert
    assert spec["layer"][0]["encoding"]["x"]["type"] == "temporal"
    (values,) = [v for v in spec["datasets"].values()]
    assert values[0]["date"] == "2025-11-21"  # day 0 = start_date, ISO
    png = to_png(chart)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    svg = to_svg(fan_chart(small.runs[1], "floor_usd"))
    assert svg.lstrip().startswith("<svg") and "Nov" in svg


def test_every_scenario_chart_renders(small):
    for chart in (fan_chart(small, "vol_pa", scenario="systemic_failure"), c16_chart(small)):
        assert to_png(chart, scale=1.0).startswith(b"\x89PNG")
    assert to_svg(lag_corr_chart(small.runs[0])).lstrip().startswith("<svg")


def test_charts_build(small):
    s = small
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
    assert to_png(tornado_chart(t), scale=1.0).startswith(b"\x89PNG")
