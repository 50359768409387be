"""Equilibrium selection by global games, and gold as an outside option (MODEL.md section 3).

Global games (Carlsson and van Damme 1993; Morris and Shin 1998, 2003)
----------------------------------------------------------------------
Take a two-action game (``accumulate`` against one other action) whose payoffs depend on a
fundamental ``x`` (a parameter such as the strategic weight ``theta`` or the value belief ``V``).
When each player observes ``x`` with small private noise, ``x_i = x + s e_i`` (i.i.d., diffuse
prior), the game has an essentially unique equilibrium in threshold strategies: accumulate iff
the signal is on one side of ``x*``. With the gain of accumulating when ``k`` of the others
accumulate,

    g_i(x, k) = u_i(accumulate, k; x) - u_i(other, k; x),

the player at the threshold of a symmetric game holds *Laplacian* beliefs in the limit
``s -> 0``: the number of others accumulating is uniform on ``{0, ..., N-1}``. So ``x*`` solves

    L(x*) = (1/N) sum_{k=0}^{N-1} g(x*, k) = 0                                  (limit)

(Morris and Shin 2003, "Global games: theory and applications", section 2.2). For finite noise
(symmetric games) the player at signal ``x*`` believes ``x = x* + s z`` with ``z`` drawn from the
noise density ``f`` and each other player above the threshold with probability ``F(z)``:

    int f(z) sum_k Binom(k; N-1, F(z)) g(x* + s z, k) dz = 0                      (finite s)

with normal (Gauss-Hermite quadrature) or uniform (Gauss-Legendre) noise. When ``g`` is affine
in ``x`` the finite-noise threshold equals the limit.

- Two players (any 2x2 coordination game): the global-game limit selects the risk-dominant
  equilibrium (Carlsson and van Damme 1993), so the common threshold solves
  ``g_1(x, 1) g_2(x, 1) = g_1(x, 0) g_2(x, 0)`` (equal Nash products of deviation losses); for
  symmetric 2x2 games this is the Laplacian condition.
- More than two *different* players: the per-player Laplacian roots ``x_i*`` are reported (the
  belief of a player at a common threshold when others' signals are exchangeable: the number
  of others above is uniform and, given the number, each set of others equally likely). This is
  exact for symmetric games and a documented heuristic otherwise (Frankel, Morris and Pauzner
  2003 show the limit is unique under strategic complementarities but it is not, in general,
  a per-player Laplacian condition); no common threshold is reported and the selected profile
  at the config's value is reported only after its regret is checked.

Gold as an outside option
-------------------------
The counter-argument to C14: a sovereign can put the same tranche ``c = alpha_i W_i`` into gold,
which also avoids seizure and seigniorage risk, with a fraction of bitcoin's volatility. Against
*holding* (BTC untouched, cash kept) the two options gain, given the other sovereigns' profile
``a_{-i}``,

    D_btc  = u_i(accumulate) - u_i(hold) = A(a_{-i}) + theta_i W_i Delta s(a_{-i})
    D_gold = c ((1 + g)^T - 1) - r_i T c - gamma_i sigma_g^2 T c^2 / (2 W_i)
             + lambda theta_i W_i Delta s(a_{-i})

(``A`` and ``W Delta s`` from :func:`reserves.sovereign.symbolic.difference_form`; the gold leg is
the model's mean-variance payoff with price impact zero, a position of ``c``, no political cost
and no correlation with bitcoin.) BTC beats gold iff the margin
``M = D_btc - D_gold = (A - F_gold) + theta_i (1 - lambda) W_i Delta s`` is positive for every
profile of the others; as ``M`` is affine in theta the switch is ``theta_gold* = max over
profiles with positive slope of -(A - F_gold) / ((1 - lambda) W_i Delta s)``.

Parameters of the gold leg (each an input to vary):

- ``gold_vol_pa = 0.15``: C10, gold's long-run volatility; late-2025 implied was GVZ ~33
  (CLAIMS.md, C10 cross-check) -- try 0.33.
- ``gold_return_pa = 0.05``: *assumption*, a long-run nominal expectation (about 2-3% real plus
  inflation); the World Gold Council's ~8% a year since 1971 is a high reading.
- ``gold_strategic_share = 0.5``: *assumption*, the strategic value of a gold tranche as a share
  ``lambda`` of bitcoin's strategic term (gold held at home resists seizure and sanctions, but a
  marginal tranche barely moves a sovereign's share of the ~36,000 t held by central banks).

Usage
-----
>>> from reserves.config import load_config
>>> from reserves.sovereign.model import SovereignGame
>>> from reserves.sovereign.selection import fundamental_factory, global_game_threshold
>>> from reserves.sovereign.selection import gold_comparison
>>> cfg = load_config("configs/baseline.yaml")
>>> gg = global_game_threshold(cfg, "theta", mode="scale")    # doctest: +SKIP
>>> gg.player_thresholds["China"], gg.selected_profile          # doctest: +SKIP
>>> # any two-action game family: a callable fundamental -> Game
>>> from reserves.nash.normal_form import Game
>>> sh = global_game_threshold(lambda x: Game.symmetric_2x2(4 + x, 0 + x, 3, 2), "shift",
...                            value=0.0, bracket=(-10, 10))    # doctest: +SKIP
>>> sh.threshold, sh.selected_profile, sh.risk_dominant_profile  # doctest: +SKIP
>>> gc = gold_comparison(SovereignGame(cfg), gold_vol_pa=0.33)  # doctest: +SKIP
>>> gc.to_frame()[["player", "min_margin_usd", "theta_threshold", "survives"]]  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.stats import binom, norm

from reserves.config import ReservesConfig, config_from_dict
from reserves.errors import ReservesError
from reserves.nash.normal_form import Game
from reserves.nash.result import Equilibrium
from reserves.nash.verify import regret_tolerance
from reserves.sovereign.model import SovereignGame
from reserves.sovereign.symbolic import (
    MARKET_PARAMS,
    PLAYER_PARAMS,
    canonical_param,
    difference_form,
    dominance_thresholds,
)
from reserves.units import json_number as _num

ACCUMULATE = "accumulate"
GameLike = Game | SovereignGame
GameFactory = Callable[[float], GameLike]

#: sources of the gold-leg defaults (see the module docstring)
GOLD_SOURCES: dict[str, str] = {
    "gold_vol_pa": "C10: gold ~15% long-run; late-2025 implied GVZ ~33 (C10 cross-check)",
    "gold_return_pa": "assumption: ~2-3% real plus inflation; WGC ~8%/yr since 1971 is high",
    "gold_strategic_share": "assumption: gold's strategic value as a share of BTC's term",
    "correlation": "assumption: zero BTC-gold correlation, no impact on the gold price",
}

#: games with more other-player profiles than this use the two extreme profiles only
MAX_GOLD_PROFILES = 2**17

#: the accumulate index is the action named "accumulate", else action 0 (plain games)
_NOISES = ("normal", "uniform")


# =============================================================================== factories
def _config_of(source: Any) -> ReservesConfig:
    if isinstance(source, SovereignGame):
        return source.config
    if isinstance(source, ReservesConfig):
        return source
    raise ReservesError(
        f"expected a SovereignGame, a ReservesConfig or a callable, got {type(source).__name__}",
        field="game_factory",
        fix="pass a SovereignGame, a config, or a function fundamental -> Game",
    )


def config_param_values(cfg: ReservesConfig, param: str) -> np.ndarray:
    """The config's value of ``param`` for every playing sovereign (one entry for a market
    parameter); ``V`` resolves per-sovereign beliefs against ``market.value_belief_usd``."""
    key = canonical_param(param)
    if key in MARKET_PARAMS:
        return np.array([float(getattr(cfg.market, MARKET_PARAMS[key]))])
    if key == "V":
        return np.array([s.value_belief_usd or cfg.market.value_belief_usd for s in cfg.players])
    return np.array([float(getattr(s, PLAYER_PARAMS[key])) for s in cfg.players])


def fundamental_factory(
    source: SovereignGame | ReservesConfig, param: str, *, mode: str = "scale"
) -> Callable[[float], SovereignGame]:
    """A function ``x -> SovereignGame`` that moves one parameter as a common fundamental.

    Parameters
    ----------
    source:
        the game or config whose parameter is moved.
    param:
        a model symbol or config field (``theta`` / ``strategic_weight``, ``V``, ``kappa``,
        ``r``, ``gamma``, ``alpha``, ``P0``, ``sigma``, ...).
    mode:
        ``"scale"`` (default): ``param_i = x * param_i(config)``, so heterogeneity is kept and
        the config is ``x = 1``; ``"common"``: every sovereign's ``param_i = x`` (for a market
        parameter both modes set the one value, ``x`` times it under ``"scale"``).
    """
    cfg = _config_of(source)
    key = canonical_param(param)
    if mode not in ("scale", "common"):
        raise ReservesError(f"unknown mode {mode!r}", field="mode", fix="use 'scale' or 'common'")
    base = cfg.to_dict()
    base_vals = config_param_values(cfg, key)
    players = [s.name for s in cfg.players]
    price = source.price_usd if isinstance(source, SovereignGame) else None
    cache: dict[float, SovereignGame] = {}

    def build(x: float) -> SovereignGame:
        x = float(x)
        if x in cache:
            return cache[x]
        data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
        p = price
        if key in MARKET_PARAMS:
            val = x * base_vals[0] if mode == "scale" else x
            data["market"] = {**data["market"], MARKET_PARAMS[key]: val}
            if key == "P0":
                p = val
        else:
            fld = PLAYER_PARAMS[key]
            sov = []
            vals = dict(zip(players, base_vals, strict=True))
            for s in data["sovereigns"]:
                s = dict(s)
                if s["name"] in vals:
                    s[fld] = x * vals[s["name"]] if mode == "scale" else x
                sov.append(s)
            data["sovereigns"] = sov
        game = SovereignGame(config_from_dict(data, where=f"{fld_name(key)} = {x:g}"), price_usd=p)
        if len(cache) < 4096:
            cache[x] = game
        return game

    return build


def fld_name(key: str) -> str:
    """Config field name of a model symbol (``theta`` -> ``strategic_weight``)."""
    return PLAYER_PARAMS.get(key) or f"market.{MARKET_PARAMS.get(key, key)}"


# =============================================================================== gains by count
@dataclass(frozen=True)
class CountPayoffs:
    """Each player's payoff of ``accumulate`` and of its other action when ``k`` others
    accumulate (averaged over the sets of ``k`` others), shape ``(N, N)``; plus the tensor."""

    u_acc: np.ndarray
    u_other: np.ndarray
    acc_index: tuple[int, ...]
    game: Game
    players: tuple[str, ...]
    other_actions: tuple[str, ...]

    @property
    def gains(self) -> np.ndarray:
        """``g_i(k) = u_i(acc, k) - u_i(other, k)``."""
        return self.u_acc - self.u_other

    @property
    def laplacian(self) -> np.ndarray:
        """``L_i = mean_k g_i(k)`` (Laplacian belief)."""
        return self.gains.mean(axis=1)

    def symmetric(self, rtol: float = 1e-9) -> bool:
        scale = max(float(np.abs(self.u_acc).max()), float(np.abs(self.u_other).max()), 1e-300)
        return bool(
            np.all(np.abs(self.u_acc - self.u_acc[0]) <= rtol * scale)
            and np.all(np.abs(self.u_other - self.u_other[0]) <= rtol * scale)
        )


def _tensor(game: Any) -> Game:
    if isinstance(game, SovereignGame):
        return game.to_game()
    if isinstance(game, Game):
        return game
    raise ReservesError(
        f"the game factory returned {type(game).__name__}, not a game",
        field="game_factory",
        fix="return a reserves Game or SovereignGame from the factory",
    )


def count_payoffs(game: GameLike) -> CountPayoffs:
    """Per-player payoffs by the number of others accumulating (see :class:`CountPayoffs`).

    Every player needs exactly two actions; ``accumulate`` is the action of that name, else
    the first action.
    """
    g = _tensor(game)
    n = g.num_players
    if any(k != 2 for k in g.shape):
        raise ReservesError(
            f"global games need two actions per player; the game has shape {g.shape}",
            field="actions",
            fix="give every sovereign two actions (e.g. game.actions: [accumulate, sell])",
        )
    acc = tuple(a.index(ACCUMULATE) if ACCUMULATE in a else 0 for a in g.actions)
    u_acc = np.empty((n, n))
    u_oth = np.empty((n, n))
    for i in range(n):
        P = np.array(g.payoffs[i], dtype=float)
        for j in range(n):
            if acc[j] == 1:
                P = np.flip(P, axis=j)  # index 0 = accumulate on every axis
        P = np.moveaxis(P, i, 0)
        others = P.reshape(2, -1)
        if n > 1:
            k = (n - 1) - np.indices((2,) * (n - 1)).reshape(n - 1, -1).sum(axis=0)
        else:
            k = np.zeros(1, dtype=int)
        cnt = np.bincount(k, minlength=n).astype(float)
        u_acc[i] = np.bincount(k, weights=others[0], minlength=n) / cnt
        u_oth[i] = np.bincount(k, weights=others[1], minlength=n) / cnt
    other = tuple(a[1 - acc[i]] for i, a in enumerate(g.actions))
    return CountPayoffs(u_acc, u_oth, acc, g, g.players, other)


# =============================================================================== global games
@dataclass(frozen=True)
class GlobalGameThreshold:
    """The global-games selection for one fundamental (see the module docstring).

    Attributes
    ----------
    param:
        the fundamental (model symbol, or the label given with a callable factory).
    threshold:
        the common threshold ``x*`` (symmetric games: Laplacian root; two players: equal Nash
        products); NaN for asymmetric games of more than two players.
    direction:
        ``"above"``: accumulate iff the signal is above the threshold; ``"below"``: iff below.
    player_thresholds:
        each player's Laplacian root ``x_i*`` (``+-inf`` when it has no root in the bracket:
        the player's Laplacian action does not change there).
    player_directions:
        per player, ``"above"``, ``"below"`` or the constant Laplacian action's side.
    value:
        the value of the fundamental where the selection is read (config: 1 under
        ``mode="scale"``).
    selected_profile:
        the action each player takes at ``value`` under the selection.
    selected_equilibrium:
        that profile as a verified :class:`Equilibrium` (``None`` if its regret is not ~0).
    regret:
        max regret of the selected profile in the complete-information game at ``value``.
    risk_dominant_profile:
        for 2x2 games, Harsanyi and Selten's risk-dominant equilibrium at ``value``.
    count_payoffs_at_threshold, laplacian_at_value:
        the payoffs used: ``u_i(accumulate, k)`` and ``u_i(other, k)`` per player at the
        threshold (or at ``value`` when there is none), and ``L_i`` at ``value``.
    noise, noise_scale:
        ``"limit"`` or ``"normal"`` / ``"uniform"`` with the noise sd / half-width.
    """

    param: str
    threshold: float
    direction: str
    players: tuple[str, ...]
    player_thresholds: dict[str, float]
    player_directions: dict[str, str]
    value: float
    selected_profile: tuple[str, ...]
    selected_equilibrium: Equilibrium | None
    regret: float
    risk_dominant_profile: tuple[str, ...] | None
    agrees_with_risk_dominance: bool | None
    symmetric: bool
    method: str
    noise: str
    noise_scale: float
    bracket: tuple[float, float]
    laplacian_at_value: dict[str, float]
    count_payoffs_at_threshold: dict[str, dict[str, list[float]]]
    notes: tuple[str, ...] = ()

    @property
    def limit_threshold(self) -> float:
        return self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "param": self.param,
            "threshold": _num(self.threshold),
            "direction": self.direction,
            "players": list(self.players),
            "player_thresholds": {k: _num(v) for k, v in self.player_thresholds.items()},
            "player_directions": dict(self.player_directions),
            "value": self.value,
            "selected_profile": list(self.selected_profile),
            "selected_is_equilibrium": self.selected_equilibrium is not None,
            "regret": self.regret,
            "risk_dominant_profile": (
                None if self.risk_dominant_profile is None else list(self.risk_dominant_profile)
            ),
            "agrees_with_risk_dominance": self.agrees_with_risk_dominance,
            "symmetric": self.symmetric,
            "method": self.method,
            "noise": self.noise,
            "noise_scale": self.noise_scale,
            "bracket": list(self.bracket),
            "laplacian_at_value": self.laplacian_at_value,
            "count_payoffs_at_threshold": self.count_payoffs_at_threshold,
            "notes": list(self.notes),
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """pandas DataFrame, one row per player."""
        import pandas as pd

        return pd.DataFrame(
            {
                "player": list(self.players),
                "threshold": [self.player_thresholds[p] for p in self.players],
                "direction": [self.player_directions[p] for p in self.players],
                "laplacian_at_value": [self.laplacian_at_value[p] for p in self.players],
                "selected": list(self.selected_profile),
            }
        )


def _resolve_factory(
    game_factory: Any, param: str, mode: str, value: float | None
) -> tuple[Callable[[float], GameLike], str, float]:
    if isinstance(game_factory, SovereignGame | ReservesConfig):
        key = canonical_param(param)
        if value is None:
            if mode == "scale":
                value = 1.0
            else:
                vals = config_param_values(_config_of(game_factory), key)
                if np.ptp(vals) > 0:
                    raise ReservesError(
                        f"sovereigns differ in {fld_name(key)}; mode='common' has no single "
                        "config value",
                        field="value",
                        fix="pass value=..., or use mode='scale' (the config is x = 1)",
                    )
                value = float(vals[0])
        return fundamental_factory(game_factory, key, mode=mode), key, float(value)
    if not callable(game_factory):
        _config_of(game_factory)  # raises with the fix
    if not isinstance(param, str) or not param.strip():
        raise ReservesError(
            "param must name the fundamental", field="param", fix="e.g. param='theta'"
        )
    if value is None:
        raise ReservesError(
            "a callable factory needs the value at which to read the selection",
            field="value",
            fix="pass value=<the fundamental's actual value>",
        )
    return game_factory, param.strip(), float(value)


def _default_bracket(key: str, value: float, mode: str) -> tuple[float, float]:
    if mode == "scale":
        return (0.0, 1000.0) if key not in ("P0", "V") else (1e-3, 1000.0)
    v = abs(value) if value else 1.0
    lo = 0.0 if key not in ("P0", "V", "W", "Q", "sigma", "T", "eps") else v * 1e-3
    return (lo, v * 1000.0)


def _check_bracket(bracket: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bracket)
    except (TypeError, ValueError):
        raise ReservesError(
            f"bracket {bracket!r} is not a pair of numbers",
            field="bracket",
            fix="give bracket=(low, high) with low < high",
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ReservesError(
            f"bracket ({lo}, {hi}) is not an increasing finite interval",
            field="bracket",
            fix="give bracket=(low, high) with low < high",
        )
    return lo, hi


def _root(f: Callable[[float], float], lo: float, hi: float, flo: float, fhi: float) -> float:
    if flo == 0:
        return lo
    if fhi == 0:
        return hi
    return float(brentq(f, lo, hi, xtol=1e-12 * max(1.0, abs(lo), abs(hi)), rtol=1e-12))


def _quadrature(noise: str, n: int = 41) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes ``z``, weights (sum 1) and ``F(z)`` of the standardized noise."""
    if noise == "normal":
        x, w = np.polynomial.hermite_e.hermegauss(n)
        return x, w / w.sum(), norm.cdf(x)
    x, w = np.polynomial.legendre.leggauss(n)  # uniform on [-1, 1]
    return x, w / w.sum(), (x + 1) / 2


