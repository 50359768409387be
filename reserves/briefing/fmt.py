"""Number formatting for briefings: thousands separators and units, always.

Every number a reader sees goes through one of these functions (they are also the Jinja
filters of the templates), so that a dollar figure always carries ``$`` and a scale word
(``$1.9 billion``), BTC amounts carry ``BTC`` and percentages carry ``%``.
"""

from __future__ import annotations

import math

__all__ = ["btc", "num", "pct", "usd", "usd_bn", "usd_price"]


def _bad(x: object) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def num(x: float | int | None, digits: int = 0) -> str:
    """``1234567.8 -> "1,234,568"`` (``digits`` decimals, thousands separators)."""
    if _bad(x):
        return "n/a"
    return f"{float(x):,.{digits}f}"  # type: ignore[arg-type]


def usd(x: float | None, digits: int = 1) -> str:
    """Dollar amount with a scale word: ``1.91e9 -> "$1.9 billion"``, ``2e8 -> "$200 million"``,
    ``81600 -> "$81,600"``.

    Amounts below one million are printed in full with thousands separators; trailing zero
    decimals are dropped.
    """
    if _bad(x):
        return "n/a"
    v = float(x)  # type: ignore[arg-type]
    sign = "-" if v < 0 else ""
    a = abs(v)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= scale * (1 - 0.5 * 10.0**-digits) / 1.0:
            text = f"{a / scale:,.{digits}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{sign}${text} {word}"
    return f"{sign}${a:,.0f}"


def usd_price(x: float | None) -> str:
    """A BTC price in full dollars: ``81600.4 -> "$81,600"``."""
    if _bad(x):
        return "n/a"
    v = float(x)  # type: ignore[arg-type]
    return f"{'-' if v < 0 else ''}${abs(v):,.0f}"


def usd_bn(x: float | None, digits: int = 1) -> str:
    """Dollars in billions without the unit (for table columns headed "USD bn")."""
    if _bad(x):
        return "n/a"
    return f"{float(x) / 1e9:,.{digits}f}"  # type: ignore[arg-type]


def btc(x: float | None, digits: int = 0) -> str:
    """``198000 -> "198,000 BTC"``."""
    if _bad(x):
        return "n/a"
    return f"{float(x):,.{digits}f} BTC"  # type: ignore[arg-type]


def pct(x: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.234 -> "23%"``."""
    if _bad(x):
        return "n/a"
    return f"{100 * float(x):,.{digits}f}%"  # type: ignore[arg-type]
