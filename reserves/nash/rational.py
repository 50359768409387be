"""Exact rational equilibria of bimatrix support pairs (polishing for the pivoting solvers).

Every float is a dyadic rational, so the indifference system of a support pair ``(I, J)``
with ``|I| = |J| = k``,

    sum_{j in J} A[i, j] y_j = u   (i in I),     sum_{j in J} y_j = 1,
    sum_{i in I} B[i, j] x_i = v   (j in J),     sum_{i in I} x_i = 1,

can be solved exactly with ``fractions.Fraction`` by Gaussian elimination (pivots chosen
nonzero exactly). The exact solution is then checked exactly: ``x, y >= 0`` and no action
outside the support pays more than ``u`` (resp. ``v``). The float profile returned is the
correctly rounded exact equilibrium, whose regret is within the floating-point tolerance of
:func:`reserves.nash.verify.regret_tolerance` by construction. Pivoting solvers accumulate
rounding over many pivots; this removes it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

#: largest support size solved exactly (elimination is O(k^3) on growing rationals)
EXACT_MAX_SUPPORT = 24


def solve_exact(M: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """Exact solution of the square system ``M z = b``, or None when ``M`` is singular.

    Each row is scaled to integers (times the common denominator of its entries) and the
    system solved by fraction-free Bareiss elimination in Python integers (every division
    exact; Bareiss 1968, *Math. Comp.* 22), then back-substituted in rationals: no gcd in the
    O(k^3) part, unlike elimination on ``Fraction`` entries."""
    rows = []
    for row, bb in zip(M, b, strict=True):
        entries = [*row, bb]
        den = 1
        for v in entries:
            den = den * v.denominator // math.gcd(den, v.denominator)
        rows.append([v.numerator * (den // v.denominator) for v in entries])
    return _bareiss(rows)


def _bareiss(aug: list[list[int]]) -> list[Fraction] | None:
    """Solve the integer augmented system ``aug = [M | b]`` exactly (None if singular)."""
    k = len(aug)
    prev = 1
    for c in range(k):
        piv = next((r for r in range(c, k) if aug[r][c] != 0), None)
        if piv is None:
            return None
        aug[c], aug[piv] = aug[piv], aug[c]
        rc = aug[c]
        p = rc[c]
        for r in range(c + 1, k):
            rr = aug[r]
            f = rr[c]
            aug[r] = [(v * p - f * w) // prev for v, w in zip(rr, rc, strict=True)]
        prev = p
    z: list[Fraction] = [Fraction(0)] * k
    for r in range(k - 1, -1, -1):
        row = aug[r]
        acc = Fraction(row[k])
        for c in range(r + 1, k):
            if row[c]:
                acc -= row[c] * z[c]
        z[r] = acc / row[r]
    return z


def _integer_row(values: Sequence[float]) -> tuple[list[int], int]:
    """A row of floats as integers over one power-of-two denominator: ``(numerators, den)``."""
    ratios = [float(v).as_integer_ratio() for v in values]
    den = max((d for _, d in ratios), default=1)  # denominators are powers of two
    return [n * (den // d) for n, d in ratios], den


def _side(
    U: np.ndarray, rows: Sequence[int], cols: Sequence[int]
) -> tuple[list[Fraction], Fraction] | None:
    """Mix over ``cols`` making every row in ``rows`` indifferent under ``U``: returns the
    probabilities and the common value, exactly (None if singular)."""
    k = len(rows)
    sub = np.asarray(U, dtype=float)[np.ix_(list(rows), list(cols))]
    aug = []
    for i in range(k):
        ints, den = _integer_row(sub[i])
        aug.append([*ints, -den, 0])  # sum_j U[i, j] y_j - u = 0, times den
    aug.append([1] * k + [0, 1])
    z = _bareiss(aug)
    if z is None:
        return None
    return z[:k], z[k]


def _better_outside(
    U: np.ndarray, rows: Sequence[int], cols: Sequence[int], mix: list[Fraction], value: Fraction
) -> bool:
    """True when some row outside ``rows`` pays more than ``value`` against ``mix`` (over
    ``cols``) under ``U``, exactly: with ``mix = num / D`` (common denominator) and each row
    of ``U`` over its power-of-two denominator, ``sum_j U[i, j] mix_j > value`` is one
    comparison of Python integers (no ``Fraction`` arithmetic)."""
    D = 1
    for p in mix:
        D = D * p.denominator // math.gcd(D, p.denominator)
    nums = [p.numerator * (D // p.denominator) for p in mix]
    inside = set(rows)
    sub = np.asarray(U, dtype=float)[:, list(cols)]
    for i in range(sub.shape[0]):
        if i in inside:
            continue
        ints, den = _integer_row(sub[i])
        # sum_j (ints_j / den) (nums_j / D) > vn / vd  <=>  vd sum_j ints_j nums_j > vn den D
        total = sum(a * b for a, b in zip(ints, nums, strict=True))
        if total * value.denominator > value.numerator * den * D:
            return True
    return False


def exact_support_equilibrium(
    A: np.ndarray, B: np.ndarray, I: Sequence[int], J: Sequence[int]
) -> tuple[np.ndarray, np.ndarray] | None:
    """The equilibrium with supports inside ``(I, J)`` (``|I| = |J|``) in exact arithmetic,
    rounded to floats; None when the system is singular, non-square, too large, or its
    solution is not an equilibrium (a negative probability or a better outside action)."""
    I, J = list(I), list(J)
    if len(I) != len(J) or not I or len(I) > EXACT_MAX_SUPPORT:
        return None
    ys = _side(A, I, J)
    xs = _side(B.T, J, I)
    if ys is None or xs is None:
        return None
    (y, u), (x, v) = ys, xs
    if any(p < 0 for p in y) or any(p < 0 for p in x):
        return None
    m, n = A.shape
    if _better_outside(A, I, J, y, u) or _better_outside(np.asarray(B).T, J, I, x, v):
        return None
    xf, yf = np.zeros(m), np.zeros(n)
    xf[I] = [float(p) for p in x]
    yf[J] = [float(p) for p in y]
    return xf, yf


def polish_bimatrix(
    A: np.ndarray, B: np.ndarray, profile: Sequence[np.ndarray], tol: float = 1e-9
) -> list[np.ndarray]:
    """``profile`` replaced by the exact equilibrium of its support pair when that exists
    (supports ``{p > tol}``), else returned unchanged (degenerate supports)."""
    x, y = (np.asarray(s, dtype=float) for s in profile)
    I, J = np.flatnonzero(x > tol), np.flatnonzero(y > tol)
    ex = exact_support_equilibrium(A, B, I, J)
    if ex is None:
        return [x, y]
    return [ex[0], ex[1]]


__all__ = ["exact_support_equilibrium", "polish_bimatrix", "solve_exact"]
