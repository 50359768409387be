"""Pure Nash equilibria and iterated elimination of strictly dominated actions.

Pure equilibria are found for all profiles at once: with ``U_i`` player i's payoff tensor,
``B_i = max_{a_i} U_i`` (a reduction along axis i) and a profile ``a`` is an equilibrium iff
``U_i(a) >= B_i(a_{-i}) - tol`` for every ``i``. This is N vectorized reductions over the
``prod_i n_i`` profiles and no Python loop per profile.

Dominance: action ``a`` of player i is strictly dominated by a mixed strategy over its other
remaining actions when the linear program

    maximize eps  s.t.  sum_k s_k U_i(k, a_{-i}) - U_i(a, a_{-i}) >= eps  for all a_{-i},
                        sum_k s_k = 1,  s >= 0

has optimum ``eps > 0`` (Myerson 1991, sec. 3.2). Pure-strategy dominance is the special case
where ``s`` is a vertex; it is checked first, vectorized.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reserves.nash.normal_form import Game
from reserves.nash.result import SolveResult, Timer, make_result


def pure_equilibrium_mask(game: Game, *, tol: float | None = None) -> np.ndarray:
    """Boolean array of shape ``game.shape``: True at every pure Nash equilibrium.

    ``tol`` is an absolute payoff tolerance. ``None`` (default) uses the floating-point
    tolerance of :func:`reserves.nash.verify.regret_tolerance` for pure profiles: a few ulps of
    the two payoffs compared, ``ULPS * eps * (N + 2) * max(|u_i(a)|, |max_b u_i(b, a_-i)|)``,
    never a fraction of the whole payoff span.
    """
    from reserves.nash.verify import EPS, ULPS

    n = game.num_players
    mask = np.ones(game.shape, dtype=bool)
    for i in range(n):
        u = game.payoffs[i]
        best = u.max(axis=i, keepdims=True)
        if tol is None:
            slack = (ULPS * EPS * (n + 2)) * np.maximum(np.abs(u), np.abs(best))
            mask &= u >= best - slack
        else:
            mask &= u >= best - tol
    return mask


def pure_equilibria_indices(game: Game, *, tol: float | None = None) -> np.ndarray:
    """Array of shape ``(k, N)``: action indices of the ``k`` pure equilibria (C order);
    ``tol`` as in :func:`pure_equilibrium_mask`."""
    return np.argwhere(pure_equilibrium_mask(game, tol=tol))


def pure_solve(game: Game, *, tol: float | None = None) -> SolveResult:
    """All pure Nash equilibria (complete), each verified by :func:`max_regret`.

    ``tol`` (absolute) defaults to the floating-point tolerance of the entries compared
    (:func:`pure_equilibrium_mask`), so ties computed in floating point still count as best
    responses while a large payoff elsewhere in the game cannot hide a profitable deviation.
    """
    with Timer() as t:
        idx = pure_equilibria_indices(game, tol=tol)
        candidates = [game.pure_profile(row) for row in idx]
    return make_result(
        game,
        "pure",
        candidates,
        parameters={"tol": "ulps" if tol is None else tol},
        complete=True,
        exact=True,
        elapsed_s=t.elapsed_s,
        dedupe=False,
    )


@dataclass(frozen=True)
class EliminationStep:
    """One removal: ``player``'s ``action`` is strictly dominated by ``by`` (a mix or an action)."""

    player: int
    action: str
    by: dict[str, float]
    margin: float


@dataclass(frozen=True)
class EliminationResult:
    """The surviving subgame and the order of removals."""

    game: Game
    surviving: tuple[tuple[int, ...], ...]
    steps: tuple[EliminationStep, ...]

    def surviving_actions(self) -> tuple[tuple[str, ...], ...]:
        return self.game.actions

    def to_dict(self) -> dict[str, object]:
        return {
            "surviving": [list(a) for a in self.game.actions],
            "steps": [
                {
                    "player": self.game.players[s.player],
                    "action": s.action,
                    "by": s.by,
                    "margin": s.margin,
                }
                for s in self.steps
            ],
        }


