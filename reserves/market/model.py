"""The market model: impact + leverage ladder + bids, and the cascade results built on them.

:class:`MarketModel` bundles what one cascade needs and precomputes the drop grid, so
``model.cascade(F)`` (one shock, with its rounds) and ``model.troughs(F_array)`` (many shocks,
vectorized) are cheap. Build it from a config with :meth:`MarketModel.from_config`, or from
plain parts (an impact, a :class:`LeverageLadder`, :class:`BidCurve` s).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reserves.errors import ConfigError
from reserves.market.absorption import BidCurve, dip_buyer_bids, no_bids
from reserves.market.cascade import (
    CascadeRound,
    KernelResult,
    as_shock_array,
    build_drop_grid,
    cascade_kernel,
    cascade_rounds,
)
from reserves.market.impact import LinearImpact, SqrtImpact, impact_from_config
from reserves.market.leverage import LeverageLadder, ladder_from_config

__all__ = ["CascadeBatch", "CascadeResult", "MarketModel", "market_section"]


def market_section(cfg: Any) -> Any:
    """The validated ``market_model`` section of a config, or a clear error if it is absent."""
    section = getattr(cfg, "market_model", None)
    if section is None:
        raise ConfigError(
            "the config has no market_model section",
            field="market_model",
            fix="add one (see configs/baseline.yaml) or use configs/events/2025-11-21.yaml",
        )
    return section


@dataclass(frozen=True)
class CascadeResult:
    """One cascade: trough, liquidations, the fragility ratio and the rounds.

    ``fragility_ratio = liquidations_usd / shock_usd`` (C4: forced liquidations per dollar
    of real net outflow), with ``liquidations_usd`` the longs sold down to the trough plus the
    shorts liquidated by the rebound after it.
    """

    start_price_usd: float
    shock_usd: float
    trough_usd: float
    drop: float
    long_liquidated_usd: float
    short_liquidated_usd: float
    sovereign_bids_filled_usd: float
    dip_bids_filled_usd: float
    rebound_price_usd: float
    collapsed: bool
    with_sovereigns: bool
    rounds: tuple[CascadeRound, ...]
    converged: bool

    @property
    def liquidations_usd(self) -> float:
        return self.long_liquidated_usd + self.short_liquidated_usd

    @property
    def long_share(self) -> float:
        tot = self.liquidations_usd
        return self.long_liquidated_usd / tot if tot > 0 else float("nan")

    @property
    def fragility_ratio(self) -> float:
        return self.liquidations_usd / self.shock_usd if self.shock_usd > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        def clean(v: float) -> float | None:
            return None if isinstance(v, float) and not np.isfinite(v) else v

        return {
            "start_price_usd": self.start_price_usd,
            "shock_usd": self.shock_usd,
            "trough_usd": self.trough_usd,
            "drop": self.drop,
            "liquidations_usd": self.liquidations_usd,
            "long_liquidated_usd": self.long_liquidated_usd,
            "short_liquidated_usd": self.short_liquidated_usd,
            "long_share": clean(self.long_share),
            "fragility_ratio": clean(self.fragility_ratio),
            "sovereign_bids_filled_usd": self.sovereign_bids_filled_usd,
            "dip_bids_filled_usd": self.dip_bids_filled_usd,
            "rebound_price_usd": self.rebound_price_usd,
            "collapsed": self.collapsed,
            "with_sovereigns": self.with_sovereigns,
            "converged": self.converged,
            "rounds": [r.to_dict() for r in self.rounds],
        }

    def to_frame(self) -> Any:
        """The rounds as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.rounds])


@dataclass(frozen=True)
class CascadeBatch:
    """Many shocks at once (arrays aligned with ``shock_usd``)."""

    shock_usd: NDArray[np.float64]
    trough_usd: NDArray[np.float64]
    long_liquidated_usd: NDArray[np.float64]
    short_liquidated_usd: NDArray[np.float64]
    bids_filled_usd: NDArray[np.float64]
    collapsed: NDArray[np.bool_]
    with_sovereigns: bool

    @property
    def liquidations_usd(self) -> NDArray[np.float64]:
        return self.long_liquidated_usd + self.short_liquidated_usd

    @property
    def fragility_ratio(self) -> NDArray[np.float64]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.shock_usd > 0, self.liquidations_usd / self.shock_usd, np.nan)

    def to_dict(self) -> dict[str, Any]:
        return {
            "shock_usd": self.shock_usd.tolist(),
            "trough_usd": self.trough_usd.tolist(),
            "liquidations_usd": self.liquidations_usd.tolist(),
            "long_liquidated_usd": self.long_liquidated_usd.tolist(),
            "short_liquidated_usd": self.short_liquidated_usd.tolist(),
            "collapsed": self.collapsed.tolist(),
            "with_sovereigns": self.with_sovereigns,
        }

    def to_frame(self) -> Any:
        import pandas as pd

        d = self.to_dict()
        d["fragility_ratio"] = self.fragility_ratio.tolist()
        return pd.DataFrame(d)


