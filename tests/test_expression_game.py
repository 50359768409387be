"""Expression games (``expression_game:`` YAML): schema, whitelist parsing, tensor, CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reserves.cli import main
from reserves.errors import ConfigError, ExpressionError, ReservesError
from reserves.game_files import load_game_file
from reserves.nash.expression_game import (
    ExpressionGame,
    count_name,
    indicator_name,
    is_expression_game_file,
    load_expression_game,
    own_name,
    safe_name,
)
from reserves.nash.normal_form import Game
from reserves.nash.solve import solve
from reserves.sovereign.model import SovereignGame

GAMES = Path("configs/games")


def _spec(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "t",
        "players": ["A", "B"],
        "actions": [["x", "y"], ["x", "y"]],
        "parameters": {"b": 2},
        "payoffs": {"A": "b * my_x", "B": "n_x"},
    }
    base.update(over)
    return {"expression_game": base}


def _write(tmp_path: Path, data: Any, name: str = "game.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- textbook answers


def _profiles(result: Any) -> list[list[list[float]]]:
    return [[list(map(float, s)) for s in e.strategies] for e in result.equilibria]


def test_prisoners_dilemma_unique_defect() -> None:
    game = load_game_file(GAMES / "prisoners_dilemma.yaml")
    assert isinstance(game, Game)
    np.testing.assert_array_equal(game.payoffs[0], [[2, -1], [3, 0]])
    np.testing.assert_array_equal(game.payoffs[1], [[2, 3], [-1, 0]])
    res = solve(game, "all")
    assert res.complete
    assert _profiles(res) == [[[0, 1], [0, 1]]]
    assert list(res.equilibria[0].payoffs) == [0, 0]


def test_stag_hunt_three_equilibria() -> None:
    game = load_game_file(GAMES / "stag_hunt.yaml")
    np.testing.assert_array_equal(game.payoffs[0], [[4, 0], [3, 2]])
    res = solve(game, "all")
    assert len(res.equilibria) == 3
    pure = sorted(tuple(e.action_profile()) for e in res.equilibria if e.pure)
    assert pure == [("hare", "hare"), ("stag", "stag")]
    (mixed,) = [e for e in res.equilibria if not e.pure]
    for s in mixed.strategies:
        np.testing.assert_allclose(s, [2 / 3, 1 / 3], atol=1e-9)
    assert all(e.regret < 1e-9 for e in res.equilibria)


def test_reserve_race_arms_race() -> None:
    eg = load_expression_game(GAMES / "reserve_race.yaml")
    params = eg.config.parameters
    # every parameter is sourced or an explicit assumption
    assert all(spec.sources for spec in params.values())
    assert {k for k, v in params.items() if v.is_assumption} == {
        "buy_usd",
        "strategic_value_usd",
        "political_cost_usd",
    }
    game = eg.to_game()
    assert game.is_symmetric()
    res = solve(game, "all")
    assert res.complete
    assert [tuple(e.action_profile()) for e in res.equilibria] == [("accumulate",) * 3]
    eq_payoffs = np.asarray(res.equilibria[0].payoffs)
    assert np.all(eq_payoffs < 0)  # worse than all holding (payoff 0): a prisoner's dilemma
    np.testing.assert_allclose(game.payoffs[:, 1, 1, 1], 0.0, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "profiles"),
    [
        ("prisoners_dilemma", [[[0.0, 1.0], [0.0, 1.0]]]),
        ("reserve_race", [[[1.0, 0.0]] * 3]),
    ],
)
def test_cli_solve_all_json(capsys: pytest.CaptureFixture[str], name: str, profiles: list) -> None:
    rc = main(["solve", str(GAMES / f"{name}.yaml"), "--method", "all", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert [e["profile"] for e in out["equilibria"]] == profiles


def test_cli_solve_stag_hunt_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(GAMES / "stag_hunt.yaml"), "--method", "all"]) == 0
    text = capsys.readouterr().out
    assert "3 equilibria" in text and "stag 0.667 / hare 0.333" in text


def test_cli_analyze_expression_game(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(GAMES / "prisoners_dilemma.yaml"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["game_type"] == "prisoners_dilemma"


def test_sovereign_config_still_loads(baseline_path: Path) -> None:
    assert not is_expression_game_file(baseline_path)
    assert isinstance(load_game_file(baseline_path), SovereignGame)


def test_is_expression_game_file(tmp_path: Path) -> None:
    assert is_expression_game_file(GAMES / "stag_hunt.yaml")
    assert not is_expression_game_file(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("expression_game: [unclosed", encoding="utf-8")
    assert not is_expression_game_file(bad)
    nfg = tmp_path / "g.nfg"
    nfg.write_text("expression_game: {}", encoding="utf-8")
    assert not is_expression_game_file(nfg)


# --------------------------------------------------------------------------- symbolic vs numeric


@pytest.mark.parametrize("name", ["prisoners_dilemma", "stag_hunt", "reserve_race"])
def test_lambdified_tensor_matches_sympy(name: str) -> None:
    eg = load_expression_game(GAMES / f"{name}.yaml")
    tensor = eg.payoff_tensor()
    rng = np.random.default_rng(7)
    for _ in range(6):
        prof = tuple(int(rng.integers(n)) for n in eg.shape)
        np.testing.assert_allclose(
            tensor[(slice(None), *prof)], eg.evaluate(prof), rtol=1e-12, atol=1e-12
        )


def test_parameter_override_and_symbols() -> None:
    eg = load_expression_game(GAMES / "prisoners_dilemma.yaml")
    assert isinstance(eg, ExpressionGame)
    assert eg.parameters == {"b": 3.0, "c": 1.0}
    assert {str(s) for s in eg.payoff("Row").free_symbols} == {
        "b",
        "c",
        "is_Column_cooperate",
        "my_cooperate",
    }
    game = eg.to_game({"c": 4.0})  # c > b: still defect, payoffs shift
    np.testing.assert_array_equal(game.payoffs[0], [[-1, -4], [3, 0]])
    with pytest.raises(ConfigError, match="unknown parameter 'zz'"):
        eg.to_game({"zz": 1.0})
    assert eg.to_dict()["players"] == ["Row", "Column"]


def test_naming_rule() -> None:
    assert safe_name("United States") == "United_States"
    assert indicator_name("Hunter 1", "buy-more") == "is_Hunter_1_buy_more"
    assert own_name("a.b") == "my_a_b"
    assert count_name("accumulate") == "n_accumulate"


# --------------------------------------------------------------------------- rejected input


@pytest.mark.parametrize(
    ("payoff", "needle"),
    [
        ("__import__('os')", "__import__"),
        ("b.__class__", "attribute access"),
        ("(lambda: 1)()", "lambda"),
        ("b[0]", "subscript"),
        ("'text'", "str"),
        ("open('x')", "'open' is not allowed"),
        ("exec('1')", "'exec' is not allowed"),
        ("[x for x in ()]", "list comprehension"),
    ],
)
def test_injection_rejected_naming_the_player(payoff: str, needle: str) -> None:
    data = _spec(payoffs={"A": "1", "B": payoff})
    with pytest.raises((ConfigError, ExpressionError)) as info:
        load_expression_game(data)
    msg = str(info.value)
    assert "expression_game.payoffs.B" in msg
    assert needle in msg
    assert "\n" not in msg


def test_unknown_symbol_lists_allowed_names() -> None:
    with pytest.raises(ConfigError) as info:
        load_expression_game(_spec(payoffs={"A": "b * zz", "B": "1"}))
    msg = str(info.value)
    assert "unknown name 'zz'" in msg and "expression_game.payoffs.A" in msg
    for name in ("b", "is_A_x", "is_B_y", "my_x", "n_y"):
        assert name in msg
    assert info.value.field == "expression_game.payoffs.A"


def test_my_symbol_only_for_own_actions() -> None:
    data = _spec(actions=[["x"], ["y", "z"]], payoffs={"A": "my_y", "B": "my_y + n_x"})
    with pytest.raises(ConfigError, match=r"payoffs\.A.*unknown name 'my_y'"):
        load_expression_game(data)


@pytest.mark.parametrize(
    ("over", "needle"),
    [
        ({"actions": [["x", "y"]]}, "1 action list(s) for 2 player(s)"),
        ({"actions": [["x"], ["y"], ["z"]]}, "3 action list(s) for 2 player(s)"),
        ({"players": ["A", "A"]}, "player names repeat"),
        ({"actions": [["x", "x"], ["x", "y"]]}, "repeats ['x']"),
        ({"actions": [[], ["x"]]}, "empty"),
        ({"payoffs": {"A": "1"}}, "no expression for player(s) ['B']"),
        ({"payoffs": {"A": "1", "B": "1", "C": "1"}}, "unknown player(s) ['C']"),
        ({"parameters": {"n_x": 1}}, "'n_x' would stand for both"),
        ({"parameters": {"exp": 1}}, "function"),
        ({"parameters": {"lambda": 1}}, "not a plain identifier"),
        ({"parameters": {"b": True}}, "boolean"),
        ({"parameters": {"b": {"value": float("nan")}}}, "finite"),
        ({"parameters": {"b": {"value": 1, "source": "x"}}}, "unknown field"),
        ({"colour": "red"}, "unknown field"),
    ],
)
def test_schema_errors(over: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_expression_game(_spec(**over))
    assert needle in str(info.value)


def test_name_collision_after_sanitising() -> None:
    data = _spec(players=["A B", "A_B"], payoffs={"A B": "1", "A_B": "1"})
    with pytest.raises(ConfigError, match="is_A_B_x"):
        load_expression_game(data)


def test_nan_payoff_names_player_and_profile() -> None:
    # each hare hunter shares the hares: 0/0 when nobody hunts hare
    data = _spec(
        players=["H1", "H2"],
        actions=[["stag", "hare"], ["stag", "hare"]],
        parameters={},
        payoffs={"H1": "my_hare / n_hare", "H2": "1"},
    )
    with pytest.raises(ConfigError) as info:
        load_expression_game(data).to_game()
    msg = str(info.value)
    assert "expression_game.payoffs.H1" in msg
    assert "nan" in msg and "(H1=stag, H2=stag)" in msg


def test_constant_division_by_zero_parameter() -> None:
    data = _spec(parameters={"b": 1, "c": 1}, payoffs={"A": "1 / (b - c)", "B": "1"})
    with pytest.raises(ConfigError, match=r"payoffs\.A.*inf"):
        load_expression_game(data).to_game()


def test_bare_and_text_numbers(tmp_path: Path) -> None:
    # YAML 1.1 reads 1e10 (no exponent sign) as text; it is still a number here
    path = tmp_path / "g.yaml"
    path.write_text(
        "expression_game:\n  players: [A]\n  actions: [[x, y]]\n"
        "  parameters: {big: 1e10}\n  payoffs: {A: big * my_x / 1e10}\n",
        encoding="utf-8",
    )
    game = load_game_file(path)
    np.testing.assert_array_equal(game.payoffs[0], [1.0, 0.0])


def test_multiline_expression() -> None:
    data = _spec(payoffs={"A": "b *\n  my_x\n", "B": "n_x"})
    game = load_expression_game(data).to_game()
    np.testing.assert_array_equal(game.payoffs[0], [[2, 2], [0, 0]])
    np.testing.assert_array_equal(game.payoffs[1], [[2, 1], [1, 0]])


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (_spec(payoffs={"A": "__import__('os').system('x')", "B": "1"}), "payoffs.A"),
        (_spec(actions=[["x", "y"]]), "action list"),
        (_spec(payoffs={"A": "zz", "B": "1"}), "unknown name 'zz'"),
        (_spec(players=["A", "A"]), "repeat"),
        (_spec(parameters={}, payoffs={"A": "1 / (n_x - 1)", "B": "1"}), "not finite"),
        ({"expression_game": ["not", "a", "mapping"]}, "must be a mapping"),
    ],
)
def test_cli_bad_file_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, needle: str
) -> None:
    path = _write(tmp_path, content)
    for command in ("solve", "analyze"):
        rc = main([command, str(path)])
        assert rc == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"reserves {command}: error:")
        assert needle in err and str(path) in err


def test_loader_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_expression_game(tmp_path / "missing.yaml")
    other = _write(tmp_path, {"name": "x"})
    with pytest.raises(ConfigError, match="no top-level 'expression_game'"):
        load_expression_game(other)
    extra = _write(tmp_path, {**_spec(), "name": "x"}, "extra.yaml")
    with pytest.raises(ConfigError, match="unknown top-level"):
        load_expression_game(extra)
    with pytest.raises(ReservesError, match="cannot tell the format"):
        load_game_file(_write(tmp_path, {}, "g.txt"))


# --------------------------------------------------------------------------- property test


@st.composite
def _linear_games(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[tuple[int, int], int]], list]:
    n = draw(st.integers(1, 3))
    shape = [draw(st.integers(1, 3)) for _ in range(n)]
    players = [f"P {i}" for i in range(n)]  # space: exercises the naming rule
    actions = [[f"a{k}" for k in range(m)] for m in shape]
    coefs: list[dict[tuple[int, int], int]] = []
    consts = []
    payoffs = {}
    for i in range(n):
        c = {(j, k): draw(st.integers(-5, 5)) for j in range(n) for k in range(shape[j])}
        const = draw(st.integers(-3, 3))
        terms = [f"{v} * {indicator_name(players[j], actions[j][k])}" for (j, k), v in c.items()]
        payoffs[players[i]] = " + ".join([str(const), *terms])
        coefs.append(c)
        consts.append(const)
    spec = {"players": players, "actions": actions, "payoffs": payoffs}
    return spec, coefs, consts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_linear_games())
def test_random_linear_games_match_direct_evaluation(
    case: tuple[dict[str, Any], list[dict[tuple[int, int], int]], list],
) -> None:
    spec, coefs, consts = case
    game = load_expression_game({"expression_game": spec}).to_game()
    shape = game.shape
    expected = np.empty((len(shape), *shape))
    for prof in np.ndindex(*shape):
        for i, c in enumerate(coefs):
            expected[(i, *prof)] = consts[i] + sum(v for (j, k), v in c.items() if prof[j] == k)
    np.testing.assert_array_equal(game.payoffs, expected)
