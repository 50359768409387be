"""Every page of the Streamlit app under ``streamlit.testing.v1.AppTest``.

For each page: the default run (baseline config) raises nothing and shows its charts, and
changing the page's key widgets changes the figures shown. The sidebar's config upload is
checked with a valid, an invalid and an oversized file: errors appear as a message, never
as a traceback.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason="the app needs streamlit: pip install -e '.[app]'")
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
if str(APP) not in sys.path:
    sys.path.insert(0, str(APP))

TIMEOUT_S = 120


#: the Scenarios page at its smallest path count: the same code, a third of the simulation
SMALL = {"paths": 200}


def run_page(name: str, **state: object) -> AppTest:
    """Run a page once; ``state`` presets widget values by key (``paths=200``)."""
    at = AppTest.from_file(str(APP / name), default_timeout=TIMEOUT_S)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return at


def charts(at: AppTest) -> list[str]:
    """A fingerprint of each Vega-Lite chart shown (spec and data)."""
    out = []
    for el in at.get("vega_lite_chart"):
        h = hashlib.sha256(el.proto.spec.encode())
        for ds in el.proto.datasets:
            h.update(ds.SerializeToString())
        h.update(el.proto.data.SerializeToString())
        out.append(h.hexdigest()[:16])
    return out


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def equilibria_table(at: AppTest):
    """The Game page's table of equilibria (the one with a max-regret column)."""
    return next((d.value for d in at.dataframe if "max regret" in d.value.columns), None)


def widget(seq, key_prefix: str):
    for w in seq:
        if w.key and w.key.startswith(key_prefix):
            return w
    raise AssertionError(f"no widget with a key starting {key_prefix!r}")


# --------------------------------------------------------------------------- home and sidebar
def test_home_default_run():
    at = run_page("Home.py")
    assert_clean(at)
    assert at.title[0].value == "Sovereign bitcoin reserves"
    assert len(charts(at)) == 1
    assert any(m.label == "Price P0" for m in at.metric)


