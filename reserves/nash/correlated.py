"""Correlated and coarse correlated equilibria as linear programs (cvxpy).

A *correlated equilibrium* (Aumann 1974) of an N-player game with payoffs ``u_i`` is a
probability distribution ``p`` over pure profiles such that no player, told only her own
recommended action ``a``, gains by switching to another action ``b``:

    sum_{s : s_i = a} p(s) [u_i(b, s_{-i}) - u_i(s)] <= 0     for every i, a != b,   (CE)

    p >= 0,   sum_s p(s) = 1.

These are ``sum_i n_i (n_i - 1)`` linear inequalities over ``prod_i n_i`` unknowns, so the set of
correlated equilibria is a polytope and optimizing any linear function over it is a linear
program (Papadimitriou and Roughgarden 2008). A *coarse* correlated equilibrium (Hannan set;
Moulin and Vial 1978) only asks that no player gains by committing to a fixed action before
seeing the recommendation:

    sum_s p(s) [u_i(b, s_{-i}) - u_i(s)] <= 0                  for every i, b         (CCE)

(``sum_i n_i`` rows). Every Nash equilibrium's product distribution is a CE, and every CE is a
CCE. A treaty or public announcement that recommends actions acts as the correlation device.

Objectives (all linear in ``p``):

- ``"welfare"``: maximize ``sum_s p(s) sum_i u_i(s)``;
- ``"demand-min"`` / ``"demand-max"``: minimize / maximize the expected sovereign demand
  ``sum_s p(s) sum_i x_i(s_i)`` (USD order flow at the entry price, MODEL.md section 4); the two
  optima bound the demand of *every* correlated equilibrium (the CE demand band);
- ``"feasible"``: any point of the polytope.

The incentive rows are assembled once as a ``scipy.sparse`` matrix (``nnz = M sum_i (n_i - 1)``
for CE with ``M`` profiles) and passed to cvxpy as a constant. Payoffs are divided by the game's
payoff spread before solving (sovereign payoffs are of order 1e10 USD). Every solution is
re-verified here, independently of the solver, by recomputing the incentive gains from the
payoff tensor (``incentive_violation``); a distribution that fails is never returned.

References
----------
Aumann, R. (1974). Subjectivity and correlation in randomized strategies. J. Math. Econ. 1.
Papadimitriou, C. and Roughgarden, T. (2008). Computing correlated equilibria in multi-player
games. J. ACM 55(3).
Moulin, H. and Vial, J.-P. (1978). Strategically zero-sum games. Int. J. Game Theory 7.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sps

from reserves.errors import ReservesError, SolverError
from reserves.nash.normal_form import Game

#: largest number of pure profiles (after dominance reduction) the LP is built for
MAX_CE_PROFILES = 65_536

#: objectives accepted by :func:`correlated_equilibrium`
OBJECTIVES: tuple[str, ...] = ("welfare", "demand-min", "demand-max", "feasible")

#: solver preference for the LP (all install with the package's cvxpy, clarabel, highspy)
DEFAULT_SOLVERS: tuple[str, ...] = ("HIGHS", "CLARABEL", "SCS")

_SOLVER_OPTS: dict[str, dict[str, Any]] = {
    "SCIPY": {},
    "OSQP": {},
    "HIGHS": {
        "primal_feasibility_tolerance": 1e-10,
        "dual_feasibility_tolerance": 1e-10,
        "output_flag": False,
        "log_to_console": False,
        # interior point + crossover: a vertex (exact) solution, several times faster than
        # simplex on these wide LPs (few rows, up to ~65k columns)
        "highs_options": {"solver": "ipm", "run_crossover": "on"},
    },
    "CLARABEL": {"tol_feas": 1e-10, "tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10},
    "SCS": {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iters": 200_000},
}


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class CorrelatedResult:
    """A verified (coarse) correlated equilibrium.

    Attributes
    ----------
    players, actions:
        names, as in the game.
    profiles:
        int array ``(k, N)``: action indices of the ``k`` profiles in the support.
    probabilities:
        array ``(k,)`` summing to 1 (entries below 1e-12 are dropped and the rest renormalized).
    expected_payoffs:
        ``E_p[u_i]`` for every player.
    objective, objective_value:
        the LP's objective and its value at the verified distribution (welfare: sum of expected
        payoffs; demand objectives: expected demand in USD; ``None`` for ``"feasible"``).
    max_violation:
        largest incentive gain ``max_{i,a,b} sum_{s_i=a} p(s)[u_i(b,s_{-i}) - u_i(s)]`` (payoff
        units), recomputed from the tensor independently of the solver; ``<= 0`` up to rounding.
    expected_demand_usd:
        ``E_p[sum_i x_i(s_i)]`` when demand weights are known, else ``None``.
    solver, status:
        the cvxpy solver used and its status (``"dominance"`` when iterated elimination left a
        single profile and no LP was needed).
    """

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    profiles: np.ndarray
    probabilities: np.ndarray
    expected_payoffs: np.ndarray
    objective: str
    objective_value: float | None
    coarse: bool
    max_violation: float
    payoff_scale: float
    solver: str
    status: str
    expected_demand_usd: float | None = None
    num_profiles: int = 0
    elapsed_s: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def kind(self) -> str:
        return "coarse correlated" if self.coarse else "correlated"

    @property
    def relative_violation(self) -> float:
        """``max(max_violation, 0) / payoff_scale``."""
        return max(self.max_violation, 0.0) / self.payoff_scale

    @property
    def welfare(self) -> float:
        return float(np.sum(self.expected_payoffs))

    def marginals(self) -> list[np.ndarray]:
        """Each player's marginal distribution over her actions."""
        out = []
        for i, acts in enumerate(self.actions):
            m = np.zeros(len(acts))
            np.add.at(m, self.profiles[:, i], self.probabilities)
            out.append(m)
        return out

    def profile_names(self) -> list[tuple[str, ...]]:
        return [tuple(self.actions[i][int(k)] for i, k in enumerate(row)) for row in self.profiles]

    def dense(self) -> np.ndarray:
        """The distribution as an array of shape ``(n_1, ..., n_N)``."""
        out = np.zeros(tuple(len(a) for a in self.actions))
        out[tuple(self.profiles.T)] = self.probabilities
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON contract of ``reserves solve --method correlated --json``.

        ``{"distribution": [{"profile": [names], "prob": p}, ...], "expected_payoffs": [...],
        "objective_value": v, ...}`` with the distribution sorted by decreasing probability.
        """
        order = np.argsort(-self.probabilities, kind="stable")
        names = self.profile_names()
        return {
            "distribution": [
                {"profile": list(names[k]), "prob": float(self.probabilities[k])} for k in order
            ],
            "expected_payoffs": [float(x) for x in self.expected_payoffs],
            "objective_value": None
            if self.objective_value is None
            else float(self.objective_value),
            "objective": self.objective,
            "kind": self.kind,
            "players": list(self.players),
            "actions": [list(a) for a in self.actions],
            "expected_demand_usd": self.expected_demand_usd,
            "max_violation": float(self.max_violation),
            "relative_violation": float(self.relative_violation),
            "solver": self.solver,
            "status": self.status,
            "num_profiles": int(self.num_profiles),
            "elapsed_s": float(self.elapsed_s),
            "notes": list(self.notes),
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """pandas DataFrame: one row per support profile (one column per player, ``prob``)."""
        import pandas as pd

        rows = []
        for names, p in zip(self.profile_names(), self.probabilities, strict=True):
            row: dict[str, Any] = dict(zip(self.players, names, strict=True))
            row["prob"] = float(p)
            rows.append(row)
        return pd.DataFrame(rows).sort_values("prob", ascending=False, ignore_index=True)

    def table(self, *, max_rows: int = 30) -> str:
        """Readable text for the CLI."""
        val = "n/a" if self.objective_value is None else f"{self.objective_value:.6g}"
        lines = [
            f"{self.kind} equilibrium, objective {self.objective} = {val}, solver {self.solver} "
            f"({self.status}), max incentive violation {self.max_violation:.3g}, "
            f"{self.elapsed_s:.3g} s"
        ]
        frame = self.to_dict()["distribution"]
        for row in frame[:max_rows]:
            lines.append(f"  {row['prob']:.6f}  " + ", ".join(row["profile"]))
        if len(frame) > max_rows:
            lines.append(f"  ... {len(frame) - max_rows} more profiles (use --json)")
        for name, pay in zip(self.players, self.expected_payoffs, strict=True):
            lines.append(f"  E[u] {name:<28} {pay:.6g}")
        if self.expected_demand_usd is not None:
            lines.append(f"  expected sovereign demand: ${self.expected_demand_usd:,.0f}")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


# --------------------------------------------------------------------------- building blocks
def _as_game(game: Any) -> tuple[Game, Any]:
    """(tensor game, sovereign game or None)."""
    if isinstance(game, Game):
        return game, None
    to_game = getattr(game, "to_game", None)
    if callable(to_game):
        return to_game(), game
    raise ReservesError(
        f"expected a Game or SovereignGame, got {type(game).__name__}",
        field="game",
        fix="build one with Game.from_arrays(...) or SovereignGame(config)",
    )


def sovereign_action_flows(sovereign_game: Any) -> list[np.ndarray]:
    """Per-player USD order flow ``x_i(a)`` over each player's own actions (``actions[i]``)."""
    fl = sovereign_game.flows
    labels = list(sovereign_game.action_labels)
    return [
        np.array([fl.x[i, labels.index(a)] for a in acts], dtype=float)
        for i, acts in enumerate(sovereign_game.actions)
    ]


