"""Structural estimation of the sovereign game from observed actions (logit QRE, NPL).

The estimation game
-------------------
Every sovereign of the evidence plays ``accumulate`` on a grid of shares of reserves
(:data:`GRID`, default 0.1%, 0.5%, 2%), ``hold``, or ``sell`` (only when it holds coins and the
config allows it: EO 14233 bars US sales). Reserves ``W_i``, holdings ``h_i``, the cost of
capital ``r_i``, the market and one common value belief ``V`` come from the config (sourced
numbers); the behavioural parameters are functions of observables with five coefficients:

    gamma_i = gamma                                   risk aversion (common)
    theta_i = theta                                   strategic weight on relative share
    kappa_i = k_fixed W_i                             fixed cost of any purchase
    eta_i   = b_sanctions * sanctions_exposure_i + b_gold * gold_purchases_share_i   (hedge)

The payoff (:func:`reserves.sovereign.model.payoff_template`, the one sympy expression) is
linear in ``(gamma, theta, kappa, eta)`` given the others' actions, so with ``lambda`` the logit
precision on payoffs per USD of reserves the choice index is linear in
``alpha = lambda (1, gamma, theta, k_fixed, b_sanctions, b_gold)``:

    v_i(a) = alpha . z_i(a),   z_i(a) = (F, R, G, -acc W, s K, g K)_i(a) / W_i,

where ``F`` is the payoff at ``gamma = theta = kappa = eta = 0``, ``R, G, K`` the derivatives
with respect to ``gamma, theta, eta`` (exact: the payoff is linear in them). Under logit
quantal response ``Pr(a_i = a) = exp v_i(a) / sum_b exp v_i(b)`` with the others' aggregates
at their equilibrium expectation (mean field: payoffs depend on the others only through
``X, B, S``).

Estimator
---------
Nested pseudo-likelihood (Aguirregabiria and Mira 2007, Econometrica 75(1)): start from the
observed profile as beliefs, maximise the (concave, cvxpy) pseudo-log-likelihood in ``alpha``
with ``alpha >= 0``, update beliefs by one logit best response, repeat to a fixed point; the
fixed point is a logit QRE of the estimated game consistent with the data. Standard errors
from the observed information of ``alpha`` and the delta method; a coefficient on its bound
(separation: the data are perfectly explained in that direction) is flagged and has no SE.

Leave-one-sovereign-out: re-estimate without sovereign ``i`` (its beliefs start uniform and
follow the model, never its observed action), predict its action as the most likely one, and
compare the hit rate with the naive baseline (the most common action of the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from reserves.config import ReservesConfig, config_from_dict
from reserves.errors import ConfigError, SolverError
from reserves.nash.result import Timer
from reserves.sovereign.evidence import Evidence, PredictRoster
from reserves.sovereign.model import SovereignGame, _numeric_payoff, action_kind, buy_label
from reserves.sovereign.motives import hedge_pa

#: default share-of-reserves grid of the estimation game
GRID: tuple[float, ...] = (0.001, 0.005, 0.02)
#: structural coefficients (besides the logit precision ``lambda``)
COEFFICIENTS: tuple[str, ...] = (
    "value_usd",
    "gamma",
    "theta",
    "k_fixed",
    "k_ban",
    "b_sanctions",
    "b_gold",
)
_ALPHA = ("lambda", *COEFFICIENTS)
#: upper bound of each standardized alpha (a one-s.d. move of a feature shifts log-odds by 60)
ALPHA_BOUND = 60.0
KINDS: tuple[str, ...] = ("accumulate", "hold", "sell")


# ----------------------------------------------------------------------------- the game
def estimation_config(
    cfg: ReservesConfig,
    evidence: Evidence,
    *,
    buy_shares: Sequence[float] = GRID,
    params: dict[str, float] | None = None,
) -> ReservesConfig:
    """The config of the estimation game (module docstring) at structural ``params``.

    ``params`` maps :data:`COEFFICIENTS` to values (zeros when omitted). Players are the
    evidence's sovereigns in roster order; value beliefs are the market's common one.
    """
    p = {k: 0.0 for k in COEFFICIENTS}
    p.update(params or {})
    by_name = {s.name: s for s in cfg.sovereigns}
    data = cfg.to_dict()
    data.pop("market_model", None)
    data.pop("scenarios", None)
    sov = []
    for s in cfg.players:
        if s.name not in evidence.names:
            continue
        obs = evidence.by_name(s.name)
        d = by_name[s.name].model_dump(mode="json", exclude_none=True)
        d.pop("value_belief_usd", None)
        allowed = list(s.actions or KINDS)
        if obs.actions_available is not None:  # a law or court restricts the window's actions
            allowed = [a for a in allowed if a in obs.actions_available]
        if s.holdings_btc <= 0 and "sell" in allowed and len(allowed) > 1:
            allowed.remove("sell")  # selling nothing is holding: one action, not two
        if obs.action not in allowed:
            allowed.append(obs.action)
        d["actions"] = [a for a in KINDS if a in allowed]
        if p["value_usd"] > 0:
            d["value_belief_usd"] = float(p["value_usd"])
        d["risk_aversion"] = float(p["gamma"])
        d["strategic_weight"] = float(p["theta"])
        d["political_cost_usd"] = float(
            (p["k_fixed"] + p["k_ban"] * obs.observables["ban"]) * s.reserves_usd
        )
        d["hedge_pa"] = hedge_pa(obs.observables, p["b_sanctions"], p["b_gold"])
        d["max_buy_share"] = max(buy_shares)
        sov.append(d)
    if len(sov) < 2:
        raise ConfigError(
            "the evidence names fewer than two sovereigns of the config",
            field="sovereigns",
            fix="list at least two roster sovereigns in the evidence file",
        )
    data["sovereigns"] = sov
    data["game"] = {"actions": list(KINDS), "buy_shares": [float(x) for x in buy_shares]}
    data["name"] = f"{cfg.name} (estimation game)"
    return config_from_dict(data, where="estimation config")


def observed_label(game: SovereignGame, i: int, evidence: Evidence) -> int:
    """Index into ``game.action_labels`` of sovereign ``i``'s observed action.

    A purchase maps to the grid share nearest (in logs) to ``amount_usd / W_i``; the smallest
    share when the amount is not public or smaller than the grid.
    """
    s = game.sovereigns[i]
    obs = evidence.by_name(s.name)
    if obs.action != "accumulate":
        return game.action_labels.index(obs.action)
    shares = [sh for lab in game.actions[i] if (sh := action_kind(lab)[1]) is not None]
    share = (obs.amount_usd or 0.0) / s.reserves_usd
    if share <= min(shares):
        pick = min(shares)
    else:
        pick = min(shares, key=lambda x: abs(np.log(x) - np.log(share)))
    return game.action_labels.index(buy_label(pick))


@dataclass(frozen=True)
class Design:
    """Everything the likelihood needs that does not depend on the coefficients."""

    config: ReservesConfig
    game: SovereignGame  # at zero behavioural parameters
    names: tuple[str, ...]
    labels: tuple[str, ...]
    observed: np.ndarray  # (N,) label indices
    available: np.ndarray  # (N, A) bool
    Z: np.ndarray  # (N, 3): sanctions_exposure, gold_purchases_share, ban
    evidence: Evidence
    buy_shares: tuple[float, ...]
    config_source: ReservesConfig | None = None  # the roster config the design was built from

    @property
    def n(self) -> int:
        return len(self.names)

    def kind_of(self, k: int) -> str:
        return action_kind(self.labels[k])[0]

    @property
    def acc_labels(self) -> np.ndarray:
        """Indices of the buy labels."""
        return np.array(
            [k for k, lab in enumerate(self.labels) if action_kind(lab)[0] == "accumulate"],
            dtype=int,
        )


def _zrow(obs: dict[str, float]) -> list[float]:
    return [obs["sanctions_exposure"], obs["gold_purchases_share"], obs["ban"]]


def make_design(
    cfg: ReservesConfig, evidence: Evidence, *, buy_shares: Sequence[float] = GRID
) -> Design:
    """The estimation game at zero behavioural parameters and the observed profile."""
    ecfg = estimation_config(cfg, evidence, buy_shares=buy_shares)
    g = SovereignGame(ecfg)
    obs = np.array([observed_label(g, i, evidence) for i in range(g.num_players)])
    Z = np.array([_zrow(evidence.by_name(n).observables) for n in g.players])
    return Design(
        ecfg,
        g,
        g.players,
        g.action_labels,
        obs,
        g.flows.available.copy(),
        Z,
        evidence,
        tuple(float(x) for x in buy_shares),
        cfg,
    )


def features(design: Design, beliefs: np.ndarray) -> np.ndarray:
    """``z_i(a)`` of the module docstring, shape (N, A, 7), given belief probabilities.

    ``beliefs`` (N, A) are each player's action probabilities; the others' aggregates
    ``X_-i, B_-i, S_-i`` are their expectations. Unavailable actions get zeros (masked later).
    """
    g = design.game
    fl = g.flows
    P = np.asarray(beliefs, dtype=float)
    Xt, Bt, St = (float((P * a).sum()) for a in (fl.x, fl.c, fl.q))
    Xo = Xt - (P * fl.x).sum(axis=1)
    Bo = Bt - (P * fl.c).sum(axis=1)
    So = St - (P * fl.q).sum(axis=1)
    f = _numeric_payoff()
    _, W, h, r, _, _, _, s0, _ = g._param_arrays
    mk = g._market_tuple

    def u(vv: float, gm: float, th: float, et: float) -> np.ndarray:
        return np.asarray(
            f(
                *mk,
                vv,
                W[:, None],
                h[:, None],
                r[:, None],
                gm,
                th,
                0.0,
                s0[:, None],
                et,
                fl.c,
                fl.q,
                fl.acc,
                Xo[:, None] + fl.x,
                Bo[:, None] + fl.c,
                So[:, None] + fl.q,
            ),
            dtype=float,
        )

    base = u(0.0, 0.0, 0.0, 0.0)
    HV = u(1.0, 0.0, 0.0, 0.0) - base
    R = u(0.0, 1.0, 0.0, 0.0) - base
    G = u(0.0, 0.0, 1.0, 0.0) - base
    K = u(0.0, 0.0, 0.0, 1.0) - base
    st = stake_usd(design)[:, None]
    z = np.stack(
        [
            base / st,
            HV / st,
            R / st,
            G / st,
            -fl.acc * W[:, None] / st,
            -fl.acc * W[:, None] * design.Z[:, 2:3] / st,
            design.Z[:, 0:1] * K / st,
            design.Z[:, 1:2] * K / st,
        ],
        axis=-1,
    )
    z = z - z[:, :1, :]  # only differences across actions matter (numerical hygiene)
    return np.where(design.available[:, :, None], z, 0.0)


def stake_usd(design: Design) -> np.ndarray:
    """The money each sovereign decides about: its largest buy plus its holdings' value,
    ``max(grid) W_i + h_i P0`` (the logit noise is proportional to it)."""
    g = design.game
    W = np.array([s.reserves_usd for s in g.sovereigns])
    h = np.array([s.holdings_btc for s in g.sovereigns])
    return max(design.buy_shares) * W + h * g.price_usd


def _best_share_mask(design: Design, v: np.ndarray, avail: np.ndarray) -> np.ndarray:
    """Available cells after keeping, of each row's buy shares, only the best one.

    The choice of *whether* (accumulate / hold / sell) is logit; the choice of *how much* is
    the payoff-maximising share of the grid (so a finer grid does not inflate the logit
    probability of buying: no IIA artefact from the number of shares).
    """
    acc = design.acc_labels
    if acc.size < 2:
        return avail
    va = np.where(avail[:, acc], v[:, acc], -np.inf)
    best = acc[np.argmax(va, axis=1)]
    keep = avail.copy()
    keep[:, acc] = False
    rows = np.arange(v.shape[0])
    keep[rows, best] = avail[rows, best]
    return keep


def choice_probs(design: Design, z: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Logit probabilities (N, A) of the choice indices ``z @ alpha`` over available actions
    (buying only at each sovereign's best share, see :func:`_best_share_mask`)."""
    v = z @ alpha
    av = _best_share_mask(design, v, design.available)
    v = np.where(av, v, -np.inf)
    v = v - v.max(axis=1, keepdims=True)
    e = np.exp(v)
    return e / e.sum(axis=1, keepdims=True)


