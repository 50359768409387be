"""The Scenarios page: adoption by sovereign and the C15 estimate (the dynamic game)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

streamlit_testing = pytest.importorskip("streamlit.testing.v1")

APP = Path(__file__).resolve().parents[1] / "app"
if str(APP) not in sys.path:
    sys.path.insert(0, str(APP))  # the pages import _shared


@pytest.mark.slow
def test_scenarios_page_shows_adoption_and_c15():
    at = streamlit_testing.AppTest.from_file(
        str(APP / "pages" / "4_Scenarios.py"), default_timeout=300
    )
    at.session_state["paths"] = 200
    at.run()
    assert not at.exception
    before = len(at.get("vega_lite_chart"))
    at.radio(key="adoption_unit").set_value("btc").run()
    assert not at.exception
    at.button(key="run_c15").click().run()
    assert not at.exception
    specs = [el.proto.spec for el in at.get("vega_lite_chart")]
    assert len(specs) == before + 1 and "sovereign entry" in specs[-1]
    labels = [m.label for m in at.metric]
    assert "Change in volatility from sovereign entry" in labels
