"""Figures of the symbolic analysis: the game-type region map and the dominance thresholds.

Both take plain results of :mod:`reserves.sovereign.symbolic` and return Altair charts (nothing is
rendered here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from reserves.charts.palette import ACTION_COLORS, GAME_TYPE_COLORS, GREYS, NEUTRAL, PALETTE

__all__ = ["PARAM_WORDS", "param_title", "region_map_chart", "threshold_chart", "threshold_frame"]

#: fixed colours of the 2x2 game types (see :mod:`reserves.charts.palette`)
TYPE_COLORS: dict[str, str] = GAME_TYPE_COLORS


#: plain names of the payoff parameters (axis titles)
PARAM_WORDS: dict[str, str] = {
    "theta": "strategic weight θ",
    "kappa": "political cost κ",
    "V": "value belief V",
    "r": "cost of capital r",
    "gamma": "risk aversion γ",
    "alpha": "buy share α",
    "phi": "sell share φ",
}


def param_title(name: str, players: Sequence[str] | None = None) -> str:
    """Axis title of a region-map parameter: ``"theta_1"`` reads "strategic weight θ of the
    first sovereign" (or of ``players[0]`` when the names are given)."""
    base, _, idx = name.rpartition("_")
    if not base or not idx.isdigit():
        return PARAM_WORDS.get(name, name)
    k = int(idx) - 1
    who = (
        players[k]
        if players is not None and 0 <= k < len(players)
        else {0: "the first sovereign", 1: "the second sovereign"}.get(k, f"sovereign {k + 1}")
    )
    return f"{PARAM_WORDS.get(base, base)} of {who}"


def region_map_chart(
    region: Any, *, title: str | None = None, players: Sequence[str] | None = None
) -> alt.LayerChart:
    """Heat map of the 2x2 game type over two parameters (a :class:`RegionMap`), with the
    config's point marked (a black-and-white cross, visible on every type colour).

    Axis titles are plain words (:func:`param_title`; ``players`` names the two sovereigns),
    game types are coloured by :data:`reserves.charts.palette.GAME_TYPE_COLORS` and named
    without underscores."""
    df = region.to_frame()
    x, y = region.x_param, region.y_param
    present = [t for t in TYPE_COLORS if t in set(df["game_type"])]
    others = sorted(set(df["game_type"]) - set(present))
    domain = present + others
    rng = [TYPE_COLORS.get(t, PALETTE[k % len(PALETTE)]) for k, t in enumerate(domain)]
    dx = float(region.x_values[1] - region.x_values[0]) if len(region.x_values) > 1 else 1.0
    dy = float(region.y_values[1] - region.y_values[0]) if len(region.y_values) > 1 else 1.0
    # cells overlap by 2% so no anti-aliasing seams show between them
    df = df.assign(x2=df[x] + 1.02 * dx, y2=df[y] + 1.02 * dy)
    base = (
        alt.Chart(df)
        .mark_rect(strokeWidth=0)
        .encode(
            x=alt.X(f"{x}:Q", title=param_title(x, players)),
            x2="x2:Q",
            y=alt.Y(f"{y}:Q", title=param_title(y, players)),
            y2="y2:Q",
            color=alt.Color(
                "game_type:N",
                title="game type",
                scale=alt.Scale(domain=domain, range=rng),
                legend=alt.Legend(labelExpr="replace(datum.label, /_/g, ' ')", columns=4),
            ),
            tooltip=[
                alt.Tooltip(f"{x}:Q", title=param_title(x, players), format=",.4~g"),
                alt.Tooltip(f"{y}:Q", title=param_title(y, players), format=",.4~g"),
                alt.Tooltip("game_type:N", title="game type"),
            ],
        )
    )
    layers: list[Any] = [base]
    if region.current is not None:
        pt = pd.DataFrame([{x: region.current[0], y: region.current[1], "label": "config"}])
        for color, size in (("white", 260), ("black", 120)):
            layers.append(
                alt.Chart(pt)
                .mark_point(shape="cross", size=size, color=color, filled=True, opacity=1)
                .encode(x=f"{x}:Q", y=f"{y}:Q", tooltip=["label:N"])
            )
    if title is None:
        who = " and ".join(players[:2]) if players else "the two sovereigns"
        title = f"The game {who} play (+: the config)"
    return alt.layer(*layers).properties(title=title)


#: Greek letters of the analysis parameters (chart labels)
_SYMBOLS = {"theta": "θ", "kappa": "κ", "gamma": "γ", "alpha": "α"}


def _verdict(t: Any) -> tuple[float, str]:
    """``(param* to plot or nan, a plain verdict)`` for one :class:`DominanceThreshold`.

    The parameters are non-negative, so a threshold at or below 0 means "always" ("above") or
    "never" ("below") on the admissible range.
    """
    p = _SYMBOLS.get(t.param, t.param)
    direction = getattr(t, "direction", "above" if math.isfinite(t.lower) else "none")
    if not t.feasible:
        return math.nan, "never dominant"
    if direction == "above":
        thr = float(t.lower)
        if thr <= 0:
            return math.nan, f"dominant for every {p} ≥ 0 ({p}* = {thr:.3g})"
        return thr, f"dominant for {p} > {thr:.3g}"
    if direction == "below":
        thr = float(t.upper)
        if thr <= 0:
            return math.nan, f"never for {p} ≥ 0 ({p}* = {thr:.3g})"
        return thr, f"dominant for {p} < {thr:.3g}"
    return math.nan, "dominant for every value"