#: a-priori bounds of the structural parameters (stated, not fitted; the revealed-preference
#: sets use the same bounds): lambda per unit of payoff / stake; gamma as in the roster's range;
#: theta up to 0.1 (5x the baseline's largest); k_fixed up to 2% of reserves; b_sanctions up to
#: a 20%/yr expected freeze loss; b_gold up to 5 (a 1%-of-reserves gold buyer values the hedge
#: at 5%/yr).
#: bounded quasi-Newton method of the likelihood maximisation
_METHOD = "TNC"  # L-BFGS-B calls BLAS, which threads badly on a loaded machine

BOUNDS: dict[str, tuple[float, float]] = {
    "lambda": (0.0, 1.0e4),
    "value_usd": (0.0, 5.0e5),
    "gamma": (0.0, 10.0),
    "theta": (0.0, 0.1),
    "k_fixed": (0.0, 0.02),
    "k_ban": (0.0, 0.05),
    "b_sanctions": (0.0, 0.2),
    "b_gold": (0.0, 5.0),
}
PARAMS: tuple[str, ...] = ("lambda", *COEFFICIENTS)


def alpha_of(p: np.ndarray) -> np.ndarray:
    """Feature weights ``lambda (1, V, gamma, theta, k_fixed, k_ban, b_sanctions, b_gold)``."""
    return p[0] * np.concatenate([[1.0], p[1:]])


