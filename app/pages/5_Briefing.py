"""Briefing: the policy briefing of the current config, previewed, and downloads in every
format (Markdown, HTML, PDF, Word)."""

from __future__ import annotations

import streamlit as st
from _shared import (
    assessment_of,
    briefing_bytes,
    briefing_of,
    guarded,
    has_layer,
    key_of,
    not_available,
    page_setup,
)

cfg = page_setup(
    "Briefing",
    ":material/description:",
    intro="A short policy briefing of the current config for a non-specialist reader: the "
    "bottom line first, then the findings with their charts, a glossary, and an annex of "
    "claims, inputs and sources. Its numbers are the assessment's (the same as the other "
    "pages and `reserves assess`).",
)
if not has_layer("reserves.briefing.render"):
    not_available("The briefing", "reserves.briefing")
    st.stop()

FORMATS = {
    "pdf": ("PDF", "application/pdf"),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "html": ("HTML", "text/html"),
    "md": ("Markdown", "text/markdown"),
}

key = key_of(cfg)
c1, c2 = st.columns(2)
seed_in = c1.number_input(
    "Seed of the scenario draws",
    min_value=0,
    max_value=2**31 - 1,
    value=None,
    placeholder="the scenario config's own",
    key="brief_seed",
    help="Empty: the scenario config's own seed (as `reserves simulate` and `reserves assess`).",
)
seed = None if seed_in is None else int(seed_in)
paths = int(
    c2.select_slider(
        "Paths per scenario",
        [200, 500, 1000, 2000],
        value=st.session_state.get("paths", 500),
        key="brief_paths",
        help="The Scenarios page's default: the same paths and seed give the same digits there, "
        "in the briefing and in `reserves assess --paths N`.",
    )
)
core_only = st.toggle(
    "Core findings only (faster)",
    value=False,
    key="brief_core_only",
    help="Leave out the sections other parts of the model add (the crash panel, the "
    "sovereign estimates, the dynamics); the sovereign estimates take 5-15 s the first time "
    "for a config (then they are read from the cache).",
)
wanted = f"{key}:{seed}:{paths}:{core_only}"
if st.button("Build the briefing", type="primary", key="build_briefing"):
    st.session_state["briefing_built"] = wanted
if st.session_state.get("briefing_built") != wanted:
    st.info("Press **Build the briefing**: it takes a few seconds the first time for a config.")
    st.stop()

# each assessment section once, with a progress bar (the briefing then reads them back)
from reserves.assessment import CORE_SECTIONS, EXTERNAL_SECTIONS  # noqa: E402

assessment = assessment_of(key, cfg, seed, paths)
todo = [
    n
    for n in [*CORE_SECTIONS, *(() if core_only else EXTERNAL_SECTIONS)]
    if n not in assessment.computed()
]
if todo:
    bar = st.progress(0.0)
    for i, name in enumerate(todo):
        bar.progress(
            i / len(todo),
            text=f"Computing {name.replace('_', ' ')} ({i + 1} of {len(todo)}); the crash test "
            "and the sovereign estimates take 5-15 s the first time for a config, then are read "
            "from the cache.",
        )
        guarded(f"The {name} section", lambda name=name: assessment.section(name))
    bar.empty()
briefing = guarded("Building the briefing", lambda: briefing_of(key, cfg, seed, paths, core_only))
if briefing is None:
    st.stop()
files = {
    fmt: guarded(
        f"Rendering {label}",
        lambda fmt=fmt: briefing_bytes(f"{key}:{paths}:{core_only}", briefing, seed, fmt),
    )
    for fmt, (label, _) in FORMATS.items()
}
cols = st.columns(len(FORMATS))
for col, (fmt, (label, mime)) in zip(cols, FORMATS.items(), strict=True):
    data = files[fmt]
    col.download_button(
        f"Download {label}",
        data=data or b"",
        file_name=f"briefing-{cfg.name}.{fmt}",
        mime=mime,
        disabled=data is None,
        key=f"download_{fmt}",
        on_click="ignore",
        width="stretch",
    )
for status in briefing.layers:
    if not status.available:
        st.caption(f"Not computed in this build: {status.layer}. {status.note}")
if files["html"]:
    st.subheader("Preview")
    html = files["html"].decode("utf-8")
    if hasattr(st, "iframe"):  # Streamlit >= 1.5x
        st.iframe(html, height=1000)
    else:  # pragma: no cover - older Streamlit
        import streamlit.components.v1 as components

        components.html(html, height=1000, scrolling=True)
