"""Figures of the symbolic analysis: the game-type region map and the dominance thresholds.

Both take plain results of :mod:`reserves.game.symbolic` and return Altair charts (nothing is
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
    df = df.assign(x2=df[x] + dx, y2=df[y] + dy)
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


def threshold_frame(thresholds: Sequence[Any]) -> pd.DataFrame:
    """One row per sovereign: its parameter value, threshold and whether accumulating dominates."""
    rows = []
    for t in thresholds:
        lo = t.lower if math.isfinite(t.lower) else float("nan")
        rows.append(
            {
                "sovereign": t.player,
                "param": t.param,
                "value": t.value,
                "threshold": lo,
                "accumulate_dominant": bool(t.holds),
            }
        )
    return pd.DataFrame(rows)


def threshold_chart(thresholds: Sequence[Any], *, title: str | None = None) -> alt.LayerChart:
    """Per sovereign: the config's value of the parameter (bar) against the threshold above
    which accumulating strictly dominates (tick); log scale, orange where C14 holds."""
    df = threshold_frame(thresholds)
    param = str(df["param"].iloc[0]) if len(df) else "theta"
    pos = df[df["threshold"] > 0]
    floor = (
        float(min(df["value"][df["value"] > 0].min(), pos["threshold"].min())) / 2
        if len(pos)
        else 1e-4
    )
    df = df.assign(value_plot=df["value"].clip(lower=floor))
    order = list(df["sovereign"])
    scale = alt.Scale(type="log")
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("sovereign:N", sort=order, title=None),
            x=alt.X("value_plot:Q", scale=scale, title=f"{param} (bar) and {param}* (tick), log"),
            color=alt.Color(
                "accumulate_dominant:N",
                title="accumulate dominant",
                scale=alt.Scale(
                    domain=[True, False], range=[ACTION_COLORS["accumulate"], ACTION_COLORS["sell"]]
                ),
            ),
            tooltip=["sovereign:N", "value:Q", "threshold:Q", "accumulate_dominant:N"],
        )
    )
    ticks = (
        alt.Chart(pos)
        .mark_tick(color="black", thickness=3, size=18)
        .encode(y=alt.Y("sovereign:N", sort=order), x=alt.X("threshold:Q", scale=scale))
    )
    return alt.layer(bars, ticks).properties(
        title=title or "Strategic weight against the threshold for accumulating to dominate"
    )
