"""Schema of the ``scenarios:`` config section (MODEL.md section 6; claims C15-C17).

The section has simulation settings, a ``base`` set of dynamics parameters
(:class:`DynamicsConfig`), and a list of ``cases`` (the scenarios of C17), each with a name, a
probability and ``overrides`` deep-merged into ``base``. Probabilities must sum to 1.

Day convention: day 0 is ``start_date`` (the config's market date, 2025-11-21, the C1
calibration event); day ``t`` is ``start_date + t`` calendar days (bitcoin trades every day,
365 days a year). ``horizon_days`` defaults to 1,136 so that the last simulated day is
31 Dec 2028, the date of the second C16 check.

Validated by :func:`reserves.config.config_from_dict` through ``SECTION_SCHEMAS``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reserves.errors import ConfigError

__all__ = [
    "AdoptionConfig",
    "BigShockConfig",
    "DynamicsConfig",
    "MPEConfig",
    "OpenInterestConfig",
    "ScenarioCase",
    "ScenariosConfig",
    "ShockProcessConfig",
    "SovereignBidConfig",
    "TransactionalConfig",
    "VolCheck",
    "VolatilityConfig",
    "merge_overrides",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class VolatilityConfig(_Strict):
    """Diffusive (non-cascade) volatility and how it responds to the market (C15).

    ``mode: endogenous`` (default; Gabaix and Koijen 2021): the diffusive return is the other
    investors' random flow times the flow multiplier, and the multiplier rises as sovereign
    holdings take coins off the free float ``F_0 = float_share * Q``:

    ``m_t = m_0 F_0 / (F_0 - (H_t - H_0))``, ``sigma_t = base * m_t / m_0``

    (the same ``m_t`` prices the sovereigns' own flows and scales the cascade impact).
    Leverage enters through the cascades and the open-interest rebuild, not through an
    elasticity of ``sigma``.

    ``mode: reduced_form`` (the earlier model, kept for comparison; its elasticities are
    assumptions, not estimates): ``sigma_t`` moves toward ``floor + (base - floor) *
    (lev_t / lev_0)^oi_elasticity * ((1 - s_t) / (1 - s_0))^sovereign_elasticity`` with
    ``lev_t = OI_t / M_t`` and ``s_t`` the sovereign share of supply.
    """

    mode: Literal["endogenous", "reduced_form"] = Field(
        default="endogenous",
        description="endogenous: vol from the float and the market; reduced_form: elasticities",
    )
    float_share: float = Field(
        default=0.22,
        gt=0,
        le=1,
        description="endogenous: liquid share of supply (Glassnode: 4.2M of 18.6M BTC, 2021)",
    )
    base_pa: float = Field(default=0.40, gt=0, le=5, description="sigma at the start, annual")
    floor_pa: float = Field(default=0.10, ge=0, le=5, description="vol with no leverage, annual")
    tail_dof: float = Field(default=4.0, gt=2, le=1000, description="Student-t degrees of freedom")
    oi_elasticity: float = Field(default=0.5, ge=0, le=5)
    sovereign_elasticity: float = Field(default=0.0, ge=0, le=200)
    drift_pa: float = Field(default=0.0, ge=-1, le=2, description="log drift, per year")
    smoothing_days: float = Field(
        default=10.0, ge=1, le=365, description="EWMA days of the vol state's response"
    )

    @model_validator(mode="after")
    def _floor_below_base(self) -> VolatilityConfig:
        if self.floor_pa >= self.base_pa:
            raise ValueError(
                f"floor_pa ({self.floor_pa}) must be below base_pa ({self.base_pa}); "
                "lower the floor or raise the base"
            )
        return self


class OpenInterestConfig(_Strict):
    """Long open interest: destroyed by liquidations, rebuilt toward a vol-dependent target.

    ``target_t = ratio * M_t * (vol_ref / sigma_t)^vol_elasticity`` (low vol -> leverage
    rebuilt, C15's reverse loop); ``OI_{t+1} = OI_t + rebuild_per_day (target_t - OI_t)``.
    """

    start_long_usd: float | None = Field(
        default=None, ge=0, description="long OI at day 0; default: market_model.ladder"
    )
    target_ratio: float | None = Field(
        default=None, ge=0, le=1, description="target long OI / market cap; default: start ratio"
    )
    rebuild_per_day: float = Field(default=0.02, ge=0, le=1)
    vol_elasticity: float = Field(default=0.5, ge=0, le=5)


class ShockProcessConfig(_Strict):
    """Exogenous outflows: Poisson arrivals, Pareto sizes (heavy tail) above ``min_usd``.

    ``P(F > f) = (min_usd / f)^tail_index`` for ``f >= min_usd``, capped at ``max_usd``.
    """

    rate_pa: float = Field(default=12.0, ge=0, le=365, description="shocks per year")
    min_usd: float = Field(default=1.0e8, gt=0)
    tail_index: float = Field(default=1.5, gt=0.5, le=10)
    max_usd: float = Field(default=5.0e10, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> ShockProcessConfig:
        if self.max_usd <= self.min_usd:
            raise ValueError(f"max_usd ({self.max_usd}) must exceed min_usd ({self.min_usd})")
        return self


class BigShockConfig(_Strict):
    """One large outflow (e.g. a yen-carry unwind, C7/C17 scenario 2) on a random day."""

    probability: float = Field(default=0.0, ge=0, le=1, description="chance it happens per path")
    day_low: int = Field(default=60, ge=0)
    day_high: int = Field(default=700, ge=0)
    median_usd: float = Field(default=1.0e10, gt=0)
    dispersion: float = Field(default=0.5, ge=0, le=3, description="sd of log size")

    @model_validator(mode="after")
    def _ordered(self) -> BigShockConfig:
        if self.day_high < self.day_low:
            raise ValueError(f"day_high ({self.day_high}) must be >= day_low ({self.day_low})")
        return self


class MPEConfig(_Strict):
    """Grid and iteration settings of the Markov perfect equilibrium
    (:mod:`reserves.sovereign.dynamic_mpe`)."""

    holdings_points: int = Field(default=5, ge=2, le=41, description="own-holdings grid")
    total_points: int = Field(default=5, ge=2, le=41, description="total-holdings grid")
    price_points: int = Field(default=9, ge=3, le=61, description="log-price grid")
    leverage_points: int = Field(default=3, ge=1, le=11, description="leverage grid")
    quadrature: int = Field(default=3, ge=1, le=9, description="Gauss-Hermite nodes")
    iterations: int = Field(default=40, ge=1, le=60, description="aggregate-law iterations (max)")
    discount_pa: float = Field(default=0.0, ge=0, le=1, description="time discount per year")


class AdoptionConfig(_Strict):
    """Sovereign accumulation over time (MODEL.md section 3, the adoption path).

    ``kind: logistic``: cumulative committed USD ``C(t) = commitment * (f(t) - f(0)) /
    (1 - f(0))`` with ``f(t) = 1 / (1 + exp(-(t - midpoint_days) / width_days))``.
    ``kind: game``: the roster's best-response adoption path
    (:func:`reserves.sovereign.adoption.adoption_path`); each joiner buys over ``width_days``.
    ``commitment_usd`` defaults to ``scale * sum_i alpha_i W_i`` over the roster.
    ``kind: dynamic``: no curve; the sovereigns play the dynamic game of
    :mod:`reserves.sovereign.dynamic` at each decision date (every ``period_days``, or the listed
    ``decision_days``) with the equilibrium ``concept`` (``myopic``: the stage game's selected
    equilibrium; ``mpe``: the Markov perfect equilibrium of
    :mod:`reserves.sovereign.dynamic_mpe`); ``political_cost_scale`` (the scenario's adoption
    politics) multiplies every sovereign's political cost. ``scale``, ``midpoint_days``,
    ``width_days`` and ``commitment_usd`` are not used.
    """

    kind: Literal["logistic", "game", "dynamic"] = "logistic"
    commitment_usd: float | None = Field(default=None, ge=0)
    scale: float = Field(default=1.0, ge=0, le=100)
    midpoint_days: float = Field(default=540.0, ge=-5000, le=5000)
    width_days: float = Field(default=120.0, gt=0, le=5000)
    concept: Literal["myopic", "mpe"] = Field(
        default="myopic", description="dynamic: equilibrium concept of the dynamic game"
    )
    period_days: float = Field(
        default=365.0 / 12.0,
        description="dynamic: days between decision dates (365/12 monthly, 91.25 quarterly)",
    )
    decision_days: list[int] | None = Field(
        default=None, description="dynamic: explicit decision days (start at 0, below horizon)"
    )
    vol_signal: Literal["ewma", "model"] = Field(
        default="ewma",
        description="dynamic: sovereigns' sigma: EWMA of realized returns, or the model's vol",
    )
    signal_halflife_days: float = Field(
        default=90.0, gt=0, le=3650, description="dynamic: half-life of the EWMA vol signal"
    )
    political_cost_scale: float = Field(
        default=1.0, ge=0, le=1000, description="dynamic: adoption politics, times every kappa"
    )
    enabled: bool = Field(default=True, description="False: no sovereign flows (counterfactual)")
    mpe: MPEConfig = Field(default_factory=lambda: MPEConfig())

    @model_validator(mode="after")
    def _period_positive(self) -> AdoptionConfig:
        if not math.isfinite(self.period_days) or self.period_days <= 0:
            raise ValueError(
                f"period_days must be a positive number of days, got {self.period_days}; "
                "use 30.4 (monthly) or 91.25 (quarterly)"
            )
        return self


class SovereignBidConfig(_Strict):
    r"""Sovereign bids resting below the price during a cascade (MODEL.md section 5).

    Two kinds, both plus the bids already present, ``base_usd * min(x / depth, 1)`` (C12):

    ``kind: schedule`` (MODEL.md: "the sovereign schedule D(p) from section 4, placed as bids
    below the entry price"): on day ``t`` at price ``P_t`` the bid filled at a drop ``x`` is

    .. math::

        b_t(x) = \rho \max_{0 \le x' \le x} \max\big(D(P_t (1 - x')) - D(P_t), 0\big)

    with ``D`` the sovereigns' equilibrium demand schedule
    (:func:`reserves.demand.demand_schedule` with selection ``rule``, placed as bids by
    :func:`reserves.market.bids_from_schedule`) and ``rho = resting_share``. ``D(P)`` is the
    USD the roster buys over the game's horizon (``market.horizon_years``) at entry price
    ``P``; only the *increment* a lower price adds rests as bids, re-centred on each path's
    current price (sovereign valuations are in absolute price, so a path at $150k meets fewer
    bids within 20% than one at $70k).

    ``kind: wall`` (a simpler alternative): ``D_t(x) = share * (C(t) + base_usd) * min(x /
    depth, 1)``, a wall of ``share`` of the adopted commitment ``C(t)`` spread evenly from the
    current price down to a drop of ``depth``.

    Defaults
    --------
    ``kind = "wall"`` keeps configs written before the demand layer unchanged;
    ``configs/scenarios/c17.yaml`` selects ``schedule``. ``resting_share = None`` means one
    month of the horizon demand, ``1 / (12 * market.horizon_years)`` (1/36 for C17's three
    years). Assumption: a reserve manager running a multi-year buying programme keeps about a
    month of its pace as resting limit orders; the whole horizon demand (~$60B below
    -60% for the C17 roster) resting at once is not plausible, a day's pace (1/1,095, ~$23M at
    -20%) is below the ~$100M El Salvador alone bought in the Nov 2025 crash (C12).
    ``rule = "dynamics"`` is :func:`~reserves.demand.demand_schedule`'s default (the
    equilibrium best-response dynamics reach from the status quo); ``price_points = 50`` is
    its default grid (20-150% of the config price; below 20% the schedule is flat, so no
    further bids).
    """

    kind: Literal["wall", "schedule"] = Field(
        default="wall", description="schedule: bids from the demand schedule; wall: flat wall"
    )
    share: float = Field(default=0.1, ge=0, le=10, description="wall: of the adopted commitment")
    base_usd: float = Field(default=1.0e8, ge=0, description="bids already present (C12)")
    depth: float = Field(default=0.3, gt=0, lt=1, description="drop the wall and base span")
    resting_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="schedule: share of the horizon demand resting as bids; default 1/(12 T)",
    )
    rule: Literal["dynamics", "payoff-dominant", "risk-dominant", "all"] = Field(
        default="dynamics", description="schedule: equilibrium selection rule"
    )
    band: Literal["selected", "low", "high"] = Field(
        default="selected", description="schedule: selected equilibrium or an edge of the band"
    )
    price_points: int = Field(default=50, ge=2, le=400, description="schedule: price grid size")

    def resting_share_for(self, horizon_years: float) -> float:
        """``resting_share``, or one month of the horizon demand, ``1 / (12 T)``."""
        if self.resting_share is not None:
            return float(self.resting_share)
        return 1.0 / (12.0 * max(float(horizon_years), 1.0 / 12.0))


class TransactionalConfig(_Strict):
    """Transactional demand (C17 scenario 3): dip bids and a pull toward a floor level.

    Cascades meet ``bid_usd_per_pct`` of extra bids per 1% of fall; below ``floor_usd`` the
    log price gets ``reversion_pa * log(floor / P) / 365`` a day.
    """

    bid_usd_per_pct: float = Field(default=0.0, ge=0)
    floor_usd: float = Field(default=0.0, ge=0)
    reversion_pa: float = Field(default=0.0, ge=0, le=50)


class DynamicsConfig(_Strict):
    """Every parameter of one scenario's daily dynamics."""

    volatility: VolatilityConfig = Field(default_factory=VolatilityConfig)
    open_interest: OpenInterestConfig = Field(default_factory=OpenInterestConfig)
    shocks: ShockProcessConfig = Field(default_factory=ShockProcessConfig)
    big_shock: BigShockConfig = Field(default_factory=BigShockConfig)
    adoption: AdoptionConfig = Field(default_factory=AdoptionConfig)
    sovereign_bids: SovereignBidConfig = Field(default_factory=SovereignBidConfig)
    transactional: TransactionalConfig = Field(default_factory=TransactionalConfig)
    cascades: bool = Field(default=True, description="run shocks through the cascade kernel")
    diffusion: bool = Field(
        default=True, description="False: no diffusive noise (deterministic paths, tests)"
    )
    feedback: bool = Field(default=True, description="vol responds to OI and sovereign share")
    impact_scales_with_vol: bool = Field(
        default=True, description="impact per USD proportional to the vol state (sqrt law)"
    )


