"""C15 as an output (paired runs), the MPE concept, and the simulate CLI's new keys and errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reserves.config import config_from_dict, load_config
from reserves.scenarios.c15 import c15_estimate, mix_c15
from reserves.scenarios.simulate import scenarios_section, simulate_scenario
from reserves.sovereign.dynamic import StageGame, decision_days
from reserves.sovereign.dynamic_mpe import solve_mpe

ROOT = Path(__file__).resolve().parents[1]
C17 = str(ROOT / "configs" / "scenarios" / "c17.yaml")


def _roster_cfg(**base):
    """Three identical buyers on a market with only diffusive noise (no shocks)."""
    sov = [
        {
            "name": f"S{i}",
            "reserves_usd": 1.0e12,
            "holdings_btc": 0.0,
            "max_buy_share": 0.02,
            "strategic_weight": 0.0,
            "cost_of_capital_pa": 0.0,
            "risk_aversion": 0.1,
            "political_cost_usd": 0.0,
        }
        for i in range(3)
    ]
    dyn = {
        "cascades": False,
        "shocks": {"rate_pa": 0.0},
        "sovereign_bids": {"kind": "wall", "share": 0.0, "base_usd": 0.0},
        "adoption": {"kind": "dynamic", "period_days": 30.0},
        **base,
    }
    return config_from_dict(
        {
            "name": "buyers",
            "market": {
                "price_usd": 100_000,
                "supply_btc": 19_950_000,
                "flow_multiplier": 5.0,
                "vol_pa": 0.5,
                "horizon_years": 3.0,
                "value_belief_usd": 200_000,
            },
            "game": {"actions": ["accumulate", "hold"]},
            "sovereigns": sov,
            "scenarios": {"horizon_days": 1136, "paths": 200, "base": dyn},
        },
        where="buyers",
    )


def _pair(cfg, paths=120, days=300):
    a = simulate_scenario(cfg, paths=paths, horizon_days=days, seed=5)
    b = simulate_scenario(cfg, paths=paths, horizon_days=days, seed=5, no_sovereigns=True)
    return c15_estimate(a, b)


def test_float_channel_raises_vol_and_reduced_form_lowers_it():
    endo = _pair(_roster_cfg())
    assert endo.share_with > endo.share_without
    assert endo.sign == "raises" and endo.band_pa[0] > 0
    # a bigger free float dilutes the channel (Gabaix-Koijen multiplier m0 F0 / (F0 - dH))
    wide = _pair(_roster_cfg(volatility={"float_share": 1.0}))
    assert 0 < wide.effect_pa < endo.effect_pa
    # the old reduced form makes C15 hold by construction
    red = _pair(_roster_cfg(volatility={"mode": "reduced_form", "sovereign_elasticity": 20.0}))
    assert red.sign == "lowers" and red.band_pa[1] < 0


def test_pairing_without_entry_gives_exactly_zero():
    cfg = _roster_cfg(adoption={"kind": "dynamic", "enabled": False})
    est = _pair(cfg, paths=50, days=120)
    assert est.effect_pa == 0.0 and est.band_pa == (0.0, 0.0)
    assert est.sign == "not distinguishable from zero"


def test_mixture_weights_and_dict_frame():
    a = _pair(_roster_cfg(), paths=60, days=120)
    mixed = mix_c15([a])
    assert mixed.effect_pa == pytest.approx(a.effect_pa)
    d = mixed.to_dict()
    assert {"effect_pa", "band_pa", "sign", "per_pp_supply", "checks"} <= set(d)
    assert len(a.to_frame()) == 1
    assert "vol points" in a.headline()


def test_mpe_one_date_equals_myopic_and_runs_in_simulation():
    cfg = load_config(C17)
    dyn = scenarios_section(cfg).dynamics("orderly_transition")
    one = solve_mpe(cfg, dyn, decision_days(60, 365 / 12, [0]), 60)
    stage = StageGame(cfg)
    P = np.array([cfg.market.price_usd])
    h = stage.holdings0_btc[None]
    myo, _ = stage.myopic_profiles(P, np.array([cfg.market.vol_pa]), h)
    mpe = one.decide(0, P, h, np.array([one.meta["leverage0"]]))
    assert stage.accumulating(mpe).tolist() == stage.accumulating(myo).tolist()
    small = cfg.with_updates(
        {
            "scenarios": {
                "base": {
                    "adoption": {
                        "concept": "mpe",
                        "period_days": 45,
                        "mpe": {"iterations": 2, "price_points": 5, "holdings_points": 3},
                    }
                }
            }
        }
    )
    run = simulate_scenario(small, "orderly_transition", paths=10, horizon_days=120)
    assert run.adoption.concept == "mpe"
    assert run.adoption.committed_usd.shape == (3, stage.num_players)
    assert np.all(run.adoption.accumulating_share <= 1.0)


def _short_c17(tmp_path: Path) -> str:
    p = tmp_path / "short.yaml"
    p.write_text(
        f"extends: {C17}\nscenarios:\n  horizon_days: 90\n  checks:\n"
        "    - {date: 2026-02-01, below_vol_pa: 0.25, label: short}\n",
        encoding="utf-8",
    )
    return str(p)


def test_cli_simulate_adds_c15_and_adoption(capsys, tmp_path):
    from reserves.cli import main

    args = ["simulate", _short_c17(tmp_path), "--paths", "20", "--seed", "2", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    for s in out["scenarios"]:
        assert {"name", "probability", "c16", "c15", "adoption"} <= set(s)
    assert {"effect_pa", "band_pa", "by_scenario", "sign"} <= set(out["c15"])
    ad = out["adoption"]
    assert ad["scenario"] == "orderly_transition" and ad["decision_days"] == [0, 30, 61]
    names = [x["name"] for x in ad["sovereigns"]]
    assert "China" in names and len(ad["sovereigns"][0]["committed_usd"]) == 3


@pytest.mark.parametrize(
    "extra",
    [["--period-days", "-30"], ["--concept", "clairvoyant"], ["--period-days", "abc"]],
)
def test_cli_bad_dynamic_input_is_one_line(capsys, tmp_path, extra):
    from reserves.cli import main

    assert main(["simulate", _short_c17(tmp_path), "--paths", "5", *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error" in err


def test_decision_dates_beyond_horizon_in_config(tmp_path, capsys):
    from reserves.cli import main

    p = tmp_path / "bad.yaml"
    p.write_text(
        f"extends: {C17}\nscenarios:\n  base:\n    adoption:\n      decision_days: [0, 30, 1200]\n",
        encoding="utf-8",
    )
    assert main(["simulate", str(p), "--paths", "5", "--no-c15"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "beyond the horizon" in err
    p.write_text(
        f"extends: {C17}\nscenarios:\n  base:\n    adoption:\n      concept: oracle\n",
        encoding="utf-8",
    )
    assert main(["simulate", str(p), "--paths", "5"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "concept" in err