def _nll_alpha(
    design: Design, Zs: np.ndarray, avail: np.ndarray, obs: np.ndarray, a: np.ndarray
) -> tuple[float, np.ndarray]:
    """Negative log-likelihood of the observed kinds and its gradient in ``alpha``."""
    acc = design.acc_labels
    idx = np.arange(Zs.shape[0])
    v0 = Zs @ a
    av = _best_share_mask(design, v0, avail)
    o = obs.copy()
    is_acc = np.zeros(Zs.shape[1], dtype=bool)  # a lookup: np.isin costs ~10% of the fit
    is_acc[acc] = True
    obs_acc = is_acc[obs]
    if acc.size and obs_acc.any():
        best = acc[np.argmax(np.where(avail[:, acc], v0[:, acc], -np.inf), axis=1)]
        o[obs_acc] = best[obs_acc]
    v = np.where(av, v0, -np.inf)
    m = v.max(axis=1, keepdims=True)
    e = np.exp(v - m)
    ssum = e.sum(axis=1)
    p = e / ssum[:, None]
    ll = float(np.sum(v[idx, o] - m[:, 0] - np.log(ssum)))
    grad = Zs[idx, o, :] - np.einsum("na,nak->nk", p, np.where(av[..., None], Zs, 0.0))
    return -ll, -grad.sum(axis=0)