def profile_weights(game: Game, demand_weights: Any) -> np.ndarray:
    """Demand of every pure profile, shape ``game.shape``: ``w(s) = sum_i x_i(s_i)``.

    ``demand_weights`` is either one vector ``x_i`` per player (length ``n_i``) or an array of
    shape ``game.shape`` (demand per profile).
    """
    shape = game.shape
    if isinstance(demand_weights, np.ndarray) and demand_weights.shape == shape:
        w = np.asarray(demand_weights, dtype=float)
    else:
        try:
            vecs = [np.asarray(v, dtype=float).ravel() for v in demand_weights]
        except TypeError:
            raise ReservesError(
                "demand_weights must be one flow vector per player or an array of the game's shape",
                field="demand_weights",
                fix=f"give {game.num_players} vectors of lengths {list(shape)}",
            ) from None
        if len(vecs) != game.num_players or any(
            v.size != n for v, n in zip(vecs, shape, strict=False)
        ):
            raise ReservesError(
                f"demand_weights have lengths {[v.size for v in vecs]}, the game has "
                f"{list(shape)} actions",
                field="demand_weights",
                fix="give one USD flow per action for every player",
            )
        w = np.zeros(shape)
        n = game.num_players
        for i, v in enumerate(vecs):
            sh = [1] * n
            sh[i] = shape[i]
            w = w + v.reshape(sh)
    if not np.all(np.isfinite(w)):
        raise ReservesError("demand_weights must be finite", field="demand_weights")
    return w


