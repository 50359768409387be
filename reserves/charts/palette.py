"""The colours of every figure, in one place, chosen to stay apart for colour-blind readers.

Categorical colours come from two published colour-blind-safe sets: Okabe and Ito (2008),
"Color Universal Design" (https://jfly.uni-koeln.de/color/), and Paul Tol's qualitative
schemes (https://personal.sron.nl/~pault/, "bright", "muted", "light"). The 15 game types of
:data:`GAME_TYPE_COLORS` were picked from their union so that every pair stays at least
:data:`MIN_TYPE_DELTA_E` apart (CIE76 Delta E in CIELAB) for normal vision and under simulated
protanopia and deuteranopia; :func:`delta_e` and :func:`simulate_cvd` are the measure
(``tests/test_palette_charts.py`` checks every set).

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira and Fernandes
(2009), "A physiologically-based model for simulation of color vision deficiency", IEEE TVCG
15(6), severity 1.0, applied to linear sRGB.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

__all__ = [
    "ACTION_COLORS",
    "ACTION_ORDER",
    "GAME_TYPE_COLORS",
    "GREYS",
    "MIN_TYPE_DELTA_E",
    "NEUTRAL",
    "OKABE_ITO",
    "PALETTE",
    "SERIES_COLORS",
    "VISIONS",
    "delta_e",
    "min_pair_delta_e",
    "simulate_cvd",
]

#: Okabe-Ito's eight colours
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: one colour per action, the same in every figure (orange for accumulating, as bitcoin)
ACTION_COLORS: dict[str, str] = {
    "accumulate": OKABE_ITO["orange"],
    "hold": "#999999",
    "sell": OKABE_ITO["blue"],
}
ACTION_ORDER: tuple[str, ...] = ("accumulate", "hold", "sell")

#: categorical palette for series that are not actions (Okabe-Ito order, black last)
PALETTE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)

#: named series that recur across figures
SERIES_COLORS: dict[str, str] = {
    "with sovereigns": OKABE_ITO["blue"],
    "without sovereigns": OKABE_ITO["vermillion"],
    "low": OKABE_ITO["sky_blue"],
    "high": OKABE_ITO["reddish_purple"],
    "mixture": "#000000",
}

#: rules, reference lines and muted marks
NEUTRAL = "#888888"

#: the greys of text, axes and grid lines (darkest first)
GREYS: dict[str, str] = {
    "ink": "#222222",
    "title": "#333333",
    "label": "#444444",
    "subtitle": "#555555",
    "muted": NEUTRAL,
    "axis": "#999999",
    "rule": "#BBBBBB",
    "grid": "#E8E8E8",
}

#: one colour per 2x2 game type (the names of ``reserves.sovereign.symbolic.GAME_TYPES``)
GAME_TYPE_COLORS: dict[str, str] = {
    "deadlock": "#0072B2",
    "unilateral": "#EEDD88",
    "matching_pennies": "#882255",
    "degenerate": "#000000",
    "prisoners_dilemma": "#CC6677",
    "harmony": "#228833",
    "chicken": "#F0E442",
    "stag_hunt": "#56B4E9",
    "assurance": "#332288",
    "coordination": "#99DDFF",
    "leader": "#AAAA00",
    "battle_of_the_sexes": "#CC79A7",
    "asymmetric_dilemma": "#FFAABB",
    "coordination_hybrid": "#225522",
    "anticoordination_hybrid": "#EE8866",
}

#: the smallest Delta E between two game-type colours, for every vision in :data:`VISIONS`
MIN_TYPE_DELTA_E = 18.0

#: the visions the palettes are checked for
VISIONS: tuple[str, ...] = ("normal", "protanopia", "deuteranopia")

# Machado et al. (2009), severity 1.0, on linear sRGB
_CVD: dict[str, tuple[tuple[float, float, float], ...]] = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _linear_rgb(color: str) -> tuple[float, float, float]:
    h = color.lstrip("#")
    if len(h) != 6:
        from reserves.errors import ReservesError

        raise ReservesError(f"colour {color!r} is not #RRGGBB", field="color", fix="e.g. #0072B2")
    out = []
    for i in (0, 2, 4):
        c = int(h[i : i + 2], 16) / 255.0
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return out[0], out[1], out[2]


def simulate_cvd(color: str, vision: str) -> tuple[float, float, float]:
    """Linear sRGB of ``color`` as seen with ``vision`` (``"normal"``, ``"protanopia"``,
    ``"deuteranopia"`` or ``"tritanopia"``; Machado et al. 2009, severity 1)."""
    rgb = _linear_rgb(color)
    if vision == "normal":
        return rgb
    if vision not in _CVD:
        from reserves.errors import ReservesError

        raise ReservesError(
            f"unknown vision {vision!r}", field="vision", fix=f"one of normal, {', '.join(_CVD)}"
        )
    m = _CVD[vision]
    return tuple(min(max(sum(m[r][k] * rgb[k] for k in range(3)), 0.0), 1.0) for r in range(3))  # type: ignore[return-value]


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """CIELAB (D65) of linear sRGB."""
    r, g, b = rgb
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    f = [math.cbrt(t) if t > 0.008856 else 7.787 * t + 16.0 / 116.0 for t in xyz]
    return 116.0 * f[1] - 16.0, 500.0 * (f[0] - f[1]), 200.0 * (f[1] - f[2])


def delta_e(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 colour difference ``||Lab(a) - Lab(b)||`` as seen with ``vision``
    (about 2.3 is just noticeable; above 20 two categories read as clearly different)."""
    la, lb = _lab(simulate_cvd(a, vision)), _lab(simulate_cvd(b, vision))
    return math.dist(la, lb)


def min_pair_delta_e(colors: Iterable[str], visions: Iterable[str] = VISIONS) -> float:
    """The smallest :func:`delta_e` over every pair of ``colors`` and every vision."""
    cs = list(colors)
    vs = list(visions)
    return min(
        (delta_e(a, b, v) for a, b in itertools.combinations(cs, 2) for v in vs),
        default=math.inf,
    )
