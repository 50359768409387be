"""Roster figures: who the sovereigns are, what they play in equilibrium, two-player payoffs.

Every function takes plain library objects (a config, a :class:`~reserves.nash.result.SolveResult`,
a normal-form :class:`~reserves.nash.normal_form.Game`) and returns an Altair chart; nothing is
rendered here. Money is shown in billions of US dollars (``$bn``) and bitcoin in thousands of
BTC, the units a briefing reader thinks in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from reserves.charts import ACTION_COLORS, ACTION_ORDER, action_scale
from reserves.charts.palette import PALETTE

__all__ = [
    "best_response_chart",
    "equilibria_chart",
    "payoff_frame",
    "payoff_heatmap",
    "roster_chart",
    "roster_frame",
]

_ROSTER_FIELDS: tuple[str, ...] = (
    "name",
    "kind",
    "reserves_usd",
    "holdings_btc",
    "max_buy_share",
    "sell_share",
    "strategic_weight",
    "cost_of_capital_pa",
    "risk_aversion",
    "political_cost_usd",
)


def roster_frame(config: Any) -> pd.DataFrame:
    """One row per sovereign of ``config`` with the editable numeric fields (units in names)."""
    rows = [{k: getattr(s, k) for k in _ROSTER_FIELDS} for s in config.sovereigns]
    return pd.DataFrame(rows, columns=list(_ROSTER_FIELDS))


def roster_chart(config: Any, *, players: Sequence[str] | None = None) -> alt.HConcatChart:
    """Reserves (USD bn, log scale) beside bitcoin held (thousand BTC) and the buy ticket.

    The buy ticket is ``alpha_i W_i``, the cash sovereign ``i`` moves into bitcoin when it
    accumulates (MODEL.md section 2). Sovereigns outside ``players`` are drawn faded.
    """
    price = float(config.market.price_usd)
    playing = set(players) if players is not None else {s.name for s in config.sovereigns}
    rows = []
    for s in config.sovereigns:
        rows.append(
            {
                "sovereign": s.name,
                "reserves_bn": s.reserves_usd / 1e9,
                "holdings_kbtc": s.holdings_btc / 1e3,
                "holdings_value_bn": s.holdings_btc * price / 1e9,
                "buy_ticket_bn": s.max_buy_share * s.reserves_usd / 1e9,
                "plays": "plays" if s.name in playing else "sits out",
            }
        )
    df = pd.DataFrame(rows)
    order = df.sort_values("reserves_bn", ascending=False)["sovereign"].tolist()
    y = alt.Y("sovereign:N", sort=order, title=None, axis=alt.Axis(labelLimit=180))
    opacity = alt.Opacity(
        "plays:N", scale=alt.Scale(domain=["plays", "sits out"], range=[1.0, 0.3]), legend=None
    )
    base = alt.Chart(df).properties(width=230, height=max(160, 22 * len(df)))
    # a log axis has no zero: the bars start at $0.1bn
    reserves = (
        base.mark_bar(color=PALETTE[0])
        .transform_calculate(origin="0.1")
        .encode(
            x=alt.X(
                "reserves_bn:Q",
                title="Reserves, $bn (log scale)",
                scale=alt.Scale(type="log", domainMin=0.1),
                axis=alt.Axis(values=[0.1, 1, 10, 100, 1000, 10000], format=",~g"),
            ),
            x2="origin:Q",
            y=y,
            opacity=opacity,
            tooltip=[
                alt.Tooltip("sovereign:N"),
                alt.Tooltip("reserves_bn:Q", title="reserves $bn", format=",.1f"),
                alt.Tooltip("buy_ticket_bn:Q", title="buy ticket $bn", format=",.2f"),
            ],
        )
    )
    holdings = base.mark_bar(color=ACTION_COLORS["accumulate"]).encode(
        x=alt.X("holdings_kbtc:Q", title="Bitcoin held, thousand BTC"),
        y=alt.Y("sovereign:N", sort=order, axis=None),
        opacity=opacity,
        tooltip=[
            alt.Tooltip("sovereign:N"),
            alt.Tooltip("holdings_kbtc:Q", title="thousand BTC", format=",.1f"),
            alt.Tooltip("holdings_value_bn:Q", title="value $bn at P0", format=",.1f"),
        ],
    )
    ticket = base.mark_bar(color=PALETTE[2]).encode(
        x=alt.X("buy_ticket_bn:Q", title="Buy ticket αW, $bn"),
        y=alt.Y("sovereign:N", sort=order, axis=None),
        opacity=opacity,
        tooltip=[
            alt.Tooltip("sovereign:N"),
            alt.Tooltip("buy_ticket_bn:Q", title="buy ticket $bn", format=",.2f"),
        ],
    )
    return alt.hconcat(reserves, holdings, ticket, spacing=12).properties(
        title=f"The roster: {len(playing)} of {len(df)} sovereigns play"
    )


def _equilibria_rows(result: Any, max_equilibria: int) -> list[dict[str, Any]]:
    rows = []
    for k, eq in enumerate(result.equilibria[:max_equilibria]):
        for i, (name, strat) in enumerate(zip(result.players, eq.strategies, strict=True)):
            acts = result.actions[i]
            j = int(np.argmax(strat))
            prob = float(strat[j])
            rows.append(
                {
                    "equilibrium": f"#{k + 1}",
                    "order": k,
                    "sovereign": name,
                    "action": acts[j],
                    "probability": prob,
                    "played": acts[j] if prob >= 1 - 1e-9 else f"{acts[j]} {prob:.0%}",
                    "regret": float(eq.regret),
                }
            )
    return rows


def equilibria_chart(result: Any, *, max_equilibria: int = 40) -> alt.Chart:
    """Grid of equilibria (rows) by sovereign (columns), coloured by the action played.

    A mixed strategy shows its most likely action, faded by its probability; the tooltip gives
    the probability and the equilibrium's max regret (USD).
    """
    rows = _equilibria_rows(result, max_equilibria)
    n_eq = min(len(result.equilibria), max_equilibria)
    if not rows:
        return (
            alt.Chart(pd.DataFrame({"text": ["no equilibrium found"]}))
            .mark_text(fontSize=14)
            .encode(text="text:N")
            .properties(width=300, height=60)
        )
    df = pd.DataFrame(rows)
    actions = sorted(set(df["action"]), key=lambda a: ACTION_ORDER.index(a))
    return (
        alt.Chart(df)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X(
                "sovereign:N",
                sort=list(result.players),
                title=None,
                axis=alt.Axis(labelAngle=-35, labelLimit=160, orient="top"),
            ),
            y=alt.Y("equilibrium:N", sort=alt.SortField("order"), title="Equilibrium"),
            color=alt.Color("action:N", scale=action_scale(actions), title="Action"),
            opacity=alt.Opacity(
                "probability:Q", scale=alt.Scale(domain=[0, 1], range=[0.25, 1]), legend=None
            ),
            tooltip=[
                "equilibrium:N",
                "sovereign:N",
                "played:N",
                alt.Tooltip("regret:Q", title="max regret (USD)", format=".3g"),
            ],
        )
        .properties(
            width=max(200, 44 * len(result.players)),
            height=max(36, 30 * n_eq),
            title="What each sovereign plays in each equilibrium",
        )
    )


def payoff_frame(game: Any, result: Any | None = None) -> pd.DataFrame:
    """Long table of a two-player game: one row per (row action, column action, player)."""
    if game.num_players != 2:
        raise ValueError(
            f"a payoff matrix needs exactly 2 players, the game has {game.num_players}"
        )
    eq_cells: set[tuple[int, int]] = set()
    if result is not None:
        for eq in result.equilibria:
            if eq.pure:
                eq_cells.add(tuple(int(np.argmax(s)) for s in eq.strategies))  # type: ignore[arg-type]
    a_name, b_name = game.players
    rows = []
    for r, ra in enumerate(game.actions[0]):
        for c, ca in enumerate(game.actions[1]):
            for p, pname in enumerate(game.players):
                rows.append(
                    {
                        "row_action": ra,
                        "col_action": ca,
                        "player": f"Payoff to {pname}",
                        "payoff_bn": float(game.payoffs[p][r, c]) / 1e9,
                        "equilibrium": (r, c) in eq_cells,
                        "row_player": a_name,
                        "col_player": b_name,
                    }
                )
    return pd.DataFrame(rows)


def payoff_heatmap(game: Any, result: Any | None = None) -> alt.HConcatChart:
    """Two-player payoff matrix as two heatmaps (payoff to each player, USD bn).

    Rows are the first player's actions, columns the second's; the colour is the payoff
    relative to that player's own range; cells that are pure Nash equilibria of ``result`` carry
    a black frame and a star.
    """
    df = payoff_frame(game, result)
    a_name, b_name = game.players
    panels = []
    for pname in game.players:
        sub = df[df["player"] == f"Payoff to {pname}"].copy()
        lo, hi = sub["payoff_bn"].min(), sub["payoff_bn"].max()
        # position within the colour range: the darkest cells get white text
        sub["shade"] = (sub["payoff_bn"] - lo) / (hi - lo) if hi > lo else 0.5
        base = alt.Chart(sub).encode(
            x=alt.X(
                "col_action:N",
                sort=list(game.actions[1]),
                title=f"{b_name} plays",
                axis=alt.Axis(labelAngle=0, orient="top"),
            ),
            y=alt.Y("row_action:N", sort=list(game.actions[0]), title=f"{a_name} plays"),
        )
        heat = base.mark_rect(stroke="white", strokeWidth=2).encode(
            color=alt.Color(
                "payoff_bn:Q",
                scale=alt.Scale(scheme="blueorange"),
                title=f"{pname}, $bn",
                legend=alt.Legend(orient="bottom", gradientLength=200),
            ),
            tooltip=[
                alt.Tooltip("row_action:N", title=a_name),
                alt.Tooltip("col_action:N", title=b_name),
                alt.Tooltip("payoff_bn:Q", title=f"payoff to {pname}, $bn", format=",.3f"),
                alt.Tooltip("equilibrium:N", title="pure Nash equilibrium"),
            ],
        )
        frame = (
            base.transform_filter(alt.datum.equilibrium)
            .mark_rect(fill=None, stroke="black", strokeWidth=3)
            .encode()
        )
        text = (
            base.mark_text(fontSize=14, fontWeight=600)
            .encode(
                text=alt.Text("label:N"),
                color=alt.condition(
                    "datum.shade < 0.25 || datum.shade > 0.75",
                    alt.value("white"),
                    alt.value("black"),
                ),
            )
            .transform_calculate(
                label="format(datum.payoff_bn, ',.2f') + (datum.equilibrium ? ' ★' : '')"
            )
        )
        panels.append(
            (heat + frame + text).properties(
                width=110 * len(game.actions[1]),
                height=70 * len(game.actions[0]),
                title=f"Payoff to {pname} ($bn)",
            )
        )
    return alt.hconcat(*panels, spacing=40).resolve_scale(color="independent")


def best_response_chart(paths: Sequence[Any], action_labels: Sequence[str]) -> alt.Chart:
    """Best-response paths: sovereigns taking each action, round by round, from each start.

    ``paths`` are :class:`~reserves.sovereign.aggregative.BestResponsePath` objects whose profiles
    are indices into ``action_labels`` (the game's ``action_labels``).
    """
    rows = []
    for path in paths:
        for rnd, prof in enumerate(path.profiles):
            labels = [action_labels[k] for k in prof]
            for a in action_labels:
                rows.append(
                    {
                        "start": path.start.replace("_", " "),
                        "round": rnd,
                        "action": a,
                        "sovereigns": labels.count(a),
                    }
                )
    df = pd.DataFrame(rows)
    actions = [a for a in ACTION_ORDER if a in action_labels]
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("round:Q", title="Round", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("sovereigns:Q", title="Sovereigns", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("action:N", scale=action_scale(actions), title="Action"),
            column=alt.Column("start:N", title="Best responses starting from"),
            tooltip=["start:N", "round:Q", "action:N", "sovereigns:Q"],
        )
        .properties(width=180, height=160)
    )
