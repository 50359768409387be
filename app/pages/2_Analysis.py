"""Analysis: when accumulating dominates (C14), the game's type, the formulas."""

from __future__ import annotations

import streamlit as st
from _shared import (
    analysis_of,
    guarded,
    has_layer,
    key_of,
    not_available,
    page_setup,
    pair_config,
    payoff_formula_latex,
    region_map_of,
    show_chart,
)

cfg = page_setup(
    "Analysis",
    ":material/functions:",
    intro="The payoff is one sympy expression: the same formula gives closed-form dominance "
    "thresholds and, for two sovereigns, the type of game they play.",
)


#: the payoff of ``reserves.sovereign.model`` (its module docstring), set in LaTeX for reading; the
#: numbers come from the sympy expression itself (``payoff_template``)
PAYOFF_LATEX = r"""
\begin{aligned}
P_1 &= P_0\, e^{m X / (P_0 Q)} \qquad \text{post-flow price (log-linear impact)}\\
\bar P &= (P_0 + P_1)/2 \qquad \text{execution price}\\
H_i &= h_i + c_i/\bar P + q_i \qquad \text{holdings after}\\
s_i &= H_i / \big(h_0 + B/\bar P + S + \varepsilon\big) \qquad \text{relative reserve share}\\
u_i &= H_i V_i - h_i P_0 - (c_i + q_i \bar P) - r_i T c_i
  - \frac{\gamma_i \sigma^2 T (H_i P_1)^2}{2 W_i}
  + \theta_i W_i (s_i - s_{i0}) - \kappa_i [a_i = \text{acc}]
\end{aligned}
"""

with st.expander("The payoff formula", expanded=False):
    st.latex(PAYOFF_LATEX)
    st.caption(
        "Sovereign i accumulates with cash c = αW or sells q = −φh BTC; X, B and S are the "
        "order flow, buy cash and BTC sold of all sovereigns, h₀ their holdings before. The "
        "same expression, lambdified, gives every payoff the solvers use."
    )
    with st.popover("As sympy prints it"):
        st.latex(r"u_i = " + payoff_formula_latex())

if not has_layer("reserves.sovereign.symbolic"):
    not_available("Symbolic analysis", "reserves.sovereign.symbolic")
    st.stop()

from reserves.charts.analysis import (  # noqa: E402
    PARAM_WORDS,
    region_map_chart,
    threshold_chart,
    threshold_frame,
)

#: the parameters the threshold and region charts below sweep
PARAMS = {k: PARAM_WORDS[k] for k in ("theta", "kappa", "V", "r", "gamma", "alpha")}

# ------------------------------------------------------------------ thresholds
st.subheader("When does accumulating dominate?")
param = st.selectbox(
    "Threshold on",
    list(PARAMS),
    format_func=lambda p: PARAMS[p],
    key="threshold_param",
    help="For each sovereign, the value of this parameter above (or below) which "
    "accumulating beats every alternative whatever the others do (claim C14).",
)
analysis = guarded("The symbolic analysis", lambda: analysis_of(key_of(cfg), cfg, param))
if analysis is not None:
    holds = analysis.c14_holds
    c = st.columns(3)
    c[0].metric("Sovereigns", len(analysis.players))
    n_dom = sum(1 for t in analysis.thresholds if t.holds)
    c[1].metric("Accumulating dominates for", f"{n_dom} of {len(analysis.thresholds)}")
    c[2].metric("“Accumulate, never sell” (C14)", "holds" if holds else "does not hold")
    if analysis.thresholds:
        show_chart(
            lambda: threshold_chart(analysis.thresholds),
            cache_key=("thresholds", key_of(cfg), param),
        )
        st.dataframe(
            threshold_frame(analysis.thresholds),
            hide_index=True,
            column_config={
                "value": st.column_config.NumberColumn("config value", format="%.4g"),
                "threshold": st.column_config.NumberColumn("threshold", format="%.4g"),
                "accumulate_dominant": st.column_config.CheckboxColumn("accumulate dominates"),
            },
        )
    for name, tex in analysis.closed_forms.items():
        st.markdown(f"**{name[0].upper()}{name[1:]}**")
        head, _, where = tex.partition(r"\quad\text{where}\quad")
        st.latex(head)
        if where:
            with st.expander("where"):
                defs = where.replace(r",\quad", r",\ ").split(r",\ ")
                st.latex(r"\begin{aligned}" + r" \\ ".join(defs) + r"\end{aligned}")
    for note in analysis.notes:
        st.caption(note)

# ------------------------------------------------------------------ region map
st.subheader("What game do two sovereigns play?")
names = [s.name for s in cfg.sovereigns]
c1, c2, c3, c4 = st.columns(4)
a = c1.selectbox("First sovereign", names, index=0, key="region_a")
b = c2.selectbox("Second sovereign", names, index=1 if len(names) > 1 else 0, key="region_b")
px = c3.selectbox(
    "x axis", list(PARAMS), format_func=lambda p: PARAMS[p] + " of the first", key="region_x"
)
py = c4.selectbox(
    "y axis", list(PARAMS), format_func=lambda p: PARAMS[p] + " of the second", key="region_y"
)
if a == b:
    st.warning("Choose two different sovereigns.")
else:
    pair = guarded("Restricting the game", lambda: pair_config(cfg, a, b))
    if pair is not None:
        pair_analysis = guarded("The 2x2 analysis", lambda: analysis_of(key_of(pair), pair, param))
        if pair_analysis is not None and pair_analysis.game_type is not None:
            gt = pair_analysis.game_type
            kind = gt.game_type.replace("_", " ")
            st.markdown(
                f"At the config's values, **{a}** and **{b}** play **{kind}** "
                f"({gt.family}); pure equilibria: "
                + ", ".join(
                    "(" + ", ".join(pair_analysis.actions[i][k] for i, k in enumerate(eq)) + ")"
                    for eq in gt.pure_equilibria
                )
                + "."
            )
        region = guarded(
            "The region map", lambda: region_map_of(key_of(pair), pair, f"{px}_1", f"{py}_2")
        )
        if region is not None:
            show_chart(
                lambda: region_map_chart(region, players=(a, b)),
                cache_key=("region", key_of(pair), px, py),
            )
