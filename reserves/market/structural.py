r"""The structural crash model: few parameters shared by every crash, event inputs observed.

An event ``e`` is its observed state (:class:`~reserves.market.events.CrashEvent`: price
``P0``, open interest ``OI``, market cap ``K = P0 * supply``, optionally the pre-event path,
spot depth, volatility, rebound) plus one unobserved number, the shock ``F_e`` (USD of real net
selling). The structural parameters :class:`StructuralParams` are the same for every event.

Leverage ladder (built from state)
    A share ``phi`` of the open interest is margined at the leverage tiers (the rest is hedged:
    CME basis trades, fully collateralized positions). Each tier's leverage is multiplied by

        m_e = m_0 (OI_e / K_e / 0.025)^eta exp(gamma (c_e - 0.3)),

    the *leverage mix tied to observables*: a derivatives market that is larger relative to
    the coin carries more (``eta > 0``) or less (``eta < 0``) leverage per position, and the
    crypto-margined share ``c_e`` (below) marks the retail, coin-margined venues of 2020-21
    (``gamma``); the panel estimates ``eta`` and ``gamma`` (kept because it lowers the
    leave-one-out errors, not only the in-sample fit). Entries: where the event gives its
    pre-event path, each increase of open interest along it enters at that day's price (the
    positions added in the run-up, as in Brunnermeier and Pedersen 2009's margin spiral the
    ladder feeds); the open interest present
    at the start of the path and every event without a path use the documented proxy, entries
    log-normal around ``P0`` with sd ``s_0 vol_e / 0.6`` (positions opened over the last weeks
    at prices of the time). Only positions still open at ``P0`` count
    (:func:`reserves.market.leverage.build_ladder`).

Both sides liquidatable
    The crash liquidates longs, ``Lq_e(x) = phi OI_e Lambda(x; m_e, s_e)`` at drop ``x``. The
    up-swings of the event's 24 h window (the hours around the fall and the rebound after it)
    liquidate the pre-existing shorts from the same ladder on the short side: the price rises
    ``u_e = kappa sigma_d,e`` above ``P0`` (``sigma_d = vol / sqrt(365)``; the observed
    ``price_after_usd`` when it went higher), reached in full once the day has moved one daily
    sd, so ``Sq_e(x) = phi OI_e Lambda_s(u_e) min(1, x / sigma_d)``. Momentum shorts opened
    during the fall are ``mu`` USD per USD of longs liquidated (bounded by the flow the
    liquidations create, not by the open interest), entered along the whole fall ``[p*, P0]``;
    the rebound to ``p* + rho (P0 - p*)`` liquidates a share
    :func:`~reserves.market.leverage.fall_short_fraction` of them, never more than ``rho``.
    Pre-existing shorts are flat in the size of the crash while the ladder's longs grow with
    it, so the long share rises with the drop (deep crashes are nearly all longs, as
    observed).

Coin-margined contracts
    A share ``c_e`` of open interest is crypto-margined (inverse contracts; the event's
    ``crypto_margined_share``, else the Glassnode trend by date,
    :func:`reserves.market.events.crypto_margined_proxy`: ~60% in May 2021, ~18% in 2025). An
    inverse long of leverage ``L`` is liquidated like a linear long of ``(1 + L) / (1 + mm)``
    (its BTC collateral falls with the price) and an inverse short like one of
    ``(L - 1) / (1 - mm)``: no new parameter, the contract's arithmetic
    (:mod:`reserves.market.leverage`).

Cascade in time (Obizhaeva and Wang 2013)
    Over the event (``duration_minutes``, steps of ``dt`` minutes), the shock arrives evenly;
    the liquidation engine sells every long whose liquidation price was crossed as a market
    order in the next step; dip buyers' bids ``B(x) = b K x / 0.01`` rest below ``P0`` and fill
    as the price falls. The book has depth ``q_e`` (USD per 1%: observed ``spot_depth_1pct_usd``,
    else ``d K_e``, depth scaling with the market of the time) and refills at the resilience
    rate ``rho = ln 2 / half_life``: a share ``theta`` of the impact is permanent, the rest
    decays, ``Q_tr(t+dt) = e^{-rho dt} Q_tr(t) + (1 - theta) flow``, and the drop is
    ``x = I(theta Q + Q_tr - B(x))`` with ``I`` linear (``Q / (100 q)``) or square-root
    (``Y sigma_d sqrt(Q / V)``, ``V = v K`` daily volume). A fast cascade meets a book that has
    not refilled; a slow one meets more depth.

Identification. Given the observed trough, the liquidations and the long share depend only on
the ladder (``phi, m_0, eta, s_0, nu``): these are fitted jointly on the panel. The depth,
resilience and dip-buying set the unobserved shock each event implies; trough, liquidations
and long share do not identify them, so they are held at their sourced priors and the implied
shock is reported as a range over those priors (:func:`implied_shock_range`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reserves.errors import ConfigError, ReservesError
from reserves.market.events import CrashEvent, MarketCapRatios
from reserves.market.leverage import build_ladder, fall_short_fraction

__all__ = [
    "FITTED",
    "LEVERAGE_GRID",
    "PRIORS",
    "EventLadder",
    "MarketState",
    "Prior",
    "StructuralParams",
    "event_ladder",
    "implied_shock",
    "implied_shock_range",
    "market_model_from_params",
    "static_depth_factor",
    "tier_weights",
    "timed_cascade",
]

#: leverage grid (x): 24 points log-spaced from 1.5x to 125x (exchanges offer up to 125x on BTC
#: perpetuals); weights ``w_L ∝ L^-alpha`` (:func:`tier_weights`), so the mix is a power law in
#: leverage with one shape parameter instead of hand-set tiers
LEVERAGE_GRID: tuple[float, ...] = tuple(float(v) for v in np.geomspace(1.5, 125.0, 24))
MAINTENANCE_MARGIN = 0.005  # Binance/Bybit BTC perpetual tier-1 maintenance margin 0.4-0.5%
OI_MCAP_REF = 0.025  # reference OI / market cap of the leverage mix
VOL_REF = 0.60


@dataclass(frozen=True)
class Prior:
    """A prior: ``center`` and ``sd`` on the ``scale`` (``log``, ``logit`` or ``linear``)."""

    center: float
    sd: float
    scale: str
    bounds: tuple[float, float]
    source: str

    def to_z(self, value: float) -> float:
        if self.scale == "log":
            return math.log(value)
        if self.scale == "logit":
            return math.log(value / (1.0 - value))
        return float(value)

    def from_z(self, z: float) -> float:
        if self.scale == "log":
            return math.exp(z)
        if self.scale == "logit":
            return 1.0 / (1.0 + math.exp(-z))
        return float(z)

    @property
    def z_center(self) -> float:
        return self.to_z(self.center)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


#: priors of every structural parameter (fitted ones and the ones held at their prior)
PRIORS: dict[str, Prior] = {
    "leveraged_share": Prior(
        0.3,
        1.0,
        "logit",
        (0.01, 0.99),
        "share of OI margined at the tiers; CME and basis trades hold 20-30% of BTC OI in "
        "2024-25 (CoinGlass exchange split), retail perpetuals the rest; wide prior",
    ),
    "leverage_scale": Prior(
        1.0, 0.5, "log", (0.2, 5.0), "multiplies the default tiers (2-100x); exchanges offer 2-125x"
    ),
    "leverage_oi_elasticity": Prior(
        0.0,
        1.0,
        "linear",
        (-4.0, 4.0),
        "elasticity of leverage to OI / market cap; centred on none",
    ),
    "leverage_cm_elasticity": Prior(
        0.0,
        1.0,
        "linear",
        (-6.0, 6.0),
        "semi-elasticity of leverage to the crypto-margined share c (m ∝ exp(gamma (c - 0.3))): "
        "the coin-margined venues of 2020-21 (BitMEX, Bybit, Binance COIN-M) were the retail "
        "high-leverage venues (up to 100-125x), cash-margined and CME open interest is more "
        "institutional; centred on none",
    ),
    "leverage_tail": Prior(
        1.0,
        1.0,
        "linear",
        (-1.0, 5.0),
        "weights proportional to L^-alpha on the 1.5-125x grid; alpha near 1 spreads the open "
        "interest like the 21 Nov config's hand-set 2-100x tiers (30% at 2x ... 2% at 100x)",
    ),
    "entry_dispersion": Prior(
        0.10,
        0.5,
        "log",
        (0.02, 0.5),
        "sd of log entry price at 60% vol: 0.6 * sqrt(10 / 365) = 0.10 (positions ~10 days old)",
    ),
    "upswing_vol_multiple": Prior(
        1.0,
        0.5,
        "log",
        (0.1, 10.0),
        "up-swing of the event's 24 h window in daily standard deviations (sigma_d = vol / "
        "sqrt(365)); one sd is the typical daily range",
    ),
    "momentum_short_ratio": Prior(
        1.0,
        1.0,
        "log",
        (0.001, 20.0),
        "USD of momentum shorts opened during the fall per USD of longs liquidated (v0.1's "
        "crash_short_ratio; liquidated by the rebound as fall_short_fraction); the 21 Nov "
        "single-event fit gave 1-2; wide prior",
    ),
    "rebound_share": Prior(
        0.4, 0.3, "logit", (0.05, 0.95), "21 Nov 2025: low $80,553, rebound to ~$85,000 (40%)"
    ),
    "depth_share": Prior(
        1.1e-4,
        0.5,
        "log",
        (2e-5, 6e-4),
        "spot bids within 1% per USD of market cap: $100-400M summed over venues against a "
        "$1.83T cap in Nov 2025 (MODEL.md s.5; -3.4% per $1B of ETF outflow = $294M)",
    ),
    "resilience_half_life_min": Prior(
        15.0,
        0.7,
        "log",
        (2.0, 120.0),
        "order-book refill half-life in minutes (Obizhaeva and Wang 2013; BTC books refill "
        "within minutes to an hour after large trades)",
    ),
    "permanent_share": Prior(
        0.5, 0.5, "logit", (0.1, 0.9), "share of impact that does not decay (OW 2013's lambda)"
    ),
    "dip_bid_share": Prior(
        1.1e-5,
        0.7,
        "log",
        (1e-6, 1e-4),
        "dip bids per 1% of fall per USD of market cap: +$238M ETF inflow over a ~12% fall on "
        "21 Nov 2025 = $20M per 1% against a $1.83T cap",
    ),
    "y_coef": Prior(0.8, 0.5, "log", (0.2, 3.0), "square-root law Y of order 0.5-1"),
    "volume_share": Prior(
        0.011, 0.5, "log", (0.002, 0.05), "daily spot volume per USD of cap ($20B / $1.83T)"
    ),
}

#: the parameters the panel fits (the rest are held at their priors; see the module docstring)
FITTED: tuple[str, ...] = (
    "leveraged_share",
    "leverage_scale",
    "leverage_oi_elasticity",
    "leverage_cm_elasticity",
    "leverage_tail",
    "entry_dispersion",
    "upswing_vol_multiple",
    "momentum_short_ratio",
)


@dataclass(frozen=True)
class StructuralParams:
    """The structural parameters (one set for every crash). See the module docstring."""

    leveraged_share: float = 0.3
    leverage_scale: float = 1.0
    leverage_oi_elasticity: float = 0.0
    leverage_cm_elasticity: float = 0.0
    leverage_tail: float = 0.7
    entry_dispersion: float = 0.10
    upswing_vol_multiple: float = 1.0
    momentum_short_ratio: float = 0.3
    rebound_share: float = 0.4
    depth_share: float = 1.1e-4
    resilience_half_life_min: float = 15.0
    permanent_share: float = 0.5
    dip_bid_share: float = 1.1e-5
    impact_kind: str = "linear"
    y_coef: float = 0.8
    volume_share: float = 0.011
    standard_errors: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.impact_kind not in ("linear", "sqrt"):
            raise ConfigError(
                f"impact_kind must be 'linear' or 'sqrt', got {self.impact_kind!r}",
                field="impact_kind",
            )
        for name, prior in PRIORS.items():
            v = getattr(self, name)
            lo, hi = prior.bounds
            if not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
                raise ConfigError(
                    f"{name} = {v!r} is outside its plausible range [{lo:g}, {hi:g}]",
                    field=name,
                    fix=f"prior: {prior.source}",
                )

    def with_values(self, **values: float) -> StructuralParams:
        return dataclasses.replace(self, **values)

    def values(self) -> dict[str, float]:
        return {n: float(getattr(self, n)) for n in PRIORS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "impact_kind": self.impact_kind,
            "params": self.values(),
            "fitted": list(FITTED),
            "standard_errors": dict(self.standard_errors),
            "priors": {n: p.to_dict() for n, p in PRIORS.items()},
            "meta": dict(self.meta),
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "params") -> StructuralParams:
        """Inverse of :meth:`to_dict` (``ConfigError`` naming the field on bad input)."""
        if not isinstance(data, dict) or not isinstance(data.get("params"), dict):
            raise ConfigError(
                f"{where}: expected a mapping with 'params' (as written by reserves calibrate)",
                fix="regenerate it with `reserves calibrate configs/events/ --out FILE`",
            )
        params = data["params"]
        unknown = sorted(set(params) - set(PRIORS))
        if unknown:
            raise ConfigError(f"{where}: unknown parameters {unknown}", field="params")
        kw: dict[str, Any] = {}
        for k, v in params.items():
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ConfigError(f"{where}: params.{k} = {v!r} is not a number", field=k)
            kw[k] = float(v)
        se = data.get("standard_errors") or {}
        meta = data.get("meta") or {}
        try:
            return cls(
                **kw,
                impact_kind=str(data.get("impact_kind", "linear")),
                standard_errors={str(k): float(v) for k, v in se.items()},
                meta=dict(meta),
            )
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None


# --------------------------------------------------------------------------- the ladder


@dataclass(frozen=True)
class EventLadder:
    """Liquidations of one event as functions of the drop (arrays on an ascending grid).

    ``long_usd[i]`` are the longs sold once the price has fallen by ``drops[i]``;
    ``short_usd[i]`` the shorts the rebound after a trough at that drop liquidates.
    """

    drops: NDArray[np.float64]
    long_usd: NDArray[np.float64]
    short_usd: NDArray[np.float64]
    leverage_multiplier: float
    leveraged_oi_usd: float

    @property
    def total_usd(self) -> NDArray[np.float64]:
        return self.long_usd + self.short_usd

    def at(self, drop: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(longs, shorts)`` liquidated for a trough at ``drop``."""
        return (
            np.interp(drop, self.drops, self.long_usd),
            np.interp(drop, self.drops, self.short_usd),
        )

    def drop_for_liquidations(self, liquidations_usd: float) -> tuple[float, bool]:
        """Smallest drop whose total liquidations reach ``liquidations_usd``; ``(x, reached)``."""
        tot = np.maximum.accumulate(self.total_usd)
        if liquidations_usd > tot[-1]:
            return float(self.drops[-1]), False
        j = int(np.searchsorted(tot, liquidations_usd, side="left"))
        if j == 0:
            return 0.0, True
        t0, t1 = tot[j - 1], tot[j]
        w = 0.0 if t1 <= t0 else (liquidations_usd - t0) / (t1 - t0)
        return float(self.drops[j - 1] + w * (self.drops[j] - self.drops[j - 1])), True


