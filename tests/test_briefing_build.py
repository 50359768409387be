"""Briefing assembly: findings, determinism, wording from templates, number formatting."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reserves import units as fmt
from reserves.briefing import (
    Briefing,
    BriefingFormatError,
    build_briefing,
    format_from_path,
    render_briefing,
)
from reserves.briefing import assemble as assemble_mod
from reserves.errors import ConfigError, ReservesError

DATE = "2026-01-15"


#: the briefing's Monte Carlo settings in the tests (small: the text is still seeded)
SEED, PATHS = 0, 20

KEYS = [
    "equilibrium",
    "never_sell",
    "demand_band",
    "floor",
    "break_shock",
    "scenarios",
    "calibration",
]


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return build_briefing(
        "configs/baseline.yaml", seed=SEED, paths=PATHS, date=DATE, extra_sections=()
    )


def test_bottom_line_first_in_plain_words(briefing: Briefing) -> None:
    s = briefing.summary
    assert "China" in s and "$" in s
    assert len(s.split(". ")) >= 4  # several short sentences
    words = [w for w in re.split(r"[\s,;:()]+", s) if w]
    assert sum(len(w) for w in words) / len(words) < 6.5  # plain words
    md = render_briefing(briefing, "md").decode()
    assert md.index(briefing.labels["bottom_line"]) < md.index(briefing.labels["findings"])


def test_short_sentences(briefing: Briefing) -> None:
    """A non-specialist standard: about 15 words a sentence, none past 35."""
    text = " ".join([briefing.summary, *(f.text for f in briefing.findings if f.computed)])
    sentences = [x for x in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"])", text) if x.strip()]
    words = [len(x.split()) for x in sentences]
    assert sum(words) / len(words) <= 20, sum(words) / len(words)
    assert max(words) <= 35, max(zip(words, sentences, strict=True))


def test_findings_in_reading_order(briefing: Briefing) -> None:
    assert [f.key for f in briefing.findings[: len(KEYS)]] == KEYS
    for f in briefing.findings:
        assert f.heading and f.text
        if f.computed:
            assert f.footnote  # the inputs behind its numbers
    assert len(briefing.layers) >= len(KEYS)


def test_no_internal_ids_outside_the_annex(briefing: Briefing) -> None:
    body = [briefing.title, briefing.subtitle, briefing.summary]
    for f in briefing.findings:
        body += [f.heading, f.text]
    for g in briefing.figures:
        body += [g.title, g.caption]
    for t in briefing.tables:
        body += [t.title, *t.columns, t.note, *(c for r in t.rows for c in r)]
    text = "\n".join(body)
    for bad in (r"\bC\d{1,2}\b", "theta", "θ", "MODEL.md", "CLAIMS.md", r"shared/", r"\.yaml"):
        assert not re.search(bad, text), bad
    annex = " ".join(c[0] for c in briefing.claims)
    assert "C14" in annex and "C16" in annex
    assert briefing.glossary and all(t and d for t, d in briefing.glossary)


def test_actions_as_readers_name_them(briefing: Briefing) -> None:
    roster = next(t for t in briefing.tables if t.key == "roster")
    assert len(roster.rows) == 14
    col = roster.columns.index("In equilibrium")
    actions = {r[col] for r in roster.rows}
    assert actions <= {"accumulate", "hold", "sell", "not involved"}
    held = roster.columns.index("Bitcoin held")
    for r in roster.rows:  # a sovereign holding nothing never "sells"
        if r[held] == "none":
            assert r[col] != "sell"
    assert "not involved" in actions
    assert "sell or stay out" not in briefing.text_content()


def test_no_identical_columns_or_empty_cells(briefing: Briefing) -> None:
    for t in (*briefing.tables, *briefing.annex_tables):
        assert all(len(r) == len(t.columns) for r in t.rows), t.key
        assert all(c.strip() for r in t.rows for c in r), t.key
        cols = list(zip(*t.rows, strict=True))
        for i in range(len(cols)):
            for j in range(i + 1, len(cols)):
                assert cols[i] != cols[j], (t.key, t.columns[i], t.columns[j])


def test_every_chart_has_a_takeaway(briefing: Briefing) -> None:
    assert len(briefing.figures) >= 3
    keys = {f.key for f in briefing.findings}
    for g in briefing.figures:
        assert g.caption.endswith(".") and 20 < len(g.caption) < 200
        assert g.finding in keys


def test_no_scientific_notation(briefing: Briefing) -> None:
    text = re.sub(r"\b[0-9a-f]{16}\b", "HASH", briefing.text_content())  # config hashes
    assert not re.search(r"\d(\.\d+)?e[+-]?\d", text)


def test_numbers_equal_the_assessment(briefing: Briefing) -> None:
    from reserves.assessment import assess

    a = assess("configs/baseline.yaml", seed=SEED, paths=PATHS)
    for key in (
        "floor.trough_with_usd",
        "floor.trough_without_usd",
        "breaking.shock_without_usd",
        "scenarios.mixture_median_end_usd",
        "equilibrium.net_usd",
    ):
        assert a.text(key) in briefing.text_content(), key
    by_label = {label: (text, inputs) for label, text, inputs in briefing.numbers}
    f = a.figure("floor.trough_with_usd")
    text, inputs = by_label[f.label]
    assert text == f.text and f.footnote.startswith(inputs)  # the config is named once


def test_footer_reproducibility(briefing: Briefing) -> None:
    from reserves import __version__
    from reserves.config import load_config

    fo = briefing.footer
    assert fo.package_version == __version__
    assert fo.config_hash == load_config("configs/baseline.yaml").content_hash()
    assert fo.seed == SEED and fo.paths == PATHS and fo.date == DATE
    assert "reserves brief configs/baseline.yaml" in fo.command
    assert f"--paths {PATHS}" in fo.command


@pytest.mark.slow
def test_same_config_and_seed_give_same_text(briefing: Briefing) -> None:
    from reserves.assessment import clear_cache

    clear_cache()  # recompute every number
    again = build_briefing(
        "configs/baseline.yaml", seed=SEED, paths=PATHS, date=DATE, extra_sections=()
    )
    assert again.text_content() == briefing.text_content()
    assert again.to_dict() == briefing.to_dict()
    assert render_briefing(again, "md") == render_briefing(briefing, "md")


def test_date_only_changes_the_footer(briefing: Briefing) -> None:
    other = build_briefing(
        "configs/baseline.yaml", seed=SEED, paths=PATHS, date="2030-12-31", extra_sections=()
    )
    a = briefing.text_content().replace(DATE, "D")
    b = other.text_content().replace("2030-12-31", "D")
    assert a == b


def test_numbers_carry_units_and_separators(briefing: Briefing) -> None:
    text = briefing.text_content()
    assert "$91,770" in text
    assert "91770" not in text.replace(briefing.footer.config_hash, "")
    assert "198,000" in text


def test_to_dict_is_json_ready(briefing: Briefing) -> None:
    import json

    data = json.loads(json.dumps(briefing.to_dict()))
    assert data["footer"]["config_hash"] == briefing.footer.config_hash
    assert len(data["findings"]) == len(briefing.findings)
    assert data["numbers"] and data["claims"] and data["glossary"]


def test_wording_comes_from_the_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(assemble_mod.TEMPLATE_DIR, tmp_path / "templates")
    phrases = tmp_path / "templates" / "phrases.yaml"
    phrases.write_text(
        phrases.read_text(encoding="utf-8").replace(
            '  findings: "Findings"', '  findings: "What we found"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(assemble_mod, "TEMPLATE_DIR", tmp_path / "templates")
    b = build_briefing(
        "configs/baseline.yaml", seed=SEED, paths=PATHS, date=DATE, extra_sections=()
    )
    assert b.labels["findings"] == "What we found"
    assert "## What we found" in render_briefing(b, "md").decode()


@pytest.mark.parametrize(
    ("value", "func", "expected"),
    [
        (2e8, fmt.usd, "$200 million"),
        (1.91e9, fmt.usd, "$1.9 billion"),
        (1.83e12, fmt.usd, "$1.8 trillion"),
        (81_600.4, fmt.usd, "$81,600"),
        (-5.8e9, fmt.usd, "-$5.8 billion"),
        (81_600.4, fmt.usd_price, "$81,600"),
        (198_000, fmt.btc, "198,000 BTC"),
        (0.234, fmt.pct, "23%"),
        (9.03e8, fmt.usd_short, "$903M"),
        (1.91e9, fmt.usd_short, "$1.91bn"),
        (1.83e12, fmt.usd_short, "$1.83T"),
        (81_603.1, fmt.usd_short, "$81,603"),
        (9.5, fmt.ratio, "9.5x"),
        (float("inf"), fmt.usd, "never"),
        (float("nan"), fmt.usd, "n/a"),
        (None, fmt.num, "n/a"),
    ],
)
def test_formatting(value: float, func, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert func(value) == expected


def test_bad_inputs_raise_reserves_errors(briefing: Briefing) -> None:
    with pytest.raises(BriefingFormatError, match="extension"):
        format_from_path("out.txt")
    with pytest.raises(BriefingFormatError, match="unknown briefing format"):
        render_briefing(briefing, "rtf")
    with pytest.raises(ReservesError):
        render_briefing("not a briefing", "md")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="seed"):
        build_briefing("configs/baseline.yaml", seed=-1)
    with pytest.raises(ConfigError, match="paths"):
        build_briefing("configs/baseline.yaml", paths=-5)
    with pytest.raises(ConfigError):
        build_briefing("configs/does-not-exist.yaml")
    assert format_from_path("a/B.PDF") == "pdf"


def _extra_section(ctx):  # type: ignore[no-untyped-def]
    """A section another module would register: one figure and a plain summary."""
    from reserves.assessment import SectionBuilder

    b = SectionBuilder(ctx, "extra_test", reading="test")
    b.add("share", "Share of crashes explained", 0.75, "pct")
    return b.section("An extra finding", summary="Three crashes in four are explained.")


def test_sections_other_modules_register_become_findings(
    briefing: Briefing, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    from reserves import assessment

    mod = types.ModuleType("reserves_extra_test")
    mod.assessment_section = _extra_section  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reserves_extra_test", mod)
    monkeypatch.setitem(
        assessment.EXTERNAL_SECTIONS, "extra_test", "reserves_extra_test:assessment_section"
    )
    b = build_briefing(
        "configs/baseline.yaml", seed=SEED, paths=PATHS, date=DATE, extra_sections=["extra_test"]
    )
    f = b.findings[-1]
    assert f.key == "extra_test" and f.heading == "An extra finding"
    assert f.text == "Three crashes in four are explained." and "test reading" in f.footnote
    table = next(t for t in b.tables if t.key == "extra_test")
    assert table.rows == (("Share of crashes explained", "75.0%"),)
    assert len(b.findings) == len(briefing.findings) + 1
