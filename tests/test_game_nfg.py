"""Gambit .nfg read/write: fixtures, round trips (both forms), and one-line errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reserves.errors import GameFormatError
from reserves.nash.nfg import read_nfg, write_nfg
from reserves.nash.normal_form import Game

DATA = Path(__file__).parent / "data"


def test_payoff_form_first_player_fastest() -> None:
    g = read_nfg(DATA / "prisoners_dilemma.nfg")
    assert g.title == "Prisoner's dilemma"
    assert g.players == ("Row", "Column")
    # profiles in order (1,1) (2,1) (1,2) (2,2)
    np.testing.assert_array_equal(g.payoffs[0], [[3, 0], [5, 1]])
    np.testing.assert_array_equal(g.payoffs[1], [[3, 5], [0, 1]])


def test_outcome_form_with_null_outcome_and_escaped_title() -> None:
    g = read_nfg(DATA / "battle_of_sexes_outcomes.nfg")
    assert g.title == 'Battle of the "sexes"'
    assert g.actions == (("Opera", "Football"), ("Opera", "Football"))
    np.testing.assert_array_equal(g.payoffs[0], [[2, 0], [0, 1]])
    np.testing.assert_array_equal(g.payoffs[1], [[1, 0], [0, 2]])


def test_rationals_in_r_form() -> None:
    g = read_nfg(DATA / "rational_3p.nfg")
    assert g.shape == (2, 2, 2)
    assert g.payoffs[0, 0, 0, 0] == 0.5
    assert g.payoffs[2, 0, 0, 0] == 0.75
    assert g.payoffs[1, 1, 0, 1] == -0.25  # profile 6 = (2, 1, 2): 0 -1/4 1


@pytest.mark.parametrize("form", ["payoff", "outcome"])
def test_round_trip_keeps_labels(form: str) -> None:
    rng = np.random.default_rng(3)
    g = Game(
        rng.normal(size=(3, 2, 3, 2)),
        players=("a", 'b "quoted"', "c\\d"),
        actions=(("x", "y"), ("1", "2", "3"), ("p", "q")),
        title="round trip",
    )
    assert read_nfg(write_nfg(g, form=form)) == g


def test_write_to_path(tmp_path: Path) -> None:
    g = Game.symmetric_2x2(3, 0, 5, 1)
    text = write_nfg(g, tmp_path / "g.nfg")
    assert (tmp_path / "g.nfg").read_text() == text
    assert read_nfg(tmp_path / "g.nfg") == g


def test_pygambit_reads_our_files_and_we_read_theirs(tmp_path: Path) -> None:
    gbt = pytest.importorskip("pygambit")
    g = Game(np.random.default_rng(1).integers(-9, 9, size=(3, 2, 3, 4)).astype(float))
    for form in ("payoff", "outcome"):
        write_nfg(g, tmp_path / f"{form}.nfg", form=form)
        theirs = gbt.read_nfg(str(tmp_path / f"{form}.nfg"))
        arrays = [np.array(a, dtype=float) for a in theirs.to_arrays()]
        np.testing.assert_array_equal(np.stack(arrays), g.payoffs)
        assert read_nfg(theirs.to_nfg()) == g  # Gambit writes the outcome form


BAD = [
    pytest.param("", "NFG", id="empty"),
    pytest.param("EFG 2 R", "not a Gambit strategic game", id="not-nfg"),
    pytest.param('NFG 2 R "t" { "a" } { 2 } 1 2', "version", id="version"),
    pytest.param('NFG 1 X "t" { "a" } { 2 } 1 2', "D or R", id="number-type"),
    pytest.param('NFG 1 R "t { "a" } { 2 } 1 2', "", id="unterminated-string"),
    pytest.param('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3', "needs 8 payoffs, found 3", id="few"),
    pytest.param('NFG 1 R "t" { "a" } { 2 }\n1 2 3', "needs 2 payoffs, found 3", id="many"),
    pytest.param(
        'NFG 1 R "t" { "a" } { 2 }\n1\nabc', ":3: payoff 2 is not a number", id="nan-text"
    ),
    pytest.param('NFG 1 R "t" { "a" } { 2 }\n1 NaN', "not finite", id="nan"),
    pytest.param('NFG 1 R "t" { "a" } { 2 }\n1 inf', "not finite", id="inf"),
    pytest.param('NFG 1 R "t" { "a" } { 2 }\n1 1/0', "not finite", id="div-zero"),
    pytest.param('NFG 1 R "t" { "a" } { x }\n1 2', "strategy count", id="count"),
    pytest.param('NFG 1 R "t" { "a" } { 2 2 }\n1 2', "more entries", id="block"),
    pytest.param('NFG 1 R "t" { "a" } { { "x" "y" } } "" { { "" 1 } } 1 3', "0..1", id="idx"),
    pytest.param(
        'NFG 1 R "t" { "a" } { { "x" "y" } } "" { { "" 1 2 } } 1 1',
        "outcome 1 has 2",
        id="outcome-size",
    ),
    pytest.param('NFG 1 R "t" { "a" } { { "x" "y" } } "" { { "" 1 }', "not closed", id="open"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_one_line_error(text: str, message: str) -> None:
    with pytest.raises(GameFormatError) as info:
        read_nfg(text if text.startswith("NFG") else _as_file(text))
    msg = str(info.value)
    assert message in msg
    assert "\n" not in msg


def _as_file(text: str) -> Path:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".nfg", delete=False) as f:
        f.write(text)
    return Path(f.name)


def test_truncated_fixture_names_line() -> None:
    with pytest.raises(GameFormatError, match=r"truncated.nfg:\d+: .*needs 8 payoffs, found 6"):
        read_nfg(DATA / "truncated.nfg")


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=4),
    form=st.sampled_from(["payoff", "outcome"]),
    data=st.data(),
)
def test_write_then_read_is_identity(shape: list[int], form: str, data: st.DataObject) -> None:
    n = len(shape)
    values = data.draw(
        st.lists(
            st.floats(-1e12, 1e12, allow_nan=False, allow_subnormal=False)
            | st.integers(-1000, 1000).map(float),
            min_size=n * int(np.prod(shape)),
            max_size=n * int(np.prod(shape)),
        )
    )
    g = Game(np.array(values).reshape(n, *shape), title=data.draw(st.text(max_size=8)))
    assert read_nfg(write_nfg(g, form=form)) == g
