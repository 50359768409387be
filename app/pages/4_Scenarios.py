"""Scenarios: fan charts of price, floor and volatility, the C16 volatility answers, and the
scenario weights as inputs."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from _shared import (
    TORNADO_SWEEP,
    assessment_of,
    guarded,
    has_layer,
    headline_metrics,
    key_of,
    load_config_file,
    not_available,
    page_setup,
    reweighted,
    scenario_configs,
    scenarios_of,
    show_chart,
    tornado_of,
)

from reserves.units import pct

cfg = page_setup(
    "Scenarios",
    ":material/stacked_line_chart:",
    intro="A daily Monte Carlo of price, leveraged open interest, sovereign holdings and "
    "realized volatility, under each scenario and their mixture. Change the weights: the "
    "mixture is recombined without simulating again.",
)
if not has_layer("reserves.scenarios.mixture"):
    not_available("The scenario simulation", "reserves.scenarios")
    st.stop()

from reserves.charts.scenarios import (  # noqa: E402
    adoption_chart,
    c15_chart,
    c16_chart,
    fan_chart,
    lag_corr_chart,
    tornado_chart,
)

SERIES = {
    "price_usd": "Price (USD per BTC)",
    "floor_usd": "Price floor (USD per BTC)",
    "vol_pa": "Realized volatility (annual)",
    "sovereign_share": "Sovereign share of supply",
    "leverage": "Leverage (open interest / market cap)",
}

# the scenarios of the current config, or a shipped scenario config when it has none
sim_cfg = cfg
if cfg.scenarios is None:
    files = scenario_configs()
    if files:
        choice = st.selectbox(
            "Scenario set",
            files,
            format_func=lambda p: f"{p.stem} (configs/scenarios/{p.name})",
            key="scenario_file",
            help="The current config has no `scenarios` section, so a shipped one's scenarios "
            "are simulated on this config's roster and market.",
        )
        shipped = guarded(
            "Loading the scenario config",
            lambda: load_config_file(str(choice), Path(choice).stat().st_mtime),
        )
        if shipped is None:
            st.stop()
        # its scenarios on this config's roster, market and market model: what the assessment
        # (and so the CLI, the briefing and the paper) simulates for this config
        from reserves.assessment import assess

        sim_cfg = guarded(
            "The scenario config",
            lambda: assess(cfg, scenarios=shipped).ctx.scenario_config,
        )
        if sim_cfg is None:
            st.stop()

c1, c2 = st.columns([1, 3])
paths = c1.select_slider("Paths per scenario", [200, 500, 1000, 2000], value=500, key="paths")
series = c2.selectbox("Series", list(SERIES), format_func=SERIES.get, key="series")
key = key_of(sim_cfg)
base = guarded("The simulation", lambda: scenarios_of(key, sim_cfg, int(paths)))
if base is None:
    st.stop()

st.subheader("Scenario weights")
names = [r.name for r in base.runs]
cols = st.columns(len(names))
raw = [
    col.number_input(
        name.replace("_", " "),
        min_value=0.0,
        max_value=1.0,
        value=float(r.probability),
        step=0.01,
        key=f"weight_{name}",
    )
    for col, name, r in zip(cols, names, base.runs, strict=True)
]
total = sum(raw)
if total <= 0:
    st.error("The weights must not all be zero.")
    st.stop()
weights = tuple(w / total for w in raw)
if abs(total - 1) > 1e-9:
    st.caption("Weights normalized to " + ", ".join(f"{w:.0%}" for w in weights) + ".")
res = guarded("Mixing the scenarios", lambda: reweighted(key, sim_cfg, int(paths), weights))
if res is None:
    st.stop()

if weights == tuple(float(r.probability) for r in base.runs):
    headline_metrics(
        assessment_of(key, sim_cfg, None, int(paths)),
        [
            "scenarios.mixture_median_end_usd",
            "scenarios.mixture_p05_end_usd",
            "scenarios.mixture_p95_end_usd",
        ],
    )
else:
    st.caption("Weights changed: the headline numbers (and the briefing) use the article's.")

st.subheader("The C16 answers: how likely is volatility to fall?")
m = st.columns(max(1, len(res.mixture_checks)))
for col, check in zip(m, res.mixture_checks, strict=False):
    col.metric(check.get("label") or check["date"], pct(check["probability"], 1))
show_chart(lambda: c16_chart(res), cache_key=("c16", key, paths, weights))

st.subheader(SERIES[series])
which = st.radio(
    "Show",
    ["mixture", *names],
    horizontal=True,
    key="fan_scenario",
    format_func=lambda s: s.replace("_", " "),
)
show_chart(
    lambda: fan_chart(res, series, scenario=None if which == "mixture" else which),
    stretch=True,
    cache_key=("fan", key, paths, weights, series, which),
)
if which != "mixture":
    run = res.run(which)
    if getattr(run, "lag_corr", None):
        show_chart(
            lambda: lag_corr_chart(run),
            stretch=True,
            cache_key=("lagcorr", key, paths, which),
        )
else:
    st.caption("Pick a scenario above to see its lagged correlations (the C15 loop).")
with st.expander("Scenario metrics"):
    st.dataframe(res.to_dict()["scenarios"], hide_index=True)
st.caption(
    f"{res.meta.get('paths')} paths per scenario, seed {res.meta.get('seed')}, "
    f"from {res.meta.get('start_date')} for {res.meta.get('horizon_days')} days "
    f"(config {res.meta.get('config_name')}, {res.meta.get('config_hash')})."
)

st.subheader("Sovereigns over time: who buys, and what it does to volatility")
with_game = [r.name for r in base.runs if r.adoption is not None]
if with_game:
    a1, a2 = st.columns([3, 1])
    pick = a1.radio(
        "Adoption path of",
        with_game,
        horizontal=True,
        key="adoption_scenario",
        format_func=lambda s: s.replace("_", " "),
    )
    unit = a2.radio(
        "In", ["usd", "btc"], horizontal=True, key="adoption_unit", format_func=str.upper
    )
    adr = base.run(pick).adoption
    show_chart(
        lambda: adoption_chart(adr, unit),
        stretch=True,
        cache_key=("adoption", key, paths, pick, unit),
    )
    st.caption(
        "Each month every sovereign plays the game at that path's price, volatility and holdings; "
        "the first month's choice is the game's demand at today's price."
    )
    if st.button("Estimate the effect of sovereign entry on volatility", key="run_c15") or (
        st.session_state.get("c15_ran")
    ):
        st.session_state["c15_ran"] = True
        dyn_a = assessment_of(key, sim_cfg, None, int(paths))
        headline_metrics(
            dyn_a,
            ["dynamics.c15_effect_pa", "dynamics.vol_with_pa", "dynamics.vol_without_pa"],
        )
        sec = guarded("The paired runs", lambda: dyn_a.section("dynamics"))
        if sec is not None and sec.available:
            rows = [*sec.data["c15_by_scenario"], sec.data["c15"]]
            show_chart(lambda: c15_chart(rows), cache_key=("c15", key, paths))
            st.caption(sec.data["summary"])
else:
    st.caption("This scenario set uses a fixed adoption curve, not the dynamic game.")

st.subheader("Which inputs move the floor most?")
st.caption(
    f"A tornado over the ranges in `configs/sweeps/{TORNADO_SWEEP.name}`: each input at its "
    "low and its high value, the others at the base (one simulation of one scenario for each)."
)
t1, t2 = st.columns([1, 3])
t_paths = t1.select_slider("Paths per run", [20, 50, 100, 300], value=20, key="tornado_paths")
if t2.button("Run the tornado", key="run_tornado") or st.session_state.get("tornado_ran"):
    st.session_state["tornado_ran"] = True
    mtime = TORNADO_SWEEP.stat().st_mtime if TORNADO_SWEEP.exists() else 0.0
    bar = st.progress(0.0, text="Running the tornado…")

    def _tick(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Running the tornado: {done} of {total} simulations")

    tor = guarded("The tornado", lambda: tornado_of(str(TORNADO_SWEEP), mtime, int(t_paths), _tick))
    bar.empty()
    if tor is not None:
        show_chart(
            lambda: tornado_chart(tor),
            cache_key=("tornado", str(TORNADO_SWEEP), mtime, int(t_paths)),
        )
