"""The leverage ladder: forced-sell (and forced-buy) volume reached at each price.

Open interest is spread over leverage tiers ``L`` (weights ``w_L``) and entry prices ``E``
(ratio ``r = E / P0`` with CDF ``G``). With maintenance margin ``mm``:

- a long is liquidated at ``E k_L`` with ``k_L = 1 - 1/L + mm``; it is still open at ``P0``
  only if ``r < 1 / k_L``;
- a short is liquidated at ``E k_L^s`` with ``k_L^s = 1 + 1/L - mm``; open at ``P0`` only if
  ``r > 1 / k_L^s``.

Conditioning each tier on survival at ``P0`` (each tier keeps its weight), the long notional
liquidated once the price has fallen to ``y P0`` is

    Lq(y) = OI_long sum_L w_L (G(1/k_L) - G(y/k_L))^+ / G(1/k_L),

and a liquidated long sells its BTC at its liquidation price, so the USD sold in a bucket
is its notional at ``P0`` times ``y`` (Brunnermeier and Pedersen 2009 for the margin spiral
this ladder feeds). Cumulative volumes are stored at bucket edges and interpolated linearly.

Coin-margined (inverse) contracts. A share ``c`` of open interest may be crypto-margined:
collateral ``C = N / (L E)`` BTC, profit ``N (1/E - 1/P)`` BTC, liquidation when the equity
falls to ``mm N / P`` BTC. A long is then liquidated at ``E k_L`` with
``k_L = L (1 + mm) / (1 + L)`` (its collateral loses value as the price falls: the same as a
linear long of leverage ``(1 + L) / (1 + mm)``), a short at ``E L (1 - mm) / (L - 1)`` (a 1x
inverse short is a hedge, never liquidated). These enter as extra tiers with weights
``c w_L`` beside the linear tiers' ``(1 - c) w_L`` (``inverse_share`` of :func:`build_ladder`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr

from reserves.errors import ConfigError

__all__ = [
    "LeverageLadder",
    "build_ladder",
    "crash_short_fraction",
    "entry_cdf",
    "fall_short_fraction",
    "ladder_from_config",
]

#: the ladder resolves long liquidation prices down to this share of P0
LONG_FLOOR_RATIO = 0.02
#: and short liquidation prices up to this multiple of P0
SHORT_CAP_RATIO = 3.0


def entry_cdf(entry: Any) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """CDF ``G(r)`` of the entry-price ratio ``r = E / P0`` for an ``EntryConfig``.

    lognormal: ``Phi((ln r - ln c) / s)``; uniform on ``[lo, hi]``; buckets: a step CDF.
    """
    kind = entry.kind
    if kind == "lognormal":
        mu, s = math.log(entry.center_ratio), float(entry.dispersion)

        def cdf(r: NDArray[np.float64]) -> NDArray[np.float64]:
            with np.errstate(divide="ignore"):
                return ndtr((np.log(np.maximum(r, 1e-300)) - mu) / s)

        return cdf
    if kind == "uniform":
        lo, hi = float(entry.low_ratio), float(entry.high_ratio)
        return lambda r: np.clip((r - lo) / (hi - lo), 0.0, 1.0)
    ratios = np.asarray(entry.ratios, dtype=float)
    order = np.argsort(ratios)
    ratios = ratios[order]
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(entry.weights, float)[order])])
    cum /= cum[-1]
    return lambda r: cum[np.searchsorted(ratios, r, side="right")]


def _check_tiers(leverage: NDArray[np.float64], mm: float) -> None:
    bad = np.flatnonzero(leverage < 1)
    if bad.size:
        raise ConfigError(
            f"leverage {leverage[bad[0]]} is below 1",
            field=f"ladder.tiers[{bad[0]}].leverage",
            fix="leverage is notional / margin and must be >= 1",
        )
    bad = np.flatnonzero(mm >= 1.0 / leverage)
    if bad.size:
        raise ConfigError(
            f"maintenance margin {mm} >= 1/L = {1 / leverage[bad[0]]:.4g}: such positions are "
            "liquidated at their own entry price",
            field=f"ladder.tiers[{bad[0]}].leverage",
            fix="lower ladder.maintenance_margin below 1/L or the leverage",
        )


@dataclass(frozen=True)
class LeverageLadder:
    """Cumulative forced volume over price, as piecewise-linear arrays.

    Attributes
    ----------
    start_price_usd:
        ``P0``; longs liquidate below it, shorts above it.
    long_prices_usd, long_cum_usd:
        Ascending prices and the USD of longs sold once the price falls to each
        (non-increasing, zero at ``P0``).
    short_prices_usd, short_cum_usd:
        Ascending prices above ``P0`` and the USD of shorts bought once the price rises to each
        (non-decreasing, zero at ``P0``).
    rebound_share:
        Share of the drop the price retraces after the trough (the rebound).
    crash_short_ratio:
        USD of such shorts per USD of longs liquidated.
    window_short_usd, window_full_drop:
        Pre-existing shorts liquidated by the up-swings of the event's 24 h window (the
        structural panel model, :mod:`reserves.market.structural`): ``window_short_usd`` once
        the drop reaches ``window_full_drop`` (a daily standard deviation), proportionally
        below it.
    params:
        The inputs, for the record.
    """

    start_price_usd: float
    long_prices_usd: NDArray[np.float64]
    long_cum_usd: NDArray[np.float64]
    short_prices_usd: NDArray[np.float64]
    short_cum_usd: NDArray[np.float64]
    rebound_share: float = 0.0
    crash_short_ratio: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)
    window_short_usd: float = 0.0
    window_full_drop: float = 0.0
    #: momentum shorts opened along the whole fall (:func:`fall_short_fraction`, the panel
    #: model) instead of near the trough (:func:`crash_short_fraction`, version 0.1)
    fall_entries: bool = False

    def long_liquidated_usd(self, price_usd: ArrayLike) -> NDArray[np.float64]:
        """USD of longs sold once the price has fallen to ``price_usd`` (``Lq(p)``)."""
        return np.interp(
            price_usd, self.long_prices_usd, self.long_cum_usd, left=self.long_cum_usd[0], right=0.0
        )

    def short_liquidated_usd(self, price_usd: ArrayLike) -> NDArray[np.float64]:
        """USD of (pre-crash) shorts bought once the price has risen to ``price_usd``."""
        return np.interp(
            price_usd,
            self.short_prices_usd,
            self.short_cum_usd,
            left=0.0,
            right=self.short_cum_usd[-1],
        )

    def rebound_price_usd(self, trough_usd: ArrayLike) -> NDArray[np.float64]:
        """``p* + rebound_share (P0 - p*)``: where the price rebounds to after the trough."""
        p = np.asarray(trough_usd, dtype=float)
        return p + self.rebound_share * (self.start_price_usd - p)

    def rebound_short_liquidated_usd(
        self, trough_usd: ArrayLike, long_liquidated_usd: ArrayLike
    ) -> NDArray[np.float64]:
        """Shorts liquidated by the rebound after the trough.

        Momentum shorts opened near the trough, ``crash_short_ratio`` USD per USD of longs
        liquidated, of which :func:`crash_short_fraction` is liquidated by a rebound of
        ``r = p_r / p* - 1``; plus the pre-existing shorts the window's up-swings liquidate,
        ``window_short_usd min(1, x / window_full_drop)`` at drop ``x = 1 - p* / P0``.
        """
        p = np.asarray(trough_usd, dtype=float)
        if self.fall_entries:
            frac = fall_short_fraction(
                self.params["leverage"],
                self.params["weights"],
                self.params["maintenance_margin"],
                np.clip(1.0 - p / self.start_price_usd, 0.0, 1.0),
                self.rebound_share,
            )
        else:
            r = np.where(p > 0, self.rebound_price_usd(p) / np.maximum(p, 1e-300) - 1.0, 0.0)
            frac = crash_short_fraction(
                self.params["leverage"],
                self.params["weights"],
                self.params["maintenance_margin"],
                r,
            )
        longs = np.asarray(long_liquidated_usd, dtype=float)
        out = frac * self.crash_short_ratio * longs
        if self.window_short_usd > 0:
            x = np.clip(1.0 - p / self.start_price_usd, 0.0, 1.0)
            ramp = np.minimum(1.0, x / self.window_full_drop) if self.window_full_drop > 0 else 1.0
            out = out + self.window_short_usd * ramp
        return out

    def long_in_drop_space(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(drops, cum_usd)`` ascending in the drop ``x = 1 - p / P0``, for the kernel."""
        drops = 1.0 - self.long_prices_usd[::-1] / self.start_price_usd
        return np.maximum(drops, 0.0), self.long_cum_usd[::-1].copy()

    @property
    def long_oi_usd(self) -> float:
        return float(self.params.get("long_oi_usd", 0.0))

    @property
    def short_oi_usd(self) -> float:
        return float(self.params.get("short_oi_usd", 0.0))

    def to_frame(self) -> Any:
        """Long and short cumulative volume by price (pandas DataFrame)."""
        import pandas as pd

        return pd.concat(
            [
                pd.DataFrame(
                    {
                        "price_usd": self.long_prices_usd,
                        "side": "long",
                        "cum_liquidated_usd": self.long_cum_usd,
                    }
                ),
                pd.DataFrame(
                    {
                        "price_usd": self.short_prices_usd,
                        "side": "short",
                        "cum_liquidated_usd": self.short_cum_usd,
                    }
                ),
            ],
            ignore_index=True,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_price_usd": self.start_price_usd,
            "long_prices_usd": self.long_prices_usd.tolist(),
            "long_cum_usd": self.long_cum_usd.tolist(),
            "short_prices_usd": self.short_prices_usd.tolist(),
            "short_cum_usd": self.short_cum_usd.tolist(),
            "rebound_share": self.rebound_share,
            "crash_short_ratio": self.crash_short_ratio,
            "window_short_usd": self.window_short_usd,
            "window_full_drop": self.window_full_drop,
            "params": self.params,
        }