def _mle(
    design: Design,
    z: np.ndarray,
    rows: np.ndarray,
    fixed: dict[str, float],
    start: np.ndarray | None = None,
    multistart: str | bool = "full",
) -> tuple[np.ndarray, float]:
    """Maximise the pseudo-log-likelihood over the free structural parameters within
    :data:`BOUNDS` (truncated Newton on parameters scaled to [0, 1], analytic gradient,
    several starts)."""
    from scipy.optimize import minimize

    rows = np.array([i for i in rows if design.available[i].sum() >= 2], dtype=int)
    if rows.size == 0:
        raise SolverError("no sovereign with a choice to estimate from")
    Zs, avail, obs = z[rows], design.available[rows], design.observed[rows]
    free = [k for k, name in enumerate(PARAMS) if name not in fixed]
    ub = np.array([BOUNDS[PARAMS[k]][1] for k in free])
    base = np.array([fixed.get(name, 0.0) for name in PARAMS], dtype=float)

    def full(x: np.ndarray) -> np.ndarray:
        q = base.copy()
        q[free] = x * ub
        return q

    def obj(x: np.ndarray) -> tuple[float, np.ndarray]:
        q = full(x)
        f, ga = _nll_alpha(design, Zs, avail, obs, alpha_of(q))
        g = np.empty(len(PARAMS))
        g[0] = ga @ np.concatenate([[1.0], q[1:]])
        g[1:] = q[0] * ga[1:]
        return f, g[free] * ub

    starts = []
    if multistart:  # a small design of starts: the likelihood is not concave in the parameters
        names = [PARAMS[k] for k in free]
        design_pts = ((0.002, 0.05), (0.002, 0.3), (0.02, 0.05), (0.02, 0.3))
        for lam, other in design_pts if multistart == "full" else design_pts[-1:]:
            x = np.full(len(free), other)
            if "lambda" in names:
                x[names.index("lambda")] = lam
            starts.append(x)
    if start is not None:
        starts.insert(0, np.clip(start[free] / ub, 0, 1))
    if not starts:
        starts = [np.full(len(free), 0.01)]
    best = None
    for x0 in starts:
        res = minimize(obj, x0, jac=True, method=_METHOD, bounds=[(0.0, 1.0)] * len(free))
        if np.all(np.isfinite(res.x)) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise SolverError("the likelihood maximisation failed from every start")
    return full(best.x), float(-best.fun)


def _npl(
    design: Design,
    rows: np.ndarray,
    start: np.ndarray,
    fixed: dict[str, float],
    *,
    init: np.ndarray | None = None,
    max_iter: int = 50,
    tol: float = 1e-4,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
    """NPL iterations; returns (params, beliefs, features, iterations, converged).

    The first pseudo-likelihood is maximised from a design of starts, later ones from the
    previous estimate and one design start (``init`` alone when given): NPL has the
    uninformative fixed point ``lambda = 0`` (uniform beliefs), which the starts avoid. The
    leave-one-out refits run this same procedure."""
    P = start
    params: np.ndarray | None = init
    z = features(design, P)
    for it in range(1, max_iter + 1):
        z = features(design, P)
        mode = ("full" if it == 1 else "one") if init is None else False
        params, _ = _mle(design, z, rows, fixed, params, multistart=mode)
        P_new = choice_probs(design, z, alpha_of(params))
        if np.max(np.abs(P_new - P)) < tol:
            return params, P_new, features(design, P_new), it, True
        P = P_new
    assert params is not None
    return params, P, z, max_iter, False


def _one_hot(design: Design, rows: np.ndarray) -> np.ndarray:
    """Beliefs: observed actions for ``rows``, uniform over available actions otherwise."""
    av = design.available.astype(float)
    P = av / av.sum(axis=1, keepdims=True)
    for i in rows:
        P[i] = 0.0
        P[i, design.observed[i]] = 1.0
    return P


def _loglik(design: Design, z: np.ndarray, alpha: np.ndarray, rows: np.ndarray) -> float:
    """Log-likelihood of the observed kinds (a purchase counts at any share)."""
    P = choice_probs(design, z, alpha)
    kinds = np.array([design.kind_of(k) for k in range(len(design.labels))])
    out = 0.0
    for i in rows:
        p = float(P[i, kinds == design.kind_of(int(design.observed[i]))].sum())
        out += np.log(max(p, 1e-300))
    return float(out)


def _hessian(
    design: Design, z: np.ndarray, rows: np.ndarray, params: np.ndarray, free: list[int]
) -> np.ndarray:
    """Numerical Hessian of the negative log-likelihood in the free structural parameters
    (central differences of the analytic gradient)."""
    rows = np.array([i for i in rows if design.available[i].sum() >= 2], dtype=int)
    Zs, avail, obs = z[rows], design.available[rows], design.observed[rows]

    def grad(q: np.ndarray) -> np.ndarray:
        _, ga = _nll_alpha(design, Zs, avail, obs, alpha_of(q))
        g = np.empty(len(PARAMS))
        g[0] = ga @ np.concatenate([[1.0], q[1:]])
        g[1:] = q[0] * ga[1:]
        return g[free]

    H = np.zeros((len(free), len(free)))
    for a, k in enumerate(free):
        h = 1e-4 * max(abs(params[k]), 1e-3 * BOUNDS[PARAMS[k]][1])
        up, dn = params.copy(), params.copy()
        up[k] += h
        dn[k] -= h
        H[:, a] = (grad(up) - grad(dn)) / (2 * h)
    return (H + H.T) / 2


def _covariance(
    design: Design, z: np.ndarray, rows: np.ndarray, params: np.ndarray, free: list[int]
) -> tuple[np.ndarray, str]:
    """Inverse observed information of the free parameters and a note on how it was formed
    (pseudo-inverse when the information is singular)."""
    H = _hessian(design, z, rows, params, free)
    if np.all(np.isfinite(H)) and np.linalg.eigvalsh(H).min() > 1e-12 * max(np.abs(H).max(), 1):
        return np.linalg.inv(H), "observed information"
    return np.linalg.pinv(H), (
        "observed information is singular (flat directions): standard errors only where the "
        "pseudo-inverse gives a positive variance; see the profile-likelihood interval"
    )


@dataclass(frozen=True)
class Coefficient:
    """One structural parameter: estimate, standard error, whether it sits on a bound."""

    name: str
    estimate: float
    se: float | None
    at_bound: bool
    fixed: bool
    meaning: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "estimate": self.estimate,
            "se": self.se,
            "at_bound": self.at_bound,
            "fixed": self.fixed,
            "bounds": list(BOUNDS[self.name]),
            "meaning": self.meaning,
        }


