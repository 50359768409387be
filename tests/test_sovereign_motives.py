"""Ferranti (2025): the optimal bitcoin share rises with sanctions risk and with a gold cap."""

from __future__ import annotations

import numpy as np
import pytest

from reserves.errors import ReservesError
from reserves.sovereign.motives import (
    HedgeMarket,
    ferranti_portfolio,
    ferranti_replication,
    hedge_pa,
)


def test_replication_reproduces_the_papers_qualitative_result() -> None:
    r = ferranti_replication((0.0, 0.02, 0.05, 0.1), risk_aversion=5.0, gold_cap=0.05)
    assert r.rises_with_risk and r.higher_when_gold_capped
    btc = [p.btc for p in r.free]
    assert btc[-1] > btc[0] + 0.01
    assert r.capped[2].btc > r.free[2].btc + 0.05
    d = r.to_dict()
    assert d["paper_reported"] and len(d["btc_share_free"]) == 4
    assert "paper" in r.table()


def test_portfolio_is_a_budget_and_no_risk_means_little_btc() -> None:
    p = ferranti_portfolio(0.0, risk_aversion=5.0)
    assert p.fiat + p.gold + p.btc == pytest.approx(1.0, abs=1e-6)
    assert min(p.fiat, p.gold, p.btc) >= 0
    assert p.btc < 0.01
    # a higher expected bitcoin return raises its share
    q = ferranti_portfolio(0.0, risk_aversion=5.0, market=HedgeMarket(mu_btc_pa=0.10))
    assert q.btc > p.btc


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ReservesError, match="sanctions_prob_pa"):
        ferranti_portfolio(1.5)
    with pytest.raises(ReservesError, match="rho_gold_btc"):
        HedgeMarket(rho_gold_btc=1.0)
    with pytest.raises(ReservesError, match="gold_cap"):
        ferranti_portfolio(0.1, gold_cap=2.0)


def test_hedge_from_observables() -> None:
    obs = {"sanctions_exposure": 0.5, "gold_purchases_share": 0.02}
    assert hedge_pa(obs, 0.1, 2.0) == pytest.approx(0.05 + 0.04)
    assert hedge_pa(obs, 10.0, 0.0) == 1.0
    assert np.isfinite(hedge_pa(obs, 0.0, 0.0))
