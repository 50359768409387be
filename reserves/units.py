"""Small formatting helpers shared by the CLI, the app and the result objects."""

from __future__ import annotations

import math


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


def usd_short(v: float | None) -> str:
    """A USD amount for captions: ``$1.23B``, ``$903.00M``, ``$81,603``; ``n/a`` if missing."""
    if v is None or not math.isfinite(v):
        return "n/a"
    for div, suf in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(v) >= div:
            return f"${v / div:,.2f}{suf}"
    return f"${v:,.0f}"
