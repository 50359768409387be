"""Scenario simulation: reproducibility, volatility and tail statistics, validation, mixture."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from reserves.config import load_config
from reserves.errors import ConfigError
from reserves.scenarios import mix_quantiles, simulate_all, simulate_scenario
from reserves.scenarios.simulate import LEVELS

C17 = "configs/scenarios/c17.yaml"


@pytest.fixture(scope="module")
def c17():
    return load_config(C17)


def _quiet(cfg, **base):
    """Only the diffusive Student-t part: no shocks, no feedback, no sovereign flow."""
    dyn = {
        "shocks": {"rate_pa": 0.0},
        "feedback": False,
        "adoption": {"kind": "logistic", "scale": 0.0},
        "open_interest": {"rebuild_per_day": 0.0},
        **base,
    }
    return cfg.with_updates(
        {
            "scenarios": {
                "cases": [{"name": "only", "probability": 1.0}],
                "base": dyn,
                "sample_paths": 400,
            }
        }
    )


def test_same_seed_identical_output(c17):
    a = simulate_all(c17, paths=60, seed=3, horizon_days=120)
    b = simulate_all(c17, paths=60, seed=3, horizon_days=120)
    assert json.dumps(a.to_dict(full=True)) == json.dumps(b.to_dict(full=True))
    c = simulate_all(c17, paths=60, seed=4, horizon_days=120)
    assert c.to_dict()["scenarios"][0]["metrics"] != a.to_dict()["scenarios"][0]["metrics"]
    assert a.meta["config_hash"] == c17.content_hash() and a.meta["seed"] == 3


def test_realized_vol_and_tails_match_configured(c17):
    cfg = _quiet(c17, volatility={"base_pa": 0.40, "tail_dof": 4.0, "drift_pa": 0.0})
    run = simulate_scenario(cfg, paths=400, seed=11, horizon_days=400)
    r = run.samples["return"][:, 1:].astype(float).ravel()
    vol = r.std() * math.sqrt(365)
    assert vol == pytest.approx(0.40, rel=0.03)
    # tails: 99.75% quantile of |z| of a unit-variance t(4) (a normal would give 3.02)
    z = np.abs(r) / (0.40 / math.sqrt(365))
    expected = stats.t.ppf(0.99875, 4) / math.sqrt(2.0)
    assert np.quantile(z, 0.9975) == pytest.approx(expected, rel=0.06)
    assert stats.kurtosis(r) > 2.0  # heavy tails (normal: 0)
    # 30-day realized vol centred on the configured vol
    assert run.metrics["vol_median_end_pa"] == pytest.approx(0.40, rel=0.08)


def test_shock_rate_and_sizes_match_configured(c17):
    cfg = _quiet(
        c17,
        shocks={"rate_pa": 20.0, "min_usd": 1e8, "tail_index": 3.0, "max_usd": 1e12},
    )
    run = simulate_scenario(cfg, paths=500, seed=5, horizon_days=365)
    assert run.metrics["shocks_per_year"] == pytest.approx(20.0, rel=0.05)
    # Pareto(alpha=3, min=1e8) mean = 1.5e8
    assert run.metrics["shock_mean_usd"] == pytest.approx(1.5e8, rel=0.05)


def test_cascades_add_volatility_and_destroy_open_interest(c17):
    base = {
        "shocks": {"rate_pa": 12.0, "min_usd": 1.0e9},
        "open_interest": {"rebuild_per_day": 0.0},
    }
    on = simulate_scenario(_quiet(c17, **base), paths=200, seed=2, horizon_days=200)
    off = simulate_scenario(
        _quiet(c17, cascades=False, **base), paths=200, seed=2, horizon_days=200
    )
    assert on.metrics["liquidations_mean_usd"] > 0
    assert off.metrics["liquidations_mean_usd"] == 0
    lev_start = on.quantile("leverage", 0.5)[0]
    assert on.quantile("leverage", 0.5)[-1] < lev_start
    calm = simulate_scenario(
        _quiet(c17, open_interest={"rebuild_per_day": 0.0}), paths=200, seed=2, horizon_days=200
    )
    r_on = on.samples["return"].astype(float)
    r_calm = calm.samples["return"].astype(float)
    assert r_on.std() > r_calm.std()
    assert on.metrics["price_p05_end_usd"] < calm.metrics["price_p05_end_usd"]


def test_c16_checks_and_mixture(c17):
    s = simulate_all(c17, paths=40, seed=1)
    days = [c["day"] for c in s.runs[0].checks]
    assert days == [405, 1136]  # 2026-12-31 and 2028-12-31 from 2025-11-21
    for i, mc in enumerate(s.mixture_checks):
        expected = sum(r.probability * r.checks[i]["probability"] for r in s.runs)
        assert mc["probability"] == pytest.approx(expected)
    probs = [r.probability for r in s.runs]
    assert probs == [0.72, 0.23, 0.05]
    q = s.mixture_quantiles["price_usd"]
    assert np.all(np.diff(q, axis=1) >= -1e-9)
    assert len(s.to_frame()) > 0 and len(s.checks_frame()) == 8


def test_truncated_horizon_flags_check(c17):
    run = simulate_scenario(c17, paths=20, seed=0, horizon_days=100)
    assert all(c["truncated"] and c["day"] == 100 for c in run.checks)


def test_mix_quantiles_identity_and_weights():
    q = np.tile(np.quantile(np.random.default_rng(0).normal(size=5000), LEVELS), (3, 1))
    np.testing.assert_allclose(mix_quantiles([0.5, 0.5], [q, q]), q, atol=1e-9)
    lo, hi = np.tile(np.linspace(0, 1, 101), (1, 1)), np.tile(np.linspace(10, 11, 101), (1, 1))
    mixed = mix_quantiles([0.7, 0.3], [lo, hi])
    assert mixed[0, 50] < 1.0 and mixed[0, 90] > 10.0


def test_probabilities_must_sum_to_one(c17):
    data = c17.to_dict()
    data["scenarios"]["cases"][0]["probability"] = 0.5
    from reserves.config import config_from_dict

    with pytest.raises(ConfigError, match="sum to 1"):
        config_from_dict(data)


def test_bad_override_and_unknown_scenario(c17):
    data = c17.to_dict()
    data["scenarios"]["cases"][1]["overrides"] = {"shocks": {"rate_pa": -1}}
    from reserves.config import config_from_dict

    with pytest.raises(ConfigError, match=r"overrides\.shocks\.rate_pa"):
        config_from_dict(data)
    with pytest.raises(ConfigError, match="no scenario named"):
        simulate_scenario(c17, "nope", paths=5, horizon_days=5)


def test_cli_simulate_json(capsys, tmp_path):
    from reserves.cli import main

    short = tmp_path / "short.yaml"  # two C16 checks inside a 120-day horizon (speed)
    short.write_text(
        f"extends: {Path(C17).resolve()}\nscenarios:\n  horizon_days: 120\n  checks:\n"
        "    - {date: 2026-01-31, below_vol_pa: 0.25}\n"
        "    - {date: 2026-03-15, below_vol_pa: 0.15}\n",
        encoding="utf-8",
    )
    args = ["simulate", str(short), "--paths", "10", "--seed", "2", "--json"]
    assert main([*args, "--no-c15"]) == 0
    out = json.loads(capsys.readouterr().out)
    names = [s["name"] for s in out["scenarios"]]
    assert names == ["orderly_transition", "systemic_failure", "technical_breakthrough"]
    for s in out["scenarios"]:
        assert {"name", "probability", "c16"} <= set(s)
        assert len(s["c16"]) == 2
    assert main(["simulate", "configs/nope.yaml"]) == 2
