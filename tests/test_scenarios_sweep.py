"""Sweeps: local and Dask back ends give equal results; tornado ordering; bad input."""

from __future__ import annotations

import pytest

from reserves.errors import ConfigError
from reserves.scenarios.sensitivity import tornado
from reserves.scenarios.sweep import SweepSpec, load_sweep, run_sweep, sweep_points


def _spec(mode: str = "grid") -> SweepSpec:
    params = (
        {"scenarios.base.shocks.rate_pa": {"values": [2.0, 8.0]}}
        if mode == "grid"
        else {
            "scenarios.base.shocks.rate_pa": {"low": 2.0, "high": 8.0},
            "scenarios.base.sovereign_bids.share": {"low": 0.0, "high": 0.3},
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
