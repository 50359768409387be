"""The sovereign accumulate-or-sell game: one payoff definition, two back ends.

Each sovereign's payoff is written once as a sympy expression (:func:`payoff_template`) in
generic symbols; :class:`SovereignGame` substitutes the config's numbers, and the numeric
payoffs come from ``sympy.lambdify`` of the same expression, so symbolic and numeric results
cannot drift apart.

The payoff (MODEL.md section 2, with two deliberate refinements noted below). Player i takes
action a with own buy cash ``c`` (USD), BTC sold ``q <= 0`` and order flow at the entry price
``x = c + q P0``. With the aggregates over all sovereigns ``X = sum_j x_j`` (USD order flow),
``B = sum_j c_j`` (buy cash) and ``S = sum_j q_j`` (BTC sold, <= 0):

    P1   = P0 exp(m X / (P0 Q))                  post-flow price (log-linear impact)
    Pbar = (P0 + P1) / 2                          execution price
    H_i  = h_i + c / Pbar + q                     holdings after
    Hsum = sum_j h_j + B / Pbar + S               sovereign holdings after
    s_i  = H_i / (Hsum + eps)                     relative reserve share
    u_i  = H_i V_i - h_i P0 - (c + q Pbar)        financial result (note (1 + mu_i)^T = V_i / P1)
           - r_i T c                              cost of the cash deployed
           - gamma_i sigma^2 T (H_i P1)^2 / (2 W_i)   mean-variance risk charge
           + theta_i W_i (s_i - s_i0)             strategic value of relative position
           - kappa_i [a = accumulate]             political cost
           + eta_i T P0 (H_i - h_i)               hedge value of coins bought (or sold)

The hedge term (:mod:`reserves.sovereign.motives`) is the microfounded strategic motive: a coin
held cannot be frozen by a reserve-currency issuer (sanctions) nor debased, so each USD moved
into BTC avoids ``eta_i`` USD of expected loss per year, ``eta_i = p_i L_i`` for a freeze of
probability ``p_i`` per year destroying the share ``L_i`` (Ferranti 2025, JIMF 159, 103433).

Accumulating is a share of reserves: ``c = alpha W_i`` with ``alpha = max_buy_share`` by
default, or one action per share of ``game.buy_shares`` (labels like ``"accumulate 0.5%"``).

Refinements over MODEL.md: (1) the price impact is log-linear, ``P1 = P0 exp(m X / M0)``,
which equals the linear ``P0 (1 + m X / M0)`` to first order and stays positive for any sale,
instead of a clip; (2) a sale is a quantity of BTC (``phi_i h_i``) sold at ``Pbar``, so holdings
never go negative, and the share has a tiny floor ``eps`` (``market.share_floor_btc``) so that it
is defined when nobody holds any. ``s_i0 = h_i / (sum_j h_j + eps)``.

Payoffs depend on the others only through (X, B, S): the game is aggregative, which
:mod:`reserves.sovereign.aggregative` uses to solve rosters of hundreds of sovereigns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import sympy as sp

from reserves.config import ReservesConfig, SovereignConfig
from reserves.errors import ConfigError, GameFormatError
from reserves.nash.normal_form import Game

#: payoff tensors larger than this many entries are not built (use the aggregative solver)
MAX_TENSOR_ENTRIES = 2**23 * 24


@dataclass(frozen=True)
class PayoffSymbols:
    """The sympy symbols of :func:`payoff_template`, by role."""

    # market
    P0: sp.Symbol
    Q: sp.Symbol
    m: sp.Symbol
    sigma: sp.Symbol
    T: sp.Symbol
    eps: sp.Symbol
    H0: sp.Symbol
    # player
    V: sp.Symbol
    W: sp.Symbol
    h: sp.Symbol
    r: sp.Symbol
    gamma: sp.Symbol
    theta: sp.Symbol
    kappa: sp.Symbol
    s0: sp.Symbol
    eta: sp.Symbol
    # own action
    c: sp.Symbol
    q: sp.Symbol
    acc: sp.Symbol
    # aggregates over all sovereigns (own action included)
    X: sp.Symbol
    B: sp.Symbol
    S: sp.Symbol

    @property
    def market(self) -> tuple[sp.Symbol, ...]:
        return (self.P0, self.Q, self.m, self.sigma, self.T, self.eps, self.H0)

    @property
    def player(self) -> tuple[sp.Symbol, ...]:
        return (
            self.V,
            self.W,
            self.h,
            self.r,
            self.gamma,
            self.theta,
            self.kappa,
            self.s0,
            self.eta,
        )

    @property
    def action(self) -> tuple[sp.Symbol, ...]:
        return (self.c, self.q, self.acc)

    @property
    def aggregate(self) -> tuple[sp.Symbol, ...]:
        return (self.X, self.B, self.S)

    @property
    def all(self) -> tuple[sp.Symbol, ...]:
        return (*self.market, *self.player, *self.action, *self.aggregate)


@lru_cache(maxsize=1)
def payoff_template() -> tuple[sp.Expr, PayoffSymbols]:
    """The payoff ``u_i`` as one sympy expression and its symbols (see the module docstring)."""
    pos = {"positive": True, "real": True}
    nonneg = {"nonnegative": True, "real": True}
    real = {"real": True}
    S = PayoffSymbols(
        P0=sp.Symbol("P_0", **pos),
        Q=sp.Symbol("Q", **pos),
        m=sp.Symbol("m", **nonneg),
        sigma=sp.Symbol("sigma", **pos),
        T=sp.Symbol("T", **pos),
        eps=sp.Symbol("epsilon", **pos),
        H0=sp.Symbol("H_0", **nonneg),
        V=sp.Symbol("V", **pos),
        W=sp.Symbol("W", **pos),
        h=sp.Symbol("h", **nonneg),
        r=sp.Symbol("r", **real),
        gamma=sp.Symbol("gamma", **nonneg),
        theta=sp.Symbol("theta", **nonneg),
        kappa=sp.Symbol("kappa", **nonneg),
        s0=sp.Symbol("s_0", **nonneg),
        eta=sp.Symbol("eta", **nonneg),
        c=sp.Symbol("c", **nonneg),
        q=sp.Symbol("q", real=True, nonpositive=True),
        acc=sp.Symbol("a", **nonneg),
        X=sp.Symbol("X", **real),
        B=sp.Symbol("B", **nonneg),
        S=sp.Symbol("S", real=True, nonpositive=True),
    )
    P1 = S.P0 * sp.exp(S.m * S.X / (S.P0 * S.Q))
    Pbar = (S.P0 + P1) / 2
    H = S.h + S.c / Pbar + S.q
    Hsum = S.H0 + S.B / Pbar + S.S
    share = H / (Hsum + S.eps)
    u = (
        H * S.V
        - S.h * S.P0
        - (S.c + S.q * Pbar)
        - S.r * S.T * S.c
        - S.gamma * S.sigma**2 * S.T * (H * P1) ** 2 / (2 * S.W)
        + S.theta * S.W * (share - S.s0)
        - S.kappa * S.acc
        + S.eta * S.T * S.P0 * (H - S.h)
    )
    return u, S


@lru_cache(maxsize=1)
def _numeric_payoff() -> Callable[..., Any]:
    u, S = payoff_template()
    return sp.lambdify(S.all, u, modules="numpy", cse=True)


@dataclass(frozen=True)
class ActionFlows:
    """Per-player, per-action flows: arrays of shape (N, A) over the game's action labels.

    ``c`` buy cash (USD), ``q`` BTC sold (<= 0), ``x`` order flow at the entry price (USD),
    ``acc`` 1 for accumulate, ``available`` whether the player may take the action.
    """

    c: np.ndarray
    q: np.ndarray
    x: np.ndarray
    acc: np.ndarray
    available: np.ndarray


class SovereignGame:
    """The N-sovereign accumulate-or-sell game built from a config.

    Parameters
    ----------
    config:
        a validated :class:`~reserves.config.ReservesConfig`.
    price_usd:
        entry price ``P0`` override (the demand schedule re-solves the game on a price grid).

    Notes
    -----
    Players with a restricted action set (``sovereigns[i].actions``) keep only those actions;
    :meth:`to_game` builds the ragged normal form.
    """

    def __init__(self, config: ReservesConfig, *, price_usd: float | None = None) -> None:
        if not isinstance(config, ReservesConfig):
            raise ConfigError(
                f"SovereignGame needs a ReservesConfig, got {type(config).__name__}",
                fix="use reserves.load_config(path) or reserves.config_from_dict(mapping)",
            )
        self.config = config
        self.title = config.name
        self.config_hash = config.content_hash()
        m = config.market
        self.price_usd = float(price_usd) if price_usd is not None else m.price_usd
        if not np.isfinite(self.price_usd) or self.price_usd <= 0:
            raise ConfigError(
                f"price_usd = {price_usd!r} must be a positive number", field="price_usd"
            )
        self.sovereigns: list[SovereignConfig] = config.players
        self.players: tuple[str, ...] = tuple(s.name for s in self.sovereigns)
        grid = config.game.buy_shares
        labels: list[str] = []
        for a in [*config.game.actions, *(a for s in self.sovereigns for a in s.actions or [])]:
            for lab in expand_action(a, grid):
                if lab not in labels:
                    labels.append(lab)
        self.action_labels: tuple[str, ...] = tuple(labels)
        self.actions: tuple[tuple[str, ...], ...] = tuple(
            tuple(
                lab
                for lab in self.action_labels
                if action_kind(lab)[0] in (s.actions or config.game.actions)
            )
            for s in self.sovereigns
        )
        for s, acts in zip(self.sovereigns, self.actions, strict=True):
            if not acts:
                raise ConfigError(f"sovereign {s.name} has no action left", field="actions")

    # ------------------------------------------------------------------ parameters
    @property
    def num_players(self) -> int:
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a) for a in self.actions)

    @property
    def num_profiles(self) -> int:
        return math.prod(self.shape)  # Python int: never overflows

    def with_price(self, price_usd: float) -> SovereignGame:
        """The same game at another entry price ``P0``."""
        return SovereignGame(self.config, price_usd=price_usd)

    @cached_property
    def total_holdings_btc(self) -> float:
        return float(sum(s.holdings_btc for s in self.sovereigns))

    def market_values(self) -> dict[sp.Symbol, float]:
        """Numbers for the market symbols of :func:`payoff_template`."""
        _, S = payoff_template()
        m = self.config.market
        return {
            S.P0: self.price_usd,
            S.Q: m.supply_btc,
            S.m: m.flow_multiplier,
            S.sigma: m.vol_pa,
            S.T: m.horizon_years,
            S.eps: m.share_floor_btc,
            S.H0: self.total_holdings_btc,
        }

    def player_values(self, i: int) -> dict[sp.Symbol, float]:
        """Numbers for player ``i``'s symbols of :func:`payoff_template`."""
        _, S = payoff_template()
        s = self.sovereigns[i]
        m = self.config.market
        return {
            S.V: s.value_belief_usd or m.value_belief_usd,
            S.W: s.reserves_usd,
            S.h: s.holdings_btc,
            S.r: s.cost_of_capital_pa,
            S.gamma: s.risk_aversion,
            S.theta: s.strategic_weight,
            S.kappa: s.political_cost_usd,
            S.s0: s.holdings_btc / (self.total_holdings_btc + m.share_floor_btc),
            S.eta: s.hedge_pa,
        }

    @cached_property
    def _market_tuple(self) -> tuple[float, ...]:
        """(P0, Q, m, sigma, T, eps, H0), computed once per game (payoff() is a hot path)."""
        return tuple(self.market_values().values())

    @cached_property
    def _param_arrays(self) -> tuple[np.ndarray, ...]:
        """(V, W, h, r, gamma, theta, kappa, s0) as arrays over players."""
        _, S = payoff_template()
        vals = [self.player_values(i) for i in range(self.num_players)]
        return tuple(np.array([v[sym] for v in vals]) for sym in S.player)

    def player_flows(self, i: int, action: str) -> tuple[float, float, float, float]:
        """``(c, q, x, acc)`` for player ``i`` taking ``action`` (see the module docstring)."""
        s = self.sovereigns[i]
        kind, share = action_kind(action)
        if kind == "accumulate":
            c = (s.max_buy_share if share is None else share) * s.reserves_usd
            return c, 0.0, c, 1.0
        if action == "sell":
            q = -s.sell_share * s.holdings_btc
            return 0.0, q, q * self.price_usd, 0.0
        if action == "hold":
            return 0.0, 0.0, 0.0, 0.0
        raise ConfigError(
            f"unknown action {action!r}", field="actions", fix="use accumulate, hold or sell"
        )

    @cached_property
    def flows(self) -> ActionFlows:
        """Flows of every player's every action label, shape (N, len(action_labels))."""
        n, A = self.num_players, len(self.action_labels)
        c, q, x, acc = (np.zeros((n, A)) for _ in range(4))
        avail = np.zeros((n, A), dtype=bool)
        for i in range(n):
            for k, a in enumerate(self.action_labels):
                c[i, k], q[i, k], x[i, k], acc[i, k] = self.player_flows(i, a)
                avail[i, k] = a in self.actions[i]
        return ActionFlows(c, q, x, acc, avail)

    # ------------------------------------------------------------------ payoffs
    def payoff(
        self,
        i: int | np.ndarray,
        c: Any,
        q: Any,
        acc: Any,
        X: Any,
        B: Any,
        S: Any,
    ) -> np.ndarray:
        """Numeric payoff of player(s) ``i`` (vectorized; arguments broadcast together)."""
        f = _numeric_payoff()
        params = [p[i] for p in self._param_arrays]
        return np.asarray(f(*self._market_tuple, *params, c, q, acc, X, B, S), dtype=float)

    def payoff_expr(self, i: int, *, substitute_market: bool = True) -> sp.Expr:
        """Player ``i``'s payoff as a sympy expression in (c, q, a, X, B, S)."""
        u, _ = payoff_template()
        subs = dict(self.player_values(i))
        if substitute_market:
            subs.update(self.market_values())
        return u.subs(subs)

    def action_payoffs(self, profile_labels: Sequence[int]) -> np.ndarray:
        """Payoffs of every player's every action label against the others' pure actions.

        ``profile_labels[j]`` is the index (into :attr:`action_labels`) of player j's action.
        Returns shape (N, len(action_labels)); unavailable actions are ``-inf``.
        """
        fl = self.flows
        n = self.num_players
        rows = np.arange(n)
        k = np.asarray(profile_labels, dtype=int)
        X = fl.x[rows, k].sum()
        B = fl.c[rows, k].sum()
        Sq = fl.q[rows, k].sum()
        X_o = X - fl.x[rows, k]
        B_o = B - fl.c[rows, k]
        S_o = Sq - fl.q[rows, k]
        u = self.payoff(
            rows[:, None],
            fl.c,
            fl.q,
            fl.acc,
            X_o[:, None] + fl.x,
            B_o[:, None] + fl.c,
            S_o[:, None] + fl.q,
        )
        return np.where(fl.available, u, -np.inf)

    def labels_of(self, profile_indices: Sequence[int]) -> np.ndarray:
        """Map per-player action indices (into ``actions[i]``) to label indices."""
        return np.array(
            [self.action_labels.index(self.actions[i][k]) for i, k in enumerate(profile_indices)]
        )

    # ------------------------------------------------------------------ verification
    @property
    def payoff_scale(self) -> float:
        """Typical payoff size: the largest accumulate cash plus the largest holding's value."""
        fl = self.flows
        return float(max(np.abs(fl.x).max(), 1.0))

    def regrets(self, profile: Sequence[np.ndarray]) -> np.ndarray:
        """Per-player regret of a mixed profile (exact, by enumeration for small games;
        pure profiles of any size through the aggregates)."""
        idx = []
        for s in profile:
            s = np.asarray(s, dtype=float)
            k = int(np.argmax(s))
            if s[k] < 1 - 1e-12:
                idx = None
                break
            idx.append(k)
        if idx is not None:
            labels = self.labels_of(idx)
            u = self.action_payoffs(labels)
            own = u[np.arange(self.num_players), labels]
            return np.maximum(u.max(axis=1) - own, 0.0)
        return self.to_game().regrets(profile)

    def expected_payoffs(self, profile: Sequence[np.ndarray]) -> np.ndarray:
        idx = [int(np.argmax(s)) for s in profile]
        if all(float(np.max(s)) >= 1 - 1e-12 for s in profile):
            labels = self.labels_of(idx)
            return self.action_payoffs(labels)[np.arange(self.num_players), labels]
        return self.to_game().expected_payoffs(profile)

    # ------------------------------------------------------------------ normal form
    def to_game(self) -> Game:
        """The full payoff tensor (one lambdified evaluation per player, broadcast over profiles).

        Raises :class:`GameFormatError` past ``MAX_TENSOR_ENTRIES``; use the aggregative solver.
        """
        n = self.num_players
        entries = self.num_profiles * n
        if entries > MAX_TENSOR_ENTRIES:
            raise GameFormatError(
                f"{n} players x {self.num_profiles:,} profiles is too large for a payoff tensor",
                fix="solve with method='aggregative' (no tensor is built)",
            )
        return self._tensor_game

    def aggregative_solve(self, **kw: Any) -> Any:
        """Extremal pure equilibria without a tensor (the hook ``reserves.solve`` calls;
        :func:`reserves.sovereign.aggregative.aggregative_solve`)."""
        from reserves.sovereign.aggregative import aggregative_solve

        return aggregative_solve(self, **kw)

    @cached_property
    def _tensor_game(self) -> Game:
        n = self.num_players
        c_ax, q_ax, x_ax, a_ax = [], [], [], []
        for i in range(n):
            flows = np.array([self.player_flows(i, a) for a in self.actions[i]])
            shape = [1] * n
            shape[i] = len(self.actions[i])
            c_ax.append(flows[:, 0].reshape(shape))
            q_ax.append(flows[:, 1].reshape(shape))
            x_ax.append(flows[:, 2].reshape(shape))
            a_ax.append(flows[:, 3].reshape(shape))
        X = sum(x_ax)
        B = sum(c_ax)
        Sq = sum(q_ax)
        full = self.shape
        pay = np.empty((n, *full))
        for i in range(n):
            pay[i] = np.broadcast_to(self.payoff(i, c_ax[i], q_ax[i], a_ax[i], X, B, Sq), full)
        return Game(pay, self.players, self.actions, self.title)

    def __repr__(self) -> str:
        return (
            f"SovereignGame({self.title!r}: {self.num_players} sovereigns, actions "
            f"{list(self.action_labels)}, P0=${self.price_usd:,.0f})"
        )


