"""Charts of the symbolic analysis: the dominance-threshold dot plot is readable on the baseline."""

from __future__ import annotations

import pytest

from reserves.charts import to_png
from reserves.charts.analysis import threshold_chart, threshold_frame
from reserves.config import load_config
from reserves.sovereign.model import SovereignGame
from reserves.sovereign.symbolic import analyze


@pytest.fixture(scope="module")
def baseline_thresholds(baseline_path):
    return analyze(SovereignGame(load_config(baseline_path))).thresholds


def _layer_values(spec: dict) -> list[dict]:
    (values,) = [v for v in spec["datasets"].values() if v and "value_plot" in v[0]]
    return values


def test_threshold_chart_marks_every_sovereign(baseline_thresholds):
    spec = threshold_chart(baseline_thresholds).to_dict()
    values = _layer_values(spec)
    assert len(values) == 14 == len({v["sovereign"] for v in values})
    assert all(v["value_plot"] > 0 for v in values)  # every config value is on the log axis
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks[-2:] == ["circle", "text"]  # the config's values and the verdicts
    assert to_png(threshold_chart(baseline_thresholds), scale=1)[:4] == b"\x89PNG"


def test_negative_threshold_is_annotated_not_drawn(baseline_thresholds):
    df = threshold_frame(baseline_thresholds)
    row = df.set_index("sovereign").loc["El Salvador"]
    assert row["threshold"] < 0 and row["accumulate_dominant"]
    assert row["verdict"].startswith("dominant for every θ ≥ 0")
    values = {
        v["sovereign"]: v for v in _layer_values(threshold_chart(baseline_thresholds).to_dict())
    }
    assert values["El Salvador"]["threshold_plot"] is None  # off the log axis: annotated
    china = df.set_index("sovereign").loc["China", "threshold"]
    assert values["China"]["threshold_plot"] == pytest.approx(china)


def test_upper_bound_parameter_reads_never(baseline_path):
    th = analyze(SovereignGame(load_config(baseline_path)), param="kappa").thresholds
    verdicts = set(threshold_frame(th)["verdict"])
    assert any(v.startswith("never for κ ≥ 0") for v in verdicts)
    assert any(v.startswith("dominant for κ <") for v in verdicts)
    threshold_chart(th).to_dict()