def _dominated_by_mixed(u: np.ndarray, a: int, others: list[int], tol: float):
    """LP test of whether row ``a`` of the matrix ``u`` (own action x others' profiles) is
    strictly dominated by a mixture of rows ``others``. Returns (margin, weights) or None."""
    if not others:
        return None
    U = u[others]  # (k, m)
    k, m = U.shape
    # variables: s_1..s_k, eps ; maximize eps -> minimize -eps
    c = np.zeros(k + 1)
    c[-1] = -1.0
    # -(U^T s) + eps <= -u_a  for each column
    A_ub = np.hstack([-U.T, np.ones((m, 1))])
    b_ub = -u[a]
    A_eq = np.hstack([np.ones((1, k)), np.zeros((1, 1))])
    b_eq = np.array([1.0])
    bounds = [(0, None)] * k + [(None, None)]
    from scipy.optimize import linprog  # imported here: 0.3 s that a pure solve rarely needs

    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0:
        return None
    eps = -res.fun
    if eps > tol:
        return eps, res.x[:k]
    return None


def iterated_elimination(
    game: Game, *, mixed: bool = True, tol: float | None = None
) -> EliminationResult:
    """Iterated elimination of strictly dominated actions (pure, then mixed dominance).

    The order of elimination does not change the result for strict dominance (Gilboa, Kalai and
    Zemel 1990). ``tol`` is the margin (payoff units) a dominance must exceed; default
    ``1e-9 * payoff_scale``.
    """
    tol = 1e-9 * game.payoff_scale if tol is None else tol
    keep = [list(range(n)) for n in game.shape]
    steps: list[EliminationStep] = []
    changed = True
    while changed:
        changed = False
        sub = game.restrict(keep)
        for i in range(sub.num_players):
            if len(keep[i]) <= 1:
                continue
            u = np.moveaxis(sub.payoffs[i], i, 0).reshape(len(keep[i]), -1)
            # pure dominance, vectorized: d[k, a] = min over columns of u[k] - u[a]
            diff = (u[:, None, :] - u[None, :, :]).min(axis=2)
            np.fill_diagonal(diff, -np.inf)
            for a in range(len(keep[i])):
                k = int(np.argmax(diff[:, a]))
                if diff[k, a] > tol:
                    steps.append(
                        EliminationStep(
                            i, sub.actions[i][a], {sub.actions[i][k]: 1.0}, float(diff[k, a])
                        )
                    )
                    del keep[i][a]
                    changed = True
                    break
                if mixed and len(keep[i]) > 2:
                    found = _dominated_by_mixed(
                        u, a, [r for r in range(len(keep[i])) if r != a], tol
                    )
                    if found is not None:
                        margin, w = found
                        names = [sub.actions[i][r] for r in range(len(keep[i])) if r != a]
                        steps.append(
                            EliminationStep(
                                i,
                                sub.actions[i][a],
                                {n: float(x) for n, x in zip(names, w, strict=True) if x > 1e-12},
                                float(margin),
                            )
                        )
                        del keep[i][a]
                        changed = True
                        break
            if changed:
                break
    final = game.restrict(keep)
    return EliminationResult(final, tuple(tuple(k) for k in keep), tuple(steps))


def dominant_actions(game: Game, *, tol: float | None = None) -> list[int | None]:
    """For each player, the index of a strictly dominant action, or ``None``.

    Action ``a`` strictly dominates when ``U_i(a, a_{-i}) > U_i(b, a_{-i}) + tol`` for every
    other ``b`` and every ``a_{-i}``.
    """
    tol = 1e-12 * game.payoff_scale if tol is None else tol
    out: list[int | None] = []
    for i in range(game.num_players):
        u = np.moveaxis(game.payoffs[i], i, 0).reshape(game.shape[i], -1)
        found = None
        for a in range(game.shape[i]):
            others = np.delete(u, a, axis=0)
            if others.size == 0 or np.all(u[a][None, :] > others + tol):
                found = a
                break
        out.append(found)
    return out
