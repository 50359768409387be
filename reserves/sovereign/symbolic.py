"""Symbolic analysis of the sovereign game: when does "accumulate, never sell" hold (claim C14),
and what kind of game is it?

Dominance thresholds
--------------------
Write player i's own action ``a`` with flows ``(c_a, q_a, x_a)`` (accumulate: ``c = alpha W``;
hold: nothing; sell: ``q = -phi h``, ``x = q P0``) and the other sovereigns' aggregates
``X_{-i}, B_{-i}, S_{-i}`` (order flow, buy cash, BTC sold; ``X_{-i} = B_{-i} + P0 S_{-i}``) and
``H_{0,-i}`` (their holdings before). From the one payoff expression of
:func:`reserves.sovereign.model.payoff_template`,

    P1^a   = P0 exp(m (X_{-i} + x_a) / (P0 Q)),     Pbar^a = (P0 + P1^a) / 2
    H^a    = h + c_a / Pbar^a + q_a
    Sigma^a = h + H_{0,-i} + (B_{-i} + c_a) / Pbar^a + S_{-i} + q_a
    s^a    = H^a / (Sigma^a + eps)
    u(a)   = H^a V - h P0 - (c_a + q_a Pbar^a) - r T c_a - gamma sigma^2 T (H^a P1^a)^2 / (2 W)
             + theta W (s^a - s_0) - kappa [a = accumulate].

The gain ``D(a_{-i}) = u(accumulate) - u(o)`` is affine in theta (and in kappa, V, r, gamma):

    D = A(a_{-i}) + theta W (s^acc - s^o),

so accumulate strictly dominates ``o`` iff ``A + theta W Delta s > 0`` for every profile of the
others. Profiles with ``Delta s > 0`` give lower bounds ``theta > -A / (W Delta s)``, those with
``Delta s < 0`` upper bounds, and those with ``Delta s = 0`` need ``A > 0`` whatever theta:

    theta_i* = max_{a_{-i}, o : Delta s > 0}  -A(a_{-i}) / (W_i Delta s(a_{-i})).

The ``2^(N-1)`` profiles are enumerated through the lambdified closed form (vectorized); the
binding profile (the argmax) is reported. For rosters too large to enumerate, the maximum is
taken over a grid of the box of aggregates ``(B_{-i}, S_{-i})`` (a conservative bound).

2x2 games
---------
The ordinal classification and the closed-form interior equilibrium are the generic ones of
:mod:`reserves.nash.taxonomy` (Rapoport and Guyer 1966; Osborne and Rubinstein 1994, ch. 3).
For the sovereign 2x2 game they are sympy expressions in both players' parameters;
comparative statics are their symbolic derivatives, lambdified once and cached.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from reserves.errors import GameFormatError, ReservesError
from reserves.nash.normal_form import Game
from reserves.nash.taxonomy import (
    GAME_TYPES,
    GameType2x2,
    MixedEquilibrium2x2,
    classify_2x2,
    dominant_actions_2x2,
    mixed_2x2_formula,
    mixed_equilibrium_2x2,
)
from reserves.sovereign.model import SovereignGame, action_kind, payoff_template
from reserves.units import json_number as _num
from reserves.units import jsonable

ACCUMULATE = "accumulate"

#: model symbol name -> config field name (player parameters)
PLAYER_PARAMS: dict[str, str] = {
    "V": "value_belief_usd",
    "W": "reserves_usd",
    "h": "holdings_btc",
    "r": "cost_of_capital_pa",
    "gamma": "risk_aversion",
    "theta": "strategic_weight",
    "kappa": "political_cost_usd",
    "alpha": "max_buy_share",
    "phi": "sell_share",
    "eta": "hedge_pa",
}
#: model symbol name -> config field name (market parameters)
MARKET_PARAMS: dict[str, str] = {
    "P0": "price_usd",
    "Q": "supply_btc",
    "m": "flow_multiplier",
    "sigma": "vol_pa",
    "T": "horizon_years",
    "eps": "share_floor_btc",
}
#: aggregate symbol name -> readable key
AGGREGATE_KEYS: dict[str, str] = {
    "B_o": "others_buy_usd",
    "S_o": "others_sold_btc",
    "H0_o": "others_holdings_btc",
}
_ALIASES: dict[str, str] = {
    **{v: k for k, v in PLAYER_PARAMS.items()},
    **{v: k for k, v in MARKET_PARAMS.items()},
    **{k: k for k in (*PLAYER_PARAMS, *MARKET_PARAMS)},
    "strategic": "theta",
}

#: games with more other-player profiles than this use the aggregate box
MAX_ENUMERATED_PROFILES = 2**17


def canonical_param(name: str) -> str:
    """The model symbol name (``theta``) of a parameter given by symbol or config name."""
    key = _ALIASES.get(str(name).strip())
    if key is None:
        raise ReservesError(
            f"unknown parameter {name!r}",
            field="param",
            fix="use one of " + ", ".join(sorted(set(_ALIASES) - {"strategic"})),
        )
    return key


# =============================================================================== symbols
@dataclass(frozen=True)
class _Syms:
    market: tuple[sp.Symbol, ...]  # P0, Q, m, sigma, T, eps
    player: dict[str, sp.Symbol]  # V, W, h, r, gamma, theta, kappa, alpha, phi
    Xo: sp.Symbol
    Bo: sp.Symbol
    So: sp.Symbol
    H0o: sp.Symbol

    @property
    def args(self) -> tuple[sp.Symbol, ...]:
        """Argument order of every single-player lambdified function."""
        p = self.player
        return (
            *self.market,
            *(p[k] for k in PLAYER_PARAMS),
            self.Xo,
            self.Bo,
            self.So,
            self.H0o,
        )


@lru_cache(maxsize=1)
def _syms() -> _Syms:
    _, S = payoff_template()
    player = {
        "V": S.V,
        "W": S.W,
        "h": S.h,
        "r": S.r,
        "gamma": S.gamma,
        "theta": S.theta,
        "kappa": S.kappa,
        "eta": S.eta,
        "alpha": sp.Symbol("alpha", nonnegative=True, real=True),
        "phi": sp.Symbol("phi", nonnegative=True, real=True),
    }
    return _Syms(
        market=(S.P0, S.Q, S.m, S.sigma, S.T, S.eps),
        player=player,
        Xo=sp.Symbol("X_{-i}", real=True),
        Bo=sp.Symbol("B_{-i}", nonnegative=True, real=True),
        So=sp.Symbol("S_{-i}", nonpositive=True, real=True),
        H0o=sp.Symbol("H_{0,-i}", nonnegative=True, real=True),
    )


def own_flows(action: str, player: dict[str, sp.Expr], P0: sp.Expr) -> tuple[sp.Expr, ...]:
    """``(c, q, x, acc)`` of an action as sympy expressions (mirrors ``player_flows``)."""
    if action.startswith(ACCUMULATE):
        share = action_kind(action)[1]
        alpha = player["alpha"] if share is None else sp.nsimplify(share)
        c = alpha * player["W"]
        return c, sp.Integer(0), c, sp.Integer(1)
    if action == "hold":
        z = sp.Integer(0)
        return z, z, z, z
    if action == "sell":
        q = -player["phi"] * player["h"]
        return sp.Integer(0), q, q * P0, sp.Integer(0)
    raise ReservesError(f"unknown action {action!r}", field="actions")


@lru_cache(maxsize=8)
def single_player_payoff(action: str) -> sp.Expr:
    """``u_i(action)`` in the market, own and others'-aggregate symbols (module docstring)."""
    u, S = payoff_template()
    y = _syms()
    c, q, x, acc = own_flows(action, y.player, S.P0)
    subs = {
        S.c: c,
        S.q: q,
        S.acc: acc,
        S.X: y.Xo + x,
        S.B: y.Bo + c,
        S.S: y.So + q,
        S.H0: y.H0o + S.h,
    }
    return u.subs(subs, simultaneous=True)


