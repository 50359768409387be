"""2x2 taxonomy, closed-form mixed equilibria and the sovereign 2x2 closed form."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from reserves.config import load_config
from reserves.nash.normal_form import Game
from reserves.nash.two_player import two_player_solve
from reserves.sovereign.model import SovereignGame
from reserves.sovereign.symbolic import (
    GAME_TYPES,
    analyze,
    classify_2x2,
    mixed_2x2_statics,
    mixed_equilibrium_2x2,
    sovereign_2x2_payoffs,
    two_player_model,
    type_region_map,
)


def sym(R: float, S: float, T: float, P: float) -> Game:
    return Game.symmetric_2x2(R, S, T, P)


KNOWN = [
    pytest.param(sym(3, 0, 5, 1), "prisoners_dilemma", id="pd"),
    pytest.param(sym(1, 0, 3, 2), "deadlock", id="deadlock"),
    pytest.param(sym(4, 3, 2, 1), "harmony", id="harmony-RSTP"),
    pytest.param(sym(4, 2, 3, 1), "harmony", id="harmony-RTSP"),
    pytest.param(sym(4, 1, 3, 2), "stag_hunt", id="stag-hunt"),
    pytest.param(sym(4, 1, 2, 3), "assurance", id="assurance"),
    pytest.param(sym(4, 2, 1, 3), "coordination", id="coordination"),
    pytest.param(sym(3, 2, 4, 1), "chicken", id="chicken"),
    pytest.param(sym(2, 3, 4, 1), "leader", id="leader"),
    pytest.param(sym(1, 3, 4, 2), "battle_of_the_sexes", id="bos-symmetric"),
    pytest.param(
        Game.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]]), "battle_of_the_sexes", id="bos"
    ),
    pytest.param(
        Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]), "matching_pennies", id="mp"
    ),
    pytest.param(Game.from_arrays([[1, 0], [0, 1]], [[1, 0], [0, 1]]), "coordination", id="pure"),
    pytest.param(Game.from_arrays([[1, 1], [1, 0]], [[1, 0], [1, 0]]), "degenerate", id="ties"),
]


@pytest.mark.parametrize(("game", "expected"), KNOWN)
def test_known_games(game: Game, expected: str) -> None:
    t = classify_2x2(game)
    assert t.game_type == expected
    assert t.game_type in GAME_TYPES


def test_classification_invariant_under_relabelling_and_monotone_transforms() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        A, B = rng.permutation(4).reshape(2, 2) + 1.0, rng.permutation(4).reshape(2, 2) + 1.0
        base = classify_2x2(A, B).game_type
        for sr, sc in itertools.product((False, True), repeat=2):
            A2, B2 = A[::-1] if sr else A, B[::-1] if sr else B
            A2, B2 = (A2[:, ::-1], B2[:, ::-1]) if sc else (A2, B2)
            assert classify_2x2(np.exp(A2), 3 * B2 - 7).game_type == base
        # swapping the players' roles keeps the type
        assert classify_2x2(B.T, A.T).game_type == base


def test_all_144_strict_ordinal_games_are_classified() -> None:
    seen = set()
    for pa in itertools.permutations(range(1, 5)):
        for pb in itertools.permutations(range(1, 5)):
            t = classify_2x2(np.reshape(pa, (2, 2)), np.reshape(pb, (2, 2)))
            assert t.game_type != "degenerate"
            seen.add(t.game_type)
    assert {"prisoners_dilemma", "stag_hunt", "chicken", "matching_pennies"} <= seen


def test_closed_form_mixed_equals_numeric_solver_on_1000_games() -> None:
    rng = np.random.default_rng(2024)
    compared = 0
    for _ in range(1000):
        A, B = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
        closed = mixed_equilibrium_2x2(A, B)
        res = two_player_solve(Game.from_arrays(A, B), methods=("vertex",))
        mixed = [e for e in res.equilibria if not e.pure]
        if closed is None:
            assert not mixed
            continue
        assert len(mixed) == 1
        e = mixed[0]
        assert e.strategies[0][0] == pytest.approx(closed.p, abs=1e-9)
        assert e.strategies[1][0] == pytest.approx(closed.q, abs=1e-9)
        assert closed.regret <= 1e-9
        compared += 1
    assert compared > 100


def test_sovereign_2x2_closed_form_matches_tensor_and_regions() -> None:
    cfg = load_config("configs/baseline.yaml").with_updates(
        {"game": {"players": ["China", "United Kingdom"]}}
    )
    g = SovereignGame(cfg)
    pay = sovereign_2x2_payoffs(g)
    assert np.allclose(pay, g.to_game().payoffs, rtol=1e-12, atol=1e-3)
    a = analyze(g)
    d = a.to_dict()
    assert d["game_type"] in GAME_TYPES
    assert d["dominant_action"] == ["accumulate", None]
    assert len(d["boundaries"]) == 12
    # each solved boundary is a zero of its difference
    for b in a.boundaries:
        for key, sol in b["solved"].items():
            v = sol["value_at_config"]
            if np.isfinite(v) and 0 < v < 10:
                p2 = sovereign_2x2_payoffs(g, **{key: v})
                k = g.players.index(b["player"])
                (a1, a2), (c1, c2) = b["cells"]
                i1, i2 = g.actions[0].index(a1), g.actions[1].index(a2)
                j1, j2 = g.actions[0].index(c1), g.actions[1].index(c2)
                diff = p2[k, i1, i2] - p2[k, j1, j2]
                assert abs(diff) <= 1e-6 * np.abs(p2).max()
    rm = type_region_map(g, "theta_1", "theta_2", n=12)
    assert len(rm.types) == 12 and len(rm.types[0]) == 12
    assert len(rm.counts()) >= 2
    from reserves.charts.analysis import region_map_chart, threshold_chart

    assert region_map_chart(rm).to_dict()["layer"]
    assert threshold_chart(a.thresholds).to_dict()["layer"]


@pytest.mark.slow  # 400 random parameter draws through sympy's statics (~5 s alone)
def test_sovereign_mixed_closed_form_and_statics() -> None:
    """Where the sovereign 2x2 has an interior mixed equilibrium, the symbolic one equals the
    numeric formula on the lambdified payoffs, and its gradient matches finite differences."""
    cfg = load_config("configs/baseline.yaml").with_updates(
        {"game": {"players": ["China", "United Kingdom"]}}
    )
    g = SovereignGame(cfg)
    model = two_player_model(*g.actions)
    _, _, _, fn = mixed_2x2_statics(*g.actions)
    from reserves.sovereign.symbolic import _two_player_values

    vals = _two_player_values(g)
    names = model.arg_names()
    rng = np.random.default_rng(3)
    found = 0
    for _ in range(400):
        v = dict(vals)
        v["strategic_weight[1]"] = float(10 ** rng.uniform(-4, -1))
        v["strategic_weight[2]"] = float(10 ** rng.uniform(-4, -1))
        v["political_cost_usd[1]"] = float(10 ** rng.uniform(8, 11))
        v["political_cost_usd[2]"] = float(10 ** rng.uniform(8, 11))
        pay = sovereign_2x2_payoffs(g, **v)
        closed = mixed_equilibrium_2x2(pay[0], pay[1])
        out = fn(*[v[k] for k in names])
        if closed is None:
            continue
        found += 1
        assert out[0] == pytest.approx(closed.p, rel=1e-6)
        assert out[1] == pytest.approx(closed.q, rel=1e-6)
        n = len(names)
        k = names.index("strategic_weight[1]")
        h = v["strategic_weight[1]"] * 1e-6
        v2 = dict(v)
        v2["strategic_weight[1]"] += h
        out2 = fn(*[v2[kk] for kk in names])
        assert (out2[1] - out[1]) / h == pytest.approx(out[3 + n + k], rel=1e-3, abs=1e-9)
    assert found >= 1
