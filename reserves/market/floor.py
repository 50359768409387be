"""Floor outputs: trough curves, the shock that breaks a level, least sovereign commitment,
and the fragility ratio as a function of leverage (MODEL.md section 5, claims C4, C17, C18).

All results rest on the resistance ``R(x) = Q(x) - Lq(x) + D(x) + B(x)`` of
:mod:`reserves.market.cascade` and its running maximum ``M(x)``: the trough of a shock ``F``
stays at or above the level ``p_L = P0 (1 - x_L)`` iff ``M(x_L) >= F``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reserves.errors import ReservesError, SolverError
from reserves.market.absorption import BidCurve, no_bids
from reserves.market.cascade import as_shock_array
from reserves.market.model import MarketModel, market_section

__all__ = [
    "CommitmentResult",
    "FloorCurves",
    "FragilityCurve",
    "breaking_shock",
    "floor_curves",
    "fragility_curve",
    "least_commitment",
]


def _level_drop(model: MarketModel, level_usd: float) -> float:
    level = float(as_shock_array(level_usd, "level_usd"))
    p0 = model.start_price_usd
    if not 0 < level < p0:
        raise ReservesError(
            f"level ${level:,.0f} must be between 0 and the start price ${p0:,.0f}",
            field="level_usd",
            fix="pick a level below P0",
        )
    x = 1.0 - level / p0
    if x > model.impact.max_drop:
        raise ReservesError(
            f"level ${level:,.0f} is deeper than the resolved max drop {model.impact.max_drop:.0%}",
            field="level_usd",
            fix="raise impact.max_drop or pick a higher level",
        )
    return x


def _resistance_at(
    model: MarketModel,
    x: float,
    *,
    with_sovereigns: bool,
    impact_scale: float = 1.0,
    oi_scale: float = 1.0,
) -> tuple[float, float]:
    """``(R(x), M(x))`` on the model's grid plus the point ``x`` itself."""
    grid, L, D, B = model.grid_arrays()
    c = model.impact.coef / impact_scale**model.impact.power
    g = np.union1d(grid[grid <= x], [x])
    R = (
        c * g**model.impact.power
        - oi_scale * np.interp(g, grid, L)
        + np.interp(g, grid, B)
        + (np.interp(g, grid, D) if with_sovereigns else 0.0)
    )
    return float(R[-1]), float(R.max())


def breaking_shock(
    model: MarketModel, level_usd: float = 50_000.0, *, with_sovereigns: bool | None = None
) -> float:
    """Smallest outflow that takes the trough below ``level_usd``: ``M(x_L) = max_{x<=x_L} R``.

    Any shock above it breaks the level, none at or below it does (C17: "below $50,000").
    """
    use = model.include_sovereigns if with_sovereigns is None else with_sovereigns
    return _resistance_at(model, _level_drop(model, level_usd), with_sovereigns=use)[1]


@dataclass(frozen=True)
class FloorCurves:
    """Trough against shock size, with and without sovereign bids, and the breaking shocks."""

    shock_usd: NDArray[np.float64]
    trough_without_usd: NDArray[np.float64]
    trough_with_usd: NDArray[np.float64]
    liquidations_without_usd: NDArray[np.float64]
    liquidations_with_usd: NDArray[np.float64]
    level_usd: float
    breaking_shock_without_usd: float
    breaking_shock_with_usd: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "shock_usd": self.shock_usd.tolist(),
            "trough_without_sovereigns_usd": self.trough_without_usd.tolist(),
            "trough_with_sovereigns_usd": self.trough_with_usd.tolist(),
            "liquidations_without_sovereigns_usd": self.liquidations_without_usd.tolist(),
            "liquidations_with_sovereigns_usd": self.liquidations_with_usd.tolist(),
            "level_usd": self.level_usd,
            "breaking_shock_without_sovereigns_usd": self.breaking_shock_without_usd,
            "breaking_shock_with_sovereigns_usd": self.breaking_shock_with_usd,
        }

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(
            {
                "shock_usd": self.shock_usd,
                "trough_without_sovereigns_usd": self.trough_without_usd,
                "trough_with_sovereigns_usd": self.trough_with_usd,
                "liquidations_without_sovereigns_usd": self.liquidations_without_usd,
                "liquidations_with_sovereigns_usd": self.liquidations_with_usd,
            }
        )


