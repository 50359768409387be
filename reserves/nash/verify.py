"""Independent verification of equilibria, with a tolerance that cannot be swamped.

``max_regret(game, profile)`` recomputes, from the game's own payoffs, the largest gain any
player could obtain by a unilateral deviation to a pure action:

    regret(sigma) = max_i [ max_a v_i(a) - sum_a sigma_i(a) v_i(a) ],

where ``v_i(a)`` is player i's expected payoff of action a against ``sigma_{-i}``. It does not
depend on the method that produced ``sigma``; solvers call it on every candidate before
reporting it.

The tolerance a regret is judged against (:func:`regret_tolerance`) is the floating-point
error of the payoffs that actually enter each player's deviation comparison, never a fraction
of the whole payoff span (which a single large entry elsewhere in the game would swamp).
For player ``i`` with opponents' supports ``S_-i`` (``K_i = prod_{j != i} |S_j|`` terms per
deviation payoff) and own support ``S_i``,

    M_i   = max { |u_i(a, a_-i)| : a in S_i or a best deviation, a_-i in S_-i },
    tol_i = c * eps * (K_i + |S_i| + N) * M_i,         c = ULPS = 8,

with ``eps = 2^-52``. This bounds the rounding error of the ``K_i``-term sums ``v_i(a)`` and
of the ``|S_i|``-term expectation (Higham 2002, *Accuracy and Stability of Numerical
Algorithms*, sec. 3.1: a recursive sum of ``K`` products has error at most
``gamma_K sum |terms| <= K u M``), plus the error of a profile whose probabilities are the
correctly rounded values of an exact equilibrium (each ``|delta sigma_j| <= u sigma_j``, which
moves every ``v_i(a)`` by at most ``N u M_i``). The tolerance of a profile is
``max_i tol_i``. Only the actions whose payoffs enter the computed regret
``max_a v_i(a) - sigma_i . v_i`` count (the support and the best deviation): a huge payoff of
an action that is not a best response cannot widen the tolerance. A pure profile compares
two payoff entries per player, so its tolerance is a few ulps of those two entries.

:func:`exact_regret` recomputes the regret of the float profile in exact rational arithmetic
(every float is a dyadic rational) and :func:`check_equilibrium` judges it against that
tolerance: the test suite runs it on every result its solver tests produce.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

#: unit roundoff multiples in :func:`regret_tolerance`
ULPS = 8.0

#: machine epsilon of float64 (2^-52)
EPS = float(np.finfo(float).eps)

#: regret tolerance (relative to the payoff scale) of the solvers' *internal* candidate
#: filters only (what is reported is judged by :func:`regret_tolerance`)
REGRET_TOL = 1e-9

#: largest number of elements of one temporary array of :func:`mixed_regrets` (profiles per
#: chunk times payoff-tensor entries)
BATCH_MAX_ELEMENTS = 2_000_000

#: largest number of payoff entries :func:`exact_regret` evaluates in rational arithmetic
EXACT_MAX_ENTRIES = 4_096


def _pure_indices(profile: Sequence[np.ndarray]) -> tuple[int, ...] | None:
    idx = []
    for s in profile:
        s = np.asarray(s, dtype=float)
        k = int(np.argmax(s))
        if s[k] != 1.0 or np.count_nonzero(s) != 1:
            return None
        idx.append(k)
    return tuple(idx)


def max_regret(game: Any, profile: Sequence[np.ndarray]) -> float:
    """Largest unilateral-deviation gain at ``profile`` (payoff units; 0 at a Nash equilibrium).

    Works for :class:`~reserves.nash.normal_form.Game` (tensor) and for any game object with a
    ``regrets(profile)`` method (such as the aggregative :class:`SovereignGame`). For a pure
    profile of a tensor game it reads the N fibres through the profile instead of contracting
    the whole tensor (one float subtraction per player: its sign is exact).
    """
    payoffs = getattr(game, "payoffs", None)
    if isinstance(payoffs, np.ndarray):
        idx = _pure_indices(profile)
        if idx is not None:
            worst = 0.0
            for i in range(payoffs.shape[0]):
                fibre = payoffs[(i, *idx[:i], slice(None), *idx[i + 1 :])]
                worst = max(worst, float(fibre.max() - fibre[idx[i]]))
            return worst
    return float(np.max(game.regrets(profile)))


def pure_regrets(payoffs: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Regrets and tolerances of ``K`` pure profiles at once (rows of ``idx``, shape (K, N)).

    For player i the fibre ``u_i(., a_-i)`` is gathered for every profile by fancy indexing;
    ``regret = max_b u_i(b, a_-i) - u_i(a)`` and ``tolerance = ULPS * eps * (N + 2) *
    max(|max_b u_i(b, a_-i)|, |u_i(a)|)``, exactly as :func:`max_regret` and
    :func:`regret_tolerance` compute them one profile at a time.
    """
    idx = np.asarray(idx, dtype=np.intp).reshape(-1, payoffs.shape[0])
    K, n = idx.shape
    reg = np.zeros(K)
    tol = np.zeros(K)
    cols = [idx[:, j] for j in range(n)]
    for i in range(n):
        ni = payoffs.shape[1 + i]
        index = [np.arange(ni)[None, :] if j == i else cols[j][:, None] for j in range(n)]
        fibre = payoffs[i][tuple(index)]  # (K, n_i)
        best = fibre.max(axis=1)
        own = fibre[np.arange(K), cols[i]]
        reg = np.maximum(reg, best - own)
        tol = np.maximum(tol, ULPS * EPS * (n + 2) * np.maximum(np.abs(best), np.abs(own)))
    return reg, tol


