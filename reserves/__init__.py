"""reserves: sovereign bitcoin-reserve games, equilibrium demand and the price floor.

The public API is importable from here (lazily, so ``import reserves`` stays fast)::

    >>> import reserves
    >>> cfg = reserves.load_config("configs/baseline.yaml")      # doctest: +SKIP
    >>> result = reserves.solve(reserves.SovereignGame(cfg))       # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # configs
    "load_config": "reserves.config",
    "config_from_dict": "reserves.config",
    "config_from_yaml_text": "reserves.config",
    "ReservesConfig": "reserves.config",
    "default_config_path": "reserves.config",
    # errors
    "ReservesError": "reserves.errors",
    "ConfigError": "reserves.errors",
    "GameFormatError": "reserves.errors",
    "SolverError": "reserves.errors",
    # games and solvers
    "Game": "reserves.nash.normal_form",
    "SovereignGame": "reserves.sovereign.model",
    "read_nfg": "reserves.nash.nfg",
    "write_nfg": "reserves.nash.nfg",
    "solve": "reserves.nash.solve",
    "Equilibrium": "reserves.nash.result",
    "SolveResult": "reserves.nash.result",
    "max_regret": "reserves.nash.verify",
    "pure_solve": "reserves.nash.pure",
    "iterated_elimination": "reserves.nash.pure",
    "aggregative_solve": "reserves.sovereign.aggregative",
    "two_player_solve": "reserves.nash.two_player",
    "support_enumeration_solve": "reserves.nash.support_enumeration",
    "logit_solve": "reserves.nash.logit",
    "lemke_howson_solve": "reserves.nash.lemke_howson",
    "milp_solve": "reserves.nash.milp",
    "extreme_equilibria": "reserves.nash.vertex_enumeration",
    "regret_tolerance": "reserves.nash.verify",
    "check_equilibrium": "reserves.nash.verify",
    # symbolic analysis
    "analyze": "reserves.sovereign.symbolic",
    "dominance_thresholds": "reserves.sovereign.symbolic",
    "classify_2x2": "reserves.nash.taxonomy",
    "mixed_equilibrium_2x2": "reserves.nash.taxonomy",
    "parse_expression": "reserves.nash.expr",
    # correlated equilibria and dynamics
    "correlated_equilibrium": "reserves.nash.correlated",
    "replicator": "reserves.nash.dynamics",
    "best_response_dynamics": "reserves.nash.dynamics",
    "fictitious_play": "reserves.nash.dynamics",
    "basins": "reserves.nash.dynamics",
    "adoption_path": "reserves.sovereign.adoption",
    # demand
    "equilibrium_demand": "reserves.demand",
    "demand_schedule": "reserves.demand",
    "DemandSchedule": "reserves.demand",
    # market
    "MarketModel": "reserves.market",
    "calibrate": "reserves.market",
    "floor_curves": "reserves.market",
    "breaking_shock": "reserves.market",
    "least_commitment": "reserves.market",
    "floor_report": "reserves.market",
    # scenarios
    "simulate_all": "reserves.scenarios.mixture",
    "simulate_scenario": "reserves.scenarios.simulate",
    "run_sweep": "reserves.scenarios.sweep",
    "tornado": "reserves.scenarios.sensitivity",
    # the assessment: every headline number of a config, rendered by every surface
    "assess": "reserves.assessment",
    "Assessment": "reserves.assessment",
    # briefings
    "build_briefing": "reserves.briefing.assemble",
    "render_briefing": "reserves.briefing.render",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reserves' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["__version__", *_EXPORTS]