def tier_weights(alpha: float) -> NDArray[np.float64]:
    """Weights of :data:`LEVERAGE_GRID`, ``w_L ∝ L^-alpha`` (normalized)."""
    lev = np.array(LEVERAGE_GRID)
    w = lev ** (-float(alpha))
    return w / w.sum()


def leverage_multiplier(event: CrashEvent, params: StructuralParams) -> float:
    """``m_e = m_0 (OI / K / 0.025)^eta exp(gamma (c - 0.3))`` (``c`` crypto-margined share)."""
    ratio = max(event.oi_to_market_cap, 1e-6) / OI_MCAP_REF
    c = float(getattr(event, "inverse_share", 0.3))
    return float(
        params.leverage_scale
        * ratio**params.leverage_oi_elasticity
        * math.exp(params.leverage_cm_elasticity * (c - 0.3))
    )


def _entry_buckets(event: Any, dispersion: float) -> Any:
    """Entry distribution: along the pre-event path if given, else the log-normal proxy.

    With a path (oldest first, ending at ``P0`` just before the event), each point ``i`` holds
    the open interest added there, ``max(OI_i - OI_{i-1}, 0)`` (the first point: all its open
    interest), or, when the path gives no open interest, an equal share (positions opened evenly
    over the path). Each point's entries are spread log-normally around its price with sd
    ``dispersion`` (nine quantile buckets), so the ladder stays smooth.
    """
    from scipy.special import ndtri

    from reserves.market.schema import EntryConfig

    path = getattr(event, "path", None)
    if not path:
        return EntryConfig(kind="lognormal", center_ratio=1.0, dispersion=dispersion)
    p0 = event.price_before_usd
    pts = [
        (float(q.price_usd), q.open_interest_usd)
        for q in sorted(path, key=lambda q: -q.days_before)
    ]
    pts.append((p0, event.open_interest_usd))
    have_oi = all(oi is not None for _, oi in pts)
    qs = np.linspace(0.05, 0.95, 9)
    spread = np.exp(dispersion * ndtri(qs))
    ratios: list[float] = []
    weights: list[float] = []
    prev_oi = 0.0
    for price, oi in pts:
        if have_oi:
            wgt = max(float(oi) - prev_oi, 0.0)
            prev_oi = float(oi)
        else:
            wgt = 1.0
        if wgt > 0:
            ratios.extend((price / p0 * spread).tolist())
            weights.extend([wgt / qs.size] * qs.size)
    if sum(weights) <= 0:
        return EntryConfig(kind="lognormal", center_ratio=1.0, dispersion=dispersion)
    return EntryConfig(kind="buckets", ratios=ratios, weights=weights)


