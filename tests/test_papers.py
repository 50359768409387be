"""The technical note in papers/ is not stale: its numbers and tables regenerate byte for byte,
and the typst note compiles to a PDF that carries the claims table."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

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
def generated(build):
    """Every generated file, recomputed with the committed settings (same seeds)."""
    return build.generate()


@pytest.mark.slow
def test_numbers_and_tables_are_not_stale(build, generated):
    bad = build.stale(generated)
    assert not bad, (
        f"papers/ is stale: {bad} differ from what papers/build.py computes now; "
        "run `python papers/build.py` and commit papers/"
    )


@pytest.mark.slow
def test_every_claim_has_a_verdict(build, generated):
    numbers = json.loads(generated["numbers.json"])
    claims = numbers["claims"]
    assert [c["id"] for c in claims] == [f"C{k}" for k in range(1, 19)]
    allowed = {build.REPRODUCED, build.CONDITIONAL, build.NOT_SUPPORTED, build.NOT_MODELLED}
    for c in claims:
        assert c["verdict"] in allowed | {build.NOT_COMPUTED}, c
        assert c["rule"], c
    # the central claim is tested by the model, not declared out of scope
    c14 = next(c for c in claims if c["id"] == "C14")
    if numbers["layers"]["game"]:
        assert c14["verdict"] in (build.REPRODUCED, build.NOT_SUPPORTED)


def test_note_types_no_number_by_hand():
    """Amounts, percentages and ratios in the note come from numbers.json (``#nv(...)``)."""
    import re

    text = (PAPERS / "note.typ").read_text(encoding="utf-8")
    body = re.sub(r"//[^\n]*", "", text)
    body = re.sub(r"`[^`]*`", "", body)
    # a literal dollar in Typst markup is written \$ (a bare $ opens math)
    found = re.findall(r"\\\$\s*\d[\d,.]*\s*[MBT]?|\d[\d,.]*\s*%|\d+(?:\.\d+)?\s*:\s*1\b", body)
    # "per 1% of price" is a unit, not a result
    assert [n for n in found if n.replace(" ", "") != "1%"] == []


def test_note_compiles_with_the_claims_table(build, tmp_path):
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
    assert "not computed in this build" not in text or not all(
        json.loads((PAPERS / "numbers.json").read_text())["layers"].values()
    )


def test_headline_strings_are_the_assessment(build):
    """The note prints the assessment's text for every headline number (one number
    everywhere), and numbers.json keeps the assessment with the inputs of each figure."""
    numbers = json.loads((PAPERS / "numbers.json").read_text(encoding="utf-8"))
    a = numbers["assessment"]
    assert a["config_name"] == "baseline" and a["paths"] == build.SETTINGS["scenario_paths"]
    for fkey, key in build.HEADLINE_KEYS.items():
        assert numbers["fmt"][fkey] == a["text"][key], fkey
        assert a["footnotes"][key], key
    for key, text in a["text"].items():
        if key.startswith("scenarios.") and key.endswith(".median_end_usd"):
            assert numbers["fmt"][f"sc_{key.split('.')[1]}_median"] == text


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
