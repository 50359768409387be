"""Mixed-equilibrium solvers: textbook answers, exact irrational equilibria, properties."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reserves.nash.logit import _LogitSystem, logit_solve
from reserves.nash.normal_form import Game
from reserves.nash.support_enumeration import (
    SupportSystem,
    _start_assignments,
    _three_binary_roots,
    _track_linear_product,
    support_enumeration_solve,
)
from reserves.nash.two_player import two_player_solve
from reserves.nash.vertex_enumeration import (
    _labelled_vertices,
    _support_vertices,
    vertex_enumeration,
)


@dataclass(frozen=True)
class Case:
    """A game, and its equilibria as exact rationals (one list of probabilities per player)."""

    game: Game
    expected: list[list[list[Fraction | int]]]


def _bimatrix(A, B, **kw) -> Game:  # type: ignore[no-untyped-def]
    return Game.from_arrays(np.array(A, float), np.array(B, float), **kw)


F = Fraction
RPS = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
SHAPLEY_A = [[0, 1, 2], [2, 0, 1], [1, 2, 0]]
SHAPLEY_B = [[0, 2, 1], [1, 0, 2], [2, 1, 0]]

TEXTBOOK = [
    pytest.param(Case(Game.symmetric_2x2(3, 0, 5, 1), [[[0, 1], [0, 1]]]), id="prisoners-dilemma"),
    pytest.param(
        Case(
            Game.symmetric_2x2(4, 0, 3, 3),
            [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[F(3, 4), F(1, 4)], [F(3, 4), F(1, 4)]]],
        ),
        id="stag-hunt",
    ),
    pytest.param(
        Case(
            Game.symmetric_2x2(0, -1, 1, -10),
            [[[0, 1], [1, 0]], [[1, 0], [0, 1]], [[F(9, 10), F(1, 10)], [F(9, 10), F(1, 10)]]],
        ),
        id="chicken",
    ),
    pytest.param(
        Case(_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]), [[[F(1, 2)] * 2, [F(1, 2)] * 2]]),
        id="matching-pennies",
    ),
    pytest.param(
        Case(
            _bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]]),
            [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[F(2, 3), F(1, 3)], [F(1, 3), F(2, 3)]]],
        ),
        id="battle-of-the-sexes",
    ),
    pytest.param(
        Case(_bimatrix(SHAPLEY_A, SHAPLEY_B), [[[F(1, 3)] * 3, [F(1, 3)] * 3]]), id="shapley-3x3"
    ),
    pytest.param(
        Case(_bimatrix(RPS, -np.array(RPS)), [[[F(1, 3)] * 3, [F(1, 3)] * 3]]),
        id="rock-paper-scissors",
    ),
]


def _matches(result, expected, tol=1e-9) -> None:  # type: ignore[no-untyped-def]
    assert len(result.equilibria) == len(expected), result.table()
    for exp in expected:
        target = [np.array([float(x) for x in s]) for s in exp]
        assert any(
            all(np.allclose(s, t, atol=tol) for s, t in zip(e.strategies, target, strict=True))
            for e in result.equilibria
        ), f"missing {exp}\n{result.table()}"


@pytest.mark.parametrize("case", TEXTBOOK)
def test_textbook_two_player(case: Case) -> None:
    res = two_player_solve(case.game)
    _matches(res, case.expected)
    assert res.complete
    assert res.max_regret <= 1e-12


@pytest.mark.parametrize("case", TEXTBOOK[:5])
def test_textbook_via_n_player_support_enumeration(case: Case) -> None:
    res = support_enumeration_solve(case.game, eliminate=False)
    _matches(res, case.expected)


@pytest.mark.parametrize("case", TEXTBOOK)
def test_logit_finds_one_textbook_equilibrium(case: Case) -> None:
    res = logit_solve(case.game)
    assert len(res.equilibria) == 1
    assert res.max_regret <= 1e-9 * case.game.payoff_scale


def test_random_6x6_all_three_equilibria() -> None:
    rng = np.random.default_rng(1)
    for _ in range(3):
        g = Game(rng.normal(size=(2, 6, 6)))  # the third draw has 3 equilibria
    nashpy = pytest.importorskip("nashpy")
    alone = list(nashpy.Game(g.payoffs[0], g.payoffs[1]).support_enumeration())
    res = two_player_solve(g)
    vert, nondeg = vertex_enumeration(g.payoffs[0], g.payoffs[1])
    assert nondeg and res.complete
    assert len(res.equilibria) == len(vert) == 3
    assert len(alone) < 3  # why no single method is trusted


def test_degenerate_game_lists_extreme_equilibria_and_components() -> None:
    g = _bimatrix([[1, 1], [1, 1]], [[1, 1], [1, 1]])
    res = two_player_solve(g)
    # every profile is an equilibrium: one component, one maximal Nash subset whose extreme
    # points are the four pure profiles
    assert res.complete and len(res) == 4 and all(e.pure for e in res)
    assert {e.component for e in res} == {0}
    assert res.parameters["components"] == 1 and len(res.parameters["cliques"]) == 1
    assert all(e.regret == 0 for e in res.equilibria)


#: a 3-player game whose only equilibrium is completely mixed and irrational
IRRATIONAL = np.array(
    [
        [[[0, 4], [3, 9]], [[5, 1], [5, 6]]],
        [[[8, 1], [1, 4]], [[0, 7], [9, 4]]],
        [[[6, 3], [9, 8]], [[5, 8], [0, 3]]],
    ],
    dtype=float,
)


def _exact_mixed_3p(U: np.ndarray) -> list[tuple[sp.Expr, ...]]:
    p, q, r = sp.symbols("p q r")
    s = [(p, 1 - p), (q, 1 - q), (r, 1 - r)]
    eqs = []
    for i in range(3):
        terms = []
        for a in range(2):
            tot = 0
            for b in range(2):
                for c in range(2):
                    prof = [0, 0, 0]
                    others = [j for j in range(3) if j != i]
                    prof[i], prof[others[0]], prof[others[1]] = a, b, c
                    tot += int(U[i][tuple(prof)]) * s[others[0]][b] * s[others[1]][c]
            terms.append(tot)
        eqs.append(sp.expand(terms[0] - terms[1]))
    return [
        tuple(sol[v] for v in (p, q, r))
        for sol in sp.solve(eqs, [p, q, r], dict=True)
        if all(sol[v].is_real and 0 < sol[v] < 1 for v in (p, q, r))
    ]


def test_irrational_three_player_equilibrium_to_1e10() -> None:
    exact = _exact_mixed_3p(IRRATIONAL)
    assert len(exact) == 1
    assert any(not x.is_rational for x in exact[0])  # the equilibrium really is irrational
    res = support_enumeration_solve(Game(IRRATIONAL))
    assert len(res.equilibria) == 1 and res.complete
    got = [float(s[0]) for s in res.equilibria[0].strategies]
    want = [float(sp.N(x, 30)) for x in exact[0]]
    assert np.max(np.abs(np.array(got) - np.array(want))) < 1e-10


def test_2x2x4_finishes_and_agrees_with_logit() -> None:
    g = Game(np.random.default_rng(7).normal(size=(3, 2, 2, 4)))
    res = support_enumeration_solve(g)
    assert len(res.equilibria) >= 1
    one = logit_solve(g)
    assert any(
        all(
            np.allclose(a, b, atol=1e-7)
            for a, b in zip(e.strategies, one[0].strategies, strict=True)
        )
        for e in res.equilibria
    )


def test_logit_large_game() -> None:
    g = Game(np.random.default_rng(2).normal(size=(8,) + (2,) * 8))
    res = logit_solve(g)
    assert len(res.equilibria) == 1
    assert res.max_regret <= 1e-9 * g.payoff_scale


_games = st.tuples(st.integers(2, 4), st.integers(2, 4), st.integers(0, 2**31 - 1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_games)
def test_two_player_matches_vertex_enumeration(spec: tuple[int, int, int]) -> None:
    m, n, seed = spec
    g = Game(np.random.default_rng(seed).normal(size=(2, m, n)))
    res = two_player_solve(g, methods=("nashpy-support", "support"), cross_check="always")
    vert, nondeg = vertex_enumeration(g.payoffs[0], g.payoffs[1])
    assert nondeg  # continuous random payoffs: non-degenerate with probability one
    assert len(res.equilibria) == len(vert)
    for x, y in vert:
        assert any(
            np.allclose(e.strategies[0], x, atol=1e-7)
            and np.allclose(e.strategies[1], y, atol=1e-7)
            for e in res.equilibria
        )
    assert res.max_regret <= 1e-8 * g.payoff_scale


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**31 - 1), st.booleans())
def test_support_vertices_match_basis_enumeration(m: int, n: int, seed: int, ties: bool) -> None:
    """The k x k support systems find exactly the vertices (and labels) of the m x m bases,
    also on degenerate polytopes (integer payoffs with ties)."""
    rng = np.random.default_rng(seed)
    C = rng.integers(0, 3, size=(m, n)) / 2 + 1 if ties else rng.random((m, n)) + 1
    Z, L = _support_vertices(C, 1e-9)
    G = np.vstack([-np.eye(m), C.T])
    Z2, L2 = _labelled_vertices(G, np.concatenate([np.zeros(m), np.ones(n)]), 1e-9)
    ours = {tuple(np.round(z, 8)): tuple(lab) for z, lab in zip(Z, L, strict=True)}
    ref = {tuple(np.round(z, 8)): tuple(lab) for z, lab in zip(Z2, L2, strict=True)}
    assert ours == ref


@pytest.mark.parametrize("seed", range(4))
def test_cross_check_adds_nothing_on_nondegenerate_games(seed: int) -> None:
    g = Game(np.random.default_rng(seed).normal(size=(2, 5, 4)))
    fast = two_player_solve(g)
    slow = two_player_solve(
        g, methods=("vertex", "nashpy-vertex", "nashpy-support", "support"), cross_check="always"
    )
    assert fast.complete and fast.parameters["methods"] == ["vertex"]
    assert len(slow.parameters["methods"]) > 1
    assert {e.support for e in fast} == {e.support for e in slow}
    for e in slow:
        assert any(
            all(
                np.allclose(a, b, atol=1e-9)
                for a, b in zip(e.strategies, f.strategies, strict=True)
            )
            for f in fast
        )


def test_degenerate_game_runs_the_cross_checks_on_request() -> None:
    g = _bimatrix([[1, 1], [1, 1]], [[1, 1], [1, 1]])
    res = two_player_solve(
        g,
        methods=("vertex", "nashpy-vertex", "nashpy-support", "support"),
        cross_check="degenerate",
    )
    assert len(res.parameters["methods"]) > 1 and res.complete and len(res) == 4


def test_two_player_10x10_complete_and_odd() -> None:
    g = Game(np.random.default_rng(3).normal(size=(2, 10, 10)))
    res = two_player_solve(g)
    assert res.complete and len(res) % 2 == 1  # Lemke-Howson oddness (Shapley 1974)
    assert res.max_regret <= 1e-9 * g.payoff_scale


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(2, 3), min_size=3, max_size=3), st.integers(0, 2**31 - 1))
def test_n_player_equilibria_have_small_regret(shape: list[int], seed: int) -> None:
    g = Game(np.random.default_rng(seed).normal(size=(3, *shape)))
    res = support_enumeration_solve(g)
    assert len(res.equilibria) >= 1  # every finite game has one (Nash 1951)
    assert len(res.equilibria) % 2 == 1 or not res.complete  # oddness on generic games
    assert res.max_regret <= 1e-8 * g.payoff_scale


@pytest.mark.parametrize("shape", [(2, 3), (3, 2, 4), (2, 2, 2, 2, 2)])
def test_logit_jacobian_matches_finite_differences(shape: tuple[int, ...]) -> None:
    g = Game(np.random.default_rng(len(shape)).normal(size=(len(shape), *shape)))
    L = _LogitSystem(g)
    x = np.random.default_rng(0).normal(size=L.dim) - 2.0
    lam, h = 3.0, 1e-6
    J = L.jac(x, lam)
    for c in range(L.dim + 1):
        e = np.zeros(L.dim + 1)
        e[c] = h
        fd = (L.H(x + e[:-1], lam + e[-1]) - L.H(x - e[:-1], lam - e[-1])) / (2 * h)
        assert np.allclose(J[:, c], fd, atol=1e-7), c


@pytest.mark.parametrize(
    ("owner", "dims", "count"),
    [
        ([0, 1, 2], [1, 1, 1], 2),  # three players, two actions: at most 2 mixed equilibria
        ([0, 1, 2, 3], [1, 1, 1, 1], 9),  # four players, two actions: 9 (derangements)
        ([0, 0, 1, 1, 2, 2], [2, 2, 2], 10),  # 3x3x3: 10 (McKelvey and McLennan 1997)
    ],
)
def test_linear_product_start_count_is_mckelvey_mclennan_bound(
    owner: list[int], dims: list[int], count: int
) -> None:
    phis = _start_assignments(owner, dims)
    assert len(phis) == count
    for phi in phis:
        assert all(j != o for j, o in zip(phi, owner, strict=True))
        assert [phi.count(j) for j in range(len(dims))] == dims


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.booleans())
def test_three_binary_elimination_matches_homotopy(seed: int, ties: bool) -> None:
    """The closed-form 2x2x2 elimination finds the same complex roots as the homotopy, and
    hands every system it cannot certify to the homotopy."""
    rng = np.random.default_rng(seed)
    U = rng.integers(-2, 3, size=(3, 2, 2, 2)) if ties else rng.normal(size=(3, 2, 2, 2))
    sys_ = SupportSystem(Game(U.astype(float)), [((0, 1), (0, 1), (0, 1))])
    Z, _, hard = _three_binary_roots(sys_)
    if hard.size:
        return
    H, _, fails = _track_linear_product(sys_, np.random.default_rng(0))
    if fails:
        return
    res = np.linalg.norm(sys_.F(H), axis=1) if len(H) else np.zeros(0)
    keep = res < 1e-8
    # every finite homotopy root is an elimination root; a multiple root (payoff ties) is
    # reached only to about the square root of the residual
    for r, rr in zip(H[keep], res[keep], strict=True):
        assert any(np.allclose(r, z, atol=1e-6 + 10 * np.sqrt(rr)) for z in Z), (r, Z)
