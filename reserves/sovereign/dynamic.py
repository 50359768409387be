r"""The dynamic sovereign game: decision dates, a state that moves, and the myopic equilibrium.

Time and state
--------------
Decision dates ``d_0 = 0 < d_1 < ... < d_{K-1}`` (days; monthly by default,
``period_days = 365 / 12``). At each date the state of a path is the price ``P``, the
sovereigns' risk signal ``sigma`` (volatility), every sovereign's holdings ``h_i`` (so the total
``H = sum_i h_i``), the flow multiplier ``m`` and the leverage of the market. Each sovereign
chooses an action ``a_i`` of the static game (:class:`~reserves.sovereign.model.SovereignGame`);
until the next date it executes the action at the static programme's pace,

.. math::

    b_i = c_i(a_i) / (365 T) \ \text{USD a day},\qquad
    s_i = q_i(a_i; h_i) / (365 T) \ \text{BTC a day},

with ``c_i`` the buy cash and ``q_i = -phi_i h_i`` the BTC sold of the static action over the
programme horizon ``T = market.horizon_years``. The market model (the daily simulation of
:mod:`reserves.scenarios.simulate`) moves the state between dates.

The stage game
--------------
The stage game at a state is the static game with the state's numbers substituted into the one
payoff expression (:func:`~reserves.sovereign.model.payoff_template`): ``P_0 -> P``,
``sigma -> sigma``, ``m -> m``, ``H_0 -> H``, ``h_i -> h_i``, ``s_i0 -> h_i / (H + eps)``; the
behavioural parameters stay those of the config (``kappa_i`` times the scenario's
``political_cost_scale``). At the config's initial state the stage game *is* the static game.

Myopic equilibrium (:class:`StageGame.myopic_profiles`)
-------------------------------------------------------
Each date every path plays the stage game's equilibrium selected as
:func:`reserves.demand.demand_schedule` does with its default rule ``"dynamics"``: best-response
dynamics with the ``"max-gain"`` rule of :func:`reserves.sovereign.adoption.adoption_path`
(each round the sovereign with the largest payoff gain switches to its best response; ties to
the first action label) from the status quo. At date 0 the status quo is
:func:`~reserves.sovereign.aggregative.extremal_starts`' ``status_quo`` profile, so the first
period's flows equal :func:`reserves.demand.equilibrium_demand` of the selected static
equilibrium at ``P_0``; at later dates it is the previous date's profile (a sovereign's status
quo is what it was doing). Assumption: sovereigns do not anticipate how today's flows move
tomorrow's state (the forward-looking concept is :mod:`reserves.sovereign.dynamic_mpe`).

Steady state of a deterministic path (closed form, symmetric roster)
--------------------------------------------------------------------
With no shocks and no diffusion, ``m = 0`` and ``theta = 0``, a symmetric roster's gain from
accumulating at own holdings ``h`` (price fixed at ``P_0``, ``c = alpha W``) is

.. math::

    \Delta u(h) = c\,(V / P_0 - 1 - r T) - \gamma \sigma^2 T (2 h c P_0 + c^2) / (2 W) - \kappa,

so every sovereign accumulates while ``h < h^*`` with
``h^* = [2 W (c (V/P_0 - 1 - r T) - kappa) / (gamma sigma^2 T) - c^2] / (2 c P_0)`` and the path
stops at ``h_inf = h_0 + delta ceil((h^* - h_0) / delta)``, ``delta = c Delta / (T P_0)`` (one
period's purchase): :func:`steady_state_symmetric` states it; ``tests/test_dynamic_game.py``
checks it against sympy and the simulated path.

References
----------
Maskin, E. and Tirole, J. (2001). Markov perfect equilibrium I. JET 100(2).
Fudenberg, D. and Levine, D. (1998). The Theory of Learning in Games. MIT Press, ch. 1.
Gabaix, X. and Koijen, R. (2021). In search of the origins of financial fluctuations: the
inelastic markets hypothesis. NBER w28967.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from reserves.errors import ConfigError

__all__ = [
    "CONCEPTS",
    "DAYS_PER_YEAR",
    "AdoptionPaths",
    "StageGame",
    "decision_days",
    "steady_state_symmetric",
]

DAYS_PER_YEAR = 365.0
#: equilibrium concepts of the dynamic game
CONCEPTS: tuple[str, ...] = ("myopic", "mpe")


def decision_days(
    horizon_days: int,
    period_days: float,
    explicit: Sequence[int] | None = None,
    *,
    field_name: str = "scenarios.base.adoption",
) -> NDArray[np.int64]:
    """The decision dates (days from the start) of a horizon.

    ``explicit`` dates are used as given (they must start at 0, increase and lie before the
    horizon's last day); otherwise ``round(k * period_days)`` for ``k = 0, 1, ...`` while below
    ``horizon_days``.

    Raises
    ------
    ConfigError
        A non-positive period, or dates that are negative, unordered or beyond the horizon.
    """
    if not (isinstance(period_days, int | float) and math.isfinite(period_days)):
        raise ConfigError(
            f"period_days = {period_days!r} is not a number",
            field=f"{field_name}.period_days",
            fix="e.g. 30.4 (monthly) or 91.25 (quarterly)",
        )
    if period_days <= 0:
        raise ConfigError(
            f"period length must be positive, got {period_days:g} days",
            field=f"{field_name}.period_days",
            fix="e.g. 30.4 (monthly) or 91.25 (quarterly)",
        )
    if explicit is not None:
        d = np.asarray(list(explicit), dtype=np.int64)
        if d.size == 0 or d[0] != 0:
            raise ConfigError(
                "decision dates must start at day 0",
                field=f"{field_name}.decision_days",
                fix="list days like [0, 30, 60, ...]",
            )
        if np.any(np.diff(d) <= 0):
            raise ConfigError(
                "decision dates must increase",
                field=f"{field_name}.decision_days",
                fix="sort them and drop repeats",
            )
        if d[-1] >= horizon_days:
            raise ConfigError(
                f"decision date day {int(d[-1])} is beyond the horizon ({horizon_days} days)",
                field=f"{field_name}.decision_days",
                fix=f"keep every date below {horizon_days} or lengthen the horizon",
            )
        return d
    k = np.arange(0, max(1, math.ceil(horizon_days / period_days)))
    d = np.unique(np.rint(k * period_days).astype(np.int64))
    return d[d < horizon_days]


@lru_cache(maxsize=1)
def _payoff_function() -> tuple[Any, Any]:
    """The payoff template lambdified over all its symbols (``S.all`` order)."""
    from reserves.sovereign.model import payoff_template

    u, S = payoff_template()
    return sp.lambdify(S.all, u, modules="numpy", cse=True), S


class StageGame:
    """The sovereign game at a state, vectorized over paths (see the module docstring).

    Parameters
    ----------
    cfg:
        A validated :class:`~reserves.config.ReservesConfig`.
    political_cost_scale:
        Multiplies every ``kappa_i`` (the scenario's adoption-politics driver).

    Attributes
    ----------
    players, action_labels:
        As in :class:`~reserves.sovereign.model.SovereignGame`.
    cash_usd:
        ``(n, A)`` buy cash ``c_i(a)`` over the programme horizon.
    sell_frac:
        ``(n, A)`` BTC sold per BTC held (``q_i(a) = -sell_frac h_i``).
    holdings0_btc:
        ``(n,)`` the config's holdings.
    """

    def __init__(self, cfg: Any, *, political_cost_scale: float = 1.0) -> None:
        from reserves.sovereign.aggregative import extremal_starts
        from reserves.sovereign.model import SovereignGame

        if not political_cost_scale >= 0:
            raise ConfigError(
                f"political_cost_scale = {political_cost_scale} must be >= 0",
                field="adoption.political_cost_scale",
            )
        sg = SovereignGame(cfg)
        self.game = sg
        self.config = cfg
        self.players: tuple[str, ...] = sg.players
        self.action_labels: tuple[str, ...] = sg.action_labels
        f, S = _payoff_function()
        self._f = f
        self._S = S
        mv = sg.market_values()
        self.market = {s: float(v) for s, v in mv.items()}
        pvals = [sg.player_values(i) for i in range(sg.num_players)]
        self.params = {s: np.array([float(p[s]) for p in pvals]) for s in S.player}
        self.params[S.kappa] = self.params[S.kappa] * float(political_cost_scale)
        fl = sg.flows
        self.cash_usd = np.asarray(fl.c, dtype=float)
        self.acc = np.asarray(fl.acc, dtype=float)
        self.available = np.asarray(fl.available, dtype=bool)
        h0 = np.array([s.holdings_btc for s in sg.sovereigns], dtype=float)
        self.holdings0_btc = h0
        sell = np.array([[s.sell_share] for s in sg.sovereigns], dtype=float)
        per_btc = np.divide(fl.q, h0[:, None], out=np.zeros_like(fl.q), where=h0[:, None] > 0)
        is_sell = np.array([a == "sell" for a in sg.action_labels])[None, :]
        self.sell_frac = np.where(h0[:, None] > 0, -per_btc, np.where(is_sell, sell, 0.0))
        self.horizon_years = float(cfg.market.horizon_years)
        self.status_quo = np.asarray(extremal_starts(sg)["status_quo"], dtype=np.int64)
        self.payoff_scale = float(sg.payoff_scale)
        self.political_cost_scale = float(political_cost_scale)

    @property
    def num_players(self) -> int:
        return len(self.players)

    # ------------------------------------------------------------------ flows and payoffs
    def flows(self, price_usd: NDArray, holdings_btc: NDArray) -> tuple[NDArray, NDArray, NDArray]:
        """``(c, q, x)`` of every action at a state: shape ``(paths, n, A)``.

        ``q = -sell_frac h`` (BTC), ``x = c + q P`` (USD order flow at the state's price).
        """
        q = -self.sell_frac[None] * holdings_btc[:, :, None]
        c = np.broadcast_to(self.cash_usd[None], q.shape)
        x = c + q * price_usd[:, None, None]
        return c, q, x

    def action_payoffs(
        self,
        price_usd: NDArray,
        sigma_pa: NDArray,
        holdings_btc: NDArray,
        profile: NDArray,
        multiplier: NDArray | float | None = None,
    ) -> NDArray:
        """Payoff of every sovereign's every action against the others' current actions.

        Parameters
        ----------
        price_usd, sigma_pa:
            ``(paths,)`` the state's price and volatility.
        holdings_btc:
            ``(paths, n)`` holdings.
        profile:
            ``(paths, n)`` action label indices.
        multiplier:
            flow multiplier ``m`` per path (default: the config's).

        Returns
        -------
        ``(paths, n, A)`` payoffs in USD; unavailable actions are ``-inf``.
        """
        S = self._S
        P = np.asarray(price_usd, dtype=float)
        h = np.asarray(holdings_btc, dtype=float)
        c, q, x = self.flows(P, h)
        prof = np.asarray(profile, dtype=np.int64)[:, :, None]
        cur_c = np.take_along_axis(c, prof, 2)[..., 0]
        cur_q = np.take_along_axis(q, prof, 2)[..., 0]
        cur_x = np.take_along_axis(x, prof, 2)[..., 0]
        X = (cur_x.sum(1)[:, None] - cur_x)[..., None] + x
        B = (cur_c.sum(1)[:, None] - cur_c)[..., None] + c
        Sq = (cur_q.sum(1)[:, None] - cur_q)[..., None] + q
        H = h.sum(1)
        eps = self.market[S.eps]
        vals: dict[Any, Any] = dict(self.market)
        vals[S.P0] = P[:, None, None]
        vals[S.sigma] = np.asarray(sigma_pa, dtype=float)[:, None, None]
        vals[S.H0] = H[:, None, None]
        if multiplier is not None:
            m = np.asarray(multiplier, dtype=float)
            vals[S.m] = m[:, None, None] if m.ndim else float(m)
        for s, arr in self.params.items():
            vals[s] = arr[None, :, None]
        vals[S.h] = h[:, :, None]
        vals[S.s0] = (h / (H[:, None] + eps))[:, :, None]
        vals[S.c] = c
        vals[S.q] = q
        vals[S.acc] = self.acc[None]
        vals[S.X] = X
        vals[S.B] = B
        vals[S.S] = Sq
        u = np.asarray(self._f(*[vals[s] for s in S.all]), dtype=float)
        u = np.broadcast_to(u, x.shape)
        return np.where(self.available[None], u, -np.inf)

    # ------------------------------------------------------------------ equilibrium
    def myopic_profiles(
        self,
        price_usd: NDArray,
        sigma_pa: NDArray,
        holdings_btc: NDArray,
        start: NDArray | None = None,
        multiplier: NDArray | float | None = None,
        *,
        rule: str = "max-gain",
        max_rounds: int | None = None,
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """The stage-game equilibrium of every path by best-response dynamics.

        ``rule="max-gain"`` (:func:`adoption_path`'s default, used at date 0): each round, on
        every path that still has a strictly profitable deviation (gain above
        ``1e-12 * payoff_scale``, :func:`adoption_path`'s tolerance), the one sovereign with the
        largest gain switches to its best response (first label on ties).
        ``rule="simultaneous"`` (used at later dates, where the start is the previous
        equilibrium and few sovereigns move): every sovereign with a strict gain switches at
        once; a path that returns to the profile of two rounds before (a two-cycle: in an
        aggregative game with price impact, near-indifferent sovereigns overshoot together)
        continues by max-gain, and the share of movers that switch halves every 16 rounds, so
        longer cycles end too (down to max-gain). Paths stop
        when no sovereign gains; a path still moving after ``max_rounds`` (default
        ``10 n + 10``) keeps its last profile and is flagged.

        Returns
        -------
        (profiles, converged): ``(paths, n)`` label indices and ``(paths,)`` flags.
        """
        if rule not in ("max-gain", "simultaneous"):
            raise ConfigError(
                f"unknown rule {rule!r}", field="rule", fix="use 'max-gain' or 'simultaneous'"
            )
        P = np.asarray(price_usd, dtype=float)
        npaths = P.size
        n = self.num_players
        prof = (
            np.broadcast_to(self.status_quo, (npaths, n)).copy()
            if start is None
            else np.array(start, dtype=np.int64, copy=True)
        )
        sig = np.broadcast_to(np.asarray(sigma_pa, dtype=float), (npaths,))
        mult = None if multiplier is None else np.broadcast_to(multiplier, (npaths,))
        tol = 1e-12 * self.payoff_scale
        active = np.arange(npaths)
        limit = max_rounds if max_rounds is not None else 10 * n + 10
        maxgain = np.full(npaths, rule == "max-gain")
        frac = np.ones(npaths)  # share of the movers that switch (0 after a two-cycle)
        before = prof.copy()  # profile two rounds back (simultaneous two-cycle check)
        for rnd in range(limit):
            if rnd >= 16 and rnd % 16 == 0:  # longer cycles: the movers halve every 16 rounds
                frac *= 0.5
            u = self.action_payoffs(
                P[active],
                sig[active],
                holdings_btc[active],
                prof[active],
                None if mult is None else mult[active],
            )
            cur = np.take_along_axis(u, prof[active][:, :, None], 2)[..., 0]
            gains = u.max(axis=2) - cur
            i = np.argmax(gains, axis=1)
            g = gains[np.arange(active.size), i]
            move = g > tol
            if not move.any():
                active = active[:0]
                break
            rows = np.flatnonzero(move)
            paths = active[rows]
            mg = maxgain[paths]
            r1 = rows[mg]
            prof_old = prof[paths].copy()
            prof[active[r1], i[r1]] = np.argmax(u[r1, i[r1]], axis=-1)
            r2 = rows[~mg]
            if r2.size:
                best = np.argmax(u[r2], axis=-1)
                g2 = gains[r2]
                gain2 = g2 > tol
                p2 = active[r2]
                k = np.maximum(1, np.ceil(frac[p2] * gain2.sum(axis=1))).astype(np.intp)
                kth = np.take_along_axis(-np.sort(-g2, axis=1), (k - 1)[:, None], axis=1)
                movers = gain2 & (g2 >= kth)
                prof[p2] = np.where(movers, best, prof[p2])
                cyc = np.all(prof[p2] == before[p2], axis=1)
                frac[p2[cyc]] = 0.0  # a two-cycle: the most eager sovereign alone (max-gain)
            before[paths] = prof_old
            active = paths
        converged = np.ones(npaths, dtype=bool)
        converged[active] = False
        return prof, converged

    def rates(
        self, profile: NDArray, price_usd: NDArray, holdings_btc: NDArray
    ) -> tuple[NDArray, NDArray]:
        """Daily execution of a profile: ``(buy USD a day, BTC sold a day)``, each ``(paths, n)``.

        ``b_i = c_i(a_i) / (365 T)``, ``s_i = q_i(a_i; h_i) / (365 T)`` (``s_i <= 0``).
        """
        c, q, _ = self.flows(price_usd, holdings_btc)
        k = np.asarray(profile, dtype=np.int64)[:, :, None]
        days = DAYS_PER_YEAR * self.horizon_years
        return (
            np.take_along_axis(c, k, 2)[..., 0] / days,
            np.take_along_axis(q, k, 2)[..., 0] / days,
        )

    def accumulating(self, profile: NDArray) -> NDArray[np.bool_]:
        """Whether each sovereign's action buys (``c > 0``)."""
        k = np.asarray(profile, dtype=np.int64)
        n = self.num_players
        return self.cash_usd[np.arange(n)[None, :], k] > 0


# ----------------------------------------------------------------------------- closed form


def steady_state_symmetric(
    *,
    price_usd: float,
    value_usd: float,
    reserves_usd: float,
    buy_share: float,
    cost_of_capital_pa: float,
    risk_aversion: float,
    vol_pa: float,
    horizon_years: float,
    political_cost_usd: float,
    holdings0_btc: float,
    period_days: float,
) -> dict[str, float]:
    r"""Closed-form steady state of the myopic game's deterministic path (symmetric roster,
    ``m = 0``, ``theta = 0``; see the module docstring).

    Returns
    -------
    dict with ``threshold_btc`` (``h^*``), ``step_btc`` (``delta``), ``periods`` (dates on
    which the roster accumulates) and ``holdings_btc`` (``h_inf``, each sovereign's).
    """
    c = buy_share * reserves_usd
    num = c * (value_usd / price_usd - 1.0 - cost_of_capital_pa * horizon_years)
    num -= political_cost_usd
    denom = risk_aversion * vol_pa**2 * horizon_years
    h_star = (2.0 * reserves_usd * num / denom - c * c) / (2.0 * c * price_usd)
    step = c * (period_days / DAYS_PER_YEAR) / (horizon_years * price_usd)
    k = max(0, math.ceil((h_star - holdings0_btc) / step - 1e-12))
    return {
        "threshold_btc": float(h_star),
        "step_btc": float(step),
        "periods": float(k),
        "holdings_btc": float(holdings0_btc + k * step),
    }


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AdoptionPaths:
    """Adoption by sovereign at each decision date, across simulated paths.

    Attributes
    ----------
    scenario, concept:
        The C17 case and the equilibrium concept (``myopic`` or ``mpe``).
    start_date:
        ISO date of day 0.
    decision_days:
        ``(K,)`` days of the decision dates.
    players:
        Sovereign names.
    committed_usd, committed_btc:
        ``(K, n)`` medians across paths of the cumulative USD bought (net of sales at their
        execution price) and BTC bought (net) by each sovereign before each date; row 0 is 0.
    accumulating_share:
        ``(K, n)`` share of paths on which each sovereign's chosen action buys at each date.
    first_flow_usd:
        ``(n,)`` the order flow (USD over the programme horizon) chosen at date 0.
    unconverged_share:
        Share of (path, date) stage games whose best-response dynamics hit the round cap.
    """

    scenario: str
    concept: str
    start_date: str
    decision_days: NDArray[np.int64]
    players: tuple[str, ...]
    committed_usd: NDArray[np.float64]
    committed_btc: NDArray[np.float64]
    accumulating_share: NDArray[np.float64]
    first_flow_usd: NDArray[np.float64]
    unconverged_share: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)

    def dates(self) -> list[str]:
        """ISO dates of the decision dates."""
        import datetime as dt

        d0 = dt.date.fromisoformat(self.start_date)
        return [(d0 + dt.timedelta(days=int(d))).isoformat() for d in self.decision_days]

    def total_committed_usd(self) -> NDArray[np.float64]:
        """Sum over sovereigns of the median committed USD at each date."""
        return self.committed_usd.sum(axis=1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates and, per sovereign, the median committed USD and BTC at each."""
        return {
            "scenario": self.scenario,
            "concept": self.concept,
            "decision_days": self.decision_days.tolist(),
            "dates": self.dates(),
            "statistic": "median across paths of cumulative net purchases before each date",
            "unconverged_share": float(self.unconverged_share),
            "sovereigns": [
                {
                    "name": p,
                    "committed_usd": self.committed_usd[:, i].tolist(),
                    "committed_btc": self.committed_btc[:, i].tolist(),
                    "accumulating_share": self.accumulating_share[:, i].tolist(),
                    "first_flow_usd": float(self.first_flow_usd[i]),
                }
                for i, p in enumerate(self.players)
            ],
            "meta": self.meta,
        }

    def to_frame(self) -> Any:
        """Long table: scenario, date, day, sovereign, committed_usd, committed_btc, share."""
        import pandas as pd

        K, n = self.committed_usd.shape
        return pd.DataFrame(
            {
                "scenario": self.scenario,
                "concept": self.concept,
                "date": np.repeat(self.dates(), n),
                "day": np.repeat(self.decision_days, n),
                "sovereign": np.tile(self.players, K),
                "committed_usd": self.committed_usd.ravel(),
                "committed_btc": self.committed_btc.ravel(),
                "accumulating_share": self.accumulating_share.ravel(),
            }
        )