def event_ladder(
    event: CrashEvent,
    params: StructuralParams,
    *,
    buckets: int = 300,
    max_drop: float = 0.95,
) -> EventLadder:
    """Longs and shorts liquidated against the drop for ``event`` under ``params``."""
    m = leverage_multiplier(event, params)
    cap = 0.999 / MAINTENANCE_MARGIN
    lev = np.minimum(np.maximum(np.array(LEVERAGE_GRID) * m, 1.0), cap)
    w = tier_weights(params.leverage_tail)
    disp = params.entry_dispersion * event.vol / VOL_REF
    entry = _entry_buckets(event, disp)
    short_entry = entry
    oi_lev = params.leveraged_share * event.open_interest_usd
    ladder = build_ladder(
        event.price_before_usd,
        oi_lev,
        oi_lev,
        lev,
        w,
        entry,
        short_entry,
        MAINTENANCE_MARGIN,
        buckets,
        inverse_share=float(getattr(event, "inverse_share", 0.0)),
    )
    drops, longs = ladder.long_in_drop_space()
    keep = drops <= max_drop
    drops, longs = drops[keep], longs[keep]
    drops, idx = np.unique(drops, return_index=True)
    longs = longs[idx]
    # shorts: the pre-existing shorts the window's up-swing liquidates (observed 24 h price
    # after the trough when it rose above P0, else upswing_vol_multiple daily sds), reached in
    # full once the day has moved one daily sd
    window = window_short_usd(event, params, ladder)
    sigma_d = event.vol / math.sqrt(365.0)
    shorts = window * np.minimum(1.0, drops / sigma_d)
    # and the momentum shorts opened along the fall, liquidated by the rebound after the trough
    frac = fall_short_fraction(lev, w, MAINTENANCE_MARGIN, drops, params.rebound_share)
    shorts = shorts + params.momentum_short_ratio * longs * frac
    return EventLadder(drops, longs, np.maximum(shorts, 0.0), m, oi_lev)