def test_upload_valid_config_replaces_it(baseline_path):
    from reserves.config import load_config

    cfg = load_config(baseline_path).with_updates({"name": "uploaded-test"})
    at = run_page("Home.py")
    before = charts(at)
    at.sidebar.file_uploader[0].set_value(
        (
            "mine.yaml",
            cfg.with_updates({"game": {"players": ["China", "Japan"]}}).to_yaml().encode(),
            "application/x-yaml",
        )
    )
    at.run()
    assert_clean(at)
    assert "uploaded-test" in at.sidebar.markdown[0].value
    assert charts(at) != before  # the roster chart fades who sits out


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"market: [unclosed", "not valid YAML"),
        (b"name: x\nmarket: {price_usd: -1}\n", "price_usd"),
        (b"extends: baseline.yaml\n", "extends"),
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"# " + b"x" * 1_100_000, "larger than"),
    ],
    ids=["bad-yaml", "invalid-field", "extends", "not-utf8", "too-large"],
)
def test_upload_errors_are_messages_not_tracebacks(content, expect):
    at = run_page("Home.py")
    at.sidebar.file_uploader[0].set_value(("bad.yaml", content, "application/x-yaml"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.sidebar.error]
    assert errors and expect in errors[0], errors
    assert "baseline" in at.sidebar.markdown[0].value  # the config in use did not change


def test_download_offers_the_config_yaml():
    at = run_page("Home.py")
    labels = [b.proto.label for b in at.sidebar.get("download_button")]
    assert "Download config (YAML)" in labels


# --------------------------------------------------------------------------- game
def test_game_default_and_widgets_change_figures():
    at = run_page("pages/1_Game.py")
    assert_clean(at)
    base = charts(at)
    assert len(base) >= 4  # equilibria, heatmap, dynamics (+ roster in the expander)
    assert at.dataframe, "the equilibria table is shown"
    assert equilibria_table(at) is not None

    # the action set: add "hold" -> the equilibria change
    widget(at.multiselect, "actions_").set_value(["accumulate", "hold", "sell"]).run()
    assert_clean(at)
    after_actions = charts(at)
    assert after_actions != base

    # another pair of sovereigns -> another payoff matrix
    at.selectbox(key="pair_b").set_value("United Kingdom").run()
    assert_clean(at)
    assert charts(at) != after_actions

    # the same sovereign twice -> a warning, not an error
    at.selectbox(key="pair_b").set_value(at.selectbox(key="pair_a").value).run()
    assert_clean(at)
    assert at.warning


def test_game_players_restrict_the_roster():
    at = run_page("pages/1_Game.py")
    widget(at.multiselect, "players_").set_value(["United States", "China", "Japan"]).run()
    assert_clean(at)
    table = equilibria_table(at)
    assert {"United States", "China", "Japan"} <= set(table.columns)
    assert "Bhutan" not in table.columns
    assert "edited" in at.sidebar.caption[0].value


def test_game_correlated_objective_changes_the_shown_metric():
    at = run_page("pages/1_Game.py")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert "Max incentive violation" in metrics
    welfare = metrics["Objective (welfare)"]
    before = charts(at)
    at.selectbox(key="ce_objective").set_value("demand-max").run()
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert "Objective (demand-max)" in metrics
    assert metrics["Objective (demand-max)"] != welfare
    assert charts(at) != before  # the distribution's chart is titled by its objective
    top = next(d.value for d in at.dataframe if "prob" in d.value.columns)
    assert "prob" in top.columns and abs(top["prob"].sum() - 1) < 1e-6


def test_game_correlated_too_large_is_a_message(monkeypatch):
    import reserves.nash.correlated as corr

    monkeypatch.setattr(corr, "MAX_CE_PROFILES", 4)
    at = run_page("pages/1_Game.py")
    assert_clean(at)
    assert any("correlated-equilibrium LP is built for" in i.value for i in at.info)
    assert not [m for m in at.metric if m.label == "Max incentive violation"]


# --------------------------------------------------------------------------- analysis
def test_analysis_default_and_param_changes_thresholds():
    at = run_page("pages/2_Analysis.py")
    assert_clean(at)
    base = charts(at)
    assert len(base) >= 2  # thresholds and the region map
    assert at.latex, "formulas are shown in LaTeX"
    at.selectbox(key="threshold_param").set_value("kappa").run()
    assert_clean(at)
    assert charts(at)[0] != base[0]
    at.selectbox(key="region_x").set_value("kappa").run()
    assert_clean(at)
    assert charts(at)[-1] != base[-1]


# --------------------------------------------------------------------------- price floor
def test_price_floor_default_and_shock_changes_cascade():
    at = run_page("pages/3_Price_floor.py")
    assert_clean(at)
    base = charts(at)
    assert len(base) == 4  # cascade rounds, trough vs shock, ladder, demand schedule
    at.slider(key="shock_bn").set_value(5.0).run()
    assert_clean(at)
    after = charts(at)
    assert after[0] != base[0]  # the cascade
    at.slider(key="level_k").set_value(60).run()
    assert_clean(at)
    assert charts(at)[1] != after[1]  # the breaking level on the trough curve

    def trough() -> str:  # the explored shock's trough (the reference numbers come first)
        return next(m.value for m in at.metric if m.label == "Trough")

    trough_with = trough()
    at.toggle(key="with_demand").set_value(False).run()
    assert_clean(at)
    assert trough() != trough_with


def test_price_floor_shows_the_stress_commitment_when_the_shock_does_not_break():
    at = run_page("pages/3_Price_floor.py")
    assert_clean(at)
    text = " ".join(c.value for c in at.caption)
    assert "least sovereign commitment holding it is $" in text
    at.slider(key="shock_bn").set_value(20.0).run()  # this one breaks $50,000 outright
    assert_clean(at)
    assert "least sovereign commitment holding it is" not in " ".join(c.value for c in at.caption)


# --------------------------------------------------------------------------- scenarios
def test_scenarios_default_and_weights_change_mixture():
    at = run_page("pages/4_Scenarios.py", **SMALL)
    assert_clean(at)
    base = charts(at)
    assert len(base) == 3  # C16 bars, the fan chart and the adoption path
    weights = [n for n in at.number_input if n.key.startswith("weight_")]
    assert len(weights) >= 2
    weights[0].set_value(0.2).run()
    assert_clean(at)
    after = charts(at)
    assert after[0] != base[0] and after[1] != base[1]
    at.selectbox(key="series").set_value("vol_pa").run()
    assert_clean(at)
    assert charts(at)[1] != after[1]


def test_scenarios_lag_correlations_of_the_selected_run():
    at = run_page("pages/4_Scenarios.py", **SMALL)
    assert len(charts(at)) == 3
    names = [o for o in at.radio(key="fan_scenario").options if o != "mixture"]
    at.radio(key="fan_scenario").set_value(names[0]).run()
    assert_clean(at)
    first = charts(at)
    assert len(first) == 4  # C16, fan, lagged correlations, adoption path
    at.radio(key="fan_scenario").set_value(names[1]).run()
    assert_clean(at)
    assert charts(at)[2] != first[2]


def test_scenarios_tornado_button_draws_a_chart():
    at = run_page("pages/4_Scenarios.py", **SMALL)
    n = len(charts(at))
    at.button(key="run_tornado").click().run()
    assert_clean(at)
    specs = [el.proto.spec for el in at.get("vega_lite_chart")]
    assert len(specs) == n + 1
    assert "Which inputs move the result most" in specs[-1]


# --------------------------------------------------------------------------- briefing
@pytest.mark.slow  # builds every layer once (about a minute); CI's browser test builds it too
def test_briefing_builds_and_offers_downloads():
    at = run_page("pages/5_Briefing.py", brief_paths=200)
    assert_clean(at)
    assert at.info, "asks before building"
    at.button(key="build_briefing").click().run()
    assert_clean(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Download PDF", "Download Word", "Download HTML", "Download Markdown"} <= set(labels)


def test_game_edits_survive_a_visit_to_another_page():
    at = run_page("Home.py")
    at.switch_page("pages/1_Game.py").run()
    widget(at.multiselect, "players_").set_value(["United States", "China", "Japan"]).run()
    at.switch_page("pages/3_Price_floor.py").run()
    assert_clean(at)
    assert "edited" in at.sidebar.caption[0].value  # the floor uses the edited config
    at.switch_page("pages/1_Game.py").run()
    assert_clean(at)
    assert widget(at.multiselect, "players_").value == ["United States", "China", "Japan"]
    assert "edited" in at.sidebar.caption[0].value


def test_scenarios_of_an_uploaded_config_are_used():
    from reserves.config import load_config

    c17 = load_config(ROOT / "configs" / "scenarios" / "c17.yaml")
    at = run_page("Home.py")
    at.sidebar.file_uploader[0].set_value(("c17.yaml", c17.to_yaml().encode(), "text/yaml"))
    at.run()
    at.switch_page("pages/4_Scenarios.py").run()
    assert_clean(at)
    assert not [s for s in at.selectbox if s.key == "scenario_file"]  # its own scenarios
    assert len(charts(at)) == 3  # C16, fan, adoption path
    assert any(c17.name in c.value for c in at.main.caption)


def test_a_figure_that_fails_is_a_message_not_a_traceback():
    def script():
        from _shared import show_chart

        show_chart(lambda: 1 / 0, cache_key=("broken",))

    at = AppTest.from_function(script, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert "could not be drawn" in at.error[0].value


def test_region_map_default_range_is_around_the_config():
    from _shared import region_axis_max

    # the config at 0.02, type boundaries at 0.09 and 1914: the map runs to 3 x 0.09
    assert abs(region_axis_max(0.02, [0.09, 1914.0]) - 0.27) < 1e-12
    assert abs(region_axis_max(0.02, [0.0019]) - 0.06) < 1e-12  # none above: the config
    assert region_axis_max(0.0, []) is None  # nothing to go by: the library's default


def test_readable_frame_has_no_scientific_notation():
    import pandas as pd
    from _shared import readable_frame

    raw = pd.DataFrame(
        {"theta set": [[0.0, 1.2221852895e-10], [0.0116, 0.1], None], "n": [1, 2, 3]}
    )
    out = readable_frame(raw)
    assert list(out["theta set"]) == ["0 to 0", "0.0116 to 0.1", "none"]
    assert list(out["n"]) == [1, 2, 3]  # other columns untouched
    assert "e-" not in out.to_string()