@dataclass(frozen=True)
class DifferenceForm:
    """``D = u(accumulate) - u(other) = A + p * Bc`` for a parameter ``p`` entering linearly."""

    other: str
    param: str
    D: sp.Expr
    A: sp.Expr
    Bc: sp.Expr
    threshold: sp.Expr
    fn: Any  # lambdified (A, Bc) over _Syms.args


@lru_cache(maxsize=32)
def difference_form(other: str, param: str = "theta") -> DifferenceForm:
    """The closed form of the accumulate-vs-``other`` gain, affine in ``param`` (cached)."""
    param = canonical_param(param)
    y = _syms()
    if param not in y.player:
        raise ReservesError(
            f"thresholds are computed for a sovereign's own parameter, not {param!r}",
            field="param",
            fix="use theta, kappa, V, r or gamma",
        )
    p = y.player[param]
    _, S = payoff_template()
    # s_0 cancels from the difference (theta W (s^acc - s_0) - theta W (s^o - s_0))
    D = (single_player_payoff(ACCUMULATE) - single_player_payoff(other)).subs(S.s0, 0)
    Bc = sp.diff(D, p)
    if sp.diff(Bc, p) != 0:
        raise ReservesError(
            f"the payoff is not affine in {param}; no closed-form threshold",
            field="param",
            fix="use theta, kappa, V, r or gamma (they enter the payoff linearly)",
        )
    A = D.subs(p, 0)
    thr = -A / Bc
    fn = sp.lambdify(y.args, [A, Bc], modules="numpy", cse=True)
    return DifferenceForm(other, param, D, A, Bc, thr, fn)


@lru_cache(maxsize=32)
def _threshold_gradient(other: str, param: str) -> tuple[tuple[str, ...], Any]:
    """Symbolic gradient of ``-A/Bc`` with ``X_{-i} = B_{-i} + P0 S_{-i}`` substituted."""
    form = difference_form(other, param)
    y = _syms()
    t = form.threshold.subs(y.Xo, y.Bo + y.market[0] * y.So)
    names: list[str] = []
    grads: list[sp.Expr] = []
    for k, sym in zip(MARKET_PARAMS, y.market, strict=True):
        names.append(f"market.{MARKET_PARAMS[k]}")
        grads.append(sp.diff(t, sym))
    for k in PLAYER_PARAMS:
        if k == form.param:
            continue
        names.append(PLAYER_PARAMS[k])
        grads.append(sp.diff(t, y.player[k]))
    for key, sym in (("B_o", y.Bo), ("S_o", y.So), ("H0_o", y.H0o)):
        names.append(AGGREGATE_KEYS[key])
        grads.append(sp.diff(t, sym))
    fn = sp.lambdify(y.args, grads, modules="numpy", cse=True)
    return tuple(names), fn


def threshold_latex(other: str, param: str = "theta") -> str:
    """The closed-form threshold with named intermediate quantities, as LaTeX."""
    param = canonical_param(param)
    form = difference_form(other, param)
    y = _syms()
    _, S = payoff_template()
    p = y.player
    defs = []
    for a in (ACCUMULATE, other):
        c, q, x, _acc = own_flows(a, p, S.P0)
        tag = "acc" if a == ACCUMULATE else other
        P1 = S.P0 * sp.exp(S.m * (y.Xo + x) / (S.P0 * S.Q))
        defs.append(rf"P_1^{{\mathrm{{{tag}}}}} = {sp.latex(P1)}")
        pb = sp.Symbol(rf"\bar P^{{\mathrm{{{tag}}}}}")
        pp = sp.Symbol(rf"P_1^{{\mathrm{{{tag}}}}}")
        defs.append(rf"\bar P^{{\mathrm{{{tag}}}}} = {sp.latex((S.P0 + pp) / 2)}")
        H = S.h + c / pb + q
        defs.append(rf"H^{{\mathrm{{{tag}}}}} = {sp.latex(H)}")
        Hs = S.h + y.H0o + (y.Bo + c) / pb + y.So + q
        hsym = sp.Symbol(rf"H^{{\mathrm{{{tag}}}}}")
        defs.append(rf"s^{{\mathrm{{{tag}}}}} = {sp.latex(hsym / (Hs + S.eps))}")
    sym = sp.latex(p[param])
    head = (
        rf"{sym}_i^* = \max_{{a_{{-i}}}} \frac{{-A(X_{{-i}}, B_{{-i}}, S_{{-i}})}}"
        rf"{{\partial D / \partial {sym}}}"
    )
    if param == "theta":
        head = (
            r"\theta_i^* = \max_{a_{-i}:\ \Delta s > 0} \frac{\kappa_i + "
            r"\Delta R - \Delta F}{W_i\,(s^{\mathrm{acc}} - s^{\mathrm{" + other + r"}})}"
        )
        defs.append(
            r"F^a = H^a V - h P_0 - (c_a + q_a \bar P^a) - r T c_a,\quad "
            r"R^a = \frac{\gamma \sigma^2 T (H^a P_1^a)^2}{2 W},\quad "
            r"\Delta F = F^{\mathrm{acc}} - F^{\mathrm{" + other + r"}},\ "
            r"\Delta R = R^{\mathrm{acc}} - R^{\mathrm{" + other + r"}}"
        )
    _ = form
    return head + r"\quad\text{where}\quad " + r",\ ".join(defs)