def incentive_matrix(game: Game, *, coarse: bool = False) -> sps.csr_matrix:
    """The incentive rows ``G`` with ``G p <= 0`` the (coarse) correlated-equilibrium constraints.

    CE: row ``(i, a, b)``, ``a != b``, has entry ``u_i(b, s_{-i}) - u_i(s)`` in the column of
    every profile ``s`` with ``s_i = a`` (``sum_i n_i (n_i - 1)`` rows). CCE: row ``(i, b)`` has
    ``u_i(b, s_{-i}) - u_i(s)`` in every column (``sum_i n_i`` rows). Columns follow C order
    of the profiles; entries are in payoff units.
    """
    shape = game.shape
    M = game.num_profiles
    own = np.unravel_index(np.arange(M), shape)
    rows_l, cols_l, data_l = [], [], []
    offset = 0
    cols_all = np.arange(M)
    for i, n_i in enumerate(shape):
        u = game.payoffs[i]
        flat = u.ravel()
        s_i = own[i]
        for b in range(n_i):
            dev = np.broadcast_to(np.take(u, [b], axis=i), shape).ravel() - flat
            if coarse:
                rows_l.append(np.full(M, offset + b))
                cols_l.append(cols_all)
                data_l.append(dev)
            else:
                mask = s_i != b
                a = s_i[mask]
                rows_l.append(offset + a * (n_i - 1) + (b - (b > a)))
                cols_l.append(cols_all[mask])
                data_l.append(dev[mask])
        offset += n_i if coarse else n_i * (n_i - 1)
    if offset == 0:
        return sps.csr_matrix((0, M))
    mat = sps.coo_matrix(
        (np.concatenate(data_l), (np.concatenate(rows_l), np.concatenate(cols_l))),
        shape=(offset, M),
    )
    return mat.tocsr()


