"""The Sovereigns app page runs clean and shows its three charts (slow: it estimates)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason="the app needs streamlit: pip install -e '.[app]'")

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_sovereigns_page_runs_clean() -> None:
    from streamlit.testing.v1 import AppTest

    app = ROOT / "app"
    if str(app) not in sys.path:
        sys.path.insert(0, str(app))
    at = AppTest.from_file(str(app / "pages" / "6_Sovereigns.py"), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("vega_lite_chart")) == 3
    assert any("Left-out" in m.label for m in at.metric)