# =============================================================================== thresholds
@dataclass(frozen=True)
class DominanceThreshold:
    """When does ``accumulate`` strictly dominate every other action of one sovereign?

    ``accumulate`` strictly dominates iff ``lower < param < upper`` (and ``feasible``);
    ``holds`` is the answer at the config's value ``value``. ``binding`` names the others'
    profile (and the action compared against) that sets ``lower``. ``min_margin_usd`` is the
    smallest payoff gain of accumulating over all profiles at the config's value.
    """

    player: str
    param: str
    value: float
    lower: float
    upper: float
    feasible: bool
    holds: bool
    min_margin_usd: float
    versus: tuple[str, ...]
    binding: dict[str, Any]
    method: str
    num_profiles: int
    note: str = ""
    max_margin_usd: float = math.nan

    @property
    def direction(self) -> str:
        """``"above"`` when accumulating dominates for values above a finite ``lower`` (theta),
        ``"below"`` when only a finite ``upper`` binds (a cost such as kappa), else ``"none"``."""
        if math.isfinite(self.lower):
            return "above"
        if math.isfinite(self.upper):
            return "below"
        return "none"

    @property
    def threshold(self) -> float:
        """``param*``: the binding bound (``lower`` for "above", ``upper`` for "below")."""
        return self.upper if self.direction == "below" else self.lower

    def to_dict(self) -> dict[str, Any]:
        return {
            "player": self.player,
            "param": self.param,
            "config_name": PLAYER_PARAMS.get(self.param, self.param),
            "value": self.value,
            "threshold": _num(self.threshold),
            "direction": self.direction,
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "feasible": self.feasible,
            "accumulate_dominant": self.holds,
            "min_margin_usd": _num(self.min_margin_usd),
            "max_margin_usd": _num(self.max_margin_usd),
            "versus": list(self.versus),
            "binding": jsonable(self.binding),
            "method": self.method,
            "num_profiles": self.num_profiles,
            "note": self.note,
        }


def _player_arg_values(game: SovereignGame, i: int) -> dict[str, float]:
    """Numbers for the single-player argument list (aggregates excluded)."""
    s = game.sovereigns[i]
    m = game.config.market
    return {
        "P0": game.price_usd,
        "Q": m.supply_btc,
        "m": m.flow_multiplier,
        "sigma": m.vol_pa,
        "T": m.horizon_years,
        "eps": m.share_floor_btc,
        "V": s.value_belief_usd or m.value_belief_usd,
        "W": s.reserves_usd,
        "h": s.holdings_btc,
        "r": s.cost_of_capital_pa,
        "gamma": s.risk_aversion,
        "theta": s.strategic_weight,
        "kappa": s.political_cost_usd,
        "alpha": s.max_buy_share,
        "phi": s.sell_share,
        "eta": s.hedge_pa,
    }


def _arg_vector(vals: dict[str, float], Xo: Any, Bo: Any, So: Any, H0o: Any) -> list[Any]:
    return [
        *(vals[k] for k in MARKET_PARAMS),
        *(vals[k] for k in PLAYER_PARAMS),
        Xo,
        Bo,
        So,
        H0o,
    ]


@dataclass(frozen=True)
class _Others:
    """Aggregates of the other players over their profiles (or a grid of the box)."""

    X: np.ndarray
    B: np.ndarray
    S: np.ndarray
    method: str
    choices: list[tuple[int, tuple[int, ...]]]  # (player, label indices) in radix order


def _others_profiles(game: SovereignGame, i: int, max_profiles: int) -> _Others:
    fl = game.flows
    others = [j for j in range(game.num_players) if j != i]
    choices = [(j, tuple(int(k) for k in np.flatnonzero(fl.available[j]))) for j in others]
    count = int(np.prod([len(c) for _, c in choices], dtype=float)) if choices else 1
    if count <= max_profiles:
        X = np.zeros(1)
        B = np.zeros(1)
        Sq = np.zeros(1)
        for j, ks in choices:
            X = (X[:, None] + fl.x[j, list(ks)][None, :]).ravel()
            B = (B[:, None] + fl.c[j, list(ks)][None, :]).ravel()
            Sq = (Sq[:, None] + fl.q[j, list(ks)][None, :]).ravel()
        return _Others(X, B, Sq, "enumeration", choices)
    b_lo = sum(float(fl.c[j, list(ks)].min()) for j, ks in choices)
    b_hi = sum(float(fl.c[j, list(ks)].max()) for j, ks in choices)
    s_lo = sum(float(fl.q[j, list(ks)].min()) for j, ks in choices)
    s_hi = sum(float(fl.q[j, list(ks)].max()) for j, ks in choices)
    gb, gs = np.meshgrid(np.linspace(b_lo, b_hi, 65), np.linspace(s_lo, s_hi, 65))
    B = gb.ravel()
    Sq = gs.ravel()
    return _Others(B + game.price_usd * Sq, B, Sq, "aggregate_box", choices)


def _decode_profile(game: SovereignGame, others: _Others, flat: int) -> dict[str, str]:
    sizes = [len(ks) for _, ks in others.choices]
    idx = np.unravel_index(flat, sizes) if sizes else ()
    return {
        game.players[j]: game.action_labels[ks[int(k)]]
        for (j, ks), k in zip(others.choices, idx, strict=True)
    }


def _binding(game: SovereignGame, others: _Others, versus: str, k: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "versus": versus,
        "index": k,
        "others_order_flow_usd": float(others.X[k]),
        "others_buy_usd": float(others.B[k]),
        "others_sold_btc": float(others.S[k]),
    }
    if others.method == "enumeration":
        out["profile"] = _decode_profile(game, others, k)
    return out


def dominance_thresholds(
    game: SovereignGame,
    param: str = "theta",
    *,
    max_profiles: int = MAX_ENUMERATED_PROFILES,
) -> tuple[DominanceThreshold, ...]:
    """For each sovereign, the closed-form condition for ``accumulate`` to dominate strictly.

    Parameters
    ----------
    game:
        the sovereign game.
    param:
        the parameter solved for (default the strategic weight ``theta``; also ``kappa``,
        ``V``, ``r``, ``gamma`` or their config names), which must enter the payoff linearly.
    max_profiles:
        enumerate the others' profiles up to this many; beyond, use a 65 x 65 grid over the
        box of the others' aggregates ``(B_{-i}, S_{-i})`` (``method="aggregate_box"``).

    Returns
    -------
    tuple of :class:`DominanceThreshold`, one per sovereign, in game order.

    Notes
    -----
    ``param* = max -A / (dD/dparam)`` over profiles with ``dD/dparam > 0``; see the module
    docstring for the derivation and :func:`threshold_latex` for the closed form.
    """
    param = canonical_param(param)
    out = []
    for i in range(game.num_players):
        out.append(_threshold_one(game, i, param, max_profiles))
    return tuple(out)


