"""Why a sovereign would hold bitcoin: the sanctions-freeze and debasement hedges.

The hedge motive (Ferranti 2025, "Hedging sanctions risk: cryptocurrency in central bank
reserves", Journal of International Money and Finance 159, 103433). A reserve manager holds
fiat bonds of reserve-currency issuers, gold and bitcoin. With probability ``p`` per year the
issuers sanction her and the fiat holdings lose the share ``L`` (Ferranti: a US sanction wipes
out US Treasury holdings, ``L = 1``); gold and bitcoin cannot be frozen. Over one year, with
mean-variance preferences (risk aversion ``gamma``) on the portfolio return,

    fiat:  mean r_f - p L,   variance sigma_f^2 + p (1 - p) L^2
    gold:  mean mu_g,        variance sigma_g^2
    BTC:   mean mu_b,        variance sigma_b^2,   corr(gold, BTC) = rho

    max_w  w'mu - gamma/2 w' Sigma w   s.t.  w >= 0, sum w = 1, w_gold <= gold_cap.

:func:`ferranti_portfolio` solves it (cvxpy) and :func:`ferranti_replication` traces the
optimal bitcoin share against the sanctions probability with and without a cap on gold, the
paper's qualitative result: the bitcoin share rises with sanctions risk, and more so when gold
cannot be bought.

In the game (:mod:`reserves.sovereign.model`) the same motive is the term
``eta_i T P0 (H_i - h_i)``: every USD moved from fiat into BTC avoids ``eta_i = p_i L_i`` USD
of expected loss per year. The structural model makes ``eta_i`` a function of observables
(:data:`reserves.sovereign.evidence.OBSERVABLES`)::

    eta_i = b_sanctions * sanctions_exposure_i + b_gold * gold_purchases_share_i

so ``b_sanctions`` is the annual expected freeze loss of a fully exposed holder, and
``b_gold`` converts the revealed demand for the other unsanctionable, undebasable asset
(official gold bought since 2016) into a debasement/sanctions hedge value. Both are estimated
(:mod:`reserves.sovereign.estimation`) from what sovereigns did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from reserves.errors import ReservesError, SolverError

#: Ferranti (2025) as summarised in public reviews of the working paper (2022) and article
#: (2025): optimal bitcoin share of reserves ~2-3% with little sanctions risk, ~5% with
#: moderate risk, up to ~10% when the central bank cannot buy enough gold. Sources:
#: https://www.btcpolicy.org/articles/cryptocurrency-in-central-bank-reserves (abstract);
#: woaiqun.com/7357.html (summary of the ranges); stacker.news/items/1224728 (review: US
#: sanctions wipe out Treasuries, gold and bitcoin unsanctionable).
FERRANTI_REPORTED: dict[str, str] = {
    "low sanctions risk": "2-3%",
    "moderate sanctions risk": "~5%",
    "gold constrained": "up to ~10%",
}


@dataclass(frozen=True)
class HedgeMarket:
    """Annual return assumptions of the reserve-portfolio problem (all per year).

    Defaults are assumptions stated for the replication, not estimates: fiat bonds yield
    ``r_fiat_pa`` = 4% with 5% volatility (10-year Treasury, 2025), gold 4% with 15%
    volatility (long-run), bitcoin 3.5% (Ferranti's ~1.5% above 2% inflation) with 60%
    volatility (C10 cross-check), gold-BTC correlation 0.1, and a sanction wipes out the fiat
    holdings (``loss_share`` = 1, Ferranti's US-sanction case).
    """

    r_fiat_pa: float = 0.04
    vol_fiat_pa: float = 0.05
    mu_gold_pa: float = 0.04
    vol_gold_pa: float = 0.15
    mu_btc_pa: float = 0.035
    vol_btc_pa: float = 0.60
    rho_gold_btc: float = 0.10
    loss_share: float = 1.0

    def __post_init__(self) -> None:
        for k, v in asdict(self).items():
            if not np.isfinite(v):
                raise ReservesError(f"{k} = {v!r} must be finite", field=k)
        for k in ("vol_fiat_pa", "vol_gold_pa", "vol_btc_pa"):
            if getattr(self, k) <= 0:
                raise ReservesError(f"{k} must be positive", field=k)
        if not -1 < self.rho_gold_btc < 1:
            raise ReservesError("rho_gold_btc must lie in (-1, 1)", field="rho_gold_btc")
        if not 0 <= self.loss_share <= 1:
            raise ReservesError("loss_share must lie in [0, 1]", field="loss_share")


@dataclass(frozen=True)
class Portfolio:
    """Optimal reserve shares (fiat, gold, BTC) at one sanctions probability."""

    sanctions_prob_pa: float
    risk_aversion: float
    gold_cap: float
    fiat: float
    gold: float
    btc: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ferranti_portfolio(
    sanctions_prob_pa: float,
    *,
    risk_aversion: float = 5.0,
    gold_cap: float = 1.0,
    market: HedgeMarket | None = None,
) -> Portfolio:
    """The mean-variance reserve portfolio under a sanctions-freeze risk (module docstring).

    Parameters
    ----------
    sanctions_prob_pa:
        ``p``, probability per year that the fiat holdings are frozen.
    risk_aversion:
        ``gamma`` of the mean-variance objective ``w'mu - gamma/2 w'Sigma w``.
    gold_cap:
        largest share of gold the central bank can hold (1 = unconstrained).
    """
    import cvxpy as cp

    mk = market or HedgeMarket()
    if not 0 <= sanctions_prob_pa <= 1:
        raise ReservesError(
            f"sanctions_prob_pa = {sanctions_prob_pa!r} must be a probability",
            field="sanctions_prob_pa",
        )
    if not risk_aversion > 0:
        raise ReservesError("risk_aversion must be positive", field="risk_aversion")
    if not 0 <= gold_cap <= 1:
        raise ReservesError("gold_cap must lie in [0, 1]", field="gold_cap")
    p, L = sanctions_prob_pa, mk.loss_share
    mu = np.array([mk.r_fiat_pa - p * L, mk.mu_gold_pa, mk.mu_btc_pa])
    var_f = mk.vol_fiat_pa**2 + p * (1 - p) * L**2
    cov_gb = mk.rho_gold_btc * mk.vol_gold_pa * mk.vol_btc_pa
    Sigma = np.array(
        [
            [var_f, 0.0, 0.0],
            [0.0, mk.vol_gold_pa**2, cov_gb],
            [0.0, cov_gb, mk.vol_btc_pa**2],
        ]
    )
    w = cp.Variable(3)
    obj = cp.Maximize(mu @ w - risk_aversion / 2 * cp.quad_form(w, cp.psd_wrap(Sigma)))
    prob = cp.Problem(obj, [w >= 0, cp.sum(w) == 1, w[1] <= gold_cap])
    prob.solve()
    if w.value is None or prob.status not in ("optimal", "optimal_inaccurate"):
        raise SolverError(f"the portfolio problem ended {prob.status}")
    x = np.clip(np.asarray(w.value, dtype=float), 0, 1)
    x = x / x.sum()
    return Portfolio(
        float(p), float(risk_aversion), float(gold_cap), float(x[0]), float(x[1]), float(x[2])
    )


@dataclass(frozen=True)
class FerrantiReplication:
    """The optimal bitcoin share against the sanctions probability, gold free and capped."""

    probs_pa: tuple[float, ...]
    free: tuple[Portfolio, ...]
    capped: tuple[Portfolio, ...]
    gold_cap: float
    risk_aversion: float
    market: HedgeMarket
    reported: Mapping[str, str] = field(default_factory=lambda: dict(FERRANTI_REPORTED))

    @property
    def rises_with_risk(self) -> bool:
        """The bitcoin share never falls as the sanctions probability rises (both cases)."""
        return all(
            bool(np.all(np.diff([q.btc for q in ps]) >= -1e-6)) for ps in (self.free, self.capped)
        )

    @property
    def higher_when_gold_capped(self) -> bool:
        """With gold capped the bitcoin share is at least as high at every probability."""
        return all(c.btc >= f.btc - 1e-6 for f, c in zip(self.free, self.capped, strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "probs_pa": list(self.probs_pa),
            "btc_share_free": [p.btc for p in self.free],
            "btc_share_gold_capped": [p.btc for p in self.capped],
            "gold_share_free": [p.gold for p in self.free],
            "gold_cap": self.gold_cap,
            "risk_aversion": self.risk_aversion,
            "rises_with_risk": self.rises_with_risk,
            "higher_when_gold_capped": self.higher_when_gold_capped,
            "paper_reported": dict(self.reported),
            "market": asdict(self.market),
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        return pd.DataFrame(
            {
                "sanctions_prob_pa": self.probs_pa,
                "btc_share_free": [p.btc for p in self.free],
                "gold_share_free": [p.gold for p in self.free],
                "btc_share_gold_capped": [p.btc for p in self.capped],
            }
        )

    def table(self) -> str:
        lines = ["sanctions prob/yr   BTC (gold free)   gold (free)   BTC (gold capped)"]
        for f, c in zip(self.free, self.capped, strict=True):
            lines.append(
                f"{100 * f.sanctions_prob_pa:>14.1f}%   {100 * f.btc:>14.1f}%"
                f"   {100 * f.gold:>10.1f}%   {100 * c.btc:>16.1f}%"
            )
        lines.append(
            "paper (Ferranti 2025): " + "; ".join(f"{k}: {v}" for k, v in self.reported.items())
        )
        return "\n".join(lines)


def ferranti_replication(
    probs_pa: Sequence[float] = (0.0, 0.01, 0.02, 0.05, 0.10, 0.20),
    *,
    risk_aversion: float = 5.0,
    gold_cap: float = 0.05,
    market: HedgeMarket | None = None,
) -> FerrantiReplication:
    """Optimal bitcoin shares over sanctions probabilities, gold unconstrained and capped."""
    mk = market or HedgeMarket()
    ps = tuple(float(p) for p in probs_pa)
    free = tuple(ferranti_portfolio(p, risk_aversion=risk_aversion, market=mk) for p in ps)
    capped = tuple(
        ferranti_portfolio(p, risk_aversion=risk_aversion, gold_cap=gold_cap, market=mk) for p in ps
    )
    return FerrantiReplication(ps, free, capped, float(gold_cap), float(risk_aversion), mk)


#: names of the hedge coefficients, in the order of :func:`hedge_pa`
HEDGE_COEFFICIENTS: tuple[str, ...] = ("b_sanctions", "b_gold")


def hedge_pa(observables: Mapping[str, float], b_sanctions: float, b_gold: float) -> float:
    """``eta_i = b_sanctions * sanctions_exposure + b_gold * gold_purchases_share`` (per year).

    The value per year of a USD held in BTC rather than in freezable, debasable fiat (see the
    module docstring); capped at 1 (a USD cannot avoid more than a USD of loss a year).
    """
    eta = b_sanctions * float(observables["sanctions_exposure"]) + b_gold * float(
        observables["gold_purchases_share"]
    )
    return float(min(max(eta, 0.0), 1.0))


__all__ = [
    "FERRANTI_REPORTED",
    "HEDGE_COEFFICIENTS",
    "FerrantiReplication",
    "HedgeMarket",
    "Portfolio",
    "ferranti_portfolio",
    "ferranti_replication",
    "hedge_pa",
]
