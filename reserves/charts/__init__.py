"""Every figure of ``reserves``, built once with Altair and shared by the app and the briefings.

Submodules return plain :class:`altair.Chart` objects (never rendered, never saved):

=====================================  ===============================================
module                                 figures
=====================================  ===============================================
:mod:`reserves.charts.roster`          the roster, equilibrium profiles, 2-player payoffs
:mod:`reserves.charts.game`            correlated equilibria, dynamics, demand
:mod:`reserves.charts.analysis`        dominance thresholds, game-type regions
:mod:`reserves.charts.market`          ladder, cascade, trough against shock
:mod:`reserves.charts.scenarios`       fan charts, C16 bars, lagged correlations, tornado
:mod:`reserves.charts.sovereigns`      fitted actions, theta sets, the sanctions hedge
:mod:`reserves.charts.palette`         the colours of all of them (no figures)
=====================================  ===============================================

Importing this package registers and enables the ``"reserves"`` Altair theme (one typeface,
one palette, readable axis titles), so a chart looks the same in Streamlit (rendered with
``theme=None``) and in a briefing. Static images come from :func:`to_png` and :func:`to_svg`,
which use ``vl-convert`` (a Rust build of Vega; no browser is involved).

Every colour comes from :mod:`reserves.charts.palette` (colour-blind-safe sets, checked by
their colour differences under simulated protanopia and deuteranopia); the three actions
have the same colours in every figure: :data:`ACTION_COLORS`.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from reserves.charts.palette import (
    ACTION_COLORS,
    ACTION_ORDER,
    GAME_TYPE_COLORS,
    GREYS,
    PALETTE,
)

__all__ = [
    "ACTION_COLORS",
    "ACTION_ORDER",
    "GAME_TYPE_COLORS",
    "PALETTE",
    "THEME_NAME",
    "action_scale",
    "theme_config",
    "to_png",
    "to_svg",
]

#: name of the registered Altair theme
THEME_NAME = "reserves"

_FONT = "Helvetica, Arial, sans-serif"


def theme_config() -> dict[str, Any]:
    """The Vega-Lite ``config`` of the ``reserves`` theme (a fresh dict on every call)."""
    return {
        "config": {
            "background": "white",
            "font": _FONT,
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 320},
            "title": {
                "fontSize": 15,
                "fontWeight": 600,
                "anchor": "start",
                "offset": 10,
                "subtitleFontSize": 12,
                "subtitleColor": GREYS["subtitle"],
                "subtitlePadding": 4,
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "titleColor": GREYS["title"],
                "labelColor": GREYS["label"],
                "gridColor": GREYS["grid"],
                "domainColor": GREYS["axis"],
                "tickColor": GREYS["axis"],
            },
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "orient": "bottom",
                "direction": "horizontal",
            },
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "range": {"category": list(PALETTE)},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
        }
    }


def _register_theme() -> None:
    theme_api = getattr(alt, "theme", None)
    if theme_api is not None and hasattr(theme_api, "register"):  # Altair >= 5.5
        theme_api.register(THEME_NAME, enable=True)(theme_config)
    else:  # pragma: no cover - older Altair
        alt.themes.register(THEME_NAME, theme_config)
        alt.themes.enable(THEME_NAME)


_register_theme()


def action_scale(actions: Any = ACTION_ORDER) -> alt.Scale:
    """Colour scale mapping each action name to its fixed colour (:data:`ACTION_COLORS`)."""
    domain = [a for a in ACTION_ORDER if a in set(actions)] or list(ACTION_ORDER)
    return alt.Scale(domain=domain, range=[ACTION_COLORS[a] for a in domain])


def _spec_json(chart: Any) -> str:
    if hasattr(chart, "to_json"):
        return chart.to_json()
    import json

    return json.dumps(chart)


def to_png(chart: Any, *, scale: float = 2.0, ppi: float | None = None) -> bytes:
    """Render a chart (Altair object or Vega-Lite dict) to PNG bytes with ``vl-convert``.

    Parameters
    ----------
    chart:
        an :class:`altair.TopLevelMixin` chart or a Vega-Lite spec as a dict.
    scale:
        pixel multiplier (2 gives crisp images in documents).
    ppi:
        pixels per inch recorded in the PNG (optional).
    """
    import vl_convert as vlc

    kwargs: dict[str, Any] = {"scale": scale}
    if ppi is not None:
        kwargs["ppi"] = ppi
    return vlc.vegalite_to_png(_spec_json(chart), **kwargs)


def to_svg(chart: Any) -> str:
    """Render a chart (Altair object or Vega-Lite dict) to SVG text with ``vl-convert``."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(_spec_json(chart))
