"""The chart module the app and the briefings share: theme, static export, roster charts."""

from __future__ import annotations

import altair as alt
import pytest

import reserves.charts as charts
from reserves.charts.roster import (
    best_response_chart,
    equilibria_chart,
    payoff_frame,
    payoff_heatmap,
    roster_chart,
    roster_frame,
)
from reserves.config import load_config
from reserves.nash.pure import pure_solve
from reserves.sovereign.aggregative import best_response_path, extremal_starts
from reserves.sovereign.model import SovereignGame


@pytest.fixture(scope="module")
def cfg(baseline_path):
    return load_config(baseline_path)


@pytest.fixture(scope="module")
def pair(cfg):
    return cfg.with_updates({"game": {"players": ["United States", "China"]}})


def test_theme_is_registered_and_enabled():
    assert alt.theme.active == charts.THEME_NAME
    spec = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q").to_dict()
    assert spec["config"]["font"].startswith("Helvetica")


def test_to_png_and_to_svg_need_no_browser(cfg):
    chart = roster_chart(cfg)
    png = charts.to_png(chart, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    svg = charts.to_svg(chart)
    assert svg.lstrip().startswith("<svg") and "China" in svg
    assert charts.to_png(chart.to_dict(), scale=1)[:4] == b"\x89PNG"  # a plain spec works too


def test_action_colours_are_fixed():
    scale = charts.action_scale(["sell", "accumulate"]).to_dict()
    assert scale["domain"] == ["accumulate", "sell"]
    assert scale["range"] == [charts.ACTION_COLORS["accumulate"], charts.ACTION_COLORS["sell"]]


def test_roster_frame_and_chart(cfg):
    df = roster_frame(cfg)
    assert list(df["name"]) == [s.name for s in cfg.sovereigns]
    assert (df["reserves_usd"] > 0).all()
    spec = roster_chart(cfg, players=["China"]).to_dict()
    assert "14" in spec["title"] and "1 of 14" in spec["title"]


def test_equilibria_chart_shows_every_player(cfg):
    result = pure_solve(SovereignGame(cfg).to_game())
    spec = equilibria_chart(result).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert {v["sovereign"] for v in values} == {s.name for s in cfg.sovereigns}
    assert all(v["regret"] == 0.0 for v in values)


def test_payoff_heatmap_marks_the_equilibrium(pair):
    game = SovereignGame(pair).to_game()
    result = pure_solve(game)
    df = payoff_frame(game, result)
    assert len(df) == 2 * game.num_profiles
    assert df["equilibrium"].sum() == 2 * len(result.equilibria)
    payoff_heatmap(game, result).to_dict()


def test_payoff_frame_needs_two_players(cfg):
    with pytest.raises(ValueError, match="exactly 2 players"):
        payoff_frame(SovereignGame(cfg.with_updates({"game": {"players": ["China"]}})).to_game())


def test_best_response_chart(cfg):
    game = SovereignGame(cfg)
    paths = [
        best_response_path(game, s, prefer_high=(n == "highest"), start_name=n)
        for n, s in extremal_starts(game).items()
    ]
    spec = best_response_chart(paths, game.action_labels).to_dict()
    assert spec["mark"]["type"] == "line"
