"""The aggregative solver agrees with brute-force enumeration on small rosters."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reserves.config import config_from_dict, load_config
from reserves.errors import SolverError
from reserves.nash.pure import pure_solve
from reserves.sovereign.aggregative import aggregative_solve, synthetic_roster
from reserves.sovereign.model import SovereignGame


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 9), seed=st.integers(0, 10_000))
def test_aggregative_equilibria_are_pure_equilibria_of_the_tensor(n: int, seed: int) -> None:
    game = SovereignGame(config_from_dict(synthetic_roster(n, seed=seed)))
    tensor = game.to_game()
    brute = {e.action_profile() for e in pure_solve(tensor)}
    found = aggregative_solve(game)
    for eq in found:
        assert eq.action_profile() in brute
        # regret through the aggregates equals regret from the tensor
        assert tensor.max_regret(eq.strategies) == pytest.approx(eq.regret, abs=1e-6)
        assert eq.regret <= 1e-8 * game.payoff_scale


def test_baseline_aggregative_matches_brute_force() -> None:
    game = SovereignGame(load_config("configs/baseline.yaml"))
    brute = pure_solve(game.to_game())
    agg = aggregative_solve(game)
    assert {e.action_profile() for e in agg} <= {e.action_profile() for e in brute}
    assert len(agg) >= 1


def test_aggregate_payoffs_equal_tensor_payoffs() -> None:
    game = SovereignGame(config_from_dict(synthetic_roster(6, seed=3)))
    tensor = game.to_game()
    rng = np.random.default_rng(0)
    for _ in range(20):
        idx = rng.integers(0, 2, size=6)
        prof = tensor.pure_profile(idx)
        assert np.allclose(game.expected_payoffs(prof), tensor.expected_payoffs(prof), rtol=1e-12)
        assert np.allclose(game.regrets(prof), tensor.regrets(prof), rtol=1e-9, atol=1e-3)


def test_five_hundred_sovereigns_solve_and_verify() -> None:
    game = SovereignGame(config_from_dict(synthetic_roster(500, seed=1)))
    result = aggregative_solve(game)
    assert len(result) >= 1
    assert result.max_regret <= 1e-8 * game.payoff_scale


def test_aggregative_rejects_a_tensor_game() -> None:
    tensor = SovereignGame(config_from_dict(synthetic_roster(3, seed=0))).to_game()
    with pytest.raises(SolverError, match="SovereignGame"):
        aggregative_solve(tensor)  # type: ignore[arg-type]
