"""The sovereign payoff: one sympy expression, and its lambdified tensors agree with it."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from reserves.config import config_from_dict, load_config
from reserves.errors import ConfigError, GameFormatError
from reserves.sovereign.aggregative import synthetic_roster
from reserves.sovereign.model import SovereignGame, payoff_template


@pytest.fixture(scope="module")
def baseline_game() -> SovereignGame:
    return SovereignGame(load_config("configs/baseline.yaml"))


def test_tensor_equals_sympy_evaluation(baseline_game: SovereignGame) -> None:
    """Each tensor entry equals the sympy expression evaluated exactly at that profile."""
    g = baseline_game
    tensor = g.to_game()
    u, S = payoff_template()
    rng = np.random.default_rng(1)
    for _ in range(5):
        idx = tuple(int(k) for k in rng.integers(0, 2, size=g.num_players))
        flows = [g.player_flows(i, g.actions[i][k]) for i, k in enumerate(idx)]
        X = sum(f[2] for f in flows)
        B = sum(f[0] for f in flows)
        Sq = sum(f[1] for f in flows)
        for i in (0, 1, 5):
            c, q, _, acc = flows[i]
            subs = {
                **g.market_values(),
                **g.player_values(i),
                S.c: c,
                S.q: q,
                S.acc: acc,
                S.X: X,
                S.B: B,
                S.S: Sq,
            }
            exact = float(u.subs({k: sp.Float(v, 30) for k, v in subs.items()}).evalf(30))
            assert tensor.payoffs[(i, *idx)] == pytest.approx(exact, rel=1e-9, abs=1e-3)


def test_shape_follows_own_action_sets(baseline_game: SovereignGame) -> None:
    us = baseline_game.players.index("United States")
    assert baseline_game.actions[us] == ("accumulate", "hold")
    assert baseline_game.shape == (2,) * 14


def test_others_buying_raises_the_price_and_a_holders_payoff() -> None:
    """Complement: with theta = 0 a holder gains when others buy (P1 rises)."""
    data = synthetic_roster(3, seed=0)
    for s in data["sovereigns"]:
        s["strategic_weight"] = 0.0
    data["sovereigns"][0]["holdings_btc"] = 50_000.0
    g = SovereignGame(config_from_dict(data)).to_game()
    acc, sell = 0, 1
    assert g.payoffs[0, sell, acc, acc] > g.payoffs[0, sell, sell, sell]


def test_rival_motive_lowers_share_payoff_when_others_buy() -> None:
    """Rivalry: the strategic term falls when others accumulate (my share shrinks)."""
    data = synthetic_roster(2, seed=0)
    for s in data["sovereigns"]:
        s.update(
            holdings_btc=10_000.0,
            risk_aversion=0.0,
            cost_of_capital_pa=0.0,
            political_cost_usd=0.0,
            strategic_weight=0.05,
        )
    data["market"]["flow_multiplier"] = 0.0
    data["market"]["value_belief_usd"] = data["market"]["price_usd"]
    g = SovereignGame(config_from_dict(data)).to_game()
    acc, sell = 0, 1
    assert g.payoffs[0, acc, acc] < g.payoffs[0, acc, sell]


def test_with_price_changes_entry_price(baseline_game: SovereignGame) -> None:
    cheaper = baseline_game.with_price(60_000)
    assert cheaper.price_usd == 60_000
    assert not np.allclose(cheaper.to_game().payoffs, baseline_game.to_game().payoffs)
    with pytest.raises(ConfigError, match="price_usd"):
        baseline_game.with_price(-1)


def test_too_large_for_a_tensor() -> None:
    g = SovereignGame(config_from_dict(synthetic_roster(40, seed=0)))
    with pytest.raises(GameFormatError, match="aggregative"):
        g.to_game()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 6))
def test_property_holdings_never_negative_and_payoffs_finite(seed: int, n: int) -> None:
    g = SovereignGame(config_from_dict(synthetic_roster(n, seed=seed)))
    tensor = g.to_game()
    assert np.all(np.isfinite(tensor.payoffs))
    fl = g.flows
    assert np.all(fl.c >= 0) and np.all(fl.q <= 0)