def threshold_frame(thresholds: Sequence[Any]) -> pd.DataFrame:
    """One row per sovereign: its parameter value, threshold ``param*`` (the binding bound:
    ``lower`` above which, or ``upper`` below which accumulating strictly dominates; ``nan``
    when infinite), whether accumulating dominates at the config's value, and the verdict."""
    rows = []
    for t in thresholds:
        direction = getattr(t, "direction", "above")
        raw = t.upper if direction == "below" else t.lower
        _, verdict = _verdict(t)
        rows.append(
            {
                "sovereign": t.player,
                "param": t.param,
                "value": t.value,
                "threshold": float(raw) if math.isfinite(raw) else float("nan"),
                "accumulate_dominant": bool(t.holds),
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


def threshold_chart(thresholds: Sequence[Any], *, title: str | None = None) -> alt.LayerChart:
    """Dot plot per sovereign: the config's value of the parameter (circle, orange where
    accumulating strictly dominates, blue where not) against its threshold ``param*`` (black
    diamond), joined by a line, on a log axis; right of the axis, the verdict in words.

    Thresholds that cannot sit on a log axis are annotated instead of drawn: ``param* <= 0``
    ("dominant for every value >= 0", or "never" for an upper bound) and infeasible ones
    ("never dominant"); they get a grey triangle at the axis' left edge. Config values of 0 are
    drawn at the left edge too (the tooltip keeps the true value).
    """
    df = threshold_frame(thresholds)
    param = str(df["param"].iloc[0]) if len(df) else "theta"
    sym = _SYMBOLS.get(param, param)
    plot_thr = [_verdict(t)[0] for t in thresholds]
    df = df.assign(threshold_plot=plot_thr)
    pos = pd.concat([df["value"][df["value"] > 0], df["threshold_plot"].dropna()])
    pos = pos[pos > 0]
    lo = float(pos.min()) / 3 if len(pos) else 1e-3
    hi = float(pos.max()) * 3 if len(pos) else 1.0
    df = df.assign(
        value_plot=df["value"].clip(lower=lo),
        edge=lo * 1.3,
        right=hi,
        status=[
            "accumulate dominates" if h else "accumulate does not dominate"
            for h in df["accumulate_dominant"]
        ],
    )
    order = list(df["sovereign"])
    y = alt.Y("sovereign:N", sort=order, title=None)
    scale = alt.Scale(type="log", domain=[lo, hi], clamp=True)
    color = alt.Color(
        "status:N",
        title=None,
        legend=alt.Legend(labelLimit=0),
        scale=alt.Scale(
            domain=["accumulate dominates", "accumulate does not dominate"],
            range=[ACTION_COLORS["accumulate"], ACTION_COLORS["sell"]],
        ),
    )
    tooltip = [
        "sovereign:N",
        alt.Tooltip("value:Q", title=f"{param} (config)", format=".4g"),
        alt.Tooltip("threshold:Q", title=f"{param}*", format=".4g"),
        "verdict:N",
    ]
    base = alt.Chart(df).properties(width=420, height=24 * max(len(df), 1))
    finite = base.transform_filter("isValid(datum.threshold_plot)")
    rule = finite.mark_rule(color=GREYS["rule"], strokeWidth=2).encode(
        y=y, x=alt.X("value_plot:Q", scale=scale), x2="threshold_plot:Q"
    )
    star = finite.mark_point(shape="diamond", filled=True, size=90, color="black").encode(
        y=y, x=alt.X("threshold_plot:Q", scale=scale), tooltip=tooltip
    )
    off = (
        base.transform_filter("!isValid(datum.threshold_plot)")
        .mark_point(shape="triangle-left", filled=True, size=70, color=NEUTRAL)
        .encode(y=y, x=alt.X("edge:Q", scale=scale), tooltip=tooltip)
    )
    dots = base.mark_circle(size=110, opacity=1).encode(
        y=y,
        x=alt.X(
            "value_plot:Q",
            scale=scale,
            title=f"{sym} of the config (circle) and {sym}* (diamond), log scale",
            axis=alt.Axis(format="~s" if hi > 1e4 else "~g", grid=False),
        ),
        color=color,
        tooltip=tooltip,
    )
    words = base.mark_text(
        align="left", baseline="middle", dx=14, fontSize=12, color=GREYS["title"]
    ).encode(y=y, x=alt.X("right:Q", scale=scale), text="verdict:N")
    return alt.layer(rule, star, off, dots, words).properties(
        title=title
        or f"When does accumulating strictly dominate? {sym} of the config against {sym}*"
    )
