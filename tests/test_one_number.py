"""One number everywhere: the same config, seed and paths give the same digits in the CLI JSON
(``reserves assess``), the app (Streamlit AppTest), the briefing Markdown and
``papers/numbers.json``. Every surface renders :func:`reserves.assessment.assess`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reserves.cli import main

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
CONFIG = "configs/baseline.yaml"
#: the settings of the briefing tests, so the numbers are computed once for both
SEED, PATHS = 0, 20

#: headline figures that do not depend on the Monte Carlo, shown on the app's Home page
HOME_KEYS = (
    "equilibrium.net_usd",
    "floor.trough_without_usd",
    "floor.trough_with_usd",
    "breaking.shock_without_usd",
)
#: headline figures the briefing quotes in its text
BRIEFING_KEYS = (
    *HOME_KEYS,
    "floor.shock_usd",
    "floor.drop_with",
    "breaking.shock_with_usd",
    "breaking.commitment_usd",
    "demand.demand_usd",
    "scenarios.mixture_median_end_usd",
    "scenarios.mixture_p05_end_usd",
    "scenarios.c16_0",
    "calibration.loo_liq_ratio",
    "calibration.shock_low_usd",
    "calibration.fragility_high",
    "calibration.sourced.trough_usd",
)
#: sections whose numbers numbers.json holds for any seed and paths
DETERMINISTIC = ("equilibrium", "dominance", "demand", "floor", "breaking")


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["assess", CONFIG, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def app_metrics(page: str, **state: Any) -> dict[str, tuple[str, str]]:
    """``{label: (value, help)}`` of every ``st.metric`` of an app page (AppTest)."""
    from streamlit.testing.v1 import AppTest

    if str(APP) not in sys.path:
        sys.path.insert(0, str(APP))
    at = AppTest.from_file(str(APP / page), default_timeout=240)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return {m.label: (str(m.value), str(m.help or "")) for m in at.metric}


def markdown_numbers(md: str) -> dict[str, str]:
    """The annex table "how each headline number was computed": ``{label: text}``."""
    out = {}
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1] and not set(cells[1]) <= {"-", ":"}:
            out.setdefault(cells[0], cells[1])
    return out


def test_headline_numbers_equal_on_every_surface(capsys: pytest.CaptureFixture[str]) -> None:
    from reserves.briefing import build_briefing, render_briefing

    d = cli_json(capsys, "--seed", str(SEED), "--paths", str(PATHS))
    text, footnotes = d["text"], d["footnotes"]
    assert d["config_hash"] and d["seed"] == SEED and d["paths"] == PATHS

    # the briefing Markdown: in its text, and in the annex with the same inputs
    b = build_briefing(CONFIG, seed=SEED, paths=PATHS, date="2026-01-15", extra_sections=())
    md = render_briefing(b, "md").decode("utf-8")
    annex = markdown_numbers(md)
    labels = {
        k: d["sections"][k.split(".")[0]]["figures"][k.split(".", 1)[1]]["label"] for k in text
    }
    for key in BRIEFING_KEYS:
        assert text[key] in md, (key, text[key])
        assert annex[labels[key]] == text[key], key
    assert footnotes["floor.trough_with_usd"] in md  # the inputs travel with the number

    # the app: Home shows the same digits, with the inputs on hover
    home = app_metrics("Home.py")
    for key in HOME_KEYS:
        value, help_text = home[labels[key]]
        assert value == text[key], (key, value, text[key])
        assert footnotes[key] in help_text

    # papers/numbers.json: the note's assessment (its own paths; these numbers do not depend
    # on them)
    numbers = json.loads((ROOT / "papers" / "numbers.json").read_text(encoding="utf-8"))
    paper = numbers["assessment"]
    assert paper["config_hash"] == d["config_hash"], (
        "papers/numbers.json is stale for this config: run python papers/build.py"
    )
    stale = {
        key: (paper["text"].get(key), t)
        for key, t in text.items()
        if key.split(".")[0] in DETERMINISTIC and paper["text"].get(key) != t
    }
    assert not stale, f"papers/ is stale (run python papers/build.py): {stale}"
    # the note prints the assessment's text by key (papers/note.typ: #nv("section.name"))
    note = (ROOT / "papers" / "note.typ").read_text(encoding="utf-8")
    for key in ("floor.trough_with_usd", "breaking.shock_without_usd"):
        assert f'nv("{key}")' in note and paper["text"][key] == text[key], key


def test_no_scientific_notation_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    d = cli_json(capsys, "--seed", str(SEED), "--paths", str(PATHS))
    for key, t in d["text"].items():
        assert not re.search(r"\d[eE][+-]?\d", t), (key, t)
    assert main(["assess", CONFIG, "--seed", str(SEED), "--paths", str(PATHS)]) == 0
    table = capsys.readouterr().out
    assert d["text"]["floor.trough_with_usd"] in table
    assert not re.search(r"\d\.\d+e[+-]?\d", table)


@pytest.mark.slow
def test_scenario_numbers_equal_in_a_fresh_process_and_the_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The Scenarios page at its smallest path count and the config's seed, against the CLI
    in a fresh process (nothing shared but the code) and the briefing."""
    from reserves.briefing import build_briefing, render_briefing

    paths = 200
    out = subprocess.run(
        [sys.executable, "-m", "reserves.cli", "assess", CONFIG, "--paths", str(paths), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=True,
    )
    fresh = json.loads(out.stdout)
    inproc = cli_json(capsys, "--paths", str(paths))
    assert fresh["text"] == inproc["text"]
    page = app_metrics("pages/4_Scenarios.py", paths=paths)
    for key in (
        "scenarios.mixture_median_end_usd",
        "scenarios.mixture_p05_end_usd",
        "scenarios.mixture_p95_end_usd",
    ):
        label = fresh["sections"]["scenarios"]["figures"][key.split(".", 1)[1]]["label"]
        assert page[label][0] == fresh["text"][key], key
    md = render_briefing(build_briefing(CONFIG, paths=paths, extra_sections=()), "md").decode()
    assert fresh["text"]["scenarios.mixture_median_end_usd"] in md


@pytest.mark.slow
def test_paper_scenario_numbers_are_the_assessment() -> None:
    from reserves.assessment import assess

    numbers = json.loads((ROOT / "papers" / "numbers.json").read_text(encoding="utf-8"))
    paper = numbers["assessment"]
    a = assess(CONFIG, seed=paper["seed"], paths=paper["paths"])
    for key, t in paper["text"].items():
        if key.startswith("scenarios."):
            assert a.text(key) == t, key


# --------------------------------------------------------------------------- the assessment
@pytest.fixture(scope="module")
def small_cfg() -> Any:
    """The baseline with two sovereigns: every section is quick."""
    from reserves.config import load_config

    # its own name: a config hash no other test assesses, so nothing is cached yet
    return load_config(ROOT / CONFIG).with_updates(
        {"name": "one-number-small", "game": {"players": ["China", "Japan"]}}
    )


def test_sections_are_lazy_and_shared_across_seeds(small_cfg: Any) -> None:
    from reserves.assessment import assess

    a = assess(small_cfg, seed=1, paths=5)
    assert a.computed() == []
    trough = a.figure("floor.trough_with_usd")
    assert set(a.computed()) == {"floor"}  # no Monte Carlo, no calibration
    assert assess(small_cfg, seed=1, paths=5) is a  # cached by config hash, seed, paths
    b = assess(small_cfg, seed=2, paths=5)
    assert b is not a and b.computed() == ["floor"]  # the seed does not change the floor
    assert b.figure("floor.trough_with_usd") is trough


def test_figures_carry_their_inputs_and_json(small_cfg: Any) -> None:
    from reserves.assessment import assess

    a = assess(small_cfg, seed=1, paths=5)
    f = a.figure("floor.trough_without_usd")
    assert f.inputs["config_hash"] == small_cfg.content_hash()
    assert f.inputs["sovereign_bids"] is False and f.inputs["shock_usd"] > 0
    assert "no sovereign bids" in f.footnote and "shock $" in f.footnote
    assert f.text.startswith("$") and "," in f.text
    d = json.loads(json.dumps(a.to_dict(["floor", "breaking"])))
    assert d["figures"]["floor.trough_without_usd"] == pytest.approx(f.value)
    assert d["text"]["floor.trough_without_usd"] == f.text
    assert set(d["sections"]) == {"floor", "breaking"}


def test_unknown_section_and_bad_arguments_are_reserves_errors(small_cfg: Any) -> None:
    from reserves.assessment import assess
    from reserves.errors import ConfigError, ReservesError

    a = assess(small_cfg, seed=1, paths=5)
    with pytest.raises(ReservesError, match="unknown assessment section"):
        a.section("nope")
    with pytest.raises(KeyError, match="floor"):
        a.figure("floor.nope")
    with pytest.raises(ConfigError, match="paths"):
        assess(small_cfg, paths=0)
    with pytest.raises(ConfigError, match="seed"):
        assess(small_cfg, seed=-1)


def test_missing_external_module_is_an_unavailable_section(
    small_cfg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reserves import assessment

    monkeypatch.setitem(assessment.EXTERNAL_SECTIONS, "ghost", "reserves.no_such_module:f")
    sec = assessment.assess(small_cfg, seed=3, paths=5).section("ghost")
    assert not sec.available and "not in this build" in sec.note


#: the out-of-sample test on the 21 Nov 2025 crash, as the Price floor page shows it
CRASH_KEYS = (
    "calibration.loo_liq_ratio",
    "calibration.loo_trough_error",
    "calibration.loo_long_share",
    "calibration.shock_low_usd",
    "calibration.shock_high_usd",
    "calibration.fragility_low",
    "calibration.fragility_high",
    "calibration.article.trough_usd",
    "calibration.sourced.claimed_fragility_ratio",
)


@pytest.mark.slow  # the Price floor page runs its cascades and floor curves (~10 s)
def test_crash_test_numbers_equal_in_the_cli_and_the_price_floor_page(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = cli_json(capsys, "--section", "calibration")
    figs = d["sections"]["calibration"]["figures"]
    page = app_metrics("pages/3_Price_floor.py")
    for key in CRASH_KEYS:
        f = figs[key.split(".", 1)[1]]
        value, help_text = page[f["label"]]
        assert value == f["text"] == d["text"][key], key
        assert "leave-one-out" in help_text, (key, help_text)
