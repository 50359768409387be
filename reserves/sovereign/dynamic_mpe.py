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
Roy 2008 for many players). Iteration 0 uses the myopic equilibrium.

Why plain iteration does not converge, and the update used
----------------------------------------------------------
Actions are discrete, so the best response to a law jumps. At a few (date, node, sovereign)
entries a sovereign's best response to law ``t`` makes the law ``t + 1`` against which the
other action is best: undamped iteration cycles there (about 0.5% of entries after four
iterations on the C17 baseline) and no pure fixed point exists. The law therefore carries a
*mixed* action per entry, ``W_{k,z,i}`` (probabilities over the sovereign's actions; the law's
flows are their expectations), updated by a Krusell-Smith relaxation per entry:
``W <- W + lambda (BR(W) - W)``, where ``f`` counts the times the entry's best response came
back to one it had before (a cycle) and ``s`` the iterations since it last changed:
``lambda = 1`` for an entry that never cycled (it takes its best response outright);
``lambda = min(1, 2^s / 2)`` after one cycle (halfway, then growing while the best response
stays put, so an entry that cycled once but is strict returns to a pure action in a few
iterations); ``lambda = 1 / (1 + f)`` after two or more (fictitious-play averaging: at an
indifference node the weight converges to the mixing probability).
The mean path is relaxed with ``1 / (1 + max f)``.

Verification (one-shot deviations)
----------------------------------
After each backward pass against the law ``W``, at every date ``k``, aggregate node ``z`` and
sovereign ``i`` (at its law holdings ``h_i(H)``), the gain of a one-shot deviation is

.. math::

    g_{k,z,i} = \max_a Q_{i,k}(a; h_i(H), z) - \sum_a W_{k,z,i}(a) Q_{i,k}(a; h_i(H), z) \ge 0,

with ``Q`` the action value (period payoff against the law plus the continuation). The solver
stops when ``max g <= GAIN_TOLERANCE * payoff_scale`` (``converged``) or after
``mpe.iterations``; the result reports ``max_deviation_gain_usd``, ``residual`` (the law's
fixed-point gap, see :class:`MPESolution`), ``law_change_share`` and every iteration's figures
in ``meta["history"]``. The continuation is valued at the best response, so with one-shot gains
at most ``epsilon`` the profile is a ``(2K - 1) epsilon``-equilibrium of the ``K``-date game
(one-shot deviation principle for finite horizons). At the grid's own-holdings nodes the policy
is the best response by construction; the check is informative at the law's nodes, where the
others' flows come from.

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

__all__ = ["GAIN_TOLERANCE", "LawRelaxation", "MPESolution", "solve_mpe"]


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
    jws = [_interp_weights(g, p) for g, p in zip(grids, pts, strict=True)]
    return _interp4_jw(values, jws)


def _corner_terms(
    dims: list[int], strides: tuple[int, ...], jws: list[tuple[NDArray, NDArray]]
) -> list[tuple[int, Any]]:
    """``(offset, weight)`` of every corner over ``dims`` (weights multiplied out once)."""
    terms: list[tuple[int, Any]] = [(0, 1.0)]
    for d in dims:
        w = jws[d][1]
        lo = 1.0 - w
        terms = [(o, t * lo) for o, t in terms] + [(o + strides[d], t * w) for o, t in terms]
    return terms


