"""Property fuzzing of every input door (issue 15): whatever the bytes, the loaders either
return a value or raise :class:`reserves.errors.ReservesError`; never another exception, never
a hang. The hostile table (``test_fuzz_hostile.py``) covers the named cases end to end."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reserves.errors import ReservesError
from reserves.safe import load_yaml

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- YAML

_YAML_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "1",
        "-2.5e3",
        "true",
        "null",
        "~",
        "&x",
        "*x",
        "&y",
        "*y",
        "<<:",
        "!!str",
        "!!python/object:os.system",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "- ",
        "\n",
        "  ",
        "'",
        '"',
        "#",
        "|",
        ">",
        "%YAML 1.1",
        "---",
        "...",
        "\t",
        "?",
        "\u0662",
        "\ufeff",
    ]
)


@FAST
@given(st.lists(_YAML_ATOMS, max_size=60).map("".join))
def test_yaml_soup_is_a_value_or_one_config_error(text: str) -> None:
    try:
        load_yaml(text)
    except ReservesError as exc:
        assert "\n" not in str(exc)


@FAST
@given(st.binary(max_size=400))
def test_random_bytes_are_a_value_or_one_config_error(data: bytes) -> None:
    try:
        load_yaml(data)
    except ReservesError as exc:
        assert "\n" not in str(exc)


_LEAF = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet="abcxyz _-", max_size=8),
    st.booleans(),
    st.none(),
)
_DOC = st.recursive(
    _LEAF,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text("abcdef", max_size=5), kids, max_size=4)
    ),
    max_leaves=30,
)


@FAST
@given(_DOC)
def test_bounded_loader_agrees_with_pyyaml_on_ordinary_documents(doc) -> None:
    text = yaml.safe_dump(doc)
    assert load_yaml(text) == yaml.safe_load(text)


@FAST
@given(st.integers(2, 9), st.integers(2, 9))
def test_alias_fans_are_refused_exactly_when_they_expand_too_far(levels: int, width: int) -> None:
    lines = ["a0: &a0 [" + ", ".join(["1"] * width) + "]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]" for k in range(1, levels)]
    text = "\n".join(lines)
    expanded = sum(width ** (k + 1) + sum(width**j for j in range(1, k + 1)) for k in range(levels))
    try:
        data = load_yaml(text, max_nodes=10_000)
    except ReservesError as exc:
        assert "alias bomb" in str(exc)
        assert expanded > 10_000 - levels
    else:
        assert len(data) == levels


# --------------------------------------------------------------------------- .nfg


_COUNT = st.one_of(
    st.integers(0, 5).map(str),
    st.sampled_from(["\u00b2", "\u0662", "99999999999999999999", "-1", "1e3", "0x2", "02", "+2"]),
)


@FAST
@given(
    st.lists(st.sampled_from(['"A"', '"B"', '""', '"A"', "A"]), min_size=0, max_size=4),
    st.lists(_COUNT, min_size=0, max_size=4),
    st.lists(
        st.sampled_from(["1", "-2", "3/4", "1/0", "nan", "inf", "1e308", "x", ",", "{", "}"]),
        max_size=40,
    ),
)
def test_nfg_is_a_game_or_one_format_error(players, counts, payoffs) -> None:
    from reserves.nash.nfg import read_nfg

    text = f'NFG 1 R "t" {{ {" ".join(players)} }} {{ {" ".join(counts)} }}\n' + " ".join(payoffs)
    try:
        game = read_nfg(text)
    except ReservesError as exc:
        assert "\n" not in str(exc)
    else:
        assert np.all(np.isfinite(game.payoffs))
        assert len(set(game.players)) == len(game.players)
        assert game.payoffs.shape == (len(game.players), *(int(c) for c in counts))


# --------------------------------------------------------------------------- configs

BASE_TEXT = (Path(__file__).resolve().parents[1] / "configs" / "baseline.yaml").read_text()
BASE = yaml.safe_load(BASE_TEXT)
_HOSTILE_VALUE = st.one_of(
    st.sampled_from(
        [True, False, None, "", "nan", "inf", "1e305", 1e305, -1, 0, [], {}, "x" * 300]
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=3),
)


def _leaves(d, path=()):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield from _leaves(v, (*path, i))
    else:
        yield path


LEAVES = [p for p in _leaves(BASE) if p and p[0] != "extends"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LEAVES), _HOSTILE_VALUE)
def test_a_hostile_value_anywhere_in_a_config_is_valid_or_one_error(path, value) -> None:
    import copy

    from reserves.config import config_from_yaml_text

    data = copy.deepcopy(BASE)
    node = data
    for k in path[:-1]:
        node = node[k]
    original = node[path[-1]]
    node[path[-1]] = value
    number_field = isinstance(original, int | float) and not isinstance(original, bool)
    try:
        cfg = config_from_yaml_text(yaml.safe_dump(data), where="fuzz.yaml")
    except ReservesError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 3000
    else:
        assert not (number_field and isinstance(value, bool)), f"{path} took {value}"
        assert math.isfinite(cfg.market.market_cap_usd)


# --------------------------------------------------------------------------- expression games

_EXPR = st.sampled_from(
    [
        "1",
        "my_a0",
        "n_a0",
        "(-8)**(1/3)",
        "log(-1)",
        "log(x)",
        "sqrt(x)",
        "1/(n_a0 - 1)",
        "x**x",
        "exp(1000)",
        "2**1000",
        "x / 0",
        "-x",
        "my_a1 * x",
    ]
)


@FAST
@given(st.lists(_EXPR, min_size=1, max_size=3).map(" + ".join), st.sampled_from([-1.0, 0.0, 2.0]))
def test_expression_payoffs_are_real_and_finite_or_refused(expr: str, x: float) -> None:
    from reserves.nash.expression_game import load_expression_game

    data = {
        "expression_game": {
            "players": ["P0", "P1"],
            "actions": [["a0", "a1"], ["a0", "a1"]],
            "parameters": {"x": {"value": x}},
            "payoffs": {"P0": expr, "P1": expr},
        }
    }
    try:
        game = load_expression_game(data).to_game()
    except ReservesError as exc:
        assert "\n" not in str(exc)
    else:
        assert game.payoffs.dtype == float and np.all(np.isfinite(game.payoffs))


# --------------------------------------------------------------------------- regret


@pytest.mark.parametrize("method", ["pure", "all", "auto"])
@pytest.mark.parametrize("huge", [1e300, 1e308, -1e308])
def test_one_huge_payoff_does_not_hide_a_regret_of_three(method: str, huge: float) -> None:
    """(A2, B1) pays player B 0 where switching to B2 pays 3: never an equilibrium, whatever
    the payoff elsewhere (issue 15: it was reported as one next to a 1e308 payoff)."""
    from reserves.nash.nfg import read_nfg
    from reserves.nash.solve import solve

    text = f'NFG 1 R "huge" {{ "A" "B" }} {{ 2 2 }}\n""\n0 0 0 0 {huge!r} 0 0 3\n'
    res = solve(read_nfg(text), method)
    for e in res.equilibria:
        profile = [np.asarray(s, dtype=float) for s in e.strategies]
        assert not (profile[0][1] > 0.5 and profile[1][0] > 0.5), (method, e)
