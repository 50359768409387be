r"""A forward-looking concept for the dynamic sovereign game: Markov perfect equilibrium on a
coarse grid of the aggregate state, by backward induction (Maskin and Tirole 2001).

Markov strategies and payoffs
-----------------------------
A sovereign's strategy at decision date ``k`` depends only on the payoff-relevant state: its own
holdings ``h_i`` and the aggregate state ``z = (H, log P, l)`` -- total sovereign holdings, price
and leverage (long open interest over market cap). The period payoff is the stage payoff of
:mod:`reserves.sovereign.dynamic` pro rata to the period, ``(Delta_k / T) u_i(a; h_i, z)``: the
same sympy expression as the static game (so every motive of the payoff template, present or
added later, is in it), evaluated at the state. Sovereign ``i``'s value solves

.. math::

    V_{i,k}(h, z) = \max_a \Big[ \tfrac{\Delta_k}{T} u_i(a, X_{-i,k}(z); h, z)
        + e^{-\rho \Delta_k} \, E\, V_{i,k+1}(h + \Delta h_i(a), z') \Big],
    \qquad V_{i,K} = 0,

so with a zero continuation the MPE is the myopic equilibrium, and the difference between the
two is exactly what sovereigns anticipate: today's purchases raise tomorrow's holdings (risk
charge, strategic share) and the price at which everyone buys later.

Transitions (per period of ``Delta_k`` years)
---------------------------------------------
``H' = H + Delta h_i(a) + Delta H_{-i}(z)``; ``log P' = log P + m(H) F(z) / (P Q) + eps - J``
with the period's net USD flow ``F``, the flow multiplier ``m(H)`` (rising as holdings take
coins off the float, :class:`~reserves.scenarios.schema.VolatilityConfig`), a diffusive draw
``eps ~ N(0, sigma_d(H)^2 Delta)`` (Gauss-Hermite nodes) and, with the probability of a
shock ``pi = 1 - exp(-rate Delta)``, a cascade: the drop ``J = x_c l / l_0`` and the share
``delta_L`` of long open interest liquidated by the median Pareto shock, both from the market
model's cascade kernel (:func:`reserves.market.cascade.cascade_kernel`); otherwise leverage
rebuilds toward ``l_0`` at the scenario's ``rebuild_per_day``. The sovereigns' volatility is
``sigma(H, l)^2 = sigma_d(H)^2 + (vol_pa^2 - base^2) l / l_0`` (diffusion plus the jump part of
the configured volatility, in proportion to leverage).

The aggregate law (what makes the grid small)
---------------------------------------------
Payoffs depend on the others only through the aggregates, so each sovereign needs the others'
total flow ``X_{-i,k}(z)``, not their individual states. It is computed from the others'
strategies at their holdings ``h_j(H) = hbar_{j,k} H / Hbar_k`` (their holdings on the mean
path, scaled to the node's total) and iterated to a fixed point with the mean path (as in
Krusell and Smith 1998; the oblivious-equilibrium approximation of Weintraub, Benkard and Van
Roy 2008 for many players). Iteration 0 uses the myopic equilibrium. The result reports the
iterations, whether the aggregate law stopped changing, and the share of (date, node) entries
where the law changed in the last iteration.

Assumptions: Markov strategies on the grid above (multilinear interpolation between nodes,
clamped at the edges); the others' holdings enter through the mean-path allocation; sovereigns
use the model's volatility, not a realized-vol signal; no discounting by default (the static
payoff has none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reserves.sovereign.dynamic import DAYS_PER_YEAR, StageGame

__all__ = ["MPESolution", "solve_mpe"]


def _interp_weights(grid: NDArray, x: NDArray) -> tuple[NDArray, NDArray]:
    """Lower index and weight of the upper neighbour (clamped) on an ascending grid."""
    n = grid.size
    if n == 1:
        return np.zeros(x.shape, dtype=np.intp), np.zeros(x.shape)
    xc = np.clip(x, grid[0], grid[-1])
    j = np.clip(np.searchsorted(grid, xc, side="right") - 1, 0, n - 2)
    w = (xc - grid[j]) / (grid[j + 1] - grid[j])
    return j, w


def _interp4(
    values: NDArray, grids: tuple[NDArray, NDArray, NDArray, NDArray], pts: tuple[NDArray, ...]
) -> NDArray:
    """Multilinear interpolation of ``values`` ``(n, g0, g1, g2, g3)`` at per-row points.

    ``pts`` are four arrays of shape ``(n, M)``; returns ``(n, M)``.
    """
    n = values.shape[0]
    shape = values.shape[1:]
    flat = values.reshape(n, -1)
    strides = np.array([shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1])
    js, ws = zip(*(_interp_weights(g, p) for g, p in zip(grids, pts, strict=True)), strict=True)
    out = np.zeros(pts[0].shape)
    for corner in range(16):
        bits = [(corner >> d) & 1 for d in range(4)]
        idx = np.zeros(pts[0].shape, dtype=np.intp)
        wt = np.ones(pts[0].shape)
        for d in range(4):
            if shape[d] == 1:
                if bits[d]:
                    wt = wt * 0.0
                continue
            idx += (js[d] + bits[d]) * strides[d]
            wt = wt * (ws[d] if bits[d] else 1.0 - ws[d])
        out += wt * np.take_along_axis(flat, idx, axis=1)
    return out


@dataclass(frozen=True)
class MPESolution:
    """Action values of the Markov perfect equilibrium on the grid, and how it was reached.

    Attributes
    ----------
    stage:
        The :class:`~reserves.sovereign.dynamic.StageGame` (players, flows, payoff).
    days:
        Decision days.
    own_grid:
        ``(n, G_h)`` own-holdings grid per sovereign (BTC).
    total_grid, logp_grid, lev_grid:
        Aggregate grids: total holdings (BTC), log price, leverage (OI / market cap).
    q_values:
        ``(K, n, A, G_h, G_H, G_p, G_l)`` action values (period payoff plus continuation).
    iterations, converged, law_change_share:
        Aggregate-law iterations run, whether the law stopped changing, and the share of
        (date, node) entries whose aggregate flow changed in the last iteration.
    """

    stage: StageGame
    days: NDArray[np.int64]
    own_grid: NDArray[np.float64]
    total_grid: NDArray[np.float64]
    logp_grid: NDArray[np.float64]
    lev_grid: NDArray[np.float64]
    q_values: NDArray[np.float64]
    iterations: int
    converged: bool
    law_change_share: float
    meta: dict[str, Any] = field(default_factory=dict)

    def decide(
        self, k: int, price_usd: NDArray, holdings_btc: NDArray, leverage: NDArray
    ) -> NDArray[np.int64]:
        """Each path's equilibrium profile at date ``k``: ``(paths, n)`` label indices."""
        P = np.asarray(price_usd, dtype=float)
        h = np.asarray(holdings_btc, dtype=float)
        npaths, n = h.shape
        H = h.sum(axis=1) + self.meta["holdings_outside_btc"]
        Q = self.q_values[k]  # (n, A, ...)
        Q = np.where(np.isfinite(Q), Q, 0.0)  # unavailable actions: masked below
        A = Q.shape[1]
        vals = np.empty((npaths, n, A))
        pts_common = (
            np.broadcast_to(H[None, :], (n, npaths)),
            np.broadcast_to(np.log(P)[None, :], (n, npaths)),
            np.broadcast_to(np.asarray(leverage, dtype=float)[None, :], (n, npaths)),
        )
        for a in range(A):
            grids = (self.own_grid, self.total_grid, self.logp_grid, self.lev_grid)
            vals[:, :, a] = _interp4_rows(Q[:, a], grids, (h.T, *pts_common)).T
        vals = np.where(self.stage.available[None], vals, -np.inf)
        return np.argmax(vals, axis=2).astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {
            "concept": "mpe",
            "iterations": self.iterations,
            "converged": self.converged,
            "law_change_share": self.law_change_share,
            "grid": {
                "own_holdings": int(self.own_grid.shape[1]),
                "total_holdings": int(self.total_grid.size),
                "log_price": int(self.logp_grid.size),
                "leverage": int(self.lev_grid.size),
            },
            "meta": {k: v for k, v in self.meta.items() if not isinstance(v, np.ndarray)},
        }


