"""The Sovereigns app page runs clean and shows its charts; its figures build from findings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason="the app needs streamlit: pip install -e '.[app]'")

ROOT = Path(__file__).resolve().parent.parent


def test_sovereign_charts_build(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    from reserves.charts.sovereigns import ferranti_chart, predicted_chart, theta_interval_chart
    from reserves.config import load_config
    from reserves.sovereign.estimation import estimate
    from reserves.sovereign.evidence import DEFAULT_EVIDENCE, evidence_from_dict
    from reserves.sovereign.findings import findings_from_estimate

    cfg = load_config("configs/baseline.yaml")
    data = yaml.safe_load(DEFAULT_EVIDENCE.read_text())
    keep = ("United States", "Bhutan", "Japan", "Czech National Bank")
    data["sovereigns"] = [s for s in data["sovereigns"] if s["name"] in keep]
    f = findings_from_estimate(
        estimate(cfg, evidence_from_dict(data, roster=cfg), loo=False), draws=3
    )
    for chart in (predicted_chart(f), theta_interval_chart(f), ferranti_chart(f.ferranti)):
        spec = chart.to_dict()
        assert spec["$schema"]


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
