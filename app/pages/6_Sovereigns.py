"""Sovereigns: the game estimated from what sovereigns did in 2024-2025."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from _shared import guarded, key_of, page_setup, readable_frame, show_chart

from reserves import units
from reserves.charts.sovereigns import ferranti_chart, predicted_chart, theta_interval_chart
from reserves.sovereign.evidence import DEFAULT_EVIDENCE

cfg = page_setup(
    "Sovereigns",
    ":material/account_balance:",
    intro="What fourteen sovereigns did with bitcoin in 2024-2025, the payoff parameters those "
    "choices imply, and how much the evidence pins down.",
)


@st.cache_resource(
    show_spinner="Estimating from the evidence (about 15 s the first time)…", max_entries=8
)
def findings_of(key: str, _cfg: Any, evidence: str, mtime: float, draws: int) -> Any:
    from reserves.sovereign.findings import sovereign_findings

    return sovereign_findings(_cfg, evidence, draws=draws)


evidence_files = sorted(str(p) for p in Path(DEFAULT_EVIDENCE).parent.glob("*.yaml"))
c1, c2 = st.columns([3, 1])
ev = c1.selectbox(
    "Evidence file", evidence_files, index=evidence_files.index(str(DEFAULT_EVIDENCE))
)
draws = c2.select_slider(
    "Parameter draws",
    options=[20, 50, 100, 200],
    value=100,
    help="Draws from the estimate's confidence region for C14 and the band",
)
f = guarded(
    "The estimation",
    lambda: findings_of(key_of(cfg), cfg, ev, Path(ev).stat().st_mtime, int(draws)),
)
if f is None:
    st.stop()

h = f.headline()
m = st.columns([1, 1, 1, 2])  # the band reads "$2.97bn to $4.1bn": room for both ends
m[0].metric(
    "Left-out actions predicted",
    h["loo_hit_rate"],
    help=f"Naive baseline (everyone holds): {h['baseline_hit_rate']}",
)
m[1].metric("Naive baseline", h["baseline_hit_rate"])
m[2].metric("Implied value of a coin", h["value_belief"])
m[3].metric("Net sovereign buying (90% band)", h["demand_band"])
st.markdown(
    f"**Observed 2024-2025 profile:** {h['observed_profile']}.  \n"
    f"**“Accumulate, never sell” (C14):** {h['c14']}.  \n"
    f"**No parameter within the bounds explains:** {h['rejected']}."
)

st.subheader("Fitted and left-out predictions")
show_chart(
    lambda: predicted_chart(f), cache_key=("sov_pred", f.config_hash, f.evidence_hash, draws)
)
st.dataframe(
    readable_frame(f.to_frame()),
    hide_index=True,
    column_config={
        k: st.column_config.NumberColumn(k, format="percent")
        for k in ("P(accumulate)", "P(hold)", "P(sell)")
    },
)

st.subheader("What the evidence pins down")
show_chart(
    lambda: theta_interval_chart(f), cache_key=("sov_theta", f.config_hash, f.evidence_hash, draws)
)


def _coef_text(name: str, value: float | None) -> str:
    """A coefficient for people: the coin value in dollars, the rest in plain digits."""
    if value is None:
        return ""
    return units.usd_price(value) if name.endswith("_usd") else units.plain(value)


rows = [
    {
        "parameter": c.meaning,
        "symbol": c.name,
        "estimate": _coef_text(c.name, c.estimate),
        "standard error": (
            _coef_text(c.name, c.se)
            if c.se is not None
            else ("not estimated" if (c.fixed or c.at_bound) else "not identified")
        ),
        "note": "assumption (fixed)" if c.fixed else ("on its bound" if c.at_bound else ""),
    }
    for c in f.estimate.coefficients
]
st.dataframe(rows, hide_index=True)

st.subheader("Why hold bitcoin: the sanctions hedge (Ferranti 2025)")
show_chart(lambda: ferranti_chart(f.ferranti), cache_key=("sov_ferranti", f.evidence_hash))
st.caption("The paper reports: " + "; ".join(f"{k}: {v}" for k, v in f.ferranti.reported.items()))