def crash_short_fraction(
    leverage: ArrayLike, weights: ArrayLike, maintenance_margin: float, rebound: ArrayLike
) -> NDArray[np.float64]:
    """Share of momentum shorts opened near the trough that the rebound liquidates.

    Shorts opened at entries spread uniformly over ``[p*, p*(1 + r)]`` (``r`` the rebound as a
    fraction of the trough price) are liquidated when the price rebounds to ``p*(1 + r)`` if
    ``E k^s_L <= p*(1 + r)``, so the share is ``sum_L w_L clip(((1 + r) / k^s_L - 1) / r, 0,
    1)``; it rises with ``r`` and with leverage.
    """
    r = np.asarray(rebound, dtype=float)
    lev = np.asarray(leverage, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    k_s = 1.0 + 1.0 / lev - maintenance_margin
    rr = np.maximum(r, 1e-300)[..., None]
    share = np.clip(((1.0 + rr) / k_s - 1.0) / rr, 0.0, 1.0)
    return np.where(r > 0, np.sum(w * share, axis=-1), 0.0)


def fall_short_fraction(
    leverage: ArrayLike,
    weights: ArrayLike,
    maintenance_margin: float,
    drop: ArrayLike,
    rebound_share: float,
) -> NDArray[np.float64]:
    """Share of momentum shorts opened along the fall that the rebound liquidates.

    Shorts opened at entries spread uniformly over the fall ``[p*, P0]`` (drop ``x = 1 - p* /
    P0``) are liquidated by the rebound to ``R = p* + rho (P0 - p*)`` if ``E k^s_L <= R``, so
    the share is ``sum_L w_L clip(((1 - x + rho x) / k^s_L - (1 - x)) / x, 0, 1)``. It never
    exceeds ``rho``: a deeper fall does not let the rebound reach shorts opened higher up,
    unlike :func:`crash_short_fraction` (entries near the trough), whose share tends to one.
    """
    x = np.asarray(drop, dtype=float)
    lev = np.asarray(leverage, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    k_s = 1.0 + 1.0 / lev - maintenance_margin
    xx = np.clip(x, 1e-12, 1.0)[..., None]
    share = np.clip(((1.0 - xx + rebound_share * xx) / k_s - (1.0 - xx)) / xx, 0.0, 1.0)
    return np.where(x > 0, np.sum(w * share, axis=-1), 0.0)


def build_ladder(
    start_price_usd: float,
    long_oi_usd: float,
    short_oi_usd: float,
    leverage: Sequence[float] | NDArray[np.float64],
    weights: Sequence[float] | NDArray[np.float64],
    long_entry: Any,
    short_entry: Any,
    maintenance_margin: float = 0.005,
    buckets: int = 2000,
    *,
    rebound_share: float = 0.0,
    crash_short_ratio: float = 0.0,
    inverse_share: float = 0.0,
) -> LeverageLadder:
    """Build the ladder from open interest, leverage tiers and entry distributions.

    Parameters
    ----------
    start_price_usd:
        ``P0``.
    long_oi_usd, short_oi_usd:
        Open interest at ``P0`` (USD notional), >= 0.
    leverage, weights:
        Tiers ``L >= 1`` and their shares of open interest (normalized here).
    long_entry, short_entry:
        ``EntryConfig``-like objects (``kind``, ``center_ratio``, ``dispersion``, ...).
    maintenance_margin:
        ``mm``, with ``mm < 1/L`` for every tier.
    buckets:
        Number of price buckets on each side.
    rebound_share, crash_short_ratio:
        Share of the drop retraced after the trough, and USD of momentum shorts opened near
        the trough per USD of longs liquidated (see :meth:`LeverageLadder.short_liquidated_usd`).
    inverse_share:
        Share ``c`` in [0, 1] of open interest in coin-margined (inverse) contracts, whose
        liquidation prices follow the module docstring (0: all linear, as before).

    Raises
    ------
    ConfigError
        Negative open interest, leverage below 1, ``mm >= 1/L``, mismatched tiers.
    """
    p0 = float(start_price_usd)
    if not math.isfinite(p0) or p0 <= 0:
        raise ConfigError(
            f"start price must be > 0, got {start_price_usd!r}", field="market.price_usd"
        )
    for name, value in (("long_oi_usd", long_oi_usd), ("short_oi_usd", short_oi_usd)):
        if (
            not isinstance(value, int | float | np.floating | np.integer)
            or not math.isfinite(float(value))
            or value < 0
        ):
            raise ConfigError(
                f"open interest must be a number >= 0, got {value!r}",
                field=f"ladder.{name}",
                fix="give open interest in USD, e.g. 6.65e10",
            )
    lev = np.asarray(leverage, dtype=float)
    w = np.asarray(weights, dtype=float)
    if lev.ndim != 1 or lev.shape != w.shape or lev.size == 0:
        raise ConfigError("leverage and weights must be equal-length lists", field="ladder.tiers")
    if np.any(w < 0) or w.sum() <= 0:
        raise ConfigError("tier weights must be >= 0 and not all zero", field="ladder.tiers")
    mm = float(maintenance_margin)
    if not 0 <= mm < 1:
        raise ConfigError(f"must be in [0, 1), got {mm}", field="ladder.maintenance_margin")
    _check_tiers(lev, mm)
    if int(buckets) < 2:
        raise ConfigError("needs at least 2 buckets", field="ladder.buckets")
    w = w / w.sum()
    w_tiers = w
    c = float(inverse_share)
    if not (math.isfinite(c) and 0.0 <= c <= 1.0):
        raise ConfigError(
            f"inverse_share must be in [0, 1], got {inverse_share!r}",
            field="crypto_margined_share",
            fix="give the share of open interest in coin-margined contracts, e.g. 0.2",
        )
    # liquidation price ratios per tier: linear, then (c > 0) inverse contracts
    k_long = 1.0 - 1.0 / lev + mm
    k_short = 1.0 + 1.0 / lev - mm
    if c > 0.0:
        k_long = np.concatenate([k_long, lev * (1.0 + mm) / (1.0 + lev)])
        with np.errstate(divide="ignore"):
            k_inv_s = np.where(lev > 1.0 + 1e-12, lev * (1.0 - mm) / (lev - 1.0), 1e300)
        k_short = np.concatenate([k_short, np.minimum(k_inv_s, 1e300)])
        w = np.concatenate([(1.0 - c) * w, c * w])

    # longs: cumulative share liquidated at price ratio y (edges ascending), per tier
    y_long = np.linspace(LONG_FLOOR_RATIO, 1.0, int(buckets) + 1)
    g_long = entry_cdf(long_entry)
    surv = g_long(1.0 / k_long)  # (T,)
    share = np.zeros_like(y_long)
    for wl, kl, sl in zip(w, k_long, surv, strict=True):
        if sl > 0:
            share += wl * np.maximum(sl - g_long(y_long / kl), 0.0) / sl
    # USD sold = notional at P0 times the liquidation price ratio: integrate bucket by bucket
    mass = -np.diff(share)  # >= 0, share falls as y rises
    y_mid = 0.5 * (y_long[1:] + y_long[:-1])
    usd_bucket = long_oi_usd * mass * y_mid
    long_cum = np.concatenate([np.cumsum(usd_bucket[::-1])[::-1], [0.0]])

    y_short = np.linspace(1.0, SHORT_CAP_RATIO, int(buckets) + 1)
    g_short = entry_cdf(short_entry)
    alive = 1.0 - g_short(1.0 / k_short)
    sshare = np.zeros_like(y_short)
    for wl, kl, al in zip(w, k_short, alive, strict=True):
        if al > 0:
            sshare += wl * np.maximum(g_short(y_short / kl) - (1.0 - al), 0.0) / al
    smass = np.diff(sshare)
    s_mid = 0.5 * (y_short[1:] + y_short[:-1])
    short_cum = np.concatenate([[0.0], np.cumsum(short_oi_usd * smass * s_mid)])

    return LeverageLadder(
        start_price_usd=p0,
        long_prices_usd=y_long * p0,
        long_cum_usd=long_cum,
        short_prices_usd=y_short * p0,
        short_cum_usd=short_cum,
        rebound_share=float(rebound_share),
        crash_short_ratio=float(crash_short_ratio),
        params={
            "long_oi_usd": float(long_oi_usd),
            "short_oi_usd": float(short_oi_usd),
            "leverage": lev.tolist(),
            "weights": w_tiers.tolist(),
            "maintenance_margin": mm,
            "buckets": int(buckets),
            "rebound_share": float(rebound_share),
            "inverse_share": c,
        },
    )


def ladder_from_config(
    ladder_cfg: Any, start_price_usd: float, *, leverage_scale: float = 1.0
) -> LeverageLadder:
    """Build a :class:`LeverageLadder` from a ``LadderConfig``.

    Only ``leveraged_share`` of the open interest sits on the tiers; the rest (hedged basis
    trades, fully collateralized positions) is never liquidated in the resolved range.
    ``leverage_scale`` multiplies every tier's leverage (capped just below ``1/mm`` so no tier
    liquidates at entry); used by the fragility-versus-leverage curve.
    """
    lev = np.array([t.leverage for t in ladder_cfg.tiers], dtype=float)
    if leverage_scale != 1.0:
        cap = 0.999 / ladder_cfg.maintenance_margin if ladder_cfg.maintenance_margin > 0 else np.inf
        lev = np.minimum(np.maximum(lev * leverage_scale, 1.0), cap)
    share = ladder_cfg.leveraged_share
    return build_ladder(
        start_price_usd,
        ladder_cfg.long_oi_usd * share,
        ladder_cfg.short_oi_usd * share,
        lev,
        [t.weight for t in ladder_cfg.tiers],
        ladder_cfg.long_entry,
        ladder_cfg.short_entry,
        ladder_cfg.maintenance_margin,
        ladder_cfg.buckets,
        rebound_share=ladder_cfg.rebound_share,
        crash_short_ratio=ladder_cfg.crash_short_ratio,
    )
