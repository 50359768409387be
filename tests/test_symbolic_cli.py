"""``reserves analyze``: JSON contract for 2x2 .nfg games and configs; errors exit with code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reserves.cli import main
from reserves.nash.normal_form import Game


def _nfg(tmp_path: Path, game: Game, name: str) -> Path:
    from reserves.nash.nfg import write_nfg

    path = tmp_path / f"{name}.nfg"
    write_nfg(game, path)
    return path


@pytest.mark.parametrize(
    ("game", "gtype", "dominant"),
    [
        (
            Game.symmetric_2x2(3, 0, 5, 1, actions=[["C", "D"], ["C", "D"]]),
            "prisoners_dilemma",
            ["D", "D"],
        ),
        (Game.symmetric_2x2(4, 1, 3, 2), "stag_hunt", [None, None]),
        (
            Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]),
            "matching_pennies",
            [None, None],
        ),
    ],
)
def test_analyze_nfg_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], game: Game, gtype: str, dominant: list
) -> None:
    path = _nfg(tmp_path, game, gtype)
    assert main(["analyze", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["game_type"] == gtype
    assert out["dominant_action"] == dominant
    if gtype == "matching_pennies":
        assert out["mixed_equilibrium"]["p"] == pytest.approx(0.5)


def test_analyze_config_text_latex_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "configs/baseline.yaml"]) == 0
    text = capsys.readouterr().out
    assert "C14" in text and "China" in text
    assert main(["analyze", "configs/baseline.yaml", "--latex"]) == 0
    assert r"\theta_i^*" in capsys.readouterr().out
    assert main(["analyze", "configs/baseline.yaml", "--json", "--param", "kappa"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["param"] == "kappa" and out["game_type"] is None


def test_analyze_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(tmp_path / "missing.nfg")]) == 2
    assert main(["analyze", "configs/baseline.yaml", "--param", "__import__"]) == 2
    bad = tmp_path / "game.txt"
    bad.write_text("x")
    assert main(["analyze", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "error" in err
