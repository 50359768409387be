"""All equilibria of a two-player game by mixed-integer programming with no-good cuts.

Sandholm, Gilpin and Conitzer (2005), "Mixed-integer programming methods for finding Nash
equilibria", *AAAI*: with payoffs normalised into ``[0, 1]``, a profile ``(x, y)`` is an
equilibrium iff there are values ``u, v``, regrets ``r, s >= 0`` and binaries ``a, b`` with

    A y + r = u 1,      B^T x + s = v 1,      1'x = 1'y = 1,   x, y >= 0,
    x_i <= 1 - a_i,     r_i <= a_i,           y_j <= 1 - b_j,  s_j <= b_j

(``a_i = 1`` marks row ``i`` as unplayed; an action may be played only at zero regret; the
regret bound 1 is the payoff span). Each solution found is excluded by a no-good cut on its
binary vector,

    sum_{i : a_i = 1} (1 - a_i) + sum_{i : a_i = 0} a_i + (same for b) >= 1,

and the MILP (HiGHS, through ``scipy.optimize.milp``) is solved again until it is
infeasible. Every binary vector consistent with some equilibrium is then excluded, so every
equilibrium has been represented: in a non-degenerate game each equilibrium has exactly one
binary vector (its support, which equals its best-response set), so the list is the complete
set. In a degenerate game every connected component is represented by at least one point
(the extreme points are listed by vertex enumeration instead). Each solution is polished to
the exact equilibrium of its support pair (:mod:`reserves.nash.rational`).

Unlike support or vertex enumeration, the work grows with the number of equilibria and the
branch-and-bound effort, not with ``C(m + n, m)``, so it scales to games where those cannot
run; a time budget and an equilibrium cap make it stop early, and then ``complete=False``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from reserves.errors import SolverError
from reserves.nash.normal_form import Game
from reserves.nash.profiles import as_game, clean_profile
from reserves.nash.progress import counter
from reserves.nash.rational import polish_bimatrix
from reserves.nash.result import SolveResult, Timer, make_result


def _model(A1: np.ndarray, B1: np.ndarray):  # type: ignore[no-untyped-def]
    """Constraint matrix of the MILP; variable order ``x, y, u, v, r, s, a, b``."""
    m, n = A1.shape
    nv = 3 * (m + n) + 2
    ix = np.arange(0, m)
    iy = np.arange(m, m + n)
    iu, iv = m + n, m + n + 1
    ir = np.arange(m + n + 2, 2 * m + n + 2)
    is_ = np.arange(2 * m + n + 2, 2 * m + 2 * n + 2)
    ia = np.arange(2 * m + 2 * n + 2, 3 * m + 2 * n + 2)
    ib = np.arange(3 * m + 2 * n + 2, nv)
    nr = 4 * (m + n) + 2
    M = np.zeros((nr, nv))
    lo = np.full(nr, -np.inf)
    hi = np.zeros(nr)
    r0 = 0
    rm, rn = np.arange(m), np.arange(n)
    # A y + r - u = 0
    M[np.ix_(r0 + rm, iy)] = A1
    M[r0 + rm, ir] = 1.0
    M[r0 + rm, iu] = -1.0
    lo[r0 + rm] = 0.0
    r0 += m
    # B^T x + s - v = 0
    M[np.ix_(r0 + rn, ix)] = B1.T
    M[r0 + rn, is_] = 1.0
    M[r0 + rn, iv] = -1.0
    lo[r0 + rn] = 0.0
    r0 += n
    # 1'x = 1, 1'y = 1
    M[r0, ix] = 1.0
    M[r0 + 1, iy] = 1.0
    lo[r0 : r0 + 2] = hi[r0 : r0 + 2] = 1.0
    r0 += 2
    # x_i + a_i <= 1 ; r_i - a_i <= 0 ; y_j + b_j <= 1 ; s_j - b_j <= 0
    M[r0 + rm, ix] = 1.0
    M[r0 + rm, ia] = 1.0
    hi[r0 + rm] = 1.0
    r0 += m
    M[r0 + rm, ir] = 1.0
    M[r0 + rm, ia] = -(A1.max() - A1.min(axis=1))  # r_i <= (max A1 - min_j A1[i, j]) a_i
    r0 += m
    M[r0 + rn, iy] = 1.0
    M[r0 + rn, ib] = 1.0
    hi[r0 + rn] = 1.0
    r0 += n
    M[r0 + rn, is_] = 1.0
    M[r0 + rn, ib] = -(B1.max() - B1.min(axis=0))
    lb = np.zeros(nv)
    ub = np.ones(nv)
    # values: at least the security level of pure mixing bounds, at most the largest payoff
    lb[iu], ub[iu] = float(A1.min(axis=1).max()), float(A1.max())
    lb[iv], ub[iv] = float(B1.min(axis=0).max()), float(B1.max())
    integrality = np.zeros(nv)
    integrality[ia] = 1
    integrality[ib] = 1
    return csr_matrix(M), lo, hi, Bounds(lb, ub), integrality, (ix, iy, ia, ib)


def milp_solve(
    game: Game,
    *,
    max_equilibria: int = 10_000,
    time_limit_s: float = 120.0,
    progress: bool | Callable[[int], None] = False,
) -> SolveResult:
    """All equilibria of a two-player game by MILP with no-good cuts (module docstring).

    Parameters
    ----------
    max_equilibria:
        stop after this many solutions (then ``complete=False``).
    time_limit_s:
        wall-clock budget for the whole enumeration (then ``complete=False``).
    progress:
        a callable receiving the number of solutions found, or True for a tqdm bar.

    Returns
    -------
    SolveResult
        ``complete=True`` when the MILP became infeasible within the budget and every solution
        was an isolated (exactly solvable, quasi-strict) equilibrium; ``parameters`` has
        ``"milp_solves"`` and ``"exhausted"``.
    """
    game = as_game(game)
    if game.num_players != 2:
        raise SolverError(
            f"milp_solve needs 2 players, got {game.num_players}",
            fix="use support_enumeration_solve for N players",
        )
    A, B = (np.asarray(game.payoffs[k], dtype=float) for k in (0, 1))
    m = A.shape[0]
    spanA = max(float(np.ptp(A)), 1e-300)
    spanB = max(float(np.ptp(B)), 1e-300)
    A1 = (A - A.min()) / spanA
    B1 = (B - B.min()) / spanB
    M, lo, hi, bounds, integrality, (ix, iy, ia, ib) = _model(A1, B1)
    nv = M.shape[1]
    cuts: list[np.ndarray] = []
    cut_hi: list[float] = []
    cands: list[list[np.ndarray]] = []
    isolated = True
    exhausted = False
    solves = 0
    notes: list[str] = []
    bar = counter(progress, "MILP equilibria")
    deadline = time.perf_counter() + time_limit_s
    with Timer() as t:
        while len(cands) < max_equilibria:
            left = deadline - time.perf_counter()
            if left <= 0:
                notes.append(f"time budget of {time_limit_s:g} s used up")
                break
            cons = [LinearConstraint(M, lo, hi)]
            if cuts:
                cons.append(LinearConstraint(np.array(cuts), -np.inf, np.array(cut_hi)))
            res = milp(
                np.zeros(nv),
                constraints=cons,
                integrality=integrality,
                bounds=bounds,
                options={"time_limit": left, "disp": False},
            )
            solves += 1
            if res.status == 2:  # infeasible: every equilibrium's binary vector is cut off
                exhausted = True
                break
            if res.x is None:
                notes.append(f"MILP stopped without a solution: {res.message}")
                break
            z = np.round(res.x[np.r_[ia, ib]]).astype(int)
            # no-good cut: sum_{z=1} z - sum_{z=0} z <= |{z=1}| - 1
            row = np.zeros(nv)
            row[np.r_[ia, ib]] = np.where(z == 1, 1.0, -1.0)
            cuts.append(row)
            cut_hi.append(float(z.sum() - 1))
            x = np.clip(res.x[ix], 0, None)
            y = np.clip(res.x[iy], 0, None)
            x, y = x / x.sum(), y / y.sum()
            I, J = np.flatnonzero(z[:m] == 0), np.flatnonzero(z[m:] == 0)
            polished = polish_bimatrix(A, B, [x, y])
            supp_x = np.flatnonzero(polished[0] > 0)
            supp_y = np.flatnonzero(polished[1] > 0)
            if not (np.array_equal(supp_x, I) and np.array_equal(supp_y, J)):
                isolated = False
            prof = clean_profile(polished)
            if prof is not None:
                cands.append(prof)
            if bar is not None:
                bar(len(cands))
        else:
            notes.append(f"stopped after {max_equilibria} solutions (max_equilibria)")
    complete = exhausted and isolated
    if exhausted and not isolated:
        notes.append(
            "MILP exhausted: every connected component of equilibria is represented, but the "
            "game is degenerate (some solution is not an isolated equilibrium), so not every "
            "extreme equilibrium is listed"
        )
    elif exhausted:
        notes.append("MILP exhausted: the list is the complete set of equilibria")
    else:
        notes.append("MILP enumeration stopped early: the set may be incomplete")
    return make_result(
        game,
        "milp (no-good cuts)",
        cands,
        parameters={
            "milp_solves": solves,
            "exhausted": exhausted,
            "time_limit_s": time_limit_s,
            "max_equilibria": max_equilibria,
        },
        complete=complete,
        exact=True,
        elapsed_s=t.elapsed_s,
        notes=notes,
    )


__all__ = ["milp_solve"]