def deviation_payoffs_batch(
    payoffs: np.ndarray, profiles: Sequence[Sequence[np.ndarray]]
) -> list[np.ndarray]:
    """Deviation payoffs of ``K`` mixed profiles at once: a list of ``(K, n_i)`` arrays.

    ``v_i(a)[k] = sum_{a_-i} u_i(a, a_-i) prod_{j != i} sigma^k_j(a_j)`` for every profile
    ``sigma^k``, one einsum per player over the whole batch (the batched form of
    :meth:`reserves.nash.normal_form.Game.deviation_payoffs`).
    """
    n = payoffs.shape[0]
    sig = [np.array([np.asarray(p[j], dtype=float) for p in profiles]) for j in range(n)]
    return _deviations_stacked(payoffs, sig)


def _deviations_stacked(payoffs: np.ndarray, sig: Sequence[np.ndarray]) -> list[np.ndarray]:
    """:func:`deviation_payoffs_batch` of profiles already stacked per player (``sig[j]`` of
    shape ``(K, n_j)``)."""
    n = payoffs.shape[0]
    if n == 1:
        return [np.tile(np.asarray(payoffs[0], dtype=float), (sig[0].shape[0], 1))]
    batch = n + 1  # einsum label of the profile axis
    out = []
    for i in range(n):
        ops: list[Any] = [payoffs[i], list(range(n))]
        for j in range(n):
            if j != i:
                ops += [sig[j], [batch, j]]
        out.append(np.einsum(*ops, [batch, i]))
    return out


_EYE: dict[int, np.ndarray] = {}


def stack_profiles(payoffs: np.ndarray, sig: Sequence[np.ndarray]) -> np.ndarray:
    """Player-stacked strategies ``(N, K, max_i n_i)``, zero-padded, from ``sig[j]`` of shape
    ``(K, n_j)`` (the layout :func:`mixed_regrets_stacked` works on)."""
    n = payoffs.shape[0]
    shape = payoffs.shape[1:]
    K = int(np.shape(sig[0])[0])
    S = np.zeros((n, K, max(shape)))
    for j in range(n):
        S[j, :, : shape[j]] = sig[j]
    return S


