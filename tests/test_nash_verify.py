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
from reserves.nash.support_enumeration import support_enumeration_solve
from reserves.nash.verify import (
    EPS,
    check_equilibrium,
    deviation_payoffs_batch,
    exact_regret,
    max_regret,
    mixed_regrets,
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


# ---------------------------------------------------------------- batched make_result (issue 17)


def _reference_result(game, candidates, comps, *, tol=None, dedupe=True):  # type: ignore[no-untyped-def]
    """make_result's semantics one candidate at a time: dedupe against the earlier *kept*
    candidates (a dropped duplicate hands over its component), max_regret against
    regret_tolerance, expected payoffs, then the (pure first, descending first probability)
    sort."""
    kept: list[list] = []
    rejected = 0
    for cand, comp in zip(candidates, comps, strict=True):
        prof = [np.asarray(s, dtype=float) for s in cand]
        dup = None
        if dedupe:
            dup = next(
                (
                    k
                    for k in kept
                    if all(np.max(np.abs(s - t)) <= 1e-6 for s, t in zip(prof, k[0], strict=True))
                ),
                None,
            )
        if dup is not None:
            if dup[4] is None and comp is not None:
                dup[4] = comp
            continue
        reg = max_regret(game, prof)
        bound = regret_tolerance(game, prof)
        if tol is not None:
            bound = max(bound, tol * game.payoff_scale)
        if not reg <= bound:
            rejected += 1
            continue
        kept.append([prof, reg, bound, game.expected_payoffs(prof), comp])
    kept.sort(
        key=lambda e: (
            not all(float(np.max(s)) >= 1 - 1e-9 for s in e[0]),
            tuple(-float(s[0]) for s in e[0]),
        )
    )
    return kept, rejected


def _simplex(rng: np.random.Generator, m: int) -> np.ndarray:
    x = rng.random(m)
    return x / x.sum()


def _candidate_list(game: Game, rng: np.random.Generator) -> tuple[list, list]:
    """The equilibria support enumeration reports, perturbed non-equilibria, near-duplicates
    (of kept and of rejected candidates) carrying components, and random pure profiles."""
    eqs = [list(e.strategies) for e in support_enumeration_solve(game)]
    assert eqs
    cands: list[list[np.ndarray]] = []
    comps: list[int | None] = []
    for k, e in enumerate(eqs):
        cands.append(e)
        comps.append(None if k % 2 else k)
        bad = [0.6 * s + 0.4 * _simplex(rng, len(s)) for s in e]
        cands.append(bad)
        comps.append(None)
        # near-duplicates (1e-8 away) of the equilibrium and of the non-equilibrium
        for src, comp in ((e, 100 + k), (bad, 200 + k)):
            near = [np.abs(s + 1e-8 * rng.standard_normal(len(s))) for s in src]
            cands.append([s / s.sum() for s in near])
            comps.append(comp)
    for _ in range(3):
        cands.append(game.pure_profile([int(rng.integers(m)) for m in game.shape]))
        comps.append(None)
    order = rng.permutation(len(cands))
    return [cands[i] for i in order], [comps[i] for i in order]


def _assert_matches_reference(res, ref, rejected, game) -> None:  # type: ignore[no-untyped-def]
    assert len(res) == len(ref)
    scale = game.payoff_scale
    for e, (prof, reg, bound, pay, comp) in zip(res, ref, strict=True):
        for s, t in zip(e.strategies, prof, strict=True):
            np.testing.assert_array_equal(s, t)
        assert abs(e.regret - reg) <= 1e-12 * scale
        assert e.tolerance == pytest.approx(bound, rel=1e-12, abs=0)
        np.testing.assert_allclose(e.payoffs, pay, rtol=1e-12, atol=1e-12 * scale)
        assert e.component == comp
    note = [n for n in res.notes if "failed regret verification" in n]
    assert note == ([f"{rejected} candidate(s) failed regret verification and were dropped"]
                    if rejected else [])  # fmt: skip


@pytest.mark.parametrize("shape", [(2, 2, 2, 2), (3, 3, 3), (4, 5)])
@pytest.mark.parametrize("seed", range(3))
def test_batched_make_result_equals_the_candidate_loop(shape: tuple[int, ...], seed: int) -> None:
    rng = np.random.default_rng(seed)
    U = rng.integers(-99, 100, size=(len(shape), *shape)).astype(float)
    U += rng.random(U.shape) * 1e-3
    game = Game(U)
    cands, comps = _candidate_list(game, rng)
    res = make_result(game, "test", cands, components=comps)
    ref, rejected = _reference_result(game, cands, comps)
    assert rejected > 0 and any(c is not None for *_, c in ref)  # the list exercises both
    _assert_matches_reference(res, ref, rejected, game)
    # without de-duplication every candidate is judged on its own
    res = make_result(game, "test", cands, components=comps, dedupe=False)
    _assert_matches_reference(res, *_reference_result(game, cands, comps, dedupe=False), game)
    # an approximate method's bound tol * scale
    res = make_result(game, "test", cands, components=comps, tol=0.05)
    _assert_matches_reference(res, *_reference_result(game, cands, comps, tol=0.05), game)


def test_batched_make_result_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """One-profile chunks of the masks and of the distance rows, the separate pure path of
    large batches, and the per-candidate loop of too-large games all give the loop's result."""
    import reserves.nash.verify as verify

    rng = np.random.default_rng(7)
    game = Game(rng.integers(-9, 10, size=(3, 3, 3, 3)).astype(float) + rng.random((3, 3, 3, 3)))
    cands, comps = _candidate_list(game, rng)
    ref, rejected = _reference_result(game, cands, comps)
    _assert_matches_reference(
        make_result(game, "test", cands, components=comps), ref, rejected, game
    )
    calls = {"mixed": 0, "pure": 0}
    mixed, pure = verify.mixed_regrets_stacked, verify.pure_regrets

    def count_mixed(*a):  # type: ignore[no-untyped-def]
        calls["mixed"] += 1
        return mixed(*a)

    def count_pure(*a):  # type: ignore[no-untyped-def]
        calls["pure"] += 1
        return pure(*a)

    monkeypatch.setattr(verify, "mixed_regrets_stacked", count_mixed)
    monkeypatch.setattr(verify, "pure_regrets", count_pure)
    monkeypatch.setattr(verify, "BATCH_MAX_ELEMENTS", 100)  # 81 entries: one profile a chunk
    res = make_result(game, "test", cands, components=comps)
    assert calls["pure"] == 1 and calls["mixed"] > 2
    _assert_matches_reference(res, ref, rejected, game)
    monkeypatch.setattr(verify, "BATCH_MAX_ELEMENTS", 60)  # too large: the loop
    calls.update(mixed=0, pure=0)
    res = make_result(game, "test", cands, components=comps)
    assert calls["mixed"] == 0
    _assert_matches_reference(res, ref, rejected, game)


def test_dedupe_compares_with_kept_candidates_only() -> None:
    """A near-duplicate of a *rejected* candidate is judged on its own; a candidate close to a
    dropped duplicate but not to the kept one is kept (the loop's semantics)."""
    g = Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])  # matching pennies
    half = np.array([0.5, 0.5])
    bad = [np.array([0.5 + 4e-7, 0.5 - 4e-7]), half]  # regret 8e-7: rejected
    eq = [half, half]
    near = [np.array([0.5 + 8e-7, 0.5 - 8e-7]), half]  # within 1e-6 of bad and eq
    cands = [bad, eq, near]
    res = make_result(g, "test", cands, components=[None, None, 3])
    ref, rejected = _reference_result(g, cands, [None, None, 3])
    _assert_matches_reference(res, ref, rejected, g)
    assert rejected == 1 and len(res) == 1 and res[0].component == 3


