"""Lemke-Howson complementary pivoting for bimatrix games, from every label and every found
equilibrium, with lexicographic (perturbation-free) degeneracy resolution.

With payoffs shifted to be positive, the best-response polytopes are

    P = {x >= 0 : B^T x <= 1},    Q = {y >= 0 : A y <= 1}

(slacks ``s = 1 - B^T x`` and ``r = 1 - A y``). Label ``i in M = {0..m-1}`` belongs to ``x``
when ``x_i = 0`` and to ``y`` when ``r_i = 0``; label ``m + j`` to ``y`` when ``y_j = 0`` and to
``x`` when ``s_j = 0``. A vertex pair carrying every label is a Nash equilibrium (after
normalisation) or the artificial one ``(0, 0)``. Dropping label ``k`` at a completely labelled
pair and pivoting -- the entering variable of one polytope's tableau is the complement of the
label that just left the other's -- follows a path whose other end is again completely
labelled (Lemke and Howson 1964, "Equilibrium points of bimatrix games", *SIAM J. Appl.
Math.* 12; von Stengel 2007, *Algorithmic Game Theory* ch. 3.5). The paths pair up the
equilibria of a non-degenerate game; from ``(0, 0)`` with each of the ``m + n`` labels, and
then from every equilibrium found with every label, the search explores the whole component
of the Lemke-Howson graph that contains the artificial equilibrium (Shapley 1974), which is
what Gambit's ``lcp`` reports and possibly more. Equilibria in other components are not
reached: this method never claims completeness.

Degeneracy: the minimum-ratio test is made lexicographic, comparing rows of
``[b, B^{-1}] / a_col`` (Dantzig, Orden and Wolfe 1955), which is the exact limit of an
``epsilon``-perturbation of the right-hand side, so no pivoting cycle is possible and every
path terminates. The endpoint of a path in a degenerate game is an equilibrium of the
perturbed game, whose limit is an equilibrium of the game itself.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reserves.errors import SolverError
from reserves.nash.normal_form import Game
from reserves.nash.profiles import as_game, clean_profile
from reserves.nash.progress import counter
from reserves.nash.rational import polish_bimatrix
from reserves.nash.result import SolveResult, Timer, make_result

#: pivot element threshold (payoffs are normalised into [1, 2])
_PIVOT_TOL = 1e-12


@dataclass
class _Tableau:
    """``T z = rhs`` for one polytope: ``T`` has the polytope's own variables first, then its
    slacks (initially the basis, so ``T[:, slacks]`` is ``B^{-1}``); ``basis[r]`` is the
    variable basic in row ``r``; ``labels[v]`` is the label of variable ``v``."""

    T: np.ndarray
    rhs: np.ndarray
    basis: list[int]
    labels: np.ndarray
    slack0: int
    var_of: dict[int, int] | None = None  # label -> variable (labels never change)

    def __post_init__(self) -> None:
        if self.var_of is None:
            self.var_of = {int(lab): v for v, lab in enumerate(self.labels.tolist())}

    def copy(self) -> _Tableau:
        return _Tableau(
            self.T.copy(), self.rhs.copy(), list(self.basis), self.labels, self.slack0, self.var_of
        )

    def leaving_row(self, col: int) -> int:
        """Lexicographic minimum-ratio test on column ``col``."""
        a = self.T[:, col]
        rows = np.flatnonzero(a > _PIVOT_TOL)
        if rows.size == 0:  # pragma: no cover - P and Q are bounded when payoffs are > 0
            raise SolverError("Lemke-Howson: unbounded ray (payoffs must be positive)")
        ratio = self.rhs[rows] / a[rows]
        if rows.size == 1:
            return int(rows[0])
        two = np.partition(ratio, 1)[:2]
        if two[1] > two[0] + 1e-11 * max(1.0, abs(two[0])):  # a unique minimum: no tie to break
            return int(rows[np.argmin(ratio)])
        binv = self.T[rows, self.slack0 :]
        key = np.concatenate([self.rhs[rows, None], binv], axis=1) / a[rows, None]
        cand = np.arange(rows.size)
        for c in range(key.shape[1]):
            col_vals = key[cand, c]
            best = col_vals.min()
            scale = max(1.0, abs(best))
            cand = cand[col_vals <= best + 1e-11 * scale]
            if cand.size == 1:
                break
        return int(rows[cand[0]])

    def pivot(self, row: int, col: int) -> int:
        """Pivot ``col`` into the basis at ``row``; returns the variable that left."""
        p = self.T[row, col]
        self.T[row] /= p
        self.rhs[row] /= p
        f = self.T[:, col].copy()
        f[row] = 0.0
        self.T -= f[:, None] * self.T[row]
        self.rhs -= f * self.rhs[row]
        self.T[:, col] = 0.0
        self.T[row, col] = 1.0
        left = self.basis[row]
        self.basis[row] = col
        return left

    def values(self, count: int) -> np.ndarray:
        """Values of the polytope's own variables ``0..count-1`` (nonbasic ones are 0)."""
        out = np.zeros(count)
        for r, v in enumerate(self.basis):
            if v < count:
                out[v] = max(self.rhs[r], 0.0)
        return out


def _initial(A1: np.ndarray, B1: np.ndarray) -> tuple[_Tableau, _Tableau]:
    m, n = A1.shape
    # P: B^T x + s = 1 ; variables x_0..x_{m-1} (labels 0..m-1), s_0..s_{n-1} (labels m..m+n-1)
    TP = np.concatenate([B1.T, np.eye(n)], axis=1)
    lp = np.concatenate([np.arange(m), m + np.arange(n)])
    P = _Tableau(TP, np.ones(n), list(range(m, m + n)), lp, m)
    # Q: A y + r = 1 ; variables y_0..y_{n-1} (labels m..m+n-1), r_0..r_{m-1} (labels 0..m-1)
    TQ = np.concatenate([A1, np.eye(m)], axis=1)
    lq = np.concatenate([m + np.arange(n), np.arange(m)])
    Q = _Tableau(TQ, np.ones(m), list(range(n, n + m)), lq, n)
    return P, Q


