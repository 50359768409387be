"""Symmetric N-player two-action games stored by counts, and their symmetric equilibria.

A symmetric game with actions ``(a_0, a_1)`` is given by the per-count table ``u(a, k)``:
the payoff of a player taking ``a`` when ``k`` of the *other* ``N - 1`` players take
``a_0`` (EGTtools-style group configurations: the
``2^N`` profiles collapse to ``N`` counts). When every other player plays ``a_0`` with
probability ``p``, the count is Binomial(N-1, p) and the gain from ``a_0`` over ``a_1`` is the
Bernstein polynomial

    f(p) = sum_{k=0}^{N-1} C(N-1, k) p^k (1-p)^(N-1-k) d_k,    d_k = u(a_0, k) - u(a_1, k).

The symmetric equilibria are (Weibull 1995, ch. 2; Hauert et al. 2006 for the N-player form):

- ``p = 1`` (everyone plays ``a_0``) iff ``d_{N-1} >= 0``;
- ``p = 0`` iff ``d_0 <= 0``;
- every root of ``f`` in (0, 1) (everyone indifferent, so mixing is a best response).

Roots are isolated in the Bernstein basis, which is numerically stable up to degrees in the
thousands (Farouki and Rajan 1987): by the variation-diminishing property the number of roots
of ``f`` in an interval is at most the number of sign changes of its Bernstein coefficients
there, and exactly one when there is one sign change; intervals with more are split at their
midpoint by de Casteljau subdivision. Each isolated root is polished by Brent's method on ``f``
evaluated as a binomial expectation. For small ``N`` the polynomial is also solved exactly
with sympy (:func:`symmetric_polynomial`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp
from scipy.optimize import brentq
from scipy.stats import binom

from reserves.errors import GameFormatError
from reserves.nash.normal_form import Game

#: largest N for which the sympy (exact) polynomial is solved by default
EXACT_MAX_PLAYERS = 10


@dataclass(frozen=True, eq=False)
class SymmetricGame:
    """A symmetric N-player game with two actions, stored by counts.

    Attributes
    ----------
    payoffs:
        array of shape ``(2, N)``: ``payoffs[a, k] = u(a, k)``, the payoff of action ``a`` when
        ``k`` of the other ``N - 1`` players take action 0.
    actions:
        the two action names (action 0 first).
    """

    payoffs: np.ndarray
    actions: tuple[str, str] = ("a1", "a2")
    title: str = ""

    def __post_init__(self) -> None:
        u = np.asarray(self.payoffs, dtype=float)
        if u.ndim != 2 or u.shape[0] != 2 or u.shape[1] < 1:
            raise GameFormatError(
                f"per-count payoffs must have shape (2, N); got {u.shape}",
                field="payoffs",
                fix="give u(action, k) for k = 0..N-1 others taking action 0",
            )
        if not np.all(np.isfinite(u)):
            raise GameFormatError("per-count payoffs must be finite", field="payoffs")
        u.setflags(write=False)
        object.__setattr__(self, "payoffs", u)
        object.__setattr__(self, "actions", tuple(self.actions))

    @property
    def num_players(self) -> int:
        return int(self.payoffs.shape[1])

    @property
    def gains(self) -> np.ndarray:
        """``d_k = u(a_0, k) - u(a_1, k)``: the Bernstein coefficients of ``f``."""
        return self.payoffs[0] - self.payoffs[1]

    @property
    def payoff_scale(self) -> float:
        u = self.payoffs
        return max(float(u.max() - u.min()), float(np.abs(u).max()) * 1e-12, 1e-300)

    def deviation_payoffs(self, p: float | np.ndarray) -> np.ndarray:
        """``(v_0(p), v_1(p))``: expected payoff of each action when the others play
        ``a_0`` with probability ``p`` (binomial expectation, computed from the pmf)."""
        p = np.asarray(p, dtype=float)
        k = np.arange(self.num_players)
        w = binom.pmf(k, self.num_players - 1, p[..., None])
        return np.stack([w @ self.payoffs[0], w @ self.payoffs[1]], axis=-1)

    def gain(self, p: float | np.ndarray) -> np.ndarray:
        """``f(p) = v_0(p) - v_1(p)`` (see the module docstring)."""
        v = self.deviation_payoffs(p)
        return v[..., 0] - v[..., 1]

    def regret(self, p: float) -> float:
        """Regret of the symmetric profile in which everyone plays ``a_0`` with prob. ``p``."""
        v0, v1 = self.deviation_payoffs(float(p))
        return float(max(v0, v1) - (p * v0 + (1 - p) * v1))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_game(cls, game: Game, *, tol: float = 1e-9) -> SymmetricGame:
        """The per-count table of a symmetric tensor game with two actions per player."""
        if any(n != 2 for n in game.shape):
            raise GameFormatError(
                f"a symmetric two-action game needs 2 actions per player, got {game.shape}"
            )
        if not game.is_symmetric(tol=tol * game.payoff_scale):
            raise GameFormatError(
                "the game is not symmetric (payoffs change when players are swapped)",
                fix="use the 2x2 or general solvers",
            )
        n = game.num_players
        u = np.empty((2, n))
        for a in (0, 1):
            for k in range(n):
                # player 0 plays a; the first k others play action 0, the rest action 1
                idx = (a, *([0] * k), *([1] * (n - 1 - k)))
                u[a, k] = game.payoffs[(0, *idx)]
        return cls(u, (game.actions[0][0], game.actions[0][1]), game.title)

    def to_game(self) -> Game:
        """The full tensor game (small N only: 2^N profiles)."""
        n = self.num_players
        if n > 16:
            raise GameFormatError(f"{n} players are too many for a payoff tensor")
        pay = np.empty((n, *([2] * n)))
        for prof in np.ndindex(*([2] * n)):
            zeros = sum(1 for a in prof if a == 0)
            for i in range(n):
                k = zeros - (1 if prof[i] == 0 else 0)
                pay[(i, *prof)] = self.payoffs[prof[i], k]
        return Game(pay, actions=tuple(self.actions for _ in range(n)), title=self.title)


@dataclass(frozen=True)
class SymmetricEquilibrium:
    """A symmetric equilibrium: every player plays action 0 with probability ``p``.

    ``exact`` is the sympy form of ``p`` when it was found exactly (a rational or an algebraic
    number), ``regret`` the profile's max regret (binomial expectation, independent of the
    root finder), ``stable`` whether ``p`` is an attractor of the replicator dynamics
    (``f`` crosses zero from above, or a pure ``p`` with a strict gain).
    """

    p: float
    regret: float
    kind: str
    stable: bool
    exact: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "p": self.p,
            "kind": self.kind,
            "regret": self.regret,
            "stable": self.stable,
            "exact": self.exact,
        }


def _de_casteljau_split(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bernstein coefficients of the left and right halves of ``[0, 1]``."""
    n = b.size
    left = np.empty(n)
    right = np.empty(n)
    cur = b.copy()
    left[0] = cur[0]
    right[n - 1] = cur[-1]
    for j in range(1, n):
        cur = 0.5 * (cur[:-1] + cur[1:])
        left[j] = cur[0]
        right[n - 1 - j] = cur[-1]
    return left, right


