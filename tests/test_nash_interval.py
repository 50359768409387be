"""Interval Newton subdivision (certified real roots of binary support systems) agrees with
the homotopy, which follows every complex root."""

from __future__ import annotations

import numpy as np
import pytest

import reserves.nash.interval_newton as iv
import reserves.nash.support_enumeration as se
from reserves.nash.normal_form import Game
from reserves.nash.support_enumeration import SupportSystem, support_enumeration_solve


def _homotopy_box_roots(sys_: SupportSystem) -> list[np.ndarray]:
    """Real roots in the padded unit box from the homotopy (the reference)."""
    X, sel, fails = se._track_checked(sys_, np.random.default_rng(0))
    assert fails == 0
    Z, res, _ = se._newton(sys_, X, sel, iters=20)
    real = (np.abs(Z.imag).max(axis=1) < 1e-8) & (res < 1e-10)
    Zr = Z[real].real
    box = np.all((Zr > -1e-7) & (Zr < 1 + 1e-7), axis=1)
    for q in range(len(sys_.mixing)):  # inside every mixer's simplex
        box &= Zr[:, sys_.offsets[q] : sys_.offsets[q + 1]].sum(axis=1) <= 1 + 1e-7
    out: list[np.ndarray] = []
    for z in Zr[box]:
        if not any(np.max(np.abs(z - w)) < 1e-7 for w in out):
            out.append(z)
    return out


@pytest.mark.parametrize(
    ("shape", "seed"),
    [((2,) * 5, 0), ((2,) * 5, 1), ((2,) * 5, 3), ((2,) * 6, 2), ((2, 2, 3, 3), 22)],
)
def test_box_roots_are_the_homotopy_roots_in_the_box(shape: tuple[int, ...], seed: int) -> None:
    """Binary and non-binary systems (the free probabilities of a mixer over three or four
    actions share a simplex)."""
    rng = np.random.default_rng(100 + seed)
    g = Game(rng.normal(size=(len(shape), *shape)))
    sys_ = SupportSystem(g, [tuple(tuple(range(k)) for k in shape)])
    Z, sel, unresolved = iv.box_roots(sys_)
    assert unresolved.size == 0
    Zp, res, _ = se._newton(sys_, Z, sel, iters=20)
    assert np.all(res < 1e-10)
    ref = _homotopy_box_roots(sys_)
    assert len(Zp) == len(ref)
    if shape == (2, 2, 3, 3):
        assert len(ref) == 2  # two roots in the simplices: the comparison is not vacuous
    for z in ref:
        assert np.min(np.max(np.abs(Zp - z), axis=1)) < 1e-7


def test_binary_games_match_with_and_without_interval_newton(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whole solves of 5-player binary games: the same equilibria either way."""
    for seed in range(3):
        rng = np.random.default_rng(seed)
        U = rng.integers(-9, 10, size=(5, *(2,) * 5)) + rng.random((5, *(2,) * 5)) * 1e-3
        g = Game(U)
        fast = support_enumeration_solve(g)
        with monkeypatch.context() as mp:
            mp.setattr(se, "INTERVAL_DIMS", ())
            slow = support_enumeration_solve(g)
        assert fast.complete and slow.complete
        key = [
            sorted(tuple(np.round(np.concatenate(e.strategies), 7)) for e in r)
            for r in (fast, slow)
        ]
        assert key[0] == key[1]


def test_an_exhausted_budget_hands_the_system_to_the_homotopy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(7)
    g = Game(rng.normal(size=(5, *(2,) * 5)))
    full = support_enumeration_solve(g)
    monkeypatch.setattr(iv, "MAX_BOXES", 4)
    sys_ = SupportSystem(g, [((0, 1),) * 5])
    _, _, unresolved = iv.box_roots(sys_)
    assert unresolved.tolist() == [0]
    again = support_enumeration_solve(g)
    assert again.complete and len(again) == len(full)


def test_a_continuum_is_not_certified() -> None:
    """A mixer indifferent everywhere: its equation vanishes identically, the roots form a
    continuum, and no box is ever certified (the system is left unresolved or empty)."""
    rng = np.random.default_rng(3)
    U = rng.normal(size=(5, *(2,) * 5))
    U[4] = 0.0
    sys_ = SupportSystem(Game(U), [((0, 1),) * 5])
    Z, _, unresolved = iv.box_roots(sys_)
    assert len(Z) == 0 and unresolved.tolist() == [0]


def test_the_box_budget_bounds_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """A system that needs more boxes than its budget is given up, not split for ever."""
    rng = np.random.default_rng(2)
    sys_ = SupportSystem(Game(rng.normal(size=(6, *(2,) * 6))), [((0, 1),) * 6])
    monkeypatch.setattr(iv, "SYSTEM_BOX_BUDGET", 20)
    _, _, unresolved = iv.box_roots(sys_)
    assert unresolved.tolist() == [0]