class ScenarioCase(_Strict):
    """One scenario: a name, its probability and overrides of ``base``."""

    name: str = Field(min_length=1, max_length=80)
    probability: float = Field(ge=0, le=1)
    description: str = ""
    overrides: dict[str, Any] = Field(default_factory=dict)
    sources: dict[str, str] = Field(default_factory=dict)


class VolCheck(_Strict):
    """A C16 check: P(30-day realized vol < ``below_vol_pa``) on ``date``."""

    date: dt.date
    below_vol_pa: float = Field(gt=0, le=5)
    label: str = ""


def _default_checks() -> list[VolCheck]:
    return [
        VolCheck(date=dt.date(2026, 12, 31), below_vol_pa=0.25, label="C16: <25% by Q4 2026"),
        VolCheck(date=dt.date(2028, 12, 31), below_vol_pa=0.15, label="C16: <15% by Q4 2028"),
    ]


def _default_cases() -> list[ScenarioCase]:
    return [ScenarioCase(name="base", probability=1.0)]


def merge_overrides(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Recursive merge: mappings merge, everything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge_overrides(out[key], value)
        else:
            out[key] = value
    return out


#: most paths per scenario (memory: about 640 bytes per path; see reserves.budget)
MAX_PATHS = 1_000_000


class ScenariosConfig(_Strict):
    """The ``scenarios:`` section: simulation settings, base dynamics and the C17 cases."""

    start_date: dt.date = Field(default=dt.date(2025, 11, 21))
    horizon_days: int = Field(default=1136, ge=2, le=20_000)
    paths: int = Field(default=2000, ge=1, le=MAX_PATHS)
    seed: int = Field(default=20251121, ge=0)
    vol_window_days: int = Field(default=30, ge=2, le=365)
    fan_stride_days: int = Field(default=7, ge=1, le=365)
    sample_paths: int = Field(default=20, ge=0, le=100_000)
    corr_paths: int = Field(default=1000, ge=0, le=1_000_000)
    floor_paths: int = Field(
        default=2000, ge=1, le=MAX_PATHS, description="paths whose floor is solved (fan days)"
    )
    floor_shock_usd: float = Field(default=1.0e9, gt=0, description="reference shock of the floor")
    break_level_usd: float = Field(default=50_000, gt=0, description="C17 scenario 2 level")
    checks: list[VolCheck] = Field(default_factory=_default_checks)
    base: DynamicsConfig = Field(default_factory=DynamicsConfig)
    cases: list[ScenarioCase] = Field(default_factory=_default_cases, min_length=1)
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _cases_consistent(self) -> ScenariosConfig:
        names = [c.name for c in self.cases]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"cases: scenario names must be unique; repeated: {dupes}")
        for k, day in enumerate(self.check_days()):
            if not 1 <= day <= self.horizon_days:
                raise ValueError(
                    f"checks[{k}].date {self.checks[k].date} is day {day} of a "
                    f"{self.horizon_days}-day horizon from {self.start_date}; its probability "
                    "would be meaningless (fix: move the date inside the horizon or raise "
                    "horizon_days)"
                )
        total = math.fsum(c.probability for c in self.cases)
        if abs(total - 1.0) > 1e-6:
            listed = ", ".join(f"{c.name}={c.probability}" for c in self.cases)
            raise ValueError(
                f"cases: probabilities must sum to 1, they sum to {total:.6g} ({listed}); "
                "rescale them"
            )
        for i, case in enumerate(self.cases):
            try:
                DynamicsConfig.model_validate(
                    merge_overrides(self.base.model_dump(), case.overrides)
                )
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = ".".join(str(p) for p in first["loc"])
                raise ValueError(
                    f"cases[{i}] ({case.name}).overrides.{loc}: {first['msg']}"
                ) from None
        return self

    def dynamics(self, name: str) -> DynamicsConfig:
        """The merged dynamics of scenario ``name``.

        Raises
        ------
        ConfigError
            If no scenario has that name.
        """
        for case in self.cases:
            if case.name == name:
                return DynamicsConfig.model_validate(
                    merge_overrides(self.base.model_dump(), case.overrides)
                )
        raise ConfigError(
            f"no scenario named {name!r}",
            field="scenarios.cases",
            fix=f"use one of {[c.name for c in self.cases]}",
        )

    def check_days(self) -> list[int]:
        """Day index of each C16 check (``(date - start_date).days``)."""
        return [(c.date - self.start_date).days for c in self.checks]
