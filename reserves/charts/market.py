"""Market figures: the liquidation ladder, cascade rounds, trough against shock with and
without sovereign bids, and the fragility ratio against leverage (MODEL.md section 5).

Every function takes a plain market-layer object and returns an :class:`altair.Chart`;
nothing is rendered here. Money in $bn on flow axes, prices in USD.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from reserves.charts.palette import NEUTRAL, SERIES_COLORS

__all__ = ["cascade_rounds_chart", "fragility_chart", "ladder_chart", "trough_chart"]


def ladder_chart(ladder: Any, *, min_price_ratio: float = 0.5) -> alt.Chart:
    """Cumulative USD liquidated as the price moves from ``P0`` (longs below, shorts above)."""
    p0 = ladder.start_price_usd
    lo = ladder.long_prices_usd >= min_price_ratio * p0
    hi = ladder.short_prices_usd <= p0 / min_price_ratio
    df = pd.concat(
        [
            pd.DataFrame(
                {
                    "price_usd": ladder.long_prices_usd[lo],
                    "side": "longs (sold on the way down)",
                    "liquidated_bn": ladder.long_cum_usd[lo] / 1e9,
                }
            ),
            pd.DataFrame(
                {
                    "price_usd": ladder.short_prices_usd[hi],
                    "side": "shorts (bought on the way up)",
                    "liquidated_bn": ladder.short_cum_usd[hi] / 1e9,
                }
            ),
        ]
    )
    base = (
        alt.Chart(df)
        .mark_line()
        .encode(
            x=alt.X("price_usd:Q", title="price (USD)", scale=alt.Scale(zero=False)),
            y=alt.Y("liquidated_bn:Q", title="cumulative liquidations ($bn)"),
            color=alt.Color("side:N", title=None),
            tooltip=[
                "side:N",
                alt.Tooltip("price_usd:Q", format=",.0f"),
                alt.Tooltip("liquidated_bn:Q", format=".2f"),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"p0": [p0]})).mark_rule(strokeDash=[4, 4]).encode(x="p0:Q")
    return (base + rule).properties(title="Leverage ladder", width=520, height=280)


def cascade_rounds_chart(result: Any) -> alt.Chart:
    """Price after each round of one cascade (:class:`~reserves.market.CascadeResult`)."""
    df = result.to_frame()
    df = pd.concat(
        [
            pd.DataFrame(
                {"round": [0], "price_usd": [result.start_price_usd], "long_liquidated_usd": [0.0]}
            ),
            df,
        ],
        ignore_index=True,
    )
    df["long_liquidated_bn"] = df["long_liquidated_usd"] / 1e9
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("round:Q", title="round", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("price_usd:Q", title="price (USD)", scale=alt.Scale(zero=False)),
            tooltip=[
                "round:Q",
                alt.Tooltip("price_usd:Q", format=",.0f"),
                alt.Tooltip("long_liquidated_bn:Q", format=".2f", title="longs liquidated $bn"),
            ],
        )
        .properties(
            title=f"Cascade rounds: ${result.shock_usd / 1e6:,.0f}M outflow", width=520, height=260
        )
    )


def trough_chart(curves: Any) -> alt.Chart:
    """Trough against shock size with and without sovereign bids (:class:`FloorCurves`)."""
    F = np.asarray(curves.shock_usd) / 1e9
    df = pd.concat(
        [
            pd.DataFrame(
                {
                    "shock_bn": F,
                    "trough_usd": curves.trough_without_usd,
                    "case": "without sovereigns",
                }
            ),
            pd.DataFrame(
                {"shock_bn": F, "trough_usd": curves.trough_with_usd, "case": "with sovereigns"}
            ),
        ]
    )
    lines = (
        alt.Chart(df)
        .mark_line()
        .encode(
            x=alt.X("shock_bn:Q", title="real net outflow ($bn)"),
            y=alt.Y("trough_usd:Q", title="trough (USD per BTC)", axis=alt.Axis(format="$,.0f")),
            color=alt.Color(
                "case:N",
                title=None,
                scale=alt.Scale(
                    domain=["with sovereigns", "without sovereigns"],
                    range=[SERIES_COLORS["with sovereigns"], SERIES_COLORS["without sovereigns"]],
                ),
            ),
            tooltip=[
                alt.Tooltip("case:N", title="case"),
                alt.Tooltip("shock_bn:Q", format=",.2f", title="outflow ($bn)"),
                alt.Tooltip("trough_usd:Q", format="$,.0f", title="trough"),
            ],
        )
    )
    level = (
        alt.Chart(pd.DataFrame({"level": [curves.level_usd]}))
        .mark_rule(strokeDash=[4, 4], color=NEUTRAL)
        .encode(y="level:Q")
    )
    return (lines + level).properties(title="Price floor against shock size", width=520, height=280)


def fragility_chart(curve: Any) -> alt.Chart:
    """Fragility ratio (C4) against mean leverage (:class:`FragilityCurve`)."""
    df = curve.to_frame()
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("mean_leverage:Q", title="mean leverage of the ladder"),
            y=alt.Y("fragility_ratio:Q", title="liquidations / outflow"),
            tooltip=[
                alt.Tooltip("leverage_scale:Q", format=".2f"),
                alt.Tooltip("fragility_ratio:Q", format=".2f"),
                alt.Tooltip("trough_usd:Q", format=",.0f"),
            ],
        )
        .properties(
            title=f"Fragility ratio, ${curve.shock_usd / 1e6:,.0f}M outflow", width=520, height=260
        )
    )