# --------------------------------------------------------------------------- time cascade


def window_short_usd(event: Any, params: StructuralParams, ladder: Any) -> float:
    """Pre-existing shorts liquidated by the window's up-swing ``u``: the short ladder at
    ``P0 (1 + u)``, ``u = max(price_after / P0 - 1, kappa sigma_d)``."""
    p0 = event.price_before_usd
    u = params.upswing_vol_multiple * event.vol / math.sqrt(365.0)
    after = getattr(event, "price_after_usd", None)
    if after is not None:
        u = max(u, after / p0 - 1.0)
    return float(ladder.short_liquidated_usd(p0 * (1.0 + u)))


def _depth_usd_per_pct(event: CrashEvent, params: StructuralParams) -> float:
    if event.spot_depth_1pct_usd is not None:
        return float(event.spot_depth_1pct_usd)
    return params.depth_share * event.market_cap_usd


def timed_cascade(
    event: CrashEvent,
    params: StructuralParams,
    shock_usd: ArrayLike,
    *,
    ladder: EventLadder | None = None,
    dt_min: float = 2.0,
    tail_min: float = 60.0,
) -> dict[str, NDArray[np.float64]]:
    r"""Run the cascade in time for many shocks at once (vectorized over ``shock_usd``).

    Steps of ``dt_min`` minutes over the event's duration (the shock arrives evenly) and a
    ``tail_min`` tail (liquidations keep executing). Per step ``k``:

        flow_k = F / n + (Lq(x_max,k-1) - Lq_done)          (liquidation engine, one step late)
        Q_k = Q_{k-1} + flow_k,  Q^tr_k = e^{-rho dt} Q^tr_{k-1} + (1 - theta) flow_k
        x_k = I(theta Q_k + Q^tr_k - B(x_{k-1}))

    Returns ``drop`` (the deepest ``x``), ``trough_usd``, ``long_liquidated_usd``,
    ``short_liquidated_usd`` (from the ladder at the trough) and ``collapsed``.
    """
    F = np.atleast_1d(np.asarray(shock_usd, dtype=float))
    if np.any(~np.isfinite(F)) or np.any(F < 0):
        raise ReservesError("shocks must be finite and >= 0", field="shock_usd")
    lad = ladder if ladder is not None else event_ladder(event, params)
    K = event.market_cap_usd
    q = _depth_usd_per_pct(event, params)
    if params.impact_kind == "linear":

        def impact(Q: NDArray[np.float64]) -> NDArray[np.float64]:
            return np.maximum(Q, 0.0) / (100.0 * q)
    else:
        sigma_d = event.vol / math.sqrt(365.0)
        V = params.volume_share * K

        def impact(Q: NDArray[np.float64]) -> NDArray[np.float64]:
            return params.y_coef * sigma_d * np.sqrt(np.maximum(Q, 0.0) / V)

    bid_per_drop = params.dip_bid_share * K * 100.0  # USD of bids per unit of drop
    n_shock = max(1, math.ceil(event.duration / dt_min))
    n_tail = max(1, math.ceil(tail_min / dt_min))
    decay = 0.5 ** (dt_min / params.resilience_half_life_min)
    theta = params.permanent_share
    max_drop = float(lad.drops[-1])
    Q = np.zeros_like(F)
    Qtr = np.zeros_like(F)
    x = np.zeros_like(F)
    xmax = np.zeros_like(F)
    done = np.zeros_like(F)
    for k in range(n_shock + n_tail):
        target = np.interp(xmax, lad.drops, lad.long_usd)
        forced = np.maximum(target - done, 0.0)
        done = done + forced
        flow = forced + (F / n_shock if k < n_shock else 0.0)
        Q = Q + flow
        Qtr = decay * Qtr + (1.0 - theta) * flow
        x = np.minimum(impact(theta * Q + Qtr - bid_per_drop * xmax), max_drop)
        xmax = np.maximum(xmax, x)
    longs, shorts = lad.at(xmax)
    return {
        "drop": xmax,
        "trough_usd": event.price_before_usd * (1.0 - xmax),
        "long_liquidated_usd": longs,
        "short_liquidated_usd": shorts,
        "collapsed": xmax >= max_drop - 1e-12,
    }


