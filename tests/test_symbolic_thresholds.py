"""Closed-form dominance thresholds against the numeric dominance check of the tensor solver."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from reserves.config import config_from_dict, load_config
from reserves.errors import ReservesError
from reserves.nash.pure import dominant_actions
from reserves.sovereign.model import SovereignGame
from reserves.sovereign.symbolic import (
    analyze,
    difference_form,
    dominance_thresholds,
    single_player_payoff,
    threshold_latex,
)

ACTION_SETS = (["accumulate", "sell"], ["accumulate", "hold"], ["accumulate", "hold", "sell"])


def _random_config(rng: np.random.Generator, n: int = 3, **theta: float) -> dict[str, Any]:
    sovs = []
    for k in range(n):
        sovs.append(
            {
                "name": f"S{k + 1}",
                "reserves_usd": float(10 ** rng.uniform(9, 12.5)),
                "holdings_btc": float(0 if rng.random() < 0.3 else 10 ** rng.uniform(2, 5.3)),
                "max_buy_share": float(rng.uniform(0.001, 0.05)),
                "sell_share": float(rng.uniform(0.1, 1.0)),
                "strategic_weight": float(theta.get(f"S{k + 1}", 10 ** rng.uniform(-4, 0))),
                "cost_of_capital_pa": float(rng.uniform(0.0, 0.1)),
                "risk_aversion": float(rng.uniform(0, 5)),
                "political_cost_usd": float(0 if rng.random() < 0.3 else 10 ** rng.uniform(6, 10)),
                "value_belief_usd": float(rng.uniform(30_000, 300_000)),
                "actions": list(ACTION_SETS[int(rng.integers(3))]),
            }
        )
    return {
        "name": "random",
        "market": {
            "price_usd": float(rng.uniform(20_000, 150_000)),
            "supply_btc": 19_950_000,
            "flow_multiplier": float(rng.uniform(0, 20)),
            "vol_pa": float(rng.uniform(0.2, 1.0)),
            "horizon_years": float(rng.uniform(0.5, 5)),
            "value_belief_usd": 100_000,
        },
        "game": {"actions": ["accumulate", "sell"]},
        "sovereigns": sovs,
    }


def _numeric_acc_dominant(game: SovereignGame) -> list[bool]:
    G = game.to_game()
    dom = dominant_actions(G)
    return [k is not None and G.actions[i][k] == "accumulate" for i, k in enumerate(dom)]


def _with_theta(data: dict[str, Any], i: int, theta: float) -> SovereignGame:
    data = {**data, "sovereigns": [dict(s) for s in data["sovereigns"]]}
    data["sovereigns"][i]["strategic_weight"] = theta
    return SovereignGame(config_from_dict(data))


def test_threshold_agrees_with_numeric_dominance_on_1000_points() -> None:
    """At >= 1,000 random parameter points (3 sovereigns each), the closed form's verdict equals
    the tensor solver's, and moving theta just across theta* flips the numeric verdict."""
    rng = np.random.default_rng(20251121)
    checked = flipped = 0
    for _ in range(350):
        data = _random_config(rng)
        game = SovereignGame(config_from_dict(data))
        th = dominance_thresholds(game)
        numeric = _numeric_acc_dominant(game)
        scale = game.to_game().payoff_scale
        for i, t in enumerate(th):
            if abs(t.min_margin_usd) <= 1e-9 * scale:
                continue  # at a threshold: both answers are a matter of rounding
            assert t.holds == numeric[i], (data, i, t)
            inside = t.feasible and t.lower < t.value < t.upper
            assert t.holds == inside, (data, i, t)
            checked += 1
            lo = t.lower
            if t.feasible and math.isfinite(lo) and 1e-6 < lo < 100 and t.upper > lo * 1.01:
                above = _numeric_acc_dominant(_with_theta(data, i, lo * (1 + 1e-5)))[i]
                below = _numeric_acc_dominant(_with_theta(data, i, lo * (1 - 1e-5)))[i]
                assert above and not below, (data, i, t)
                flipped += 1
    assert checked >= 1000
    assert flipped >= 100


def test_difference_is_affine_and_matches_payoff_template() -> None:
    form = difference_form("sell", "theta")
    # D = A + theta * Bc exactly
    import sympy as sp

    from reserves.sovereign.symbolic import _syms

    y = _syms()
    assert sp.simplify(form.D - (form.A + y.player["theta"] * form.Bc)) == 0
    assert single_player_payoff("accumulate").has(y.Xo)
    with pytest.raises(ReservesError, match="affine"):
        difference_form("sell", "alpha")
    with pytest.raises(ReservesError, match="unknown parameter"):
        difference_form("sell", "nonsense")
    assert r"\theta_i^*" in threshold_latex("sell")


def test_kappa_threshold_is_an_upper_bound() -> None:
    game = SovereignGame(load_config("configs/baseline.yaml"))
    th = dominance_thresholds(game, "political_cost_usd")
    for t in th:
        assert t.direction == "below"
        assert t.holds == (t.value < t.threshold)


def test_baseline_c14_answer_and_cross_check() -> None:
    a = analyze(SovereignGame(load_config("configs/baseline.yaml")))
    assert a.numeric_check["agrees"] is True
    by = {t.player: t for t in a.thresholds}
    assert by["China"].holds and by["El Salvador"].holds
    assert not by["United States"].holds
    assert by["United States"].binding["versus"] == "hold"
    assert a.c14_holds is False
    d = a.to_dict()
    assert d["c14"]["accumulate_dominant"] == ["China", "El Salvador"]
    assert len(d["dominant_action"]) == 14
    grad = d["comparative_statics"]["theta*[China]"]
    assert {"market.price_usd", "reserves_usd", "others_buy_usd"} <= set(grad)


def test_threshold_gradient_matches_finite_differences() -> None:
    cfg = load_config("configs/baseline.yaml")
    a = analyze(SovereignGame(cfg))
    name = "Japan"
    g = a.statics[f"theta*[{name}]"]
    base = next(t for t in a.thresholds if t.player == name).lower
    for field, key in (
        ("cost_of_capital_pa", "cost_of_capital_pa"),
        ("risk_aversion", "risk_aversion"),
    ):
        data = cfg.to_dict()
        s = next(s for s in data["sovereigns"] if s["name"] == name)
        h = 1e-6 * max(abs(s[field]), 1.0)
        s[field] += h
        t2 = next(
            t
            for t in dominance_thresholds(SovereignGame(config_from_dict(data)))
            if t.player == name
        )
        assert (t2.lower - base) / h == pytest.approx(g[key], rel=1e-3)


def test_aggregate_box_for_large_rosters() -> None:
    rng = np.random.default_rng(1)
    data = _random_config(rng, n=6)
    game = SovereignGame(config_from_dict(data))
    exact = dominance_thresholds(game)
    box = dominance_thresholds(game, max_profiles=4)
    for e, b in zip(exact, box, strict=True):
        assert b.method == "aggregate_box"
        # the box contains every profile's aggregates, so its bound is at least as strict
        if math.isfinite(e.lower):
            assert b.lower >= e.lower - 1e-9 * abs(e.lower)
