"""Figures of the evidence-based sovereign layer (:mod:`reserves.sovereign.findings`).

Each function takes a plain result object and returns an Altair chart (nothing is rendered).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from reserves.charts.palette import ACTION_COLORS, ACTION_ORDER, PALETTE

__all__ = ["ferranti_chart", "predicted_chart", "theta_interval_chart"]


def predicted_chart(findings: Any) -> alt.Chart:
    """Stacked bars: each sovereign's fitted probabilities of accumulate / hold / sell, with the
    observed action and whether the left-out prediction was right in the tooltip."""
    rows = []
    for s in findings.to_dict()["sovereigns"]:
        for a in ACTION_ORDER:
            rows.append(
                {
                    "sovereign": s["name"],
                    "action": a,
                    "probability": s["predicted"][a],
                    "observed": s["observed_label"],
                    "left out": s["loo_predicted_action"]
                    + (
                        " (right)"
                        if s["loo_predicted_action"] == s["observed_action"]
                        else " (wrong)"
                    ),
                }
            )
    df = pd.DataFrame(rows)
    order = [s["name"] for s in findings.to_dict()["sovereigns"]]
    return (
        alt.Chart(df, title="Fitted probability of each action (observed action in the tooltip)")
        .mark_bar()
        .encode(
            y=alt.Y("sovereign:N", sort=order, title=None),
            x=alt.X(
                "probability:Q",
                axis=alt.Axis(format="%"),
                title="probability",
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "action:N",
                scale=alt.Scale(
                    domain=list(ACTION_ORDER), range=[ACTION_COLORS[a] for a in ACTION_ORDER]
                ),
                title="action",
            ),
            order=alt.Order("action:N"),
            tooltip=[
                "sovereign",
                "action",
                alt.Tooltip("probability:Q", format=".0%"),
                "observed",
                "left out",
            ],
        )
        .properties(width=420, height=18 * len(order))
    )


def theta_interval_chart(findings: Any) -> alt.Chart:
    """Rules: the interval of the strategic weight theta that makes each sovereign's observed
    action a best response (at its estimated fixed cost); missing rows cannot be rationalised."""
    rows = []
    for s in findings.to_dict()["sovereigns"]:
        iv = s["theta_interval_at_kappa_hat"]
        if iv is None:
            continue
        rows.append(
            {"sovereign": s["name"], "lo": iv[0], "hi": iv[1], "observed": s["observed_label"]}
        )
    df = pd.DataFrame(rows, columns=["sovereign", "lo", "hi", "observed"])
    est = findings.estimate.params["theta"]
    base = alt.Chart(df, title="Strategic weight θ consistent with each observed action")
    rules = base.mark_rule(strokeWidth=6, color=PALETTE[0]).encode(
        y=alt.Y("sovereign:N", title=None),
        x=alt.X("lo:Q", title="θ (strategic weight)"),
        x2="hi:Q",
        tooltip=[
            "sovereign",
            "observed",
            alt.Tooltip("lo:Q", format=".4f"),
            alt.Tooltip("hi:Q", format=".4f"),
        ],
    )
    mark = (
        alt.Chart(pd.DataFrame({"theta": [est]}))
        .mark_rule(strokeDash=[4, 3], color=PALETTE[3])
        .encode(x="theta:Q", tooltip=[alt.Tooltip("theta:Q", format=".4f", title="estimate")])
    )
    return (rules + mark).properties(width=420, height=18 * max(len(df), 1))


def ferranti_chart(replication: Any) -> alt.Chart:
    """Lines: the optimal bitcoin share of reserves against the sanctions probability, gold
    unconstrained and capped (the Ferranti 2025 replication)."""
    d = replication.to_dict()
    rows = []
    for k, p in enumerate(d["probs_pa"]):
        rows.append(
            {
                "sanctions probability per year": p,
                "case": "gold unconstrained",
                "bitcoin share": d["btc_share_free"][k],
            }
        )
        rows.append(
            {
                "sanctions probability per year": p,
                "case": f"gold capped at {100 * d['gold_cap']:.0f}%",
                "bitcoin share": d["btc_share_gold_capped"][k],
            }
        )
    df = pd.DataFrame(rows)
    return (
        alt.Chart(df, title="Optimal bitcoin share of reserves under sanctions risk")
        .mark_line(point=True)
        .encode(
            x=alt.X("sanctions probability per year:Q", axis=alt.Axis(format="%")),
            y=alt.Y("bitcoin share:Q", axis=alt.Axis(format="%")),
            color=alt.Color("case:N", scale=alt.Scale(range=[PALETTE[0], PALETTE[1]]), title=None),
            tooltip=[
                alt.Tooltip("sanctions probability per year:Q", format=".0%"),
                "case",
                alt.Tooltip("bitcoin share:Q", format=".1%"),
            ],
        )
        .properties(width=420, height=240)
    )
