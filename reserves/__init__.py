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
    "Game": "reserves.game.normal_form",
    "SovereignGame": "reserves.game.model",
    "read_nfg": "reserves.game.nfg",
    "write_nfg": "reserves.game.nfg",
    "solve": "reserves.game.solve",
    "Equilibrium": "reserves.game.result",
    "SolveResult": "reserves.game.result",
    "max_regret": "reserves.game.verify",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reserves' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["__version__", *_EXPORTS]
