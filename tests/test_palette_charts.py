"""One palette for every figure, colour-blind safe; chart titles and axes in plain words."""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest

from reserves.charts import palette
from reserves.config import load_config

SCI = re.compile(r"\d\.?\d*e[+-]?\d+", re.IGNORECASE)


def _texts(spec: dict) -> list[str]:
    """Every title, subtitle and axis/legend title string of a Vega-Lite spec."""
    out: list[str] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in {"title", "text", "subtitle"}:
            out.append(node)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    return out


# --------------------------------------------------------------------------- palette
def test_delta_e_measures_what_it_should():
    assert palette.delta_e("#000000", "#000000") == 0
    assert palette.delta_e("#000000", "#FFFFFF") == pytest.approx(100, abs=0.5)
    # red and green collapse for a deuteranope: far apart normally, close when simulated
    assert palette.delta_e("#D62728", "#2CA02C") > 60
    assert palette.delta_e("#D62728", "#2CA02C", "deuteranopia") < 25
    with pytest.raises(Exception, match="RRGGBB"):
        palette.delta_e("red", "#000000")


def test_every_categorical_set_is_distinct_for_colour_blind_readers():
    assert palette.min_pair_delta_e(palette.ACTION_COLORS.values()) > 35
    assert palette.min_pair_delta_e(palette.PALETTE[:6]) > 15
    types = palette.GAME_TYPE_COLORS
    assert palette.min_pair_delta_e(types.values()) >= palette.MIN_TYPE_DELTA_E
    assert len(set(types.values())) == len(types)


def test_game_types_have_one_colour_each():
    from reserves.sovereign.symbolic import GAME_TYPES

    names = set(GAME_TYPES)
    assert names <= set(palette.GAME_TYPE_COLORS), names - set(palette.GAME_TYPE_COLORS)
    # the two that shared near-identical greys before are now far apart for every vision
    assert (
        min(
            palette.delta_e(
                palette.GAME_TYPE_COLORS["deadlock"], palette.GAME_TYPE_COLORS["unilateral"], v
            )
            for v in palette.VISIONS
        )
        > 40
    )


def test_charts_use_the_palette_module():
    from reserves import charts
    from reserves.charts import analysis

    assert charts.ACTION_COLORS is palette.ACTION_COLORS
    assert analysis.TYPE_COLORS is palette.GAME_TYPE_COLORS
    assert list(charts.theme_config()["config"]["range"]["category"]) == list(palette.PALETTE)


# --------------------------------------------------------------------------- readable charts
def test_tornado_axis_reads_in_words_and_dollars():
    from reserves.charts.scenarios import tornado_chart
    from reserves.scenarios.sensitivity import TornadoResult

    t = TornadoResult(
        "floor_median_end_usd",
        75758.85,
        (
            {
                "parameter": "x",
                "label": "shock rate (per year)",
                "low": 2.0,
                "high": 8.0,
                "value_low": 76000.0,
                "value_high": 73000.0,
                "delta_low": 241.15,
                "delta_high": -2758.85,
                "swing": 3000.0,
            },
        ),
    )
    spec = tornado_chart(t).to_dict()
    texts = _texts(spec)
    assert "change in the median price floor at the horizon from $75,759" in texts
    assert not any("floor_median_end_usd" in s or SCI.search(s) for s in texts)
    legend = spec["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom-right"  # inside the plot, not off its edge


def test_p_vol_metric_reads_in_words():
    from reserves.charts.scenarios import metric_words

    assert metric_words("p_vol_below_0.25_2026-12-31") == (
        "probability volatility is below 25% on 2026-12-31",
        "pct",
    )


@pytest.fixture(scope="module")
def cfg():
    return load_config("configs/baseline.yaml")


def test_correlated_title_has_no_scientific_notation(cfg):
    from reserves.charts.game import correlated_chart
    from reserves.nash.correlated import correlated_equilibrium
    from reserves.sovereign.model import SovereignGame

    pair = cfg.with_updates({"game": {"players": ["United States", "China"]}})
    ce = correlated_equilibrium(SovereignGame(pair), objective="welfare")
    assert ce.objective_value is not None and abs(ce.objective_value) > 1e6
    texts = _texts(correlated_chart(ce).to_dict())
    assert any(s.startswith("objective: total expected payoff, $") for s in texts), texts
    assert not any(SCI.search(s) for s in texts)


def test_adoption_panels_are_wide_enough(cfg):
    from reserves.charts.game import adoption_chart
    from reserves.sovereign.adoption import adoption_path
    from reserves.sovereign.model import SovereignGame

    spec = adoption_chart(adoption_path(SovereignGame(cfg))).to_dict()
    widths = [panel["width"] for panel in spec["vconcat"]]
    assert len(widths) == 2 and min(widths) >= 300


def test_region_map_axes_and_legend_in_words(cfg):
    from reserves.charts.analysis import param_title, region_map_chart
    from reserves.sovereign.model import SovereignGame
    from reserves.sovereign.symbolic import type_region_map

    pair = cfg.with_updates({"game": {"players": ["United States", "China"]}})
    region = type_region_map(SovereignGame(pair), "theta_1", "theta_2", n=6)
    spec = region_map_chart(region, players=("United States", "China")).to_dict()
    texts = _texts(spec)
    assert "strategic weight θ of United States" in texts
    assert "strategic weight θ of China" in texts
    assert not any(re.fullmatch(r"\w+_\d", s) for s in texts)
    assert param_title("kappa_2") == "political cost κ of the second sovereign"
    base = spec["layer"][0]["encoding"]["color"]
    assert "replace" in base["legend"]["labelExpr"]
    used = base["scale"]["range"]
    assert used == [palette.GAME_TYPE_COLORS[t] for t in base["scale"]["domain"]]


def test_fan_chart_dates_carry_the_year():
    from reserves.charts.scenarios import fan_chart
    from reserves.scenarios.simulate import simulate_scenario

    run = simulate_scenario(
        load_config("configs/scenarios/c17.yaml"), paths=8, horizon_days=400, seed=1
    )
    spec = fan_chart(run).to_dict()
    assert "%Y" in json.dumps(spec["layer"][0]["encoding"]["x"])  # "Dec 2025", not "December"
    assert np.isfinite(run.metrics["floor_median_end_usd"])


def test_no_two_series_colours_repeat():
    cols = list(palette.SERIES_COLORS.items())
    for (a, ca), (b, cb) in itertools.combinations(cols, 2):
        assert ca != cb, (a, b)


def test_no_chart_module_hard_codes_a_colour():
    """Every colour of a figure comes from reserves.charts.palette (one place to change)."""
    from pathlib import Path

    import reserves.charts

    hexes = re.compile(r"['\"]#(?:[0-9a-fA-F]{3}){1,2}['\"]")
    offenders = {
        p.name: hexes.findall(p.read_text(encoding="utf-8"))
        for p in Path(reserves.charts.__file__).parent.glob("*.py")
        if p.name != "palette.py"
    }
    assert not {k: v for k, v in offenders.items() if v}
