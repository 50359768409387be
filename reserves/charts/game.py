"""Figures for correlated equilibria, dynamics and the sovereign demand schedule.

Every function takes a library result object and returns an Altair chart (never rendered here):

- :func:`correlated_chart`: the support of a (coarse) correlated equilibrium as a heat table
  (profiles x players, coloured by action) beside a bar of each profile's probability;
- :func:`correlated_heatmap`: a 2-player game's payoff table with the correlated distribution
  as the cell colour and both payoffs as text;
- :func:`dynamics_chart`: a run of :mod:`reserves.nash.dynamics` (probability of each action
  over time, one panel per player);
- :func:`phase_chart`: a 2x2 run in the unit square (probability of each player's first action);
- :func:`basins_chart`: starting points coloured by the equilibrium they reach (2 players);
- :func:`adoption_chart`: who plays what in each round of the adoption path, with total demand;
- :func:`demand_schedule_chart`: ``D(P)`` with its band over equilibria ($bn against price).

Money is shown in billions of US dollars and prices in US dollars per bitcoin.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from reserves.charts.palette import ACTION_COLORS, ACTION_ORDER, GREYS, PALETTE
from reserves.units import usd_short

__all__ = [
    "adoption_chart",
    "basins_chart",
    "correlated_chart",
    "correlated_heatmap",
    "demand_schedule_chart",
    "dynamics_chart",
    "dynamics_frame",
    "phase_chart",
]


def _action_color(actions: Any) -> alt.Scale:
    names = list(dict.fromkeys(actions))
    known = [a for a in ACTION_ORDER if a in names]
    other = [a for a in names if a not in ACTION_COLORS]
    domain = known + other
    rng = [ACTION_COLORS[a] for a in known] + [PALETTE[k % len(PALETTE)] for k in range(len(other))]
    return alt.Scale(domain=domain, range=rng)


def correlated_chart(result: Any, *, max_profiles: int = 30) -> alt.HConcatChart:
    """Support of a :class:`~reserves.nash.correlated.CorrelatedResult`: a heat table of the
    recommended profiles (rows, by decreasing probability) beside their probabilities."""
    order = np.argsort(-result.probabilities, kind="stable")[:max_profiles]
    names = result.profile_names()
    rows, bars = [], []
    for rank, k in enumerate(order):
        label = f"#{rank + 1}"
        bars.append({"profile": label, "prob": float(result.probabilities[k])})
        for player, action in zip(result.players, names[k], strict=True):
            rows.append({"profile": label, "player": player, "action": action})
    heat_df, bar_df = pd.DataFrame(rows), pd.DataFrame(bars)
    sort = [f"#{r + 1}" for r in range(len(order))]
    heat = (
        alt.Chart(heat_df)
        .mark_rect()
        .encode(
            x=alt.X("player:N", sort=list(result.players), title=None),
            y=alt.Y("profile:N", sort=sort, title="recommended profile"),
            color=alt.Color("action:N", scale=_action_color(heat_df["action"]), title="action"),
            tooltip=["profile", "player", "action"],
        )
        .properties(width=max(240, 22 * len(result.players)))
    )
    bar = (
        alt.Chart(bar_df)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("prob:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("profile:N", sort=sort, title=None, axis=alt.Axis(labels=False)),
            tooltip=["profile", alt.Tooltip("prob:Q", format=".4f")],
        )
        .properties(width=220)
    )
    return alt.hconcat(heat, bar).properties(
        title=alt.TitleParams(
            f"{result.kind.capitalize()} equilibrium",
            subtitle=_objective_caption(result.objective, result.objective_value),
        )
    )


#: plain names of the correlated-equilibrium objectives
_OBJECTIVE_WORDS = {
    "welfare": "total expected payoff",
    "demand-max": "largest expected sovereign demand",
    "demand-min": "smallest expected sovereign demand",
    "feasible": "any distribution that satisfies the constraints",
}


def _objective_caption(objective: str, value: float | None) -> str:
    """``"objective: total expected payoff, $16bn"`` (values of every objective are in USD)."""
    words = _OBJECTIVE_WORDS.get(objective, objective)
    return f"objective: {words}" + ("" if value is None else f", {usd_short(value)}")


def correlated_heatmap(game: Any, result: Any) -> alt.LayerChart:
    """A 2-player game's payoff table coloured by the correlated distribution ``p(a, b)``.

    Each cell reads, on three lines, the probability and both players' payoffs in short US
    dollar form (:func:`reserves.units.usd_short`: ``$1.2bn``), so labels never overlap
    whatever the payoff scale."""
    if game.num_players != 2:
        from reserves.errors import ReservesError

        raise ReservesError(
            f"the heatmap is for 2-player games; this one has {game.num_players}",
            field="game",
            fix="use correlated_chart",
        )
    p = result.dense()
    p1, p2 = game.players[0], game.players[1]
    rows = []
    for r, ra in enumerate(game.actions[0]):
        for c, ca in enumerate(game.actions[1]):
            u1, u2 = float(game.payoffs[0, r, c]), float(game.payoffs[1, r, c])
            rows.append(
                {
                    "row": ra,
                    "col": ca,
                    "prob": float(p[r, c]),
                    "u_row": u1,
                    "u_col": u2,
                    "label": f"p = {p[r, c]:.2f}\n{_short(p1)}: {usd_short(u1)}\n"
                    f"{_short(p2)}: {usd_short(u2)}",
                }
            )
    df = pd.DataFrame(rows)
    base = alt.Chart(df).encode(
        x=alt.X(
            "col:N",
            sort=list(game.actions[1]),
            title=p2,
            axis=alt.Axis(labelAngle=0, orient="top"),
        ),
        y=alt.Y("row:N", sort=list(game.actions[0]), title=p1),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "prob:Q", scale=alt.Scale(scheme="oranges", domain=[0, 1]), title="probability"
        ),
        tooltip=[
            "row",
            "col",
            alt.Tooltip("prob:Q", format=".4f"),
            alt.Tooltip("u_row:Q", title=f"{p1} payoff (USD)", format=",.4g"),
            alt.Tooltip("u_col:Q", title=f"{p2} payoff (USD)", format=",.4g"),
        ],
    )
    text = base.mark_text(fontSize=12, lineBreak="\n", lineHeight=16).encode(
        text="label:N",
        color=alt.condition("datum.prob > 0.55", alt.value("white"), alt.value(GREYS["ink"])),
    )
    return (rect + text).properties(
        width=170 * len(game.actions[1]),
        height=80 * len(game.actions[0]),
        title=f"{result.kind.capitalize()} equilibrium over the payoff table",
    )


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


#: Altair's default ``max_rows``: a chart with more data rows raises ``MaxRowsError``
MAX_ROWS = 5000


def dynamics_frame(run: Any, *, max_rows: int = MAX_ROWS - 1) -> pd.DataFrame:
    """Long frame ``time, player, action, prob`` of a run, downsampled to at most ``max_rows``
    rows: evenly spaced steps, always keeping the first and the last."""
    tr = np.asarray(run.trajectory)
    times = np.asarray(run.times)
    cols = [(p, a) for p, acts in zip(run.players, run.actions, strict=True) for a in acts]
    n_t, n_c = tr.shape[0], len(cols)
    keep = max(2, max_rows // max(n_c, 1))
    if n_t > keep:
        idx = np.unique(np.linspace(0, n_t - 1, keep).round().astype(int))
        tr, times = tr[idx], times[idx]
    n_t = tr.shape[0]
    return pd.DataFrame(
        {
            "time": np.repeat(times.astype(float), n_c),
            "player": np.tile([c[0] for c in cols], n_t),
            "action": np.tile([c[1] for c in cols], n_t),
            "prob": tr.ravel().astype(float),
        }
    )


def dynamics_chart(run: Any) -> alt.FacetChart:
    """Probability of each action over time, one panel per player
    (:class:`~reserves.nash.dynamics.DynamicsResult`); the trajectory is downsampled by
    :func:`dynamics_frame` so the chart stays under Altair's 5,000-row limit."""
    df = dynamics_frame(run)
    xtitle = "time (1 / payoff spread)" if run.method == "replicator-ode" else "step"
    return (
        alt.Chart(df)
        .mark_line()
        .encode(
            x=alt.X("time:Q", title=xtitle),
            y=alt.Y("prob:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("action:N", scale=_action_color(df["action"]), title="action"),
            tooltip=["player", "action", "time", alt.Tooltip("prob:Q", format=".4f")],
        )
        .properties(width=260, height=160)
        .facet(facet=alt.Facet("player:N", title=None), columns=3)
        .properties(title=f"{run.method}: {run.status} (max regret {run.regret:.3g})")
    )


def phase_chart(*runs: Any) -> alt.Chart:
    """Trajectories of 2-player, 2-action runs in the unit square: x = player 1's probability
    of her first action, y = player 2's; one line per run."""
    frames = []
    for k, run in enumerate(runs):
        tr = run.trajectory
        if tr.shape[1] != 4:
            from reserves.errors import ReservesError

            raise ReservesError(
                "phase_chart draws 2-player, 2-action runs", field="runs", fix="use dynamics_chart"
            )
        stride = max(1, tr.shape[0] // 1500)
        frames.append(
            pd.DataFrame(
                {
                    "x": tr[::stride, 0],
                    "y": tr[::stride, 2],
                    "t": run.times[::stride],
                    "run": f"{k + 1}: {run.method} ({run.status})",
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    first = runs[0]
    return (
        alt.Chart(df)
        .mark_line(point=False)
        .encode(
            x=alt.X(
                "x:Q",
                title=f"{first.players[0]}: P({first.actions[0][0]})",
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y(
                "y:Q",
                title=f"{first.players[1]}: P({first.actions[1][0]})",
                scale=alt.Scale(domain=[0, 1]),
            ),
            order="t:Q",
            color=alt.Color("run:N", title=None),
        )
        .properties(width=320, height=320, title="Dynamics in the strategy square")
    )


def basins_chart(basins: Any) -> alt.Chart:
    """Starting points of :func:`~reserves.nash.dynamics.basins` coloured by the equilibrium
    reached (2 players; for more players the first two axes are shown)."""
    df = basins.to_frame()
    cols = list(df.columns[:2])
    shares = ", ".join(f"{k}: {v:.0%}" for k, v in basins.shares.items())
    return (
        alt.Chart(df.rename(columns={cols[0]: "x", cols[1]: "y"}))
        .mark_square(size=60)
        .encode(
            x=alt.X("x:Q", title=f"P({cols[0]})", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("y:Q", title=f"P({cols[1]})", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("outcome:N", title="reaches"),
            tooltip=["x", "y", "outcome"],
        )
        .properties(width=320, height=320, title=f"Basins of attraction ({shares})")
    )


def adoption_chart(path: Any) -> alt.VConcatChart:
    """Adoption path (:class:`~reserves.nash.dynamics.AdoptionPath`): each sovereign's action
    by round (heat table) above the total sovereign order flow ($bn) by round.

    Both panels are at least 360 px wide (48 px a round beyond that), so a path of two or
    three rounds still reads; the title's details go to a subtitle so it fits the width."""
    df = path.to_frame()
    n_rounds = int(path.demand_usd.size)
    width = max(360, 48 * n_rounds)
    heat = (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("round:O", title="round", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("player:N", sort=list(path.players), title=None),
            color=alt.Color("action:N", scale=_action_color(df["action"]), title="action"),
            tooltip=["player", "round", "time_years", "action"],
        )
        .properties(width=width)
    )
    flow = pd.DataFrame(
        {
            "round": np.arange(path.demand_usd.size),
            "demand_bn": path.demand_usd / 1e9,
        }
    )
    line = (
        alt.Chart(flow)
        .mark_line(
            point=alt.OverlayMarkDef(color=ACTION_COLORS["accumulate"]),
            color=ACTION_COLORS["accumulate"],
        )
        .encode(
            x=alt.X("round:O", title="round", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("demand_bn:Q", title="sovereign net flow ($bn)"),
            tooltip=["round", alt.Tooltip("demand_bn:Q", format=",.2f", title="net flow ($bn)")],
        )
        .properties(width=width, height=160)
    )
    return alt.vconcat(heat, line).properties(
        title=alt.TitleParams(
            "Who accumulates, round by round",
            subtitle=f"from the status quo at ${path.price_usd:,.0f} ({path.rule} revision; "
            f"{path.status} in {path.rounds} rounds)",
        )
    )


def demand_schedule_chart(schedule: Any, *, btc: bool = False) -> alt.LayerChart:
    """``D(P)``: the selected equilibrium's sovereign demand against the entry price, with the
    band over equilibria shaded (USD bn, or thousand BTC at the entry price when ``btc``)."""
    df = schedule.to_frame()
    if btc:
        df["d"] = df["demand_btc"] / 1e3
        df["lo"] = df["demand_low_btc"] / 1e3
        df["hi"] = df["demand_high_btc"] / 1e3
        ytitle = "sovereign demand (thousand BTC at the entry price)"
    else:
        df["d"] = df["demand_usd"] / 1e9
        df["lo"] = df["demand_low_usd"] / 1e9
        df["hi"] = df["demand_high_usd"] / 1e9
        ytitle = "sovereign net demand ($bn)"
    x = alt.X("price_usd:Q", title="entry price (USD per BTC)", axis=alt.Axis(format="$,.0f"))
    band = (
        alt.Chart(df)
        .mark_area(opacity=0.25, color=PALETTE[0])
        .encode(x=x, y=alt.Y("lo:Q", title=ytitle), y2="hi:Q")
    )
    line = (
        alt.Chart(df)
        .mark_line(
            point=alt.OverlayMarkDef(color=ACTION_COLORS["accumulate"]),
            color=ACTION_COLORS["accumulate"],
            interpolate="step-after",
        )
        .encode(
            x=x,
            y="d:Q",
            tooltip=[
                alt.Tooltip("price_usd:Q", format="$,.0f"),
                alt.Tooltip("d:Q", format=",.2f", title="demand"),
                alt.Tooltip("lo:Q", format=",.2f", title="band low"),
                alt.Tooltip("hi:Q", format=",.2f", title="band high"),
                "num_equilibria",
                "accumulators",
            ],
        )
    )
    return (band + line).properties(
        title=alt.TitleParams(
            "Sovereign demand at each entry price",
            subtitle=f"selected by {schedule.rule}; shaded: all equilibria",
        )
    )
