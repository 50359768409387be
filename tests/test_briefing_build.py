"""Briefing assembly: findings, determinism, wording from templates, number formatting."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reserves.briefing import (
    Briefing,
    BriefingFormatError,
    build_briefing,
    format_from_path,
    render_briefing,
)
from reserves import units as fmt
from reserves.briefing import assemble as assemble_mod
from reserves.errors import ConfigError, ReservesError

DATE = "2026-01-15"


@pytest.fixture(autouse=True, scope="module")
def _few_paths() -> Iterator[None]:
    """Fewer Monte Carlo paths per scenario keep the suite fast (the text is still seeded)."""
    from reserves.briefing import sections

    saved = sections.BRIEFING_PATHS
    sections.BRIEFING_PATHS = 40
    yield
    sections.BRIEFING_PATHS = saved


KEYS = ["equilibrium", "never_sell", "demand_band", "floor", "break_shock", "scenarios"]


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return build_briefing("configs/baseline.yaml", seed=0, date=DATE)


def test_findings_in_reading_order(briefing: Briefing) -> None:
    assert [f.key for f in briefing.findings] == KEYS
    eq = briefing.findings[0]
    assert eq.computed and "equilibri" in eq.text
    assert "max" in eq.text.lower() and "regret" in eq.text.lower()
    for f in briefing.findings:
        assert f.heading and f.text
        if not f.computed:
            assert "not computed in this build" in f.text.lower() or "could not" in f.text.lower()
    assert len(briefing.layers) == len(KEYS)


def test_never_sell_names_sovereigns(briefing: Briefing) -> None:
    text = briefing.findings[1].text
    assert "El Salvador" in text  # accumulating is dominant for it in the baseline
    roster = next(t for t in briefing.tables if t.key == "roster")
    assert len(roster.rows) == 14
    assert all(len(r) == len(roster.columns) for r in roster.rows)


def test_footer_reproducibility(briefing: Briefing) -> None:
    from reserves import __version__
    from reserves.config import load_config

    fo = briefing.footer
    assert fo.package_version == __version__
    assert fo.config_hash == load_config("configs/baseline.yaml").content_hash()
    assert fo.seed == 0 and fo.date == DATE
    assert "reserves brief configs/baseline.yaml" in fo.command


def test_same_config_and_seed_give_same_text(briefing: Briefing) -> None:
    again = build_briefing("configs/baseline.yaml", seed=0, date=DATE)
    assert again.text_content() == briefing.text_content()
    assert again.to_dict() == briefing.to_dict()
    for f in ("md", "html"):
        assert render_briefing(again, f) == render_briefing(briefing, f)


def test_date_only_changes_the_footer(briefing: Briefing) -> None:
    other = build_briefing("configs/baseline.yaml", seed=0, date="2030-12-31")
    a = briefing.text_content().replace(DATE, "D")
    b = other.text_content().replace("2030-12-31", "D")
    assert a == b


def test_numbers_carry_units_and_separators(briefing: Briefing) -> None:
    text = briefing.text_content()
    assert "$91,770" in text
    assert "91770" not in text
    assert "198,000" in text


def test_to_dict_is_json_ready(briefing: Briefing) -> None:
    import json

    data = json.loads(json.dumps(briefing.to_dict()))
    assert data["footer"]["config_hash"] == briefing.footer.config_hash
    assert len(data["findings"]) == len(KEYS)


def test_wording_comes_from_the_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(assemble_mod.TEMPLATE_DIR, tmp_path / "templates")
    phrases = tmp_path / "templates" / "phrases.yaml"
    phrases.write_text(
        phrases.read_text(encoding="utf-8").replace(
            '  findings: "Headline findings"', '  findings: "What we found"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(assemble_mod, "TEMPLATE_DIR", tmp_path / "templates")
    b = build_briefing("configs/baseline.yaml", date=DATE)
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
    with pytest.raises(ConfigError):
        build_briefing("configs/does-not-exist.yaml")
    assert format_from_path("a/B.PDF") == "pdf"