def incentive_gains(game: Game, distribution: np.ndarray, *, coarse: bool = False) -> np.ndarray:
    """Every incentive gain of a distribution, computed from the tensor (not the LP matrix).

    For CE, player i's gains form the ``n_i x n_i`` matrix
    ``g_i[a, b] = sum_{s_i=a} p(s) (u_i(b, s_{-i}) - u_i(a, s_{-i})) = (P_i U_i^T)[a, b] -
    (P_i * U_i).sum(1)[a]`` with ``P_i, U_i`` the distribution and payoffs reshaped to
    (own action) x (others' profiles); for CCE the vector ``g_i[b] = sum_a g_i[a, b]``.
    Returns all gains concatenated (a CE has every entry ``<= 0``).
    """
    p = np.asarray(distribution, dtype=float).reshape(game.shape)
    out = []
    for i, n_i in enumerate(game.shape):
        P = np.moveaxis(p, i, 0).reshape(n_i, -1)
        U = np.moveaxis(game.payoffs[i], i, 0).reshape(n_i, -1)
        gains = P @ U.T - (P * U).sum(axis=1, keepdims=True)
        out.append(gains.sum(axis=0) if coarse else gains.ravel())
    return np.concatenate(out) if out else np.zeros(0)


def incentive_violation(game: Game, distribution: np.ndarray, *, coarse: bool = False) -> float:
    """Largest incentive gain (payoff units): ``<= 0`` exactly at a (coarse) correlated
    equilibrium. Independent of any solver (see :func:`incentive_gains`)."""
    g = incentive_gains(game, distribution, coarse=coarse)
    return float(g.max()) if g.size else 0.0


def reduce_by_dominance(game: Game) -> list[list[int]]:
    """Iterated elimination of actions strictly dominated by another pure action.

    A correlated equilibrium puts no probability on an action that is strictly dominated
    (conditioning on the recommendation, the dominating action is strictly better), and by
    induction on none removed by iterated elimination; so the CE polytope of the reduced game,
    embedded back, is the CE polytope of the game. (Not valid for coarse CE.) Each pass removes
    every dominated action of every player at once (each is dominated by an undominated one, by
    transitivity), slicing the payoff tensor in place of building sub-games. Returns the kept
    action indices of each player.
    """
    keep = [np.arange(n) for n in game.shape]
    pay = game.payoffs
    tol = 1e-12 * game.payoff_scale
    changed = True
    while changed:
        changed = False
        for i in range(game.num_players):
            n_i = keep[i].size
            if n_i <= 1:
                continue
            u = np.moveaxis(pay[i], i, 0).reshape(n_i, -1)
            margin = (u[:, None, :] - u[None, :, :]).min(axis=2)  # margin[k, a]: k over a
            np.fill_diagonal(margin, -np.inf)
            alive = margin.max(axis=0) <= tol
            if not alive.all():
                keep[i] = keep[i][alive]
                pay = np.compress(alive, pay, axis=i + 1)
                changed = True
    return [k.tolist() for k in keep]