def implied_shock(
    event: CrashEvent,
    params: StructuralParams,
    drop: float,
    *,
    ladder: EventLadder | None = None,
    lo_usd: float = 1e4,
    hi_usd: float = 1e13,
    points: int = 48,
) -> float:
    """The shock ``F`` whose timed cascade bottoms at ``drop`` (two vectorized grid passes).

    The trough is non-decreasing in ``F``; the answer is the geometric midpoint of the last
    bracket (relative precision about ``(hi/lo)^(1/points^2)``). Returns ``0`` if no shock is
    needed (the drop is reached by ``lo_usd``) and ``inf`` if even ``hi_usd`` does not reach it.
    """
    lad = ladder if ladder is not None else event_ladder(event, params)
    a, b = math.log(lo_usd), math.log(hi_usd)
    for _ in range(2):
        grid = np.exp(np.linspace(a, b, points))
        d = timed_cascade(event, params, grid, ladder=lad)["drop"]
        j = int(np.searchsorted(np.maximum.accumulate(d), drop, side="left"))
        if j >= points:
            return math.inf
        if j == 0:
            if a <= math.log(lo_usd) + 1e-9:
                return 0.0
            return float(grid[0])
        a, b = math.log(grid[j - 1]), math.log(grid[j])
    return float(math.exp(0.5 * (a + b)))


