"""All equilibria of a two-player game: which algorithm runs, and what is guaranteed.

With payoffs shifted positive, the best-response polytopes are

    P = {x >= 0 : B^T x <= 1},   Q = {y >= 0 : A y <= 1},

and (x, y) != (0, 0) is an equilibrium (after normalisation) iff every label ``1..m+n`` is a
tight constraint of x or of y (von Stengel 2007, *Algorithmic Game Theory* ch. 3; Avis,
Rosenberg, Savani and von Stengel 2010, "Enumeration of Nash equilibria for two-player
games", *Economic Theory* 42).

* Games with ``C(m+n, m)`` up to ``max_bases``: vertex enumeration
  (:mod:`reserves.nash.vertex_enumeration`). Every vertex comes from a non-singular support
  pair, degenerate games included, so the completely labelled vertex pairs are exactly the
  extreme equilibria of the maximal Nash subsets; they are re-solved exactly, grouped into
  connected components, and the maximal subsets listed (``complete=True``).
* Larger games: Lemke-Howson from every label and every equilibrium found
  (:mod:`reserves.nash.lemke_howson`, lexicographic pivoting), then the complete MILP
  enumeration with no-good cuts (:mod:`reserves.nash.milp`) within a time budget;
  ``complete`` is what the MILP certifies.
* Optional cross-checks (``cross_check``): nashpy's vertex and support enumerations and the
  N-player support enumeration add candidates; every candidate is verified by regret.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from reserves.errors import SolverError
from reserves.nash.lemke_howson import lemke_howson_solve
from reserves.nash.normal_form import Game
from reserves.nash.profiles import as_game, clean_profile
from reserves.nash.pure import pure_equilibria_indices
from reserves.nash.result import SolveResult, Timer, make_result
from reserves.nash.support_enumeration import support_enumeration_solve
from reserves.nash.vertex_enumeration import extreme_equilibria


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


#: the complete method for games past vertex enumeration gets this time budget by default
MILP_TIME_LIMIT_S = 120.0


def two_player_solve(
    game: Game,
    *,
    methods: Sequence[str] = ("vertex", "lemke-howson", "milp"),
    max_bases: int = 2_000_000,
    cross_check: str = "none",
    milp_time_limit_s: float = MILP_TIME_LIMIT_S,
    progress: bool | Callable[[int], None] = False,
) -> SolveResult:
    """All Nash equilibria of a two-player game (extreme equilibria when they form sets).

    * ``C(m+n, m) <= max_bases``: vertex enumeration of the best-response polytopes
      (:func:`~reserves.nash.vertex_enumeration.extreme_equilibria`), degenerate games
      included (no cap, no perturbation): the extreme equilibria of every maximal Nash subset,
      each re-solved exactly, with the connected component of each equilibrium
      (``Equilibrium.component``) and the maximal Nash subsets in ``parameters["cliques"]``.
      ``complete=True``.
    * larger games: Lemke-Howson from every label and every equilibrium found
      (:func:`~reserves.nash.lemke_howson.lemke_howson_solve`), then the complete MILP
      enumeration (:func:`~reserves.nash.milp.milp_solve`) within ``milp_time_limit_s``;
      ``complete`` is the MILP's verdict (exhausted on a game whose solutions are isolated).

    Parameters
    ----------
    methods:
        subset of ``"vertex"``, ``"lemke-howson"``, ``"milp"`` and the cross-checks
        ``"nashpy-vertex"``, ``"nashpy-support"``, ``"support"`` (each skipped with a note
        when the game is too large for it).
    max_bases:
        vertex enumeration runs when ``C(m+n, m) <= max_bases``.
    cross_check:
        ``"none"`` (default), ``"degenerate"`` (run the cross-check generators in
        ``methods`` on degenerate games) or ``"always"``.
    milp_time_limit_s:
        budget of the MILP enumeration on games past vertex enumeration.
    progress:
        a callable receiving a count of paths / solutions, or True for tqdm bars.
    """
    game = as_game(game)
    if game.num_players != 2:
        raise SolverError(
            f"two_player_solve needs 2 players, got {game.num_players}",
            fix="use support_enumeration_solve for N players",
        )
    if cross_check not in ("none", "degenerate", "always"):
        raise SolverError(
            f"unknown cross_check {cross_check!r}",
            field="cross_check",
            fix="use 'none', 'degenerate' or 'always'",
        )
    A, B = np.asarray(game.payoffs[0]), np.asarray(game.payoffs[1])
    m, n = A.shape
    notes: list[str] = []
    cands: list[Sequence[np.ndarray]] = []
    comps: list[int | None] = []
    used: list[str] = []
    params: dict[str, Any] = {"max_bases": max_bases, "cross_check": cross_check}
    nondegenerate: bool | None = None
    complete = False
    with Timer() as t:
        pure = [game.pure_profile(r) for r in pure_equilibria_indices(game)]
        small = math.comb(m + n, m) <= max_bases
        if "vertex" in methods and small:
            ext = extreme_equilibria(A, B)
            nondegenerate = ext.nondegenerate
            cands.extend(ext.profiles)
            comps.extend(ext.components)
            used.append("vertex")
            complete = True
            params["components"] = ext.num_components
            params["cliques"] = [[list(x), list(y)] for x, y in ext.cliques]
            if not ext.cliques and ext.pairs:
                notes.append(
                    f"{len(ext.pairs):,} extreme equilibria: maximal Nash subsets not listed "
                    "(components are)"
                )
            params["clique_vertices"] = [list(p) for p in ext.pairs]
        elif "vertex" in methods:
            notes.append(f"vertex enumeration skipped: C({m + n},{m}) bases > {max_bases:,}")
        if not small or "vertex" not in methods:
            if "lemke-howson" in methods:
                lh = lemke_howson_solve(game, progress=progress)
                cands.extend(e.strategies for e in lh.equilibria)
                comps.extend([None] * len(lh.equilibria))
                used.append("lemke-howson")
                params["lemke_howson_paths"] = lh.parameters["paths"]
                notes.append(f"Lemke-Howson found {len(lh)} equilibri" + _a(len(lh)))
            if "milp" in methods:
                from reserves.nash.milp import milp_solve  # scipy.optimize: imported when used

                mi = milp_solve(game, time_limit_s=milp_time_limit_s, progress=progress)
                cands.extend(e.strategies for e in mi.equilibria)
                comps.extend([None] * len(mi.equilibria))
                used.append("milp")
                params["milp_solves"] = mi.parameters["milp_solves"]
                complete = mi.complete
                notes.extend(mi.notes)
        others = cross_check == "always" or (cross_check == "degenerate" and not nondegenerate)
        if others and "nashpy-vertex" in methods and m * n <= 36:
            try:
                extra = _nashpy_candidates(A, B, "vertex")
                cands.extend(extra)
                comps.extend([None] * len(extra))
                used.append("nashpy-vertex")
            except Exception as exc:  # nashpy/scipy qhull can fail on degenerate input
                notes.append(f"nashpy vertex enumeration failed: {type(exc).__name__}")
        if others and "nashpy-support" in methods and (m + n) <= 10:
            extra = _nashpy_candidates(A, B, "support")
            cands.extend(extra)
            comps.extend([None] * len(extra))
            used.append("nashpy-support")
        if others and "support" in methods and (2**m - 1) * (2**n - 1) <= 200_000:
            own = support_enumeration_solve(game, eliminate=False)
            cands.extend(e.strategies for e in own.equilibria)
            comps.extend([None] * len(own.equilibria))
            used.append("support")
        # pure equilibria that vertex enumeration already lists keep its component
        cands.extend(pure)
        comps.extend([None] * len(pure))
        cleaned: list[Sequence[np.ndarray]] = []
        kept_comps: list[int | None] = []
        for c, k in zip(cands, comps, strict=True):
            cc = clean_profile(c)
            if cc is not None:
                cleaned.append(cc)
                kept_comps.append(k)
    if nondegenerate is False:
        notes.append(
            "the game is degenerate: the extreme equilibria of every maximal Nash subset are "
            f"listed; they form {params['components']} connected component(s) "
            "(Equilibrium.component; maximal subsets in parameters['cliques'])"
        )
    params["methods"] = list(used)
    return make_result(
        game,
        "two-player enumeration (" + ", ".join(used) + ")",
        cleaned,
        parameters=params,
        complete=complete,
        exact=True,
        elapsed_s=t.elapsed_s,
        notes=notes,
        components=kept_comps,
    )


def _a(k: int) -> str:
    return "um" if k == 1 else "a"


__all__ = ["two_player_solve"]
