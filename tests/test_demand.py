"""Equilibrium demand, selection rules and the demand schedule D(P)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reserves.cli import main as cli_main
from reserves.config import config_from_dict, load_config
from reserves.demand import (
    SELECTION_RULES,
    DemandSchedule,
    clear_demand_cache,
    demand_band,
    demand_schedule,
    deviation_losses,
    equilibrium_demand,
    payoff_dominant,
    price_grid,
    risk_dominant,
    select_equilibrium,
)
from reserves.errors import ReservesError, SolverError
from reserves.nash.correlated import correlated_equilibrium
from reserves.nash.normal_form import Game
from reserves.nash.pure import pure_solve
from reserves.sovereign.aggregative import synthetic_roster
from reserves.sovereign.model import SovereignGame

STAG = Game.symmetric_2x2(4, 0, 3, 3, actions=[["stag", "hare"]] * 2)


@pytest.fixture(scope="module")
def baseline():
    return load_config("configs/baseline.yaml")


def test_equilibrium_demand_of_the_baseline(baseline) -> None:
    sg = SovereignGame(baseline)
    (eq,) = pure_solve(sg.to_game()).equilibria
    d = equilibrium_demand(sg, eq)
    x = sg.flows.x
    labels = sg.labels_of([int(np.argmax(s)) for s in eq.strategies])
    expected = x[np.arange(sg.num_players), labels]
    assert d.flow_usd == pytest.approx(expected)
    assert d.total_usd == pytest.approx(expected.sum())
    assert d.total_btc == pytest.approx(expected.sum() / sg.price_usd)
    assert d.buy_usd + d.sell_usd == pytest.approx(d.total_usd)
    assert len(d.to_frame()) == 14
    json.dumps(d.to_dict())


def test_equilibrium_demand_of_a_correlated_result_uses_marginals(baseline) -> None:
    sg = SovereignGame(baseline, price_usd=74_288.0)
    ce = correlated_equilibrium(sg, "demand-max")
    d = equilibrium_demand(sg, ce)
    assert d.total_usd == pytest.approx(ce.expected_demand_usd, rel=1e-12)
    assert "correlated" in d.source


def test_equilibrium_demand_for_a_plain_game() -> None:
    d = equilibrium_demand(
        STAG,
        [np.array([1.0, 0.0]), np.array([0.5, 0.5])],
        flows_usd=[np.array([10.0, 0.0]), np.array([4.0, -2.0])],
        price_usd=2.0,
    )
    assert d.total_usd == pytest.approx(11.0)
    assert d.total_btc == pytest.approx(5.5)
    with pytest.raises(ReservesError, match="flows"):
        equilibrium_demand(STAG, [np.array([1.0, 0.0])] * 2)


def test_risk_dominance_2x2_harsanyi_selten() -> None:
    eqs = list(pure_solve(STAG).equilibria)
    sel = risk_dominant(STAG, eqs)
    assert sel.equilibrium.action_profile() == ("hare", "hare")  # 3*3 > 1*1
    assert "Harsanyi-Selten" in sel.basis
    assert payoff_dominant(eqs).equilibrium.action_profile() == ("stag", "stag")
    # risk dominance flips when hare's safety falls: R=4, T=2, P=1 -> losses (4-2)^2 > 1^2
    g = Game.symmetric_2x2(4, 0, 2, 1, actions=[["stag", "hare"]] * 2)
    assert risk_dominant(g, list(pure_solve(g))).equilibrium.action_profile() == ("stag", "stag")
    assert deviation_losses(STAG, eqs[0]).tolist() in ([1.0, 1.0], [3.0, 3.0])


def test_risk_dominance_n_player_generalized_or_rejected() -> None:
    # 3-player coordination: everyone gets 2 if all play a, 1 if all play b, else 0
    u = np.zeros((2, 2, 2))
    u[0, 0, 0], u[1, 1, 1] = 2.0, 1.0
    g = Game(np.stack([u, u, u]))
    eqs = list(pure_solve(g))
    assert len(eqs) == 2
    with pytest.raises(SolverError, match="2x2"):
        risk_dominant(g, eqs, generalized=False)
    sel = risk_dominant(g, eqs)
    assert sel.equilibrium.action_profile() == ("a1", "a1", "a1")  # losses 2^3 > 1^3
    assert "generalized" in sel.basis
    with pytest.raises(SolverError, match="pure"):
        risk_dominant(STAG, [])


def test_sovereign_selection_rules_at_a_multi_equilibrium_price(baseline) -> None:
    sg = SovereignGame(baseline, price_usd=74_288.0)
    eqs = list(pure_solve(sg.to_game()).equilibria)
    assert len(eqs) == 3
    names = {e.action_profile() for e in eqs}
    for rule in ("dynamics", "payoff-dominant", "risk-dominant"):
        sel = select_equilibrium(sg, eqs, rule)
        assert sel.equilibrium.action_profile() in names
        assert sel.equilibrium.regret <= 1e-7 * sg.payoff_scale
    # generalized risk dominance through the aggregates equals the tensor computation
    for e in eqs:
        assert deviation_losses(sg, e) == pytest.approx(deviation_losses(sg.to_game(), e))
    assert select_equilibrium(sg, eqs, "all").equilibrium is None
    with pytest.raises(ReservesError, match="rule"):
        select_equilibrium(sg, eqs, "sunspot")


def test_demand_schedule_contract(baseline) -> None:
    clear_demand_cache()
    s = demand_schedule(baseline)
    assert isinstance(s, DemandSchedule)
    assert len(s) == 50
    assert np.all(np.diff(s.prices_usd) > 0)
    assert s.rule == "dynamics" and s.config_hash == baseline.content_hash()
    assert np.all(s.demand_low_usd <= s.demand_usd + 1e-6)
    assert np.all(s.demand_usd <= s.demand_high_usd + 1e-6)
    assert s.demand_btc == pytest.approx(s.demand_usd / s.prices_usd)
    # lower prices, more demand: the schedule slopes down on the baseline
    assert s.demand_usd[0] > s.demand_usd[-1]
    assert np.all(np.diff(s.demand_usd) <= 1e-6 * np.abs(s.demand_usd).max())
    json.dumps(s.to_dict())
    frame = s.to_frame()
    assert list(frame.columns[:5]) == [
        "price_usd",
        "demand_usd",
        "demand_btc",
        "demand_low_usd",
        "demand_high_usd",
    ]
    assert demand_schedule(baseline) is s  # cached
    with pytest.raises(ValueError):
        s.demand_usd[0] = 0.0  # read-only
    assert float(s.demand_at(s.prices_usd[3])) == pytest.approx(s.demand_usd[3])


@pytest.mark.parametrize("rule", SELECTION_RULES)
def test_every_rule_lies_in_the_band(baseline, rule) -> None:
    prices = np.array([30_000.0, 74_288.0, 91_770.0, 120_000.0])
    s = demand_schedule(baseline, prices, rule=rule)
    assert np.all(s.demand_low_usd - 1e-3 <= s.demand_usd)
    assert np.all(s.demand_usd <= s.demand_high_usd + 1e-3)
    assert s.num_equilibria[1] == 3
    assert s.demand_high_usd[1] > s.demand_low_usd[1]


def test_schedule_band_matches_the_correlated_lps(baseline) -> None:
    p = 74_288.0
    s = demand_schedule(baseline, np.array([p]), correlated=True, use_cache=False)
    sg = SovereignGame(baseline, price_usd=p)
    lo = correlated_equilibrium(sg, "demand-min").expected_demand_usd
    hi = correlated_equilibrium(sg, "demand-max").expected_demand_usd
    assert s.demand_low_usd[0] == pytest.approx(min(lo, s.demand_low_usd[0]))
    assert s.demand_low_usd[0] <= lo + 1e-3 and s.demand_high_usd[0] >= hi - 1e-3
    assert s.band_source[0] == "pure+correlated"


def test_large_roster_uses_the_aggregative_solver() -> None:
    cfg = config_from_dict(synthetic_roster(20, seed=2))
    s = demand_schedule(cfg, np.array([50_000.0, 90_000.0]), use_cache=False)
    assert s.band_source == ("aggregative", "aggregative")
    assert np.all(np.isfinite(s.demand_usd))
    assert any("aggregative" in n for n in s.notes)


def test_progress_callback_and_grid(baseline) -> None:
    seen = []
    grid = price_grid(baseline, 5, min_price_usd=50_000, max_price_usd=100_000)
    assert grid[0] == pytest.approx(50_000) and grid[-1] == pytest.approx(100_000)
    demand_schedule(baseline, grid, progress=lambda k, n: seen.append((k, n)), use_cache=False)
    assert seen[-1] == (5, 5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"prices_usd": np.array([1.0, -2.0])}, "prices_usd"),
        ({"prices_usd": []}, "prices_usd"),
        ({"rule": "coin-flip"}, "rule"),
    ],
)
def test_schedule_bad_input(baseline, kwargs, match) -> None:
    with pytest.raises(ReservesError, match=match):
        demand_schedule(baseline, **kwargs)


def test_schedule_needs_a_config() -> None:
    with pytest.raises(ReservesError, match="ReservesConfig"):
        demand_schedule({"market": {}})  # type: ignore[arg-type]


def test_demand_band_at_entry_price(baseline) -> None:
    b = demand_band(baseline)
    assert b["low_usd"] <= b["demand_usd"] <= b["high_usd"]
    assert b["demand_btc"] == pytest.approx(b["demand_usd"] / baseline.market.price_usd)
    assert "China" in b["accumulators"]


def test_cli_demand_json_and_text(baseline_path, capsys) -> None:
    assert cli_main(["demand", str(baseline_path), "--points", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["prices_usd"]) == 4 and "at_entry_price" in out
    assert cli_main(["demand", str(baseline_path), "--points", "3", "--rule", "all"]) == 0
    assert "band" in capsys.readouterr().out
    assert cli_main(["demand", str(baseline_path), "--points", "1"]) == 2
    assert "points" in capsys.readouterr().err