def _interp4_rows(
    values: NDArray, grids: tuple[NDArray, NDArray, NDArray, NDArray], pts: tuple[NDArray, ...]
) -> NDArray:
    """:func:`_interp4` with a per-row first grid (own holdings differ by sovereign)."""
    own, g1, g2, g3 = grids
    n = values.shape[0]
    # map each row's own-holdings coordinate to its (fractional) index on that row's grid
    Gh = own.shape[1]
    x = np.clip(pts[0], own[:, :1], own[:, -1:])
    inner = own[:, 1:-1]
    j = (x[:, :, None] >= inner[:, None, :]).sum(axis=-1)
    lo = np.take_along_axis(own, j, axis=1)
    hi = np.take_along_axis(own, np.minimum(j + 1, Gh - 1), axis=1)
    w = np.where(hi > lo, (x - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    u = j + w
    return _interp4(values, (np.arange(Gh, dtype=float), g1, g2, g3), (u, *pts[1:]))[:n]


def _crash(cfg: Any, dyn: Any) -> tuple[float, float, float]:
    """Drop, share of long OI liquidated, and leverage of the median Pareto shock at day 0."""
    from reserves.scenarios.simulate import _kernel, build_parts

    parts = build_parts(cfg, dyn)
    sh = dyn.shocks
    F = min(sh.min_usd * 2.0 ** (1.0 / sh.tail_index), sh.max_usd)
    bids = dyn.sovereign_bids.base_usd * parts.bid_unit
    kr = _kernel(parts, np.array([F]), np.array([parts.impact_coef]), np.array([1.0]), bids=bids)
    start = dyn.open_interest.start_long_usd or parts.oi_ref_usd
    lev0 = start / (cfg.market.price_usd * cfg.market.supply_btc)
    x = float(kr.drop[0]) * (1.0 - parts.rebound)
    return x, float(kr.long_liquidated_usd[0]) / max(parts.oi_ref_usd, 1.0), lev0


_CACHE: dict[tuple, MPESolution] = {}


def solve_mpe(cfg: Any, dyn: Any, days: NDArray[np.int64], horizon_days: int) -> MPESolution:
    """Cached :func:`_solve_mpe` (per config hash, dynamics, dates and horizon)."""
    key = (
        cfg.content_hash(),
        dyn.model_dump_json(),
        np.asarray(days, dtype=np.int64).tobytes(),
        int(horizon_days),
    )
    hit = _CACHE.get(key)
    if hit is None:
        hit = _solve_mpe(cfg, dyn, days, horizon_days)
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = hit
    return hit


def _solve_mpe(cfg: Any, dyn: Any, days: NDArray[np.int64], horizon_days: int) -> MPESolution:
    """Solve the Markov perfect equilibrium of the scenario's dynamic game (module docstring).

    Parameters
    ----------
    cfg:
        Validated config (roster, market, market model).
    dyn:
        The scenario's :class:`~reserves.scenarios.schema.DynamicsConfig` (grid sizes in
        ``adoption.mpe``; shocks, open interest, volatility mode).
    days:
        Decision days (:func:`reserves.sovereign.dynamic.decision_days`).
    horizon_days:
        The simulation horizon (the last period ends there).
    """
    ad = dyn.adoption
    g = ad.mpe
    stage = StageGame(cfg, political_cost_scale=ad.political_cost_scale)
    m = cfg.market
    n, A = stage.cash_usd.shape
    K = int(days.size)
    bounds = np.append(days, horizon_days).astype(float)
    dt_years = np.diff(bounds) / DAYS_PER_YEAR
    T = stage.horizon_years
    Q = float(m.supply_btc)
    P0 = float(m.price_usd)
    m0 = float(m.flow_multiplier)
    vol = dyn.volatility
    base = vol.base_pa
    endo = vol.mode == "endogenous" and dyn.feedback
    h0 = stage.holdings0_btc
    H_out = float(sum(s.holdings_btc for s in cfg.sovereigns)) - float(h0.sum())
    H0 = float(h0.sum()) + H_out
    F0 = vol.float_share * Q
    years = horizon_days / DAYS_PER_YEAR
    x_c, liq_share, lev0 = _crash(cfg, dyn)
    crash_rate = dyn.shocks.rate_pa if dyn.cascades else 0.0
    jump_var = max(m.vol_pa**2 - base**2, 0.0)
    rebuild = dyn.open_interest.rebuild_per_day
    disc = ad.mpe.discount_pa

    # ---- grids
    cmax = stage.cash_usd.max(axis=1)
    sd = base * math.sqrt(years)  # diffusive sd of log price over the horizon
    # own holdings: 0 and h0/2 (reached by selling), h0, then up to the whole programme bought
    # at the price 1.5 sd below P0
    buy_btc = cmax * years / (T * P0 * math.exp(-1.5 * sd))
    up_part = h0[:, None] + buy_btc[:, None] * np.linspace(0.0, 1.0, g.holdings_points)[None]
    up_part[:, 1:] += 1e-9 * np.arange(1, g.holdings_points)[None]  # strictly increasing
    own = np.concatenate([h0[:, None] * np.array([[0.0, 0.5]]) - 2e-9, up_part], axis=1)
    own[:, 1] = np.maximum(own[:, 1], own[:, 0] + 1e-9)
    can_sell = stage.sell_frac.max(axis=1) > 0
    own_lo = np.where(can_sell, 0.0, h0)
    tot = np.linspace(own_lo.sum() + H_out, H0 + 0.5 * buy_btc.sum() + 1e-9, g.total_points)
    if H0 not in tot:
        tot = np.unique(np.append(tot, H0))
    up = m0 * (F0 / max(F0 - buy_btc.sum(), 0.05 * F0) if endo else 1.0) * buy_btc.sum() / Q
    up = min(up, sd)  # the sovereigns' own push, at most one more sd
    logp = np.linspace(math.log(P0) - 1.5 * sd, math.log(P0) + 1.5 * sd + up, g.price_points)
    lev = (
        lev0 * np.linspace(0.5, 1.5, g.leverage_points)
        if g.leverage_points > 1
        else np.array([lev0])
    )
    Gh, GH, Gp, GL = own.shape[1], tot.size, logp.size, lev.size
    gh_nodes, gt_nodes, gp_nodes, gl_nodes = np.meshgrid(
        np.arange(Gh), tot, logp, lev, indexing="ij"
    )
    M = gh_nodes.size  # nodes per sovereign
    h_nodes = own[:, gh_nodes.ravel()]  # (n, M)
    H_nodes = np.broadcast_to(gt_nodes.ravel(), (n, M))
    P_nodes = np.broadcast_to(np.exp(gp_nodes.ravel()), (n, M))
    L_nodes = np.broadcast_to(gl_nodes.ravel(), (n, M))

    def mult_of(H: NDArray) -> NDArray:
        if not endo:
            return np.full(np.shape(H), m0)
        return m0 * F0 / np.maximum(F0 - (H - H0), 0.05 * F0)

    def sigma_of(H: NDArray, L: NDArray) -> tuple[NDArray, NDArray]:
        sd_ = base * mult_of(H) / m0 if (endo and m0 > 0) else np.full(np.shape(H), base)
        return np.sqrt(sd_**2 + jump_var * L / lev0), sd_

    gh_x, gh_w = np.polynomial.hermite_e.hermegauss(g.quadrature)
    gh_w = gh_w / gh_w.sum()

    # ---- aggregate law: each sovereign's (buy cash, BTC sold) per date and aggregate node
    NA = GH * Gp * GL
    Hg, Pg, Lg = np.meshgrid(tot, np.exp(logp), lev, indexing="ij")
    Hg, Pg, Lg = Hg.ravel(), Pg.ravel(), Lg.ravel()

    def holdings_at(hbar_k: NDArray, H: NDArray) -> NDArray:
        """Each sovereign's holdings at aggregate H: mean-path holdings scaled to H."""
        inside = max(float(hbar_k.sum()), 1e-9)
        return hbar_k[None, :] * np.clip((H - H_out) / inside, 0.0, None)[:, None]

    def law_of(decide: Any, hbar: NDArray) -> tuple[NDArray, NDArray]:
        """``(K, NA, n)`` buy cash and BTC sold of every sovereign at every aggregate node."""
        B = np.zeros((K, NA, n))
        S = np.zeros((K, NA, n))
        for k in range(K):
            hk = holdings_at(hbar[k], Hg)
            prof = decide(k, Pg, hk, Lg)
            c, q, _ = stage.flows(Pg, hk)
            B[k] = np.take_along_axis(c, prof[:, :, None], 2)[..., 0]
            S[k] = np.take_along_axis(q, prof[:, :, None], 2)[..., 0]
        return B, S

    def mean_path(decide: Any) -> NDArray:
        """Holdings at each date on the deterministic path (no diffusion, no crash)."""
        h = h0.copy()
        P = P0
        L = lev0
        out = np.zeros((K, n))
        for k in range(K):
            out[k] = h
            prof = decide(k, np.array([P]), h[None, :], np.array([L]))[0]
            c, q, _ = stage.flows(np.array([P]), h[None, :])
            cc = c[0, np.arange(n), prof]
            qq = q[0, np.arange(n), prof]
            days_k = dt_years[k] * DAYS_PER_YEAR
            dh = days_k * (cc / P + qq) / (DAYS_PER_YEAR * T)
            Htot = h.sum() + H_out
            flow = days_k * (cc.sum() + qq.sum() * P) / (DAYS_PER_YEAR * T)
            P = P * math.exp(float(mult_of(np.array([Htot]))[0]) * flow / (P * Q))
            h = np.maximum(h + dh, 0.0)
        return out

    def myopic_decide(k: int, P: NDArray, h: NDArray, L: NDArray) -> NDArray:
        Ht = h.sum(1) + H_out
        sig, _ = sigma_of(Ht, L)
        prof, _ = stage.myopic_profiles(P, sig, h, None, mult_of(Ht))
        return prof

    hbar = mean_path(myopic_decide)
    lawB, lawS = law_of(myopic_decide, hbar)
    agg_idx = np.ravel_multi_index(
        (
            np.searchsorted(tot, gt_nodes.ravel()),
            np.searchsorted(logp, gp_nodes.ravel()),
            np.searchsorted(lev, gl_nodes.ravel()),
        ),
        (GH, Gp, GL),
    )
    q_values = np.zeros((K, n, A, Gh, GH, Gp, GL))
    converged = False
    change_share = 1.0
    it = 0
    for it in range(1, g.iterations + 1):
        V_next = np.zeros((n, Gh, GH, Gp, GL))
        for k in range(K - 1, -1, -1):
            dtk = dt_years[k]
            days_k = dtk * DAYS_PER_YEAR
            # the others' flows at each node: the aggregate law minus the sovereign's own
            Bk = lawB[k][agg_idx]  # (M, n)
            Sk = lawS[k][agg_idx]
            B_oth = (Bk.sum(1)[:, None] - Bk).T  # (n, M)
            S_oth = (Sk.sum(1)[:, None] - Sk).T
            Pn = P_nodes
            c = np.broadcast_to(stage.cash_usd[:, None, :], (n, M, A))
            q = -stage.sell_frac[:, None, :] * h_nodes[:, :, None]
            x = c + q * Pn[:, :, None]
            X = (B_oth + S_oth * Pn)[:, :, None] + x
            Bv = B_oth[:, :, None] + c
            Sv = S_oth[:, :, None] + q
            sig, sd_ = sigma_of(H_nodes, L_nodes)
            u = _stage_payoff(stage, Pn, sig, mult_of(H_nodes), H_nodes, h_nodes, c, q, X, Bv, Sv)
            flow_u = dtk / T * u  # (n, M, A)
            if k == K - 1:
                cont = np.zeros_like(flow_u)
            else:
                dh = days_k * (c / Pn[:, :, None] + q) / (DAYS_PER_YEAR * T)
                dH_oth = days_k * (B_oth / Pn + S_oth) / (DAYS_PER_YEAR * T)
                h1 = np.maximum(h_nodes[:, :, None] + dh, 0.0)
                H1 = H_nodes[:, :, None] + dh + dH_oth[:, :, None]
                F = days_k * (X) / (DAYS_PER_YEAR * T)
                drift = mult_of(H_nodes)[:, :, None] * F / (Pn[:, :, None] * Q)
                lp0 = np.log(Pn)[:, :, None] + drift
                pc = 1.0 - math.exp(-crash_rate * dtk)
                keep = 1.0 - (1.0 - rebuild) ** days_k
                L_nc = L_nodes + keep * (lev0 - L_nodes)
                L_c = L_nodes * (1.0 - liq_share)
                cont = np.zeros_like(flow_u)
                for z, wz in zip(gh_x, gh_w, strict=True):
                    eps = z * sd_ * math.sqrt(dtk)
                    for crash, wc in ((False, 1.0 - pc), (True, pc)):
                        if wc <= 0:
                            continue
                        lp = lp0 + eps[:, :, None]
                        if crash:
                            lp = lp + np.log1p(-np.minimum(x_c * L_nodes / lev0, 0.95))[:, :, None]
                        Ln = np.broadcast_to((L_c if crash else L_nc)[:, :, None], lp.shape)
                        vals = _interp4_rows(
                            V_next,
                            (own, tot, logp, lev),
                            (
                                h1.reshape(n, -1),
                                H1.reshape(n, -1),
                                lp.reshape(n, -1),
                                Ln.reshape(n, -1),
                            ),
                        ).reshape(n, M, A)
                        cont += wz * wc * vals
                cont *= math.exp(-disc * dtk)
            qv = flow_u + cont
            qv = np.where(stage.available[:, None, :], qv, -np.inf)
            q_values[k] = np.moveaxis(qv, 2, 1).reshape(n, A, Gh, GH, Gp, GL)
            V_next = qv.max(axis=2).reshape(n, Gh, GH, Gp, GL)
        sol = MPESolution(
            stage,
            days,
            own,
            tot,
            logp,
            lev,
            q_values,
            it,
            False,
            change_share,
            {"holdings_outside_btc": H_out},
        )
        # new aggregate law: every sovereign's MPE action at its law holdings, at each node
        hbar = mean_path(sol.decide)
        newB, newS = law_of(sol.decide, hbar)
        scale = max(float(np.abs(lawB).max()), float(np.abs(newB).max()), 1.0)
        changed = (np.abs(newB - lawB) > 1e-9 * scale) | (
            np.abs(newS - lawS) > 1e-9 * max(float(np.abs(lawS).max()), 1.0)
        )
        change_share = float(changed.mean())
        lawB, lawS = newB, newS
        if change_share == 0.0:
            converged = True
            break
    return MPESolution(
        stage,
        days,
        own,
        tot,
        logp,
        lev,
        q_values,
        it,
        converged,
        change_share,
        {
            "holdings_outside_btc": H_out,
            "crash_drop": x_c,
            "crash_liquidated_share": liq_share,
            "leverage0": lev0,
            "crash_rate_pa": crash_rate,
        },
    )


def _stage_payoff(
    stage: StageGame,
    P: NDArray,
    sigma: NDArray,
    mult: NDArray,
    H: NDArray,
    h: NDArray,
    c: NDArray,
    q: NDArray,
    X: NDArray,
    B: NDArray,
    Sq: NDArray,
) -> NDArray:
    """The payoff template at per-(sovereign, node) states for every own action.

    State arrays are ``(n, M)``; action arrays ``(n, M, A)``; returns ``(n, M, A)``.
    """
    S = stage._S
    eps = stage.market[S.eps]
    vals: dict[Any, Any] = dict(stage.market)
    vals[S.P0] = P[:, :, None]
    vals[S.sigma] = sigma[:, :, None]
    vals[S.m] = mult[:, :, None]
    vals[S.H0] = H[:, :, None]
    for s_, arr in stage.params.items():
        vals[s_] = arr[:, None, None]
    vals[S.h] = h[:, :, None]
    vals[S.s0] = (h / (H + eps))[:, :, None]
    vals[S.c] = c
    vals[S.q] = q
    vals[S.acc] = stage.acc[:, None, :]
    vals[S.X] = X
    vals[S.B] = B
    vals[S.S] = Sq
    u = np.asarray(stage._f(*[vals[s_] for s_ in S.all]), dtype=float)
    return np.broadcast_to(u, X.shape)