def _finite_noise_gain(
    factory: Callable[[float], GameLike], xstar: float, scale: float, noise: str
) -> float:
    z, w, F = _quadrature(noise)
    total = 0.0
    for zk, wk, Fk in zip(z, w, F, strict=True):
        g = count_payoffs(factory(xstar + scale * zk)).gains[0]
        n = g.size
        total += wk * float(binom.pmf(np.arange(n), n - 1, Fk) @ g)
    return total


def _pure_equilibria(g: Game) -> list[Equilibrium]:
    from reserves.nash.pure import pure_solve

    return list(pure_solve(g).equilibria)


def global_game_threshold(
    game_factory: GameFactory | SovereignGame | ReservesConfig,
    param: str = "theta",
    *,
    value: float | None = None,
    bracket: tuple[float, float] | None = None,
    mode: str = "scale",
    noise: str = "limit",
    noise_scale: float = 0.0,
) -> GlobalGameThreshold:
    """The global-games threshold ``x*`` in a fundamental and the equilibrium it selects.

    Parameters
    ----------
    game_factory:
        a function ``x -> Game | SovereignGame`` (two actions per player; ``accumulate`` is the
        action of that name, else action 0), or a ``SovereignGame`` / ``ReservesConfig`` whose
        ``param`` is moved by :func:`fundamental_factory` (with ``mode``).
    param:
        the fundamental: a model symbol or config field for a game/config (validated), a label
        for a callable.
    value:
        where to read the selection (default: the config's value, ``1`` under
        ``mode="scale"``); required for a callable.
    bracket:
        ``(low, high)`` searched for the root (default: ``(0, 1000)`` times the config's value).
    mode:
        ``"scale"`` or ``"common"`` (see :func:`fundamental_factory`).
    noise, noise_scale:
        ``"limit"`` (vanishing noise, the Laplacian condition) or ``"normal"`` / ``"uniform"``
        with the noise sd / half-width ``noise_scale > 0`` (symmetric games only; the factory
        must accept ``x* +- 6 noise_scale``).

    Returns
    -------
    GlobalGameThreshold

    Notes
    -----
    Limit: ``(1/N) sum_k [u(acc, k) - u(other, k)] = 0`` (Morris and Shin 2003, s. 2.2); two
    players: ``g_1(1) g_2(1) = g_1(0) g_2(0)`` (risk dominance, Carlsson and van Damme 1993);
    finite noise: see the module docstring. Roots by Brent's method.
    """
    factory, key, val = _resolve_factory(game_factory, param, mode, value)
    lo, hi = _check_bracket(bracket if bracket is not None else _default_bracket(key, val, mode))
    if noise not in ("limit", *_NOISES):
        raise ReservesError(
            f"unknown noise {noise!r}", field="noise", fix="use 'limit', 'normal' or 'uniform'"
        )
    if noise != "limit" and not (math.isfinite(noise_scale) and noise_scale > 0):
        raise ReservesError(
            f"noise_scale = {noise_scale} must be positive for {noise} noise",
            field="noise_scale",
            fix="give noise_scale > 0, or noise='limit'",
        )
    cp_lo, cp_hi = count_payoffs(factory(lo)), count_payoffs(factory(hi))
    players = cp_lo.players
    n = len(players)
    notes: list[str] = []

    def lap(i: int) -> Callable[[float], float]:
        return lambda x: float(count_payoffs(factory(x)).laplacian[i])

    # per-player Laplacian roots
    p_thr: dict[str, float] = {}
    p_dir: dict[str, str] = {}
    L_lo, L_hi = cp_lo.laplacian, cp_hi.laplacian
    scale = max(float(np.abs(cp_lo.gains).max()), float(np.abs(cp_hi.gains).max()), 1e-300)
    tiny = 1e-13 * scale
    for i, p in enumerate(players):
        a, b = L_lo[i], L_hi[i]
        if a * b <= 0 and max(abs(a), abs(b)) > tiny:
            p_thr[p] = _root(lap(i), lo, hi, a, b)
            p_dir[p] = "above" if b > a else "below"
        else:
            p_thr[p] = -math.inf if a > 0 else math.inf
            p_dir[p] = ("always accumulate" if a > 0 else "never accumulate") + " in bracket"
    if not any(math.isfinite(t) for t in p_thr.values()):
        raise ReservesError(
            f"the Laplacian gain of accumulating does not change sign on [{lo:g}, {hi:g}] for "
            f"any player (signs at the ends: {np.sign(L_lo).tolist()} / "
            f"{np.sign(L_hi).tolist()})",
            field="bracket",
            fix="widen the bracket, or choose a fundamental that moves the game from one "
            "dominance region to the other",
        )
    symmetric = cp_lo.symmetric() and cp_hi.symmetric()
    thr, direction = math.nan, "none"
    if symmetric:
        thr, direction = p_thr[players[0]], p_dir[players[0]]
        method = "Laplacian (symmetric)"
    elif n == 2:

        def nash(x: float) -> float:
            g = count_payoffs(factory(x)).gains
            return float(g[0, 1] * g[1, 1] - g[0, 0] * g[1, 0])

        a, b = nash(lo), nash(hi)
        if a * b <= 0:
            thr = _root(nash, lo, hi, a, b)
            direction = "above" if b > a else "below"
        else:
            notes.append("the Nash products do not cross in the bracket: no common threshold")
        method = "risk dominance (2 players, Carlsson-van Damme)"
    else:
        method = "per-player Laplacian (asymmetric: heuristic, see module docstring)"
        notes.append("asymmetric game of more than two players: no common threshold")
    if noise != "limit":
        if not symmetric:
            raise ReservesError(
                "finite-noise thresholds are implemented for symmetric games only",
                field="noise",
                fix="use noise='limit' for asymmetric games",
            )

        def fin(x: float) -> float:
            return _finite_noise_gain(factory, x, noise_scale, noise)

        a, b = fin(lo), fin(hi)
        if a * b > 0:
            raise ReservesError(
                f"the finite-noise gain does not change sign on [{lo:g}, {hi:g}]",
                field="bracket",
                fix="widen the bracket or reduce noise_scale",
            )
        thr = _root(fin, lo, hi, a, b)
        direction = "above" if b > a else "below"
        p_thr = dict.fromkeys(players, thr)
        method = f"{noise} noise, diffuse prior (symmetric)"

    # the selection at `value`
    g_val = count_payoffs(factory(val))
    tg = g_val.game
    lap_val = g_val.laplacian
    rd_profile: tuple[str, ...] | None = None
    eqs = _pure_equilibria(tg) if tg.shape == (2, 2) else []
    if tg.shape == (2, 2) and eqs:
        from reserves.demand import risk_dominant

        rd = risk_dominant(tg, eqs).equilibrium
        assert rd is not None
        rd_profile = rd.action_profile()
    if noise != "limit" or symmetric:
        side = (val > thr) if direction == "above" else (val < thr)
        choose = [side] * n
    elif n == 2 and rd_profile is not None:
        choose = [rd_profile[i] == tg.actions[i][g_val.acc_index[i]] for i in range(n)]
    else:
        choose = [bool(x > 0) for x in lap_val]
    idx = [g_val.acc_index[i] if c else 1 - g_val.acc_index[i] for i, c in enumerate(choose)]
    prof = tg.pure_profile(idx)
    regret = float(tg.max_regret(prof))
    tol = regret_tolerance(tg, prof)
    eq = None
    if regret <= tol:
        eq = Equilibrium(
            tuple(prof), regret, tuple(float(x) for x in tg.expected_payoffs(prof)), tg.actions, tol
        )
    else:
        notes.append(
            f"the selected profile is not an equilibrium of the game at {key} = {val:g} "
            f"(regret {regret:.4g}): the game is not a coordination game there"
        )
    dg = np.diff(g_val.gains, axis=1)
    if n > 1 and np.any(dg < -1e-9 * tg.payoff_scale):
        notes.append(
            "the gain of accumulating falls as others accumulate for some player (strategic "
            "substitutes): the global-games uniqueness result needs complements, so the "
            "threshold is a heuristic there"
        )
    sel_profile = tuple(tg.actions[i][k] for i, k in enumerate(idx))
    agrees = None if rd_profile is None else rd_profile == sel_profile
    at = thr if math.isfinite(thr) else val
    cp_t = count_payoffs(factory(at))
    used = {
        p: {
            "u_accumulate": cp_t.u_acc[i].tolist(),
            "u_other": cp_t.u_other[i].tolist(),
            "other_action": [cp_t.other_actions[i]],
        }
        for i, p in enumerate(players)
    }
    return GlobalGameThreshold(
        param=key,
        threshold=float(thr),
        direction=direction,
        players=tuple(players),
        player_thresholds=p_thr,
        player_directions=p_dir,
        value=val,
        selected_profile=sel_profile,
        selected_equilibrium=eq,
        regret=regret,
        risk_dominant_profile=rd_profile,
        agrees_with_risk_dominance=agrees,
        symmetric=symmetric,
        method=method,
        noise=noise,
        noise_scale=float(noise_scale),
        bracket=(lo, hi),
        laplacian_at_value={p: float(lap_val[i]) for i, p in enumerate(players)},
        count_payoffs_at_threshold=used,
        notes=tuple(notes),
    )


