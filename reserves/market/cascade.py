r"""The liquidation cascade: the trough as the first fixed point below the start price.

With exogenous outflow ``F``, the price after the cascade solves (MODEL.md section 5)

    p = P0 (1 - I(F + Lq(p) - D(p) - B(p))).

Write ``x = 1 - p / P0`` for the drop and ``Q(x) = c x^a`` for the inverse of the impact
function (the net sell flow the spot market absorbs over a drop ``x``; ``a = 2`` for the
square-root law, ``a = 1`` for linear depth). The price keeps falling at ``x`` while the
impact of the net flow exceeds the drop, ``I(F + Lq - D - B) > x``, i.e. while ``F > R(x)``
with the *resistance*

    R(x) = Q(x) - Lq(x) + D(x) + B(x),

the largest outflow the market absorbs with the price stopping at ``x``. The trough is the
first point where the resistance reaches the shock,

    x*(F) = min{x >= 0 : R(x) >= F} = min{x : M(x) >= F},   M(x) = max_{x' <= x} R(x'),

a fixed point of ``x = I(F + Lq - D - B)`` (the first one, by construction). ``M`` is
non-decreasing, so one ``np.maximum.accumulate`` and one ``np.searchsorted`` give the trough
of any number of shocks at once, and the answer is monotone by construction: a bigger shock
never gives a higher trough, more bids never a lower one, a ladder with more volume at every
price never a higher one. Between grid knots ``R`` is interpolated linearly; the grid holds
every ladder and bid knot, so only the curvature of ``Q`` between knots is approximated.

:func:`cascade_kernel` is the vectorized entry point (also for the scenario layer: per-path
start prices, open-interest scales, impact coefficients and bid scales, no Python loop over
shocks). :func:`cascade_rounds` records the rounds of the cascade for one shock: round ``k``
moves the price by the impact of the outflow plus the liquidations and bids reached so far,
``x_{k+1} = I(F + Lq(x_k) - D(x_k) - B(x_k))``, which rises monotonically to ``x*``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reserves.errors import ReservesError

__all__ = [
    "CascadeRound",
    "KernelResult",
    "as_shock_array",
    "build_drop_grid",
    "cascade_kernel",
    "cascade_rounds",
]


def as_shock_array(shock_usd: Any, field_name: str = "shock_usd") -> NDArray[np.float64]:
    """Validate shocks (USD of net outflow): numbers, finite, ``>= 0``. Returns a float array."""
    if isinstance(shock_usd, str | bytes) or shock_usd is None or isinstance(shock_usd, bool):
        raise ReservesError(
            f"shock must be a number of USD, got {shock_usd!r}",
            field=field_name,
            fix="pass e.g. 2e8 for a $200M outflow",
        )
    try:
        arr = np.asarray(shock_usd, dtype=float)
    except (TypeError, ValueError):
        raise ReservesError(
            f"shock must be a number of USD, got {shock_usd!r}",
            field=field_name,
            fix="pass e.g. 2e8 for a $200M outflow",
        ) from None
    if not np.all(np.isfinite(arr)):
        raise ReservesError(
            "shock must be finite (no NaN or infinity)",
            field=field_name,
            fix="pass a finite USD amount",
        )
    if np.any(arr < 0):
        raise ReservesError(
            f"shock must be >= 0 (a net outflow), got {arr.min()!r}",
            field=field_name,
            fix="the cascade models selling; use 0 for none",
        )
    return arr


def build_drop_grid(max_drop: float, *knots: ArrayLike, points: int = 2049) -> NDArray[np.float64]:
    """Sorted unique drops in ``[0, max_drop]``: a uniform grid plus every given knot."""
    parts = [np.linspace(0.0, max_drop, int(points))]
    for k in knots:
        k = np.asarray(k, dtype=float).ravel()
        parts.append(k[(k >= 0) & (k <= max_drop)])
    return np.unique(np.concatenate(parts))


@dataclass(frozen=True)
class KernelResult:
    """Vectorized cascade results, one entry per shock (all arrays of the broadcast shape).

    Attributes
    ----------
    drop:
        Fractional drop to the trough, ``x* = 1 - p*/P0``.
    trough_usd:
        ``p* = P0 (1 - x*)``.
    long_liquidated_usd:
        ``oi_scale * Lq(x*)``: longs sold in the cascade.
    bids_filled_usd:
        ``bid_scale * D(x*) + B(x*)``: bids filled down to the trough.
    collapsed:
        True where the resistance never reaches the shock before ``max_drop`` (``x* =
        max_drop``; the model does not resolve deeper falls).
    """

    drop: NDArray[np.float64]
    trough_usd: NDArray[np.float64]
    long_liquidated_usd: NDArray[np.float64]
    bids_filled_usd: NDArray[np.float64]
    collapsed: NDArray[np.bool_]


def _crossing(
    R: NDArray[np.float64], j: NDArray[np.intp], F: NDArray[np.float64], grid: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Drop where the resistance first reaches ``F``, given the first index ``j`` with R >= F.

    ``R`` is 1-D (shared) or 2-D (one row per shock). Linear interpolation inside the cell.
    """
    m = grid.size
    collapsed = j >= m
    jj = np.clip(j, 1, m - 1)
    if R.ndim == 1:
        r_hi, r_lo = R[jj], R[jj - 1]
    else:
        rows = np.arange(R.shape[0])
        r_hi, r_lo = R[rows, jj], R[rows, jj - 1]
    denom = r_hi - r_lo
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(denom > 0, (F - r_lo) / denom, 1.0)
    t = np.clip(t, 0.0, 1.0)
    x = grid[jj - 1] + t * (grid[jj] - grid[jj - 1])
    x = np.where(j <= 0, 0.0, x)
    x = np.where(collapsed, grid[-1], x)
    return x, collapsed