_MEANING = {
    "lambda": "logit precision per unit of payoff / stake (largest buy + holdings value)",
    "value_usd": "common belief about the long-run value of a coin, USD",
    "gamma": "common risk aversion",
    "theta": "strategic weight on relative reserve share",
    "k_fixed": "fixed cost of any purchase, share of reserves",
    "k_ban": "extra fixed cost where domestic law bans crypto, share of reserves",
    "b_sanctions": "expected freeze loss per year at full sanctions exposure (hedge)",
    "b_gold": "hedge value per year per unit of gold bought since 2016 / reserves",
}


@dataclass(frozen=True)
class Estimate:
    """The structural estimate: coefficients, fitted QRE, leave-one-out predictions."""

    design: Design
    params_vec: np.ndarray  # lambda, then COEFFICIENTS
    cov: np.ndarray | None  # over the free, interior parameters (others zero)
    coefficients: tuple[Coefficient, ...]
    beliefs: np.ndarray  # (N, A) QRE probabilities at the estimate
    loglik: float
    iterations: int
    converged: bool
    loo_predicted: tuple[str, ...]  # kind predicted for each sovereign left out
    loo_probs: np.ndarray  # (N, 3) kind probabilities when left out
    fixed: dict[str, float]
    elapsed_s: float
    se_method: str = "observed information"

    @property
    def alpha(self) -> np.ndarray:
        return alpha_of(self.params_vec)

    @property
    def params(self) -> dict[str, float]:
        """Structural parameters of the game (lambda excluded)."""
        return {k: float(v) for k, v in zip(PARAMS, self.params_vec, strict=True)}

    @property
    def names(self) -> tuple[str, ...]:
        return self.design.names

    @property
    def observed_kinds(self) -> tuple[str, ...]:
        return tuple(self.design.kind_of(int(k)) for k in self.design.observed)

    def kind_probs(self, P: np.ndarray | None = None) -> np.ndarray:
        """(N, 3) probabilities of accumulate / hold / sell (grid shares summed)."""
        P = self.beliefs if P is None else P
        out = np.zeros((P.shape[0], 3))
        for k, lab in enumerate(self.design.labels):
            out[:, KINDS.index(action_kind(lab)[0])] += P[:, k]
        return out

    @property
    def predicted_kinds(self) -> tuple[str, ...]:
        return tuple(KINDS[int(k)] for k in self.kind_probs().argmax(axis=1))

    @property
    def loo_hit_rate(self) -> float:
        obs = self.observed_kinds
        return float(np.mean([a == b for a, b in zip(self.loo_predicted, obs, strict=True)]))

    @property
    def in_sample_hit_rate(self) -> float:
        obs = self.observed_kinds
        return float(np.mean([a == b for a, b in zip(self.predicted_kinds, obs, strict=True)]))

    @property
    def baseline_hit_rate(self) -> float:
        """Leave-one-out naive baseline: predict the most common action of the others."""
        obs = self.observed_kinds
        hits = []
        for i, a in enumerate(obs):
            others = [b for j, b in enumerate(obs) if j != i]
            mode = max(KINDS, key=lambda k: (others.count(k), k == "hold"))
            hits.append(mode == a)
        return float(np.mean(hits))

    @property
    def loo_log_score(self) -> float:
        """Mean log probability of the observed action when its sovereign is left out."""
        idx = [KINDS.index(k) for k in self.observed_kinds]
        p = self.loo_probs[np.arange(len(idx)), idx]
        return float(np.mean(np.log(np.maximum(p, 1e-12))))

    @property
    def baseline_log_score(self) -> float:
        """Mean log score of the leave-one-out frequencies of the others' actions."""
        obs = self.observed_kinds
        out = []
        for i, a in enumerate(obs):
            others = [b for j, b in enumerate(obs) if j != i]
            out.append(np.log(max(others.count(a) / len(others), 1e-12)))
        return float(np.mean(out))

    def config(self, params: dict[str, float] | None = None) -> ReservesConfig:
        """The estimated game as a config (``params`` override the point estimate)."""
        return _config_at(self, params or self.params)

    def draws(self, n: int, seed: int = 0) -> list[dict[str, float]]:
        """Parameter draws from the asymptotic normal of the free interior parameters,
        clipped to :data:`BOUNDS` (parameters on a bound or fixed stay put)."""
        rng = np.random.default_rng(seed)
        if self.cov is None or not np.any(self.cov):
            return [self.params] * n
        X = rng.multivariate_normal(self.params_vec, self.cov, size=n, check_valid="ignore")
        lo = np.array([BOUNDS[k][0] for k in PARAMS])
        hi = np.array([BOUNDS[k][1] for k in PARAMS])
        X = np.clip(X, lo, hi)
        return [{k: float(v) for k, v in zip(PARAMS, x, strict=True)} for x in X]

    def to_dict(self) -> dict[str, Any]:
        kp = self.kind_probs()
        return {
            "coefficients": {c.name: c.to_dict() for c in self.coefficients},
            "loglik": self.loglik,
            "npl_iterations": self.iterations,
            "npl_converged": self.converged,
            "loo_hit_rate": self.loo_hit_rate,
            "baseline_hit_rate": self.baseline_hit_rate,
            "in_sample_hit_rate": self.in_sample_hit_rate,
            "loo_log_score": self.loo_log_score,
            "baseline_log_score": self.baseline_log_score,
            "buy_shares": list(self.design.buy_shares),
            "fixed": dict(self.fixed),
            "se_method": self.se_method,
            "sovereigns": [
                {
                    "name": n,
                    "observed_action": self.observed_kinds[i],
                    "observed_label": self.design.labels[int(self.design.observed[i])],
                    "predicted": {k: float(kp[i, j]) for j, k in enumerate(KINDS)},
                    "loo_predicted_action": self.loo_predicted[i],
                }
                for i, n in enumerate(self.names)
            ],
            "elapsed_s": self.elapsed_s,
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        return pd.DataFrame(self.to_dict()["sovereigns"])


def _config_at(est: Estimate, params: dict[str, float]) -> ReservesConfig:
    """Estimation config at ``params`` without re-reading the roster (cheap)."""
    d = est.design
    data = d.config.to_dict()
    for s, name in zip(data["sovereigns"], d.names, strict=True):
        obs = d.evidence.by_name(name)
        s["value_belief_usd"] = float(params["value_usd"]) or None
        s["risk_aversion"] = float(params["gamma"])
        s["strategic_weight"] = float(params["theta"])
        s["political_cost_usd"] = float(
            (params["k_fixed"] + params["k_ban"] * obs.observables["ban"]) * s["reserves_usd"]
        )
        s["hedge_pa"] = hedge_pa(obs.observables, params["b_sanctions"], params["b_gold"])
    return config_from_dict(data, where="estimated config")


def default_fixed(cfg: ReservesConfig) -> dict[str, float]:
    """Parameters held at the config's assumption: ``gamma`` at the roster's median risk
    aversion (one seller in the data cannot pin the curvature of the risk charge)."""
    return {"gamma": float(np.median([s.risk_aversion for s in cfg.players]))}


def estimate(
    cfg: ReservesConfig,
    evidence: Evidence,
    *,
    buy_shares: Sequence[float] = GRID,
    fixed: dict[str, float] | None = None,
    loo: bool = True,
) -> Estimate:
    """Estimate the structural parameters by NPL logit-QRE maximum likelihood.

    Parameters
    ----------
    fixed:
        parameters held at a value (default :func:`default_fixed`); the others are estimated
        within :data:`BOUNDS`.
    loo:
        False skips the leave-one-sovereign-out refits.
    """
    fixed = default_fixed(cfg) if fixed is None else dict(fixed)
    unknown = sorted(set(fixed) - set(COEFFICIENTS))
    if unknown:
        raise ConfigError(
            f"cannot fix unknown parameter(s) {unknown}", fix=f"use {list(COEFFICIENTS)}"
        )
    for k, v in fixed.items():
        lo, hi = BOUNDS[k]
        if not lo <= v <= hi:
            raise ConfigError(f"fixed {k} = {v} outside its bounds [{lo}, {hi}]", field=k)
    with Timer() as t:
        design = make_design(cfg, evidence, buy_shares=buy_shares)
        rows = np.array([i for i in range(design.n) if design.available[i].sum() >= 2], dtype=int)
        params, P, z, iters, conv = _npl(design, rows, _one_hot(design, rows), fixed)
        hi = np.array([BOUNDS[k][1] for k in PARAMS])
        on_bound = (params >= hi * (1 - 1e-4)) | (params <= hi * 1e-7)
        free = [k for k, name in enumerate(PARAMS) if name not in fixed and not on_bound[k]]
        cov = None
        se_method = "none (every parameter fixed or on a bound)"
        if free:
            cf, se_method = _covariance(design, z, rows, params, free)
            cov = np.zeros((len(PARAMS), len(PARAMS)))
            cov[np.ix_(free, free)] = cf
        coefs = tuple(
            Coefficient(
                name,
                float(params[k]),
                float(np.sqrt(cov[k, k])) if cov is not None and k in free and cov[k, k] > 0
                else None,
                bool(on_bound[k]) and name not in fixed,
                name in fixed,
                _MEANING[name],
            )
            for k, name in enumerate(PARAMS)
        )  # fmt: skip
        ll = _loglik(design, z, alpha_of(params), rows)
        loo_pred: list[str] = []
        loo_probs = np.zeros((design.n, 3))
        for i in range(design.n):
            if not loo:
                loo_pred.append("")
                continue
            keep = rows[rows != i]
            _, P_i, _, _, _ = _npl(design, keep, _one_hot(design, keep), fixed, tol=1e-3)
            for k, lab in enumerate(design.labels):
                loo_probs[i, KINDS.index(action_kind(lab)[0])] += P_i[i, k]
            loo_pred.append(KINDS[int(np.argmax(loo_probs[i]))])
    return Estimate(
        design,
        params,
        cov,
        coefs,
        P,
        ll,
        iters,
        conv,
        tuple(loo_pred),
        loo_probs,
        fixed,
        t.elapsed_s,
        se_method,
    )


def bootstrap(est: Estimate, *, reps: int = 40, seed: int = 0) -> dict[str, Any]:
    """Parametric bootstrap of the structural estimate: draw each sovereign's action from the
    fitted QRE probabilities, re-run the whole estimator (no leave-one-out), ``reps`` times.

    Returns per parameter the bootstrap standard deviation and 5th/95th percentiles, and how
    often it ended on a bound."""
    if not 1 <= reps <= 1000:
        raise ConfigError(f"reps = {reps} outside 1..1000", field="reps")
    rng = np.random.default_rng(seed)
    d = est.design
    out = []
    for _ in range(reps):
        sov = []
        for i, o in enumerate(d.evidence.sovereigns):
            if o.name not in d.names:
                sov.append(o)
                continue
            j = d.names.index(o.name)
            k = int(rng.choice(len(d.labels), p=est.beliefs[j] / est.beliefs[j].sum()))
            kind, share = action_kind(d.labels[k])
            W = d.game.sovereigns[j].reserves_usd
            upd: dict[str, Any] = {"action": kind, "amount_btc": None}
            upd["amount_usd"] = share * W if kind == "accumulate" and share else None
            sov.append(o.model_copy(update=upd))
            del i
        ev = d.evidence.model_copy(update={"sovereigns": sov})
        try:
            e = estimate(d.config_source, ev, fixed=est.fixed, buy_shares=d.buy_shares, loo=False)
        except SolverError:
            continue
        out.append(e.params_vec)
    X = np.array(out)
    hi = np.array([BOUNDS[k][1] for k in PARAMS])
    return {
        "reps": len(out),
        "params": {
            k: {
                "sd": float(X[:, j].std(ddof=1)) if len(out) > 1 else None,
                "p05": float(np.percentile(X[:, j], 5)),
                "p95": float(np.percentile(X[:, j], 95)),
                "share_on_bound": float(
                    np.mean((X[:, j] >= hi[j] * (1 - 1e-4)) | (X[:, j] <= hi[j] * 1e-7))
                ),
            }
            for j, k in enumerate(PARAMS)
            if k not in est.fixed
        },
    }


def profile_interval(
    cfg: ReservesConfig,
    evidence: Evidence,
    name: str,
    grid: Sequence[float],
    *,
    fixed: dict[str, float] | None = None,
    buy_shares: Sequence[float] = GRID,
) -> dict[str, Any]:
    """Profile likelihood of one parameter: the log-likelihood maximised over the others at
    each grid value, and the likelihood-ratio 95% set ``{x: 2 (l_max - l(x)) <= 3.84}``
    (chi-square, one degree of freedom) over the grid."""
    if name not in COEFFICIENTS:
        raise ConfigError(f"unknown parameter {name!r}", fix=f"use one of {list(COEFFICIENTS)}")
    base = default_fixed(cfg) if fixed is None else dict(fixed)
    ll = []
    for x in grid:
        e = estimate(cfg, evidence, fixed={**base, name: float(x)}, buy_shares=buy_shares,
                     loo=False)  # fmt: skip
        ll.append(e.loglik)
    top = max(ll)
    inside = [float(x) for x, v in zip(grid, ll, strict=True) if 2 * (top - v) <= 3.84]
    return {
        "parameter": name,
        "grid": [float(x) for x in grid],
        "loglik": ll,
        "lr95": [min(inside), max(inside)] if inside else None,
        "open_at": [b for b, x in (("low", grid[0]), ("high", grid[-1])) if x in inside],
    }


# ----------------------------------------------------------------------------- prediction
@dataclass(frozen=True)
class Prediction:
    """Action probabilities of sovereigns outside the evidence, at the estimated game."""

    names: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    probs: tuple[np.ndarray, ...]

    def kind_probs(self) -> list[dict[str, float]]:
        out = []
        for labs, p in zip(self.labels, self.probs, strict=True):
            d = {k: 0.0 for k in KINDS}
            for lab, x in zip(labs, p, strict=True):
                d[action_kind(lab)[0]] += float(x)
            out.append(d)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "sovereigns": [
                {
                    "name": n,
                    "predicted": kp,
                    "predicted_action": max(kp, key=kp.__getitem__),
                    "by_share": {lab: float(x) for lab, x in zip(labs, p, strict=True)},
                }
                for n, kp, labs, p in zip(
                    self.names, self.kind_probs(), self.labels, self.probs, strict=True
                )
            ]
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        rows = [{"name": n, **kp} for n, kp in zip(self.names, self.kind_probs(), strict=True)]
        return pd.DataFrame(rows)


def predict(est: Estimate, roster: PredictRoster) -> Prediction:
    """Logit-QRE action probabilities of new sovereigns given the estimated game.

    Each new sovereign best-responds (logit, at the estimated ``lambda``) to the estimated
    QRE of the evidence sovereigns; it is small next to the market, so its own effect on the
    others is ignored.
    """
    d = est.design
    base = d.config.to_dict()
    known = set(d.names)
    clash = [e.name for e in roster.sovereigns if e.name in known]
    if clash:
        raise ConfigError(
            f"--predict roster repeats sovereigns of the evidence: {clash}",
            field="sovereigns[].name",
            fix="predict only sovereigns that are not in the evidence file",
        )
    P = est.beliefs
    names, labels, probs = [], [], []
    for e in roster.sovereigns:
        allowed = list(e.actions or KINDS)
        if e.holdings_btc <= 0 and "sell" in allowed and len(allowed) > 1:
            allowed.remove("sell")
        entry = {
            "name": e.name,
            "kind": e.kind,
            "reserves_usd": e.reserves_usd,
            "holdings_btc": e.holdings_btc,
            "cost_of_capital_pa": e.cost_of_capital_pa,
            "sell_share": e.sell_share,
            "max_buy_share": max(d.buy_shares),
            "strategic_weight": 0.0,
            "risk_aversion": 0.0,
            "political_cost_usd": 0.0,
            "actions": [a for a in KINDS if a in allowed],
        }
        data = {**base, "sovereigns": [*base["sovereigns"], entry]}
        cfg = config_from_dict(data, where=f"--predict roster ({e.name})")
        g = SovereignGame(cfg)
        ev = d.evidence.model_copy(
            update={
                "sovereigns": [
                    *d.evidence.sovereigns,
                    d.evidence.sovereigns[0].model_copy(
                        update={"name": e.name, "action": "hold", "amount_usd": None,
                                "amount_btc": None, "observables": dict(e.observables),
                                "actions_available": None, "sources": {}}
                    ),
                ]
            }
        )  # fmt: skip
        Z = np.vstack([d.Z, [_zrow(e.observables)]])
        obs = np.append(d.observed, g.action_labels.index("hold"))
        dd = Design(cfg, g, g.players, g.action_labels, obs, g.flows.available.copy(), Z, ev,
                    d.buy_shares)  # fmt: skip
        belief = np.zeros((dd.n, len(dd.labels)))
        for k, lab in enumerate(d.labels):
            belief[: d.n, dd.labels.index(lab)] = P[:, k]
        av = dd.available[-1].astype(float)
        belief[-1] = av / av.sum()
        z = features(dd, belief)
        p_new = choice_probs(dd, z, est.alpha)[-1]
        acts = [lab for lab in dd.labels if dd.available[-1, dd.labels.index(lab)]]
        names.append(e.name)
        labels.append(tuple(acts))
        probs.append(np.array([p_new[dd.labels.index(lab)] for lab in acts]))
    return Prediction(tuple(names), tuple(labels), tuple(probs))


__all__ = [
    "COEFFICIENTS",
    "GRID",
    "KINDS",
    "Coefficient",
    "Design",
    "Estimate",
    "Prediction",
    "bootstrap",
    "choice_probs",
    "estimate",
    "estimation_config",
    "features",
    "make_design",
    "observed_label",
    "predict",
    "profile_interval",
]
