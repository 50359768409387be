"""Verification that cannot be swamped: tolerance from the payoffs compared, not the span."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reserves
from reserves.nash.normal_form import Game
from reserves.nash.result import make_result
from reserves.nash.verify import (
    EPS,
    check_equilibrium,
    exact_regret,
    max_regret,
    regret_tolerance,
)


def _exact_pure_equilibria(payoffs: list[np.ndarray]) -> set[tuple[int, ...]]:
    """Pure equilibria by comparing the payoffs as exact rationals (Python Fractions)."""
    shape = payoffs[0].shape
    out = set()
    for prof in itertools.product(*[range(n) for n in shape]):
        ok = True
        for i, u in enumerate(payoffs):
            mine = Fraction(float(u[prof]))
            for b in range(shape[i]):
                dev = list(prof)
                dev[i] = b
                if Fraction(float(u[tuple(dev)])) > mine:
                    ok = False
        if ok:
            out.add(prof)
    return out


def _profiles(res) -> list[tuple[tuple[float, ...], ...]]:  # type: ignore[no-untyped-def]
    return [tuple(tuple(float(x) for x in s) for s in e.strategies) for e in res]


@pytest.mark.parametrize("method", ["all", "pure", "auto"])
def test_large_payoff_does_not_hide_a_deviation(method: str) -> None:
    A = np.array([[1.0, 1e9], [0.0, 1e9]])
    g = Game.from_arrays(A, -A)
    res = reserves.solve(g, method)
    assert ((0.0, 1.0), (1.0, 0.0)) not in _profiles(res)
    assert _profiles(res) == [((1.0, 0.0), (1.0, 0.0))]
    for e in res:
        assert e.regret <= e.tolerance < 1e-4
        assert e.to_dict()["tolerance"] == e.tolerance


@pytest.mark.parametrize("span", [1e12, 2e19])
def test_pure_with_huge_span(span: float) -> None:
    A = np.array([[1.0, span], [0.0, span]])
    g = Game.from_arrays(A, -A)
    res = reserves.solve(g, "pure")
    assert _profiles(res) == [((1.0, 0.0), (1.0, 0.0))]
    assert {tuple(int(np.argmax(s)) for s in e.strategies) for e in res} == (
        _exact_pure_equilibria([A, -A])
    )


@pytest.mark.parametrize("seed", range(4))
def test_small_integer_game_with_one_entry_of_2e19(seed: int) -> None:
    """The equilibria of a game whose span is 2e19 but whose comparisons are small integers."""
    rng = np.random.default_rng(seed)
    A = rng.integers(0, 3, (3, 3)).astype(float)
    B = rng.integers(0, 3, (3, 3)).astype(float)
    A[2, 2] = 2e19
    B[0, 0] = -2e19
    g = Game.from_arrays(A, B)
    for method in ("pure", "all"):
        res = reserves.solve(g, method)
        for e in res:
            ok, reg, tol = check_equilibrium(g, e.strategies)
            assert ok, (method, e.strategies, reg, tol)
    pure = {tuple(int(np.argmax(s)) for s in e.strategies) for e in reserves.solve(g, "pure")}
    assert pure == _exact_pure_equilibria([A, B])


def test_tolerance_follows_the_payoffs_compared() -> None:
    A = np.array([[1.0, 1e9], [0.0, 1e9]])
    g = Game.from_arrays(A, -A)
    prof = [np.array([0.0, 1.0]), np.array([1.0, 0.0])]
    # row compares A[1, 0] = 0 with its best A[0, 0] = 1; column B[1, 0] = 0 with itself
    # (the -1e9 of the other column is not a best deviation and cannot widen the tolerance)
    tol = regret_tolerance(g, prof)
    assert tol == pytest.approx(8 * EPS * 4 * 1.0)
    assert max_regret(g, prof) == 1.0
    # the old span-relative rule (1e-9 x span = 1.0) swallowed the deviation ...
    ok, reg, _ = check_equilibrium(g, prof, 1e-9 * g.payoff_scale)
    assert ok and reg == 1.0
    # ... the floating-point tolerance does not
    ok, reg, tol = check_equilibrium(g, prof)
    assert not ok and reg == 1.0 and tol < 1e-13


def test_make_result_drops_the_false_profile_and_says_so() -> None:
    A = np.array([[1.0, 1e9], [0.0, 1e9]])
    g = Game.from_arrays(A, -A)
    res = make_result(g, "test", [[np.array([0.0, 1.0]), np.array([1.0, 0.0])]])
    assert len(res) == 0
    assert any("failed regret verification" in n for n in res.notes)


def test_exact_regret_of_rational_and_rounded_irrational_equilibria() -> None:
    # matching pennies: (1/2, 1/2) exactly representable -> exact regret 0
    mp = Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    half = [np.array([0.5, 0.5])] * 2
    assert exact_regret(mp, half) == 0.0
    # an equilibrium at 1/3 is not representable: the rounded profile has a tiny regret
    g = Game.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    prof = [np.array([2 / 3, 1 / 3]), np.array([1 / 3, 2 / 3])]
    r = exact_regret(g, prof)
    assert r is not None and 0.0 <= r <= regret_tolerance(g, prof)
    assert check_equilibrium(g, prof)[0]
    # not on the simplex
    assert not check_equilibrium(g, [np.array([0.7, 0.4]), prof[1]])[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 4),
    st.integers(2, 4),
    st.integers(0, 10_000),
    st.sampled_from([1.0, 1e6, 1e12, 1e18]),
)
def test_every_reported_profile_passes_the_independent_check(
    m: int, n: int, seed: int, big: float
) -> None:
    """Random games with small integer payoffs and a few huge entries: every equilibrium any
    solver reports passes the exact check, and the pure ones are exactly the exact set."""
    rng = np.random.default_rng(seed)
    A = rng.integers(-3, 4, (m, n)).astype(float)
    B = rng.integers(-3, 4, (m, n)).astype(float)
    A[rng.integers(m), rng.integers(n)] = big
    B[rng.integers(m), rng.integers(n)] = -big
    g = Game.from_arrays(A, B)
    for method in ("pure", "all", "auto"):
        res = reserves.solve(g, method)
        assert res.verified
        for e in res:
            ok, reg, tol = check_equilibrium(g, e.strategies)
            assert ok, (method, reg, tol)
    pure = {tuple(int(np.argmax(s)) for s in e.strategies) for e in reserves.solve(g, "pure")}
    assert pure == _exact_pure_equilibria([A, B])
