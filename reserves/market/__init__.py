"""The market model: impact, leverage ladder, absorption, cascade, floor and calibration.

Issue 12: the structural crash model (:mod:`reserves.market.structural`) with parameters fitted
on the crash panel (:mod:`reserves.market.events`, :mod:`reserves.market.panel`); every
``MarketModel.from_config`` uses them by default (``market_model.panel_params``).

MODEL.md section 5. The cascade's trough is the first fixed point below ``P0`` of
``p = P0 (1 - I(F + Lq(p) - D(p) - B(p)))``; see :mod:`reserves.market.cascade`.

>>> from reserves.config import load_config                     # doctest: +SKIP
>>> from reserves.market import MarketModel                     # doctest: +SKIP
>>> cfg = load_config("configs/events/2025-11-21.yaml")         # doctest: +SKIP
>>> MarketModel.from_config(cfg).cascade(2e8).trough_usd        # doctest: +SKIP
81600.6...
"""

from __future__ import annotations

from reserves.market.absorption import (
    BidCurve,
    bids_from_schedule,
    dip_buyer_bids,
    no_bids,
    uniform_bid_wall,
)
from reserves.market.calibrate import DEFAULT_BOUNDS, CalibrationResult, apply_parameters, calibrate
from reserves.market.cascade import (
    CascadeRound,
    KernelResult,
    as_shock_array,
    build_drop_grid,
    cascade_kernel,
    cascade_rounds,
)
from reserves.market.events import CrashEvent, load_event, load_panel
from reserves.market.floor import (
    CommitmentResult,
    FloorCurves,
    FragilityCurve,
    breaking_shock,
    floor_curves,
    fragility_curve,
    least_commitment,
)
from reserves.market.impact import LinearImpact, SqrtImpact, impact_from_config
from reserves.market.leverage import (
    LeverageLadder,
    build_ladder,
    crash_short_fraction,
    entry_cdf,
    ladder_from_config,
)
from reserves.market.model import CascadeBatch, CascadeResult, MarketModel, market_section
from reserves.market.panel import (
    BacktestResult,
    EventPrediction,
    LooTable,
    PanelFit,
    backtest,
    fit_panel,
    leave_one_out,
    load_params,
    predict_event,
    save_params,
)
from reserves.market.report import floor_report, sovereign_bids_for
from reserves.market.schema import MarketModelConfig
from reserves.market.structural import (
    MarketState,
    StructuralParams,
    event_ladder,
    implied_shock,
    implied_shock_range,
    market_model_from_params,
    timed_cascade,
)

__all__ = [
    "DEFAULT_BOUNDS",
    "BacktestResult",
    "BidCurve",
    "CalibrationResult",
    "CascadeBatch",
    "CascadeResult",
    "CascadeRound",
    "CommitmentResult",
    "CrashEvent",
    "EventPrediction",
    "FloorCurves",
    "FragilityCurve",
    "KernelResult",
    "LeverageLadder",
    "LinearImpact",
    "LooTable",
    "MarketModel",
    "MarketModelConfig",
    "MarketState",
    "PanelFit",
    "SqrtImpact",
    "StructuralParams",
    "apply_parameters",
    "as_shock_array",
    "backtest",
    "bids_from_schedule",
    "breaking_shock",
    "build_drop_grid",
    "build_ladder",
    "calibrate",
    "cascade_kernel",
    "cascade_rounds",
    "crash_short_fraction",
    "dip_buyer_bids",
    "entry_cdf",
    "event_ladder",
    "fit_panel",
    "floor_curves",
    "floor_report",
    "fragility_curve",
    "impact_from_config",
    "implied_shock",
    "implied_shock_range",
    "ladder_from_config",
    "least_commitment",
    "leave_one_out",
    "load_event",
    "load_panel",
    "load_params",
    "market_model_from_params",
    "market_section",
    "no_bids",
    "predict_event",
    "save_params",
    "sovereign_bids_for",
    "timed_cascade",
    "uniform_bid_wall",
]
