"""The generic 2x2 game taxonomy and the closed-form mixed equilibrium of a 2x2 game.

Ordinal classification after Rapoport and Guyer (1966), "A taxonomy of 2x2 games", and Robinson
and Goforth (2005), *The Topology of the 2x2 Games*: the game is located by its pure equilibria,
its dominant actions and each player's ordinal pattern over the four outcomes (see
:func:`classify_2x2`). Closed-form mixed equilibria: with row payoffs ``A`` and column payoffs
``B``, the interior equilibrium is

    q = (A11 - A01) / (A00 - A01 - A10 + A11)   (column's probability of its first action)
    p = (B11 - B10) / (B00 - B10 - B01 + B11)   (row's probability of its first action)

when both lie strictly inside (0, 1) (Osborne and Rubinstein 1994, ch. 3).
:func:`mixed_2x2_formula` works on numbers and on sympy expressions alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from reserves.errors import GameFormatError
from reserves.nash.normal_form import Game

# =============================================================================== 2x2 taxonomy
#: names of the game types :func:`classify_2x2` returns
GAME_TYPES: tuple[str, ...] = (
    "prisoners_dilemma",
    "deadlock",
    "harmony",
    "stag_hunt",
    "assurance",
    "coordination",
    "chicken",
    "leader",
    "battle_of_the_sexes",
    "matching_pennies",
    "asymmetric_dilemma",
    "unilateral",
    "coordination_hybrid",
    "anticoordination_hybrid",
    "degenerate",
)


@dataclass(frozen=True)
class GameType2x2:
    """The ordinal type of a 2x2 game (see :func:`classify_2x2`)."""

    game_type: str
    family: str
    patterns: tuple[str | None, str | None]
    pure_equilibria: tuple[tuple[int, int], ...]
    dominant: tuple[int | None, int | None]
    ranks: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
    symmetric: bool
    pareto_deficient: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "game_type": self.game_type,
            "family": self.family,
            "patterns": list(self.patterns),
            "pure_equilibria": [list(e) for e in self.pure_equilibria],
            "dominant": list(self.dominant),
            "ordinal_ranks": [[list(r) for r in m] for m in self.ranks],
            "ordinally_symmetric": self.symmetric,
            "pareto_deficient_equilibrium": self.pareto_deficient,
        }


def _as_bimatrix(game: Game | Sequence | np.ndarray, B: Any = None) -> tuple[np.ndarray, ...]:
    if isinstance(game, Game):
        if game.shape != (2, 2):
            raise GameFormatError(f"a 2x2 game is needed, got shape {game.shape}")
        return np.asarray(game.payoffs[0], float), np.asarray(game.payoffs[1], float)
    A = np.asarray(game, dtype=float)
    if B is None:
        if A.shape == (2, 2, 2):
            return A[0], A[1]
        raise GameFormatError(f"give A and B of shape (2, 2) or one (2, 2, 2); got {A.shape}")
    Bm = np.asarray(B, dtype=float)
    if A.shape != (2, 2) or Bm.shape != (2, 2):
        raise GameFormatError(f"a 2x2 game needs two 2x2 arrays, got {A.shape} and {Bm.shape}")
    return A, Bm


def _dense_ranks(M: np.ndarray, tol: float) -> tuple[tuple[int, int], tuple[int, int]]:
    vals = sorted(M.ravel())
    levels: list[float] = []
    for v in vals:
        if not levels or v - levels[-1] > tol:
            levels.append(v)

    def rank(v: float) -> int:
        return 1 + min(range(len(levels)), key=lambda k: abs(levels[k] - v))

    return tuple(tuple(rank(float(M[r, c])) for c in range(2)) for r in range(2))  # type: ignore[return-value]


def _dominance_pattern(R: float, S: float, T: float, P: float) -> str:
    """Own view of a player whose dominant action is D: R=(C,C), S=(C,D), T=(D,C), P=(D,D)."""
    if R > P:
        return "prisoners_dilemma"
    if max(R, S, T) <= P:
        return "harmony"
    return "deadlock"


def classify_2x2(
    game: Game | Sequence | np.ndarray, B: Any = None, *, tol: float = 1e-12
) -> GameType2x2:
    """The ordinal type of a 2x2 game.

    Parameters
    ----------
    game:
        a 2x2 :class:`Game`, or the row player's payoffs ``A`` (with ``B`` the column's).
    tol:
        payoffs closer than ``tol * scale`` count as ties.

    Returns
    -------
    :class:`GameType2x2` with ``game_type`` one of :data:`GAME_TYPES`.

    Notes
    -----
    After Rapoport and Guyer (1966) and Robinson and Goforth (2005): strict ordinal 2x2 games
    are located by the number of pure equilibria, the dominant actions, and each player's
    ordinal pattern. Writing a player's own view in the symmetric notation (``R`` both
    "cooperate", ``S`` sucker, ``T`` temptation, ``P`` both "defect"):

    - no pure equilibrium: ``matching_pennies`` (the cyclic games);
    - one equilibrium, both players with a dominant action (called D): ``prisoners_dilemma``
      when the equilibrium is Pareto-dominated (``T > R > P > S``), ``harmony`` when it is both
      players' best outcome, else ``deadlock`` (``T > P > R > S``); with only one dominant
      action: ``asymmetric_dilemma`` (Pareto-deficient equilibrium), ``harmony``, or
      ``unilateral``;
    - two equilibria both players rank alike (coordination, C = the better one):
      ``stag_hunt`` (``R > T > P > S``), ``assurance`` (``R > P > T > S``), ``coordination``
      (``R > P > S > T``);
    - two equilibria the players rank oppositely (C = concede, D = insist): ``chicken``
      (``T > R > S > P``), ``leader`` (``T > S > R > P``), ``battle_of_the_sexes``
      (``T > S > P > R``; Bruns' "hero" is the same symmetric class relabelled).

    When the two players' patterns differ the type is ``coordination_hybrid`` or
    ``anticoordination_hybrid`` (both patterns are in ``patterns``). A tie between a player's
    two actions against some action of the other (a region boundary) gives ``degenerate``.
    """
    A, Bm = _as_bimatrix(game, B)
    scale = max(float(np.ptp(np.concatenate([A.ravel(), Bm.ravel()]))), 1e-300)
    atol = tol * scale
    ranks = (_dense_ranks(A, atol), _dense_ranks(Bm, atol))
    sym = _ordinally_symmetric(ranks[0], ranks[1])
    row_dom = 0 if np.all(A[0] > A[1] + atol) else 1 if np.all(A[1] > A[0] + atol) else None
    col_dom = (
        0
        if np.all(Bm[:, 0] > Bm[:, 1] + atol)
        else 1
        if np.all(Bm[:, 1] > Bm[:, 0] + atol)
        else None
    )
    ne = tuple(
        (r, c)
        for r in (0, 1)
        for c in (0, 1)
        if A[r, c] >= A[1 - r, c] - atol and Bm[r, c] >= Bm[r, 1 - c] - atol
    )
    tie = any(abs(A[0, c] - A[1, c]) <= atol for c in (0, 1)) or any(
        abs(Bm[r, 0] - Bm[r, 1]) <= atol for r in (0, 1)
    )

    def pareto_dominated(e: tuple[int, int]) -> bool:
        return bool(np.any((A[e] + atol < A) & (Bm > Bm[e] + atol)))

    def make(t: str, fam: str, pats: tuple[str | None, str | None], pd: bool) -> GameType2x2:
        return GameType2x2(t, fam, pats, ne, (row_dom, col_dom), ranks, sym, pd)

    if tie:
        return make("degenerate", "degenerate", (None, None), False)
    if len(ne) == 0:
        return make("matching_pennies", "cyclic", (None, None), False)
    if len(ne) == 1:
        e = ne[0]
        pd = pareto_dominated(e)
        top = A[e] >= A.max() - atol and Bm[e] >= Bm.max() - atol
        pats: list[str | None] = [None, None]
        if row_dom is not None and col_dom is not None:
            r, c = e
            pats[0] = _dominance_pattern(A[1 - r, 1 - c], A[1 - r, c], A[r, 1 - c], A[r, c])
            pats[1] = _dominance_pattern(Bm[1 - r, 1 - c], Bm[r, 1 - c], Bm[1 - r, c], Bm[r, c])
            t = "prisoners_dilemma" if pd else "harmony" if top else "deadlock"
            return make(t, "dominance", (pats[0], pats[1]), pd)
        t = "asymmetric_dilemma" if pd else "harmony" if top else "unilateral"
        return make(t, "unilateral_dominance", (None, None), pd)
    # two pure equilibria, on a diagonal; no dominant action
    e1, e2 = ne[0], ne[-1]
    dA = A[e1] - A[e2]
    dB = Bm[e1] - Bm[e2]
    if dA * dB >= 0:
        if abs(dA) <= atol and abs(dB) <= atol:
            return make("coordination", "coordination", ("coordination", "coordination"), False)
        best, other = (e1, e2) if (dA > atol or dB > atol) else (e2, e1)
        (rs, cs), (ro, co) = best, other
        p_row = _coordination_pattern(A[rs, cs], A[ro, cs], A[rs, co], A[ro, co])
        p_col = _coordination_pattern(Bm[rs, cs], Bm[rs, co], Bm[ro, cs], Bm[ro, co])
        t = p_row if p_row == p_col else "coordination_hybrid"
        return make(t, "coordination", (p_row, p_col), pareto_dominated(other))
    # the players disagree: row prefers e_r, column prefers e_c
    e_r, e_c = (e1, e2) if dA > 0 else (e2, e1)
    r_ins, c_con = e_r
    r_con, c_ins = e_c
    p_row = _anticoordination_pattern(
        A[r_ins, c_con], A[r_con, c_ins], A[r_con, c_con], A[r_ins, c_ins]
    )
    p_col = _anticoordination_pattern(
        Bm[r_con, c_ins], Bm[r_ins, c_con], Bm[r_con, c_con], Bm[r_ins, c_ins]
    )
    t = p_row if p_row == p_col else "anticoordination_hybrid"
    return make(t, "anticoordination", (p_row, p_col), False)


def _coordination_pattern(R: float, T: float, S: float, P: float) -> str:
    """Own view with C = the action of the better equilibrium: R=(C,C), T=(D,C), S=(C,D),
    P=(D,D)."""
    if T > P:
        return "stag_hunt"
    if T > S:
        return "assurance"
    return "coordination"


def _anticoordination_pattern(T: float, S: float, R: float, P: float) -> str:
    """Own view with D = insist, C = concede: T=(D,C), S=(C,D), R=(C,C), P=(D,D)."""
    if R > S:
        return "chicken"
    if R > P:
        return "leader"
    return "battle_of_the_sexes"


def _ordinally_symmetric(ra: Any, rb: Any) -> bool:
    A = np.array(ra)
    B = np.array(rb)
    for sr in (False, True):
        for sc in (False, True):
            A2 = A[::-1] if sr else A
            A2 = A2[:, ::-1] if sc else A2
            B2 = B[::-1] if sr else B
            B2 = B2[:, ::-1] if sc else B2
            if sr == sc and np.array_equal(A2, B2.T):
                return True
    return False


def dominant_actions_2x2(game: Game) -> list[str | None]:
    """Each player's strictly dominant action's name, or None (any finite game)."""
    from reserves.nash.pure import dominant_actions

    return [None if k is None else game.actions[i][k] for i, k in enumerate(dominant_actions(game))]


# =============================================================================== mixed 2x2
@dataclass(frozen=True)
class MixedEquilibrium2x2:
    """The interior mixed equilibrium of a 2x2 game: row plays its first action with
    probability ``p``, column with ``q`` (closed form, module docstring)."""

    p: float
    q: float
    regret: float
    payoffs: tuple[float, float]

    def strategies(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array([self.p, 1 - self.p]), np.array([self.q, 1 - self.q])

    def to_dict(self) -> dict[str, Any]:
        return {
            "p": self.p,
            "q": self.q,
            "regret": self.regret,
            "payoffs": list(self.payoffs),
        }


def mixed_2x2_formula(A: Any, B: Any) -> tuple[Any, Any]:
    """``(p, q)`` of the indifference conditions (numbers or sympy expressions).

    ``q = (A11 - A01) / (A00 - A01 - A10 + A11)``, ``p = (B11 - B10) / (B00 - B10 - B01 + B11)``.
    """
    q = (A[1][1] - A[0][1]) / (A[0][0] - A[0][1] - A[1][0] + A[1][1])
    p = (B[1][1] - B[1][0]) / (B[0][0] - B[1][0] - B[0][1] + B[1][1])
    return p, q


def mixed_equilibrium_2x2(
    game: Game | Sequence | np.ndarray, B: Any = None, *, tol: float = 1e-12
) -> MixedEquilibrium2x2 | None:
    """The completely mixed equilibrium of a 2x2 game in closed form, or None.

    None when a denominator vanishes (a player is indifferent whatever the other does, or has
    a weakly dominant action) or when ``p`` or ``q`` falls outside the open interval (0, 1).
    The returned profile's regret is recomputed from the payoffs.
    """
    A, Bm = _as_bimatrix(game, B)
    scale = max(float(np.ptp(np.concatenate([A.ravel(), Bm.ravel()]))), 1e-300)
    den_q = A[0, 0] - A[0, 1] - A[1, 0] + A[1, 1]
    den_p = Bm[0, 0] - Bm[1, 0] - Bm[0, 1] + Bm[1, 1]
    if abs(den_q) <= tol * scale or abs(den_p) <= tol * scale:
        return None
    p, q = mixed_2x2_formula(A, Bm)
    if not (0.0 < p < 1.0 and 0.0 < q < 1.0):
        return None
    g = Game.from_arrays(A, Bm)
    prof = [np.array([p, 1 - p]), np.array([q, 1 - q])]
    return MixedEquilibrium2x2(
        float(p), float(q), g.max_regret(prof), tuple(float(x) for x in g.expected_payoffs(prof))
    )


__all__ = [
    "GAME_TYPES",
    "GameType2x2",
    "MixedEquilibrium2x2",
    "classify_2x2",
    "dominant_actions_2x2",
    "mixed_2x2_formula",
    "mixed_equilibrium_2x2",
]
