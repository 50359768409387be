"""Numbers for people: the one formatting module of the package.

Every number a user sees (CLI tables, app metrics and captions, briefings, the paper) goes
through one of these functions, so a dollar figure always carries ``$`` and a scale
(``$1.9 billion`` in prose, ``$1.9bn`` in tight places), prices are whole dollars with
thousands separators (``$81,603``), BTC amounts carry ``BTC`` and fractions are printed as
percentages (``12.3%``). None of them ever prints scientific notation. JSON output keeps raw
numbers: use :func:`json_number` there, never these strings.

Missing values (``None``, NaN) print as ``n/a``; infinities as ``never`` (a shock that never
breaks a level) unless stated otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "btc",
    "date_text",
    "human",
    "json_number",
    "jsonable",
    "num",
    "pct",
    "plain",
    "ratio",
    "usd",
    "usd_bn",
    "usd_price",
    "usd_short",
]

#: text for a missing value
MISSING = "n/a"


def json_number(x: float | None) -> float | str | None:
    """A float for JSON: ``None`` for NaN, ``"inf"``/``"-inf"`` for infinities."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def jsonable(obj: Any, fallback: Callable[[Any], Any] | None = None) -> Any:
    """``obj`` made JSON-ready: mappings with string keys, sequences and arrays as lists, numpy
    scalars as Python numbers, floats through :func:`json_number` (no NaN or infinity in JSON).
    Anything else is returned as it is, or passed to ``fallback`` (e.g. ``str``) when given."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v, fallback) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v, fallback) for v in obj]
    if type(obj).__module__ == "numpy":  # numpy scalars and arrays, without importing numpy
        return jsonable(obj.tolist(), fallback)
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return json_number(obj)
    return fallback(obj) if fallback is not None else obj


def _bad(x: object) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _missing(x: object) -> str:
    """``n/a`` for None and NaN; ``never`` for +inf (e.g. a shock that never breaks a level)."""
    try:
        if x is not None and math.isinf(float(x)):  # type: ignore[arg-type]
            return "never" if float(x) > 0 else MISSING  # type: ignore[arg-type]
    except (TypeError, ValueError):
        pass
    return MISSING


def num(x: float | int | None, digits: int = 0) -> str:
    """``1234567.8 -> "1,234,568"`` (``digits`` decimals, thousands separators)."""
    if _bad(x):
        return _missing(x)
    return f"{float(x):,.{digits}f}"  # type: ignore[arg-type]


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


_WORDS = ((1e12, "trillion", "T"), (1e9, "billion", "bn"), (1e6, "million", "M"))


def usd(x: float | None, digits: int = 1) -> str:
    """A dollar amount with a scale word, for prose: ``1.91e9 -> "$1.9 billion"``,
    ``2e8 -> "$200 million"``, ``81600 -> "$81,600"``.

    Amounts below one million are printed in full with thousands separators; trailing zero
    decimals are dropped.
    """
    if _bad(x):
        return _missing(x)
    v = float(x)  # type: ignore[arg-type]
    sign = "-" if v < 0 else ""
    a = abs(v)
    for scale, word, _ in _WORDS:
        if a >= scale * (1 - 0.5 * 10.0**-digits):
            return f"{sign}${_trim(f'{a / scale:,.{digits}f}')} {word}"
    return f"{sign}${a:,.0f}"


def usd_short(x: float | None, digits: int = 2) -> str:
    """A dollar amount for tight places (tables, metrics, axis labels): ``1.91e9 -> "$1.91bn"``,
    ``9.03e8 -> "$903M"``, ``1.83e12 -> "$1.83T"``, ``81603.1 -> "$81,603"``.

    At most ``digits`` decimals, never more than three significant digits before the scale,
    trailing zeros dropped.
    """
    if _bad(x):
        return _missing(x)
    v = float(x)  # type: ignore[arg-type]
    sign = "-" if v < 0 else ""
    a = abs(v)
    for scale, _, suffix in _WORDS:
        if a >= scale * (1 - 0.5 * 10.0**-digits):
            m = a / scale
            d = min(digits, max(0, 2 - math.floor(math.log10(max(m, 1e-12)))))
            return f"{sign}${_trim(f'{m:,.{d}f}')}{suffix}"
    return f"{sign}${a:,.0f}"


def usd_price(x: float | None) -> str:
    """A bitcoin price in whole dollars: ``81600.4 -> "$81,600"``."""
    if _bad(x):
        return _missing(x)
    v = float(x)  # type: ignore[arg-type]
    return f"{'-' if v < 0 else ''}${abs(v):,.0f}"


def usd_bn(x: float | None, digits: int = 1) -> str:
    """Dollars in billions without the unit (for table columns headed "USD bn")."""
    if _bad(x):
        return _missing(x)
    return f"{float(x) / 1e9:,.{digits}f}"  # type: ignore[arg-type]


def btc(x: float | None, digits: int = 0) -> str:
    """``198000 -> "198,000 BTC"``."""
    if _bad(x):
        return _missing(x)
    return f"{float(x):,.{digits}f} BTC"  # type: ignore[arg-type]


def pct(x: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.234 -> "23%"``, ``pct(-0.0903, 1) -> "-9.0%"``."""
    if _bad(x):
        return _missing(x)
    return f"{100 * float(x):,.{digits}f}%"  # type: ignore[arg-type]


def ratio(x: float | None, digits: int | None = None) -> str:
    """A multiple: ``9.5 -> "9.5x"``, ``0.964 -> "0.96x"``, ``12.34 -> "12.3x"``.

    By default two decimals below 10 (a predicted / observed ratio near 1, or a fragility
    ratio below 1, needs them) and one from 10 up; trailing zeros are dropped.
    """
    if _bad(x):
        return _missing(x)
    v = float(x)  # type: ignore[arg-type]
    if digits is None:
        digits = 2 if abs(v) < 10 else 1
    return f"{_trim(f'{v:,.{digits}f}')}x"


def plain(x: float | None, digits: int = 4) -> str:
    """A number with ``digits`` significant digits and never an exponent, for quantities
    without a unit (payoffs of an abstract game, parameters): ``-343679012.3 -> "-343,679,000"``
    (``digits=6``), ``71870.2 -> "71,870"``, ``0.000032 -> "0.000032"``, ``2.5 -> "2.5"``."""
    if _bad(x):
        return _missing(x)
    v = float(x)  # type: ignore[arg-type]
    if v == 0:
        return "0"
    mag = math.floor(math.log10(abs(v)))
    v = round(v, digits - 1 - mag)
    decimals = min(12, max(0, digits - 1 - mag))
    return _trim(f"{v:,.{decimals}f}")


def date_text(iso: object) -> str:
    """An ISO date in words: ``"2026-12-31" -> "31 December 2026"`` (other text unchanged)."""
    import datetime as dt

    try:
        d = dt.date.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


#: unit name -> formatter, used by :func:`human` and by ``reserves.assessment.Figure``
FORMATTERS = {
    "usd": usd,
    "usd_short": usd_short,
    "usd_price": usd_price,
    "btc": btc,
    "pct": lambda x: pct(x, 1),
    "count": lambda x: num(x, 0),
    "ratio": ratio,
    "number": plain,
}


def human(x: float | None, unit: str) -> str:
    """Format ``x`` for people by unit name (``usd``, ``usd_short``, ``usd_price``, ``btc``,
    ``pct``, ``count``, ``ratio``, ``number``)."""
    try:
        f = FORMATTERS[unit]
    except KeyError:
        raise ValueError(f"unknown unit {unit!r}; use one of {sorted(FORMATTERS)}") from None
    return f(x)
