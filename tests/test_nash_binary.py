"""Binary games (every player two actions): the fancy-indexed support enumeration of
:mod:`reserves.nash.binary_supports` finds what the general enumeration finds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserves.nash.support_enumeration as se
from reserves.errors import SolverError
from reserves.nash.binary_supports import _support_tables, binary_support_candidates
from reserves.nash.normal_form import Game
from reserves.nash.result import make_result
from reserves.nash.support_enumeration import support_enumeration_solve
from reserves.nash.verify import check_equilibrium


def _general(g: Game):  # type: ignore[no-untyped-def]
    """The general path (elimination, pruned support profiles, batched systems)."""
    notes: list[str] = []
    cands, _, fails, singular = se._general_candidates(
        g, True, 200_000, np.random.default_rng(0), None, notes
    )
    res = make_result(g, "general", cands)
    return res, se._looks_generic(g, cands) and not (fails or singular)


def _key(res) -> list[tuple[float, ...]]:  # type: ignore[no-untyped-def]
    return sorted(tuple(np.round(np.concatenate(e.strategies), 7)) for e in res)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(3, 4), seed=st.integers(0, 10_000), integer=st.booleans())
def test_binary_path_equals_the_general_enumeration(n: int, seed: int, integer: bool) -> None:
    rng = np.random.default_rng(seed)
    U = rng.integers(-9, 10, size=(n, *(2,) * n)).astype(float)
    if not integer:
        U += rng.random(U.shape) * 1e-3  # generic
    g = Game(U)
    fast = support_enumeration_solve(g)
    slow, slow_complete = _general(g)
    for e in fast:
        ok, reg, tol = check_equilibrium(g, e.strategies)
        assert ok, (reg, tol)
    if fast.complete and slow_complete:
        assert _key(fast) == _key(slow)
    else:  # ties: at least the general path's equilibria, and flagged incomplete
        assert not fast.complete
        fk = _key(fast)
        assert all(any(np.allclose(a, b, atol=1e-6) for b in fk) for a in _key(slow))


def test_five_player_binary_game_equals_the_general_enumeration() -> None:
    """Five mixers go to the general solver inside the binary path: one generic example."""
    rng = np.random.default_rng(11)
    g = Game(rng.integers(-9, 10, size=(5, *(2,) * 5)) + rng.random((5, *(2,) * 5)) * 1e-3)
    fast = support_enumeration_solve(g)
    slow, slow_complete = _general(g)
    assert fast.complete and slow_complete
    assert _key(fast) == _key(slow)
    assert len(fast) >= 1


def test_support_tables_cover_every_profile_once() -> None:
    """All 3^n support profiles: 2^n pure ones plus, for each k >= 1, C(n, k) 2^(n-k)."""
    from math import comb

    n = 5
    total = 2**n
    for k in range(1, n + 1):
        idx, mixers, actions = _support_tables(n, k)
        assert len(idx) == comb(n, k) * 2 ** (n - k)
        # every mixer reads D at profiles that differ only in the other mixers' bits
        bit = 1 << (n - 1 - np.arange(n))
        pure_part = (actions * bit).sum(axis=1)
        for r in range(k):
            others = np.delete(mixers, r, axis=1)
            spread = idx[:, r, :] - pure_part[:, None]
            assert np.all(spread >= 0)
            assert np.all((spread & ~(bit[others].sum(axis=1))[:, None]) == 0)
        assert len({(tuple(m), tuple(a)) for m, a in zip(mixers, actions, strict=True)}) == len(idx)
        total += len(idx)
    assert total == 3**n


def test_three_player_matching_pennies_has_its_unique_mixed_equilibrium() -> None:
    """Player 1 wants to match player 2, player 2 to match player 3, player 3 to mismatch
    player 1 (Jordan's game): no pure equilibrium, the unique equilibrium is uniform."""
    U = np.zeros((3, 2, 2, 2))
    for a in np.ndindex(2, 2, 2):
        U[(0, *a)] = 1.0 if a[0] == a[1] else -1.0
        U[(1, *a)] = 1.0 if a[1] == a[2] else -1.0
        U[(2, *a)] = 1.0 if a[2] != a[0] else -1.0
    res = support_enumeration_solve(Game(U))
    assert len(res) == 1
    assert res.complete
    for s in res[0].strategies:
        assert np.allclose(s, [0.5, 0.5], atol=1e-12)


def test_a_player_without_incentives_is_flagged_not_generic() -> None:
    """A player indifferent everywhere: a continuum of equilibria, reported as incomplete."""
    rng = np.random.default_rng(5)
    U = rng.normal(size=(4, 2, 2, 2, 2))
    U[3] = 1.0  # player 4 does not care
    res = support_enumeration_solve(Game(U))
    assert not res.complete
    assert any("not generic" in n for n in res.notes)
    for e in res:
        assert e.regret <= e.tolerance


def test_huge_payoffs_do_not_let_a_false_profile_through() -> None:
    """Payoffs spanning 1e12 next to unit ones: every reported profile verifies exactly."""
    rng = np.random.default_rng(9)
    U = rng.normal(size=(3, 2, 2, 2))
    U[0, 1, 1, 1] = 1e12
    U[1, 0, 0, 0] = -1e12
    g = Game(U)
    res = support_enumeration_solve(g)
    assert len(res) >= 1
    for e in res:
        ok, reg, tol = check_equilibrium(g, e.strategies)
        assert ok, (reg, tol)


def test_too_many_players_is_refused_with_a_fix() -> None:
    g = Game(np.zeros((12, *(2,) * 12)))
    with pytest.raises(SolverError, match="max_support_profiles"):
        support_enumeration_solve(g)


def test_candidates_progress_reports_every_support_solved() -> None:
    rng = np.random.default_rng(2)
    g = Game(rng.normal(size=(4, 2, 2, 2, 2)))
    seen: list[int] = []
    found = binary_support_candidates(g, 0, progress=seen.append)
    assert seen and seen[-1] == found.tried
    assert seen == sorted(seen)
