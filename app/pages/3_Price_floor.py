"""Price floor: the liquidation ladder, the cascade round by round, the trough against the
shock with and without sovereign demand, the breaking shock and the least commitment."""

from __future__ import annotations

import streamlit as st
from _shared import (
    assessment_of,
    cascade_of,
    demand_schedule_of,
    floor_curves_of,
    guarded,
    has_layer,
    headline_metrics,
    key_of,
    least_commitment_of,
    market_model_of,
    not_available,
    page_setup,
    show_chart,
    usd,
)

cfg = page_setup(
    "Price floor",
    ":material/trending_down:",
    intro="A net outflow pushes the price down; falling prices liquidate leveraged longs, whose "
    "forced sales push it further, until the market, dip buyers and the sovereigns' "
    "equilibrium bids absorb the flow. The trough is the first fixed point below the start.",
)
if not has_layer("reserves.market.floor"):
    not_available("The price-floor model", "reserves.market")
    st.stop()
if cfg.market_model is None:
    st.info(
        "This config has no `market_model` section, so there is no price floor to show. "
        "Upload a config with one (the baseline has it)."
    )
    st.stop()

from reserves.charts.market import (  # noqa: E402
    cascade_rounds_chart,
    ladder_chart,
    trough_chart,
)

st.subheader("At the config's reference shock")
assessment = assessment_of(key_of(cfg), cfg)
headline_metrics(
    assessment,
    [
        "floor.trough_without_usd",
        "floor.trough_with_usd",
        "floor.liquidations_without_usd",
        "breaking.shock_without_usd",
        "breaking.commitment_usd",
    ],
)
st.caption(
    "The headline numbers (the same in the briefing and `reserves assess`); hover for their "
    "inputs. Move the sliders below to explore other shocks and levels."
)

section = cfg.market_model
p0 = float(cfg.market.price_usd)
c1, c2, c3 = st.columns([2, 2, 1])
shock_bn = c1.slider(
    "Shock: real net outflow ($bn)",
    min_value=0.0,
    max_value=float(section.shock.curve_max_usd) / 1e9,
    value=float(section.shock.shock_usd) / 1e9,
    step=0.05,
    key="shock_bn",
)
level_k = c2.slider(
    "Level to hold ($ thousand per BTC)",
    min_value=round(0.3 * p0 / 1e3),
    max_value=round(0.99 * p0 / 1e3),
    value=min(round(0.99 * p0 / 1e3), round(section.shock.break_level_usd / 1e3)),
    step=1,
    key="level_k",
)
with_demand = c3.toggle(
    "Sovereign demand",
    value=bool(section.sovereign_bids.include_in_trough),
    key="with_demand",
    help="Include the sovereigns' equilibrium bids D(p) in the cascade.",
)
if not has_layer("reserves.demand"):
    st.caption("Sovereign demand is not available in this build: bids are zero.")
key = key_of(cfg)
shock_usd, level_usd = shock_bn * 1e9, level_k * 1e3

res = guarded("The cascade", lambda: cascade_of(key, cfg, shock_usd, with_demand))
curves = guarded("The floor curves", lambda: floor_curves_of(key, cfg, level_usd))
commit = guarded(
    "The least commitment", lambda: least_commitment_of(key, cfg, level_usd, shock_usd)
)

if res is not None:
    m = st.columns(5)
    m[0].metric("Trough", usd(res.trough_usd), f"{res.trough_usd / p0 - 1:.1%}", delta_color="off")
    m[1].metric("Liquidations", usd(res.liquidations_usd))
    if curves is not None:
        m[2].metric(f"Shock breaking {usd(level_usd)}", usd(curves.breaking_shock_with_usd))
        m[3].metric("… without sovereigns", usd(curves.breaking_shock_without_usd))
    if commit is not None:
        m[4].metric(
            "Least commitment",
            usd(commit.commitment_usd),
            help=f"To hold {usd(level_usd)}: the smallest USD bid wall at the level that keeps "
            "the trough above it after "
            "this shock, on the market without the equilibrium bids (a linear program). "
            "$0 means the level holds without any.",
        )
    if curves is not None and commit is not None and commit.commitment_usd <= 0:
        stress_usd = 2.0 * float(curves.breaking_shock_without_usd)
        stress = guarded(
            "The stress commitment",
            lambda: least_commitment_of(key, cfg, level_usd, stress_usd),
        )
        if stress is not None:
            st.caption(
                f"This shock does not break {usd(level_usd)}. Against a stress outflow of "
                f"{usd(stress_usd)} (twice the shock that breaks it without sovereigns), the "
                f"least sovereign commitment holding it is {usd(stress.commitment_usd)}."
            )

left, right = st.columns(2)
with left:
    if res is not None:
        show_chart(
            lambda: cascade_rounds_chart(res),
            stretch=True,
            cache_key=("cascade", key, shock_usd, with_demand),
        )
with right:
    if curves is not None:
        show_chart(lambda: trough_chart(curves), stretch=True, cache_key=("trough", key, level_usd))

left, right = st.columns(2)
model = guarded("The market model", lambda: market_model_of(key, cfg, with_demand))
if model is not None:
    with left:
        show_chart(lambda: ladder_chart(model.ladder), stretch=True, cache_key=("ladder", key))
if has_layer("reserves.demand"):
    from reserves.charts.game import demand_schedule_chart

    schedule = guarded("The demand schedule", lambda: demand_schedule_of(key, cfg))
    if schedule is not None:
        with right:
            show_chart(
                lambda: demand_schedule_chart(schedule), stretch=True, cache_key=("demand", key)
            )
            st.caption(
                "The sovereigns' equilibrium demand at each entry price: placed as bids under "
                "the price, it is what holds the floor up."
            )
if res is not None:
    with st.expander("Rounds table"):
        st.dataframe(res.to_frame(), hide_index=True)

st.subheader("The crash of 21 November 2025, predicted out of sample")
st.caption(
    "The market model fitted on the seven other crashes of the panel, then run on this one: "
    "nothing is fitted to it. The same numbers as the briefing and `reserves assess --section "
    "calibration`; hover for their inputs."
)
with st.spinner("Leave-one-out refit of the crash panel (about 10 s the first time)…"):
    headline_metrics(
        assessment,
        [
            "calibration.loo_liq_ratio",
            "calibration.loo_trough_error",
            "calibration.loo_long_share",
            "calibration.observed_long_share",
        ],
    )
headline_metrics(
    assessment,
    [
        "calibration.shock_low_usd",
        "calibration.shock_high_usd",
        "calibration.fragility_low",
        "calibration.fragility_high",
    ],
)
headline_metrics(
    assessment,
    [
        "calibration.article.trough_usd",
        "calibration.article.claimed_fragility_ratio",
        "calibration.sourced.trough_usd",
        "calibration.sourced.claimed_fragility_ratio",
    ],
)
st.caption(
    "Forced sales per $ of selling: observed bitcoin liquidations divided by the real selling. "
    f"The article's {assessment.text('calibration.article.shock_usd')} and the "
    f"{assessment.text('calibration.sourced.shock_usd')} ETF outflow of the day would both imply "
    "far more forced sales per dollar than the model, fitted on other crashes, can produce; the "
    "low needs billions of real selling. The earlier fit to this one day alone (three "
    "parameters for three targets) matched it by construction and is not evidence."
)