def floor_curves(
    model: MarketModel,
    shocks_usd: ArrayLike | None = None,
    *,
    level_usd: float = 50_000.0,
    max_shock_usd: float = 2.0e10,
    points: int = 200,
) -> FloorCurves:
    """``p*(F)`` with and without sovereign demand over a range of shocks (vectorized)."""
    F = (
        np.linspace(0.0, max_shock_usd, int(points))
        if shocks_usd is None
        else as_shock_array(shocks_usd).ravel()
    )
    without = model.troughs(F, with_sovereigns=False)
    with_ = model.troughs(F, with_sovereigns=True)
    return FloorCurves(
        F,
        without.trough_usd,
        with_.trough_usd,
        without.liquidations_usd,
        with_.liquidations_usd,
        float(level_usd),
        breaking_shock(model, level_usd, with_sovereigns=False),
        breaking_shock(model, level_usd, with_sovereigns=True),
    )


@dataclass(frozen=True)
class CommitmentResult:
    """Least sovereign commitment (USD) that holds ``level_usd`` against ``shock_usd``.

    Attributes
    ----------
    commitment_usd:
        ``C*``; the bids are ``C* b(p)`` with ``b`` the unit shape.
    binding:
        The scenarios whose constraint binds at the optimum.
    troughs_usd:
        Verification: the trough of each scenario with the committed bids (all >= level).
    status:
        The solver's status (always ``optimal`` here; otherwise SolverError is raised).
    """

    level_usd: float
    shock_usd: float
    commitment_usd: float
    shape: str
    status: str
    solver: str
    troughs_usd: list[float]
    binding: list[int]
    scenarios: list[dict[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def least_commitment(
    model: MarketModel,
    level_usd: float,
    shock_usd: float,
    *,
    shape: BidCurve | None = None,
    scenarios: Sequence[dict[str, float]] | None = None,
    solver: str = "CLARABEL",
) -> CommitmentResult:
    r"""Least sovereign commitment ``C`` (USD) that holds a level, as a linear program (cvxpy).

    The sovereigns commit ``C`` USD with a unit bid shape ``b(p)`` (cumulative share of ``C``
    filled once the price falls to ``p``; default: a bid wall at the level, ``b = 1`` for
    ``p <= p_L``, or the normalized sovereign schedule). For each scenario ``s`` (impact scale
    ``k_s``, open-interest scale ``s_s``, shock ``F_s``; default: the model as is, shock
    ``shock_usd``) the level holds if the market absorbs the flow there:

        minimize    C
        subject to  C >= 0
                    Q_s(x_L) - s_s Lq(x_L) + B(x_L) + C b(x_L) >= F_s   for every s,

    i.e. ``R_s(x_L) >= F_s``: the level is a stopping point, so the trough is at or above it.
    Scenarios whose trough already holds without sovereigns (``M_s(x_L) >= F_s``) impose no
    constraint. For a wall at the level this is exact (the least ``C``); for other shapes it
    is the least ``C`` that stops the fall *at* the level (stopping higher may need less). The
    result is verified by running the cascade of every scenario.

    Raises
    ------
    SolverError
        If the program is not solved to optimality (e.g. infeasible because the shape places
        no bids at or above the level).
    """
    import cvxpy as cp

    x_l = _level_drop(model, level_usd)
    F = float(as_shock_array(shock_usd))
    p0 = model.start_price_usd
    p_l = p0 * (1.0 - x_l)
    if shape is None:
        if model.sovereign_bids.total_usd > 0:
            shape = model.sovereign_bids.with_total(1.0)
            shape_name = "sovereign schedule (normalized)"
        else:
            shape = BidCurve(
                np.array([p_l, p_l * (1 + 1e-9), p0]), np.array([1.0, 0.0, 0.0]), "wall"
            )
            shape_name = "bid wall at the level"
    else:
        shape_name = shape.label
    b_l = float(shape.filled_usd(p_l))
    scen = (
        list(scenarios) if scenarios else [{"impact_scale": 1.0, "oi_scale": 1.0, "shock_usd": F}]
    )
    base = model.replace(sovereign_bids=no_bids(p0, "sovereigns"))
    r_s, f_s, holds = [], [], []
    for s in scen:
        r, m = _resistance_at(
            base,
            x_l,
            with_sovereigns=False,
            impact_scale=float(s.get("impact_scale", 1.0)),
            oi_scale=float(s.get("oi_scale", 1.0)),
        )
        f = float(s.get("shock_usd", F))
        r_s.append(r)
        f_s.append(f)
        holds.append(m >= f)
    active = ~np.array(holds)
    C = cp.Variable(nonneg=True, name="commitment_usd")
    scale = 1e9  # solve in $bn for conditioning
    cons = [C >= 0]
    if active.any():
        cons.append(np.array(r_s)[active] / scale + C * b_l >= np.array(f_s)[active] / scale)
    prob = cp.Problem(cp.Minimize(C), cons)
    try:
        prob.solve(solver=solver)
    except cp.error.SolverError as exc:
        raise SolverError(
            f"{solver} failed on the least-commitment program: {exc}",
            field="least_commitment",
            fix="try solver='HIGHS'",
        ) from None
    if prob.status != cp.OPTIMAL:
        raise SolverError(
            f"least-commitment program is {prob.status}"
            + (" (the bid shape places no bids at or above the level)" if b_l <= 0 else ""),
            field="least_commitment",
            fix="use a bid shape that fills at the level, or a higher level",
        )
    c_usd = max(float(C.value), 0.0) * scale if active.any() else 0.0
    if active.any() and b_l > 0:
        # the program has one variable: its exact optimum is the largest ratio; the solver's
        # answer (tolerance ~1e-8 in $bn) is lifted to it so the verification never falls short
        exact = float(np.max((np.array(f_s)[active] - np.array(r_s)[active]) / b_l))
        c_usd = max(c_usd, exact, 0.0)
    slack = np.array(r_s) + c_usd * b_l - np.array(f_s)
    binding = [
        i for i, v in enumerate(slack) if active[i] and abs(v) <= 1e-6 * max(1.0, abs(f_s[i]))
    ]
    committed = model.replace(sovereign_bids=shape.scaled(c_usd * (1 + 1e-9)))
    troughs = []
    for s, f in zip(scen, f_s, strict=True):
        k = committed.kernel(
            f,
            with_sovereigns=True,
            impact_scale=float(s.get("impact_scale", 1.0)),
            oi_scale=float(s.get("oi_scale", 1.0)),
        )
        troughs.append(float(k.trough_usd))
    return CommitmentResult(
        float(level_usd),
        F,
        c_usd,
        shape_name,
        str(prob.status),
        solver,
        troughs,
        binding,
        [dict(s) for s in scen],
    )


@dataclass(frozen=True)
class FragilityCurve:
    """Fragility ratio ``Liq(p*) / F`` against a multiplier of every tier's leverage."""

    leverage_scale: NDArray[np.float64]
    mean_leverage: NDArray[np.float64]
    fragility_ratio: NDArray[np.float64]
    trough_usd: NDArray[np.float64]
    shock_usd: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "leverage_scale": self.leverage_scale.tolist(),
            "mean_leverage": self.mean_leverage.tolist(),
            "fragility_ratio": self.fragility_ratio.tolist(),
            "trough_usd": self.trough_usd.tolist(),
            "shock_usd": self.shock_usd,
        }

    def to_frame(self) -> Any:
        import pandas as pd

        d = self.to_dict()
        d.pop("shock_usd")
        return pd.DataFrame(d)


def fragility_curve(
    cfg: Any,
    shock_usd: float,
    leverage_scales: ArrayLike = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0),
    *,
    with_sovereigns: bool = False,
    sovereign_bids: BidCurve | None = None,
) -> FragilityCurve:
    """Fragility ratio (C4) as every tier's leverage is multiplied by ``leverage_scales``.

    Open interest is held fixed; higher leverage moves each liquidation price closer to its
    entry (capped just below ``1/mm``), so the ladder holds more volume at every price.
    """
    section = market_section(cfg)
    F = float(as_shock_array(shock_usd))
    scales = np.asarray(leverage_scales, dtype=float)
    if np.any(~np.isfinite(scales)) or np.any(scales <= 0):
        raise ReservesError("leverage scales must be > 0", field="leverage_scales")
    frag, trough, mean_lev = [], [], []
    for k in scales:
        m = MarketModel.from_section(
            section,
            cfg.market.price_usd,
            cfg.market.vol_pa,
            sovereign_bids=sovereign_bids,
            leverage_scale=float(k),
        )
        r = m.troughs(F, with_sovereigns=with_sovereigns)
        frag.append(float(r.fragility_ratio.reshape(-1)[0]))
        trough.append(float(r.trough_usd.reshape(-1)[0]))
        w = np.asarray(m.ladder.params["weights"])
        mean_lev.append(float(np.sum(w * np.asarray(m.ladder.params["leverage"]))))
    return FragilityCurve(scales, np.array(mean_lev), np.array(frag), np.array(trough), F)
