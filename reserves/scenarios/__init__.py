"""Scenarios over time: daily Monte Carlo, volatility feedback, C17 mixtures, sweeps.

Public API::

    simulate_scenario(cfg, name=None, *, paths=None, seed=None, horizon_days=None,
                      progress=False) -> ScenarioRun
    simulate_all(cfg, *, paths=None, seed=None, horizon_days=None, progress=False,
                 c15=False) -> ScenarioSet
    c15_estimate(with_run, without_run) -> C15Estimate   (paired runs, no_sovereigns=True)
    mix_c15(estimates) -> C15Estimate                     (mixed by the C17 priors)
    run_sweep(spec, *, scheduler=None, progress=False) -> SweepResult
    tornado(spec, *, scheduler=None, progress=False) -> TornadoResult
"""

from __future__ import annotations

from reserves.scenarios.c15 import C15Estimate, c15_estimate, mix_c15
from reserves.scenarios.mixture import ScenarioSet, mix_quantiles, simulate_all
from reserves.scenarios.schema import ScenariosConfig
from reserves.scenarios.sensitivity import TornadoResult, tornado
from reserves.scenarios.simulate import ScenarioRun, simulate_scenario
from reserves.scenarios.sweep import SweepResult, SweepSpec, load_sweep, run_sweep

__all__ = [
    "C15Estimate",
    "ScenarioRun",
    "ScenarioSet",
    "ScenariosConfig",
    "SweepResult",
    "SweepSpec",
    "TornadoResult",
    "c15_estimate",
    "load_sweep",
    "mix_c15",
    "mix_quantiles",
    "run_sweep",
    "simulate_all",
    "simulate_scenario",
    "tornado",
]