def _threshold_one(
    game: SovereignGame, i: int, param: str, max_profiles: int
) -> DominanceThreshold:
    name = game.players[i]
    acts = game.actions[i]
    vals = _player_arg_values(game, i)
    value = float(vals[param])
    buys = [a for a in acts if action_kind(a)[0] == ACCUMULATE]
    versus = tuple(a for a in acts if action_kind(a)[0] != ACCUMULATE)
    if buys and ACCUMULATE not in buys:  # a share grid: the largest purchase stands for buying
        share = max(action_kind(a)[1] or 0.0 for a in buys)
        vals = {**vals, "alpha": share}
    if not buys:
        return DominanceThreshold(
            name, param, value, math.inf, -math.inf, False, False, -math.inf, versus, {},
            "none", 0, "accumulate is not in this sovereign's action set",
        )  # fmt: skip
    if not versus:
        return DominanceThreshold(
            name, param, value, -math.inf, math.inf, True, True, math.inf, versus, {},
            "none", 1, "accumulate is the only action",
        )  # fmt: skip
    others = _others_profiles(game, i, max_profiles)
    H0o = game.total_holdings_btc - game.sovereigns[i].holdings_btc
    lower, upper = -math.inf, math.inf
    feasible = True
    min_margin = math.inf
    max_margin = -math.inf
    binding: dict[str, Any] = {}
    upper_binding: dict[str, Any] = {}
    for o in versus:
        form = difference_form(o, param)
        A, Bc = form.fn(*_arg_vector(vals, others.X, others.B, others.S, H0o))
        A = np.broadcast_to(np.asarray(A, dtype=float), others.X.shape)
        Bc = np.broadcast_to(np.asarray(Bc, dtype=float), others.X.shape)
        margin = A + value * Bc
        min_margin = min(min_margin, float(margin.min()))
        max_margin = max(max_margin, float(margin.max()))
        pos = Bc > 0
        neg = Bc < 0
        zero = ~(pos | neg)
        if np.any(zero & (A <= 0)):
            feasible = False
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(Bc != 0, -A / np.where(Bc != 0, Bc, 1.0), np.nan)
        if np.any(pos):
            k = int(np.argmax(np.where(pos, ratio, -np.inf)))
            if ratio[k] > lower:
                lower = float(ratio[k])
                binding = _binding(game, others, o, k)
        if np.any(neg):
            k = int(np.argmin(np.where(neg, ratio, np.inf)))
            if ratio[k] < upper:
                upper = float(ratio[k])
                upper_binding = _binding(game, others, o, k)
    if lower >= upper:
        feasible = False
    if not math.isfinite(lower) and upper_binding:
        binding = upper_binding
    holds = bool(min_margin > 0)
    return DominanceThreshold(
        name, param, value, lower, upper, feasible, holds, min_margin, versus, binding,
        others.method, int(others.X.size), "", max_margin,
    )  # fmt: skip


# =============================================================================== 2-player model
@dataclass(frozen=True)
class _TwoPlayer:
    """Both players' payoffs in every cell as sympy expressions, and their lambdified form."""

    actions: tuple[tuple[str, ...], tuple[str, ...]]
    players: tuple[dict[str, sp.Symbol], dict[str, sp.Symbol]]
    market: tuple[sp.Symbol, ...]
    cells: tuple[tuple[tuple[sp.Expr, ...], ...], tuple[tuple[sp.Expr, ...], ...]]
    flows: tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]  # order flow x of each own action
    args: tuple[sp.Symbol, ...]
    fn: Any  # args -> nested list [player][a1][a2]

    def arg_names(self) -> tuple[str, ...]:
        """Readable key of each argument: ``market.<field>`` or ``<field>[<k>]`` (k = 1, 2)."""
        out = [f"market.{MARKET_PARAMS[k]}" for k in MARKET_PARAMS]
        for k in (1, 2):
            out.extend(f"{PLAYER_PARAMS[n]}[{k}]" for n in PLAYER_PARAMS)
        return tuple(out)


@lru_cache(maxsize=16)
def two_player_model(actions1: tuple[str, ...], actions2: tuple[str, ...]) -> _TwoPlayer:
    """The 2-sovereign game in closed form (cached by the action sets)."""
    u, S = payoff_template()
    y = _syms()
    players = tuple(
        {
            n: sp.Symbol(f"{sp.latex(sym) if n not in ('alpha', 'phi') else n}_{k}", **_assume(sym))
            for n, sym in y.player.items()
        }
        for k in (1, 2)
    )
    acts = (tuple(actions1), tuple(actions2))
    fl = [[own_flows(a, players[k], S.P0) for a in acts[k]] for k in (0, 1)]
    H0 = players[0]["h"] + players[1]["h"]
    cells: list[list[list[sp.Expr]]] = [[], []]
    for k in (0, 1):
        pk = players[k]
        base = {
            S.V: pk["V"], S.W: pk["W"], S.h: pk["h"], S.r: pk["r"], S.gamma: pk["gamma"],
            S.theta: pk["theta"], S.kappa: pk["kappa"], S.s0: pk["h"] / (H0 + S.eps), S.H0: H0,
            S.eta: pk["eta"],
        }  # fmt: skip
        rows = []
        for a1 in range(len(acts[0])):
            row = []
            for a2 in range(len(acts[1])):
                f1, f2 = fl[0][a1], fl[1][a2]
                own = f1 if k == 0 else f2
                sub = {
                    **base,
                    S.c: own[0], S.q: own[1], S.acc: own[3],
                    S.X: f1[2] + f2[2], S.B: f1[0] + f2[0], S.S: f1[1] + f2[1],
                }  # fmt: skip
                row.append(u.subs(sub, simultaneous=True))
            rows.append(row)
        cells[k] = rows
    args = (
        *y.market,
        *(players[0][n] for n in PLAYER_PARAMS),
        *(players[1][n] for n in PLAYER_PARAMS),
    )
    fn = sp.lambdify(args, cells, modules="numpy", cse=True)
    flows = tuple(tuple(f[2] for f in fl[k]) for k in (0, 1))
    return _TwoPlayer(
        acts,
        players,
        y.market,
        (tuple(map(tuple, cells[0])), tuple(map(tuple, cells[1]))),
        flows,
        args,
        fn,
    )  # type: ignore[arg-type]


def _assume(sym: sp.Symbol) -> dict[str, bool]:
    keys = ("positive", "nonnegative", "real")
    return {k: True for k in keys if getattr(sym, f"is_{k}")}


def _two_player_values(game: SovereignGame) -> dict[str, float]:
    """Argument values of :func:`two_player_model` by readable key."""
    v0 = _player_arg_values(game, 0)
    v1 = _player_arg_values(game, 1)
    out = {f"market.{MARKET_PARAMS[k]}": v0[k] for k in MARKET_PARAMS}
    for k, v in ((1, v0), (2, v1)):
        out.update({f"{PLAYER_PARAMS[n]}[{k}]": v[n] for n in PLAYER_PARAMS})
    return out


def _check_2x2(game: SovereignGame) -> None:
    if game.num_players != 2 or game.shape != (2, 2):
        raise GameFormatError(
            f"a 2x2 analysis needs 2 sovereigns with 2 actions each, got shape {game.shape}",
            fix="set game.players to two sovereigns and two actions",
        )