def mixed_regrets(
    payoffs: np.ndarray, sig: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regrets, tolerances and expected payoffs of ``K`` mixed profiles at once.

    ``sig[j]`` is the ``(K, n_j)`` stack of player j's strategies. With the deviation
    payoffs ``v_i`` of every profile (:func:`deviation_payoffs_batch`) and supports
    ``S_j = {a : sigma_j(a) > 0}``:

        u_i      = sigma_i . v_i                                  (expected payoff)
        regret   = max(0, max_i [max_a v_i(a) - u_i])
        M_i      = max { |u_i(a, a_-i)| : a in S_i or argmax v_i, a_-i in S_-i }
        tol      = max_i ULPS * eps * (K_i + |S_i| + N) * M_i,    K_i = prod_{j != i} |S_j|

    exactly the formulas of :func:`max_regret` and :func:`regret_tolerance` (module
    docstring), evaluated with boolean masks of shape ``(N, K, n_0, ..., n_{N-1})`` in chunks
    of at most :data:`BATCH_MAX_ELEMENTS` elements. Returns ``(regret (K,), tolerance (K,),
    payoffs (K, N))``.
    """
    return mixed_regrets_stacked(payoffs, stack_profiles(payoffs, sig))


def mixed_regrets_stacked(
    payoffs: np.ndarray, S: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`mixed_regrets` of profiles stacked by :func:`stack_profiles` (``S[j, k, :n_j]``
    is player j's strategy in profile k, zero beyond ``n_j``). The payoffs must be finite
    (as :class:`~reserves.nash.normal_form.Game` guarantees): the masked maxima ``M_i`` are
    taken of ``|u_i|`` times 0/1 indicators."""
    n = payoffs.shape[0]
    shape = payoffs.shape[1:]
    K = int(S.shape[1])
    step = max(1, BATCH_MAX_ELEMENTS // max(n * math.prod(shape), 1))
    if step < K:
        parts = [mixed_regrets_stacked(payoffs, S[:, c : c + step]) for c in range(0, K, step)]
        return tuple(np.concatenate(p) for p in zip(*parts, strict=True))  # type: ignore[return-value]
    W = S.shape[2]
    square = all(m == W for m in shape)
    V = np.zeros((n, K, W))  # V[i, k, :n_i] = v_i of profile k
    if n == 1:
        V[0, :, : shape[0]] = payoffs[0]
    for i in range(n if n > 1 else 0):
        ops: list[Any] = [payoffs[i], list(range(n))]
        for j in range(n):
            if j != i:
                ops += [S[j, :, : shape[j]], [n + 1, j]]
        np.einsum(*ops, [n + 1, i], out=V[i, :, : shape[i]])
    if square:
        best = V.max(axis=2)
    else:
        valid = np.zeros((n, 1, W), dtype=bool)
        for i in range(n):
            valid[i, :, : shape[i]] = True
        best = np.where(valid, V, -np.inf).max(axis=2)
    u = np.einsum("ika,ika->ik", V, S)  # (N, K): expected payoffs
    reg = np.maximum(0.0, (best - u).max(axis=0))
    supp = S > 0
    own = supp | (best[:, :, None] == V)  # support or best deviation
    if not square:
        own &= valid
    count = supp.sum(axis=2)  # (N, K): |S_j|
    if count.all():
        k_i = count.prod(axis=0) // count  # prod_{j != i} |S_j|
    else:
        ones = np.ones((1, K), dtype=count.dtype)
        left = np.concatenate([ones, np.cumprod(count, axis=0)[:-1]])
        right = np.concatenate([np.cumprod(count[::-1], axis=0)[::-1][1:], ones])
        k_i = left * right
    # axis j of player i's indicator: own_j when j == i, S_j otherwise; their outer product
    # times |u_i| (one einsum, exact: products with 1 and 0) is |u_i| on the entries entering
    # i's comparisons and 0 elsewhere
    eye = _EYE.get(n)
    if eye is None:
        eye = _EYE[n] = np.eye(n, dtype=bool)[:, :, None, None]
    pick = np.where(eye, own[None], supp[None])
    ops = [np.abs(payoffs), [n, *range(n)]]
    for j in range(n):
        ops += [pick[:, j, :, : shape[j]], [n, n + 1, j]]
    masked = np.einsum(*ops, [n, n + 1, *range(n)])
    m_i = masked.reshape(n, K, -1).max(axis=2)
    tol = (ULPS * EPS * (k_i + count + n) * m_i).max(axis=0)
    return reg, tol, u.T


def regrets(game: Any, profile: Sequence[np.ndarray]) -> np.ndarray:
    """Per-player regrets (see :func:`max_regret`)."""
    return np.asarray(game.regrets(profile), dtype=float)


def _supports(profile: Sequence[np.ndarray]) -> list[np.ndarray]:
    return [np.flatnonzero(np.asarray(s, dtype=float) > 0) for s in profile]


def _restricted(
    payoffs: np.ndarray, i: int, supp: Sequence[np.ndarray], own: np.ndarray | None = None
) -> np.ndarray:
    """Player i's payoffs over own actions ``own`` (default all) and the others' supports."""
    n = payoffs.shape[0]
    rows = np.arange(payoffs.shape[1 + i]) if own is None else own
    index = [rows if j == i else supp[j] for j in range(n)]
    return payoffs[i][np.ix_(*index)]


def regret_tolerance(game: Any, profile: Sequence[np.ndarray]) -> float:
    """The floating-point tolerance of the regret of ``profile`` (module docstring).

    ``tol = max_i ULPS * eps * (K_i + |S_i| + N) * M_i`` with ``M_i`` the largest payoff
    magnitude entering player i's deviation comparison. A game object without a payoff
    tensor may supply its own ``regret_tolerance(profile)``; otherwise ``M_i`` is bounded
    below by ``|u_i(sigma)| + regret_i`` (the magnitude of the best deviation payoff).
    """
    own = getattr(game, "regret_tolerance", None)
    if callable(own):
        return float(own(profile))
    payoffs = getattr(game, "payoffs", None)
    supp = _supports(profile)
    n = len(supp)
    if isinstance(payoffs, np.ndarray):
        worst = 0.0
        pure = _pure_indices(profile)
        dev = None if pure is not None else game.deviation_payoffs(profile)
        for i in range(n):
            if pure is not None:
                fibre = payoffs[(i, *pure[:i], slice(None), *pure[i + 1 :])]
                m_i = max(abs(float(fibre.max())), abs(float(fibre[pure[i]])))
                worst = max(worst, ULPS * EPS * (n + 2) * m_i)
                continue
            best = np.flatnonzero(dev[i] == dev[i].max())
            own = np.union1d(supp[i], best)
            sub = _restricted(payoffs, i, supp, own)
            k_i = sub.size // max(sub.shape[i], 1)
            m_i = float(np.abs(sub).max()) if sub.size else 0.0
            worst = max(worst, ULPS * EPS * (k_i + len(supp[i]) + n) * m_i)
        return worst
    pay = np.abs(np.asarray(game.expected_payoffs(profile), dtype=float))
    reg = np.asarray(game.regrets(profile), dtype=float)
    k = max(math.prod(len(s) for s in supp), 1)
    return float(ULPS * EPS * (k + n) * np.max(pay + reg))


def _fractions(v: np.ndarray) -> list[Fraction]:
    return [Fraction(float(x)) for x in v]


def exact_regret(game: Any, profile: Sequence[np.ndarray]) -> float | None:
    """The regret of the float profile in exact rational arithmetic, rounded to a float.

    Every float is a dyadic rational, so the deviation payoffs
    ``v_i(a) = sum_{a_-i in S_-i} u_i(a, a_-i) prod_j sigma_j(a_j)`` and the regret
    ``max_a v_i(a) - sigma_i . v_i`` are evaluated without rounding (``fractions.Fraction``)
    over the supports. Returns ``None`` when the game has no payoff tensor or the supports
    span more than :data:`EXACT_MAX_ENTRIES` entries (then use :func:`max_regret`).
    """
    payoffs = getattr(game, "payoffs", None)
    if not isinstance(payoffs, np.ndarray):
        return None
    supp = _supports(profile)
    n = len(supp)
    sizes = [payoffs.shape[1 + i] for i in range(n)]
    if sum(sizes[i] * math.prod(len(supp[j]) for j in range(n) if j != i) for i in range(n)) > (
        EXACT_MAX_ENTRIES
    ):
        return None
    probs = [
        {int(a): Fraction(float(np.asarray(s, dtype=float)[a])) for a in supp[j]}
        for j, s in enumerate(profile)
    ]
    worst = Fraction(0)
    for i in range(n):
        sub = _restricted(payoffs, i, supp)
        others = [j for j in range(n) if j != i]
        weights: list[Fraction] = []
        for combo in np.ndindex(*[len(supp[j]) for j in others]):
            w = Fraction(1)
            for j, k in zip(others, combo, strict=True):
                w *= probs[j][int(supp[j][k])]
            weights.append(w)
        mat = np.moveaxis(sub, i, 0).reshape(sizes[i], -1)
        v = [sum((Fraction(float(x)) * w for x, w in zip(row, weights, strict=True)), Fraction(0))
             for row in mat]  # fmt: skip
        u = sum((probs[i][int(a)] * v[int(a)] for a in supp[i]), Fraction(0))
        worst = max(worst, max(v) - u)
    return float(worst)


def check_equilibrium(
    game: Any, strategies: Sequence[np.ndarray], tolerance: float | None = None
) -> tuple[bool, float, float]:
    """Independent check: ``(ok, regret, tolerance)`` with the regret recomputed exactly
    (:func:`exact_regret`, else :func:`max_regret`) and judged against ``tolerance`` (default:
    :func:`regret_tolerance` recomputed here). Also checks that every strategy is a
    probability vector (non-negative, summing to 1 within ``16 eps`` per entry)."""
    prof = [np.asarray(s, dtype=float) for s in strategies]
    simplex = all(
        np.all(s >= 0) and abs(math.fsum(s) - 1.0) <= 16 * EPS * max(len(s), 1) for s in prof
    )
    tol = regret_tolerance(game, prof) if tolerance is None else float(tolerance)
    reg = exact_regret(game, prof)
    if reg is None:
        reg = max_regret(game, prof)
    return bool(simplex and reg <= tol), float(reg), float(tol)


__all__ = [
    "BATCH_MAX_ELEMENTS",
    "EPS",
    "REGRET_TOL",
    "ULPS",
    "check_equilibrium",
    "deviation_payoffs_batch",
    "exact_regret",
    "max_regret",
    "mixed_regrets",
    "mixed_regrets_stacked",
    "pure_regrets",
    "regret_tolerance",
    "regrets",
    "stack_profiles",
]
