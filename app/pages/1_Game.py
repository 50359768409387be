"""Game: the roster (editable), the action set, the equilibria with their regret, two-player
payoffs, dynamics."""

from __future__ import annotations

import streamlit as st
from _shared import (
    CE_OBJECTIVES,
    SOLVE_METHODS,
    adoption_of,
    base_config,
    best_response_paths,
    config_box,
    correlated_of,
    game_profiles,
    guarded,
    has_layer,
    key_of,
    page_setup,
    pair_dynamics_of,
    set_config,
    show_chart,
    solve_config,
    two_player_game,
    usd,
)

from reserves.charts.game import correlated_chart
from reserves.charts.roster import (
    best_response_chart,
    equilibria_chart,
    payoff_heatmap,
    roster_chart,
    roster_frame,
)
from reserves.config import ACTIONS
from reserves.nash.correlated import MAX_CE_PROFILES

cfg = page_setup(
    "Game",
    ":material/grid_view:",
    intro="Each sovereign accumulates (moves a share of its reserves into bitcoin), holds, or "
    "sells what it holds. Edit the roster and the action set; every equilibrium below is "
    "re-solved and verified by its maximum regret.",
    defer_config_box=True,
)
base = base_config()
rev = st.session_state.get("editor_rev", 0)

# ------------------------------------------------------------------ the game definition
st.subheader("Roster and action set")
names = [s.name for s in base.sovereigns]
left, right = st.columns([1, 1])
# widget values are saved under their own keys, so edits survive a visit to another page
saved = st.session_state.setdefault(f"_game_edits_{rev}", {})
actions = left.multiselect(
    "Action set",
    list(ACTIONS),
    default=saved.get("actions", list(base.game.actions)),
    key=f"actions_{rev}",
    help="Sovereigns with their own action list (for example the US: no sales) keep it.",
)
players = right.multiselect(
    "Who plays",
    names,
    default=saved.get("players", list(base.game.players or names)),
    key=f"players_{rev}",
)
money = st.column_config.NumberColumn
edited = st.data_editor(
    saved.get("roster", roster_frame(base)),
    key=f"roster_{rev}",
    hide_index=True,
    disabled=["name", "kind"],
    column_config={
        "name": st.column_config.TextColumn("Sovereign", pinned=True),
        "kind": st.column_config.TextColumn("Kind"),
        "reserves_usd": money("Reserves W (USD)", format="compact", min_value=1.0),
        "holdings_btc": money("Holdings h (BTC)", format="localized", min_value=0.0),
        "max_buy_share": money("Buy share α", format="%.4f", min_value=0.0, max_value=1.0),
        "sell_share": money("Sell share φ", format="%.2f", min_value=0.0, max_value=1.0),
        "strategic_weight": money("Strategic weight θ", format="%.4f", min_value=0.0),
        "cost_of_capital_pa": money("Cost of capital r", format="percent"),
        "risk_aversion": money("Risk aversion γ", format="%.2f", min_value=0.0),
        "political_cost_usd": money("Political cost κ (USD)", format="compact", min_value=0.0),
    },
)

saved.update(actions=list(actions), players=list(players), roster=edited)
updates: dict = {}
if edited is not None and not edited.equals(roster_frame(base)):
    by_name = {row["name"]: row for row in edited.to_dict("records")}
    sovereigns = []
    for s in base.to_dict()["sovereigns"]:
        row = by_name.get(s["name"], {})
        sovereigns.append({**s, **{k: v for k, v in row.items() if k not in ("name", "kind")}})
    updates["sovereigns"] = sovereigns
if list(actions) != list(base.game.actions) or list(players) != list(base.game.players or names):
    updates["game"] = {"actions": list(actions), "players": list(players)}

if not actions or not players:
    config_box()
    st.error("Choose at least one action and at least one sovereign.")
    st.stop()
new_cfg = guarded("The edited config is not valid", lambda: base.with_updates(updates))
if new_cfg is None:
    config_box()
    st.stop()
cfg = new_cfg if updates else base
set_config(cfg)
config_box(cfg)

with st.expander("Roster chart", expanded=False):
    show_chart(
        lambda: roster_chart(cfg, players=[s.name for s in cfg.players]),
        cache_key=("roster", key_of(cfg)),
    )

# ------------------------------------------------------------------ equilibria
st.subheader("Equilibria")
method = st.selectbox(
    "Solver",
    list(SOLVE_METHODS),
    format_func=lambda m: f"{m}: {SOLVE_METHODS[m]}",
    key="solve_method",
)
result = guarded("Solving the game", lambda: solve_config(key_of(cfg), cfg, method))
if result is not None:
    if result.method == "aggregative" and method != "aggregative":
        st.info(
            f"This game has too many action profiles to enumerate here: solved with the "
            f"{result.method} solver (extremal equilibria; the set between them is not listed).",
            icon=":material/speed:",
        )
    c = st.columns(4)
    c[0].metric("Equilibria", len(result.equilibria))
    c[1].metric("Largest max regret", usd(result.max_regret))
    c[2].metric("Method", result.method)
    c[3].metric("Complete set", "yes" if result.complete else "no")
    if result.equilibria:
        show_chart(lambda: equilibria_chart(result), cache_key=("eq", key_of(cfg), method))
        st.dataframe(
            result.to_frame(),
            hide_index=True,
            column_config={"max regret": st.column_config.NumberColumn(format="%.3g")},
        )
    else:
        st.warning("No pure equilibrium: see the dynamics below, or the mixed solvers.")
    for note in result.notes:
        st.caption(note)

