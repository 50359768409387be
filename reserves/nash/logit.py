"""One Nash equilibrium of a large game by logit quantal-response tracing.

One equilibrium of a large game by tracing the principal branch of the logit quantal
response equilibrium correspondence, ``sigma_i(a) ∝ exp(lambda v_i(a; sigma_-i))``, from
``lambda = 0`` (uniform play) to large ``lambda`` by pseudo-arclength predictor-corrector
continuation in ``(log sigma, lambda)`` (Turocy 2005, "A dynamic homotopy interpretation of
the logistic quantal response equilibrium correspondence", *Games and Economic Behavior*
51). The limit is polished to an exact equilibrium by Newton's method on the indifference
system of its support. If tracing fails, replicator and fictitious-play dynamics provide the
start point instead.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from reserves.errors import SolverError
from reserves.nash.normal_form import Game
from reserves.nash.profiles import as_game
from reserves.nash.pure import pure_equilibria_indices
from reserves.nash.result import SolveResult, Timer, make_result
from reserves.nash.support_enumeration import polish


class _LogitSystem:
    """``H(x, lambda) = 0`` of the logit QRE in log-probabilities ``x`` (payoffs normalised).

    For player ``i`` with ``sigma_k = exp(x_k)``:

        H_i(a) = x_i(a) - x_i(0) - lambda (v_i(a) - v_i(0)),  a = 1..n_i - 1,
        H_i(n_i) = sum_a sigma_i(a) - 1,

    with ``v_i(a) = sum_{a_-i} U_i(a, a_-i) prod_{k != i} sigma_k(a_k)``. Both ``v_i`` and
    every derivative block ``d v_i(a) / d x_j(b) = sum_{a_-ij} U_i(a, b, a_-ij)
    prod_{k != i} sigma_k(a_k)`` (the chain-rule factor ``sigma_j(b)`` included) are
    marginals of one weighted tensor ``W_i = U_i * prod_{k != i} sigma_k``, formed from prefix
    and suffix outer products. The pair marginals for all ``j`` come from summing ``W_i``
    over axes ``0..j-1`` incrementally (the partial sums shrink geometrically), so the whole
    Jacobian costs ``O(N prod_k n_k)`` arithmetic instead of ``O(N^2 prod_k n_k)`` separate
    contractions.
    """

    def __init__(self, game: Game) -> None:
        self.game = game
        self.U = (game.payoffs - game.payoffs.min()) / game.payoff_scale
        self.shape = game.shape
        self.off = np.concatenate([[0], np.cumsum(self.shape)]).astype(int)
        self.dim = int(self.off[-1])

    def split(self, x: np.ndarray) -> list[np.ndarray]:
        return [x[self.off[i] : self.off[i + 1]] for i in range(len(self.shape))]

    def _weighted(self, sig: list[np.ndarray]) -> list[np.ndarray]:
        """``W_i = U_i * prod_{k != i} sigma_k`` for every player (leave-one-out products)."""
        N = len(self.shape)
        pre = [np.ones(())]
        for k in range(N):
            pre.append(pre[-1][..., None] * sig[k])
        suf = [np.ones(())] * (N + 1)
        for k in range(N - 1, -1, -1):
            suf[k] = sig[k].reshape((-1,) + (1,) * (N - 1 - k)) * suf[k + 1]
        out = []
        for i in range(N):
            left = pre[i].reshape(pre[i].shape + (1,) * (N - i))
            right = suf[i + 1].reshape((1,) * (i + 1) + suf[i + 1].shape)
            out.append(self.U[i] * left * right)
        return out

    def _values(self, sig: list[np.ndarray]) -> list[np.ndarray]:
        N = len(self.shape)
        return [
            W.sum(axis=tuple(k for k in range(N) if k != i))
            for i, W in enumerate(self._weighted(sig))
        ]

    def H(self, x: np.ndarray, lam: float) -> np.ndarray:  # noqa: N802
        sig = [np.exp(v) for v in self.split(x)]
        out = []
        for i, (xi, v) in enumerate(zip(self.split(x), self._values(sig), strict=True)):
            out.append(xi[1:] - xi[0] - lam * (v[1:] - v[0]))
            out.append(np.array([sig[i].sum() - 1.0]))
        return np.concatenate(out)

    def jac(self, x: np.ndarray, lam: float) -> np.ndarray:
        """Jacobian ``(dim, dim + 1)`` with respect to ``(x, lambda)``."""
        sig = [np.exp(v) for v in self.split(x)]
        N = len(self.shape)
        J = np.zeros((self.dim, self.dim + 1))
        for i, W in enumerate(self._weighted(sig)):
            ni = self.shape[i]
            r0 = self.off[i]
            # d/dx_i: identity-like rows
            J[r0 : r0 + ni - 1, self.off[i] + 1 : self.off[i] + ni] = np.eye(ni - 1)
            J[r0 : r0 + ni - 1, self.off[i]] = -1.0
            v = np.moveaxis(W, i, 0).reshape(ni, -1).sum(axis=1)
            J[r0 : r0 + ni - 1, -1] = -(v[1:] - v[0])
            A, axes = W, list(range(N))
            for j in range(N):
                if j == i:
                    continue
                pi, pj = axes.index(i), axes.index(j)
                D = A.sum(axis=tuple(p for p in range(A.ndim) if p not in (pi, pj)))
                if j < i:
                    D = D.T  # (n_i, n_j)
                J[r0 : r0 + ni - 1, self.off[j] : self.off[j + 1]] = -lam * (D[1:] - D[:1])
                A = A.sum(axis=pj)
                axes.remove(j)
            J[r0 + ni - 1, self.off[i] : self.off[i + 1]] = sig[i]
        return J


def _tangent(J: np.ndarray, prev: np.ndarray | None) -> np.ndarray:
    q, _ = np.linalg.qr(J.T, mode="complete")
    tau = q[:, -1]
    if prev is None:
        if tau[-1] < 0:
            tau = -tau
    elif tau @ prev < 0:
        tau = -tau
    return tau


def _trace_logit(
    game: Game, lambda_max: float, max_steps: int
) -> tuple[list[np.ndarray] | None, float, int]:
    """Pseudo-arclength continuation of the principal logit branch; returns (sigma, lambda,
    steps) at the last point reached (None if the first step failed)."""
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging corrector is rejected
        return _trace_logit_loop(game, lambda_max, max_steps)


def _trace_logit_loop(
    game: Game, lambda_max: float, max_steps: int
) -> tuple[list[np.ndarray] | None, float, int]:
    L = _LogitSystem(game)
    x = np.concatenate([np.full(n, -math.log(n)) for n in L.shape])
    lam = 0.0
    tau = None
    h = 0.05
    steps = 0
    while lam < lambda_max and steps < max_steps and h > 1e-10:
        steps += 1
        z = np.concatenate([x, [lam]])
        J = L.jac(x, lam)
        tau = _tangent(J, tau)
        zp = z + h * tau
        zc = zp.copy()
        ok = False
        for it in range(6):
            Hv = L.H(zc[:-1], zc[-1])
            Jc = L.jac(zc[:-1], zc[-1])
            A = np.vstack([Jc, tau[None, :]])
            rhs = np.concatenate([Hv, [tau @ (zc - zp)]])
            try:
                dz = np.linalg.solve(A, rhs)
            except np.linalg.LinAlgError:
                break
            zc = zc - dz
            nd = np.linalg.norm(dz)
            if it == 0 and nd > 0.3 * h + 1e-9:
                break
            if nd < 1e-10 * (1 + np.linalg.norm(zc)):
                ok = np.all(np.isfinite(zc)) and np.all(zc[:-1] < 1e-9)
                break
        if ok and zc[-1] >= -1e-9:
            x, lam = zc[:-1], float(zc[-1])
            h = min(h * 1.5, max(1.0, 0.5 * lam))
        else:
            h *= 0.5
    sig = [np.exp(v) / np.exp(v).sum() for v in L.split(x)]
    return sig, lam, steps


def _dynamics_starts(game: Game, rng: np.random.Generator, iters: int = 3000):
    """Approximate equilibria from replicator (exponential-weights) and fictitious play."""
    U = game
    starts = [game.uniform_profile()] + [
        [rng.dirichlet(np.ones(n)) for n in game.shape] for _ in range(3)
    ]
    scale = game.payoff_scale
    for s0 in starts:
        s = [v.copy() for v in s0]
        for k in range(iters):
            dev = U.deviation_payoffs(s)
            eta = 5.0 / scale / math.sqrt(k + 1)
            s = [v * np.exp(eta * (d - d.max())) for v, d in zip(s, dev, strict=True)]
            s = [v / v.sum() for v in s]
        yield s
    # fictitious play: best reply to the empirical average
    avg = game.uniform_profile()
    for k in range(1, iters + 1):
        dev = U.deviation_payoffs(avg)
        br = [np.eye(len(d))[int(np.argmax(d))] for d in dev]
        avg = [a + (b - a) / (k + 1) for a, b in zip(avg, br, strict=True)]
    yield avg


def logit_solve(
    game: Game,
    *,
    lambda_max: float = 1e5,
    max_steps: int = 2000,
    seed: int = 0,
) -> SolveResult:
    """One Nash equilibrium by logit quantal-response tracing, polished and verified.

    Parameters
    ----------
    lambda_max:
        precision parameter at which tracing stops (payoffs are normalised to a unit spread,
        so ``1 / lambda_max`` is roughly the remaining relative regret before polishing).
    max_steps:
        predictor-corrector step budget.
    seed:
        seed for the random starts of the dynamics fallback.

    Returns
    -------
    SolveResult
        one verified equilibrium (``complete=False``); the note says whether the logit limit or
        the dynamics fallback produced it. Raises :class:`SolverError` when nothing verifies.
    """
    game = as_game(game)
    notes: list[str] = []
    params: dict[str, Any] = {"lambda_max": lambda_max, "max_steps": max_steps}
    found = None
    with Timer() as t:
        if game.num_profiles == 1:
            found = game.pure_profile([0] * game.num_players)
        else:
            sig, lam, steps = _trace_logit(game, lambda_max, max_steps)
            params.update(lambda_reached=lam, steps=steps)
            if sig is not None:
                found = polish(game, sig)
            if found is not None:
                notes.append(f"logit QRE branch traced to lambda={lam:.3g} in {steps} steps")
            else:
                notes.append(
                    f"logit tracing stopped at lambda={lam:.3g} without a verifiable limit; "
                    "dynamics fallback used"
                )
                rng = np.random.default_rng(seed)
                for s in _dynamics_starts(game, rng):
                    found = polish(game, s)
                    if found is not None:
                        notes.append("equilibrium from replicator/fictitious-play dynamics")
                        break
            if found is None:
                idx = pure_equilibria_indices(game)
                if len(idx):
                    found = game.pure_profile(idx[0])
                    notes.append("fell back to a pure equilibrium")
    if found is None:
        raise SolverError(
            "logit tracing and the dynamics fallback found no verifiable equilibrium",
            fix="try method='all' on a smaller game or a larger lambda_max",
        )
    return make_result(
        game,
        "logit",
        [found],
        parameters=params,
        complete=False,
        exact=True,
        elapsed_s=t.elapsed_s,
        notes=notes,
    )


__all__ = ["logit_solve"]
