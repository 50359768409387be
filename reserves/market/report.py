"""The floor report: every answer of the market layer for one config, as plain data.

:func:`floor_report` runs the headline cascade under ``market_model.shock.shock_usd`` (with
the sovereigns' equilibrium demand placed as bids, see :func:`sovereign_bids_for`), the floor
curves and breaking shocks (C17's $50,000), the fragility ratio against leverage (C4), and the
least sovereign commitment that holds the level, against the configured shock and against a
stress shock (by default twice the outflow that breaks the level with no sovereign bids). The
CLI (``reserves floor``), the app and the briefings all read this one report.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["floor_report", "sovereign_bids_for"]


def sovereign_bids_for(cfg: Any, notes: list[str]) -> Any:
    """Sovereign bids from the demand layer, or ``None`` (with a note) if it is unavailable."""
    from reserves.market import bids_from_schedule

    section = cfg.market_model
    try:
        from reserves.demand import demand_schedule  # lazy: a separate layer
    except ImportError as exc:
        notes.append(
            f"note: sovereign demand unavailable ({exc}); floor computed without sovereign bids"
        )
        return None
    sb = section.sovereign_bids
    p0 = float(cfg.market.price_usd)
    prices = np.linspace(sb.min_price_ratio * p0, p0, sb.grid_points)
    schedule = demand_schedule(cfg, prices)
    return bids_from_schedule(schedule, p0, commitment_scale=sb.commitment_scale)


def floor_report(
    cfg: Any,
    shock_usd: float | None = None,
    *,
    hold_level_usd: float | None = None,
    stress_shock_usd: float | None = None,
    with_demand: bool = True,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Everything ``reserves floor`` prints, as a JSON-ready dict."""
    from reserves.market import (
        MarketModel,
        floor_curves,
        fragility_curve,
        least_commitment,
        market_section,
        no_bids,
    )

    notes = notes if notes is not None else []
    section = market_section(cfg)
    F = section.shock.shock_usd if shock_usd is None else float(shock_usd)
    bids = sovereign_bids_for(cfg, notes) if with_demand else None
    model = MarketModel.from_config(cfg, sovereign_bids=bids)
    res = model.cascade(F)
    level = float(section.shock.break_level_usd)
    curves = floor_curves(
        model,
        level_usd=level,
        max_shock_usd=section.shock.curve_max_usd,
        points=section.shock.curve_points,
    )
    frag = fragility_curve(cfg, F, sovereign_bids=bids)
    hold = hold_level_usd if hold_level_usd is not None else level
    bare = model.replace(sovereign_bids=no_bids(model.start_price_usd))
    commit = least_commitment(bare, hold, F)
    # the calibrated shock rarely breaks the level, so also ask what holds it against a stress
    # shock: by default twice the outflow that breaks the level with no sovereign bids
    stress = (
        float(stress_shock_usd)
        if stress_shock_usd is not None
        else 2.0 * float(curves.breaking_shock_without_usd)
    )
    stress_commit = (
        least_commitment(bare, hold, stress) if math.isfinite(stress) and stress > 0 else None
    )
    out = res.to_dict()
    out.update(
        {
            "config": cfg.name,
            "config_hash": cfg.content_hash(),
            "impact_kind": model.impact.kind,
            "panel_params": section.panel_params,
            "structural_params": (
                {k: v for k, v in model.sources.items() if isinstance(v, int | float)}
                if section.panel_params and str(section.panel_params).lower() != "none"
                else None
            ),
            "sovereign_bids_usd": model.sovereign_bids.total_usd,
            "curves": {
                "floor": curves.to_dict(),
                "fragility_vs_leverage": frag.to_dict(),
            },
            "breaking_shock_usd": {
                "level_usd": level,
                "without_sovereigns": curves.breaking_shock_without_usd,
                "with_sovereigns": curves.breaking_shock_with_usd,
            },
            "least_commitment": commit.to_dict(),
            "stress_shock_usd": stress,
            "least_commitment_stress": stress_commit.to_dict() if stress_commit else None,
            "notes": notes,
        }
    )
    return out
