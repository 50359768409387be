"""Absorption: bids resting below the entry price (sovereigns and other dip buyers).

A :class:`BidCurve` is the cumulative USD bid filled once the price falls to ``p``: zero at
and above the entry price ``P0``, non-increasing in ``p``, linear between its knots. It is
plain arrays, so the market layer never depends on :mod:`reserves.demand`;
:func:`bids_from_schedule` converts a demand schedule into one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reserves.errors import ConfigError, ReservesError

__all__ = ["BidCurve", "bids_from_schedule", "dip_buyer_bids", "no_bids", "uniform_bid_wall"]


@dataclass(frozen=True)
class BidCurve:
    """Cumulative USD bid filled once the price falls to ``p``.

    Attributes
    ----------
    prices_usd:
        Strictly ascending prices.
    cum_usd:
        Bids filled once the price reaches each price: ``>= 0`` and non-increasing in price.
        Below the lowest knot the curve stays at ``cum_usd[0]``; above the highest it is 0.
    label:
        Who bids (for tables and charts).
    """

    prices_usd: NDArray[np.float64]
    cum_usd: NDArray[np.float64]
    label: str = "bids"

    def __post_init__(self) -> None:
        p = np.asarray(self.prices_usd, dtype=float)
        c = np.asarray(self.cum_usd, dtype=float)
        if p.ndim != 1 or p.shape != c.shape or p.size < 1:
            raise ReservesError(
                "prices_usd and cum_usd must be 1-D arrays of equal length",
                field=f"{self.label}.prices_usd",
            )
        if not (np.all(np.isfinite(p)) and np.all(np.isfinite(c))):
            raise ReservesError("bid curve has NaN or infinite values", field=self.label)
        if p.size > 1 and np.any(np.diff(p) <= 0):
            raise ReservesError("prices_usd must be strictly ascending", field=self.label)
        if np.any(c < 0):
            raise ReservesError(
                "cumulative bids must be >= 0",
                field=f"{self.label}.cum_usd",
                fix="clip the schedule at zero (incremental demand)",
            )
        if p.size > 1 and np.any(np.diff(c) > 1e-9 * max(1.0, float(c.max()))):
            raise ReservesError(
                "cumulative bids must not increase with price",
                field=f"{self.label}.cum_usd",
                fix="bids fill as the price falls: use a running maximum from the top price down",
            )
        object.__setattr__(self, "prices_usd", p)
        object.__setattr__(self, "cum_usd", c)

    def filled_usd(self, price_usd: ArrayLike) -> NDArray[np.float64]:
        """USD bid filled once the price has fallen to ``price_usd``."""
        if self.prices_usd.size == 1:
            return np.where(np.asarray(price_usd) <= self.prices_usd[0], self.cum_usd[0], 0.0)
        return np.interp(price_usd, self.prices_usd, self.cum_usd, left=self.cum_usd[0], right=0.0)

    @property
    def total_usd(self) -> float:
        return float(self.cum_usd.max(initial=0.0))

    def scaled(self, factor: float) -> BidCurve:
        """The same curve times ``factor >= 0`` (a commitment scale)."""
        if not math.isfinite(factor) or factor < 0:
            raise ReservesError(
                f"scale must be a number >= 0, got {factor!r}", field="commitment_scale"
            )
        return BidCurve(self.prices_usd, self.cum_usd * factor, self.label)

    def with_total(self, total_usd: float) -> BidCurve:
        """The same shape rescaled so the deepest fill is ``total_usd``."""
        tot = self.total_usd
        return self.scaled(0.0 if tot <= 0 else total_usd / tot)

    def plus(self, other: BidCurve, label: str | None = None) -> BidCurve:
        """Sum of two curves on the union of their knots."""
        p = np.union1d(self.prices_usd, other.prices_usd)
        return BidCurve(p, self.filled_usd(p) + other.filled_usd(p), label or self.label)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "prices_usd": self.prices_usd.tolist(),
            "cum_usd": self.cum_usd.tolist(),
        }


def no_bids(start_price_usd: float, label: str = "none") -> BidCurve:
    """A curve with no bids."""
    return BidCurve(np.array([start_price_usd]), np.array([0.0]), label)


def dip_buyer_bids(
    start_price_usd: float,
    usd_per_pct: float,
    max_usd: float | None = None,
    *,
    max_drop: float = 0.95,
) -> BidCurve:
    """Other dip buyers ``B(p)``: ``usd_per_pct`` USD per 1% of fall below ``P0``, capped.

    ``B(P0 (1 - x)) = min(100 x usd_per_pct, max_usd)``.
    """
    if not math.isfinite(usd_per_pct) or usd_per_pct < 0:
        raise ConfigError(
            f"must be a number >= 0, got {usd_per_pct!r}", field="dip_buyers.usd_per_pct"
        )
    x = np.linspace(0.0, max_drop, 401)
    cum = 100.0 * x * usd_per_pct
    if max_usd is not None:
        cum = np.minimum(cum, max_usd)
    prices = start_price_usd * (1.0 - x)
    return BidCurve(prices[::-1].copy(), cum[::-1].copy(), "dip buyers")


def uniform_bid_wall(start_price_usd: float, level_usd: float, total_usd: float = 1.0) -> BidCurve:
    """``total_usd`` spread evenly in price from ``P0`` down to ``level_usd`` (a bid wall)."""
    if not 0 < level_usd < start_price_usd:
        raise ReservesError(
            f"level {level_usd} must be between 0 and the start price {start_price_usd}",
            field="level_usd",
        )
    return BidCurve(
        np.array([level_usd, start_price_usd]), np.array([total_usd, 0.0]), "sovereign bid wall"
    )


def bids_from_schedule(
    schedule: Any,
    start_price_usd: float,
    *,
    commitment_scale: float = 1.0,
    which: str = "demand_usd",
) -> BidCurve:
    """Place a sovereign demand schedule as bids below the entry price.

    The bid filled once the price falls to ``p <= P0`` is the *incremental* equilibrium
    demand the lower price adds, clipped at zero and made monotone:

        bid(p) = scale * max_{p <= q <= P0} max(D(q) - D(P0), 0)

    where ``D`` is the schedule (``demand_usd``, or ``demand_low_usd`` / ``demand_high_usd``
    for the band) interpolated linearly in price. Demand already present at ``P0`` is part of
    the pre-crash market, not a bid waiting below it; the running maximum keeps bids that were
    placed higher up filled as the price keeps falling.

    Parameters
    ----------
    schedule:
        Any object with ascending ``prices_usd`` and a demand array ``which`` (USD), e.g.
        ``reserves.demand.DemandSchedule``.
    start_price_usd:
        ``P0``.
    commitment_scale:
        Multiplies the bids (>= 0).
    """
    prices = np.asarray(schedule.prices_usd, dtype=float)
    demand = np.asarray(getattr(schedule, which), dtype=float)
    if prices.ndim != 1 or prices.shape != demand.shape or prices.size < 2:
        raise ReservesError(
            "schedule prices and demand must be 1-D arrays of equal length >= 2",
            field=f"schedule.{which}",
        )
    if np.any(np.diff(prices) <= 0):
        raise ReservesError("schedule prices must be strictly ascending", field="schedule")
    d0 = float(np.interp(start_price_usd, prices, demand))
    below = prices[prices < start_price_usd]
    grid = np.concatenate([below, [start_price_usd]])
    inc = np.maximum(np.interp(grid, prices, demand) - d0, 0.0)
    # running max from the top price down
    inc = np.maximum.accumulate(inc[::-1])[::-1]
    return BidCurve(grid, inc, "sovereigns").scaled(commitment_scale)