def _embed(game: Game, keep: list[list[int]], sub_dist: np.ndarray) -> np.ndarray:
    full = np.zeros(game.shape)
    full[np.ix_(*[np.asarray(k) for k in keep])] = sub_dist.reshape([len(k) for k in keep])
    return full


@lru_cache(maxsize=1)
def _quiet_highs() -> None:
    """HiGHS prints a licence banner on stdout the first time an instance is created in a
    process, which would corrupt ``--json`` output; create that first instance with the C-level
    stdout pointed at /dev/null."""
    try:
        import highspy
    except ImportError:  # pragma: no cover - HiGHS is a declared dependency
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _pick_solver(solver: str | None) -> str:
    import cvxpy as cp

    installed = set(cp.installed_solvers())
    if solver is None:
        for name in DEFAULT_SOLVERS:
            if name in installed:
                return name
        raise SolverError(
            "no LP solver is installed for cvxpy", fix="pip install highspy or clarabel"
        )
    name = str(solver).upper()
    if name not in installed:
        raise ReservesError(
            f"solver {solver!r} is not installed",
            field="solver",
            fix=f"use one of {sorted(installed)}",
        )
    return name


def _solve_lp(
    G: sps.csr_matrix, c: np.ndarray | None, sense: str, solver: str
) -> tuple[np.ndarray, str]:
    """Solve ``opt c.p  s.t.  G p <= 0, 1.p = 1, p >= 0`` with cvxpy; return (p, status)."""
    import cvxpy as cp

    if solver == "HIGHS":
        _quiet_highs()
    M = G.shape[1]
    p = cp.Variable(M, nonneg=True)
    constraints = [cp.sum(p) == 1]
    if G.shape[0]:
        constraints.append(G @ p <= 0)
    if c is None:
        objective = cp.Minimize(0)
    elif sense == "max":
        objective = cp.Maximize(c @ p)
    else:
        objective = cp.Minimize(c @ p)
    problem = cp.Problem(objective, constraints)
    try:
        opts = {k: dict(v) if isinstance(v, dict) else v for k, v in _SOLVER_OPTS[solver].items()}
        problem.solve(solver=solver, **opts)
    except cp.error.SolverError as exc:
        raise SolverError(
            f"{solver} failed on the correlated-equilibrium LP: {exc}",
            field="solver",
            fix="try solver='CLARABEL' or 'HIGHS'",
        ) from None
    status = str(problem.status)
    if status != cp.OPTIMAL:
        hint = {
            cp.INFEASIBLE: "the incentive constraints have no solution (numerically infeasible);"
            " rescale the payoffs or try another solver",
            cp.UNBOUNDED: "the objective is unbounded (should not happen on the simplex)",
            cp.OPTIMAL_INACCURATE: "the solver stopped early; try solver='HIGHS' or 'CLARABEL'",
        }.get(status, "try another solver (HIGHS, CLARABEL)")
        raise SolverError(
            f"correlated-equilibrium LP ended with status {status!r} ({solver})",
            field="solver",
            fix=hint,
        )
    if p.value is None:
        raise SolverError(f"{solver} returned no solution", field="solver", fix="try CLARABEL")
    return np.asarray(p.value, dtype=float), status


