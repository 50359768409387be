"""The technical note in papers/: a thin renderer of the assessment. Its numbers and tables
regenerate byte for byte (slow), every key the note quotes resolves in numbers.json, the claim
verdicts follow their rules, and the typst note compiles to a PDF with the claims table."""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import re
import shutil
from pathlib import Path

import pytest

from reserves.assessment import Figure, Section

PAPERS = Path(__file__).resolve().parent.parent / "papers"


def _build_module():
    spec = importlib.util.spec_from_file_location("papers_build", PAPERS / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def build():
    return _build_module()


@pytest.fixture(scope="module")
def numbers():
    return json.loads((PAPERS / "numbers.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_numbers_and_tables_are_not_stale(build):
    bad = build.stale(build.generate())
    assert not bad, (
        f"papers/ is stale: {bad} differ from what papers/build.py computes now; "
        "run `python papers/build.py` and commit papers/"
    )


def test_build_computes_nothing_itself():
    """build.py renders: no numpy, no formatting helpers of its own, no solver calls."""
    src = (PAPERS / "build.py").read_text(encoding="utf-8")
    tree = ast.parse(src)
    imported = {
        a.name.split(".")[0] if isinstance(n, ast.Import) else (n.module or "")
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    assert "numpy" not in imported
    defs = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert not defs & {"usd", "price", "pct", "num", "sig", "ratio", "rounded"}
    for call in ("calibrate(", "fragility_curve(", "simulate_scenario(", "cascade(", "analyze("):
        assert call not in src, call
    assert len(src.splitlines()) < 500


def _text_of(numbers: dict, key: str) -> str | None:
    """What the note's ``nv(key)`` prints (mirrors the Typst function in note.typ)."""
    a, c = numbers["assessment"], numbers["claims"]
    section, _, short = key.partition(".")
    if key in a["text"]:
        return a["text"][key]
    if section == "claims":
        table = c["counts_text"] if short.startswith("count_") else c["arithmetic"]
        return table.get(short)
    if section == "note":
        return numbers["text"].get(short)
    return a["sections"].get(section, {}).get("data", {}).get("text", {}).get(short)


def test_every_key_the_note_quotes_resolves(numbers):
    text = (PAPERS / "note.typ").read_text(encoding="utf-8")
    keys = set(re.findall(r'nv\("([^"]+)"\)', text)) | set(re.findall(r'inputs\("([^"]+)"\)', text))
    assert len(keys) > 80
    missing = sorted(k for k in keys if _text_of(numbers, k) in (None, "", "n/a"))
    assert missing == []
    for key in re.findall(r'inputs\("([^"]+)"\)', text):
        assert numbers["assessment"]["footnotes"][key], key
    for sec in ("paper_thresholds", "paper_impact_laws", "paper_fragility", "c16_sensitivity"):
        assert numbers["layers"][sec], sec


def test_numbers_json_is_the_assessment(numbers, build):
    """One number everywhere: the note's headline text is the assessment's text for the same
    config and paths, every figure carries its inputs, and no text is in scientific notation."""
    a = numbers["assessment"]
    assert a["config_name"] == "baseline" and a["paths"] == build.SETTINGS["scenario_paths"]
    figs = [f for sec in a["sections"].values() for f in sec["figures"].values()]
    assert len(figs) > 100
    for fig in figs:
        assert a["text"][fig["key"]] == fig["text"], fig["key"]
        assert a["footnotes"][fig["key"]], fig["key"]
        assert not re.search(r"\de[+-]?\d", fig["text"]), (fig["key"], fig["text"])


def _sections_from(numbers: dict) -> dict[str, Section]:
    out = {}
    for name, s in numbers["assessment"]["sections"].items():
        figs = {
            k: Figure(f["key"], f["label"], f["value"], f["unit"], f["text"], f["inputs"])
            for k, f in s["figures"].items()
        }
        out[name] = Section(name, s["title"], figs, s["data"], s["available"], s["note"])
    return out


class _FakeAssessment:
    def __init__(self, sections: dict[str, Section]) -> None:
        from reserves import load_config

        self.sections = sections
        self.config = load_config(PAPERS.parent / "configs" / "baseline.yaml")

    def section(self, name: str) -> Section:
        return self.sections.get(name, Section(name, name, available=False, note="absent"))


def test_claim_verdicts_follow_their_rules(numbers):
    """The committed verdicts are what reserves.claims computes from the committed figures,
    and a verdict flips when the figure its rule reads flips."""
    from reserves.claims import NOT_COMPUTED, REPRODUCED, VERDICTS, claim_verdicts

    secs = _sections_from(numbers)
    cv = claim_verdicts(_FakeAssessment(secs))
    assert [r["id"] for r in cv.rows] == [f"C{k}" for k in range(1, 19)]
    assert [dict(r) for r in cv.rows] == numbers["claims"]["rows"]
    assert all(r["verdict"] in VERDICTS and r["rule"] for r in cv.rows)
    assert sum(cv.counts.values()) == 18
    # C14: every sovereign dominant -> reproduced; else not supported
    th = secs["paper_thresholds"]
    flipped = not th.data["c14_holds_for_all"]
    secs["paper_thresholds"] = Section(
        th.name, th.title, th.figures, {**th.data, "c14_holds_for_all": flipped}
    )
    c14 = next(r for r in claim_verdicts(_FakeAssessment(secs)).rows if r["id"] == "C14")
    assert (c14["verdict"] == REPRODUCED) is flipped
    # a missing layer gives "not computed", never a verdict
    del secs["paper_impact_laws"]
    c1 = claim_verdicts(_FakeAssessment(secs)).rows[0]
    assert c1["verdict"] == NOT_COMPUTED


def test_fragility_crossing_and_theta_multiplier():
    from reserves.market.fragility_table import first_crossing
    from reserves.sovereign.dominance_table import theta_multiplier

    assert first_crossing([1.0, 2.0, 3.0], [4.0, 8.0, 12.0], 10.0) == pytest.approx(2.5)
    assert first_crossing([1.0, 2.0], [4.0, 8.0], 10.0) is None
    assert theta_multiplier(0.01, 0.05, "above", True, False) == pytest.approx(5.0)
    assert theta_multiplier(0.01, 0.05, "above", True, True) == 1.0
    assert math.isinf(theta_multiplier(0.01, "never", "below", False, False))


def test_c16_flip_point_is_the_largest_base_vol_meeting_the_goal():
    from reserves.scenarios.c16_sensitivity import _flip

    sens = [{"base_pa": v, "c16": [p, 0.0]} for v, p in ((0.2, 0.7), (0.25, 0.55), (0.3, 0.2))]
    assert _flip(sens, 0, "never down to") == "base diffusive volatility ≤ 25%"
    assert _flip(sens, 1, "never down to") == "never down to 20%"


def test_note_types_no_number_by_hand():
    """Amounts, percentages and ratios in the note come from numbers.json (``#nv(...)``)."""
    text = (PAPERS / "note.typ").read_text(encoding="utf-8")
    body = re.sub(r"//[^\n]*", "", text)
    body = re.sub(r"`[^`]*`", "", body)
    # a literal dollar in Typst markup is written \$ (a bare $ opens math)
    found = re.findall(r"\\\$\s*\d[\d,.]*\s*[MBT]?|\d[\d,.]*\s*%|\d+(?:\.\d+)?\s*:\s*1\b", body)
    # "per 1% of price" is a unit, not a result
    assert [n for n in found if n.replace(" ", "") != "1%"] == []


def test_write_is_atomic_and_refuses_a_missing_folder_as_one_error(build, tmp_path):
    from reserves.errors import ReservesError

    build.write({"numbers.json": "{}\n", "generated/x.typ": "x\n"}, tmp_path)
    assert (tmp_path / "generated" / "x.typ").read_text() == "x\n"
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]
    (tmp_path / "blocked").write_text("a file where a folder should be")
    with pytest.raises(ReservesError, match="blocked"):
        build.write({"blocked/y.typ": "y\n"}, tmp_path)


def test_note_compiles_with_the_claims_table(build, tmp_path):
    """Compiles the committed numbers (no recomputation)."""
    pytest.importorskip("typst")
    pypdf = pytest.importorskip("pypdf")
    root = tmp_path / "papers"
    shutil.copytree(PAPERS, root, ignore=shutil.ignore_patterns("note.pdf", "__pycache__"))
    out = tmp_path / "note.pdf"
    pdf = build.compile_pdf(root, out)
    assert pdf[:5] == b"%PDF-"
    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(out).pages)
    text = " ".join(text.split())
    assert "Claim by claim" in text
    for phrase in ("C1", "C14", "C18", "not supported", "reproduced", "not modelled"):
        assert phrase in text, phrase
    assert "not computed in this build" not in text
    numbers = json.loads((PAPERS / "numbers.json").read_text(encoding="utf-8"))
    assert numbers["assessment"]["text"]["breaking.shock_without_usd"] in text


def test_topic_sections_are_included_when_present(build, tmp_path):
    root = tmp_path / "papers"
    (root / "sections").mkdir(parents=True)
    assert "#include" not in build.sections_include(root)
    (root / "sections" / "dynamics.typ").write_text("== Dynamics\n", encoding="utf-8")
    (root / "sections" / "crash_panel.typ").write_text("== Crashes\n", encoding="utf-8")
    text = build.sections_include(root)
    assert text.index("crash_panel.typ") < text.index("dynamics.typ")
    assert "sovereigns.typ" not in text
    committed = (PAPERS / "generated" / "sections.typ").read_text(encoding="utf-8")
    assert committed == build.sections_include(PAPERS)
