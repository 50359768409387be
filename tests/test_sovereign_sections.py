"""The sovereign assessment sections: the headline one (briefing, app, CLI) without the
paper's extras, the ``sovereigns_detail`` one with them, and the same numbers either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from reserves import assessment

CONFIG = "configs/baseline.yaml"


def test_extras_are_a_paper_section_not_a_briefing_finding() -> None:
    assert "sovereigns" in assessment.EXTERNAL_SECTIONS
    assert "sovereigns_detail" in assessment.PAPER_SECTIONS
    assert "sovereigns_detail" not in assessment.EXTERNAL_SECTIONS  # the briefing skips it
    assert "sovereigns_detail" in assessment.section_names()


@pytest.mark.slow
def test_headline_and_detail_give_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reserves.sovereign.evidence import DEFAULT_EVIDENCE, load_evidence
    from reserves.sovereign.findings import ANSWER_DRAWS, sovereign_findings

    monkeypatch.setenv("RESERVES_CACHE_DIR", str(tmp_path))
    assessment.clear_cache()
    a = assessment.assess(CONFIG, seed=0)
    head = a.section("sovereigns")
    assert head.available, head.note
    assert not {"robustness", "profiles", "bootstrap"} & set(head.data)
    # the figures are those of the full findings object, digit for digit
    cfg = a.config
    f = sovereign_findings(cfg, load_evidence(DEFAULT_EVIDENCE, cfg), draws=ANSWER_DRAWS, seed=0)
    assert head.figures["loo_hit_rate"].value == pytest.approx(f.loo_hit_rate, abs=0)
    assert head.figures["value_belief_usd"].value == f.estimate.params["value_usd"]
    assert head.data["headline"] == f.headline()
    detail = a.section("sovereigns_detail")
    assert detail.available, detail.note
    assert {"robustness", "profiles", "bootstrap"} <= set(detail.data)
    # a warm call (new process state) reads the stored JSON: identical
    assessment.clear_cache()
    again = assessment.assess(CONFIG, seed=0)
    assert again.section("sovereigns").to_dict() == head.to_dict()
    assert again.section("sovereigns_detail").to_dict() == detail.to_dict()
    assert len(list(tmp_path.glob("sovereigns*.json"))) == 2