def sovereign_2x2_payoffs(game: SovereignGame, **overrides: Any) -> np.ndarray:
    """Payoff array of shape ``(2, 2, 2, ...)`` of a 2-sovereign game from the closed form.

    ``overrides`` map readable keys (``strategic_weight[1]``, ``market.price_usd``) to numbers
    or arrays; arrays broadcast, so a whole parameter grid is evaluated in one call.
    """
    _check_2x2(game)
    model = two_player_model(*game.actions)
    vals = _two_player_values(game)
    for k, v in overrides.items():
        if k not in vals:
            raise ReservesError(f"unknown parameter key {k!r}", fix=f"use one of {sorted(vals)}")
        vals[k] = v
    out = model.fn(*[vals[k] for k in model.arg_names()])
    shape = np.broadcast_shapes(*[np.shape(v) for v in vals.values()])
    return np.array(
        [[[np.broadcast_to(np.asarray(c, float), shape) for c in row] for row in pl] for pl in out]
    )


def resolve_grid_param(spec: str, game: SovereignGame) -> list[str]:
    """Readable keys that a grid axis named ``spec`` sets.

    ``theta`` (both players), ``theta_1`` / ``theta[1]`` (player 1), ``strategic_weight[2]``,
    ``P0`` / ``price_usd`` (market).
    """
    s = str(spec).strip()
    idx: int | None = None
    for sep in ("[", "_"):
        if s.endswith("]") and sep == "[" and "[" in s:
            base, _, rest = s.partition("[")
            tag = rest[:-1]
            s, idx = base, _player_index(tag, game)
            break
        if sep == "_" and "_" in s and s.rsplit("_", 1)[1].isdigit():
            base, tag = s.rsplit("_", 1)
            if base in _ALIASES:
                s, idx = base, _player_index(tag, game)
                break
    key = canonical_param(s)
    if key in MARKET_PARAMS:
        return [f"market.{MARKET_PARAMS[key]}"]
    ks = [idx] if idx is not None else [1, 2]
    return [f"{PLAYER_PARAMS[key]}[{k}]" for k in ks]


def _player_index(tag: str, game: SovereignGame) -> int:
    if tag.isdigit() and 1 <= int(tag) <= game.num_players:
        return int(tag)
    if tag in game.players:
        return game.players.index(tag) + 1
    raise ReservesError(f"no player {tag!r}", field="param", fix="use 1, 2 or a player name")


@dataclass(frozen=True)
class RegionMap:
    """The 2x2 game type on a grid of two parameters (``types[iy][ix]``)."""

    x_param: str
    y_param: str
    x_values: np.ndarray
    y_values: np.ndarray
    types: tuple[tuple[str, ...], ...]
    boundaries: tuple[dict[str, Any], ...] = ()
    current: tuple[float, float] | None = None

    def to_frame(self):  # type: ignore[no-untyped-def]
        """Long table: one row per grid point (x, y, game_type)."""
        import pandas as pd

        rows = [
            {self.x_param: float(x), self.y_param: float(y), "game_type": self.types[iy][ix]}
            for iy, y in enumerate(self.y_values)
            for ix, x in enumerate(self.x_values)
        ]
        return pd.DataFrame(rows)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.types:
            for t in row:
                out[t] = out.get(t, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "x_param": self.x_param,
            "y_param": self.y_param,
            "x_values": self.x_values.tolist(),
            "y_values": self.y_values.tolist(),
            "types": [list(r) for r in self.types],
            "counts": self.counts(),
            "boundaries": jsonable(list(self.boundaries)),
            "current": list(self.current) if self.current else None,
        }


def type_region_map(
    game: SovereignGame,
    x_param: str = "theta_1",
    y_param: str = "theta_2",
    *,
    x_values: Sequence[float] | np.ndarray | None = None,
    y_values: Sequence[float] | np.ndarray | None = None,
    n: int = 60,
) -> RegionMap:
    """The 2x2 game type over a grid of two parameters of a 2-sovereign game.

    Payoffs on the whole grid come from one call of the cached lambdified closed form; each
    point is then classified by :func:`classify_2x2`. Default ranges run from 0 to 2.5 times
    the larger of the config's value and the players' dominance thresholds.
    """
    _check_2x2(game)
    kx = resolve_grid_param(x_param, game)
    ky = resolve_grid_param(y_param, game)
    vals = _two_player_values(game)
    xs = np.asarray(x_values if x_values is not None else _default_range(game, kx, vals, n), float)
    ys = np.asarray(y_values if y_values is not None else _default_range(game, ky, vals, n), float)
    gx, gy = np.meshgrid(xs, ys)
    over = {k: gx for k in kx}
    over.update({k: gy for k in ky})
    pay = sovereign_2x2_payoffs(game, **over)  # (2, 2, 2, ny, nx)
    types = tuple(
        tuple(
            classify_2x2(pay[0, :, :, iy, ix], pay[1, :, :, iy, ix]).game_type
            for ix in range(xs.size)
        )
        for iy in range(ys.size)
    )
    bounds = type_boundaries(game, params=(x_param, y_param))
    return RegionMap(x_param, y_param, xs, ys, types, bounds, (vals[kx[0]], vals[ky[0]]))


def _default_range(
    game: SovereignGame, keys: list[str], vals: dict[str, float], n: int
) -> np.ndarray:
    cur = max(abs(vals[k]) for k in keys)
    hi = cur
    for k in keys:
        if k.startswith("strategic_weight[") or k.startswith("political_cost_usd["):
            param = "theta" if k.startswith("strategic") else "kappa"
            i = int(k[k.index("[") + 1 : -1]) - 1
            t = _threshold_one(game, i, param, MAX_ENUMERATED_PROFILES)
            if math.isfinite(t.lower):
                hi = max(hi, t.lower)
    hi = 2.5 * hi if hi > 0 else 1.0
    return np.linspace(0.0, hi, n)


def type_boundaries(
    game: SovereignGame, params: Sequence[str] = ("theta_1", "theta_2")
) -> tuple[dict[str, Any], ...]:
    """Where the 2x2 type can change: each player's comparisons of two outcomes, as formulas.

    The ordinal type depends only on the signs of ``u_k(cell) - u_k(cell')`` for the six pairs
    of cells of each player; every type boundary lies on one of these 12 surfaces. For each,
    the difference is evaluated at the config and, where it is affine in one of ``params``,
    solved for it in closed form (``formula``, a sympy string) and evaluated at the config.
    The symbolic work is cached by the action sets and the parameter keys.
    """
    _check_2x2(game)
    keys: list[str] = []
    for spec in params:
        keys.extend(k for k in resolve_grid_param(spec, game) if k not in keys)
    forms = _boundary_forms(tuple(game.actions[0]), tuple(game.actions[1]), tuple(keys))
    model = two_player_model(*game.actions)
    vals = _two_player_values(game)
    with np.errstate(divide="ignore", invalid="ignore"):
        nums = forms["fn"](*[vals[k] for k in model.arg_names()])
    out = []
    for e in forms["entries"]:
        entry = {k: v for k, v in e.items() if k not in ("slots", "solved")}
        entry["player"] = game.players[e["player_index"]]
        entry["difference_at_config"] = float(nums[e["slots"][0]])
        entry["solved"] = {
            key: {"formula": formula, "value_at_config": float(nums[slot])}
            for key, (formula, slot) in e["solved"].items()
        }
        out.append(entry)
    return tuple(out)


