"""A sweep over the dynamic game's parameters with the C15 metrics, local and on Dask."""

from __future__ import annotations

from pathlib import Path

import pytest

from reserves.errors import ConfigError
from reserves.scenarios.sweep import SweepSpec, load_sweep, run_sweep, sweep_points

ROOT = Path(__file__).resolve().parents[1]


def _spec(metrics: list[str], tmp: Path) -> SweepSpec:
    cfg = tmp / "wall.yaml"  # flat bid wall: no demand schedule to solve (speed)
    cfg.write_text(
        f"extends: {ROOT / 'configs/scenarios/c17.yaml'}\n"
        "scenarios:\n  base:\n    sovereign_bids: {kind: wall}\n",
        encoding="utf-8",
    )
    return SweepSpec.model_validate(
        {
            "config": str(cfg),
            "scenario": "orderly_transition",
            "mode": "grid",
            "paths": 8,
            "seed": 4,
            "horizon_days": 62,
            "metrics": metrics,
            "parameters": {
                "scenarios.base.adoption.period_days": {"values": [30.0, 91.25]},
                "scenarios.base.volatility.float_share": {"values": [0.22]},
            },
        }
    )


METRICS = ["c15_effect_pa", "c15_band_lo_pa", "c15_band_hi_pa", "vol_median_end_pa"]


def test_dynamic_sweep_with_c15_metrics(tmp_path):
    local = run_sweep(_spec(METRICS, tmp_path))
    for v in local.values:
        assert v["c15_band_lo_pa"] <= v["c15_effect_pa"] <= v["c15_band_hi_pa"]
    # quarterly and monthly decision dates are different games
    assert local.values[0] != local.values[1]


@pytest.mark.slow
def test_dynamic_sweep_local_equals_dask(tmp_path):
    distributed = pytest.importorskip("distributed")
    spec = _spec(METRICS, tmp_path)
    local = run_sweep(spec)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_sweep(spec, scheduler=client)
    assert remote.backend == "dask" and remote.values == local.values


def test_dynamic_sweep_file_and_unknown_metric(tmp_path):
    spec = load_sweep("configs/sweeps/dynamic.yaml")
    assert len(sweep_points(spec)) == 12 and "c15_effect_pa" in spec.metrics
    with pytest.raises(ConfigError, match="c15_effect_pa"):
        run_sweep(_spec(["no_such_metric"], tmp_path))
