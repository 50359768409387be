"""Scenarios over time: daily Monte Carlo, volatility feedback, C17 mixtures, sweeps.

Public API::

    simulate_scenario(cfg, name=None, *, paths=None, seed=None, horizon_days=None,
                      progress=False) -> ScenarioRun
    simulate_all(cfg, *, paths=None, seed=None, horizon_days=None, progress=False)
        -> ScenarioSet
    run_sweep(spec, *, scheduler=None, progress=False) -> SweepResult
    tornado(spec, *, scheduler=None, progress=False) -> TornadoResult
"""

from __future__ import annotations

from reserves.scenarios.mixture import ScenarioSet, mix_quantiles, simulate_all
from reserves.scenarios.schema import ScenariosConfig
from reserves.scenarios.sensitivity import TornadoResult, tornado
from reserves.scenarios.simulate import ScenarioRun, simulate_scenario
from reserves.scenarios.sweep import SweepResult, SweepSpec, load_sweep, run_sweep

__all__ = [
    "ScenarioRun",
    "ScenarioSet",
    "ScenariosConfig",
    "SweepResult",
    "SweepSpec",
    "TornadoResult",
    "load_sweep",
    "mix_quantiles",
    "run_sweep",
    "simulate_all",
    "simulate_scenario",
    "tornado",
]
