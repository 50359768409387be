"""The figures of reserves.charts.game build valid Vega-Lite specs from real results."""

from __future__ import annotations

import numpy as np
import pytest

from reserves.charts.game import (
    adoption_chart,
    basins_chart,
    correlated_chart,
    correlated_heatmap,
    demand_schedule_chart,
    dynamics_chart,
    phase_chart,
)
from reserves.config import load_config
from reserves.demand import demand_schedule
from reserves.errors import ReservesError
from reserves.nash.correlated import correlated_equilibrium
from reserves.nash.dynamics import basins, replicator, replicator_ode
from reserves.nash.normal_form import Game
from reserves.sovereign.adoption import adoption_path
from reserves.sovereign.model import SovereignGame

CHICKEN = Game.from_arrays([[6, 2], [7, 0]], [[6, 7], [2, 0]], actions=[["chicken", "dare"]] * 2)
STAG = Game.symmetric_2x2(4, 0, 3, 3, actions=[["stag", "hare"]] * 2)


def test_every_chart_builds_a_spec() -> None:
    cfg = load_config("configs/baseline.yaml")
    ce = correlated_equilibrium(CHICKEN)
    run = replicator(STAG, [[0.8, 0.2], [0.7, 0.3]])
    charts = [
        correlated_chart(ce),
        correlated_heatmap(CHICKEN, ce),
        dynamics_chart(run),
        phase_chart(run, replicator_ode(STAG, [[0.3, 0.7], [0.6, 0.4]], t_max=20)),
        basins_chart(basins(STAG, grid=7)),
        adoption_chart(adoption_path(SovereignGame(cfg, price_usd=40_000))),
        demand_schedule_chart(demand_schedule(cfg, np.geomspace(30_000, 120_000, 6))),
        demand_schedule_chart(demand_schedule(cfg, np.geomspace(30_000, 120_000, 6)), btc=True),
    ]
    for chart in charts:
        spec = chart.to_dict()
        assert "$schema" in spec


def test_heatmap_rejects_n_player_games() -> None:
    g = Game(np.zeros((3, 2, 2, 2)))
    with pytest.raises(ReservesError, match="2-player"):
        correlated_heatmap(g, correlated_equilibrium(g, "feasible"))