def _sign_changes(b: np.ndarray, tol: float) -> int:
    s = np.sign(np.where(np.abs(b) <= tol, 0.0, b))
    s = s[s != 0]
    return int(np.count_nonzero(s[1:] != s[:-1]))


def bernstein_roots(
    coefficients: Sequence[float] | np.ndarray,
    *,
    evaluate: Any = None,
    xtol: float = 1e-13,
    max_depth: int = 48,
) -> np.ndarray:
    """Roots in the open interval (0, 1) of ``sum_k b_k C(n,k) x^k (1-x)^(n-k)``.

    Root isolation by the variation-diminishing property of the Bernstein basis and
    de Casteljau subdivision (Lane and Riesenfeld 1981; Farouki and Rajan 1987), then Brent's
    method on ``evaluate`` (default: the binomial expectation ``sum_k b_k pmf(k; n, x)``).
    Stable for degrees in the thousands, unlike ``numpy.roots`` on the monomial expansion.
    Roots of even multiplicity (touching zero without a sign change) are reported when the
    subdivision cannot separate them and ``|f|`` there is at round-off level.
    """
    b = np.asarray(coefficients, dtype=float).ravel()
    n = b.size - 1
    if n < 1:
        return np.empty(0)
    scale = float(np.abs(b).max()) if b.size else 0.0
    if scale == 0.0:
        return np.empty(0)
    b = b / scale
    ks = np.arange(n + 1)
    if evaluate is None:

        def evaluate(x: float) -> float:
            return float(binom.pmf(ks, n, x) @ b)

    tol = 1e-14
    roots: list[float] = []
    stack: list[tuple[float, float, np.ndarray, int]] = [(0.0, 1.0, b, 0)]
    while stack:
        lo, hi, coef, depth = stack.pop()
        changes = _sign_changes(coef, tol)
        if changes == 0:
            continue
        if changes == 1:
            flo, fhi = evaluate(lo), evaluate(hi)
            if flo == 0.0:
                r = lo
            elif fhi == 0.0:
                r = hi
            elif np.sign(flo) != np.sign(fhi):
                r = brentq(evaluate, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps)
            else:  # round-off at the ends: use the coefficient signs
                r = 0.5 * (lo + hi)
            if 0.0 < r < 1.0:
                roots.append(float(r))
            continue
        if depth >= max_depth or hi - lo < 1e-12:
            mid = 0.5 * (lo + hi)
            if abs(evaluate(mid)) <= 1e-9:
                roots.append(mid)
            continue
        left, right = _de_casteljau_split(coef)
        mid = 0.5 * (lo + hi)
        stack.append((mid, hi, right, depth + 1))
        stack.append((lo, mid, left, depth + 1))
    roots.sort()
    out: list[float] = []
    for r in roots:
        if not out or r - out[-1] > 1e-10:
            out.append(r)
    return np.array(out)