# --------------------------------------------------------------------------- public API
def correlated_equilibrium(
    game: Any,
    objective: str = "welfare",
    *,
    coarse: bool = False,
    demand_weights: Any = None,
    solver: str | None = None,
    reduce: bool = True,
    tol: float = 1e-7,
    max_profiles: int = MAX_CE_PROFILES,
) -> CorrelatedResult:
    """A (coarse) correlated equilibrium optimizing ``objective`` (one linear program).

    Solves

        max / min  c . p    s.t.   G p <= 0,   1 . p = 1,   p >= 0

    with ``G`` from :func:`incentive_matrix` and ``c`` the welfare ``sum_i u_i(s)`` or the
    sovereign demand ``w(s) = sum_i x_i(s_i)`` of each profile (Papadimitriou and Roughgarden
    2008). The returned distribution is re-verified with :func:`incentive_violation`.

    Parameters
    ----------
    game:
        a :class:`~reserves.nash.normal_form.Game` or a
        :class:`~reserves.sovereign.model.SovereignGame` (its tensor is built; demand weights are
        its USD order flows at the entry price).
    objective:
        ``"welfare"``, ``"demand-min"``, ``"demand-max"`` or ``"feasible"``.
    coarse:
        coarse correlated equilibrium (Hannan set) instead of CE.
    demand_weights:
        USD flow ``x_i(a)``: one vector per player, or one number per profile; needed for the
        demand objectives on a plain ``Game``.
    solver:
        cvxpy solver name; default the first installed of ``HIGHS``, ``CLARABEL``, ``SCS``.
    reduce:
        first remove iteratively strictly dominated actions (exact for CE, skipped for CCE):
        large games whose actions are mostly dominated then solve as small LPs.
    tol:
        verification tolerance relative to the payoff spread: the result is rejected with
        :class:`SolverError` when ``max_violation > tol * payoff_scale``.
    max_profiles:
        largest (reduced) game the LP is built for.

    Raises
    ------
    ReservesError
        unknown objective, missing demand weights, game too large.
    SolverError
        any non-optimal LP status, or a solution that fails verification.
    """
    t0 = time.perf_counter()
    obj = str(objective).strip().lower().replace("_", "-")
    if obj not in OBJECTIVES:
        raise ReservesError(
            f"unknown objective {objective!r}", field="objective", fix=f"use one of {OBJECTIVES}"
        )
    tensor, sovereign = _as_game(game)
    weights = None
    if demand_weights is not None:
        weights = profile_weights(tensor, demand_weights)
    elif sovereign is not None:
        weights = profile_weights(tensor, sovereign_action_flows(sovereign))
    if obj.startswith("demand") and weights is None:
        raise ReservesError(
            f"objective {obj!r} needs the sovereigns' flows",
            field="demand_weights",
            fix="pass demand_weights (one USD flow per action per player) or a SovereignGame",
        )
    notes: list[str] = []
    keep = [list(range(n)) for n in tensor.shape]
    if reduce and not coarse:
        keep = reduce_by_dominance(tensor)
    reduced = any(len(k) < n for k, n in zip(keep, tensor.shape, strict=True))
    sub = tensor.restrict(keep) if reduced else tensor
    if reduced:
        notes.append(
            f"iterated strict dominance reduced {tensor.num_profiles:,} profiles to "
            f"{sub.num_profiles:,} (exact for correlated equilibria)"
        )
    if sub.num_profiles > max_profiles:
        raise ReservesError(
            f"the LP would have {sub.num_profiles:,} unknowns (profiles); the limit is "
            f"{max_profiles:,}",
            field="game",
            fix="use fewer players or actions, or the aggregative solver for pure equilibria",
        )
    scale = tensor.payoff_scale
    if sub.num_profiles == 1:
        sub_p = np.ones(1)
        solver_name, status = "none", "dominance"
    else:
        solver_name = _pick_solver(solver)
        G = incentive_matrix(sub, coarse=coarse) / scale
        c = None
        sense = "max"
        if obj == "welfare":
            c = sub.payoffs.reshape(sub.num_players, -1).sum(axis=0) / scale
        elif obj.startswith("demand"):
            assert weights is not None
            w_sub = weights[np.ix_(*[np.asarray(k) for k in keep])].ravel()
            c = w_sub / max(float(np.abs(w_sub).max()), 1.0)
            sense = "min" if obj == "demand-min" else "max"
        sub_p, status = _solve_lp(G, c, sense, solver_name)
    sub_p = np.clip(sub_p, 0.0, None)
    sub_p[sub_p < 1e-12] = 0.0
    total = sub_p.sum()
    if not np.isfinite(total) or total <= 0:
        raise SolverError(
            f"{solver_name} returned an empty distribution", field="solver", fix="try CLARABEL"
        )
    full = _embed(tensor, keep, sub_p / total)
    violation = incentive_violation(tensor, full, coarse=coarse)
    if violation > tol * scale:
        raise SolverError(
            f"the {solver_name} solution violates an incentive constraint by {violation:.3g} "
            f"(> {tol:g} x payoff spread {scale:.3g}); not reported",
            field="solver",
            fix="try solver='HIGHS' (simplex) or 'CLARABEL', or rescale the payoffs",
        )
    flat = full.ravel()
    support = np.flatnonzero(flat > 0)
    profiles = np.stack(np.unravel_index(support, tensor.shape), axis=1).astype(int)
    probs = flat[support]
    expected = tensor.payoffs.reshape(tensor.num_players, -1) @ flat
    demand = None if weights is None else float(weights.ravel() @ flat)
    if obj == "welfare":
        value: float | None = float(expected.sum())
    elif obj.startswith("demand"):
        value = demand
    else:
        value = None
    return CorrelatedResult(
        players=tuple(tensor.players),
        actions=tuple(tuple(a) for a in tensor.actions),
        profiles=profiles,
        probabilities=probs,
        expected_payoffs=np.asarray(expected, dtype=float),
        objective=obj,
        objective_value=value,
        coarse=coarse,
        max_violation=violation,
        payoff_scale=scale,
        solver=solver_name,
        status=status,
        expected_demand_usd=demand,
        num_profiles=tensor.num_profiles,
        elapsed_s=time.perf_counter() - t0,
        notes=tuple(notes),
    )


