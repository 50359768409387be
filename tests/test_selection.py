"""Global-games selection and the gold outside option (reserves.sovereign.selection)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from reserves.config import config_from_dict, load_config
from reserves.errors import ReservesError
from reserves.nash.normal_form import Game
from reserves.nash.pure import pure_solve
from reserves.sovereign.model import SovereignGame
from reserves.sovereign.selection import (
    count_payoffs,
    global_game_threshold,
    gold_comparison,
)
from reserves.sovereign.symmetric import identical_sovereign_config


def _stag_hunt(rng: np.random.Generator) -> tuple[float, float, float, float]:
    """R > T > P > S (two strict equilibria), away from the risk-dominance tie."""
    while True:
        S, P, T, R = np.sort(rng.uniform(-10, 10, 4))
        if abs((R - T) - (P - S)) > 0.05:
            return float(R), float(S), float(T), float(P)


def _shifted(R: float, S: float, T: float, P: float):  # type: ignore[no-untyped-def]
    return lambda x: Game.symmetric_2x2(R + x, S + x, T, P, actions=[("stag", "hare")] * 2)


# ------------------------------------------------------------------ global games
def test_random_stag_hunts_global_game_is_risk_dominant() -> None:
    rng = np.random.default_rng(7)
    for _ in range(40):
        R, S, T, P = _stag_hunt(rng)
        gg = global_game_threshold(_shifted(R, S, T, P), "shift", value=0.0, bracket=(-40, 40))
        assert gg.symmetric
        assert gg.threshold == pytest.approx((T + P - R - S) / 2, abs=1e-9)
        assert gg.direction == "above"
        assert gg.risk_dominant_profile is not None
        assert gg.selected_profile == gg.risk_dominant_profile
        assert gg.agrees_with_risk_dominance is True
        assert gg.selected_equilibrium is not None and gg.regret <= 1e-9
        # the risk-dominant equilibrium is stag iff R - T > P - S
        assert (gg.selected_profile[0] == "stag") == (R - T > P - S)


def test_asymmetric_2x2_threshold_equalizes_nash_products() -> None:
    rng = np.random.default_rng(3)
    for _ in range(10):
        a = rng.uniform(1, 5, 4)  # deviation losses at (acc, acc) and (other, other)

        def fac(x: float, a: np.ndarray = a) -> Game:
            A = np.array([[a[0] + x, -a[1] + x], [0.0, 0.0]])
            B = np.array([[a[2] + x, 0.0], [-a[3] + x, 0.0]])
            return Game.from_arrays(A, B)

        gg = global_game_threshold(fac, "x", value=0.0, bracket=(-20, 20))
        g = count_payoffs(fac(gg.threshold)).gains
        assert g[0, 1] * g[1, 1] == pytest.approx(g[0, 0] * g[1, 0], rel=1e-8, abs=1e-8)
        assert gg.selected_profile == gg.risk_dominant_profile


def test_comparative_statics_signs() -> None:
    R, S, T, P = 6.0, -2.0, 4.0, 1.0
    base = global_game_threshold(_shifted(R, S, T, P), "x", value=0.0, bracket=(-50, 50))
    # a better stag payoff makes the stag region larger (threshold falls) ...
    up_R = global_game_threshold(_shifted(R + 1, S, T, P), "x", value=0.0, bracket=(-50, 50))
    assert up_R.threshold < base.threshold
    # ... a better hare payoff (temptation) raises it
    up_T = global_game_threshold(_shifted(R, S, T + 1, P), "x", value=0.0, bracket=(-50, 50))
    assert up_T.threshold > base.threshold
    # sovereign game (symmetric roster): the political-cost threshold rises with belief V
    cfg = identical_sovereign_config(3, template="Saudi PIF")
    k0 = global_game_threshold(cfg, "kappa", mode="common", bracket=(0, 1e12), value=0.0)
    assert k0.direction == "below" and k0.symmetric
    hiV = cfg.with_updates({"market": {"value_belief_usd": 120_000}})
    k1 = global_game_threshold(hiV, "kappa", mode="common", bracket=(0, 1e12), value=0.0)
    assert k1.threshold > k0.threshold
    # ... and falls with risk aversion
    sov = [dict(s, risk_aversion=4.0) for s in cfg.to_dict()["sovereigns"]]
    k2 = global_game_threshold(
        config_from_dict({**cfg.to_dict(), "sovereigns": sov}),
        "kappa",
        mode="common",
        bracket=(0, 1e12),
        value=0.0,
    )
    assert k2.threshold < k0.threshold


def test_symmetric_sovereign_laplacian_root_and_finite_noise() -> None:
    cfg = identical_sovereign_config(3, template="Saudi PIF")
    gg = global_game_threshold(cfg, "kappa", mode="common", bracket=(0, 1e12), value=0.0)
    cp = count_payoffs(SovereignGame(cfg.with_updates({})))  # smoke: config round trip
    assert cp.gains.shape == (3, 3)
    g = global_game_threshold(cfg, "kappa", mode="common", bracket=(0, 1e12), value=gg.threshold)
    assert abs(g.laplacian_at_value[g.players[0]]) < 1e-6 * abs(cp.gains).max()
    # kappa enters linearly: finite noise gives the limit exactly, for both noise shapes
    for noise in ("normal", "uniform"):
        f = global_game_threshold(
            cfg,
            "kappa",
            mode="common",
            bracket=(gg.threshold / 2, gg.threshold * 2),
            value=0.0,
            noise=noise,
            noise_scale=gg.threshold / 50,
        )
        assert f.threshold == pytest.approx(gg.threshold, rel=1e-7)


def test_finite_noise_nonlinear_tends_to_limit() -> None:
    # u(stag, k) = R + x^3 (nonlinear in x): finite-noise threshold -> limit as noise -> 0
    def fac(x: float) -> Game:
        return Game.symmetric_2x2(2 + x**3, -3 + x**3, 1.0, 0.0)

    lim = global_game_threshold(fac, "x", value=0.0, bracket=(-5, 5)).threshold
    assert lim == pytest.approx(1.0)
    errs = [
        abs(
            global_game_threshold(
                fac, "x", value=0.0, bracket=(-5, 5), noise="normal", noise_scale=s
            ).threshold
            - lim
        )
        for s in (0.3, 0.1, 0.01)
    ]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-3


def test_baseline_selection_is_verified() -> None:
    cfg = load_config("configs/baseline.yaml")
    gg = global_game_threshold(cfg, "theta")  # theta_i = x theta_i(config), config at x = 1
    assert gg.value == 1.0 and math.isnan(gg.threshold)
    assert gg.selected_equilibrium is not None
    eqs = pure_solve(SovereignGame(cfg).to_game()).equilibria
    assert any(e.action_profile() == gg.selected_profile for e in eqs)
    assert math.isfinite(gg.player_thresholds["China"])
    json.dumps(gg.to_dict())
    assert len(gg.to_frame()) == 14


# ------------------------------------------------------------------ gold
def _one_player() -> dict:
    return {
        "name": "one",
        "market": {
            "price_usd": 100_000,
            "supply_btc": 20_000_000,
            "flow_multiplier": 4.0,
            "vol_pa": 0.5,
            "horizon_years": 2.0,
            "value_belief_usd": 130_000,
            "share_floor_btc": 1.0,
        },
        "game": {"actions": ["accumulate", "sell"]},
        "sovereigns": [
            {
                "name": "Solo",
                "reserves_usd": 1.0e11,
                "holdings_btc": 5_000,
                "max_buy_share": 0.02,
                "strategic_weight": 0.01,
                "cost_of_capital_pa": 0.04,
                "risk_aversion": 2.0,
                "political_cost_usd": 1.0e8,
            }
        ],
    }


def test_gold_matches_hand_computation_one_player() -> None:
    cfg = config_from_dict(_one_player())
    P0, Q, m, sig, T, V, eps = 1e5, 2e7, 4.0, 0.5, 2.0, 1.3e5, 1.0
    W, h, alpha, theta, r, gam, kap = 1e11, 5e3, 0.02, 0.01, 0.04, 2.0, 1e8
    c = alpha * W

    def u(cash: float, acc: float) -> float:
        P1 = P0 * math.exp(m * cash / (P0 * Q))
        Pb = (P0 + P1) / 2
        H = h + cash / Pb
        share = H / (H + eps)
        return (
            H * V
            - h * P0
            - cash
            - r * T * cash
            - gam * sig**2 * T * (H * P1) ** 2 / (2 * W)
            + theta * W * share
            - kap * acc
        )

    d_btc = u(c, 1) - u(0, 0)
    strat = (
        theta
        * W
        * (
            (h + c / ((P0 + P0 * math.exp(m * c / (P0 * Q))) / 2))
            / (h + c / ((P0 + P0 * math.exp(m * c / (P0 * Q))) / 2) + eps)
            - h / (h + eps)
        )
    )
    g, vg, lam = 0.05, 0.15, 0.5
    d_gold = c * ((1 + g) ** T - 1) - r * T * c - gam * vg**2 * T * c**2 / (2 * W) + lam * strat
    gc = gold_comparison(
        SovereignGame(cfg), gold_vol_pa=vg, gold_return_pa=g, gold_strategic_share=lam
    )
    assert gc.btc_gain_race_usd[0] == pytest.approx(d_btc, rel=1e-9)
    assert gc.gold_gain_race_usd[0] == pytest.approx(d_gold, rel=1e-9)
    assert gc.min_margin_usd[0] == pytest.approx(d_btc - d_gold, rel=1e-9)
    # theta threshold: the margin is zero there
    a = (d_btc - theta * (strat / theta)) - (d_gold - lam * strat)
    t_star = -a / ((1 - lam) * strat / theta)
    assert gc.theta_threshold[0] == pytest.approx(t_star, rel=1e-9)
    assert bool(gc.btc_beats_gold[0]) == (d_btc > d_gold)
    json.dumps(gc.to_dict())


def test_gold_baseline_shapes_and_monotonicity() -> None:
    g = SovereignGame(load_config("configs/baseline.yaml"))
    lo = gold_comparison(g, gold_strategic_share=0.0)
    hi = gold_comparison(g, gold_strategic_share=0.9)
    assert len(lo.players) == 14 and lo.method == "enumeration"
    # a more strategic gold lowers every BTC-minus-gold margin where BTC's share term is positive
    assert np.all(hi.min_margin_usd <= lo.min_margin_usd + 1e-6)
    assert np.all(hi.survives <= lo.survives)
    # more volatile gold helps BTC
    vol = gold_comparison(g, gold_vol_pa=0.33)
    assert np.all(vol.min_margin_usd >= gold_comparison(g).min_margin_usd - 1e-6)
    assert len(lo.to_frame()) == 14


# ------------------------------------------------------------------ errors
def test_bad_input_raises_named_errors() -> None:
    cfg = load_config("configs/baseline.yaml")
    with pytest.raises(ReservesError) as e:
        global_game_threshold(cfg, "not_a_param")
    assert e.value.field == "param" and e.value.fix
    with pytest.raises(ReservesError) as e:
        global_game_threshold(_shifted(4, 0, 3, 2), "x", value=0.0, bracket=(10, 20))
    assert e.value.field == "bracket" and "widen" in (e.value.fix or "")
    with pytest.raises(ReservesError) as e:
        global_game_threshold(_shifted(4, 0, 3, 2), "x")
    assert e.value.field == "value"
    with pytest.raises(ReservesError) as e:
        global_game_threshold(_shifted(4, 0, 3, 2), "x", value=0.0, bracket=(5, -5))
    assert e.value.field == "bracket"
    with pytest.raises(ReservesError) as e:
        global_game_threshold(_shifted(4, 0, 3, 2), "x", value=0.0, noise="normal")
    assert e.value.field == "noise_scale"
    with pytest.raises(ReservesError) as e:
        global_game_threshold(cfg, "theta", noise="normal", noise_scale=0.1)
    assert e.value.field == "noise"
    with pytest.raises(ReservesError) as e:
        global_game_threshold(Game(np.zeros((2, 3, 2))), "x", value=0.0)
    assert e.value.field == "game_factory"
    with pytest.raises(ReservesError) as e:
        global_game_threshold(lambda x: Game(np.zeros((2, 3, 2))), "x", value=0.0)
    assert e.value.field == "actions"
    g = SovereignGame(cfg)
    for kw, fld in (
        ({"gold_vol_pa": -0.1}, "gold_vol_pa"),
        ({"gold_return_pa": float("nan")}, "gold_return_pa"),
        ({"gold_strategic_share": "x"}, "gold_strategic_share"),
    ):
        with pytest.raises(ReservesError) as e:
            gold_comparison(g, **kw)
        assert e.value.field == fld
    with pytest.raises(ReservesError) as e:
        gold_comparison(cfg)  # type: ignore[arg-type]
    assert e.value.field == "sovereign_game"
