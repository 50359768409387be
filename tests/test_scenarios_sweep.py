"""Sweeps: local and Dask back ends give equal results; tornado ordering; bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from reserves.errors import ConfigError
from reserves.scenarios.sensitivity import tornado
from reserves.scenarios.sweep import (
    ParameterSpec,
    SweepSpec,
    inert_reason,
    load_sweep,
    run_sweep,
    sweep_points,
)


def _spec(mode: str = "grid") -> SweepSpec:
    params = (
        {"scenarios.base.shocks.rate_pa": {"values": [2.0, 8.0]}}
        if mode == "grid"
        else {
            "scenarios.base.shocks.rate_pa": {"low": 2.0, "high": 8.0},
            "scenarios.base.sovereign_bids.resting_share": {"low": 0.01, "high": 0.1},
        }
    )
    return SweepSpec.model_validate(
        {
            "config": "configs/scenarios/c17.yaml",
            "scenario": "orderly_transition",
            "mode": mode,
            "paths": 30,
            "seed": 3,
            "horizon_days": 60,
            "metrics": ["floor_median_end_usd", "vol_median_end_pa"],
            "parameters": params,
        }
    )


def test_local_equals_dask_local_cluster():
    distributed = pytest.importorskip("distributed")
    spec = _spec()
    local = run_sweep(spec)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_sweep(spec, scheduler=client)
    assert remote.backend == "dask" and local.backend == "local"
    assert remote.points == local.points
    assert remote.values == local.values
    assert len(local.to_frame()) == 2


def test_tornado_sorted_by_swing():
    res = tornado(_spec("tornado"))
    swings = [r["swing"] for r in res.rows]
    assert swings == sorted(swings, reverse=True)
    assert len(sweep_points(_spec("tornado"))) == 5
    assert res.meta["seed"] == 3 and res.to_frame().shape[0] == 2


def test_example_sweep_file_loads():
    spec = load_sweep("configs/sweeps/example.yaml")
    assert spec.mode == "tornado" and spec.config_path().exists()


def test_bad_sweeps():
    with pytest.raises(ConfigError, match="not found"):
        load_sweep("configs/sweeps/missing.yaml")
    with pytest.raises(ValueError, match="values"):
        SweepSpec.model_validate(
            {"config": "x.yaml", "mode": "grid", "parameters": {"a.b": {"low": 1, "high": 2}}}
        )
    spec = _spec().model_copy(update={"metrics": ["no_such_metric"]})
    with pytest.raises(ConfigError, match="unknown metric"):
        run_sweep(spec)


@pytest.mark.parametrize(
    ("key", "low", "high", "why"),
    [
        # the flat wall's share: bids follow the demand schedule in c17 (kind: schedule)
        ("scenarios.base.sovereign_bids.share", 0.0, 0.3, "acts only with kind: wall"),
        # the crash panel's depth replaces the section's linear depth (panel_params: default)
        ("market_model.impact.depth_usd_per_pct", 1e8, 4e8, "crash-panel parameters"),
        # reduced-form elasticity under mode: endogenous
        ("scenarios.base.volatility.oi_elasticity", 0.2, 0.8, "acts only with mode: reduced_form"),
    ],
)
def test_sweep_refuses_a_parameter_the_model_ignores(key, low, high, why):
    spec = _spec("tornado").model_copy(
        update={"parameters": {key: ParameterSpec(low=low, high=high)}}
    )
    with pytest.raises(ConfigError, match=why):
        run_sweep(spec)


def test_inert_reason_none_for_parameters_that_act():
    from reserves.config import load_config

    cfg = load_config("configs/scenarios/c17.yaml")
    for key, lo, hi in [
        ("scenarios.base.sovereign_bids.resting_share", 0.01, 0.1),
        ("market_model.ladder.long_oi_usd", 3.3e10, 9.4e10),
        ("scenarios.base.volatility.float_share", 0.15, 1.0),
    ]:
        assert inert_reason(cfg, "orderly_transition", key, lo, hi) is None
    # systemic_failure sets its own political_cost_scale: the base value does nothing there,
    # but the mixture still moves with it through the other cases
    key = "scenarios.base.adoption.political_cost_scale"
    assert "overrides it" in inert_reason(cfg, "systemic_failure", key, 0.5, 3.0)
    assert inert_reason(cfg, "mixture", key, 0.5, 3.0) is None


def test_cli_refuses_inert_parameter_in_one_line(tmp_path, capsys):
    from reserves.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "config: " + str(Path("configs/scenarios/c17.yaml").resolve()) + "\n"
        "scenario: orderly_transition\nmode: tornado\npaths: 5\nhorizon_days: 10\n"
        "parameters:\n  market_model.impact.depth_usd_per_pct: {low: 1.0e8, high: 4.0e8}\n"
    )
    assert main(["sweep", str(bad), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "does nothing here" in err


def test_tornado_text_uses_units():
    from reserves.scenarios.sensitivity import value_text

    assert value_text("market_model.impact.depth_usd_per_pct", 1e8) == "$100M"
    assert value_text("floor_median_end_usd", -3131.2, signed=True) == "-$3,131"
    assert value_text("p_vol_below_0.25_2026-12-31", 0.123) == "12.3%"
    assert value_text("scenarios.base.shocks.rate_pa", 2.0) == "2"
