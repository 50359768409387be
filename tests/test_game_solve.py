"""The solve() dispatcher and the `reserves solve` command (exit codes, JSON contract)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reserves.cli import main
from reserves.errors import ReservesError
from reserves.nash.normal_form import Game
from reserves.nash.solve import METHODS, solve

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("method", "count"),
    [("pure", 2), ("all", 3), ("mixed", 3), ("logit", 1), ("auto", 3)],
)
def test_dispatch_stag_hunt(method: str, count: int) -> None:
    res = solve(Game.symmetric_2x2(4, 0, 3, 3), method)
    assert len(res.equilibria) == count
    assert res.max_regret <= 1e-12


def test_unknown_method_lists_valid_ones() -> None:
    with pytest.raises(ReservesError, match="use one of auto, pure"):
        solve(Game.symmetric_2x2(4, 0, 3, 3), "simplex")


def test_aggregative_needs_sovereign_game() -> None:
    with pytest.raises(ReservesError, match="SovereignGame"):
        solve(Game.symmetric_2x2(4, 0, 3, 3), "aggregative")


def test_auto_large_game_without_pure_equilibrium_runs_logit() -> None:
    g = Game(np.random.default_rng(0).normal(size=(3, 25, 25, 25)))  # 15,625 profiles
    assert len(solve(g, "pure")) == 0  # so auto must fall back to logit for one equilibrium
    res = solve(g, "auto")
    assert res.parameters["ran"] == ["pure", "logit"]
    assert any("logit" in n for n in res.notes) and not res.complete
    assert len(res.equilibria) == 1 and not res.equilibria[0].pure
    assert res.max_regret <= 1e-9 * g.payoff_scale


def test_auto_large_game_with_pure_equilibria_skips_logit() -> None:
    g = Game(np.random.default_rng(1).normal(size=(3, 25, 25, 25)))
    pure = solve(g, "pure")
    assert len(pure) == 2
    res = solve(g, "auto")
    assert res.parameters["ran"] == ["pure"]
    assert any("mixed solvers skipped" in n for n in res.notes)
    assert not res.complete  # complete for pure equilibria only
    assert {e.support for e in res} == {e.support for e in pure}
    assert all(e.pure for e in res) and res.max_regret <= 1e-9 * g.payoff_scale


def test_auto_sovereign_baseline_is_pure_plus_aggregative(baseline_path: Path) -> None:
    from reserves.config import load_config
    from reserves.sovereign.model import SovereignGame

    game = SovereignGame(load_config(baseline_path))
    assert game.num_profiles > 10_000  # above the all-equilibria limit
    res = solve(game, "auto")
    assert res.parameters["ran"] == ["pure", "aggregative"]
    pure = solve(game, "pure")
    agg = solve(game, "aggregative")
    assert pure.equilibria and len(res) == len(pure)
    assert {e.support for e in res} == {e.support for e in pure}
    assert {e.support for e in agg} <= {e.support for e in res}  # extremes are pure equilibria
    assert res.max_regret <= 1e-9 * game.payoff_scale


def test_cli_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(DATA / "battle_of_sexes_outcomes.nfg"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["players"] == ["She", "He"]
    assert out["actions"] == [["Opera", "Football"], ["Opera", "Football"]]
    assert len(out["equilibria"]) == 3
    for e in out["equilibria"]:
        assert set(e) >= {"profile", "pure", "regret"}


def test_cli_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(DATA / "prisoners_dilemma.nfg"), "--method", "pure"]) == 0
    assert "1 equilibrium" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args", [["truncated.nfg"], ["missing.nfg"], ["prisoners_dilemma.nfg", "--tol", "-1"]]
)
def test_cli_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(DATA / args[0]), *args[1:]]
    assert main(["solve", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("reserves solve: error:") and "\n" not in err


def test_cli_config(capsys: pytest.CaptureFixture[str], baseline_path: Path) -> None:
    assert main(["solve", str(baseline_path), "--method", "pure", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["equilibria"] and all(e["pure"] for e in out["equilibria"])


def test_cli_correlated(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("reserves.nash.correlated")
    code = main(["solve", str(DATA / "prisoners_dilemma.nfg"), "--method", "correlated", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)


def test_methods_listed() -> None:
    assert set(METHODS) >= {"auto", "pure", "all", "mixed", "logit", "aggregative", "correlated"}