def _var_with_label(t: _Tableau, label: int) -> int:
    return t.var_of[label]  # type: ignore[index]


def _walk(P: _Tableau, Q: _Tableau, k: int, max_pivots: int) -> tuple[_Tableau, _Tableau, int]:
    """Follow the path dropping label ``k`` from a completely labelled pair (copies)."""
    P, Q = P.copy(), Q.copy()
    # label k is carried by a nonbasic variable of exactly one tableau: enter it there
    vp = _var_with_label(P, k)
    t, other = (Q, P) if vp in P.basis else (P, Q)
    enter = _var_with_label(t, k)
    for step in range(1, max_pivots + 1):
        left = t.pivot(t.leaving_row(enter), enter)
        lab = int(t.labels[left])
        if lab == k:
            return P, Q, step
        t, other = other, t
        enter = _var_with_label(t, lab)
    raise SolverError(f"Lemke-Howson path exceeded {max_pivots} pivots", fix="raise max_pivots")


def _key(P: _Tableau, Q: _Tableau) -> tuple[frozenset[int], frozenset[int]]:
    return frozenset(P.basis), frozenset(Q.basis)


def lemke_howson_solve(
    game: Game,
    *,
    labels: str | int = "all",
    explore: bool = True,
    max_pivots: int = 100_000,
    max_equilibria: int = 100_000,
    progress: bool | Callable[[int], None] = False,
) -> SolveResult:
    """Equilibria of a two-player game by Lemke-Howson paths.

    Parameters
    ----------
    labels:
        ``"all"`` (default) starts from the artificial equilibrium with each of the ``m + n``
        labels; an integer starts with that label only (the classic single path).
    explore:
        also restart from every equilibrium found with every label, breadth-first, until no
        new equilibrium appears (the component of the Lemke-Howson graph through ``(0, 0)``).
    max_pivots:
        pivots allowed on one path.
    max_equilibria:
        stop exploring after this many (noted; the result is never complete anyway).
    progress:
        a callable receiving the number of paths followed, or True for a tqdm bar.

    Returns
    -------
    SolveResult
        ``complete=False`` always (equilibria outside the explored component are not
        reached); ``parameters["paths"]`` counts the paths followed.
    """
    game = as_game(game)
    if game.num_players != 2:
        raise SolverError(
            f"Lemke-Howson needs 2 players, got {game.num_players}",
            fix="use support_enumeration_solve or logit_solve for N players",
        )
    A, B = (np.asarray(game.payoffs[k], dtype=float) for k in (0, 1))
    m, n = A.shape
    span = max(float(np.ptp(A)), float(np.ptp(B)), 1e-300)
    A1 = (A - A.min()) / span + 1.0
    B1 = (B - B.min()) / span + 1.0
    if labels == "all":
        start_labels = list(range(m + n))
    else:
        k = int(labels)
        if not 0 <= k < m + n:
            raise SolverError(
                f"label {k} out of range", field="labels", fix=f"use 0..{m + n - 1} or 'all'"
            )
        start_labels = [k]
    bar = counter(progress, "Lemke-Howson paths")
    paths = 0
    notes: list[str] = []
    with Timer() as t:
        P0, Q0 = _initial(A1, B1)
        artificial = _key(P0, Q0)
        seen: dict[tuple[frozenset[int], frozenset[int]], tuple[_Tableau, _Tableau]] = {}
        queue: deque[tuple[_Tableau, _Tableau, list[int]]] = deque([(P0, Q0, start_labels)])
        # the Lemke-Howson graph is undirected: the path dropping label k from one end leads
        # back from the other end with the same label, so a walked path is never walked back
        walked: set[tuple[tuple[frozenset[int], frozenset[int]], int]] = set()
        while queue:
            P, Q, labs = queue.popleft()
            start = _key(P, Q)
            for k in labs:
                if (start, k) in walked:
                    continue
                Pk, Qk, _ = _walk(P, Q, k, max_pivots)
                paths += 1
                if bar is not None:
                    bar(paths)
                key = _key(Pk, Qk)
                walked.add((key, k))
                if key == artificial or key in seen:
                    continue
                seen[key] = (Pk, Qk)
                if explore and len(seen) < max_equilibria:
                    queue.append((Pk, Qk, list(range(m + n))))
            if len(seen) >= max_equilibria:
                notes.append(f"stopped after {max_equilibria} equilibria (max_equilibria)")
                break
        cands = []
        for Pk, Qk in seen.values():
            x, y = Pk.values(m), Qk.values(n)
            if x.sum() <= 0 or y.sum() <= 0:
                continue
            prof = clean_profile(polish_bimatrix(A, B, [x / x.sum(), y / y.sum()]))
            if prof is not None:
                cands.append(prof)
    notes.append(
        f"{paths} Lemke-Howson path(s) from "
        + ("every label" if labels == "all" else f"label {labels}")
        + (" and from every equilibrium found" if explore else "")
        + "; equilibria outside this component of the Lemke-Howson graph are not reached"
    )
    return make_result(
        game,
        "lemke-howson",
        cands,
        parameters={"labels": labels, "explore": explore, "paths": paths},
        complete=False,
        exact=True,
        elapsed_s=t.elapsed_s,
        notes=notes,
    )


__all__ = ["lemke_howson_solve"]