def _interp4_jw(values: NDArray, jws: list[tuple[NDArray, NDArray]]) -> NDArray:
    """:func:`_interp4` from each dimension's lower index and upper weight (``(n, M)`` each).

    The ``2^d`` corners over the ``d`` dimensions with more than one node are gathered from the
    flattened table; their weights are products of the two halves' corner weights.
    """
    n = values.shape[0]
    shape = values.shape[1:]
    strides = (shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1)
    size = shape[0] * strides[0]
    pshape = jws[0][0].shape
    idx0 = np.broadcast_to((np.arange(n, dtype=np.intp) * size)[:, None], pshape).copy()
    active = [d for d in range(4) if shape[d] > 1]
    for d in active:
        idx0 += jws[d][0] * strides[d]
    half = len(active) // 2
    left = _corner_terms(active[:half], strides, jws)
    right = _corner_terms(active[half:], strides, jws)
    flat = values.reshape(-1)
    out = np.zeros(pshape)
    for o1, t1 in left:
        for o2, t2 in right:
            out += (t1 * t2) * np.take(flat, idx0 + (o1 + o2))
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
    iterations:
        Aggregate-law iterations run.
    converged:
        Whether the one-shot deviation check passed: ``max_deviation_gain_usd`` at most
        ``meta["tolerance_usd"]`` (``GAIN_TOLERANCE`` times the game's payoff scale).
    law_change_share:
        Share of (date, aggregate node, sovereign) entries whose best response changed in the
        last iteration.
    residual:
        The aggregate law's fixed-point gap in the last iteration: the largest
        ``|x_i(BR) - x_i(law)|`` (USD order flow of one sovereign at one node and date, best
        response against the law minus the law's own mixed action) over the roster's buying
        capacity ``sum_i max_a c_i(a)``.
    max_deviation_gain_usd:
        The largest one-shot deviation gain at the law's nodes (module docstring,
        *Verification*), USD.
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
    residual: float
    max_deviation_gain_usd: float
    meta: dict[str, Any] = field(default_factory=dict)

    def values(
        self, k: int, price_usd: NDArray, holdings_btc: NDArray, leverage: NDArray
    ) -> NDArray[np.float64]:
        """Interpolated action values ``(paths, n, A)`` at date ``k`` (USD; unavailable
        actions ``-inf``)."""
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
        return np.where(self.stage.available[None], vals, -np.inf)

    def decide(
        self, k: int, price_usd: NDArray, holdings_btc: NDArray, leverage: NDArray
    ) -> NDArray[np.int64]:
        """Each path's equilibrium profile at date ``k``: ``(paths, n)`` label indices (the
        best response; at an indifference node the first label, a pure selection of the
        mixed action the aggregate law carries)."""
        vals = self.values(k, price_usd, holdings_btc, leverage)
        return np.argmax(vals, axis=2).astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {
            "concept": "mpe",
            "iterations": self.iterations,
            "converged": self.converged,
            "law_change_share": self.law_change_share,
            "residual": self.residual,
            "max_deviation_gain_usd": self.max_deviation_gain_usd,
            "tolerance_usd": self.meta.get("tolerance_usd"),
            "mixed_share": self.meta.get("mixed_share"),
            "mixed_entries": self.meta.get("mixed_entries"),
            "law_entries": self.meta.get("law_entries"),
            "history": list(self.meta.get("history", [])),
            "grid": {
                "own_holdings": int(self.own_grid.shape[1]),
                "total_holdings": int(self.total_grid.size),
                "log_price": int(self.logp_grid.size),
                "leverage": int(self.lev_grid.size),
            },
            "meta": {
                k: v
                for k, v in self.meta.items()
                if not isinstance(v, np.ndarray) and k not in ("history", "tolerance_usd")
            },
        }


def _own_weights(own: NDArray, x: NDArray) -> tuple[NDArray, NDArray]:
    """Lower index and upper weight on each row's own-holdings grid (clamped), ``(n, M)``."""
    Gh = own.shape[1]
    xc = np.clip(x, own[:, :1], own[:, -1:])
    inner = own[:, 1:-1]
    j = (xc[:, :, None] >= inner[:, None, :]).sum(axis=-1)
    lo = np.take_along_axis(own, j, axis=1)
    hi = np.take_along_axis(own, np.minimum(j + 1, Gh - 1), axis=1)
    w = np.where(hi > lo, (xc - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    return j.astype(np.intp), w


def _interp4_rows(
    values: NDArray, grids: tuple[NDArray, NDArray, NDArray, NDArray], pts: tuple[NDArray, ...]
) -> NDArray:
    """:func:`_interp4` with a per-row first grid (own holdings differ by sovereign)."""
    own, g1, g2, g3 = grids
    jws = [_own_weights(own, pts[0])] + [
        _interp_weights(g, p) for g, p in zip((g1, g2, g3), pts[1:], strict=True)
    ]
    return _interp4_jw(values, jws)


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


class LawRelaxation:
    """The aggregate law's Krusell-Smith relaxation per entry (module docstring).

    Parameters
    ----------
    start:
        Integer array of the entries' starting (pure) actions; any shape.

    Attributes
    ----------
    flips:
        Per entry, how many times its best response came back to one it had before.
    stable:
        Per entry, iterations since its best response last changed.
    """

    def __init__(self, start: NDArray[np.int64]) -> None:
        self.prev_br = np.asarray(start, dtype=np.int64).copy()
        self.seen = 1 << self.prev_br  # bit mask of the best responses each entry has had
        self.flips = np.zeros(self.prev_br.shape)
        self.stable = np.zeros(self.prev_br.shape)

    def step(self, br: NDArray[np.int64]) -> NDArray[np.float64]:
        """Record the best responses ``br`` and return each entry's weight ``lambda``: 1 if it
        never cycled, ``min(1, 2^s / 2)`` after one cycle, ``1 / (1 + f)`` after more."""
        br = np.asarray(br, dtype=np.int64)
        changed = br != self.prev_br
        self.flips += changed & ((self.seen >> br) & 1).astype(bool)  # back to an earlier one
        self.seen |= 1 << br
        self.stable = np.where(changed, 0, self.stable + 1)
        self.prev_br = br
        grow = np.where(self.flips < 2, 2.0**self.stable, 1.0)
        return np.minimum(1.0, grow / (1.0 + self.flips))

    def update(self, W: NDArray[np.float64], br: NDArray[np.int64]) -> NDArray[np.float64]:
        """``W + lambda (onehot(br) - W)`` for mixed actions ``W`` (``br.shape + (A,)``)."""
        lam = self.step(br)[..., None]
        target = np.zeros_like(W)
        np.put_along_axis(target, np.asarray(br, dtype=np.int64)[..., None], 1.0, axis=-1)
        return W + lam * (target - W)


#: converged when no one-shot deviation gains more than this share of the payoff scale
GAIN_TOLERANCE = 1e-6

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

    agg_idx = np.ravel_multi_index(
        (
            np.searchsorted(tot, gt_nodes.ravel()),
            np.searchsorted(logp, gp_nodes.ravel()),
            np.searchsorted(lev, gl_nodes.ravel()),
        ),
        (GH, Gp, GL),
    )
    pc = 1.0 - np.exp(-crash_rate * dt_years)

    def backward(lawB: NDArray, lawS: NDArray) -> NDArray:
        """Action values ``(K, n, A, Gh, GH, Gp, GL)`` against the aggregate law (B, S)."""
        q_values = np.zeros((K, n, A, Gh, GH, Gp, GL))
        V_next = np.zeros((n, Gh, GH, Gp, GL))
        Pn = P_nodes
        c = np.broadcast_to(stage.cash_usd[:, None, :], (n, M, A))
        q = -stage.sell_frac[:, None, :] * h_nodes[:, :, None]
        x = c + q * Pn[:, :, None]
        sig, sd_ = sigma_of(H_nodes, L_nodes)
        mult = mult_of(H_nodes)
        for k in range(K - 1, -1, -1):
            dtk = dt_years[k]
            days_k = dtk * DAYS_PER_YEAR
            # the others' flows at each node: the aggregate law minus the sovereign's own
            Bk = lawB[k][agg_idx]  # (M, n)
            Sk = lawS[k][agg_idx]
            B_oth = (Bk.sum(1)[:, None] - Bk).T  # (n, M)
            S_oth = (Sk.sum(1)[:, None] - Sk).T
            X = (B_oth + S_oth * Pn)[:, :, None] + x
            Bv = B_oth[:, :, None] + c
            Sv = S_oth[:, :, None] + q
            u = _stage_payoff(stage, Pn, sig, mult, H_nodes, h_nodes, c, q, X, Bv, Sv)
            qv = dtk / T * u  # (n, M, A): the period payoff
            if k < K - 1:
                dh = days_k * (c / Pn[:, :, None] + q) / (DAYS_PER_YEAR * T)
                dH_oth = days_k * (B_oth / Pn + S_oth) / (DAYS_PER_YEAR * T)
                h1 = np.maximum(h_nodes[:, :, None] + dh, 0.0).reshape(n, -1)
                H1 = (H_nodes[:, :, None] + dh + dH_oth[:, :, None]).reshape(n, -1)
                F = days_k * X / (DAYS_PER_YEAR * T)
                lp0 = np.log(Pn)[:, :, None] + mult[:, :, None] * F / (Pn[:, :, None] * Q)
                keep = 1.0 - (1.0 - rebuild) ** days_k
                L_nc = np.broadcast_to((L_nodes + keep * (lev0 - L_nodes))[:, :, None], lp0.shape)
                L_c = np.broadcast_to((L_nodes * (1.0 - liq_share))[:, :, None], lp0.shape)
                jump = np.log1p(-np.minimum(x_c * L_nodes / lev0, 0.95))[:, :, None]
                cont = np.zeros_like(qv)
                jw_h = _own_weights(own, h1)  # shared by every quadrature node and branch
                jw_H = _interp_weights(tot, H1)
                jw_L = {
                    False: _interp_weights(lev, L_nc.reshape(n, -1)),
                    True: _interp_weights(lev, L_c.reshape(n, -1)),
                }
                for z, wz in zip(gh_x, gh_w, strict=True):
                    lp = lp0 + (z * sd_ * math.sqrt(dtk))[:, :, None]
                    for crash, wc in ((False, 1.0 - pc[k]), (True, pc[k])):
                        if wc <= 0:
                            continue
                        jw_p = _interp_weights(logp, (lp + jump if crash else lp).reshape(n, -1))
                        vals = _interp4_jw(V_next, [jw_h, jw_H, jw_p, jw_L[crash]])
                        cont += wz * wc * vals.reshape(n, M, A)
                qv = qv + math.exp(-disc * dtk) * cont
            qv = np.where(stage.available[:, None, :], qv, -np.inf)
            q_values[k] = np.moveaxis(qv, 2, 1).reshape(n, A, Gh, GH, Gp, GL)
            V_next = qv.max(axis=2).reshape(n, Gh, GH, Gp, GL)
        return q_values

    def law_flows(W: NDArray, hbar: NDArray) -> tuple[NDArray, NDArray]:
        """``(K, NA, n)`` expected buy cash and BTC sold under the law's mixed actions ``W``."""
        B = np.zeros((K, NA, n))
        S = np.zeros((K, NA, n))
        for k in range(K):
            hk = holdings_at(hbar[k], Hg)
            c, q, _ = stage.flows(Pg, hk)
            B[k] = (W[k] * c).sum(-1)
            S[k] = (W[k] * q).sum(-1)
        return B, S

    def law_check(sol: MPESolution, W: NDArray, hbar: NDArray) -> tuple[NDArray, NDArray]:
        """Best responses ``(K, NA, n)`` at the law's nodes and the one-shot deviation gains
        ``max_a Q_i(a) - sum_a W_ia Q_i(a)`` (USD, ``(K, NA, n)``)."""
        br = np.zeros((K, NA, n), dtype=np.int64)
        gain = np.zeros((K, NA, n))
        for k in range(K):
            hk = holdings_at(hbar[k], Hg)
            vals = sol.values(k, Pg, hk, Lg)  # (NA, n, A), unavailable -inf
            br[k] = np.argmax(vals, axis=2)
            best = vals.max(axis=2)
            played = (W[k] * np.where(np.isfinite(vals), vals, 0.0)).sum(-1)
            gain[k] = np.maximum(best - played, 0.0)
        return br, gain

    def onehot(prof: NDArray) -> NDArray:
        out = np.zeros((*prof.shape, A))
        np.put_along_axis(out, prof[..., None], 1.0, axis=-1)
        return out

    # iteration 0: the myopic equilibrium at every node and on the mean path
    hbar = mean_path(myopic_decide)
    W = np.zeros((K, NA, n, A))
    for k in range(K):
        W[k] = onehot(myopic_decide(k, Pg, holdings_at(hbar[k], Hg), Lg))
    relax = LawRelaxation(np.argmax(W, axis=-1))
    cap_usd = max(float(stage.cash_usd.max(axis=1).sum()), 1.0)
    tol_usd = GAIN_TOLERANCE * stage.payoff_scale
    history: list[dict[str, float]] = []
    meta0 = {"holdings_outside_btc": H_out}
    converged = False
    residual = float("nan")
    gain_max = float("nan")
    change_share = float("nan")
    it = 0
    for it in range(1, g.iterations + 1):
        lawB, lawS = law_flows(W, hbar)
        q_values = backward(lawB, lawS)
        sol = MPESolution(
            stage, days, own, tot, logp, lev, q_values, it, False, 0.0, 0.0, 0.0, meta0
        )
        br, gain = law_check(sol, W, hbar)
        gain_max = float(gain.max())
        changed = br != relax.prev_br
        change_share = float(changed.mean())
        # the law's fixed-point gap: expected flow of the best responses minus the law's
        Wbr = onehot(br)
        gapB, gapS = law_flows(Wbr - W, hbar)
        gap_usd = np.abs(gapB + gapS * Pg[None, :, None])
        residual = float(gap_usd.max()) / cap_usd
        history.append(
            {
                "iteration": it,
                "max_deviation_gain_usd": gain_max,
                "residual": residual,
                "best_response_change_share": change_share,
                "mixed_share": float((W.max(axis=-1) < 1.0 - 1e-12).mean()),
            }
        )
        if gain_max <= tol_usd:
            converged = True
            break
        if it == g.iterations:
            break
        # Krusell-Smith update with a relaxation weight per entry (module docstring): 1 if the
        # entry never cycled, 2^s / 2 after one cycle, 1 / (1 + f) (fictitious play) after more
        W = relax.update(W, br)
        hb_new = mean_path(sol.decide)
        hbar = hbar + (hb_new - hbar) / (1.0 + float(relax.flips.max()))
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
        residual,
        gain_max,
        {
            "holdings_outside_btc": H_out,
            "crash_drop": x_c,
            "crash_liquidated_share": liq_share,
            "leverage0": lev0,
            "crash_rate_pa": crash_rate,
            "tolerance_usd": tol_usd,
            "mixed_share": float((W.max(axis=-1) < 1.0 - 1e-12).mean()),
            "mixed_entries": int((W.max(axis=-1) < 1.0 - 1e-12).sum()),
            "law_entries": int(W[..., 0].size),
            "history": history,
            "law_weights": W,
            "law_gains_usd": gain,
            "mean_path_holdings_btc": hbar,
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
