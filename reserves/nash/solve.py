"""One entry point for every equilibrium solver: ``solve(game, method)``.

================  =========================================================================
method            what it returns
================  =========================================================================
``"auto"``        (default) ``"all"`` when the game has at most ``AUTO_ALL_MAX_PROFILES``
                  profiles (two players: the MILP stage gets ``AUTO_MILP_TIME_LIMIT_S``);
                  otherwise all pure equilibria (complete for pure), plus the aggregative
                  extremes for a game offering ``aggregative_solve`` (a ``SovereignGame``),
                  plus, when no pure equilibrium exists, one mixed equilibrium: one
                  Lemke-Howson path for two players (always succeeds), logit QRE tracing for
                  N players. ``parameters["ran"]`` and the notes name what ran.
``"pure"``        all pure equilibria (complete; :func:`reserves.nash.pure.pure_solve`;
                  option ``tol``)
``"all"``         all equilibria. Two players:
                  :func:`~reserves.nash.two_player.two_player_solve` (vertex enumeration
                  with components when ``C(m+n, m) <= max_bases``, else Lemke-Howson + MILP;
                  options ``methods``, ``max_bases``, ``cross_check``,
                  ``milp_time_limit_s``, ``progress``). N players:
                  :func:`~reserves.nash.support_enumeration.support_enumeration_solve`
                  (options ``eliminate``, ``max_support_profiles``, ``seed``, ``progress``)
``"mixed"``       alias of ``"all"``
``"support"``     N-player support enumeration for any number of players
                  (:func:`~reserves.nash.support_enumeration.support_enumeration_solve`)
``"lemke-howson"``two players: Lemke-Howson paths from every label and every equilibrium
                  found (:func:`~reserves.nash.lemke_howson.lemke_howson_solve`; options
                  ``labels``, ``explore``, ``max_pivots``, ``max_equilibria``, ``progress``)
``"milp"``        two players: complete enumeration by mixed-integer programming with no-good
                  cuts (:func:`~reserves.nash.milp.milp_solve`; options ``max_equilibria``,
                  ``time_limit_s``, ``progress``)
``"logit"``       one equilibrium by logit QRE tracing (:func:`~reserves.nash.logit.logit_solve`;
                  options ``lambda_max``, ``max_steps``, ``seed``)
``"aggregative"`` extremal pure equilibria of a ``SovereignGame`` without a payoff tensor
                  (its ``aggregative_solve`` hook)
``"correlated"``  an optimal correlated equilibrium (:mod:`reserves.nash.correlated`; returns
                  its own ``CorrelatedResult``; option ``objective``)
================  =========================================================================

Every reported equilibrium has ``regret <= tolerance``, the tolerance being the
floating-point error of the payoffs its deviation comparisons involve
(:func:`reserves.nash.verify.regret_tolerance`).
"""

from __future__ import annotations

import importlib
from typing import Any

from reserves.errors import ReservesError, SolverError
from reserves.nash.methods import METHODS
from reserves.nash.normal_form import Game, as_game
from reserves.nash.result import SolveResult, make_result

#: ``method="auto"`` enumerates all equilibria up to this many pure profiles
AUTO_ALL_MAX_PROFILES = 10_000

#: time budget of the two-player MILP stage under ``method="auto"`` (seconds)
AUTO_MILP_TIME_LIMIT_S = 20.0

#: a ``SovereignGame`` is turned into a payoff tensor for ``auto`` up to this many profiles
AUTO_TENSOR_MAX_PROFILES = 2**16


def _is_aggregative(game: Any) -> bool:
    """True for a game object offering the optional ``aggregative_solve`` hook (duck-typed:
    the engine knows nothing of the sovereign model)."""
    return not isinstance(game, Game) and callable(getattr(game, "aggregative_solve", None))


def solve(game: Any, method: str = "auto", **kw: Any) -> Any:
    """Solve ``game`` (a :class:`Game` or a ``SovereignGame``) with ``method``.

    Methods (details and options in the table of :mod:`reserves.nash.solve`):
    ``"auto"`` (default), ``"pure"``, ``"all"`` (alias ``"mixed"``), ``"support"``,
    ``"lemke-howson"``, ``"milp"``, ``"logit"``, ``"aggregative"``, ``"correlated"``.

    Parameters
    ----------
    game:
        the game; any object with ``to_game()`` (a ``SovereignGame``) is converted where a
        tensor is needed.
    method:
        one of :data:`METHODS`.
    **kw:
        passed to the solver (for example ``lambda_max`` for ``"logit"``, ``objective`` for
        ``"correlated"``).

    Returns
    -------
    SolveResult
        every equilibrium verified by regret (``CorrelatedResult`` for ``"correlated"``).

    Raises
    ------
    ReservesError
        unknown method (the message lists the valid ones) or a game the method cannot handle.
    """
    method = str(method).lower().strip()
    if method not in METHODS:
        raise ReservesError(
            f"unknown method {method!r}",
            field="method",
            fix="use one of " + ", ".join(METHODS),
        )
    if method == "pure":
        from reserves.nash.pure import pure_solve

        return pure_solve(as_game(game), **kw)
    if method in ("all", "mixed"):
        return _solve_all(as_game(game), **kw)
    if method == "support":
        from reserves.nash.support_enumeration import support_enumeration_solve

        return support_enumeration_solve(as_game(game), **kw)
    if method == "lemke-howson":
        from reserves.nash.lemke_howson import lemke_howson_solve

        return lemke_howson_solve(as_game(game), **kw)
    if method == "milp":
        from reserves.nash.milp import milp_solve

        return milp_solve(as_game(game), **kw)
    if method == "logit":
        from reserves.nash.logit import logit_solve

        return logit_solve(as_game(game), **kw)
    if method == "aggregative":
        if not _is_aggregative(game):
            raise SolverError(
                "method 'aggregative' needs a SovereignGame (a config), not a normal-form game",
                field="method",
                fix="use method='pure', 'all' or 'logit' for an .nfg game",
            )
        return game.aggregative_solve(**kw)
    if method == "correlated":
        try:
            corr = importlib.import_module("reserves.nash.correlated")
        except ModuleNotFoundError as exc:
            raise ReservesError(
                "correlated equilibria are not available (reserves.nash.correlated missing)",
                field="method",
            ) from exc
        return corr.correlated_equilibrium(game, **kw)
    return _solve_auto(game, **kw)