@lru_cache(maxsize=32)
def _boundary_forms(
    a1: tuple[str, ...], a2: tuple[str, ...], keys: tuple[str, ...]
) -> dict[str, Any]:
    model = two_player_model(a1, a2)
    names = model.arg_names()
    solve_for = [(k, model.args[names.index(k)]) for k in keys]
    cells = [(a, b) for a in range(2) for b in range(2)]
    exprs: list[sp.Expr] = []
    entries = []
    for k in (0, 1):
        for x in range(4):
            for z in range(x + 1, 4):
                c1, c2 = cells[x], cells[z]
                diff = model.cells[k][c1[0]][c1[1]] - model.cells[k][c2[0]][c2[1]]
                exprs.append(diff)
                entry: dict[str, Any] = {
                    "player_index": k,
                    "cells": [[a1[c1[0]], a2[c1[1]]], [a1[c2[0]], a2[c2[1]]]],
                    "best_response": (k == 0 and c1[1] == c2[1]) or (k == 1 and c1[0] == c2[0]),
                    "slots": [len(exprs) - 1],
                    "solved": {},
                }
                for key, sym in solve_for:
                    if not diff.has(sym):
                        continue
                    co = sp.diff(diff, sym)
                    if co.has(sym):
                        continue
                    root = -(diff.subs(sym, 0)) / co
                    exprs.append(root)
                    entry["solved"][key] = (_short(root), len(exprs) - 1)
                entries.append(entry)
    fn = sp.lambdify(model.args, exprs, modules="numpy", cse=True)
    return {"entries": entries, "fn": fn}


def _short(expr: sp.Expr, limit: int = 4000) -> str:
    s = str(expr)
    return s if len(s) <= limit else s[:limit] + " ..."


@lru_cache(maxsize=16)
def mixed_2x2_statics(actions1: tuple[str, ...], actions2: tuple[str, ...]) -> tuple[Any, ...]:
    """Closed-form ``p``, ``q``, expected demand ``D`` of the sovereign 2x2 mixed equilibrium
    and their gradients (lambdified once, cached by the action sets).

    ``D = p x_1(a_0) + (1 - p) x_1(a_1) + q x_2(b_0) + (1 - q) x_2(b_1)`` (MODEL.md s.4).
    Returns ``(p_expr, q_expr, D_expr, fn)`` where ``fn(*args)`` gives
    ``[p, q, D, *dp, *dq, *dD]`` over :meth:`_TwoPlayer.arg_names`.
    """
    model = two_player_model(actions1, actions2)
    p, q = mixed_2x2_formula(model.cells[0], model.cells[1])
    x1, x2 = model.flows
    D = p * x1[0] + (1 - p) * x1[1] + q * x2[0] + (1 - q) * x2[1]
    grads = [sp.diff(e, a) for e in (p, q, D) for a in model.args]
    fn = sp.lambdify(model.args, [p, q, D, *grads], modules="numpy", cse=True)
    return p, q, D, fn


_FLOW_KEYS: tuple[str, ...] = ("alpha", "W", "phi", "h")


@lru_cache(maxsize=8)
def _flow_gradient(action: str) -> Any:
    """Lambdified ``[x, dx/dalpha, dx/dW, dx/dphi, dx/dh, dx/dP0]`` of an own action's flow."""
    y = _syms()
    P0 = y.market[0]
    x = own_flows(action, y.player, P0)[2]
    args = (*(y.player[k] for k in _FLOW_KEYS), P0)
    exprs = [x, *(sp.diff(x, y.player[k]) for k in _FLOW_KEYS), sp.diff(x, P0)]
    return sp.lambdify(args, exprs, modules="numpy")


def pure_demand_statics(
    game: SovereignGame, profile: Sequence[str]
) -> tuple[float, dict[str, float]]:
    """Demand ``D = sum_i x_i(a_i)`` of a pure profile and its gradient (symbolic flows,
    lambdified once per action).

    ``x = alpha W`` (accumulate), ``0`` (hold), ``-phi h P0`` (sell).
    """
    total = 0.0
    grad: dict[str, float] = {}
    for i, a in enumerate(profile):
        vals = _player_arg_values(game, i)
        out = _flow_gradient(a)(*(vals[k] for k in _FLOW_KEYS), vals["P0"])
        total += float(out[0])
        for k, d in zip(_FLOW_KEYS, out[1:5], strict=True):
            if d != 0:
                grad[f"{PLAYER_PARAMS[k]}[{game.players[i]}]"] = float(d)
        if out[5] != 0:
            grad["market.price_usd"] = grad.get("market.price_usd", 0.0) + float(out[5])
    return total, grad


