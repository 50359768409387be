"""Impact functions ``I(S)``: the fractional price drop caused by net sell flow ``S`` (USD).

Both functions are non-decreasing in ``S``, zero for ``S <= 0`` (net buying does not push
the price up inside a crash), capped at ``max_drop``, and invertible on ``(0, max_drop]``.
The cascade kernel only needs the inverse ``flow_for_drop(x)``, the net sell flow the spot
market absorbs while the price falls by ``x``; for both laws it is ``coef * x**power``:

=========  ====================================  ==========================  =====
law        ``I(S)``                              ``coef``                    power
=========  ====================================  ==========================  =====
sqrt       ``Y sigma_d sqrt(S / V_d)``           ``V_d / (Y sigma_d)**2``    2
linear     ``0.01 S / depth_usd_per_pct``        ``100 depth_usd_per_pct``   1
=========  ====================================  ==========================  =====
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reserves.errors import ConfigError

__all__ = ["Impact", "LinearImpact", "SqrtImpact", "impact_from_config"]

DAYS_PER_YEAR = 365.0  # bitcoin trades every day


class Impact(Protocol):
    """What the cascade needs from an impact function."""

    kind: Literal["sqrt", "linear"]
    max_drop: float

    @property
    def coef(self) -> float: ...

    @property
    def power(self) -> float: ...

    def drop(self, sell_usd: ArrayLike) -> NDArray[np.float64]: ...

    def flow_for_drop(self, drop: ArrayLike) -> NDArray[np.float64]: ...


def _positive(name: str, value: float, fix: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"must be a finite number > 0, got {value!r}", field=name, fix=fix)
    return value


@dataclass(frozen=True)
class SqrtImpact:
    """Square-root law: ``I(S) = Y sigma_d sqrt(S / V_d)``.

    References
    ----------
    Donier, J. and Bonart, J. (2015), "A million metaorder analysis of market impact on the
    Bitcoin", Market Microstructure and Liquidity 1(2): the law holds on BTC/USD over four
    decades of order size. Kyle, A. and Obizhaeva, A. (2016), "Market microstructure
    invariance", Econometrica 84(4): the dimensional argument behind ``sqrt(S / V)``.
    ``Y`` is of order 0.5-1 in most markets (Bouchaud et al. 2018, "Trades, Quotes and
    Prices", ch. 12).

    Parameters
    ----------
    y_coef:
        ``Y``, dimensionless.
    daily_vol:
        ``sigma_d``, daily volatility (fraction).
    daily_volume_usd:
        ``V_d``, daily volume of the market that absorbs the flow, USD.
    max_drop:
        Cap on ``I`` (the price stays positive).
    """

    y_coef: float
    daily_vol: float
    daily_volume_usd: float
    max_drop: float = 0.95
    kind: Literal["sqrt", "linear"] = "sqrt"

    def __post_init__(self) -> None:
        _positive("impact.y_coef", self.y_coef, "Y is of order 0.5-1")
        _positive("impact.daily_vol", self.daily_vol, "use vol_pa / sqrt(365)")
        _positive("impact.daily_volume_usd", self.daily_volume_usd, "daily spot volume in USD")
        if not 0 < self.max_drop < 1:
            raise ConfigError(f"must be in (0, 1), got {self.max_drop}", field="impact.max_drop")

    @property
    def coef(self) -> float:
        """``V_d / (Y sigma_d)^2``: ``flow_for_drop(x) = coef * x**2``."""
        return self.daily_volume_usd / (self.y_coef * self.daily_vol) ** 2

    @property
    def power(self) -> float:
        return 2.0

    def drop(self, sell_usd: ArrayLike) -> NDArray[np.float64]:
        """``min(Y sigma_d sqrt(max(S, 0) / V_d), max_drop)``."""
        s = np.maximum(np.asarray(sell_usd, dtype=float), 0.0)
        return np.minimum(
            self.y_coef * self.daily_vol * np.sqrt(s / self.daily_volume_usd), self.max_drop
        )

    def flow_for_drop(self, drop: ArrayLike) -> NDArray[np.float64]:
        """Inverse: ``V_d (x / (Y sigma_d))^2`` for ``x >= 0``."""
        x = np.maximum(np.asarray(drop, dtype=float), 0.0)
        return self.coef * x**2

    def scaled(self, factor: float) -> SqrtImpact:
        """The same law with ``Y`` multiplied by ``factor``."""
        return SqrtImpact(
            self.y_coef * factor, self.daily_vol, self.daily_volume_usd, self.max_drop
        )


@dataclass(frozen=True)
class LinearImpact:
    """Linear depth curve: ``I(S) = 0.01 S / depth_usd_per_pct``.

    ``depth_usd_per_pct`` is the net selling that moves the price by 1%, as in an order book
    with constant depth per percent (Kyle 1985, "Continuous auctions and insider trading",
    Econometrica 53(6): price impact linear in order flow, ``lambda = 0.01 / depth``).
    Priors for BTC (MODEL.md section 5): about $14-20M within 1% of mid per major venue in
    Oct-Nov 2025, a few hundred million summed over venues; a bank estimate of -3.4% per $1B
    of ETF outflow is ``depth = $294M`` per 1%.
    """

    depth_usd_per_pct: float
    max_drop: float = 0.95
    kind: Literal["sqrt", "linear"] = "linear"

    def __post_init__(self) -> None:
        _positive(
            "impact.depth_usd_per_pct",
            self.depth_usd_per_pct,
            "USD of net selling that moves the price 1%",
        )
        if not 0 < self.max_drop < 1:
            raise ConfigError(f"must be in (0, 1), got {self.max_drop}", field="impact.max_drop")

    @property
    def coef(self) -> float:
        """``100 depth``: ``flow_for_drop(x) = coef * x``."""
        return 100.0 * self.depth_usd_per_pct

    @property
    def power(self) -> float:
        return 1.0

    def drop(self, sell_usd: ArrayLike) -> NDArray[np.float64]:
        """``min(0.01 max(S, 0) / depth, max_drop)``."""
        s = np.maximum(np.asarray(sell_usd, dtype=float), 0.0)
        return np.minimum(s / self.coef, self.max_drop)

    def flow_for_drop(self, drop: ArrayLike) -> NDArray[np.float64]:
        """Inverse: ``100 depth x`` for ``x >= 0``."""
        x = np.maximum(np.asarray(drop, dtype=float), 0.0)
        return self.coef * x

    def scaled(self, factor: float) -> LinearImpact:
        """The same law with the impact per USD multiplied by ``factor`` (depth divided)."""
        return LinearImpact(self.depth_usd_per_pct / factor, self.max_drop)


def impact_from_config(impact_cfg: object, vol_pa: float) -> SqrtImpact | LinearImpact:
    """Build the impact function of an :class:`~reserves.market.schema.ImpactConfig`.

    ``sigma_d`` defaults to ``vol_pa / sqrt(365)`` (bitcoin trades every day).
    """
    kind = impact_cfg.kind  # type: ignore[attr-defined]
    if kind == "linear":
        return LinearImpact(impact_cfg.depth_usd_per_pct, impact_cfg.max_drop)  # type: ignore[attr-defined]
    daily_vol = impact_cfg.daily_vol or vol_pa / math.sqrt(DAYS_PER_YEAR)  # type: ignore[attr-defined]
    return SqrtImpact(
        impact_cfg.y_coef,  # type: ignore[attr-defined]
        daily_vol,
        impact_cfg.daily_volume_usd,  # type: ignore[attr-defined]
        impact_cfg.max_drop,  # type: ignore[attr-defined]
    )
