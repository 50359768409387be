r"""C15 as an output: the effect of sovereign entry on volatility, with confidence bands.

C15 (the article's loop: volatility -> liquidations -> leverage destroyed -> sovereign entry ->
floor -> lower volatility) is tested by paired simulation. Each scenario is simulated twice on
the same random stream (common random numbers): once as configured, with the sovereigns of the
dynamic game (:mod:`reserves.sovereign.dynamic`) and their resting bids, and once without
sovereign entry (``no_sovereigns=True``: no adoption flow, no resting schedule bids; the bids
already in the market stay). Path ``j`` gives the paired difference

.. math::

    d_j = \overline{RV}^{\,with}_j - \overline{RV}^{\,without}_j,

with ``\overline{RV}`` the mean 30-day realized volatility over the last 365 days of the
horizon. The estimate is ``\bar d`` with the 95% band ``\bar d \pm 1.96\, s_d / \sqrt{N}``
(paths are i.i.d.; pairing removes the common noise). Per percentage point of supply held by
sovereigns, ``\beta = \bar d / \bar e`` with ``e_j`` the paired difference of the end-of-horizon
sovereign share (in points); its band is the delta method,
``se(\beta) = s(d - \beta e) / (\sqrt{N} |\bar e|)``. A positive effect means sovereign entry
*raises* volatility (the Gabaix-Koijen channel: inelastic holders remove float); C15 claims a
negative one. For the C17 mixture the effects are mixed by the scenario priors,
``sum_k pi_k d_k`` with ``se = sqrt(sum_k pi_k^2 se_k^2)`` (independent scenario streams).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["C15Estimate", "c15_estimate", "mix_c15"]

Z95 = 1.959963984540054


def _band(mean: float, se: float) -> tuple[float, float]:
    return (mean - Z95 * se, mean + Z95 * se)


def _sign(lo: float, hi: float) -> str:
    if lo > 0:
        return "raises"
    if hi < 0:
        return "lowers"
    return "not distinguishable from zero"


@dataclass(frozen=True)
class C15Estimate:
    """Paired estimate of the effect of sovereign entry on volatility (one scenario or a mix).

    Attributes
    ----------
    scenario, probability:
        The C17 case (or ``"mixture"``) and its prior.
    effect_pa, band_pa:
        Mean paired difference of the last year's mean 30-day RV (annualized, e.g. 0.02 = two
        vol points) and its 95% band.
    vol_with_pa, vol_without_pa:
        The two arms' means.
    share_with, share_without:
        Mean sovereign share of supply at the end of the horizon in each arm.
    per_pp, band_per_pp:
        Effect per percentage point of supply held by sovereigns, with its delta-method band.
    end_effect_pa, end_band_pa:
        The same paired difference on the horizon's last day's 30-day RV.
    checks:
        Per C16 check: ``date``, ``below_vol_pa``, ``p_with``, ``p_without``, ``diff`` and its
        band ``diff_band`` (paired difference of indicators).
    sign:
        ``"raises"``, ``"lowers"`` or ``"not distinguishable from zero"`` (from ``band_pa``).
    paths:
        Paired paths.
    """

    scenario: str
    probability: float
    effect_pa: float
    band_pa: tuple[float, float]
    vol_with_pa: float
    vol_without_pa: float
    share_with: float
    share_without: float
    per_pp: float
    band_per_pp: tuple[float, float]
    end_effect_pa: float
    end_band_pa: tuple[float, float]
    checks: tuple[dict[str, Any], ...]
    sign: str
    paths: int
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (raw numbers)."""
        return {
            "scenario": self.scenario,
            "probability": self.probability,
            "statistic": "paired difference (with - without sovereign entry) of the mean "
            "30-day realized vol over the horizon's last 365 days",
            "effect_pa": self.effect_pa,
            "band_pa": list(self.band_pa),
            "sign": self.sign,
            "vol_with_pa": self.vol_with_pa,
            "vol_without_pa": self.vol_without_pa,
            "share_with": self.share_with,
            "share_without": self.share_without,
            "per_pp_supply": self.per_pp,
            "band_per_pp_supply": list(self.band_per_pp),
            "end_effect_pa": self.end_effect_pa,
            "end_band_pa": list(self.end_band_pa),
            "checks": [dict(c) for c in self.checks],
            "paths": self.paths,
            "meta": self.meta,
        }

    def to_frame(self) -> Any:
        """One row: the estimate, its band and the two arms."""
        import pandas as pd

        d = self.to_dict()
        row = {k: v for k, v in d.items() if not isinstance(v, list | dict) and k != "statistic"}
        row["band_lo_pa"], row["band_hi_pa"] = self.band_pa
        row["per_pp_lo"], row["per_pp_hi"] = self.band_per_pp
        return pd.DataFrame([row])

    def headline(self) -> str:
        """One sentence for people (vol points, the band, the sign)."""
        lo, hi = self.band_pa
        return (
            f"Sovereign entry {self.sign} volatility: {self.effect_pa * 100:+.1f} vol points "
            f"(95% band {lo * 100:+.1f} to {hi * 100:+.1f}) in {self.scenario}, "
            f"{self.vol_without_pa:.0%} without sovereigns vs {self.vol_with_pa:.0%} with."
        )