def test_huge_payoff_still_rejects_the_false_profile_in_a_mixed_batch() -> None:
    A = np.array([[1.0, 1e9], [0.0, 1e9]])
    g = Game.from_arrays(A, -A)
    false = [np.array([0.0, 1.0]), np.array([1.0, 0.0])]
    mixed = [np.array([0.5, 0.5]), np.array([0.25, 0.75])]
    true = [np.array([1.0, 0.0]), np.array([1.0, 0.0])]
    res = make_result(g, "test", [false, mixed, true])
    assert _profiles(res) == [((1.0, 0.0), (1.0, 0.0))]
    assert any(n.startswith("2 candidate(s) failed") for n in res.notes)


def test_mixed_regrets_counts_a_tied_best_deviation_outside_the_support() -> None:
    """Row plays action 0 purely against (1/2, 1/2); action 1 ties (v = 0, 0) and its entries
    (|3|) enter the tolerance, as in regret_tolerance."""
    g = Game.from_arrays([[1, -1], [-3, 3]], [[0, 0], [0, 0]])
    prof = [np.array([1.0, 0.0]), np.array([0.5, 0.5])]
    reg, tol, pay = mixed_regrets(g.payoffs, [p[None] for p in prof])
    assert tol[0] == regret_tolerance(g, prof) == 8 * EPS * (2 + 1 + 2) * 3.0
    assert reg[0] == max_regret(g, prof) == 0.0
    np.testing.assert_array_equal(pay[0], g.expected_payoffs(prof))


def test_deviation_payoffs_batch_matches_the_game() -> None:
    rng = np.random.default_rng(3)
    g = Game(rng.standard_normal((3, 2, 3, 4)))
    profiles = [[_simplex(rng, m) for m in g.shape] for _ in range(5)]
    batch = deviation_payoffs_batch(g.payoffs, profiles)
    for k, p in enumerate(profiles):
        for v, w in zip(batch, g.deviation_payoffs(p), strict=True):
            np.testing.assert_allclose(v[k], w, rtol=1e-13, atol=1e-13)
