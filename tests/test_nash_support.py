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
