"""Schema of the ``market_model:`` config section (MODEL.md section 5).

The section describes everything the cascade needs beyond ``market:`` (which gives the entry
price ``P0`` and the annual volatility): the impact function, the leverage ladder, other dip
buyers, how the sovereign demand schedule is placed as bids, the default shock, and the
calibration targets. Every field name carries its unit (``_usd``, ``_pa``, ``_pct``).

Validated by :func:`reserves.config.config_from_dict` through ``SECTION_SCHEMAS``; every
failure becomes a :class:`reserves.errors.ConfigError` naming the field.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CalibrationConfig",
    "CalibrationReading",
    "DipBuyersConfig",
    "EntryConfig",
    "ImpactConfig",
    "LadderConfig",
    "LeverageTier",
    "MarketModelConfig",
    "ShockConfig",
    "SovereignBidsConfig",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ImpactConfig(_Strict):
    """Spot impact function ``I(S)``: fractional price drop caused by net sell flow ``S`` (USD).

    ``kind: sqrt`` (default) is the square-root law ``I = Y sigma_d sqrt(S / V_d)``
    (Donier and Bonart 2015; Kyle and Obizhaeva 2016); ``kind: linear`` is a linear depth
    curve ``I = 0.01 S / depth_usd_per_pct`` (USD of net selling per 1% of price).
    """

    kind: Literal["sqrt", "linear"] = "sqrt"
    y_coef: float = Field(default=0.8, gt=0, le=50, description="Y of the square-root law")
    daily_volume_usd: float = Field(
        default=2.0e10, gt=0, description="V_d: daily spot volume that absorbs the flow, USD"
    )
    daily_vol: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="sigma_d: daily volatility; default market.vol_pa / sqrt(365)",
    )
    depth_usd_per_pct: float = Field(
        default=2.0e8, gt=0, description="linear depth: USD of net selling that moves price 1%"
    )
    max_drop: float = Field(
        default=0.95, gt=0, lt=1, description="largest fractional drop the model resolves"
    )


class LeverageTier(_Strict):
    """One leverage tier: positions at ``leverage`` holding ``weight`` of the open interest."""

    leverage: float = Field(ge=1, le=500, description="L >= 1")
    weight: float = Field(ge=0, description="share of open interest (weights are normalized)")


def _default_tiers() -> list[LeverageTier]:
    return [
        LeverageTier(leverage=2, weight=0.30),
        LeverageTier(leverage=3, weight=0.20),
        LeverageTier(leverage=5, weight=0.20),
        LeverageTier(leverage=10, weight=0.15),
        LeverageTier(leverage=20, weight=0.08),
        LeverageTier(leverage=50, weight=0.05),
        LeverageTier(leverage=100, weight=0.02),
    ]


class EntryConfig(_Strict):
    """Distribution of entry prices, as ratios to the start price ``P0``.

    ``lognormal``: ``log(E / P0) ~ N(log(center_ratio), dispersion^2)``;
    ``uniform``: ``E / P0`` uniform on ``[low_ratio, high_ratio]``;
    ``buckets``: explicit ``ratios`` with ``weights``.
    In every case only positions still open at ``P0`` count (longs liquidated above ``P0``
    and shorts liquidated below it are gone), and each tier keeps its weight.
    """

    kind: Literal["lognormal", "uniform", "buckets"] = "lognormal"
    center_ratio: float = Field(default=1.0, gt=0, le=10)
    dispersion: float = Field(default=0.08, gt=0, le=2, description="sd of log entry price")
    low_ratio: float = Field(default=0.85, gt=0)
    high_ratio: float = Field(default=1.15, gt=0)
    ratios: list[float] | None = None
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EntryConfig:
        if self.kind == "uniform" and not self.low_ratio < self.high_ratio:
            raise ValueError(
                f"entry.low_ratio ({self.low_ratio}) must be below high_ratio ({self.high_ratio})"
            )
        if self.kind == "buckets":
            if not self.ratios or not self.weights or len(self.ratios) != len(self.weights):
                raise ValueError("entry kind 'buckets' needs ratios and weights of equal length")
            if any(r <= 0 for r in self.ratios) or any(w < 0 for w in self.weights):
                raise ValueError("entry ratios must be > 0 and weights >= 0")
            if sum(self.weights) <= 0:
                raise ValueError("entry weights must not all be zero")
        return self


class LadderConfig(_Strict):
    """The leverage ladder: open interest over leverage tiers and entry prices.

    A long at entry ``E`` with leverage ``L`` and maintenance margin ``mm`` is liquidated at
    ``E (1 - 1/L + mm)``; a short at ``E (1 + 1/L - mm)``. ``mm`` must be below ``1/L`` for
    every tier, otherwise a position would be liquidated at its own entry.
    """

    long_oi_usd: float = Field(ge=0, description="long open interest, USD at P0")
    short_oi_usd: float = Field(ge=0, description="short open interest, USD at P0")
    leveraged_share: float = Field(
        default=1.0,
        gt=0,
        le=1,
        description="share of open interest margined at the tiers (the rest is hedged)",
    )
    tiers: list[LeverageTier] = Field(default_factory=_default_tiers, min_length=1)
    long_entry: EntryConfig = Field(default_factory=EntryConfig)
    short_entry: EntryConfig = Field(default_factory=EntryConfig)
    maintenance_margin: float = Field(default=0.005, ge=0, lt=1, description="mm")
    buckets: int = Field(default=2000, ge=10, le=200_000, description="price buckets")
    rebound_share: float = Field(
        default=0.0, ge=0, le=1, description="share of the drop the price retraces after it"
    )
    crash_short_ratio: float = Field(
        default=0.0,
        ge=0,
        le=10,
        description="USD of momentum shorts opened near the trough per USD of longs liquidated",
    )

    @model_validator(mode="after")
    def _margin_below_leverage(self) -> LadderConfig:
        if sum(t.weight for t in self.tiers) <= 0:
            raise ValueError("tiers: weights must not all be zero")
        for i, tier in enumerate(self.tiers):
            if self.maintenance_margin >= 1.0 / tier.leverage:
                raise ValueError(
                    f"maintenance_margin {self.maintenance_margin} >= 1/L = "
                    f"{1.0 / tier.leverage:.4g} for tiers[{i}] (leverage {tier.leverage}): such "
                    "positions are liquidated at entry; lower the margin or the leverage"
                )
        return self


class DipBuyersConfig(_Strict):
    """Other dip buyers ``B(p)``: ``usd_per_pct`` of bids per 1% of fall, up to ``max_usd``."""

    usd_per_pct: float = Field(default=0.0, ge=0)
    max_usd: float | None = Field(default=None, ge=0)


class SovereignBidsConfig(_Strict):
    """How the sovereign demand schedule ``D(p)`` is placed as bids below ``P0``.

    Bids filled once the price reaches ``p`` are ``commitment_scale * max(D(p) - D(P0), 0)``:
    the extra demand the equilibrium adds at the lower price, resting below the entry price.
    """

    include_in_trough: bool = Field(
        default=True, description="include sovereign bids in the headline trough"
    )
    commitment_scale: float = Field(default=1.0, ge=0, description="multiplies the schedule")
    grid_points: int = Field(default=25, ge=3, le=400, description="prices the game is solved at")
    min_price_ratio: float = Field(default=0.4, gt=0, lt=1, description="lowest p / P0 solved")


class ShockConfig(_Strict):
    """The exogenous outflow ``F`` and the shock range of the floor curves."""

    shock_usd: float = Field(default=2.0e8, ge=0, description="F: real net outflow, USD")
    curve_max_usd: float = Field(default=2.0e10, gt=0, description="largest shock on curves")
    curve_points: int = Field(default=200, ge=2, le=100_000)
    break_level_usd: float = Field(default=50_000, gt=0, description="C17 level to break")


class CalibrationReading(_Strict):
    """One reading of the calibration event (the article's or the sourced one)."""

    name: str
    shock_usd: float = Field(gt=0)
    trough_usd: float = Field(gt=0)
    liquidations_usd: float = Field(gt=0)
    long_share: float = Field(gt=0, le=1)
    long_oi_usd: float = Field(ge=0)
    short_oi_usd: float = Field(ge=0)
    sources: dict[str, str] = Field(default_factory=dict)


FreeParameter = Literal[
    "impact", "leveraged_share", "entry_dispersion", "crash_short_ratio", "maintenance_margin"
]


class CalibrationConfig(_Strict):
    """Which parameters are free, their plausible bounds, and the readings to fit."""

    free: list[FreeParameter] = Field(
        default_factory=lambda: ["impact", "leveraged_share", "crash_short_ratio"]
    )
    bounds: dict[str, tuple[float, float]] = Field(default_factory=dict)
    readings: list[CalibrationReading] = Field(default_factory=list)
    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("bounds")
    @classmethod
    def _ordered(cls, v: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        for key, (lo, hi) in v.items():
            if not lo < hi:
                raise ValueError(f"bounds.{key}: lower {lo} must be below upper {hi}")
        return v


class MarketModelConfig(_Strict):
    """The ``market_model:`` section: impact, ladder, dip buyers, sovereign bids, shock.

    With ``panel_params`` (default ``'default'``) the cascade uses the structural parameters
    fitted on the crash panel at this config's state (price, ``ladder.long_oi_usd`` as open
    interest, ``market.supply_btc``, ``market.vol_pa``); ``impact``, the ladder's tiers, entries
    and shares, and ``dip_buyers`` are then not used. ``panel_params: none`` keeps them.
    """

    impact: ImpactConfig = Field(default_factory=ImpactConfig)
    ladder: LadderConfig
    dip_buyers: DipBuyersConfig = Field(default_factory=DipBuyersConfig)
    sovereign_bids: SovereignBidsConfig = Field(default_factory=SovereignBidsConfig)
    shock: ShockConfig = Field(default_factory=ShockConfig)
    calibration: CalibrationConfig | None = None
    sources: dict[str, str] = Field(default_factory=dict)
    panel_params: str | None = Field(
        default="default",
        description=(
            "structural parameters fitted on the crash panel (issue 12): 'default' loads "
            "configs/market/panel_params.yaml (written by `reserves calibrate configs/events/`), "
            "a path loads that file, 'none' uses this section's own impact and ladder (v0.1); "
            "null is read as 'none' (write 'none': configs round-trip without nulls)"
        ),
    )