def implied_shock_range(
    event: CrashEvent, params: StructuralParams, drop: float | None = None
) -> tuple[float, float]:
    """Shocks consistent with the event's trough over the priors the panel does not identify.

    Depth, resilience, permanent share and dip bids are each moved one prior sd (on their
    prior's scale) in the direction that lowers, then raises, the shock the trough needs
    (thinner book, slower refill, more permanent impact and fewer dip bids need less). Returns
    ``(low, high)``.
    """
    x = event.drop if drop is None else float(drop)
    lad = event_ladder(event, params)
    #: +1: a larger value needs a larger shock for the same trough
    direction = {
        "depth_share": 1.0,
        "dip_bid_share": 1.0,
        "resilience_half_life_min": -1.0,
        "permanent_share": -1.0,
    }
    shocks = []
    for sgn in (-1.0, 1.0):
        vals = {}
        for name, d in direction.items():
            pr = PRIORS[name]
            lo, hi = pr.bounds
            z = pr.to_z(getattr(params, name)) + sgn * d * pr.sd
            vals[name] = min(max(pr.from_z(z), lo), hi)
        shocks.append(implied_shock(event, params.with_values(**vals), x, ladder=lad))
    return (min(shocks), max(shocks))


# --------------------------------------------------------------------------- downstream


