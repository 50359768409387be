"""The crash panel: one YAML file of observables per bitcoin crash (issue 12).

An event file holds only what was observed around one crash, each number with its public
source. The schema is :class:`CrashEvent`:

Required
    ``date`` (ISO date), ``price_before_usd`` (last price before the fall), ``trough_usd``
    (intraday low), ``liquidations_usd`` (24 h BTC liquidations, all venues tracked),
    ``long_share`` (longs / all liquidations, in [0, 1]), ``open_interest_usd`` (BTC futures and
    perpetual open interest, all venues, just before).
Optional (with the proxy used when absent)
    ``open_interest_after_usd`` (reported, not used by the fit); ``funding_rate_8h`` (perpetual
    funding per 8 h; absent: the 0.01% baseline, i.e. neutral crowding); ``path`` (the 30-60 day
    price and open-interest path before the event, a list of ``{days_before, price_usd,
    open_interest_usd}``, open interest optional: without it positions are taken as opened
    evenly over the path; absent: entries log-normal around the start price, see
    :mod:`reserves.market.structural`); ``spot_depth_1pct_usd`` (spot bids within 1% of mid,
    summed over venues; absent: the panel's depth per dollar of market cap times the market cap);
    ``net_flow_usd`` (ETF or other measured net flow on the day, negative = outflow; absent:
    unknown); ``vol_pa`` (annualized volatility; absent: 0.60); ``duration_minutes`` (length of
    the fall; absent: 240); ``price_after_usd`` (price 24 h after the trough; absent: the
    rebound share of the panel parameters); ``crypto_margined_share`` (share of futures open
    interest margined in BTC, i.e. inverse contracts, Glassnode's "Percent Futures Open
    Interest Crypto-Margined"; absent: :func:`crypto_margined_proxy` of the date, the published
    Glassnode trend); ``supply_btc`` (absent: from the issuance schedule
    at ``date``); ``name``, ``description``, ``sources`` and ``notes`` (free text, where sources
    disagree).

:func:`load_event` reads one file through :mod:`reserves.safe`; :func:`load_panel` reads a
directory (every ``*.yaml`` whose top level has none of ``market_model``/``extends``/
``market``, which mark a model config such as ``configs/events/2025-11-21.yaml``) or a list of
files. Every failure is one :class:`~reserves.errors.ConfigError` naming the file, the field
and the fix.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reserves.errors import ConfigError

__all__ = [
    "DEFAULT_DURATION_MINUTES",
    "DEFAULT_FUNDING_8H",
    "DEFAULT_VOL_PA",
    "CrashEvent",
    "PathPoint",
    "crypto_margined_proxy",
    "event_from_dict",
    "load_event",
    "load_panel",
    "supply_at",
]

#: proxies for absent optional fields (documented in the schema above)
DEFAULT_FUNDING_8H = 1.0e-4
DEFAULT_VOL_PA = 0.60
DEFAULT_DURATION_MINUTES = 240.0

#: halvings: (date, supply at the halving in BTC, issuance per day after it in BTC)
_HALVINGS: tuple[tuple[dt.date, float, float], ...] = (
    (dt.date(2012, 11, 28), 10_500_000.0, 3600.0),
    (dt.date(2016, 7, 9), 15_750_000.0, 1800.0),
    (dt.date(2020, 5, 11), 18_375_000.0, 900.0),
    (dt.date(2024, 4, 20), 19_687_500.0, 450.0),
)


#: Glassnode "Percent Futures Open Interest Crypto-Margined" (BTC, all exchanges) as quoted in
#: public reports: (date, share). ~70% in early 2021 (Glassnode via CryptoSlate, "Decline in
#: crypto-margined futures signals shift to stable collateral", 2024); above 50% until
#: September 2021 (Blockware via CoinDesk, 4 Sep 2023); all-time low 29% at 415k BTC of OI
#: = $8.5bn, i.e. ~$20.5k in early November 2022 (Glassnode via bitcoinethereumnews, tag
#: cryptomargin); ~26% after FTX
#: (btc-newswire, early 2023); ~20% in July 2023 and 33% in early September 2023 (Glassnode via
#: CoinDesk, 4 Sep 2023); 23% in January 2024, 20% mid-February, above 27% after the April 2024
#: halving, below 24% by June (CryptoSlate, 2024); 18.2% at 478k BTC of OI = $31.8bn (Glassnode
#: via CoinDesk, "cash-margined bitcoin futures more popular than ever", 2024).
CRYPTO_MARGINED_ANCHORS: tuple[tuple[dt.date, float], ...] = (
    (dt.date(2021, 1, 15), 0.70),
    (dt.date(2021, 9, 1), 0.50),
    (dt.date(2022, 11, 5), 0.29),
    (dt.date(2023, 1, 15), 0.26),
    (dt.date(2023, 7, 15), 0.20),
    (dt.date(2023, 9, 1), 0.33),
    (dt.date(2024, 1, 15), 0.23),
    (dt.date(2024, 2, 15), 0.20),
    (dt.date(2024, 5, 1), 0.27),
    (dt.date(2024, 6, 15), 0.24),
    (dt.date(2024, 10, 15), 0.182),
)


def crypto_margined_proxy(date: dt.date) -> float:
    """Share of BTC futures open interest that is crypto-margined at ``date`` (proxy).

    Linear interpolation of :data:`CRYPTO_MARGINED_ANCHORS` (Glassnode's series as quoted in
    public reports), flat before the first (the 2020-21 peak, ~70%) and after the last anchor.
    """
    xs = [a[0].toordinal() for a in CRYPTO_MARGINED_ANCHORS]
    ys = [a[1] for a in CRYPTO_MARGINED_ANCHORS]
    return float(np.interp(date.toordinal(), xs, ys))


def supply_at(date: dt.date) -> float:
    """Circulating supply (BTC) at ``date`` from the issuance schedule.

    ``S(d) = S_h + r_h (d - d_h)`` from the last halving ``h`` before ``d`` (supply at the
    halving ``21M (1 - 2^-k)`` and 144 blocks a day at the epoch's subsidy); accurate to about
    0.1% (blocks arrive slightly faster than every 10 minutes).
    """
    last = _HALVINGS[0]
    for h in _HALVINGS:
        if date >= h[0]:
            last = h
    d0, s0, rate = last
    return min(21_000_000.0, s0 + rate * (date - d0).days)


class PathPoint(BaseModel):
    """One point of the pre-event path: price and open interest ``days_before`` the event."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    days_before: float = Field(ge=0, le=365)
    price_usd: float = Field(gt=0)
    open_interest_usd: float | None = Field(default=None, ge=0)


class MarketCapRatios:
    """``market_cap_usd`` and ``oi_to_market_cap`` of a market state: a mix-in for the
    classes with ``price_before_usd``, ``supply`` and ``open_interest_usd`` (:class:`CrashEvent`
    and :class:`reserves.market.structural.MarketState`). It declares no attributes, so that
    neither pydantic nor dataclasses see fields of its own."""

    @property
    def market_cap_usd(self) -> float:
        """``price_before_usd * supply``."""
        return self.price_before_usd * self.supply

    @property
    def oi_to_market_cap(self) -> float:
        """Open interest over market capitalisation."""
        return self.open_interest_usd / self.market_cap_usd


class CrashEvent(MarketCapRatios, BaseModel):
    """One crash of the panel: observables only (see the module docstring for every field)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str | None = None
    date: dt.date
    description: str | None = None
    price_before_usd: float = Field(gt=0, description="last price before the fall, USD")
    trough_usd: float = Field(gt=0, description="intraday low, USD")
    liquidations_usd: float = Field(gt=0, description="24 h BTC liquidations, all venues, USD")
    long_share: float = Field(ge=0, le=1, description="longs / all liquidations")
    open_interest_usd: float = Field(ge=0, description="BTC futures open interest before, USD")
    open_interest_after_usd: float | None = Field(default=None, ge=0)
    funding_rate_8h: float | None = Field(default=None, ge=-0.05, le=0.05)
    path: list[PathPoint] | None = None
    spot_depth_1pct_usd: float | None = Field(default=None, gt=0)
    net_flow_usd: float | None = None
    vol_pa: float | None = Field(default=None, gt=0, le=5)
    duration_minutes: float | None = Field(default=None, gt=0, le=1440)
    price_after_usd: float | None = Field(default=None, gt=0)
    supply_btc: float | None = Field(default=None, gt=0, le=21_000_000)
    crypto_margined_share: float | None = Field(default=None, ge=0, le=1)
    sources: dict[str, str] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> CrashEvent:
        if self.trough_usd >= self.price_before_usd:
            raise ValueError(
                f"trough_usd ({self.trough_usd:,.0f}) must be below price_before_usd "
                f"({self.price_before_usd:,.0f}): the panel holds crashes"
            )
        return self

    # ------------------------------------------------------------------ derived state
    @property
    def label(self) -> str:
        return self.name or f"crash-{self.date.isoformat()}"

    @property
    def drop(self) -> float:
        """``1 - trough / price_before``."""
        return 1.0 - self.trough_usd / self.price_before_usd

    @property
    def supply(self) -> float:
        return float(self.supply_btc) if self.supply_btc else supply_at(self.date)

    @property
    def funding(self) -> float:
        return DEFAULT_FUNDING_8H if self.funding_rate_8h is None else float(self.funding_rate_8h)

    @property
    def inverse_share(self) -> float:
        """Crypto-margined share of open interest (observed, else the date proxy)."""
        if self.crypto_margined_share is not None:
            return float(self.crypto_margined_share)
        return crypto_margined_proxy(self.date)

    @property
    def vol(self) -> float:
        return DEFAULT_VOL_PA if self.vol_pa is None else float(self.vol_pa)

    @property
    def duration(self) -> float:
        return DEFAULT_DURATION_MINUTES if self.duration_minutes is None else self.duration_minutes

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump(mode="json", exclude_none=True)
        d["name"] = self.label
        return d


_MODEL_CONFIG_KEYS = ("market_model", "extends", "market")

_FIXES = {
    "missing": "add it (see configs/events/crash-2025-11-21.yaml for a complete event)",
    "extra_forbidden": "remove it or check its spelling against reserves.market.events.CrashEvent",
}


def _field_fix(field: str, err_type: str) -> str:
    if err_type in _FIXES:
        return _FIXES[err_type]
    if field == "long_share":
        return "give the share of longs in the liquidations as a number in [0, 1] (e.g. 0.9)"
    if field.startswith("open_interest"):
        return "give open interest in USD as a number >= 0 (e.g. 6.65e10)"
    if field == "date":
        return "write the date as YYYY-MM-DD"
    if field == "trough_usd":
        return "the trough is the intraday low, below price_before_usd"
    return "see the CrashEvent schema in reserves/market/events.py"


def event_from_dict(data: Any, where: str = "event") -> CrashEvent:
    """Validate a mapping into a :class:`CrashEvent`; one ``ConfigError`` naming the field."""
    if not isinstance(data, dict):
        raise ConfigError(
            f"{where}: expected a mapping of event fields, got {type(data).__name__}",
            fix="see configs/events/crash-2025-11-21.yaml",
        )
    try:
        from reserves.safe import reject_bool_numbers

        reject_bool_numbers(CrashEvent, data, where)
    except ImportError:  # pragma: no cover - the safe layer ships with the package
        pass
    try:
        return CrashEvent.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        field = loc
        if loc == "(top level)" and "trough_usd" in msg:
            field = "trough_usd"
        value = err.get("input")
        shown = (
            ""
            if err["type"] == "missing" or isinstance(value, dict | list) or loc == "(top level)"
            else f" = {value!r}"
        )
        raise ConfigError(
            f"{where}: {field}{shown}: {msg}", fix=_field_fix(field, err["type"])
        ) from None


def _read_mapping(path: Path) -> dict[str, Any]:
    from reserves.safe import load_yaml_mapping

    return load_yaml_mapping(path, where=str(path))


def load_event(path: str | Path) -> CrashEvent:
    """Load and validate one event file.

    Raises
    ------
    ConfigError
        naming the file, the field and the fix (missing field, trough above the price before,
        long share outside [0, 1], negative open interest, unreadable file).
    """
    p = Path(path)
    data = _read_mapping(p)
    if any(k in data for k in _MODEL_CONFIG_KEYS):
        raise ConfigError(
            f"{p}: is a model config (it has {[k for k in _MODEL_CONFIG_KEYS if k in data]}), "
            "not a crash event",
            fix="pass an event file such as configs/events/crash-2025-11-21.yaml",
        )
    return event_from_dict(data, where=str(p))


def load_panel(paths: str | Path | Sequence[str | Path]) -> list[CrashEvent]:
    """Events from a directory (its event files, sorted by date) or from a list of files.

    Files in a directory whose top level is a model config (``market_model``, ``extends`` or
    ``market``) are skipped; any other file must be a valid event.

    Raises
    ------
    ConfigError
        No event found, a bad file, or two events with the same name.
    """
    items: Iterable[str | Path] = [paths] if isinstance(paths, str | Path) else paths
    events: list[CrashEvent] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            for f in sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")):
                data = _read_mapping(f)
                if any(k in data for k in _MODEL_CONFIG_KEYS):
                    continue
                events.append(event_from_dict(data, where=str(f)))
        else:
            events.append(load_event(p))
    if not events:
        raise ConfigError(
            f"{paths}: no crash event files found",
            fix="pass configs/events/ or event YAML files (see reserves.market.events)",
        )
    names = [e.label for e in events]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError(f"{paths}: duplicate event names {dup}", fix="give each event a name")
    return sorted(events, key=lambda e: (e.date, e.label))


def _finite(x: float) -> bool:
    return isinstance(x, float) and math.isfinite(x)
