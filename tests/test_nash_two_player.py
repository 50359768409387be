"""Two-player games of any size: degenerate games without caps, Lemke-Howson, MILP, auto."""

from __future__ import annotations

import math

import numpy as np
import pytest

import reserves
from reserves.nash.lemke_howson import lemke_howson_solve
from reserves.nash.milp import milp_solve
from reserves.nash.normal_form import Game
from reserves.nash.two_player import two_player_solve
from reserves.nash.verify import check_equilibrium
from reserves.nash.vertex_enumeration import extreme_equilibria


def _cyclic(m: int) -> Game:
    """Row wins by matching the column, column by being one ahead: the unique equilibrium is
    uniform play (a 'cyclic' game; Lemke-Howson's worst cases are built from such games)."""
    A = np.eye(m)
    B = np.roll(np.eye(m), 1, axis=1)
    return Game.from_arrays(A, B)


def _same(e, x: np.ndarray, y: np.ndarray, tol: float = 1e-9) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        np.abs(e.strategies[0] - x).max() <= tol and np.abs(e.strategies[1] - y).max() <= tol
    )


def _gambit_profiles(A: np.ndarray, B: np.ndarray, solver: str) -> list[tuple[np.ndarray, ...]]:
    gb = pytest.importorskip("pygambit")
    g = gb.Game.from_arrays(A, B)
    if solver == "enummixed":
        res = gb.nash.enummixed_solve(g, rational=True)
    else:
        res = gb.nash.lcp_solve(g, rational=False)
    p0, p1 = list(g.players)
    return [
        (
            np.array([float(eq[s]) for s in p0.strategies]),
            np.array([float(eq[s]) for s in p1.strategies]),
        )
        for eq in res.equilibria
    ]


def test_random_01_2x17_degenerate_game_is_solved() -> None:
    rng = np.random.default_rng(17)
    A = rng.integers(0, 2, (2, 17)).astype(float)
    B = rng.integers(0, 2, (2, 17)).astype(float)
    res = reserves.solve(Game.from_arrays(A, B), "all")
    assert res.complete and len(res) >= 1
    assert all(e.component is not None for e in res)
    assert res.parameters["components"] == len({e.component for e in res})
    for e in res:
        assert check_equilibrium(Game.from_arrays(A, B), e.strategies)[0]


def _degenerate_4x16(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 3, (4, 16)).astype(float), rng.integers(0, 3, (4, 16)).astype(float))


def test_generated_degenerate_4x16_is_solved_with_components() -> None:
    A, B = _degenerate_4x16(2)
    g = Game.from_arrays(A, B)
    res = two_player_solve(g)
    assert res.complete and not res.parameters["components"] < 1
    comps = {e.component for e in res}
    assert comps == set(range(res.parameters["components"]))
    # every maximal Nash subset's vertex pairs are reported equilibria of one component
    pairs = res.parameters["clique_vertices"]
    assert len(pairs) == len(res)
    for e in res:
        assert check_equilibrium(g, e.strategies)[0]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 2])
def test_generated_degenerate_4x16_matches_enummixed(seed: int) -> None:
    A, B = _degenerate_4x16(seed)
    res = two_player_solve(Game.from_arrays(A, B))
    assert res.complete
    theirs = _gambit_profiles(A, B, "enummixed")
    # the same extreme equilibria (Gambit may list one twice)
    assert all(any(_same(e, x, y) for e in res) for x, y in theirs)
    assert all(any(_same(e, x, y) for x, y in theirs) for e in res)


def test_components_and_maximal_subsets_of_a_known_degenerate_game() -> None:
    # row indifferent between its actions against column 0: the segment {(p, 1-p)} x {(1, 0)}
    # is one maximal Nash subset; (1, 0) x (0, 1) is a separate isolated equilibrium
    A = np.array([[1.0, 2.0], [1.0, 0.0]])
    B = np.array([[1.0, 1.0], [1.0, 0.0]])
    ext = extreme_equilibria(A, B)
    assert not ext.nondegenerate
    res = two_player_solve(Game.from_arrays(A, B))
    prof = {(tuple(e.strategies[0]), tuple(e.strategies[1])): e.component for e in res.equilibria}
    assert set(prof) == {
        ((1.0, 0.0), (1.0, 0.0)),
        ((0.0, 1.0), (1.0, 0.0)),
        ((1.0, 0.0), (0.0, 1.0)),
    }
    # all three are connected through (1, 0) x ... : row (1,0) pairs with both columns
    assert len(set(prof.values())) == 1
    assert len(res.parameters["cliques"]) == 2


def test_cyclic_12x12_unique_uniform_equilibrium() -> None:
    g = _cyclic(12)
    assert math.comb(24, 12) > 2_000_000  # past vertex enumeration
    res = reserves.solve(g, "all")
    assert len(res) == 1 and res.complete
    x, y = res[0].strategies
    assert np.allclose(x, 1 / 12, atol=1e-15) and np.allclose(y, 1 / 12, atol=1e-15)
    assert "lemke-howson" in res.parameters["methods"] and "milp" in res.parameters["methods"]


def test_lemke_howson_from_every_label_finds_what_gambit_lcp_finds() -> None:
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(2, 11, 11))
    res = lemke_howson_solve(Game.from_arrays(A, B))
    assert not res.complete and len(res) >= 1 and len(res) % 2 == 1
    theirs = _gambit_profiles(A, B, "lcp")
    assert all(any(_same(e, x, y, 1e-6) for e in res) for x, y in theirs)


@pytest.mark.parametrize("seed", range(3))
def test_lemke_howson_and_milp_agree_with_vertex_enumeration(seed: int) -> None:
    rng = np.random.default_rng(seed)
    g = Game(rng.normal(size=(2, 5, 6)))
    full = two_player_solve(g)
    lh = lemke_howson_solve(g)
    mi = milp_solve(g)
    assert full.complete and mi.complete and mi.parameters["exhausted"]
    assert len(mi) == len(full)
    for e in [*lh, *mi]:
        assert any(_same(e, f.strategies[0], f.strategies[1], 1e-12) for f in full.equilibria)


def test_single_label_path_and_bad_label() -> None:
    g = _cyclic(4)
    res = lemke_howson_solve(g, labels=0, explore=False)
    assert len(res) == 1 and res.parameters["paths"] == 1
    with pytest.raises(reserves.SolverError):
        lemke_howson_solve(g, labels=99)
    with pytest.raises(reserves.SolverError):
        lemke_howson_solve(Game(np.zeros((3, 2, 2, 2))))


def test_milp_time_budget_is_honest() -> None:
    rng = np.random.default_rng(3)
    g = Game(rng.normal(size=(2, 8, 8)))
    res = milp_solve(g, time_limit_s=0.0)
    assert not res.complete and not res.parameters["exhausted"]
    capped = milp_solve(g, max_equilibria=1)
    assert len(capped) == 1 and not capped.complete


def test_auto_always_returns_an_equilibrium_of_a_large_game_without_pure_ones() -> None:
    g = _cyclic(120)  # 14,400 profiles: past "all"; no pure equilibrium
    res = reserves.solve(g, "auto")
    assert len(res) >= 1 and not any(e.pure for e in res)
    assert "lemke-howson" in res.parameters["ran"]


@pytest.mark.slow
def test_random_15x15_all_finds_every_lemke_howson_equilibrium() -> None:
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(2, 15, 15))
    g = Game.from_arrays(A, B)
    res = reserves.solve(g, "all")
    lh = lemke_howson_solve(g)
    assert res.complete
    assert all(any(_same(e, *f.strategies, 1e-9) for f in res) for e in lh)