# =============================================================================== gold
@dataclass(frozen=True)
class GoldComparison:
    """Per sovereign: accumulating BTC against putting the same tranche into gold.

    Arrays over players (game order). Gains are against *hold* (BTC untouched, cash kept):
    ``btc_gain_usd`` and ``gold_gain_usd`` with the others all accumulating (``_race``) and all
    taking their other action (``_alone``); ``min_margin_usd`` is the smallest BTC-minus-gold
    margin over the others' profiles; ``theta_threshold`` the strategic weight above which BTC
    beats gold for every profile (``inf`` if never); ``accumulate_dominant`` C14's dominance
    over the sovereign's own other action; ``survives`` both.
    """

    players: tuple[str, ...]
    tranche_usd: np.ndarray
    theta: np.ndarray
    btc_gain_race_usd: np.ndarray
    gold_gain_race_usd: np.ndarray
    btc_gain_alone_usd: np.ndarray
    gold_gain_alone_usd: np.ndarray
    gold_financial_usd: np.ndarray
    min_margin_usd: np.ndarray
    theta_threshold: np.ndarray
    theta_upper: np.ndarray
    btc_beats_gold: np.ndarray
    accumulate_dominant: np.ndarray
    survives: np.ndarray
    gold_vol_pa: float
    gold_return_pa: float
    gold_strategic_share: float
    method: str
    num_profiles: int
    sources: dict[str, str] = field(default_factory=lambda: dict(GOLD_SOURCES))

    @property
    def margin_race_usd(self) -> np.ndarray:
        return self.btc_gain_race_usd - self.gold_gain_race_usd

    @property
    def margin_alone_usd(self) -> np.ndarray:
        return self.btc_gain_alone_usd - self.gold_gain_alone_usd

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold_vol_pa": self.gold_vol_pa,
            "gold_return_pa": self.gold_return_pa,
            "gold_strategic_share": self.gold_strategic_share,
            "method": self.method,
            "num_profiles": self.num_profiles,
            "sources": dict(self.sources),
            "per_sovereign": [
                {
                    "player": p,
                    "tranche_usd": float(self.tranche_usd[i]),
                    "theta": float(self.theta[i]),
                    "btc_gain_race_usd": float(self.btc_gain_race_usd[i]),
                    "gold_gain_race_usd": float(self.gold_gain_race_usd[i]),
                    "btc_gain_alone_usd": float(self.btc_gain_alone_usd[i]),
                    "gold_gain_alone_usd": float(self.gold_gain_alone_usd[i]),
                    "min_margin_usd": float(self.min_margin_usd[i]),
                    "theta_threshold": _num(self.theta_threshold[i]),
                    "theta_upper": _num(self.theta_upper[i]),
                    "btc_beats_gold": bool(self.btc_beats_gold[i]),
                    "accumulate_dominant": bool(self.accumulate_dominant[i]),
                    "survives": bool(self.survives[i]),
                }
                for i, p in enumerate(self.players)
            ],
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """pandas DataFrame, one row per sovereign."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["per_sovereign"])


def _check_gold_param(name: str, v: float, lo: float, hi: float) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        x = math.nan
    if not (math.isfinite(x) and lo <= x <= hi):
        raise ReservesError(
            f"{name} = {v!r} must be a number in [{lo:g}, {hi:g}]",
            field=name,
            fix=f"give {name} in [{lo:g}, {hi:g}] (see GOLD_SOURCES)",
        )
    return x


def _other_profiles(game: SovereignGame, i: int, max_profiles: int) -> tuple[np.ndarray, ...]:
    """Aggregates ``(X, B, S)`` of the others over their profiles, with the race (all others
    accumulate, or their first action) and alone (all others not accumulating) at 0 and 1."""
    fl = game.flows
    others = [j for j in range(game.num_players) if j != i]
    choices = [np.flatnonzero(fl.available[j]) for j in others]
    acc_k = game.action_labels.index(ACCUMULATE) if ACCUMULATE in game.action_labels else -1

    def extreme(race: bool) -> list[int]:
        out = []
        for ch in choices:
            pick = [k for k in ch if (k == acc_k) == race]
            out.append(int(pick[0] if pick else ch[0]))
        return out

    profs = [extreme(True), extreme(False)]
    total = math.prod(len(c) for c in choices)  # Python int: never overflows
    if total <= max_profiles:
        profs += [list(p) for p in itertools.product(*choices)]
    if not others:
        z = np.zeros(len(profs))
        return z, z, z
    P = np.array(profs, dtype=int)
    rows = np.array(others)
    X = fl.x[rows, P].sum(axis=1)
    B = fl.c[rows, P].sum(axis=1)
    S = fl.q[rows, P].sum(axis=1)
    return X, B, S


def gold_comparison(
    sovereign_game: SovereignGame,
    *,
    gold_vol_pa: float = 0.15,
    gold_return_pa: float = 0.05,
    gold_strategic_share: float = 0.5,
    max_profiles: int = MAX_GOLD_PROFILES,
) -> GoldComparison:
    """Accumulating BTC against putting the same tranche into gold, per sovereign.

    Parameters
    ----------
    sovereign_game:
        the game (its config gives each sovereign's tranche ``c = alpha_i W_i``, ``r_i``,
        ``gamma_i``, ``theta_i`` and the horizon ``T``).
    gold_vol_pa:
        gold's annualized volatility ``sigma_g`` (C10: 0.15 long-run; GVZ ~0.33 late 2025).
    gold_return_pa:
        gold's expected return ``g`` a year (assumption, see :data:`GOLD_SOURCES`).
    gold_strategic_share:
        ``lambda``: gold's strategic value as a share of BTC's strategic term (assumption).
    max_profiles:
        enumerate the others' profiles up to this many; beyond, only the two extremes (all
        others accumulate; none does) are compared (``method="extremes"``).

    Returns
    -------
    GoldComparison

    Notes
    -----
    ``M = D_btc - D_gold = (A - F_gold) + theta_i (1 - lambda) W_i Delta s`` with
    ``F_gold = c ((1 + g)^T - 1) - r T c - gamma sigma_g^2 T c^2 / (2 W)``; see the module
    docstring. Zero correlation between BTC and gold and no price impact on gold (a tranche of
    a few $B against a ~$25T+ gold market) are assumptions.
    """
    if not isinstance(sovereign_game, SovereignGame):
        raise ReservesError(
            f"gold_comparison needs a SovereignGame, got {type(sovereign_game).__name__}",
            field="sovereign_game",
            fix="use SovereignGame(load_config(path))",
        )
    vol = _check_gold_param("gold_vol_pa", gold_vol_pa, 0.0, 5.0)
    ret = _check_gold_param("gold_return_pa", gold_return_pa, -0.5, 1.0)
    lam = _check_gold_param("gold_strategic_share", gold_strategic_share, 0.0, 10.0)
    game = sovereign_game
    form = difference_form("hold", "theta")
    m = game.config.market
    T = m.horizon_years
    n = game.num_players
    dom = dominance_thresholds(game, "theta")
    out: dict[str, list[float]] = {
        k: []
        for k in (
            "tranche",
            "theta",
            "btc_race",
            "gold_race",
            "btc_alone",
            "gold_alone",
            "fgold",
            "min_margin",
            "lower",
            "upper",
        )
    }
    num_prof = 0
    method = "enumeration"
    for i in range(n):
        s = game.sovereigns[i]
        V = s.value_belief_usd or m.value_belief_usd
        c = s.max_buy_share * s.reserves_usd
        W, r, gamma, theta = (
            s.reserves_usd,
            s.cost_of_capital_pa,
            s.risk_aversion,
            s.strategic_weight,
        )
        X, B, S = _other_profiles(game, i, max_profiles)
        if X.size == 2 and n > 1:
            method = "extremes"
        num_prof = max(num_prof, X.size - 2 if X.size > 2 else X.size)
        vals = [
            game.price_usd,
            m.supply_btc,
            m.flow_multiplier,
            m.vol_pa,
            T,
            m.share_floor_btc,
            V,
            W,
            s.holdings_btc,
            r,
            gamma,
            theta,
            s.political_cost_usd,
            s.max_buy_share,
            s.sell_share,
            s.hedge_pa,
        ]
        H0o = game.total_holdings_btc - s.holdings_btc
        A, Bc = (
            np.broadcast_to(np.asarray(v, dtype=float), X.shape)
            for v in form.fn(*vals, X, B, S, H0o)
        )
        F = c * ((1 + ret) ** T - 1) - r * T * c - gamma * vol**2 * T * c**2 / (2 * W)
        btc = A + theta * Bc
        gold = F + lam * theta * Bc
        margin = btc - gold
        a, b = A - F, (1 - lam) * Bc
        tol = 1e-12 * max(float(np.abs(a).max()), 1.0)
        pos, neg, zero = b > tol * 1e-6, b < -tol * 1e-6, np.abs(b) <= tol * 1e-6
        lower = float(np.max(-a[pos] / b[pos])) if pos.any() else -math.inf
        upper = float(np.min(-a[neg] / b[neg])) if neg.any() else math.inf
        if zero.any() and np.any(a[zero] <= 0):
            lower, upper = math.inf, -math.inf
        for k, v in (
            ("tranche", c),
            ("theta", theta),
            ("btc_race", btc[0]),
            ("gold_race", gold[0]),
            ("btc_alone", btc[1]),
            ("gold_alone", gold[1]),
            ("fgold", F),
            ("min_margin", margin.min()),
            ("lower", lower),
            ("upper", upper),
        ):
            out[k].append(float(v))
    arr = {k: np.array(v) for k, v in out.items()}
    beats = arr["min_margin"] > 0
    domi = np.array([d.holds for d in dom])
    return GoldComparison(
        players=game.players,
        tranche_usd=arr["tranche"],
        theta=arr["theta"],
        btc_gain_race_usd=arr["btc_race"],
        gold_gain_race_usd=arr["gold_race"],
        btc_gain_alone_usd=arr["btc_alone"],
        gold_gain_alone_usd=arr["gold_alone"],
        gold_financial_usd=arr["fgold"],
        min_margin_usd=arr["min_margin"],
        theta_threshold=arr["lower"],
        theta_upper=arr["upper"],
        btc_beats_gold=beats,
        accumulate_dominant=domi,
        survives=beats & domi,
        gold_vol_pa=vol,
        gold_return_pa=ret,
        gold_strategic_share=lam,
        method=method,
        num_profiles=num_prof,
    )


__all__ = [
    "GOLD_SOURCES",
    "CountPayoffs",
    "GlobalGameThreshold",
    "GoldComparison",
    "config_param_values",
    "count_payoffs",
    "fundamental_factory",
    "global_game_threshold",
    "gold_comparison",
]
