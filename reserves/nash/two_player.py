"""All equilibria of a two-player game: candidate generators merged and verified.

Bimatrix games. With payoffs shifted positive, the best-response polytopes are

    P = {x >= 0 : B^T x <= 1},   Q = {y >= 0 : A y <= 1},

and (x, y) != (0, 0) is an equilibrium (after normalisation) iff every label
``1..m+n`` is a tight constraint of x or of y (von Stengel 2007, *Algorithmic Game Theory*
ch. 3; Avis, Rosenberg, Savani and von Stengel 2010, "Enumeration of Nash equilibria for
two-player games", *Economic Theory* 42). Our vertex enumeration finds every vertex of P
with support ``I`` from a ``k x k`` system ``B[I, J]^T x_I = 1`` over the pairs of
``k``-subsets ``(I, J)``, batched per ``k`` in one ``numpy.linalg.solve`` (the same number
of systems as a basis enumeration, ``C(m+n, m) - 1``, but of size ``k`` rather than
``m``). The game is non-degenerate iff no point of P has more than m labels and no point
of Q more than n (equivalently P and Q are simple); the vertex enumeration checks this on
every vertex, and ``complete=True`` is reported only then. When it cannot certify
non-degeneracy, nashpy's vertex and support enumerations and our own support enumeration
add candidates (nashpy's support enumeration uses exact float comparisons and can miss
equilibria; it is never trusted alone).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from reserves.errors import SolverError
from reserves.nash.normal_form import Game
from reserves.nash.profiles import as_game, clean_profile
from reserves.nash.pure import pure_equilibria_indices
from reserves.nash.result import SolveResult, Timer, make_result
from reserves.nash.support_enumeration import support_enumeration_solve
from reserves.nash.vertex_enumeration import vertex_enumeration


def _nashpy_candidates(A: np.ndarray, B: np.ndarray, which: str) -> list[tuple[np.ndarray, ...]]:
    import warnings

    import nashpy

    shift = min(A.min(), B.min())
    g = nashpy.Game(A - shift + 1.0, B - shift + 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if which == "vertex":
            return [tuple(e) for e in g.vertex_enumeration()]
        return [tuple(e) for e in g.support_enumeration(non_degenerate=False, tol=1e-12)]


def two_player_solve(
    game: Game,
    *,
    methods: Sequence[str] = ("vertex", "nashpy-vertex", "nashpy-support", "support"),
    max_bases: int = 2_000_000,
    cross_check: str = "degenerate",
) -> SolveResult:
    """All Nash equilibria of a two-player game, from several methods merged and verified.

    Parameters
    ----------
    game:
        a 2-player :class:`Game`.
    methods:
        which candidate generators to run (each is skipped, with a note, when the game is too
        large for it): ``"vertex"`` (own vertex enumeration, :func:`vertex_enumeration`, which
        also decides non-degeneracy), ``"nashpy-vertex"``, ``"nashpy-support"``,
        ``"support"`` (own support enumeration, :func:`support_enumeration_solve`).
    max_bases:
        the own vertex enumeration runs when ``C(m+n, m) <= max_bases`` (it solves
        ``C(m+n, m) - 1`` small systems per polytope).
    cross_check:
        when the other generators in ``methods`` run besides ``"vertex"``: ``"degenerate"``
        (default) only when the vertex enumeration did not run or found the game degenerate
        (on a non-degenerate game it is provably complete, so they cannot add anything);
        ``"always"`` every time.

    Returns
    -------
    SolveResult
        ``complete=True`` iff the game was checked non-degenerate (then the set equals the
        full equilibrium set; Avis et al. 2010); every equilibrium has regret at most
        ``1e-9 * payoff_scale``.
    """
    game = as_game(game)
    if game.num_players != 2:
        raise SolverError(
            f"two_player_solve needs 2 players, got {game.num_players}",
            fix="use support_enumeration_solve for N players",
        )
    A, B = np.asarray(game.payoffs[0]), np.asarray(game.payoffs[1])
    m, n = A.shape
    notes: list[str] = []
    cands: list[Sequence[np.ndarray]] = []
    used: list[str] = []
    nondegenerate: bool | None = None
    with Timer() as t:
        cands.extend(game.pure_profile(r) for r in pure_equilibria_indices(game))
        if "vertex" in methods:
            if math.comb(m + n, m) <= max_bases:
                found, nondegenerate = vertex_enumeration(A, B)
                cands.extend(found)
                used.append("vertex")
            else:
                notes.append(f"own vertex enumeration skipped: C({m + n},{m}) bases > {max_bases}")
        if cross_check not in ("degenerate", "always"):
            raise SolverError(
                f"unknown cross_check {cross_check!r}",
                field="cross_check",
                fix="use 'degenerate' or 'always'",
            )
        others = cross_check == "always" or not nondegenerate
        if others and "nashpy-vertex" in methods and m * n <= 36:
            try:
                cands.extend(_nashpy_candidates(A, B, "vertex"))
                used.append("nashpy-vertex")
            except Exception as exc:  # nashpy/scipy qhull can fail on degenerate input
                notes.append(f"nashpy vertex enumeration failed: {type(exc).__name__}")
        if others and "nashpy-support" in methods and (m + n) <= 10:
            cands.extend(_nashpy_candidates(A, B, "support"))
            used.append("nashpy-support")
        if (
            others
            and "support" in methods
            and sum(math.comb(m, k) * math.comb(n, k) for k in range(1, min(m, n) + 1)) <= 5_000
        ):
            own = support_enumeration_solve(game, eliminate=False)
            cands.extend(e.strategies for e in own.equilibria)
            used.append("support")
        cleaned = [c for c in (clean_profile(c) for c in cands) if c is not None]
    if nondegenerate is False:
        notes.append(
            "the game is degenerate: the extreme equilibria are listed, but equilibria may form "
            "connected sets"
        )
    elif nondegenerate is None:
        notes.append("non-degeneracy not checked (game too large): the set may be incomplete")
    return make_result(
        game,
        "two-player enumeration (" + ", ".join(used) + ")",
        cleaned,
        parameters={"methods": list(used), "max_bases": max_bases, "cross_check": cross_check},
        complete=bool(nondegenerate),
        exact=True,
        elapsed_s=t.elapsed_s,
        notes=notes,
    )


__all__ = ["two_player_solve"]