def _solve_all(game: Game, **kw: Any) -> SolveResult:
    from reserves.nash.support_enumeration import support_enumeration_solve
    from reserves.nash.two_player import two_player_solve

    if game.num_players == 2:
        return two_player_solve(game, **kw)
    return support_enumeration_solve(game, **kw)


def _solve_auto(game: Any, **kw: Any) -> SolveResult:
    """``method="auto"``: everything for small games, pure-first for large ones.

    * at most :data:`AUTO_ALL_MAX_PROFILES` profiles: all equilibria (``"all"``);
    * a ``SovereignGame`` past :data:`AUTO_TENSOR_MAX_PROFILES`: the aggregative solver only
      (no payoff tensor);
    * otherwise every pure equilibrium by vectorized enumeration (complete for pure
      equilibria, ``O(N prod_i n_i)``), plus for a ``SovereignGame`` the extremal equilibria of
      the aggregative best-response iteration (least and greatest when the game is
      supermodular; Milgrom and Roberts 1990). When the game has no pure equilibrium, one
      mixed equilibrium is added: one Lemke-Howson path for two players (it always ends at
      an equilibrium), logit QRE tracing for N players.

    The result is never ``complete`` (mixed equilibria of a large game are not enumerated);
    its notes say which solvers ran and which were skipped.
    """
    from reserves.nash.pure import pure_solve

    sovereign = _is_aggregative(game)
    if game.num_profiles <= AUTO_ALL_MAX_PROFILES:
        tensor = as_game(game)
        if tensor.num_players == 2:
            kw.setdefault("milp_time_limit_s", AUTO_MILP_TIME_LIMIT_S)
        res = _solve_all(tensor, **kw)
        note = f"auto: all equilibria ({res.method}) since {game.num_profiles:,} profiles"
        return _with_note(res, note)
    if sovereign and game.num_profiles > AUTO_TENSOR_MAX_PROFILES:
        res = game.aggregative_solve(**kw)
        return _with_note(
            res,
            f"auto: {game.num_profiles:,} profiles; aggregative best-response solver "
            "(extremal pure equilibria, no payoff tensor)",
        )
    tensor = as_game(game)
    pure = pure_solve(tensor)
    ran = ["pure"]
    notes = [
        f"auto: {game.num_profiles:,} profiles; pure enumeration found {len(pure)} pure "
        f"equilibri{'um' if len(pure) == 1 else 'a'} (complete for pure equilibria; mixed "
        "equilibria are not enumerated)"
    ]
    cands = [e.strategies for e in pure.equilibria]
    elapsed = pure.elapsed_s
    if sovereign:
        ares = game.aggregative_solve()
        ran.append("aggregative")
        cands.extend(e.strategies for e in ares.equilibria)  # pure: already in the set
        notes.append(
            f"aggregative best responses reached {len(ares)} extremal pure equilibri"
            f"{'um' if len(ares) == 1 else 'a'}"
        )
        notes.extend(ares.notes)
        elapsed += ares.elapsed_s
    if not pure.equilibria and tensor.num_players == 2:
        from reserves.nash.lemke_howson import lemke_howson_solve

        lh = lemke_howson_solve(tensor, labels=0, explore=False)
        ran.append("lemke-howson")
        cands.extend(e.strategies for e in lh.equilibria)
        notes.append(
            f"no pure equilibrium: {len(lh)} mixed equilibri{'um' if len(lh) == 1 else 'a'} "
            "by one Lemke-Howson path (it always ends at an equilibrium)"
        )
        elapsed += lh.elapsed_s
    elif not pure.equilibria:
        from reserves.nash.logit import logit_solve

        try:
            lg = logit_solve(tensor, **kw)
            ran.append("logit")
            cands.extend(e.strategies for e in lg.equilibria)
            notes.append("no pure equilibrium: one mixed equilibrium by logit QRE tracing")
            notes.extend(lg.notes)
            elapsed += lg.elapsed_s
        except SolverError as exc:
            notes.append(f"no pure equilibrium, and logit tracing found nothing verifiable: {exc}")
    else:
        notes.append("mixed solvers skipped (pure equilibria exist)")
    return make_result(
        tensor,
        "auto (" + " + ".join(ran) + ")",
        cands,
        parameters={"num_profiles": game.num_profiles, "ran": ran},
        complete=False,
        exact=True,
        elapsed_s=elapsed,
        notes=notes,
    )


def _with_note(res: SolveResult, note: str) -> SolveResult:
    from dataclasses import replace

    return replace(res, notes=(note, *res.notes))


__all__ = ["AUTO_ALL_MAX_PROFILES", "METHODS", "solve"]
