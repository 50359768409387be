"""Revealed preference: the parameters under which each observed action is a best response.

Given the others' observed actions, sovereign ``i``'s payoff is linear in its strategic weight
``theta_i`` and its fixed cost of buying ``kappa_i = k_i W_i`` (module docstring of
:mod:`reserves.sovereign.model`):

    u_i(a) = F_i(a) + theta_i G_i(a) - k_i W_i acc(a),

with ``F_i`` everything else at the other parameters' values (the estimated game's common value
belief, risk aversion and hedge). The observed action ``o`` is a best response iff

    F_i(o) - F_i(a) + theta_i (G_i(o) - G_i(a)) - k_i W_i (acc(o) - acc(a)) >= 0   for all a,

a polyhedron in ``(theta_i, k_i)``. Within the stated bounds
(:data:`THETA_BOUNDS`, :data:`K_BOUNDS`) linear programs (cvxpy) give the interval of
``theta_i`` and of ``k_i`` over it; an empty polyhedron means no parameter inside the bounds
rationalises the action: a rejection of the model for that sovereign, reported, not hidden.

The joint set asks for one common ``(theta, k)`` for everybody; the LP with one slack per
sovereign (minimising the total slack) names the sovereigns that cannot share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from reserves.errors import SolverError
from reserves.sovereign.estimation import BOUNDS, Design, Estimate, features

#: a-priori bounds of theta (same as the estimation's)
THETA_BOUNDS: tuple[float, float] = BOUNDS["theta"]
#: a-priori bounds of the fixed cost as a share of reserves (k_fixed + k_ban at their maxima)
K_BOUNDS: tuple[float, float] = (0.0, BOUNDS["k_fixed"][1] + BOUNDS["k_ban"][1])


@dataclass(frozen=True)
class SovereignSet:
    """One sovereign's identified set."""

    name: str
    observed: str
    theta_interval: tuple[float, float] | None
    k_interval: tuple[float, float] | None
    binding: str  # the deviation that bounds the set most tightly (or breaks it)
    theta_at_k_hat: tuple[float, float] | None  # theta's interval with k at its estimate

    @property
    def rationalizable(self) -> bool:
        return self.theta_interval is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "observed": self.observed,
            "theta_interval": list(self.theta_interval) if self.theta_interval else None,
            "kappa_share_interval": list(self.k_interval) if self.k_interval else None,
            "rationalizable": self.rationalizable,
            "binding": self.binding,
            "theta_interval_at_kappa_hat": list(self.theta_at_k_hat)
            if self.theta_at_k_hat
            else None,
        }


