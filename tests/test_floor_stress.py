"""The floor report answers the least-commitment question against a shock that breaks the level."""

from __future__ import annotations

import json

import pytest

from reserves.cli import main
from reserves.config import load_config
from reserves.market import floor_report


@pytest.fixture(scope="module")
def report() -> dict:
    return floor_report(load_config("configs/baseline.yaml"), with_demand=False)


def test_stress_shock_defaults_to_twice_the_breaking_shock(report: dict) -> None:
    breaking = report["breaking_shock_usd"]["without_sovereigns"]
    assert report["stress_shock_usd"] == pytest.approx(2 * breaking)
    stress = report["least_commitment_stress"]
    assert stress["status"] == "optimal"
    # a bid wall at the level must absorb what the stress shock adds beyond the breaking shock
    assert stress["commitment_usd"] > 0
    assert stress["commitment_usd"] <= report["stress_shock_usd"]


def test_bigger_stress_needs_more_commitment() -> None:
    cfg = load_config("configs/baseline.yaml")
    small = floor_report(cfg, with_demand=False, stress_shock_usd=6e9)
    big = floor_report(cfg, with_demand=False, stress_shock_usd=1.2e10)
    assert (
        big["least_commitment_stress"]["commitment_usd"]
        > small["least_commitment_stress"]["commitment_usd"]
    )


def test_cli_rejects_a_bad_stress_shock(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["floor", "configs/baseline.yaml", "--stress-shock-usd", "lots"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--stress-shock-usd" in err[0]


def test_cli_json_has_the_stress_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["floor", "configs/baseline.yaml", "--no-demand", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["least_commitment_stress"]["commitment_usd"] > 0
