"""Correlated and coarse correlated equilibria: known answers, verification, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reserves.config import load_config
from reserves.errors import ReservesError, SolverError
from reserves.nash.correlated import (
    cli_payload,
    correlated_demand_band,
    correlated_equilibrium,
    incentive_gains,
    incentive_matrix,
    incentive_violation,
    product_distribution,
    reduce_by_dominance,
)
from reserves.nash.normal_form import Game
from reserves.nash.pure import pure_solve
from reserves.sovereign.model import SovereignGame

CHICKEN = Game.from_arrays(
    [[6, 2], [7, 0]], [[6, 7], [2, 0]], actions=[["chicken", "dare"]] * 2, title="chicken"
)
PD = Game.symmetric_2x2(3, 0, 5, 1, actions=[["C", "D"]] * 2)
STAG = Game.symmetric_2x2(4, 0, 3, 3, actions=[["stag", "hare"]] * 2)
PENNIES = Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], actions=[["H", "T"]] * 2)
BOS = Game.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]], actions=[["opera", "fight"]] * 2)


@pytest.mark.parametrize(
    ("game", "objective", "value", "dist"),
    [
        pytest.param(
            CHICKEN,
            "welfare",
            10.5,
            {("chicken", "chicken"): 0.5, ("chicken", "dare"): 0.25, ("dare", "chicken"): 0.25},
            id="chicken-welfare-10.5",
        ),
        pytest.param(PD, "welfare", 2.0, {("D", "D"): 1.0}, id="pd-unique-DD"),
        pytest.param(STAG, "welfare", 8.0, {("stag", "stag"): 1.0}, id="stag-hunt-welfare"),
        pytest.param(
            PENNIES,
            "welfare",
            0.0,
            {(a, b): 0.25 for a in "HT" for b in "HT"},
            id="pennies-unique-uniform",
        ),
        pytest.param(BOS, "welfare", 5.0, None, id="battle-of-sexes-welfare-5"),
    ],
)
def test_known_correlated_equilibria(game, objective, value, dist) -> None:
    r = correlated_equilibrium(game, objective)
    assert r.objective_value == pytest.approx(value, abs=1e-7)
    assert r.max_violation < 1e-7
    assert r.probabilities.sum() == pytest.approx(1.0)
    if dist is not None:
        got = {tuple(n): p for n, p in zip(r.profile_names(), r.probabilities, strict=True)}
        assert set(got) == set(dist)
        for k, p in dist.items():
            assert got[k] == pytest.approx(p, abs=1e-7)


def test_chicken_json_contract_and_violation_below_1e7() -> None:
    payload = cli_payload(CHICKEN, "welfare")
    assert isinstance(payload, dict)
    json.dumps(payload)
    assert set(payload) >= {"distribution", "expected_payoffs", "objective_value"}
    assert payload["objective_value"] == pytest.approx(10.5)
    assert payload["distribution"][0] == {"profile": ["chicken", "chicken"], "prob": 0.5}
    assert payload["expected_payoffs"] == pytest.approx([5.25, 5.25])
    assert payload["max_violation"] < 1e-7
    text = cli_payload(CHICKEN, "welfare", as_text=True)
    assert isinstance(text, str) and "10.5" in text


def test_chicken_alternative_solver_and_coarse() -> None:
    r = correlated_equilibrium(CHICKEN, "welfare", solver="CLARABEL")
    assert r.objective_value == pytest.approx(10.5, abs=1e-6)
    assert r.max_violation < 1e-7 and r.solver == "CLARABEL"
    c = correlated_equilibrium(CHICKEN, "welfare", coarse=True)
    assert c.objective_value >= 10.5 - 1e-7  # CE is a subset of CCE
    assert incentive_violation(CHICKEN, c.dense(), coarse=True) < 1e-7


def test_chicken_demand_band_with_weights() -> None:
    # "dare" = buy $1, "chicken" = do nothing. CE constraints (p = cc, cd, dc, dd):
    # cc <= 2 cd, cc <= 2 dc, 2 dd <= dc, 2 dd <= cd. Demand = cd + dc + 2 dd.
    # min: cc = 1/2, cd = dc = 1/4 -> 0.5; max: cd = dc = 0.4, dd = 0.2 -> 1.2
    w = [np.array([0.0, 1.0]), np.array([0.0, 1.0])]
    lo, hi = correlated_demand_band(CHICKEN, demand_weights=w)
    assert lo.expected_demand_usd == pytest.approx(0.5, abs=1e-7)
    assert hi.expected_demand_usd == pytest.approx(1.2, abs=1e-7)
    got = {tuple(n): p for n, p in zip(hi.profile_names(), hi.probabilities, strict=True)}
    assert got[("dare", "dare")] == pytest.approx(0.2, abs=1e-7)
    assert max(lo.max_violation, hi.max_violation) < 1e-7


def test_nash_product_distributions_are_ce() -> None:
    mixed_chicken = [np.array([2 / 3, 1 / 3])] * 2
    p = product_distribution(mixed_chicken)
    assert incentive_violation(CHICKEN, p) <= 1e-12
    p = product_distribution([np.array([0.6, 0.4]), np.array([0.4, 0.6])])
    assert incentive_violation(BOS, p) <= 1e-12


def test_incentive_matrix_agrees_with_tensor_gains() -> None:
    rng = np.random.default_rng(1)
    g = Game(rng.normal(size=(3, 3, 2, 4)))
    p = rng.random(g.num_profiles)
    p /= p.sum()
    G = incentive_matrix(g)
    assert G.shape == (3 * 2 + 2 * 1 + 4 * 3, 24)
    assert np.sort(G @ p) == pytest.approx(np.sort(incentive_gains(g, p)[_off_diag(g)]))
    Gc = incentive_matrix(g, coarse=True)
    assert Gc.shape == (3 + 2 + 4, 24)
    assert np.sort(Gc @ p) == pytest.approx(np.sort(incentive_gains(g, p, coarse=True)))


def _off_diag(g: Game) -> np.ndarray:
    keep = []
    for n in g.shape:
        keep.append(~np.eye(n, dtype=bool).ravel())
    return np.concatenate(keep)


@settings(max_examples=20, deadline=None)
@given(
    shape=st.sampled_from([(2, 2), (3, 2), (2, 2, 2), (3, 3)]),
    seed=st.integers(0, 10_000),
)
def test_random_games_ce_welfare_at_least_best_pure_ne(shape, seed) -> None:
    rng = np.random.default_rng(seed)
    g = Game(rng.integers(-5, 6, size=(len(shape), *shape)).astype(float))
    ce = correlated_equilibrium(g, "welfare")
    assert ce.max_violation <= 1e-7 * g.payoff_scale
    # every pure Nash equilibrium is a CE, so the CE optimum is at least its welfare
    for e in pure_solve(g):
        assert ce.objective_value >= sum(e.payoffs) - 1e-6
        p = product_distribution(e.strategies)
        assert incentive_violation(g, p) <= 1e-9
    cce = correlated_equilibrium(g, "welfare", coarse=True)
    assert cce.objective_value >= ce.objective_value - 1e-6


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_dominance_reduction_keeps_the_ce_polytope(seed) -> None:
    rng = np.random.default_rng(seed)
    g = Game(rng.normal(size=(3, 3, 3, 2)))
    keep = reduce_by_dominance(g)
    for e in pure_solve(g):
        assert all(int(np.argmax(s)) in k for s, k in zip(e.strategies, keep, strict=True))
    a = correlated_equilibrium(g, "welfare", reduce=True)
    b = correlated_equilibrium(g, "welfare", reduce=False)
    assert a.objective_value == pytest.approx(b.objective_value, rel=1e-6, abs=1e-7)


def test_sovereign_baseline_band_contains_pure_equilibria() -> None:
    sg = SovereignGame(load_config("configs/baseline.yaml"), price_usd=74_288.0)
    lo, hi = correlated_demand_band(sg)
    from reserves.demand import equilibrium_demand

    pure = pure_solve(sg.to_game())
    assert len(pure) == 3
    for e in pure:
        d = equilibrium_demand(sg, e).total_usd
        assert lo.expected_demand_usd - 1 <= d <= hi.expected_demand_usd + 1
    assert lo.relative_violation < 1e-9 and hi.relative_violation < 1e-9


def test_twelve_player_lp_solves_and_verifies() -> None:
    rng = np.random.default_rng(0)
    g = Game(rng.normal(size=(12, *(2,) * 12)))
    r = correlated_equilibrium(g, "welfare", reduce=False)
    assert r.num_profiles == 4096
    assert r.max_violation <= 1e-7 * g.payoff_scale
    assert r.status == "optimal"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"objective": "utility"}, "objective"),
        ({"objective": "demand-max"}, "demand_weights"),
        ({"objective": "welfare", "solver": "NOSUCH"}, "solver"),
        ({"objective": "welfare", "max_profiles": 2}, "game"),
        ({"objective": "demand-min", "demand_weights": [[1.0], [1.0, 2.0]]}, "demand_weights"),
    ],
)
def test_bad_input_names_the_field(kwargs, match) -> None:
    with pytest.raises(ReservesError, match=match):
        correlated_equilibrium(PENNIES, reduce=False, **kwargs)


def test_not_a_game() -> None:
    with pytest.raises(ReservesError, match="game"):
        correlated_equilibrium([[1, 2], [3, 4]])


def test_non_optimal_status_is_a_solver_error(monkeypatch) -> None:
    import cvxpy as cp

    def fake_solve(self, *a, **k):  # type: ignore[no-untyped-def]
        self._status = cp.INFEASIBLE
        return None

    monkeypatch.setattr(cp.Problem, "solve", fake_solve)
    monkeypatch.setattr(cp.Problem, "status", property(lambda self: self._status))
    with pytest.raises(SolverError, match="infeasible"):
        correlated_equilibrium(CHICKEN, "welfare")
