"""Entry page of the reserves app: what the model is, the market, the roster, where to go."""

from __future__ import annotations

import streamlit as st
from _shared import PAGES, assessment_of, headline_metrics, key_of, page_setup, show_chart

from reserves.charts.roster import roster_chart
from reserves.units import pct, usd, usd_price

cfg = page_setup(
    "Sovereign bitcoin reserves",
    ":material/currency_bitcoin:",
    intro=(
        "Sovereigns decide whether to accumulate bitcoin or sell what they hold; their "
        "equilibrium demand props up a price floor when leveraged markets crash. "
        "Every page reads the config in the sidebar: upload your own, edit the roster on the "
        "Game page, download what you built."
    ),
)

m = cfg.market
cols = st.columns(5)
cols[0].metric("Price P0", usd_price(m.price_usd))
cols[1].metric("Market cap", usd(m.market_cap_usd))
cols[2].metric("Volatility", f"{pct(m.vol_pa)} a year")
cols[3].metric("Horizon", f"{m.horizon_years:g} years")
cols[4].metric("Sovereigns playing", f"{len(cfg.players)} / {len(cfg.sovereigns)}")

st.subheader("Headline numbers")
assessment = assessment_of(key_of(cfg), cfg)
headline_metrics(
    assessment,
    [
        "equilibrium.net_usd",
        "floor.trough_without_usd",
        "floor.trough_with_usd",
        "breaking.shock_without_usd",
    ],
)
shock = assessment.section("floor")
if shock.available:
    st.caption(
        f"After {shock.figures['shock_usd'].text} of real net selling "
        f"({shock.data.get('reading')} reading of the November 2025 crash), with and without "
        "the sovereigns' equilibrium demand resting as bids. Hover a number for its inputs; "
        "`reserves assess` prints the same numbers, and so does the briefing."
    )

show_chart(
    lambda: roster_chart(cfg, players=[s.name for s in cfg.players]),
    cache_key=("roster", key_of(cfg)),
)

st.subheader("Pages")
blurbs = {
    "Game": "the roster, the action set, every equilibrium with its regret, two-player payoffs",
    "Analysis": "the payoff formula, dominance thresholds, the game-type region map",
    "Price floor": "the liquidation ladder, the cascade, the trough against the shock",
    "Scenarios": "fan charts, volatility over time, scenario weights",
    "Briefing": "a policy briefing to preview and download",
    "Sovereigns": "what sovereigns did in 2024-2025 and the parameters it implies",
}
for path, title, icon in PAGES:
    st.page_link(path, label=f"**{title}**: {blurbs[title]}", icon=icon)
if cfg.description:
    with st.expander("About this config"):
        st.write(cfg.description)