# ------------------------------------------------------------------ two players
st.subheader("Two sovereigns face to face")
st.caption(
    "The game restricted to two sovereigns (the others sit out). Stars and frames mark the "
    "pure Nash equilibria."
)
c1, c2 = st.columns(2)
a = c1.selectbox("Row player", names, index=0, key="pair_a")
b = c2.selectbox("Column player", names, index=1 if len(names) > 1 else 0, key="pair_b")
pair_cfg = None
if a == b:
    st.warning("Choose two different sovereigns.")
else:
    pair_cfg = guarded(
        "Restricting the game", lambda: cfg.with_updates({"game": {"players": [a, b]}})
    )
    if pair_cfg is not None:
        pkey = key_of(pair_cfg)
        pair_game = guarded("Building the payoff matrix", lambda: two_player_game(pkey, pair_cfg))
        pair_result = guarded("Solving the pair", lambda: solve_config(pkey, pair_cfg, "auto"))
        if pair_game is not None:
            show_chart(lambda: payoff_heatmap(pair_game, pair_result), cache_key=("heatmap", pkey))

# ------------------------------------------------------------------ correlated
st.subheader("Correlated equilibrium")
st.caption(
    "A mediator draws a profile and tells each sovereign only its own action; nobody gains "
    "by disobeying. One linear program picks, among all such distributions, the one that "
    "optimizes the objective."
)
objective = st.selectbox(
    "Objective",
    list(CE_OBJECTIVES),
    format_func=CE_OBJECTIVES.get,
    key="ce_objective",
)
if game_profiles(key_of(cfg), cfg) > MAX_CE_PROFILES:
    st.info(
        f"This game has {game_profiles(key_of(cfg), cfg):,} action profiles, more than the "
        f"{MAX_CE_PROFILES:,} the correlated-equilibrium LP is built for: choose fewer "
        "sovereigns or actions above.",
        icon=":material/speed:",
    )
else:
    ce = guarded("The correlated equilibrium", lambda: correlated_of(key_of(cfg), cfg, objective))
    if ce is not None:
        m = st.columns(4)
        m[0].metric(
            f"Objective ({objective})",
            "n/a" if ce.objective_value is None else usd(ce.objective_value),
        )
        m[1].metric("Max incentive violation", usd(ce.max_violation))
        m[2].metric("Profiles in the support", len(ce.probabilities))
        m[3].metric(
            "Expected sovereign demand",
            usd(ce.expected_demand_usd) if ce.expected_demand_usd is not None else "n/a",
        )
        show_chart(
            lambda: correlated_chart(ce, max_profiles=10),
            cache_key=("ce", key_of(cfg), objective),
        )
        left, right = st.columns(2)
        with left:
            st.caption("Most likely recommended profiles")
            st.dataframe(ce.to_frame().head(10), hide_index=True, key="ce_top")
        with right:
            st.caption("Expected payoffs under the distribution")
            st.dataframe(
                {
                    "sovereign": list(ce.players),
                    "expected payoff ($bn)": [float(v) / 1e9 for v in ce.expected_payoffs],
                },
                hide_index=True,
                column_config={
                    "expected payoff ($bn)": st.column_config.NumberColumn(format="%.3f")
                },
            )

# ------------------------------------------------------------------ dynamics
st.subheader("Dynamics and basins")
if not has_layer("reserves.nash.dynamics"):
    st.caption(
        "Best-response dynamics through the aggregates, from everyone selling (lowest), "
        "everyone accumulating (highest) and the status quo. Learning dynamics and basins of "
        "attraction are not available in this build (they need `reserves.nash.dynamics`)."
    )
    paths = guarded("Best-response dynamics", lambda: best_response_paths(key_of(cfg), cfg))
    if paths is not None:
        show_chart(lambda: best_response_chart(*paths), cache_key=("br", key_of(cfg)))
else:
    from reserves.charts.game import adoption_chart, basins_chart, phase_chart

    st.caption(
        "Adoption path: from the status quo, the sovereign with the most to gain switches "
        "first, one quarter at a time, until nobody wants to move."
    )
    path = guarded("The adoption path", lambda: adoption_of(key_of(cfg), cfg))
    if path is not None:
        show_chart(lambda: adoption_chart(path), cache_key=("adoption", key_of(cfg)))
    if pair_cfg is not None and a != b:
        st.caption(
            f"Replicator dynamics of {a} and {b}: where play ends from every mixed start "
            "(basins), and one trajectory from the centre."
        )
        two_by_two = pair_game is not None and tuple(pair_game.shape) == (2, 2)
        dyn = (
            guarded("The replicator dynamics", lambda: pair_dynamics_of(pkey, pair_cfg))
            if two_by_two
            else None
        )
        if not two_by_two:
            st.caption("Basins are drawn when both sovereigns have exactly two actions.")
        if dyn is not None:
            left, right = st.columns(2)
            with left:
                show_chart(lambda: basins_chart(dyn[0]), cache_key=("basins", pkey))
            with right:
                show_chart(lambda: phase_chart(dyn[1]), cache_key=("phase", pkey))
