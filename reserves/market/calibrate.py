"""Calibration: fit the free market parameters to one reading of the 21 Nov 2025 crash.

For a reading (shock ``F``, trough, liquidations, long share, open interest) the free
parameters ``theta`` (within plausible bounds) minimize the sum of squared *scaled* residuals

    r_1 = (p*(theta) / trough - 1) / 0.02            (C1: trough within 2%)
    r_2 = (Liq(theta) / liquidations - 1) / 0.25      (C2: liquidations within 25%)
    r_3 = (long_share(theta) - target) / 0.075        (C2: long share, half the 80-95% band)

by :func:`scipy.optimize.least_squares` (trust-region reflective, bounds enforced, several
starts). Residuals below 1 in absolute value meet the tolerance of the claim. The fragility
ratio ``Liq / F`` (C4) follows from the liquidations. Parameters fitted at a bound are
flagged: the bounds are the plausible ranges, so a fit pinned to one says the model needs an
implausible value there.

Free parameters (``calibration.free``) and default plausible bounds:

- ``impact``: linear ``depth_usd_per_pct`` in $100M-$400M (MODEL.md section 5: about
  $14-20M within 1% per major venue, a few hundred million summed; -3.4% per $1B of ETF
  outflow is $294M), or the square-root ``Y`` in 0.3-1.5 (of order 0.5-1 in most markets).
- ``leveraged_share``: share of open interest margined at the tiers, 0.05-1.
- ``entry_dispersion``: sd of log entry price of longs, 0.03-0.30.
- ``crash_short_ratio``: USD of momentum shorts opened near the trough per USD of longs
  liquidated, 0-3.
- ``maintenance_margin``: 0.004-0.02 (exchange tiers, 0.4% to 2%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import least_squares

from reserves.errors import ConfigError, SolverError
from reserves.market.model import MarketModel, market_section

__all__ = ["DEFAULT_BOUNDS", "CalibrationResult", "apply_parameters", "calibrate"]

#: plausible ranges (see the module docstring for sources)
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "depth_usd_per_pct": (1.0e8, 4.0e8),
    "y_coef": (0.3, 1.5),
    "leveraged_share": (0.05, 1.0),
    "entry_dispersion": (0.03, 0.30),
    "crash_short_ratio": (0.0, 3.0),
    "maintenance_margin": (0.004, 0.02),
}

TOLERANCES = {"trough": 0.02, "liquidations": 0.25, "long_share": 0.075}


def _param_names(free: list[str], impact_kind: str) -> list[str]:
    names = []
    for f in free:
        if f == "impact":
            names.append("depth_usd_per_pct" if impact_kind == "linear" else "y_coef")
        else:
            names.append(f)
    return names


def apply_parameters(
    section: Any, params: dict[str, float], *, reading: Any = None, impact_kind: str | None = None
) -> Any:
    """A copy of a ``MarketModelConfig`` with fitted parameters (and a reading's state) set.

    The copy is validated again, so a parameter outside the schema raises ``ConfigError``.
    """
    from pydantic import ValidationError

    from reserves.market.schema import MarketModelConfig

    data = section.model_dump(mode="python")
    data["panel_params"] = "none"  # the single-event fit varies the section's own parameters
    if impact_kind is not None:
        data["impact"]["kind"] = impact_kind
    for key, value in params.items():
        if key in ("depth_usd_per_pct", "y_coef"):
            data["impact"][key] = float(value)
        elif key == "entry_dispersion":
            data["ladder"]["long_entry"]["dispersion"] = float(value)
        else:
            data["ladder"][key] = float(value)
    if reading is not None:
        data["ladder"]["long_oi_usd"] = reading.long_oi_usd
        data["ladder"]["short_oi_usd"] = reading.short_oi_usd
        data["shock"]["shock_usd"] = reading.shock_usd
    try:
        return MarketModelConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            f"fitted parameters are not valid: {exc.errors()[0]['msg']}", field="market_model"
        ) from None


@dataclass(frozen=True)
class CalibrationResult:
    """A least-squares fit of one reading.

    Attributes
    ----------
    reading:
        Name of the reading (``article``, ``sourced``, ...).
    impact_kind:
        ``sqrt`` or ``linear``.
    params:
        Fitted values; ``bounds`` the plausible ranges; ``at_bound`` those pinned to one.
    targets, fitted:
        ``trough_usd``, ``liquidations_usd``, ``long_share``, ``fragility_ratio``.
    residuals:
        Scaled residuals (|r| <= 1 meets the claim's tolerance).
    ok:
        Every residual within tolerance and no parameter at a bound.
    """

    reading: str
    impact_kind: str
    shock_usd: float
    params: dict[str, float]
    bounds: dict[str, tuple[float, float]]
    at_bound: list[str]
    targets: dict[str, float]
    fitted: dict[str, float]
    residuals: dict[str, float]
    cost: float
    ok: bool
    message: str
    sources: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reading": self.reading,
            "impact_kind": self.impact_kind,
            "shock_usd": self.shock_usd,
            "params": self.params,
            "bounds": {k: list(v) for k, v in self.bounds.items()},
            "at_bound": self.at_bound,
            "targets": self.targets,
            "fitted": self.fitted,
            "residuals": self.residuals,
            "cost": self.cost,
            "ok": self.ok,
            "message": self.message,
            "sources": self.sources,
        }

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(
            {"target": self.targets, "fitted": self.fitted, "residual": self.residuals}
        )


def _evaluate(section: Any, price_usd: float, vol_pa: float, shock_usd: float) -> dict[str, float]:
    model = MarketModel.from_section(section, price_usd, vol_pa)
    res = model.troughs(shock_usd, with_sovereigns=False)
    longs = float(res.long_liquidated_usd.reshape(-1)[0])
    liq = float(res.liquidations_usd.reshape(-1)[0])
    return {
        "trough_usd": float(res.trough_usd.reshape(-1)[0]),
        "liquidations_usd": liq,
        "long_share": longs / liq if liq > 0 else 1.0,
        "fragility_ratio": liq / shock_usd,
    }


def calibrate(
    cfg: Any,
    reading: str | None = None,
    *,
    impact_kind: str | None = None,
    free: list[str] | None = None,
    bounds: dict[str, tuple[float, float]] | None = None,
    starts: int = 4,
    seed: int = 0,
) -> CalibrationResult:
    """Fit the free parameters of ``cfg.market_model`` to one reading by least squares.

    Parameters
    ----------
    cfg:
        A config with ``market_model.calibration.readings``.
    reading:
        Name of the reading (default: the first).
    impact_kind:
        ``sqrt`` or ``linear`` (default: the config's).
    free, bounds:
        Override the config's free parameters and plausible bounds.
    starts:
        Number of starting points (the first is the config's values, the rest random in the
        bounds, seeded).

    Raises
    ------
    ConfigError
        No calibration section, unknown reading or parameter.
    SolverError
        The optimizer failed to return a finite answer.
    """
    section = market_section(cfg)
    cal = section.calibration
    if cal is None or not cal.readings:
        raise ConfigError(
            "market_model.calibration has no readings",
            field="market_model.calibration.readings",
            fix="see configs/events/2025-11-21.yaml",
        )
    names = [r.name for r in cal.readings]
    rd = (
        cal.readings[0]
        if reading is None
        else next((r for r in cal.readings if r.name == reading), None)
    )
    if rd is None:
        raise ConfigError(
            f"unknown reading {reading!r}; the config has {names}",
            field="market_model.calibration.readings",
        )
    kind = impact_kind or section.impact.kind
    if kind not in ("sqrt", "linear"):
        raise ConfigError(f"impact kind must be sqrt or linear, got {kind!r}", field="impact.kind")
    pnames = _param_names(list(free or cal.free), kind)
    bnds = dict(DEFAULT_BOUNDS)
    bnds.update(cal.bounds)
    bnds.update(bounds or {})
    unknown = [n for n in pnames if n not in bnds]
    if unknown:
        raise ConfigError(f"no bounds for {unknown}", field="market_model.calibration.bounds")
    lo = np.array([bnds[n][0] for n in pnames], dtype=float)
    hi = np.array([bnds[n][1] for n in pnames], dtype=float)
    logs = np.array([n in ("depth_usd_per_pct", "y_coef") for n in pnames])
    price, vol = float(cfg.market.price_usd), float(cfg.market.vol_pa)
    base = apply_parameters(section, {}, reading=rd, impact_kind=kind)

    def to_params(z: np.ndarray) -> dict[str, float]:
        v = np.where(logs, np.exp(z), z)
        return {n: float(x) for n, x in zip(pnames, v, strict=True)}

    def residuals(z: np.ndarray) -> np.ndarray:
        sec = apply_parameters(base, to_params(z))
        out = _evaluate(sec, price, vol, rd.shock_usd)
        return np.array(
            [
                (out["trough_usd"] / rd.trough_usd - 1.0) / TOLERANCES["trough"],
                (out["liquidations_usd"] / rd.liquidations_usd - 1.0) / TOLERANCES["liquidations"],
                (out["long_share"] - rd.long_share) / TOLERANCES["long_share"],
            ]
        )

    zlo = np.where(logs, np.log(np.where(logs, lo, 1.0)), lo)
    zhi = np.where(logs, np.log(np.where(logs, hi, 1.0)), hi)
    current = {
        "depth_usd_per_pct": base.impact.depth_usd_per_pct,
        "y_coef": base.impact.y_coef,
        "leveraged_share": base.ladder.leveraged_share,
        "entry_dispersion": base.ladder.long_entry.dispersion,
        "crash_short_ratio": base.ladder.crash_short_ratio,
        "maintenance_margin": base.ladder.maintenance_margin,
    }
    z0 = np.array([current[n] for n in pnames], dtype=float)
    z0 = np.clip(np.where(logs, np.log(z0), z0), zlo, zhi)
    rng = np.random.default_rng(seed)
    candidates = [z0] + [zlo + rng.random(len(pnames)) * (zhi - zlo) for _ in range(starts - 1)]
    best = None
    for zs in candidates:
        zs = np.clip(zs, zlo + 1e-9 * (zhi - zlo), zhi - 1e-9 * (zhi - zlo))
        fit = least_squares(
            residuals,
            zs,
            bounds=(zlo, zhi),
            method="trf",
            diff_step=1e-3,
            x_scale="jac",
            max_nfev=400,
        )
        if best is None or fit.cost < best.cost:
            best = fit
    if best is None or not np.all(np.isfinite(best.x)) or not math.isfinite(best.cost):
        raise SolverError(
            "calibration did not return a finite fit",
            field="market_model",
            fix="check the reading's targets and the bounds",
        )
    params = to_params(best.x)
    rel = (best.x - zlo) / (zhi - zlo)
    at_bound = [n for n, r in zip(pnames, rel, strict=True) if r < 1e-3 or r > 1 - 1e-3]
    sec = apply_parameters(base, params)
    fitted = _evaluate(sec, price, vol, rd.shock_usd)
    res = residuals(best.x)
    resid = dict(zip(("trough", "liquidations", "long_share"), map(float, res), strict=True))
    within = bool(np.all(np.abs(res) <= 1.0 + 1e-9))
    ok = within and not at_bound
    msg = (
        "fit within tolerance, parameters inside plausible bounds"
        if ok
        else (
            ("residuals within tolerance" if within else "residuals outside tolerance")
            + (f"; pinned at a plausibility bound: {at_bound}" if at_bound else "")
        )
    )
    return CalibrationResult(
        reading=rd.name,
        impact_kind=kind,
        shock_usd=rd.shock_usd,
        params=params,
        bounds={n: (float(bnds[n][0]), float(bnds[n][1])) for n in pnames},
        at_bound=at_bound,
        targets={
            "trough_usd": rd.trough_usd,
            "liquidations_usd": rd.liquidations_usd,
            "long_share": rd.long_share,
            "fragility_ratio": rd.liquidations_usd / rd.shock_usd,
        },
        fitted=fitted,
        residuals=resid,
        cost=float(best.cost),
        ok=ok,
        message=msg,
        sources=dict(rd.sources),
    )