@dataclass(frozen=True)
class MarketModel:
    """Impact, ladder and bids at one start price.

    Attributes
    ----------
    impact:
        :class:`SqrtImpact` or :class:`LinearImpact`.
    ladder:
        The :class:`LeverageLadder` (its ``start_price_usd`` is ``P0``).
    dip_bids:
        Other dip buyers ``B(p)``.
    sovereign_bids:
        Sovereign bids ``D(p)`` (already scaled by the commitment scale).
    include_sovereigns:
        Whether :meth:`cascade` and :meth:`troughs` include ``D`` by default.
    grid_points:
        Uniform points of the drop grid (ladder and bid knots are added).
    """

    impact: SqrtImpact | LinearImpact
    ladder: LeverageLadder
    dip_bids: BidCurve
    sovereign_bids: BidCurve
    include_sovereigns: bool = True
    grid_points: int = 2049
    sources: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_config(
        cls,
        cfg: Any,
        *,
        sovereign_bids: BidCurve | None = None,
        leverage_scale: float = 1.0,
    ) -> MarketModel:
        """Build from a :class:`~reserves.config.ReservesConfig` with a ``market_model``.

        ``sovereign_bids`` (e.g. from :func:`bids_from_schedule`) is used as given; without
        it there are none.
        """
        mm = market_section(cfg)
        return cls.from_section(
            mm,
            cfg.market.price_usd,
            cfg.market.vol_pa,
            sovereign_bids=sovereign_bids,
            leverage_scale=leverage_scale,
            supply_btc=getattr(cfg.market, "supply_btc", None),
        )

    @classmethod
    def from_section(
        cls,
        section: Any,
        start_price_usd: float,
        vol_pa: float,
        *,
        sovereign_bids: BidCurve | None = None,
        leverage_scale: float = 1.0,
        supply_btc: float | None = None,
    ) -> MarketModel:
        """Build from a ``MarketModelConfig`` section, ``P0`` and ``vol_pa``.

        With ``section.panel_params`` set (the default), the structural panel parameters are
        used at this state (:func:`reserves.market.structural.market_model_from_params`, open
        interest ``ladder.long_oi_usd``, supply ``supply_btc`` or the issuance schedule today);
        otherwise the section's own impact, ladder and dip buyers.
        """
        p0 = float(start_price_usd)
        panel = getattr(section, "panel_params", None)
        if panel and str(panel).lower() != "none":
            from reserves.market.panel import cached_params
            from reserves.market.structural import MarketState, market_model_from_params

            params = cached_params(None if panel == "default" else panel)
            if supply_btc is None:
                import datetime as _dt

                from reserves.market.events import supply_at

                supply_btc = supply_at(_dt.date.today())
            state = MarketState(
                price_before_usd=p0,
                open_interest_usd=float(section.ladder.long_oi_usd),
                supply=float(supply_btc),
                vol=float(vol_pa),
            )
            return market_model_from_params(
                state,
                params,
                sovereign_bids=sovereign_bids,
                include_sovereigns=section.sovereign_bids.include_in_trough,
                leverage_scale=leverage_scale,
                max_drop=section.impact.max_drop,
                buckets=section.ladder.buckets,
            )
        impact = impact_from_config(section.impact, vol_pa)
        ladder = ladder_from_config(section.ladder, p0, leverage_scale=leverage_scale)
        dip = dip_buyer_bids(
            p0, section.dip_buyers.usd_per_pct, section.dip_buyers.max_usd, max_drop=impact.max_drop
        )
        sov = sovereign_bids if sovereign_bids is not None else no_bids(p0, "sovereigns")
        return cls(impact, ladder, dip, sov, section.sovereign_bids.include_in_trough)

    def replace(self, **changes: Any) -> MarketModel:
        """A copy with some parts replaced (drops the cached grid)."""
        return dataclasses.replace(self, **changes)

    @property
    def start_price_usd(self) -> float:
        return self.ladder.start_price_usd

    # ------------------------------------------------------------------ grid
    def _drop_curve(self, curve: BidCurve) -> NDArray[np.float64]:
        return 1.0 - curve.prices_usd / self.start_price_usd

    def drop_grid(self) -> NDArray[np.float64]:
        """The kernel's grid: uniform points plus every ladder and bid knot."""
        cache = self.__dict__.get("_grid_cache")
        if cache is None:
            ladder_drops, _ = self.ladder.long_in_drop_space()
            grid = build_drop_grid(
                self.impact.max_drop,
                ladder_drops,
                self._drop_curve(self.dip_bids),
                self._drop_curve(self.sovereign_bids),
                points=self.grid_points,
            )
            p = self.start_price_usd * (1.0 - grid)
            cache = (
                grid,
                self.ladder.long_liquidated_usd(p),
                self.sovereign_bids.filled_usd(p),
                self.dip_bids.filled_usd(p),
            )
            object.__setattr__(self, "_grid_cache", cache)
        return cache[0]

    def grid_arrays(self) -> tuple[NDArray[np.float64], ...]:
        """``(drop_grid, Lq, D, B)`` on the grid, for :func:`cascade_kernel`."""
        self.drop_grid()
        return self.__dict__["_grid_cache"]

    # ------------------------------------------------------------------ cascades
    def kernel(
        self,
        shock_usd: ArrayLike,
        *,
        with_sovereigns: bool | None = None,
        oi_scale: ArrayLike = 1.0,
        bid_scale: ArrayLike = 1.0,
        impact_scale: ArrayLike = 1.0,
        per_path_grid_points: int | None = 1025,
    ) -> KernelResult:
        """Vectorized troughs (see :func:`cascade_kernel`); ``impact_scale`` multiplies ``I``.

        With the square-root law, scaling ``I`` by ``k`` divides ``c`` by ``k^2``; with linear
        depth, by ``k``. When any scale is an array (one value per path), the search costs
        ``O(n m)``, so the curves are resampled on ``per_path_grid_points`` uniform drops
        (``None`` keeps the full grid; 1025 points resolve the drop to 0.1%).
        """
        use_sov = self.include_sovereigns if with_sovereigns is None else with_sovereigns
        grid, L, D, B = self.grid_arrays()
        k = np.asarray(impact_scale, dtype=float)
        per_path = any(np.ndim(v) > 0 for v in (oi_scale, bid_scale, impact_scale))
        if per_path and per_path_grid_points and grid.size > per_path_grid_points:
            # O(n m) per-path search: resample on a coarser uniform grid
            coarse = np.linspace(0.0, grid[-1], int(per_path_grid_points))
            L, D, B = (np.interp(coarse, grid, v) for v in (L, D, B))
            grid = coarse
        c = self.impact.coef / k**self.impact.power
        return cascade_kernel(
            shock_usd,
            grid,
            L,
            impact_coef=c,
            impact_power=self.impact.power,
            start_price_usd=self.start_price_usd,
            bid_cum_usd=D if use_sov else None,
            dip_cum_usd=B,
            oi_scale=oi_scale,
            bid_scale=bid_scale,
        )

    def short_liquidated_usd(
        self, trough_usd: ArrayLike, long_liquidated_usd: ArrayLike
    ) -> NDArray[np.float64]:
        """Shorts liquidated by the rebound after the trough (see the ladder's method)."""
        return self.ladder.rebound_short_liquidated_usd(trough_usd, long_liquidated_usd)

    def troughs(
        self, shock_usd: ArrayLike, *, with_sovereigns: bool | None = None, **scales: ArrayLike
    ) -> CascadeBatch:
        """Troughs and liquidations of many shocks (vectorized, no Python loop over shocks)."""
        use_sov = self.include_sovereigns if with_sovereigns is None else with_sovereigns
        F = as_shock_array(shock_usd)
        k = self.kernel(F, with_sovereigns=use_sov, **scales)
        shorts = self.short_liquidated_usd(k.trough_usd, k.long_liquidated_usd)
        return CascadeBatch(
            np.broadcast_to(F, k.drop.shape).copy(),
            k.trough_usd,
            k.long_liquidated_usd,
            shorts,
            k.bids_filled_usd,
            k.collapsed,
            use_sov,
        )

    def cascade(self, shock_usd: float, *, with_sovereigns: bool | None = None) -> CascadeResult:
        """One cascade with its rounds.

        Raises
        ------
        ReservesError
            If the shock is not a finite number >= 0.
        """
        F = as_shock_array(shock_usd)
        if F.ndim != 0:
            F = F.ravel()
            if F.size != 1:
                from reserves.errors import ReservesError

                raise ReservesError(
                    "cascade() takes one shock; use troughs() for many", field="shock_usd"
                )
        F0 = float(F.reshape(()))
        use_sov = self.include_sovereigns if with_sovereigns is None else with_sovereigns
        k = self.kernel(F0, with_sovereigns=use_sov)
        x = float(k.drop)
        p0 = self.start_price_usd
        sov = self.sovereign_bids if use_sov else no_bids(p0)

        def bids(p: float) -> float:
            return float(sov.filled_usd(p) + self.dip_bids.filled_usd(p))

        rr = cascade_rounds(F0, x, p0, self.impact, self.ladder.long_liquidated_usd, bids)
        trough = p0 * (1.0 - x)
        longs = float(k.long_liquidated_usd)
        shorts = float(self.short_liquidated_usd(trough, longs))
        return CascadeResult(
            start_price_usd=p0,
            shock_usd=F0,
            trough_usd=trough,
            drop=x,
            long_liquidated_usd=longs,
            short_liquidated_usd=shorts,
            sovereign_bids_filled_usd=float(sov.filled_usd(trough)),
            dip_bids_filled_usd=float(self.dip_bids.filled_usd(trough)),
            rebound_price_usd=float(self.ladder.rebound_price_usd(trough)),
            collapsed=bool(k.collapsed),
            with_sovereigns=use_sov,
            rounds=rr.rounds,
            converged=rr.converged,
        )