@dataclass(frozen=True)
class MarketState(MarketCapRatios):
    """The observed state a :class:`~reserves.market.model.MarketModel` is built at.

    The same attribute names as :class:`~reserves.market.events.CrashEvent` uses for its state,
    so :func:`event_ladder` and :func:`timed_cascade` accept either.
    """

    price_before_usd: float
    open_interest_usd: float
    supply: float
    vol: float = 0.60
    duration: float = 240.0
    path: Any = None
    price_after_usd: float | None = None
    spot_depth_1pct_usd: float | None = None
    #: crypto-margined share of open interest (None: the events module's proxy for today)
    crypto_margined_share: float | None = None

    @property
    def inverse_share(self) -> float:
        if self.crypto_margined_share is not None:
            return float(self.crypto_margined_share)
        import datetime as _dt

        from reserves.market.events import crypto_margined_proxy

        return crypto_margined_proxy(_dt.date.today())


def static_depth_factor(params: StructuralParams, duration_min: float) -> float:
    r"""Depth multiplier that turns the time cascade's book into one static book.

    A flow spread evenly over ``T`` minutes leaves ``theta Q + (1 - theta) Q g`` of impact at
    the end, ``g = (1 - e^{-rho T}) / (rho T)`` (the transient part refilled at rate ``rho``), so
    the static kernel uses depth ``q / (theta + (1 - theta) g)``.
    """
    rho = math.log(2.0) / params.resilience_half_life_min
    g = (1.0 - math.exp(-rho * duration_min)) / (rho * duration_min)
    theta = params.permanent_share
    return 1.0 / (theta + (1.0 - theta) * g)