def c15_estimate(with_run: Any, without_run: Any) -> C15Estimate:
    """The paired C15 estimate from two :class:`~reserves.scenarios.simulate.ScenarioRun`
    of one scenario, one as configured and one with ``no_sovereigns=True``, same seed and
    paths (see the module docstring).

    Raises
    ------
    ValueError
        If the runs are not a pair (different scenario, paths or seed).
    """
    from reserves.errors import ReservesError

    a, b = with_run, without_run
    if (
        a.name != b.name
        or a.meta.get("paths") != b.meta.get("paths")
        or a.meta.get("seed") != b.meta.get("seed")
    ):
        raise ReservesError(
            "C15 needs two runs of one scenario with the same paths and seed",
            field="without_run",
            fix="simulate_scenario(cfg, name, seed=s, paths=n, no_sovereigns=True)",
        )
    sa, sb = a.path_stats, b.path_stats
    N = int(sa["rv_mean_last_year"].size)
    d = sa["rv_mean_last_year"] - sb["rv_mean_last_year"]
    e = 100.0 * (sa["share_end"] - sb["share_end"])
    dbar = float(d.mean())
    sd = float(d.std(ddof=1)) if N > 1 else 0.0
    se = sd / math.sqrt(N)
    ebar = float(e.mean())
    if abs(ebar) > 1e-12:
        beta = dbar / ebar
        resid = d - beta * e
        se_b = (float(resid.std(ddof=1)) if N > 1 else 0.0) / (math.sqrt(N) * abs(ebar))
    else:
        beta, se_b = float("nan"), float("nan")
    de = sa["rv_end"] - sb["rv_end"]
    se_end = (float(de.std(ddof=1)) if N > 1 else 0.0) / math.sqrt(N)
    checks = []
    for ca, cb in zip(a.checks, b.checks, strict=True):
        key = f"rv_day{ca['day']}"
        if key not in sa or key not in sb:
            continue
        ia = (sa[key] < ca["below_vol_pa"]).astype(float)
        ib = (sb[key] < cb["below_vol_pa"]).astype(float)
        dd = ia - ib
        se_c = (float(dd.std(ddof=1)) if N > 1 else 0.0) / math.sqrt(N)
        checks.append(
            {
                "date": ca["date"],
                "below_vol_pa": ca["below_vol_pa"],
                "p_with": float(ia.mean()),
                "p_without": float(ib.mean()),
                "diff": float(dd.mean()),
                "diff_band": list(_band(float(dd.mean()), se_c)),
                "truncated": bool(ca["truncated"]),
            }
        )
    band = _band(dbar, se)
    return C15Estimate(
        scenario=a.name,
        probability=float(a.probability),
        effect_pa=dbar,
        band_pa=band,
        vol_with_pa=float(sa["rv_mean_last_year"].mean()),
        vol_without_pa=float(sb["rv_mean_last_year"].mean()),
        share_with=float(sa["share_end"].mean()),
        share_without=float(sb["share_end"].mean()),
        per_pp=float(beta),
        band_per_pp=_band(float(beta), float(se_b)),
        end_effect_pa=float(de.mean()),
        end_band_pa=_band(float(de.mean()), se_end),
        checks=tuple(checks),
        sign=_sign(*band),
        paths=N,
        meta={
            "seed": a.meta.get("seed"),
            "config_hash": a.meta.get("config_hash"),
            "volatility_mode": a.meta.get("volatility_mode"),
            "concept": (a.meta.get("adoption") or {}).get("concept"),
            "se_pa": se,
        },
    )


def mix_c15(estimates: Sequence[C15Estimate]) -> C15Estimate:
    """Mix scenario estimates by their priors: ``sum_k pi_k x_k``, ``se^2 = sum pi_k^2 se_k^2``."""
    w = np.array([e.probability for e in estimates], dtype=float)

    def mix(vals: Sequence[float]) -> float:
        return float(np.dot(w, np.asarray(vals, dtype=float)))

    def se_of(bands: Sequence[tuple[float, float]]) -> float:
        se = np.array([(hi - lo) / (2 * Z95) for lo, hi in bands])
        return float(math.sqrt(np.dot(w**2, se**2)))

    eff = mix([e.effect_pa for e in estimates])
    band = _band(eff, se_of([e.band_pa for e in estimates]))
    per = mix([e.per_pp for e in estimates])
    end = mix([e.end_effect_pa for e in estimates])
    checks = []
    for i, c in enumerate(estimates[0].checks):
        rows = [e.checks[i] for e in estimates if len(e.checks) > i]
        if len(rows) != len(estimates):
            break
        diff = mix([r["diff"] for r in rows])
        checks.append(
            {
                "date": c["date"],
                "below_vol_pa": c["below_vol_pa"],
                "p_with": mix([r["p_with"] for r in rows]),
                "p_without": mix([r["p_without"] for r in rows]),
                "diff": diff,
                "diff_band": list(_band(diff, se_of([tuple(r["diff_band"]) for r in rows]))),
                "truncated": bool(c["truncated"]),
            }
        )
    return C15Estimate(
        scenario="mixture",
        probability=1.0,
        effect_pa=eff,
        band_pa=band,
        vol_with_pa=mix([e.vol_with_pa for e in estimates]),
        vol_without_pa=mix([e.vol_without_pa for e in estimates]),
        share_with=mix([e.share_with for e in estimates]),
        share_without=mix([e.share_without for e in estimates]),
        per_pp=per,
        band_per_pp=_band(per, se_of([e.band_per_pp for e in estimates])),
        end_effect_pa=end,
        end_band_pa=_band(end, se_of([e.end_band_pa for e in estimates])),
        checks=tuple(checks),
        sign=_sign(*band),
        paths=min(e.paths for e in estimates),
        meta={"weights": w.tolist(), "priors": "C17 article priors (not estimated)"},
    )