@dataclass(frozen=True)
class RevealedPreference:
    """Per-sovereign sets, the joint set and the sovereigns the model cannot rationalise."""

    sovereigns: tuple[SovereignSet, ...]
    joint_theta: tuple[float, float] | None
    joint_k: tuple[float, float] | None
    joint_breakers: tuple[str, ...]
    theta_bounds: tuple[float, float]
    k_bounds: tuple[float, float]

    @property
    def rejected(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sovereigns if not s.rationalizable)

    def by_name(self, name: str) -> SovereignSet:
        return next(s for s in self.sovereigns if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sovereigns": [s.to_dict() for s in self.sovereigns],
            "joint_theta_interval": list(self.joint_theta) if self.joint_theta else None,
            "joint_kappa_share_interval": list(self.joint_k) if self.joint_k else None,
            "joint_breakers": list(self.joint_breakers),
            "rejected": list(self.rejected),
            "theta_bounds": list(self.theta_bounds),
            "kappa_share_bounds": list(self.k_bounds),
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        return pd.DataFrame([s.to_dict() for s in self.sovereigns])


def _pieces(design: Design, params: dict[str, float]) -> tuple[np.ndarray, ...]:
    """(F, G, A) per unit of stake, shape (N, A): the payoff without theta and the fixed cost,
    the theta slope, the slope in k = kappa / W (negative for a purchase)."""
    P = np.zeros((design.n, len(design.labels)))
    P[np.arange(design.n), design.observed] = 1.0
    z = features(design, P)
    F = (
        z[..., 0]
        + params["value_usd"] * z[..., 1]
        + params["gamma"] * z[..., 2]
        + params["b_sanctions"] * z[..., 6]
        + params["b_gold"] * z[..., 7]
    )
    return F, z[..., 3], z[..., 4]


def _clip(x: float, lo: float, hi: float) -> float:
    """Clip an LP end point to its bounds and snap solver noise (1e-9 of the range) to them."""
    tol = 1e-9 * (hi - lo)
    x = min(max(x, lo), hi)
    if x - lo < tol:
        return lo
    if hi - x < tol:
        return hi
    return x


def _solve(prob: Any) -> None:
    import cvxpy as cp

    try:
        prob.solve(solver=cp.CLARABEL)
    except Exception:
        prob.solve()


def revealed_preference(est: Estimate, *, tol: float = 1e-12) -> RevealedPreference:
    """Identified sets of ``theta_i`` and ``k_i`` (module docstring) at the estimate's other
    parameters, the joint set of a common ``(theta, k)``, and the rejected sovereigns."""
    import cvxpy as cp

    d = est.design
    F, G, A = _pieces(d, est.params)
    t_lo, t_hi = THETA_BOUNDS
    k_lo, k_hi = K_BOUNDS
    out = []
    rows = []  # (i, dF, dG, dA) for the joint LP
    for i, name in enumerate(d.names):
        o = int(d.observed[i])
        alts = [a for a in np.flatnonzero(d.available[i]) if a != o]
        dF = np.array([F[i, o] - F[i, a] for a in alts])
        dG = np.array([G[i, o] - G[i, a] for a in alts])
        dA = np.array([A[i, o] - A[i, a] for a in alts])
        rows.append((i, dF, dG, dA))
        if not alts:
            out.append(
                SovereignSet(
                    name, d.labels[o], (t_lo, t_hi), (k_lo, k_hi), "no choice", (t_lo, t_hi)
                )
            )
            continue
        th = cp.Variable()
        k = cp.Variable()
        cons = [dF + th * dG + k * dA >= -tol, th >= t_lo, th <= t_hi, k >= k_lo, k <= k_hi]
        ends = []
        for var in (th, k):
            for sense in (cp.Minimize, cp.Maximize):
                prob = cp.Problem(sense(var), cons)
                _solve(prob)
                ends.append(None if prob.status not in ("optimal", "optimal_inaccurate") else
                            float(var.value))  # fmt: skip
        # the deviation with the smallest margin at the set's centre (or the most violated)
        c_th = np.mean([e for e in ends[:2] if e is not None]) if ends[0] is not None else t_lo
        c_k = np.mean([e for e in ends[2:] if e is not None]) if ends[2] is not None else k_lo
        margin = dF + c_th * dG + c_k * dA
        binding = d.labels[alts[int(np.argmin(margin))]]
        k_hat = est.params["k_fixed"] + est.params["k_ban"] * float(d.Z[i, 2])
        at_k = []
        for sense in (cp.Minimize, cp.Maximize):
            prob = cp.Problem(sense(th), [dF + th * dG + k_hat * dA >= -tol, th >= t_lo,
                                          th <= t_hi])  # fmt: skip
            _solve(prob)
            at_k.append(float(th.value) if prob.status in ("optimal", "optimal_inaccurate")
                        else None)  # fmt: skip
        theta_k = (
            (_clip(at_k[0], t_lo, t_hi), _clip(at_k[1], t_lo, t_hi))
            if all(e is not None for e in at_k)
            else None
        )
        if any(e is None for e in ends):
            out.append(SovereignSet(name, d.labels[o], None, None, binding, theta_k))
        else:
            out.append(
                SovereignSet(
                    name,
                    d.labels[o],
                    (_clip(ends[0], t_lo, t_hi), _clip(ends[1], t_lo, t_hi)),
                    (_clip(ends[2], k_lo, k_hi), _clip(ends[3], k_lo, k_hi)),
                    binding,
                    theta_k,
                )
            )
    # joint set: one (theta, k) for all; slacks name who cannot share it
    th = cp.Variable()
    k = cp.Variable()
    s = cp.Variable(len(rows), nonneg=True)
    cons = [th >= t_lo, th <= t_hi, k >= k_lo, k <= k_hi]
    for j, (_, dF, dG, dA) in enumerate(rows):
        if dF.size:
            cons.append(dF + th * dG + k * dA + s[j] >= -tol)
    prob = cp.Problem(cp.Minimize(cp.sum(s)), cons)
    _solve(prob)
    if s.value is None:
        raise SolverError(f"the joint revealed-preference LP ended {prob.status}")
    scale = max(float(np.max(np.abs(np.concatenate([r[1] for r in rows if r[1].size])))), 1.0)
    breakers = tuple(d.names[r[0]] for j, r in enumerate(rows) if s.value[j] > 1e-9 * scale)
    keep = [j for j, r in enumerate(rows) if d.names[r[0]] not in breakers and r[1].size]
    joint_theta = joint_k = None
    if keep:
        cons2 = [th >= t_lo, th <= t_hi, k >= k_lo, k <= k_hi]
        for j in keep:
            _, dF, dG, dA = rows[j]
            cons2.append(dF + th * dG + k * dA >= -tol)
        ends = []
        for var in (th, k):
            for sense in (cp.Minimize, cp.Maximize):
                p2 = cp.Problem(sense(var), cons2)
                _solve(p2)
                ends.append(float(var.value) if var.value is not None else None)
        if all(e is not None for e in ends):
            joint_theta = (_clip(ends[0], t_lo, t_hi), _clip(ends[1], t_lo, t_hi))
            joint_k = (_clip(ends[2], k_lo, k_hi), _clip(ends[3], k_lo, k_hi))
    return RevealedPreference(tuple(out), joint_theta, joint_k, breakers, THETA_BOUNDS, K_BOUNDS)


__all__ = ["K_BOUNDS", "THETA_BOUNDS", "RevealedPreference", "SovereignSet", "revealed_preference"]