def buy_label(share: float) -> str:
    """The action label of buying ``share`` of reserves, e.g. ``"accumulate 0.5%"``."""
    return f"accumulate {100 * share:.4g}%"


def expand_action(action: str, buy_shares: Sequence[float] | None) -> tuple[str, ...]:
    """``accumulate`` expands to one label per share of the grid; other actions stay."""
    if action == "accumulate" and buy_shares:
        return tuple(buy_label(x) for x in buy_shares)
    return (action,)


def action_kind(label: str) -> tuple[str, float | None]:
    """``(kind, share)`` of an action label: ``("accumulate", 0.005)`` for
    ``"accumulate 0.5%"``, ``("accumulate", None)`` for plain ``"accumulate"`` (the sovereign's
    ``max_buy_share``), ``("hold", None)``, ``("sell", None)``."""
    if label.startswith("accumulate "):
        txt = label[len("accumulate ") :].rstrip("%")
        try:
            share = float(txt) / 100
        except ValueError:
            share = -1.0
        if not 0 < share <= 1:
            raise ConfigError(
                f"unknown action {label!r}",
                field="actions",
                fix="use accumulate, hold, sell or 'accumulate X%' with 0 < X <= 100",
            )
        return "accumulate", share
    return label, None


def sovereign_game(config: ReservesConfig, **kw: Any) -> SovereignGame:
    """Convenience constructor (same as ``SovereignGame(config, **kw)``)."""
    return SovereignGame(config, **kw)


__all__ = [
    "ActionFlows",
    "PayoffSymbols",
    "SovereignGame",
    "action_kind",
    "buy_label",
    "expand_action",
    "payoff_template",
    "sovereign_game",
]