# =============================================================================== analysis
@dataclass(frozen=True)
class Analysis:
    """Everything :func:`analyze` found about one game (JSON via :meth:`to_dict`)."""

    title: str
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    param: str
    thresholds: tuple[DominanceThreshold, ...] = ()
    dominant_action: tuple[str | None, ...] = ()
    game_type: GameType2x2 | None = None
    mixed: MixedEquilibrium2x2 | None = None
    symmetric: tuple[Any, ...] = ()
    selected: dict[str, Any] = field(default_factory=dict)
    statics: dict[str, dict[str, float]] = field(default_factory=dict)
    closed_forms: dict[str, str] = field(default_factory=dict)
    boundaries: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    numeric_check: dict[str, Any] = field(default_factory=dict)

    @property
    def c14_holds(self) -> bool | None:
        """True when accumulating strictly dominates for every sovereign (claim C14)."""
        if not self.thresholds:
            return None
        return all(t.holds for t in self.thresholds)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``reserves analyze --json``."""
        return jsonable(
            {
                "title": self.title,
                "players": list(self.players),
                "actions": [list(a) for a in self.actions],
                "param": self.param,
                "game_type": self.game_type.game_type if self.game_type else None,
                "game_type_detail": self.game_type.to_dict() if self.game_type else None,
                "dominant_action": list(self.dominant_action),
                "c14": None
                if not self.thresholds
                else {
                    "holds_for_every_sovereign": self.c14_holds,
                    "accumulate_dominant": [t.player for t in self.thresholds if t.holds],
                    "accumulate_not_dominant": [t.player for t in self.thresholds if not t.holds],
                },
                "thresholds": [t.to_dict() for t in self.thresholds],
                "mixed_equilibrium": self.mixed.to_dict() if self.mixed else None,
                "symmetric_equilibria": [e.to_dict() for e in self.symmetric],
                "selected_equilibrium": self.selected,
                "comparative_statics": self.statics,
                "closed_forms_latex": self.closed_forms,
                "boundaries": list(self.boundaries),
                "numeric_check": self.numeric_check,
                "notes": list(self.notes),
                "elapsed_s": self.elapsed_s,
            }
        )

    def to_json(self, **kw: Any) -> str:
        return json.dumps(self.to_dict(), **kw)

    def table(self) -> str:
        """Readable text for the CLI."""
        lines = [f"{self.title or 'game'}: {len(self.players)} players"]
        if self.game_type is not None:
            lines.append(
                f"  2x2 type: {self.game_type.game_type} (patterns "
                f"{self.game_type.patterns[0]} / {self.game_type.patterns[1]}, "
                f"pure equilibria {list(self.game_type.pure_equilibria)})"
            )
        if self.dominant_action:
            dom = ", ".join(
                f"{p}: {a or '-'}" for p, a in zip(self.players, self.dominant_action, strict=True)
            )
            lines.append(f"  dominant actions: {dom}")
        if self.thresholds:
            verdict = "holds" if self.c14_holds else "does not hold for every sovereign"
            lines.append(f"  C14 (accumulate strictly dominant): {verdict}")
            sym = self.param
            lines.append(f"    {'sovereign':<26}{sym:>12}{sym + '*':>14}  dominant  binding")
            for t in self.thresholds:
                b = t.binding.get("profile")
                nacc = sum(1 for v in b.values() if str(v).startswith(ACCUMULATE)) if b else None
                bind = (
                    f"vs {t.binding.get('versus')}, {nacc} others accumulate"
                    if b is not None
                    else t.note or t.method
                )
                lines.append(
                    f"    {t.player:<26}{t.value:>12.6g}{t.threshold:>14.6g}  "
                    f"{'yes' if t.holds else 'no':<8}  {bind}"
                )
        if self.mixed is not None:
            lines.append(
                f"  mixed equilibrium (closed form): p = {self.mixed.p:.6g}, "
                f"q = {self.mixed.q:.6g}, regret {self.mixed.regret:.3g}"
            )
        for e in self.symmetric:
            lines.append(
                f"  symmetric equilibrium: p = {e.p:.6g} ({e.kind}, regret {e.regret:.3g})"
            )
        if self.selected:
            lines.append(
                f"  selected equilibrium: {self.selected.get('rule')}, demand "
                f"${self.selected.get('demand_usd', float('nan')):,.0f}"
            )
        lines.extend(f"  note: {n}" for n in self.notes)
        lines.append(f"  ({self.elapsed_s:.3g} s)")
        return "\n".join(lines)

    def to_latex(self) -> str:
        """A LaTeX fragment: the closed forms and the per-sovereign threshold table."""
        out = [rf"\section*{{Symbolic analysis: {_tex_escape(self.title or 'game')}}}"]
        for name, tex in self.closed_forms.items():
            out.append(rf"\paragraph{{{_tex_escape(name)}}}")
            out.append(r"\[" + tex + r"\]")
        if self.thresholds:
            sym = sp.latex(_syms().player.get(self.param, sp.Symbol(self.param)))
            out.append(r"\begin{tabular}{lrrl}")
            out.append(rf"Sovereign & ${sym}_i$ & ${sym}_i^*$ & accumulate dominant \\ \hline")
            for t in self.thresholds:
                out.append(
                    rf"{_tex_escape(t.player)} & {t.value:.4g} & {t.threshold:.4g} & "
                    rf"{'yes' if t.holds else 'no'} \\"
                )
            out.append(r"\end{tabular}")
        if self.game_type is not None:
            out.append(
                r"\noindent 2x2 type: \texttt{" + _tex_escape(self.game_type.game_type) + "}."
            )
        if self.mixed is not None:
            out.append(rf"\[ p^* = {self.mixed.p:.6g},\quad q^* = {self.mixed.q:.6g} \]")
        return "\n".join(out)


def _tex_escape(s: str) -> str:
    for a, b in (
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("_", r"\_"),
        ("#", r"\#"),
    ):
        s = s.replace(a, b)
    return s


MIXED_2X2_LATEX = (
    r"q^* = \frac{A_{22} - A_{12}}{A_{11} - A_{12} - A_{21} + A_{22}},\qquad "
    r"p^* = \frac{B_{22} - B_{21}}{B_{11} - B_{21} - B_{12} + B_{22}}"
)


def analyze(
    game: SovereignGame | Game,
    *,
    param: str = "theta",
    boundaries: bool = True,
    max_tensor_entries: int = 2**22,
) -> Analysis:
    """Symbolic analysis of a sovereign game or of any normal-form game.

    For a :class:`SovereignGame`: the dominance threshold of every sovereign in ``param``
    (claim C14), each threshold's gradient with respect to every parameter (evaluated at the
    config, at the binding profile), each player's dominant action, the selected equilibrium's
    demand and its gradient, and, for 2 sovereigns with 2 actions, the 2x2 type, its boundaries
    and the closed-form mixed equilibrium. For a :class:`Game`: dominant actions, and the 2x2
    type and mixed equilibrium (2x2), or the symmetric equilibria (symmetric two-action games).
    Closed forms are lambdified once per structure and cached (``functools.lru_cache``).
    """
    t0 = time.perf_counter()
    if isinstance(game, SovereignGame):
        res = _analyze_sovereign(game, canonical_param(param), boundaries, max_tensor_entries)
    elif isinstance(game, Game):
        res = _analyze_game(game)
    else:
        raise ReservesError(
            f"cannot analyze a {type(game).__name__}", fix="pass a SovereignGame or a Game"
        )
    return _replace(res, elapsed_s=time.perf_counter() - t0)


def _replace(obj: Analysis, **kw: Any) -> Analysis:
    from dataclasses import replace

    return replace(obj, **kw)


def _analyze_game(game: Game) -> Analysis:
    from reserves.nash.symmetric import SymmetricGame, symmetric_equilibria

    dom = tuple(dominant_actions_2x2(game))
    gtype = mixed = None
    sym: tuple[Any, ...] = ()
    forms: dict[str, str] = {}
    notes: list[str] = []
    selected: dict[str, Any] = {}
    if game.shape == (2, 2):
        gtype = classify_2x2(game)
        mixed = mixed_equilibrium_2x2(game)
        forms["mixed equilibrium (2x2)"] = MIXED_2X2_LATEX
    if all(n == 2 for n in game.shape) and game.num_players >= 2:
        try:
            sym = symmetric_equilibria(SymmetricGame.from_game(game))
        except GameFormatError:
            sym = ()
    if mixed is not None:
        selected = {
            "rule": "completely mixed equilibrium (2x2)",
            "profile": [list(s) for s in mixed.strategies()],
        }
    return Analysis(
        game.title, tuple(game.players), tuple(game.actions), "", (), dom, gtype, mixed, sym,
        selected, {}, forms, (), tuple(notes),
    )  # fmt: skip


def _analyze_sovereign(
    game: SovereignGame, param: str, with_bounds: bool, max_entries: int
) -> Analysis:
    from reserves.nash.symmetric import symmetric_equilibria
    from reserves.sovereign.symmetric import symmetric_game

    notes: list[str] = []
    th = dominance_thresholds(game, param)
    # dominant actions from the closed-form margins (no tensor needed)
    dom: list[str | None] = []
    for i, t in enumerate(th):
        acts = game.actions[i]
        if t.holds:
            dom.append(ACCUMULATE)
        elif len(acts) == 2 and ACCUMULATE in acts and t.max_margin_usd < 0:
            dom.append(next(a for a in acts if a != ACCUMULATE))
        elif len(acts) == 1:
            dom.append(acts[0])
        else:
            dom.append(None)
    check: dict[str, Any] = {}
    if game.num_profiles * game.num_players <= max_entries:
        from reserves.nash.pure import dominant_actions

        G = game.to_game()
        num = [None if k is None else G.actions[i][k] for i, k in enumerate(dominant_actions(G))]
        check = {"method": "reserves.nash.pure.dominant_actions on the payoff tensor",
                 "dominant_action": num, "agrees": num == dom}  # fmt: skip
        grid = any(action_kind(a)[1] is not None for a in game.action_labels)
        if grid:
            notes.append(
                "share grid: the closed form tests the largest purchase against holding and "
                "selling; the tensor check asks for one action dominating every other share too"
            )
        elif num != dom:
            notes.append("closed-form and tensor dominance disagree (a player is at a threshold)")
    forms: dict[str, str] = {}
    versus = sorted({a for t in th for a in t.versus})
    for o in versus:
        forms[f"threshold, accumulate vs {o}"] = threshold_latex(o, param)
    statics: dict[str, dict[str, float]] = {}
    for i, t in enumerate(th):
        if not t.binding or not math.isfinite(t.threshold):
            continue
        names, fn = _threshold_gradient(t.binding["versus"], param)
        vals = _player_arg_values(game, i)
        H0o = game.total_holdings_btc - game.sovereigns[i].holdings_btc
        b = t.binding
        g = fn(
            *_arg_vector(
                vals, b["others_order_flow_usd"], b["others_buy_usd"], b["others_sold_btc"], H0o
            )
        )
        statics[f"{param}*[{t.player}]"] = {n: float(v) for n, v in zip(names, g, strict=True)}
    gtype = mixed = None
    bounds: tuple[dict[str, Any], ...] = ()
    selected: dict[str, Any] = {}
    if game.num_players == 2 and game.shape == (2, 2):
        pay = sovereign_2x2_payoffs(game)
        gtype = classify_2x2(pay[0], pay[1])
        mixed = mixed_equilibrium_2x2(pay[0], pay[1])
        forms["mixed equilibrium (2x2)"] = MIXED_2X2_LATEX
        if with_bounds:
            bounds = type_boundaries(game, params=(f"{param}_1", f"{param}_2"))
    if all(d is not None for d in dom):
        prof = [str(d) for d in dom]
        D, grad = pure_demand_statics(game, prof)
        selected = {"rule": "dominant-strategy equilibrium", "profile": prof, "demand_usd": D}
        statics["demand_usd"] = grad
    elif gtype is not None and len(gtype.pure_equilibria) == 1:
        e = gtype.pure_equilibria[0]
        prof = [game.actions[0][e[0]], game.actions[1][e[1]]]
        D, grad = pure_demand_statics(game, prof)
        selected = {"rule": "unique pure equilibrium", "profile": prof, "demand_usd": D}
        statics["demand_usd"] = grad
    elif mixed is not None:
        model = two_player_model(*game.actions)
        _, _, _, fn = mixed_2x2_statics(*game.actions)
        vals = _two_player_values(game)
        out = fn(*[vals[k] for k in model.arg_names()])
        n = len(model.args)
        names = model.arg_names()
        p, q, D = (float(v) for v in out[:3])
        selected = {
            "rule": "completely mixed equilibrium (closed form)",
            "p": p,
            "q": q,
            "demand_usd": D,
        }
        statics["p"] = {k: float(v) for k, v in zip(names, out[3 : 3 + n], strict=True)}
        statics["q"] = {k: float(v) for k, v in zip(names, out[3 + n : 3 + 2 * n], strict=True)}
        statics["demand_usd"] = {k: float(v) for k, v in zip(names, out[3 + 2 * n :], strict=True)}
    elif game.num_profiles * game.num_players <= max_entries:
        from reserves.nash.pure import pure_solve

        res = pure_solve(game.to_game())
        best: tuple[float, list[str], dict[str, float]] | None = None
        demands = []
        for e in res.equilibria:
            prof = [game.actions[i][int(np.argmax(s))] for i, s in enumerate(e.strategies)]
            D, grad = pure_demand_statics(game, prof)
            demands.append(D)
            if best is None or best[0] < D:
                best = (D, prof, grad)
        if best is not None:
            selected = {
                "rule": "pure equilibrium with the largest demand (upper end of the band)",
                "profile": best[1],
                "demand_usd": best[0],
                "demand_band_usd": [min(demands), max(demands)],
                "num_pure_equilibria": len(demands),
            }
            statics["demand_usd"] = best[2]
        else:
            notes.append("no pure equilibrium; no equilibrium selected for demand")
    else:
        notes.append("no dominant-strategy, unique or closed-form mixed equilibrium to select")
    sym: tuple[Any, ...] = ()
    if len(set(game.actions)) == 1 and len(game.actions[0]) == 2:
        try:
            sym = symmetric_equilibria(symmetric_game(game))
        except GameFormatError:
            sym = ()
    return Analysis(
        game.title, game.players, game.actions, param, th, tuple(dom), gtype, mixed, sym,
        selected, statics, forms, bounds, tuple(notes), 0.0, check,
    )  # fmt: skip


__all__ = [
    "GAME_TYPES",
    "Analysis",
    "DominanceThreshold",
    "GameType2x2",
    "MixedEquilibrium2x2",
    "RegionMap",
    "analyze",
    "canonical_param",
    "classify_2x2",
    "difference_form",
    "dominance_thresholds",
    "dominant_actions_2x2",
    "mixed_2x2_formula",
    "mixed_2x2_statics",
    "mixed_equilibrium_2x2",
    "pure_demand_statics",
    "single_player_payoff",
    "sovereign_2x2_payoffs",
    "threshold_latex",
    "two_player_model",
    "type_boundaries",
    "type_region_map",
]