def cascade_kernel(
    shock_usd: ArrayLike,
    drop_grid: NDArray[np.float64],
    long_cum_usd: NDArray[np.float64],
    *,
    impact_coef: ArrayLike,
    impact_power: float,
    start_price_usd: ArrayLike = 1.0,
    bid_cum_usd: NDArray[np.float64] | None = None,
    dip_cum_usd: NDArray[np.float64] | None = None,
    oi_scale: ArrayLike = 1.0,
    bid_scale: ArrayLike = 1.0,
    chunk_size: int = 2048,
) -> KernelResult:
    r"""Troughs of many shocks at once: ``x* = min{x : R(x) >= F}`` (see the module docstring).

    All curves live on one ascending drop grid ``x_0 = 0 < ... < x_{m-1} = max_drop`` (build
    it with :func:`build_drop_grid` holding every knot of the ladder and the bids):

        R_i(x) = c_i x^a - s_i Lq(x) + b_i D(x) + B(x)

    for shock ``i`` with impact coefficient ``c_i`` (``Impact.coef``), open-interest scale
    ``s_i`` and sovereign-bid scale ``b_i``. When ``c``, ``s`` and ``b`` are scalars the
    running maximum of ``R`` is computed once and each shock costs one binary search
    (``O(m + n log m)``); when any is an array (one value per path, as in the scenario layer)
    the resistance is evaluated row by row in chunks (``O(n m)`` time, ``chunk_size * m``
    memory) and the first crossing found with ``argmax``. Ladders are relative to the start
    price, so one ladder serves paths at different prices; ``start_price_usd`` only converts
    the drop to a price.

    Parameters
    ----------
    shock_usd:
        Outflows ``F >= 0`` (USD), any shape; broadcast against the per-path arrays.
    drop_grid:
        Ascending drops starting at 0.
    long_cum_usd:
        ``Lq`` at each grid drop (USD sold once the drop is reached), non-decreasing.
    impact_coef, impact_power:
        ``c`` and ``a`` of ``Q(x) = c x^a``.
    start_price_usd:
        ``P0`` (scalar or per shock).
    bid_cum_usd, dip_cum_usd:
        Sovereign bids ``D`` (scaled by ``bid_scale``) and other dip bids ``B`` at each grid
        drop, non-decreasing; ``None`` for none. ``bid_cum_usd`` may also be 2-D, one row per
        shock (``b_i D_i(x)``), for bids whose shape differs by path, such as demand-schedule
        bids re-centred on each path's price.
    oi_scale, bid_scale:
        Multipliers of the ladder and of the sovereign bids (scalar or per shock).

    Returns
    -------
    KernelResult
    """
    grid = np.asarray(drop_grid, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or grid[0] != 0.0 or np.any(np.diff(grid) <= 0):
        raise ReservesError(
            "drop_grid must be strictly ascending from 0",
            field="drop_grid",
            fix="build it with build_drop_grid",
        )
    L = np.asarray(long_cum_usd, dtype=float)
    D = np.zeros_like(grid) if bid_cum_usd is None else np.asarray(bid_cum_usd, dtype=float)
    B = np.zeros_like(grid) if dip_cum_usd is None else np.asarray(dip_cum_usd, dtype=float)
    per_shock_bids = D.ndim == 2
    if per_shock_bids and D.shape[1] != grid.size:
        raise ReservesError(
            f"per-shock bids need one row of the grid's length {grid.size}, got {D.shape}",
            field="bid_cum_usd",
        )
    for name, arr in (
        ("long_cum_usd", L),
        ("bid_cum_usd", D[0] if per_shock_bids else D),
        ("dip_cum_usd", B),
    ):
        if arr.shape != grid.shape:
            raise ReservesError(
                f"must have the grid's shape {grid.shape}, got {arr.shape}", field=name
            )
    F = as_shock_array(shock_usd)
    h = grid**impact_power
    c, s, b, p0 = (
        np.asarray(v, dtype=float) for v in (impact_coef, oi_scale, bid_scale, start_price_usd)
    )
    shared = c.ndim == 0 and s.ndim == 0 and b.ndim == 0 and not per_shock_bids
    if shared:
        R = float(c) * h - float(s) * L + float(b) * D + B
        M = np.maximum.accumulate(R)
        flat = F.ravel()
        j = np.searchsorted(M, flat, side="left")
        x, collapsed = _crossing(R, j, flat, grid)
        x, collapsed = x.reshape(F.shape), collapsed.reshape(F.shape)
        liq = float(s) * np.interp(x, grid, L)
        bids = float(b) * np.interp(x, grid, D) + np.interp(x, grid, B)
    else:
        shape = np.broadcast_shapes(F.shape, c.shape, s.shape, b.shape)
        Fb, cb, sb, bb = (np.broadcast_to(v, shape).ravel() for v in (F, c, s, b))
        n = Fb.size
        if per_shock_bids and D.shape[0] != n:
            raise ReservesError(
                f"per-shock bids need one row per shock ({n}), got {D.shape[0]} rows",
                field="bid_cum_usd",
            )
        x = np.empty(n)
        collapsed = np.empty(n, dtype=bool)
        sov = np.empty(n)
        for lo in range(0, n, chunk_size):
            hi = min(lo + chunk_size, n)
            Dc = D[lo:hi] if per_shock_bids else D[None, :]
            R = cb[lo:hi, None] * h - sb[lo:hi, None] * L + bb[lo:hi, None] * Dc + B
            hit = Fb[lo:hi, None] <= R
            rows = np.arange(hi - lo)
            j = np.argmax(hit, axis=1)
            j = np.where(hit[rows, j], j, grid.size)
            x[lo:hi], collapsed[lo:hi] = _crossing(R, j, Fb[lo:hi], grid)
            if per_shock_bids:  # each row's own curve, linear inside the cell of its drop
                k = np.clip(np.searchsorted(grid, x[lo:hi], side="right") - 1, 0, grid.size - 2)
                t = (x[lo:hi] - grid[k]) / (grid[k + 1] - grid[k])
                sov[lo:hi] = Dc[rows, k] + t * (Dc[rows, k + 1] - Dc[rows, k])
        if not per_shock_bids:
            sov = np.interp(x, grid, D)
        liq = sb * np.interp(x, grid, L)
        bids = bb * sov + np.interp(x, grid, B)
        x, collapsed, liq, bids = (v.reshape(shape) for v in (x, collapsed, liq, bids))
    trough = np.asarray(p0 * (1.0 - x), dtype=float)
    return KernelResult(
        drop=x,
        trough_usd=trough,
        long_liquidated_usd=liq,
        bids_filled_usd=bids,
        collapsed=collapsed,
    )


@dataclass(frozen=True)
class CascadeRound:
    """One round: the price the cumulative net flow of the previous round leads to."""

    round: int
    price_usd: float
    drop: float
    net_sell_usd: float
    long_liquidated_usd: float
    bids_filled_usd: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RoundsResult:
    rounds: tuple[CascadeRound, ...]
    converged: bool
    extra: dict[str, Any] = field(default_factory=dict)


def cascade_rounds(
    shock_usd: float,
    trough_drop: float,
    start_price_usd: float,
    impact: Any,
    long_liquidated: Any,
    bids_filled: Any,
    *,
    max_rounds: int = 200,
    tol: float = 1e-5,
) -> RoundsResult:
    """Rounds of the cascade for one shock, converging from ``P0`` to the trough.

    ``x_0 = 0``; ``x_{k+1} = min(I(F + Lq(x_k) - D(x_k) - B(x_k)), x*)``. Below the trough the
    impact exceeds the drop (``R(x) < F``), so the sequence rises strictly; it has converged
    once a round moves the price by at most ``tol`` of the start price (``1e-5``: 92 cents at
    $91,770), so the number of rounds is the rounds to convergence, not the cap. Where it has
    not converged within ``max_rounds`` (slow convergence near a tangency), a last round at the
    fixed point is appended and ``converged`` is False.

    Parameters
    ----------
    long_liquidated, bids_filled:
        Callables of the price (USD) giving ``Lq(p)`` and ``D(p) + B(p)``.
    """
    F = float(shock_usd)
    rounds: list[CascadeRound] = []
    x = 0.0
    converged = False
    for k in range(1, max_rounds + 1):
        p = start_price_usd * (1.0 - x)
        lq = float(long_liquidated(p))
        bd = float(bids_filled(p))
        net = F + lq - bd
        x_new = min(max(float(impact.drop(net)), x), trough_drop)
        p_new = start_price_usd * (1.0 - x_new)
        rounds.append(
            CascadeRound(
                k, p_new, x_new, net, float(long_liquidated(p_new)), float(bids_filled(p_new))
            )
        )
        if abs(x_new - x) <= tol or x_new >= trough_drop:
            converged = True
            x = x_new
            break
        x = x_new
    if not converged or not math.isclose(x, trough_drop, rel_tol=1e-9, abs_tol=1e-12):
        p_new = start_price_usd * (1.0 - trough_drop)
        net = F + float(long_liquidated(p_new)) - float(bids_filled(p_new))
        rounds.append(
            CascadeRound(
                len(rounds) + 1,
                p_new,
                trough_drop,
                net,
                float(long_liquidated(p_new)),
                float(bids_filled(p_new)),
            )
        )
    return RoundsResult(tuple(rounds), converged)
