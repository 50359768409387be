r"""The C17 scenario mixture: run every case, mix their distributions by the priors.

With scenario probabilities ``pi_k`` (C17: 0.72, 0.23, 0.05, the article's priors) the mixture
CDF of a series on day ``t`` is ``F(x) = sum_k pi_k F_k(x)``; each ``F_k`` is the piecewise
linear CDF through that scenario's stored quantiles (101 levels), and mixture quantiles are
``F^{-1}`` on the same levels. A probability such as C16's ``P(RV < 25%)`` mixes linearly:
``P = sum_k pi_k P_k``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reserves.scenarios.simulate import (
    LEVELS,
    SERIES,
    ProgressArg,
    ScenarioRun,
    scenarios_section,
    simulate_scenario,
)

__all__ = ["ScenarioSet", "mix_quantiles", "simulate_all"]


def mix_quantiles(
    weights: Sequence[float],
    quantiles: Sequence[NDArray[np.float64]],
    levels: NDArray[np.float64] = LEVELS,
) -> NDArray[np.float64]:
    """Quantiles of a mixture from its components' quantiles.

    Parameters
    ----------
    weights:
        Mixture weights ``pi_k`` (sum to 1).
    quantiles:
        One array ``(days, len(levels))`` per component, ascending along the last axis.

    Returns
    -------
    Array ``(days, len(levels))``: ``F^{-1}(levels)`` with ``F = sum_k pi_k F_k``.
    """
    w = np.asarray(weights, dtype=float)
    out = np.empty_like(quantiles[0])
    for d in range(out.shape[0]):
        xs = np.unique(np.concatenate([q[d] for q in quantiles]))
        F = np.zeros_like(xs)
        for wk, q in zip(w, quantiles, strict=True):
            qd = q[d]
            if qd[-1] <= qd[0]:
                F += wk * (xs >= qd[0])
            else:
                F += wk * np.interp(xs, qd, levels, left=0.0, right=1.0)
        F = np.maximum.accumulate(F)
        out[d] = np.interp(levels, F, xs)
    return out


@dataclass(frozen=True)
class ScenarioSet:
    """Every C17 scenario and their mixture.

    Attributes
    ----------
    runs:
        One :class:`ScenarioRun` per case, in config order.
    mixture_quantiles:
        Series -> ``(len(fan_days), len(LEVELS))`` quantiles of the mixture.
    mixture_checks:
        The C16 checks with ``probability = sum_k pi_k P_k``.
    meta:
        Config hash, seed, version, paths.
    c15, c15_mixture:
        :class:`~reserves.scenarios.c15.C15Estimate` per scenario and mixed by the priors
        (empty / None unless ``simulate_all(..., c15=True)``).
    """

    runs: tuple[ScenarioRun, ...]
    fan_days: NDArray[np.int64]
    mixture_quantiles: dict[str, NDArray[np.float64]]
    mixture_checks: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    c15: tuple[Any, ...] = ()
    c15_mixture: Any = None

    def modal_adoption(self) -> Any:
        """Adoption paths of the most probable scenario with a dynamic game (or None)."""
        runs = [r for r in self.runs if r.adoption is not None]
        if not runs:
            return None
        return max(runs, key=lambda r: r.probability).adoption

    def run(self, name: str) -> ScenarioRun:
        """The run of scenario ``name``."""
        for r in self.runs:
            if r.name == name:
                return r
        raise KeyError(name)

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        """JSON-ready: ``scenarios`` (name, probability, C16 answers, metrics) and ``mixture``."""
        scen = []
        for r in self.runs:
            d = r.to_dict(full=full)
            d["c16"] = [
                {
                    "date": c["date"],
                    "below_vol_pa": c["below_vol_pa"],
                    "probability": c["probability"],
                    "truncated": c["truncated"],
                }
                for c in r.checks
            ]
            for est in self.c15:
                if est.scenario == r.name:
                    d["c15"] = est.to_dict()
            scen.append(d)
        out: dict[str, Any] = {
            "scenarios": scen,
            "mixture": {"checks": self.mixture_checks},
            "meta": self.meta,
        }
        if self.c15_mixture is not None:
            out["c15"] = {
                **self.c15_mixture.to_dict(),
                "by_scenario": [e.to_dict() for e in self.c15],
            }
        modal = self.modal_adoption()
        if modal is not None:
            out["adoption"] = modal.to_dict()
        if full:
            out["mixture"]["quantiles"] = {k: v.tolist() for k, v in self.mixture_quantiles.items()}
            out["fan_days"] = self.fan_days.tolist()
            out["levels"] = LEVELS.tolist()
        return out

    def to_frame(self) -> Any:
        """Long table of fan quantiles for every scenario and the mixture."""
        import pandas as pd

        frames = [r.to_frame() for r in self.runs]
        for series, q in self.mixture_quantiles.items():
            for lvl in (0.05, 0.25, 0.5, 0.75, 0.95):
                j = int(np.argmin(np.abs(LEVELS - lvl)))
                frames.append(
                    pd.DataFrame(
                        {
                            "scenario": "mixture",
                            "day": self.fan_days,
                            "series": series,
                            "level": lvl,
                            "value": q[:, j],
                        }
                    )
                )
        return pd.concat(frames, ignore_index=True)

    def checks_frame(self) -> Any:
        """The C16 answers: one row per scenario (and the mixture) and check."""
        import pandas as pd

        rows = []
        for r in self.runs:
            for c in r.checks:
                rows.append({"scenario": r.name, "probability_scenario": r.probability, **c})
        for c in self.mixture_checks:
            rows.append({"scenario": "mixture", "probability_scenario": 1.0, **c})
        return pd.DataFrame(rows)


def combine(runs: Sequence[ScenarioRun], meta: dict[str, Any] | None = None) -> ScenarioSet:
    """Mix already simulated runs by their probabilities."""
    w = [r.probability for r in runs]
    fan_days = runs[0].fan_days
    mq = {k: mix_quantiles(w, [r.quantiles[k] for r in runs]) for k in SERIES}
    checks = []
    for i, c in enumerate(runs[0].checks):
        checks.append(
            {
                **{k: c[k] for k in ("label", "date", "day", "below_vol_pa", "truncated")},
                "probability": float(sum(r.probability * r.checks[i]["probability"] for r in runs)),
            }
        )
    return ScenarioSet(tuple(runs), fan_days, mq, checks, dict(meta or {}))


def simulate_all(
    cfg: Any,
    *,
    paths: int | None = None,
    seed: int | None = None,
    horizon_days: int | None = None,
    progress: ProgressArg = False,
    c15: bool = False,
) -> ScenarioSet:
    """Simulate every case of the config's ``scenarios`` section and their mixture.

    Each scenario gets ``paths`` paths and its own random stream
    ``SeedSequence([seed, case_index])``, so a scenario's result does not depend on which
    other scenarios are run. With ``c15`` every scenario is simulated a second time without
    sovereign entry on the same stream and the paired C15 estimates are attached
    (:mod:`reserves.scenarios.c15`).
    """
    from reserves import __version__

    sec = scenarios_section(cfg)
    runs = [
        simulate_scenario(
            cfg, c.name, paths=paths, seed=seed, horizon_days=horizon_days, progress=progress
        )
        for c in sec.cases
    ]
    meta = {
        "config_hash": cfg.content_hash(),
        "config_name": cfg.name,
        "seed": runs[0].meta["seed"],
        "version": __version__,
        "paths": runs[0].meta["paths"],
        "horizon_days": runs[0].meta["horizon_days"],
        "start_date": sec.start_date.isoformat(),
        "day_convention": runs[0].meta["day_convention"],
    }
    out = combine(runs, meta)
    if not c15:
        return out
    from dataclasses import replace

    from reserves.scenarios.c15 import c15_estimate, mix_c15

    ests = tuple(
        c15_estimate(
            r,
            simulate_scenario(
                cfg,
                r.name,
                paths=paths,
                seed=seed,
                horizon_days=horizon_days,
                progress=progress,
                no_sovereigns=True,
            ),
        )
        for r in runs
    )
    return replace(out, c15=ests, c15_mixture=mix_c15(ests))
