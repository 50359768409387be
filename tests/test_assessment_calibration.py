"""The assessment's ``calibration`` section is the crash panel's OUT-OF-SAMPLE prediction of
21 November 2025 (issue 12), and slow sections are served from a safe on-disk JSON cache."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import ClassVar

import pytest

from reserves.assessment import Section, SectionBuilder, assess
from reserves.section_cache import cache_dir, cached_section, section_from_dict

CONFIG = "configs/baseline.yaml"


@pytest.fixture(scope="module")
def calibration() -> Section:
    sec = assess(CONFIG).section("calibration")
    assert sec.available, sec.note
    return sec


def test_headline_is_out_of_sample_and_labelled(calibration: Section) -> None:
    f = calibration.figures
    for key in (
        "loo_liq_ratio",
        "loo_trough_error",
        "loo_long_share",
        "shock_low_usd",
        "shock_high_usd",
        "fragility_low",
        "fragility_high",
    ):
        assert key in f, key
        assert "leave-one-out" in f[key].footnote, f[key].footnote
    assert "out of sample" in calibration.title
    # the exactly identified single-event fit is not reported as a headline
    assert not any(k.endswith("target_trough_usd") and "Fitted" in v.label for k, v in f.items())
    assert "not evidence" in calibration.data["in_sample_note"]


def test_same_digits_as_the_crash_panel_section(calibration: Section) -> None:
    a = assess(CONFIG)
    if calibration.data["loo_source"] != "committed leave-one-out table":
        pytest.skip("no committed leave-one-out table to compare with")
    panel = a.section("crash_panel")
    assert panel.available, panel.note
    assert f_value(a, "calibration.loo_liq_ratio") == f_value(a, "crash_panel.nov21_loo_liq_ratio")
    assert f_value(a, "calibration.loo_trough_error") == f_value(
        a, "crash_panel.nov21_loo_trough_error"
    )
    # the refit fold reproduces the committed leave-one-out row (same fold, same optimizer)
    loo, refit = calibration.data["loo"], calibration.data["refit"]
    for k in ("loo_liquidations_ratio", "loo_trough_error", "predicted_long_share"):
        assert refit[k] == pytest.approx(loo[k], rel=1e-3, abs=1e-4), k


def f_value(a, key: str) -> float:  # type: ignore[no-untyped-def]
    return a.figure(key).value


def test_fragility_range_is_liquidations_over_the_shock_range(calibration: Section) -> None:
    f = calibration.figures
    liq = f["observed_liquidations_usd"].value
    lo, hi = f["shock_low_usd"].value, f["shock_high_usd"].value
    assert 0 < lo <= f["implied_shock_usd"].value <= hi
    assert f["fragility_low"].value == pytest.approx(liq / hi)
    assert f["fragility_high"].value == pytest.approx(liq / lo)
    ratio = f["loo_predicted_liquidations_usd"].value / liq
    assert f["loo_liq_ratio"].value == pytest.approx(ratio)


def test_both_readings_of_the_article(calibration: Section) -> None:
    f = calibration.figures
    readings = {r["reading"]: r for r in calibration.data["readings"]}
    assert set(readings) == {"article", "sourced"}
    assert f["article.shock_usd"].value == 2e8
    assert f["sourced.shock_usd"].value == 9.03e8
    liq = f["observed_liquidations_usd"].value
    for name, r in readings.items():
        shock = f[f"{name}.shock_usd"].value
        assert f[f"{name}.claimed_fragility_ratio"].value == pytest.approx(liq / shock)
        # the model at that shock falls less than the observed crash (both readings sit
        # below the shock range consistent with the low)
        assert f[f"{name}.trough_usd"].value > f["observed_trough_usd"].value
        assert r["within_shock_range"] is (f["shock_low_usd"].value <= shock)
        assert f[f"{name}.model_fragility_ratio"].value == pytest.approx(
            r["model_liquidations_usd"] / shock
        )


def test_ratios_show_two_decimals(calibration: Section) -> None:
    t = calibration.figures["loo_liq_ratio"].text
    assert t.endswith("x") and "." in t, t


# ----------------------------------------------------------------------------- disk cache


class _Ctx:
    provenance: ClassVar[dict[str, str]] = {"config_name": "t", "config_hash": "abc"}


def _section(value: float) -> Section:
    b = SectionBuilder(_Ctx(), "demo")  # type: ignore[arg-type]
    b.add("x_usd", "A price", value, "usd_price", seed=3)
    b.add("inf_ratio", "An infinite ratio", math.inf, "ratio")
    return b.section("Demo", table=[{"a": 1.5, "b": None}], summary="Plain words.")


def test_cache_round_trip_is_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESERVES_CACHE_DIR", str(tmp_path))
    calls: list[int] = []

    def compute() -> Section:
        calls.append(1)
        return _section(81603.4)

    cold = cached_section("demo", {"k": 1}, compute)
    warm = cached_section("demo", {"k": 1}, compute)
    assert len(calls) == 1
    assert cold.to_dict() == warm.to_dict() == _section(81603.4).to_dict()
    assert warm.figures["inf_ratio"].value == math.inf
    assert section_from_dict(warm.to_dict()).to_dict() == warm.to_dict()
    # other key material: another entry
    cached_section("demo", {"k": 2}, compute)
    assert len(calls) == 2
    assert len(list(tmp_path.glob("demo-*.json"))) == 2


def test_corrupt_entry_is_recomputed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESERVES_CACHE_DIR", str(tmp_path))
    cached_section("demo", {"k": 1}, lambda: _section(1.0))
    (entry,) = tmp_path.glob("demo-*.json")
    entry.write_text("{not json", encoding="utf-8")
    again = cached_section("demo", {"k": 1}, lambda: _section(2.0))
    assert again.figures["x_usd"].value == 2.0
    assert json.loads(entry.read_text(encoding="utf-8"))["figures"]["x_usd"]["value"] == 2.0


def test_cache_off_and_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESERVES_CACHE_DIR", "off")
    assert cache_dir() is None
    calls: list[int] = []
    for _ in range(2):
        cached_section("demo", {}, lambda: calls.append(1) or _section(1.0))
    assert len(calls) == 2
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("RESERVES_CACHE_DIR", str(blocker / "sub"))
    assert cached_section("demo", {}, lambda: _section(5.0)).figures["x_usd"].value == 5.0


def test_unavailable_sections_are_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESERVES_CACHE_DIR", str(tmp_path))
    cached_section("demo", {}, lambda: Section("demo", "demo", available=False, note="no"))
    assert not list(tmp_path.glob("*.json"))


def test_default_cache_dir_is_outside_the_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESERVES_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/tmp/xdg-test")
    assert cache_dir() == Path("/tmp/xdg-test/reserves")


def test_old_entries_are_evicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reserves import section_cache

    monkeypatch.setenv("RESERVES_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(section_cache, "MAX_ENTRIES_PER_SECTION", 3)
    for k in range(5):
        cached_section("demo", {"k": k}, lambda: _section(1.0))
    assert len(list(tmp_path.glob("demo-*.json"))) == 3
    cached_section("other", {}, lambda: _section(1.0))  # another section keeps its own
    assert len(list(tmp_path.glob("*.json"))) == 4


def test_cli_json_carries_the_same_digits(
    calibration: Section, capsys: pytest.CaptureFixture[str]
) -> None:
    from reserves.cli import main

    assert main(["assess", CONFIG, "--section", "calibration", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for short, fig in calibration.figures.items():
        assert d["text"][f"calibration.{short}"] == fig.text, short
    assert d["sections"]["calibration"]["data"]["fit"].startswith("panel fitted without")
