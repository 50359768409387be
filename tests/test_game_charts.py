"""Charts of correlated equilibria and dynamics stay within Altair's limits and stay legible."""

from __future__ import annotations

import pytest

from reserves.charts.game import MAX_ROWS, correlated_heatmap, dynamics_chart, dynamics_frame
from reserves.config import load_config
from reserves.nash.correlated import correlated_equilibrium
from reserves.nash.dynamics import replicator
from reserves.sovereign.model import SovereignGame


@pytest.fixture(scope="module")
def cfg(baseline_path):
    return load_config(baseline_path)


def test_dynamics_chart_stays_under_the_row_limit(cfg):
    four = cfg.with_updates(
        {
            "game": {
                "players": ["United States", "China", "Japan", "Bhutan"],
                "actions": ["accumulate", "hold", "sell"],
            }
        }
    )
    # 600 steps of 12 columns: past the row limit, and bounded so the test stays fast
    run = replicator(SovereignGame(four).to_game(), step_size=0.01, max_steps=600)
    assert run.trajectory.shape[0] * run.trajectory.shape[1] > MAX_ROWS  # a long run
    df = dynamics_frame(run)
    assert len(df) < MAX_ROWS
    assert df["time"].iloc[0] == run.times[0] and df["time"].iloc[-1] == run.times[-1]
    spec = dynamics_chart(run).to_dict()  # no MaxRowsError
    (values,) = spec["datasets"].values()
    assert len(values) < MAX_ROWS


def test_short_runs_are_not_downsampled(cfg):
    pair = cfg.with_updates({"game": {"players": ["United States", "China"]}})
    run = replicator(SovereignGame(pair).to_game(), max_steps=50)
    assert len(dynamics_frame(run)) == run.trajectory.size


def test_correlated_heatmap_labels_are_short_lines(cfg):
    pair = cfg.with_updates(
        {
            "game": {
                "players": ["United States", "China"],
                "actions": ["accumulate", "hold", "sell"],
            }
        }
    )
    game = SovereignGame(pair).to_game()
    spec = correlated_heatmap(game, correlated_equilibrium(game)).to_dict()
    (values,) = spec["datasets"].values()
    assert len(values) == game.num_profiles
    for v in values:
        lines = v["label"].split("\n")
        assert len(lines) == 3 and lines[0].startswith("p = ")
        assert all(len(line) <= 30 for line in lines)  # fits a 170-pixel cell
        assert "e+" not in v["label"]  # money in $bn / $M, never scientific notation
    assert spec["layer"][1]["mark"]["lineBreak"] == "\n"