def correlated_demand_band(
    game: Any,
    *,
    coarse: bool = False,
    demand_weights: Any = None,
    solver: str | None = None,
) -> tuple[CorrelatedResult, CorrelatedResult]:
    """The (coarse) correlated equilibria with the least and the greatest expected demand.

    ``[low.expected_demand_usd, high.expected_demand_usd]`` is the band of expected sovereign
    demand consistent with *any* correlated equilibrium (it contains every Nash equilibrium's
    demand, since each Nash equilibrium is a correlated equilibrium).
    """
    low = correlated_equilibrium(
        game, "demand-min", coarse=coarse, demand_weights=demand_weights, solver=solver
    )
    high = correlated_equilibrium(
        game, "demand-max", coarse=coarse, demand_weights=demand_weights, solver=solver
    )
    return low, high


def product_distribution(strategies: Sequence[np.ndarray]) -> np.ndarray:
    """Joint distribution ``p(s) = prod_i sigma_i(s_i)`` of a mixed profile (array of the
    game's shape): the correlated-equilibrium form of a Nash equilibrium."""
    out = np.ones(())
    for s in strategies:
        out = np.multiply.outer(out, np.asarray(s, dtype=float))
    return out


def cli_payload(
    game: Any,
    objective: str = "welfare",
    *,
    coarse: bool = False,
    solver: str | None = None,
    as_text: bool = False,
) -> dict[str, Any] | str:
    """What ``reserves solve GAME --method correlated --objective OBJ [--json]`` prints.

    Returns :meth:`CorrelatedResult.to_dict` (``{"distribution": [{"profile": [names],
    "prob": p}, ...], "expected_payoffs": [...], "objective_value": v, ...}``), or the text
    table when ``as_text``. ``game`` is a ``Game`` or a ``SovereignGame``. Errors are
    :class:`ReservesError` (one CLI line, exit code 2).
    """
    result = correlated_equilibrium(game, objective, coarse=coarse, solver=solver)
    return result.table() if as_text else result.to_dict()


__all__ = [
    "MAX_CE_PROFILES",
    "OBJECTIVES",
    "CorrelatedResult",
    "cli_payload",
    "correlated_demand_band",
    "correlated_equilibrium",
    "incentive_gains",
    "incentive_matrix",
    "incentive_violation",
    "product_distribution",
    "profile_weights",
    "reduce_by_dominance",
    "sovereign_action_flows",
]
