"""Dynamics: convergence to verified equilibria, cycles, basins, the adoption path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reserves.config import config_from_dict, load_config
from reserves.errors import ReservesError
from reserves.nash.dynamics import (
    basins,
    best_response_dynamics,
    fictitious_play,
    replicator,
    replicator_ode,
)
from reserves.nash.normal_form import Game
from reserves.nash.pure import pure_solve
from reserves.sovereign.adoption import adoption_path
from reserves.sovereign.aggregative import synthetic_roster
from reserves.sovereign.model import SovereignGame

PD = Game.symmetric_2x2(3, 0, 5, 1, actions=[["C", "D"]] * 2)
STAG = Game.symmetric_2x2(4, 0, 3, 3, actions=[["stag", "hare"]] * 2)
PENNIES = Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], actions=[["H", "T"]] * 2)
X0 = [[0.3, 0.7], [0.6, 0.4]]


@pytest.mark.parametrize(
    ("run", "game", "expected"),
    [
        pytest.param(lambda g: replicator(g, X0), PD, ("D", "D"), id="replicator-pd"),
        pytest.param(lambda g: replicator_ode(g, X0), PD, ("D", "D"), id="ode-pd"),
        pytest.param(lambda g: best_response_dynamics(g), PD, ("D", "D"), id="br-pd"),
        pytest.param(lambda g: fictitious_play(g), PD, ("D", "D"), id="fp-pd"),
        pytest.param(lambda g: replicator(g, X0), STAG, ("hare", "hare"), id="replicator-stag"),
        pytest.param(
            lambda g: replicator(g, [[0.9, 0.1], [0.9, 0.1]]),
            STAG,
            ("stag", "stag"),
            id="replicator-stag-high",
        ),
        pytest.param(lambda g: replicator_ode(g, X0), STAG, ("hare", "hare"), id="ode-stag"),
        pytest.param(
            lambda g: best_response_dynamics(g, ["stag", "hare"], rule="sequential"),
            STAG,
            ("hare", "hare"),
            id="br-sequential-stag",
        ),
        pytest.param(lambda g: fictitious_play(g, ["hare", "stag"]), STAG, None, id="fp-stag"),
    ],
)
def test_dynamics_reach_a_verified_equilibrium(run, game, expected) -> None:
    r = run(game)
    assert r.status == "converged", r.notes
    assert r.equilibrium is not None
    assert r.regret <= 1e-7 * game.payoff_scale
    assert game.max_regret(r.equilibrium.strategies) <= 1e-7 * game.payoff_scale
    pure_set = {e.action_profile() for e in pure_solve(game)}
    assert r.equilibrium.action_profile() in pure_set
    if expected is not None:
        assert r.equilibrium.action_profile() == expected
    assert r.to_dict()["status"] == "converged"
    assert set(r.to_frame().columns) == {"time", "player", "action", "prob"}


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(lambda g: replicator(g, X0), id="replicator"),
        pytest.param(
            lambda g: replicator(g, X0, step_size=0.05, max_steps=4000),
            id="replicator-small-step",
        ),
        pytest.param(lambda g: replicator_ode(g, X0), id="ode"),
        pytest.param(lambda g: best_response_dynamics(g), id="br"),
        pytest.param(lambda g: best_response_dynamics(g, rule="sequential"), id="br-seq"),
        pytest.param(lambda g: fictitious_play(g, rounds=2000), id="fp"),
    ],
)
def test_matching_pennies_cycles(run) -> None:
    r = run(PENNIES)
    assert r.status == "cycle"
    assert r.equilibrium is None or r.method == "fictitious-play"


def test_best_response_cycle_length_in_pennies() -> None:
    # simultaneous: four single switches around the square; sequential: two sweeps
    assert best_response_dynamics(PENNIES).cycle_length == 4
    assert best_response_dynamics(PENNIES, rule="sequential").cycle_length == 2


def test_fictitious_play_frequencies_approach_the_mixed_equilibrium() -> None:
    short = fictitious_play(PENNIES, rounds=200)
    long = fictitious_play(PENNIES, rounds=4000)
    assert long.regret < short.regret
    assert long.regret < 0.03
    assert np.allclose(long.final[0], [0.5, 0.5], atol=0.02)


def test_replicator_from_the_centre_of_pennies_is_the_mixed_equilibrium() -> None:
    r = replicator(PENNIES)
    assert r.converged and r.equilibrium is not None and not r.equilibrium.pure


def test_basins_of_the_stag_hunt() -> None:
    b = basins(STAG, grid=21)
    assert sum(b.shares.values()) == pytest.approx(1.0)
    assert set(b.outcomes) == {("stag", "stag"), ("hare", "hare")}
    # hare is risk dominant (product of deviation losses 3*3 > 1*1): the larger basin
    assert b.shares["hare, hare"] > b.shares["stag, stag"] > 0
    assert len(b.to_frame()) == 441
    pd_b = basins(PD, grid=7)
    assert pd_b.shares == {"D, D": 1.0}


def test_basins_three_player_and_sampling() -> None:
    rng = np.random.default_rng(3)
    g = Game(rng.normal(size=(3, 2, 2, 2)))
    b = basins(g, grid=3, max_steps=2000)
    assert sum(b.shares.values()) == pytest.approx(1.0)
    s = basins(g, samples=20, max_steps=2000)
    assert s.starts.shape == (20, 3)


def test_basins_bad_input() -> None:
    with pytest.raises(ReservesError, match="2 actions"):
        basins(Game(np.zeros((2, 3, 2))))
    with pytest.raises(ReservesError, match="grid"):
        basins(Game(np.zeros((6, *(2,) * 6))), grid=10)


def test_adoption_path_on_the_baseline() -> None:
    sg = SovereignGame(load_config("configs/baseline.yaml"))
    path = adoption_path(sg)
    assert path.converged and path.equilibrium is not None
    assert path.regret <= 1e-7 * sg.payoff_scale
    brute = {e.action_profile() for e in pure_solve(sg.to_game())}
    assert path.equilibrium.action_profile() in brute
    assert path.final_actions()[0] == "hold"  # the US cannot sell (EO 14233)
    assert "China" in path.accumulators()
    # events are in time order and every mover ends up where the last event put it
    rounds = [e["round"] for e in path.events]
    assert rounds == sorted(rounds)
    assert path.to_frame().shape[0] == (path.rounds + 1) * sg.num_players
    for i, joined in enumerate(path.joined_round):
        assert (joined is not None) == (path.final_actions()[i] == "accumulate")


def test_adoption_path_at_a_low_price_has_more_adopters_over_time() -> None:
    sg = SovereignGame(load_config("configs/baseline.yaml"), price_usd=40_000)
    path = adoption_path(sg, period_years=0.5)
    assert path.converged
    assert len(path.accumulators()) > 5
    assert path.demand_usd[-1] > path.demand_usd[0]
    assert path.events[-1]["time_years"] == pytest.approx(0.5 * path.rounds)


@settings(max_examples=10, deadline=None)
@given(n=st.integers(2, 8), seed=st.integers(0, 1000))
def test_adoption_path_end_points_are_equilibria(n, seed) -> None:
    sg = SovereignGame(config_from_dict(synthetic_roster(n, seed=seed)))
    for rule in ("max-gain", "sequential", "simultaneous"):
        path = adoption_path(sg, rule=rule)
        if path.converged:
            brute = {e.action_profile() for e in pure_solve(sg.to_game())}
            assert path.equilibrium.action_profile() in brute
        else:
            assert path.status == "cycle" and path.equilibrium is None


def test_adoption_path_bad_input() -> None:
    with pytest.raises(ReservesError, match="SovereignGame"):
        adoption_path(PD)
    sg = SovereignGame(load_config("configs/baseline.yaml"))
    with pytest.raises(ReservesError, match="rule"):
        adoption_path(sg, rule="random")
    with pytest.raises(ReservesError, match="start"):
        adoption_path(sg, start="middle")


def test_bad_dynamics_input() -> None:
    with pytest.raises(ReservesError, match="step_size"):
        replicator(PD, step_size=2.0)
    with pytest.raises(ReservesError, match="rule"):
        best_response_dynamics(PD, rule="random")
    with pytest.raises(ReservesError, match="no action"):
        best_response_dynamics(PD, ["C", "E"])