def symmetric_polynomial(game: SymmetricGame, p: sp.Symbol | None = None) -> sp.Expr:
    """The indifference polynomial ``f(p)`` in sympy, with the float payoffs taken exactly.

    ``f(p) = sum_k C(N-1, k) p^k (1 - p)^(N-1-k) d_k``; every float is converted to the exact
    rational it stores, so the roots are those of the stored game, not of a rounded one.
    """
    p = p if p is not None else sp.Symbol("p", real=True)
    n = game.num_players - 1
    d = [sp.Rational(float(x)) for x in game.gains]
    return sp.Add(*[sp.binomial(n, k) * p**k * (1 - p) ** (n - k) * d[k] for k in range(n + 1)])


def _exact_roots(game: SymmetricGame) -> list[tuple[float, str]]:
    p = sp.Symbol("p", real=True)
    poly = sp.Poly(sp.expand(symmetric_polynomial(game, p)), p)
    if poly.is_zero:
        return []
    out = []
    for r in sp.real_roots(poly):
        val = float(sp.N(r, 30))
        if 0.0 < val < 1.0:
            out.append((val, str(r)))
    return out


def symmetric_equilibria(
    game: SymmetricGame | Game,
    *,
    exact: bool | None = None,
    tol: float = 1e-9,
) -> tuple[SymmetricEquilibrium, ...]:
    """All symmetric equilibria of a symmetric two-action game (see the module docstring).

    Parameters
    ----------
    game:
        a :class:`SymmetricGame` or a symmetric tensor :class:`Game` with two actions.
    exact:
        solve the polynomial exactly with sympy (default: when N <= ``EXACT_MAX_PLAYERS``).
    tol:
        regret tolerance relative to the payoff scale for the pure profiles and the check.

    Returns
    -------
    tuple of :class:`SymmetricEquilibrium`, by increasing ``p``; each verified by its regret.
    """
    sg = game if isinstance(game, SymmetricGame) else SymmetricGame.from_game(game)
    d = sg.gains
    scale = sg.payoff_scale
    atol = tol * scale
    found: list[SymmetricEquilibrium] = []
    if d[0] <= atol:
        found.append(SymmetricEquilibrium(0.0, sg.regret(0.0), "pure", bool(d[0] < -atol), "0"))
    use_exact = exact if exact is not None else sg.num_players <= EXACT_MAX_PLAYERS
    if use_exact:
        mixed = _exact_roots(sg)
    else:
        mixed = [(float(r), None) for r in bernstein_roots(d, evaluate=lambda x: float(sg.gain(x)))]
    for r, ex in mixed:
        h = 1e-6
        slope = float(sg.gain(min(r + h, 1.0)) - sg.gain(max(r - h, 0.0)))
        found.append(SymmetricEquilibrium(r, sg.regret(r), "mixed", slope < 0, ex))
    if d[-1] >= -atol:
        found.append(SymmetricEquilibrium(1.0, sg.regret(1.0), "pure", bool(d[-1] > atol), "1"))
    verified = [e for e in found if e.regret <= max(atol, 1e-7 * scale)]
    return tuple(sorted(verified, key=lambda e: e.p))


__all__ = [
    "SymmetricEquilibrium",
    "SymmetricGame",
    "bernstein_roots",
    "symmetric_equilibria",
    "symmetric_polynomial",
]