def market_model_from_params(
    state: MarketState,
    params: StructuralParams,
    *,
    sovereign_bids: Any = None,
    include_sovereigns: bool = True,
    leverage_scale: float = 1.0,
    max_drop: float = 0.95,
    buckets: int = 2000,
) -> Any:
    """A static :class:`~reserves.market.model.MarketModel` at ``state`` from panel parameters.

    Impact: linear depth ``q = d K`` (or the observed spot depth) times
    :func:`static_depth_factor`, or the square-root law with ``V = v K`` divided by it; ladder:
    :func:`event_ladder`'s leverage grid, mix, entries and crypto-margined share, the
    pre-existing shorts of the window as ``window_short_usd`` and the momentum shorts of the
    fall as ``crash_short_ratio`` (per USD of longs liquidated); dip bids ``b K`` per 1% of
    fall. ``leverage_scale`` multiplies every leverage (the fragility-versus-leverage curve).
    """
    from reserves.market.absorption import dip_buyer_bids, no_bids
    from reserves.market.impact import LinearImpact, SqrtImpact
    from reserves.market.model import MarketModel
    from reserves.market.schema import EntryConfig

    K = state.market_cap_usd
    factor = static_depth_factor(params, state.duration)
    if params.impact_kind == "linear":
        q = (
            state.spot_depth_1pct_usd
            if state.spot_depth_1pct_usd is not None
            else params.depth_share * K
        )
        impact: Any = LinearImpact(q * factor, max_drop)
    else:
        impact = SqrtImpact(
            params.y_coef,
            state.vol / math.sqrt(365.0),
            params.volume_share * K * factor,
            max_drop,
        )
    m = leverage_multiplier(state, params) * float(leverage_scale)  # type: ignore[arg-type]
    cap = 0.999 / MAINTENANCE_MARGIN
    lev = np.minimum(np.maximum(np.array(LEVERAGE_GRID) * m, 1.0), cap)
    disp = params.entry_dispersion * state.vol / VOL_REF
    entry = EntryConfig(kind="lognormal", center_ratio=1.0, dispersion=disp)
    oi_lev = params.leveraged_share * state.open_interest_usd
    ladder = build_ladder(
        state.price_before_usd,
        oi_lev,
        oi_lev,
        lev,
        tier_weights(params.leverage_tail),
        entry,
        entry,
        MAINTENANCE_MARGIN,
        buckets,
        rebound_share=params.rebound_share,
        crash_short_ratio=params.momentum_short_ratio,
        inverse_share=state.inverse_share,
    )
    ladder = dataclasses.replace(
        ladder,
        window_short_usd=window_short_usd(state, params, ladder),
        window_full_drop=state.vol / math.sqrt(365.0),
        fall_entries=True,
    )
    p0 = state.price_before_usd
    dip = dip_buyer_bids(p0, params.dip_bid_share * K, None, max_drop=max_drop)
    sov = sovereign_bids if sovereign_bids is not None else no_bids(p0, "sovereigns")
    return MarketModel(
        impact,
        ladder,
        dip,
        sov,
        include_sovereigns,
        sources={"structural_params": params.meta.get("source", "panel"), **params.values()},
    )
