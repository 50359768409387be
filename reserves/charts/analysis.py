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

from reserves.charts import ACTION_COLORS, PALETTE

__all__ = ["region_map_chart", "threshold_chart", "threshold_frame"]

#: fixed colours of the 2x2 game types (one per name in ``symbolic.GAME_TYPES``)
TYPE_COLORS: dict[str, str] = {
    "prisoners_dilemma": "#c0392b",
    "deadlock": "#7f8c8d",
    "harmony": "#2a9d8f",
    "stag_hunt": "#3b6fb6",
    "assurance": "#6c8ebf",
    "coordination": "#a8c5e8",
    "chicken": "#f7931a",
    "leader": "#e9c46a",
    "battle_of_the_sexes": "#8e6bbf",
    "matching_pennies": "#264653",
    "asymmetric_dilemma": "#e07a5f",
    "unilateral": "#b8b8b8",
    "coordination_hybrid": "#cfe0f3",
    "anticoordination_hybrid": "#f4d7a8",
    "degenerate": "#000000",
}


def region_map_chart(region: Any, *, title: str | None = None) -> alt.LayerChart:
    """Heat map of the 2x2 game type over two parameters (a :class:`RegionMap`), with the
    config's point marked."""
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
            x=alt.X(f"{x}:Q", title=x),
            x2="x2:Q",
            y=alt.Y(f"{y}:Q", title=y),
            y2="y2:Q",
            color=alt.Color(
                "game_type:N", title="game type", scale=alt.Scale(domain=domain, range=rng)
            ),
            tooltip=[f"{x}:Q", f"{y}:Q", "game_type:N"],
        )
    )
    layers: list[Any] = [base]
    if region.current is not None:
        pt = pd.DataFrame([{x: region.current[0], y: region.current[1], "label": "config"}])
        layers.append(
            alt.Chart(pt)
            .mark_point(shape="cross", size=160, color="white", strokeWidth=3)
            .encode(x=f"{x}:Q", y=f"{y}:Q", tooltip=["label:N"])
        )
    return alt.layer(*layers).properties(title=title or f"2x2 game type over {x} and {y}")


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
    rule = finite.mark_rule(color="#bbb", strokeWidth=2).encode(
        y=y, x=alt.X("value_plot:Q", scale=scale), x2="threshold_plot:Q"
    )
    star = finite.mark_point(shape="diamond", filled=True, size=90, color="black").encode(
        y=y, x=alt.X("threshold_plot:Q", scale=scale), tooltip=tooltip
    )
    off = (
        base.transform_filter("!isValid(datum.threshold_plot)")
        .mark_point(shape="triangle-left", filled=True, size=70, color="#888")
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
        align="left", baseline="middle", dx=14, fontSize=12, color="#333"
    ).encode(y=y, x=alt.X("right:Q", scale=scale), text="verdict:N")
    return alt.layer(rule, star, off, dots, words).properties(
        title=title
        or f"When does accumulating strictly dominate? {sym} of the config against {sym}*"
    )
