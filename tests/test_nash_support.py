"""N-player support enumeration: closed forms and the resultant agree with path tracking."""

from __future__ import annotations

import numpy as np
import pytest

import reserves.nash.support_enumeration as se
from reserves.nash.hidden_variable import hidden_variable_roots
from reserves.nash.normal_form import Game
from reserves.nash.support_enumeration import SupportSystem, support_enumeration_solve


def _same_sets(a, b, tol: float = 1e-8) -> bool:  # type: ignore[no-untyped-def]
    return len(a) == len(b) and all(
        any(
            all(
                np.allclose(x, y, atol=tol) for x, y in zip(e.strategies, f.strategies, strict=True)
            )
            for f in b
        )
        for e in a
    )


@pytest.mark.parametrize(
    ("shape", "seed"),
    [((3, 3, 3), 0), ((3, 3, 3), 1), ((2, 3, 3), 2), ((2, 2, 3), 3), ((3, 2, 3), 4)],
)
def test_elimination_matches_path_tracking(
    shape: tuple[int, ...], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = Game(np.random.default_rng(seed).normal(size=(3, *shape)))
    fast = support_enumeration_solve(g)
    monkeypatch.setattr(se, "hidden_variable_roots", lambda sys_: None)
    slow = support_enumeration_solve(g)
    assert fast.complete and slow.complete
    assert _same_sets(fast.equilibria, slow.equilibria)


@pytest.mark.parametrize("sizes", [(2, 3, 3), (2, 2, 3), (3, 3, 3), (2, 4, 4)])
def test_hidden_variable_roots_solve_the_support_system(sizes: tuple[int, ...]) -> None:
    rng = np.random.default_rng(sum(sizes))
    g = Game(rng.normal(size=(3, *sizes)))
    S = tuple(tuple(range(k)) for k in sizes)
    sys_ = SupportSystem(g, [S])
    Z, sel, hard = hidden_variable_roots(sys_)
    assert hard.size == 0 and len(Z) >= 1
    Zr, res, _ = se._newton(sys_, Z, sel, iters=15)
    # every candidate of the closed forms (not the resultant's extra ones) is a root
    if sizes != (3, 3, 3):
        assert np.all(res < 1e-9)
    # as many distinct roots as the multihomogeneous Bezout number
    good = Zr[res < 1e-10]
    distinct = []
    for r in good:
        if not any(np.max(np.abs(r - d)) < 1e-7 for d in distinct):
            distinct.append(r)
    assert len(distinct) == se._multihomogeneous_bezout(sys_)


def test_box_prefilter_keeps_systems_with_roots_and_drops_others() -> None:
    # matching-pennies-like 2x2x2 with the unique equilibrium completely mixed
    g = Game(np.random.default_rng(7).normal(size=(3, 2, 2, 2)))
    res = support_enumeration_solve(g)
    S = tuple(tuple(range(2)) for _ in range(3))
    alive = se._box_prefilter(SupportSystem(g, [S]))
    if any(not e.pure and all(len(s) == 2 for s in e.support) for e in res):
        assert alive.all()
    # a system whose first equation is strictly positive on the whole box has no root
    U = np.zeros((3, 2, 2, 2))
    U[0, 1] = 1.0  # player 0 strictly prefers its second action everywhere
    U[1] = np.random.default_rng(1).normal(size=(2, 2, 2))
    U[2] = np.random.default_rng(2).normal(size=(2, 2, 2))
    assert not se._box_prefilter(SupportSystem(Game(U), [S])).any()


@pytest.mark.parametrize("shape", [(3, 3, 4), (2, 3, 4), (3, 3, 3)])
def test_box_prefilter_never_drops_a_system_with_a_simplex_root(shape: tuple[int, ...]) -> None:
    """Every support system whose solution lies in the simplices survives the exclusion
    (the corner products and the simplex cut are necessary conditions), at every depth."""
    rng = np.random.default_rng(sum(shape))
    with_roots = 0
    for _ in range(2):
        g = Game(rng.normal(size=(3, *shape)))
        groups: dict[tuple[int, ...], list] = {}
        for S in se._support_profiles(g, 200_000):
            if sum(len(s) > 1 for s in S) == 3 and max(map(len, S)) >= 3:
                groups.setdefault(tuple(sorted(map(len, S))), []).append(S)
        for group in groups.values():
            sys_ = SupportSystem(g, group[:30])
            _, sel, _, _ = se.system_roots(sys_, 0)
            with_roots += len(set(sel.tolist()))
            for rounds in (0, 2, 5):
                alive = se._box_prefilter(sys_, rounds=rounds)
                assert alive[np.unique(sel)].all()
    assert with_roots >= 1  # the test is not vacuous


def test_box_outside_the_simplex_is_excluded() -> None:
    g = Game(np.random.default_rng(4).normal(size=(3, 3, 3, 3)))
    sys_ = SupportSystem(g, [((0, 1, 2),) * 3])
    lo = np.zeros((2, sys_.dim))
    hi = np.full((2, sys_.dim), 0.5)
    lo[1, :2] = 0.55  # player 0's two free probabilities sum to at least 1.1 on box 1
    hi[1, :2] = 1.0
    owner = np.zeros(2, dtype=int)
    excluded = se._box_excluded(sys_, lo, hi, owner)
    assert excluded[1]
    # the corner products bound the equations: a box is excluded only if some equation keeps
    # one sign at every sampled interior point as well
    if excluded[0]:
        pts = lo[0] + (hi[0] - lo[0]) * np.random.default_rng(0).random((200, sys_.dim))
        F = sys_.F(pts, np.zeros(200, dtype=int))
        assert np.any(np.all(F > 0, axis=0) | np.all(F < 0, axis=0))


def test_uncertified_resultant_falls_back_to_path_tracking(monkeypatch: pytest.MonkeyPatch) -> None:
    g = Game(np.random.default_rng(11).normal(size=(3, 3, 3, 3)))
    full = support_enumeration_solve(g)
    # a resultant that returns too few candidates cannot certify its count: homotopy instead
    import reserves.nash.hidden_variable as hv

    def starved(sys_, nsys):  # type: ignore[no-untyped-def]
        Z, sel, hard = hv._pack(sys_, [], [], [])
        return Z, sel, hard

    monkeypatch.setattr(hv, "_three_ternary", starved)
    calls: list[int] = []
    orig = se._track_linear_product

    def tracked(system, rng, max_steps=4000):  # type: ignore[no-untyped-def]
        calls.append(len(system.profiles))
        return orig(system, rng, max_steps)

    monkeypatch.setattr(se, "_track_linear_product", tracked)
    again = support_enumeration_solve(g)
    assert _same_sets(full.equilibria, again.equilibria)
    if any(all(len(s) == 3 for s in e.support) for e in full):
        assert calls  # the (3, 3, 3) system went to the homotopy


# ---------------------------------------------------------------- fast paths (issue 17 follow-up)
def _starve_four_binary(sys_):  # type: ignore[no-untyped-def]
    import reserves.nash.hidden_variable as hv

    return hv._pack(sys_, [], [], list(range(len(sys_.profiles))))


def _no_box_roots(sys_):  # type: ignore[no-untyped-def]
    """Interval Newton resolving nothing: every binary system goes on to the homotopy."""
    n = len(sys_.profiles)
    return np.zeros((0, sys_.dim)), np.zeros(0, dtype=int), np.arange(n)


@pytest.mark.parametrize("seed", [0, 1, 4, 7])  # 0, 4, 7: a totally mixed equilibrium
def test_four_binary_elimination_matches_path_tracking(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = Game(np.random.default_rng(100 + seed).normal(size=(4, 2, 2, 2, 2)))
    fast = support_enumeration_solve(g)
    monkeypatch.setattr(se, "four_binary_roots", _starve_four_binary)  # all to the homotopy
    monkeypatch.setattr(se, "box_roots", _no_box_roots)
    monkeypatch.setattr(se, "ROUNDS_2222", 8)
    slow = support_enumeration_solve(g)
    assert fast.complete and slow.complete
    assert _same_sets(fast.equilibria, slow.equilibria)
    if seed != 1:
        assert any(all(len(s) == 2 for s in e.support) for e in fast)


def test_four_binary_roots_are_certified_by_the_bezout_count() -> None:
    from reserves.nash.hidden_variable import four_binary_roots

    g = Game(np.random.default_rng(4).normal(size=(4, 2, 2, 2, 2)))
    S = tuple((0, 1) for _ in range(4))
    sys_ = SupportSystem(g, [S])
    Z, sel, hard = four_binary_roots(sys_)
    assert hard.size == 0
    roots, owners, short = se._certified_roots(sys_, Z, sel)
    assert short.size == 0
    assert se._multihomogeneous_bezout(sys_) == 9 == len(roots)  # derangements of 4 players
    F = sys_.F(roots, owners)
    assert np.max(np.abs(F)) < 1e-10


@pytest.mark.parametrize("shape", [(2, 2), (2, 2, 2), (2, 2, 2, 2), (3, 2, 2, 2), (2, 2, 2, 2, 2)])
def test_monomial_form_equals_the_tensor_contractions(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(shape))
    g = Game(rng.normal(size=(len(shape), *shape)))
    groups: dict[tuple[int, ...], list] = {}  # type: ignore[type-arg]
    for S in se._support_profiles(g, 200_000):
        groups.setdefault(tuple(sorted(len(s) for s in S if len(s) > 1)), []).append(S)
    full = [tuple((0, 1) for _ in shape)]  # all binary mixers, whatever the pruning keeps
    checked = 0
    for group in [*groups.values(), full]:
        sys_ = SupportSystem(g, group)
        if not sys_.binary:
            continue
        for P in (3, 300):  # the monomial form (small) and the tensors (large batches)
            Z = rng.random((P, sys_.dim)) + 1j * rng.random((P, sys_.dim))
            sel = rng.integers(0, len(group), P)
            F, J = sys_.FJ(Z, sel)
            sys_.binary = False
            F0, J0 = sys_.FJ(Z, sel)
            assert np.allclose(sys_.F(Z, sel), F0) and np.allclose(sys_.J(Z, sel), J0)
            sys_.binary = True
            assert np.allclose(F, F0) and np.allclose(J, J0)
            assert np.allclose(sys_.F(Z, sel), F0) and np.allclose(sys_.J(Z, sel), J0)
            checked += 1
    assert checked >= 2


def test_subset_equals_a_rebuilt_system() -> None:
    g = Game(np.random.default_rng(9).normal(size=(3, 3, 3, 3)))
    group = [S for S in se._support_profiles(g, 200_000) if sorted(map(len, S)) == [2, 2, 3]]
    assert len(group) >= 3
    full = SupportSystem(g, group)
    sub = full.subset([2, 0])
    ref = SupportSystem(g, [group[2], group[0]])
    Z = np.random.default_rng(0).random((4, full.dim))
    sel = np.array([0, 1, 1, 0])
    for a, b in zip(sub.FJ(Z, sel), ref.FJ(Z, sel), strict=True):
        assert np.allclose(a, b)


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    shape=st.sampled_from([(2, 2, 2), (2, 2, 3), (2, 2, 2, 2), (3, 3, 2)]),
    integer=st.booleans(),
)
def test_fast_paths_find_what_path_tracking_finds(
    seed: int, shape: tuple[int, ...], integer: bool
) -> None:
    """Property: with every closed form and the monomial form switched off (path tracking
    only, the reference), the equilibria are the same set, and all of them verify."""
    rng = np.random.default_rng(seed)
    U = rng.normal(size=(len(shape), *shape))
    if integer:  # payoff ties: degenerate games too
        U = np.round(U * 3)
    g = Game(U)
    fast = support_enumeration_solve(g)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(se, "four_binary_roots", _starve_four_binary)
        mp.setattr(se, "box_roots", _no_box_roots)
        mp.setattr(se, "hidden_variable_roots", lambda sys_: None)
        mp.setattr(se, "_three_binary_roots", lambda sys_: _starve_four_binary(sys_))
        mp.setattr(se, "ROUNDS_2222", 8)
        mp.setattr(se.SupportSystem, "_use_mono", lambda self, P: False)
        slow = support_enumeration_solve(g)
    for e in fast.equilibria:
        assert e.regret <= e.tolerance
    if fast.complete and slow.complete:
        assert _same_sets(fast.equilibria, slow.equilibria, tol=1e-6)
    else:  # degenerate: the fast paths keep at least what path tracking finds
        assert all(
            any(
                all(
                    np.allclose(x, y, atol=1e-6)
                    for x, y in zip(e.strategies, f.strategies, strict=True)
                )
                for f in fast.equilibria
            )
            for e in slow.equilibria
        )


@pytest.mark.parametrize("level", [0, 1, 2])
def test_grid_exclusion_equals_box_rounds(level: int) -> None:
    """The one-pass grid test decides exactly as ``level`` rounds of orthant splitting."""
    for seed in range(25):
        g = Game(np.random.default_rng(seed).random((4, 2, 2, 2, 2)))
        sys_ = SupportSystem(g, [((0, 1),) * 4])
        assert (se._grid_exclusion(sys_, level) == se._box_prefilter(sys_, rounds=level)).all()
    g = Game(np.random.default_rng(3).normal(size=(3, 3, 3, 3)))
    group = [S for S in se._support_profiles(g, 200_000) if sorted(map(len, S)) == [2, 2, 3]]
    sys_ = SupportSystem(g, group)
    assert (se._grid_exclusion(sys_, level) == se._box_prefilter(sys_, rounds=level)).all()


def test_path_jumping_is_detected_and_retracked() -> None:
    """A 5-player binary game with integer payoffs where, with the default seed, two homotopy
    paths of the full-support system end at one root: the system is tracked again and the
    totally mixed equilibrium is found for every seed."""
    U = np.round(np.random.default_rng(1007).random((5, 2, 2, 2, 2, 2)) * 10)
    g = Game(U)
    S = ((0, 1),) * 5
    sys_ = SupportSystem(g, [S])
    X, sel, _ = se._track_linear_product(sys_, np.random.default_rng(0))
    doubled = np.concatenate([X, X[:1]])  # a duplicated endpoint is a jump
    assert se._jumped_systems(sys_, doubled, np.concatenate([sel, sel[:1]])).tolist() == [0]
    for seed in (0, 1):
        res = support_enumeration_solve(g, seed=seed)
        assert any(all(len(s) == 2 for s in e.support) for e in res), seed
