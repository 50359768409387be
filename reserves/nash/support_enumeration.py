"""All Nash equilibria of an N-player game by support enumeration.

N players. For each support profile ``S = (S_1, ..., S_N)`` the indifference conditions

    sum_{a_-i in S_-i} [u_i(a, a_-i) - u_i(s_i, a_-i)] prod_{j != i} sigma_j(a_j) = 0,
    a in S_i \\ {s_i},

form a square system of multilinear polynomials in the free probabilities (McKelvey and
McLennan 1996, "Computation of equilibria in finite games", *Handbook of Computational
Economics* I, sec. 6). Systems with two mixing players are linear and solved directly
(batched); three binary mixers by a quadratic, three mixers with one binary by hidden-variable
elimination, and four binary mixers by a resultant in the hidden ``z_3`` (after a one-pass grid
version of the box exclusion below), the last two certified by counting the multihomogeneous
Bezout number of distinct nonsingular roots (:mod:`reserves.nash.hidden_variable`); five or six
unknowns without a closed form by certified interval Newton subdivision of the probability
box (:mod:`reserves.nash.interval_newton`), falling back to the homotopy. Systems of
binary mixers evaluate ``F`` and ``J`` from monomial coefficients (one Kronecker product and one
einsum per call). Others, and any system that fails its certificate, are solved completely by a
linear-product (multihomogeneous) homotopy ``H(x, t) = (1 - t) gamma G(x) + t F(x)``,
where ``G_r`` is a product of random linear forms with the multidegree of ``F_r`` (one
factor per opponent), and a random
complex ``gamma`` (the "gamma trick": with probability one every isolated root of F is
reached; Morgan and Sommese 1987; Sommese and Wampler 2005, *The Numerical Solution of
Systems of Polynomials*, ch. 8). Its number of paths is the multihomogeneous Bezout
number (McKelvey and McLennan 1997's bound on totally mixed equilibria), far below the
total degree ``d^n``. All paths of all support profiles of one size pattern are tracked
at once by a Runge-Kutta predictor and Newton corrector, then Newton-polished in real
arithmetic to residual ~1e-15; two paths ending at one nonsingular root (a path jump) send
that system back to be tracked with a fresh ``gamma``. Support profiles are pruned by the
counting condition ``|S_i| - 1 <= sum_{j != i} (|S_j| - 1)`` and by conditional dominance
(an action of ``S_i`` strictly dominated by another action when the others play inside ``S_-i``);
strictly dominated actions of the whole game are removed first. Guarantee: on games whose
equilibria are all regular (generic games) the set is complete; supports whose system has a
continuum of solutions (degenerate games) are reported in ``notes`` and the result is then
marked incomplete.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from reserves.errors import SolverError
from reserves.nash.hidden_variable import (
    four_binary_roots,
    hidden_variable_roots,
    quadratic_roots,
)
from reserves.nash.interval_newton import box_roots, corner_bits
from reserves.nash.normal_form import Game
from reserves.nash.profiles import as_game, clean_profile, lift_profile
from reserves.nash.pure import iterated_elimination, pure_equilibria_indices
from reserves.nash.result import SolveResult, Timer, make_result
from reserves.nash.verify import REGRET_TOL, deviation_payoffs_batch, regret_tolerance

ROUNDS_2222 = 2  # box-exclusion rounds before the (2,2,2,2) elimination (measured best)
BOX_SPLIT_MAX_DIM = 5  # box exclusion splits 8 rounds up to this dimension, 2 above
# systems of these many unknowns without a closed form, whose homotopy would track at least
# INTERVAL_MIN_PATHS paths, go to interval Newton first (measured: 5-player binary 3x,
# 2x2x3x3 3-4x, 2x3x5 2-4x faster; 3-player (2, 3, 4) systems, 3 paths, are not)
INTERVAL_DIMS = (5, 6)
INTERVAL_MIN_PATHS = 12
# homotopy step length: first step, growth after an accepted step, largest step (in t);
# measured on 4x4x4, 2^5, 2x2x3x3 and 3x3x5 games: growth 1.5 rejects fewer steps than 2
_DT0, _DT_GROW, _DT_MAX = 0.05, 1.5, 0.25
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class SupportSystem:
    """Indifference systems of support profiles sharing one size pattern, as batched maps.

    Unknowns: for every *mixing* player j (``|S_j| > 1``) the probabilities of ``S_j[1:]``;
    ``sigma_j(S_j[0]) = 1 - sum``. Equations: for every mixing player i and ``a in S_i[1:]``,
    ``sum_{a_-i} [u_i(a, a_-i) - u_i(S_i[0], a_-i)] prod_{j != i} sigma_j(a_j) = 0``, each of
    degree ``(#mixing players) - 1``. Payoffs are divided by the game's payoff scale.

    The mixing players of each profile are taken in the canonical order (support size, then
    index), so profiles that differ by a relabelling of the players -- the same multiset of
    mixing support sizes -- share one system shape and are solved in one batch
    (``mixing_of[k]`` lists system k's mixing players in that order). ``sel[p]`` says which
    profile row ``p`` of a batch ``Z`` belongs to.
    """

    def __init__(self, game: Game, profiles: Sequence[Sequence[Sequence[int]]]) -> None:
        self.game = game
        self.profiles = [[list(s) for s in S] for S in profiles]
        self.mixing_of = [
            sorted((i for i, s in enumerate(S) if len(s) > 1), key=lambda i, S=S: (len(S[i]), i))
            for S in self.profiles
        ]
        first = self.profiles[0]
        self.mixing = self.mixing_of[0]
        M0 = self.mixing
        self.sizes = [len(first[j]) for j in M0]
        if any(
            [len(S[j]) for j in m] != self.sizes
            for S, m in zip(self.profiles, self.mixing_of, strict=True)
        ):
            raise SolverError("support profiles of one system must share their mixing sizes")
        self.offsets = np.concatenate([[0], np.cumsum([k - 1 for k in self.sizes])]).astype(int)
        self.dim = int(self.offsets[-1])
        self.degree = len(M0) - 1
        # difference tensors over the mixing opponents only (pure opponents are fixed), built
        # per exact mixing order by one fancy index per axis, then put back in profile order
        n = game.num_players
        scale = game.payoff_scale
        by_order: dict[tuple[int, ...], list[int]] = {}
        for k, m in enumerate(self.mixing_of):
            by_order.setdefault(tuple(m), []).append(k)
        parts: list[list[np.ndarray]] = [[] for _ in M0]
        order: list[int] = []
        for M, members in by_order.items():
            profs = [self.profiles[k] for k in members]
            nsys = len(profs)
            grids = []
            for j in range(n):
                if j in M:
                    pos = M.index(j)
                    idx = np.array([S[j] for S in profs])  # (nsys, k_j)
                    shape = [nsys] + [1] * len(M)
                    shape[1 + pos] = idx.shape[1]
                    grids.append(idx.reshape(shape))
                else:
                    grids.append(np.array([S[j][0] for S in profs]).reshape([nsys] + [1] * len(M)))
            U = game.payoffs[(slice(None), *grids)]  # (n, nsys, sizes in M's order)
            for pos, i in enumerate(M):
                axes = list(range(1 + len(M)))
                axes.insert(1, axes.pop(1 + pos))  # own axis first after the system axis
                u = U[i].transpose(axes)
                parts[pos].append((u[:, 1:] - u[:, :1]) / scale)  # (nsys, k_i - 1, others...)
            order.extend(members)
        inverse = np.argsort(np.array(order))
        self.delta = [np.concatenate(d)[inverse] for d in parts]
        self.binary = len(M0) >= 2 and all(k == 2 for k in self.sizes)
        self._mono: np.ndarray | None = None

    @classmethod
    def from_differences(
        cls,
        game: Game,
        profiles: Sequence[Sequence[Sequence[int]]],
        delta: Sequence[np.ndarray],
    ) -> SupportSystem:
        """Systems whose difference tensors are already known: ``delta[r]`` is
        ``(nsys, k_r - 1, other mixers...)`` for the r-th mixing player in the canonical order,
        divided by the payoff scale, exactly as :meth:`__init__` builds it (binary games gather
        them for all support profiles at once, :mod:`reserves.nash.binary_supports`)."""
        out = object.__new__(cls)
        out.game = game
        out.profiles = [[list(s) for s in S] for S in profiles]
        out.mixing_of = [
            sorted((i for i, s in enumerate(S) if len(s) > 1), key=lambda i, S=S: (len(S[i]), i))
            for S in out.profiles
        ]
        out.mixing = out.mixing_of[0]
        out.sizes = [len(out.profiles[0][j]) for j in out.mixing]
        out.offsets = np.concatenate([[0], np.cumsum([k - 1 for k in out.sizes])]).astype(int)
        out.dim = int(out.offsets[-1])
        out.degree = len(out.mixing) - 1
        out.delta = list(delta)
        out.binary = len(out.mixing) >= 2 and all(k == 2 for k in out.sizes)
        out._mono = None
        return out

    def _use_mono(self, P: int) -> bool:
        """The monomial form pays for small batches (few numpy calls) or a single system (no
        per-point copy of the coefficients); large multi-system batches use the tensors."""
        return self.binary and (P <= 256 or len(self.delta[0]) == 1)

    @property
    def mono(self) -> np.ndarray:
        if self._mono is None:
            self._mono = self._monomials()
        return self._mono

    def _monomials(self) -> np.ndarray:
        """Binary mixers only: ``A[s, k, m]``, the coefficients of equation ``k`` of system
        ``s`` on the monomials ``prod_q z_q^{x_q}`` of all mixing players (``m`` the bits
        ``x_0 .. x_{M-1}``), from ``sigma_q = (1 - z_q, z_q)``: each opponent axis of
        ``delta_k`` is mapped by ``[[1, 0], [-1, 1]]``; ``x_k = 0`` (no own variable)."""
        M = len(self.mixing)
        nsys = len(self.delta[0])
        W = np.array([[1.0, 0.0], [-1.0, 1.0]])
        A = np.zeros((nsys, M) + (2,) * M)
        ops: list = []
        for ax in range(1, M):
            ops += [W, [M + ax, ax]]
        for k in range(M):
            C = self.delta[k][:, 0]  # (nsys, 2, ..., 2): opponents in order
            C = np.einsum(C, list(range(M)), *ops, [0, *range(M + 1, 2 * M)])
            own = [slice(None)] * M
            own[k] = 0
            A[(slice(None), k, *own)] = C
        return A.reshape(nsys, M, -1)

    def _mono_fj(self, Z: np.ndarray, sel: np.ndarray, deriv: bool = True) -> np.ndarray:
        """``[F | J]`` of binary mixers as ``(P, M, M + 1)``: the monomial vector ``w`` of each
        point and its derivatives ``dw / dz_q`` (the factor ``(1, z_q)`` replaced by ``(0, 1)``)
        built as Kronecker products, contracted with ``A`` in one einsum; for many points or
        five and more mixers, :meth:`_mono_chain` (measured faster there)."""
        P, M = Z.shape
        if M >= 5 or P >= 32 or not deriv:
            return self._mono_chain(Z, sel, deriv)
        R = M + 1
        f = np.empty((P, R, M, 2), dtype=Z.dtype)  # f[p, r, q]: factor of variable q in row r
        f[..., 0] = 1.0
        f[..., 1] = Z[:, None, :]
        if deriv:
            f[:, np.arange(1, M + 1), np.arange(M)] = (0.0, 1.0)
        V = f[:, :, 0]
        for q in range(1, M):
            V = (V[:, :, :, None] * f[:, :, q, None, :]).reshape(P, R, -1)
        if len(self.mono) == 1:
            return np.einsum("km,pjm->pkj", self.mono[0], V)
        return np.einsum("pkm,pjm->pkj", self.mono[sel], V)

    def _mono_chain(self, Z: np.ndarray, sel: np.ndarray, deriv: bool = True) -> np.ndarray:
        """``[F | J]`` as :meth:`_mono_fj`, by contracting the monomial tensor one variable at
        a time, ``T <- T[x_q = 0] + z_q T[x_q = 1]``, carrying the gradient along (forward
        mode: the gradient columns of earlier variables contract the same way and variable
        q's column is ``T[x_q = 1]``). About ``6 M`` array operations, none of size above
        ``P M 2^(M-1) M``."""
        P, M = Z.shape
        A = self.mono
        T = np.broadcast_to(A, (P, *A.shape[1:])) if len(A) == 1 else A[sel]
        G = None  # (P, M, rest, q): dT / dz_0 .. dz_{q-1}
        for q in range(M):
            T = T.reshape(P, M, 2, -1)
            zq = Z[:, q, None, None]
            T1 = T[:, :, 1]
            if deriv:
                if G is None:
                    G = T1[..., None]
                else:
                    G = G.reshape(P, M, 2, -1, q)
                    G = np.concatenate(
                        [G[:, :, 0] + zq[..., None] * G[:, :, 1], T1[..., None]], axis=-1
                    )
            T = T[:, :, 0] + zq * T1
        if G is None:
            return T
        return np.concatenate([T, G[:, :, 0, :]], axis=-1)

    def subset(self, systems: np.ndarray | Sequence[int]) -> SupportSystem:
        """The systems ``systems`` (indices into this batch) as a batch of their own, sharing
        the difference tensors (no rebuilding)."""
        idx = np.asarray(systems, dtype=int)
        out = object.__new__(SupportSystem)
        out.__dict__.update(self.__dict__)
        out.profiles = [self.profiles[k] for k in idx]
        out.mixing_of = [self.mixing_of[k] for k in idx]
        out.mixing = out.mixing_of[0]
        out.delta = [d[idx] for d in self.delta]
        out._mono = None if self._mono is None else self._mono[idx]
        return out

    def sigmas(self, Z: np.ndarray) -> list[np.ndarray]:
        """Full probability vectors of the mixing players, batched: ``Z`` is ``(P, dim)``."""
        out = []
        for k in range(len(self.mixing)):
            z = Z[:, self.offsets[k] : self.offsets[k + 1]]
            out.append(np.concatenate([1.0 - z.sum(axis=1, keepdims=True), z], axis=1))
        return out

    def _einsum(
        self, k: int, sig: list[np.ndarray], sel: np.ndarray, leave: int | None
    ) -> np.ndarray:
        """``delta_k`` contracted with ``sigma_q`` of every opponent ``q`` except ``leave``:
        ``(P, k_i - 1)``, or ``(P, k_i - 1, k_leave)``. One batched matrix-vector product per
        contracted opponent, last axis first (faster than one many-operand einsum)."""
        others = [q for q in range(len(self.mixing)) if q != k]
        T = self.delta[k] if len(self.delta[k]) == 1 else self.delta[k][sel]
        rest = others
        if leave is not None:
            pos = others.index(leave)
            axes = list(range(T.ndim))
            axes.insert(2, axes.pop(2 + pos))
            T = T.transpose(axes)
            rest = others[:pos] + others[pos + 1 :]
        P = sig[0].shape[0] if sig else T.shape[0]
        for q in reversed(rest):
            head = T.shape[1:-1]
            if T.shape[0] == 1:  # one system: a plain matrix product, no batch copy
                T = sig[q] @ T[0].reshape(-1, T.shape[-1]).T
            elif P >= 64:
                T = np.einsum("pxa,pa->px", T.reshape(P, -1, T.shape[-1]), sig[q])
            else:
                T = np.matmul(T.reshape(P, -1, T.shape[-1]), sig[q][:, :, None])
            T = T.reshape(P, *head)
        if T.shape[0] != P:  # nothing contracted (one opponent, left open): broadcast
            T = np.broadcast_to(T, (P, *T.shape[1:]))
        return T

    def _sel(self, Z: np.ndarray, sel: np.ndarray | None) -> np.ndarray:
        return np.zeros(Z.shape[0], dtype=int) if sel is None else sel

    def F(self, Z: np.ndarray, sel: np.ndarray | None = None) -> np.ndarray:  # noqa: N802
        sel = self._sel(Z, sel)
        if self._use_mono(Z.shape[0]):
            return self._mono_fj(Z, sel, deriv=False)[:, :, 0]
        sig = self.sigmas(Z)
        parts = [self._einsum(k, sig, sel, None) for k in range(len(self.mixing))]
        return np.concatenate(parts, axis=1) if parts else np.zeros((Z.shape[0], 0))

    def J(self, Z: np.ndarray, sel: np.ndarray | None = None) -> np.ndarray:  # noqa: N802
        sel = self._sel(Z, sel)
        if self._use_mono(Z.shape[0]):
            return self._mono_fj(Z, sel)[:, :, 1:]
        sig = self.sigmas(Z)
        P = Z.shape[0]
        Jm = np.zeros((P, self.dim, self.dim), dtype=Z.dtype)
        for k in range(len(self.mixing)):
            r0, r1 = self.offsets[k], self.offsets[k + 1]
            for q in range(len(self.mixing)):
                if q == k:
                    continue
                D = self._einsum(k, sig, sel, q)  # (P, k_i - 1, k_j)
                Jm[:, r0:r1, self.offsets[q] : self.offsets[q + 1]] = D[:, :, 1:] - D[:, :, :1]
        return Jm

    def FJ(  # noqa: N802
        self, Z: np.ndarray, sel: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(F(Z), J(Z))`` from one set of contractions: for mixing players ``k != q`` the
        tensor ``C_kq`` (``delta_k`` contracted with every opponent but ``q``) gives the
        Jacobian block ``C_kq[..., 1:] - C_kq[..., :1]`` and, contracted with ``sigma_q``,
        ``F_k`` (multilinearity), so ``F`` costs no extra pass."""
        sel = self._sel(Z, sel)
        if self._use_mono(Z.shape[0]):
            FJ = self._mono_fj(Z, sel)
            return FJ[:, :, 0], FJ[:, :, 1:]
        sig = self.sigmas(Z)
        P = Z.shape[0]
        M = len(self.mixing)
        F = np.zeros((P, self.dim), dtype=Z.dtype)
        Jm = np.zeros((P, self.dim, self.dim), dtype=Z.dtype)
        for k in range(M):
            r0, r1 = self.offsets[k], self.offsets[k + 1]
            have_f = False
            for q in range(M):
                if q == k:
                    continue
                C = self._einsum(k, sig, sel, q)  # (P, k_i - 1, k_q)
                Jm[:, r0:r1, self.offsets[q] : self.offsets[q + 1]] = C[:, :, 1:] - C[:, :, :1]
                if not have_f:
                    F[:, r0:r1] = np.einsum("pmq,pq->pm", C, sig[q])
                    have_f = True
        return F, Jm

    def profile(self, z: np.ndarray, system: int = 0) -> list[np.ndarray]:
        """The full-game mixed profile of one real solution ``z`` of system ``system``."""
        sig = self.sigmas(np.asarray(z)[None, :])
        out = []
        mixing = self.mixing_of[system]
        for i, s in enumerate(self.profiles[system]):
            v = np.zeros(self.game.shape[i], dtype=np.asarray(z).dtype)
            if i in mixing:
                v[s] = sig[mixing.index(i)][0]
            else:
                v[s[0]] = 1.0
            out.append(v)
        return out


def _solve_batched(M: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(M, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack([np.linalg.lstsq(a, c, rcond=None)[0] for a, c in zip(M, b, strict=True)])


def _newton(
    system: SupportSystem,
    Z: np.ndarray,
    sel: np.ndarray | None = None,
    iters: int = 30,
    tol: float = 1e-14,
    want_cond: bool = True,
):
    """Batched Newton on ``F(Z) = 0``; returns (Z, residual norms, Jacobian condition; NaN
    when ``want_cond`` is False).

    Rows leave the iteration once converged (residual below ``tol``) or stalled (residual
    below 1e-12 that no longer halves, i.e. at rounding level), so a batch costs what its
    slowest converging row needs."""
    Z = Z.copy()
    P = len(Z)
    sel_all = np.zeros(P, dtype=int) if sel is None else np.asarray(sel)
    active = np.arange(P)
    prev = np.full(P, np.inf)
    res_out = np.zeros(P)
    J_out = np.zeros((P, system.dim, system.dim), dtype=Z.dtype) if want_cond else None
    for _ in range(iters):
        if active.size == 0:
            break
        F, J = system.FJ(Z[active], sel_all[active])
        res = np.linalg.norm(F, axis=1)
        done = (res < tol) | ((res < 1e-12) & (res > 0.5 * prev[active]))
        prev[active] = res
        # rows that stop here keep the residual and Jacobian of this (final) evaluation
        res_out[active[done]] = res[done]
        if J_out is not None:
            J_out[active[done]] = J[done]
        step = _solve_batched(J[~done], F[~done])
        Z[active[~done]] = Z[active[~done]] - step
        active = active[~done]
    if active.size:  # rows that ran out of iterations: evaluate at their last iterate
        F, J = system.FJ(Z[active], sel_all[active])
        res_out[active] = np.linalg.norm(F, axis=1)
        if J_out is not None:
            J_out[active] = J
    if J_out is None:
        cond = np.full(P, np.nan)
    else:
        cond = np.linalg.cond(J_out) if system.dim and P else np.zeros(P)
    return Z, res_out, cond


def _start_assignments(owner: Sequence[int], dims: Sequence[int]) -> list[tuple[int, ...]]:
    return list(_start_assignments_cached(tuple(owner), tuple(dims)))


@functools.lru_cache(maxsize=256)
def _start_assignments_cached(
    owner: tuple[int, ...], dims: tuple[int, ...]
) -> tuple[tuple[int, ...], ...]:
    """Maps ``phi`` from equations to variable groups with ``phi(r) != owner(r)`` and exactly
    ``dims[j]`` equations sent to group ``j`` (the start solutions of the linear-product
    system; their number is the multihomogeneous Bezout number of the support system)."""
    out: list[tuple[int, ...]] = []
    cap = list(dims)
    cur: list[int] = []

    def rec(r: int) -> None:
        if r == len(owner):
            out.append(tuple(cur))
            return
        for j in range(len(dims)):
            if j != owner[r] and cap[j] > 0:
                cap[j] -= 1
                cur.append(j)
                rec(r + 1)
                cur.pop()
                cap[j] += 1

    rec(0)
    return tuple(out)


def _track_linear_product(
    system: SupportSystem, rng: np.random.Generator, max_steps: int = 4000
) -> tuple[np.ndarray, np.ndarray, int]:
    """Complex roots of ``system.F`` by a linear-product (multihomogeneous) homotopy.

    Equation ``r`` of mixing player ``i`` is multilinear: of degree one in the free
    probabilities ``x_j`` of every other mixing player ``j`` and free of ``x_i``. The start
    system has the same multidegree structure,

        G_r(x) = prod_{j != i} (a_{r,j} . x_j + b_{r,j}),     a, b random complex,

    and ``H(x, t) = (1 - t) gamma G(x) + t F(x)``. With probability one every isolated root
    of ``F`` is the end of a path started at a root of ``G`` (Morgan and Sommese 1987,
    "A homotopy for solving general polynomial systems that respects m-homogeneous
    structures", *Appl. Math. Comput.* 24; Sommese and Wampler 2005, ch. 8.4). The roots of
    ``G`` are found by choosing, for every equation, which factor vanishes
    (:func:`_start_assignments`) and solving one small linear system per group; their number
    is the multihomogeneous Bezout number, which for these systems equals McKelvey and
    McLennan's (1997, *J. Econ. Theory* 72) bound on the number of totally mixed equilibria,
    e.g. 2 paths instead of 8 for three players with two actions and 10 instead of 64 for
    3x3x3 (far fewer paths diverge, so tracking ends in far fewer steps). Up to four Newton
    corrector steps, per-path adaptive step length, all paths of all systems
    batched; the predictor is classical fourth-order Runge-Kutta on the path's ODE
    ``dx/dt = -H_x^{-1} H_t`` (half the steps of an Euler predictor). Returns the endpoints
    that reached ``t = 1`` (before polishing), their systems and the number of paths that
    failed without diverging.
    """
    n = system.dim
    M = len(system.mixing)
    off = system.offsets
    owner = np.repeat(np.arange(M), np.diff(off))  # group of each equation
    dims = [int(off[j + 1] - off[j]) for j in range(M)]
    t_end = 1.0 - 1e-9  # end game: Newton on F from here (nonsingular roots are ~1e-9 away)

    def crandn(*shape: int) -> np.ndarray:
        return rng.normal(size=shape) + 1j * rng.normal(size=shape)

    a = crandn(n, n)  # a[r, c]: coefficient of x_c in equation r's factor for c's group
    b = crandn(n, M)
    group_of_col = owner
    # start points: for every assignment phi, x_j solves a[phi^-1(j), cols_j] x_j = -b[., j]
    starts = []
    for phi in _start_assignments(owner.tolist(), dims):
        phi_arr = np.array(phi)
        x = np.zeros(n, dtype=complex)
        for j in range(M):
            rows = np.flatnonzero(phi_arr == j)
            cols = slice(off[j], off[j + 1])
            x[cols] = np.linalg.solve(a[np.ix_(rows, np.arange(off[j], off[j + 1]))], -b[rows, j])
        starts.append(x)
    starts_arr = np.array(starts, dtype=complex).reshape(-1, n)
    nsys = len(system.profiles)
    X = np.tile(starts_arr, (nsys, 1))  # (P, n): every start point of every system
    sel_all = np.repeat(np.arange(nsys), len(starts_arr))
    P = X.shape[0]
    gamma = np.exp(2j * np.pi * rng.random())
    t = np.zeros(P)
    dt = np.full(P, _DT0)
    active = np.ones(P, dtype=bool)
    done = np.zeros(P, dtype=bool)
    failed = np.zeros(P, dtype=bool)
    own_mask = group_of_col[None, :] == owner[:, None]  # (n, n): a[r, c] unused when True
    a_used = np.where(own_mask, 0.0, a)

    # A3[r, c, j] = a[r, c] when column c belongs to group j (and c is not r's own group)
    A3 = a_used[:, :, None] * (owner[:, None] == np.arange(M)[None, :])[None, :, :]
    A3t = np.ascontiguousarray(A3.transpose(1, 0, 2).reshape(n, n * M))  # (c, r j): one matmul
    rows_n = np.arange(n)

    def start_system(Xa: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # factor values L[p, r, j] = a_{r,j} . x_j + b_{r,j}; 1 for the owner's own group
        L = (Xa @ A3t).reshape(-1, n, M) + b[None, :, :]
        L[:, rows_n, owner] = 1.0
        # product of all factors but j, from prefix and suffix products (no division)
        pre = np.cumprod(L, axis=2)
        suf = np.cumprod(L[:, :, ::-1], axis=2)[:, :, ::-1]
        others = np.ones_like(L)
        others[:, :, 1:] = pre[:, :, :-1]
        others[:, :, :-1] *= suf[:, :, 1:]
        return pre[:, :, -1], others[:, :, owner] * a_used[None, :, :]

    def HxHt(Xa: np.ndarray, ta: np.ndarray, sel: np.ndarray):  # noqa: N802
        F, J = system.FJ(Xa, sel)
        G, dG = start_system(Xa)
        s = ta[:, None]
        H = (1 - s) * gamma * G + s * F
        Hx = ta[:, None, None] * J + (1 - ta)[:, None, None] * gamma * dG
        return H, Hx, F - gamma * G

    def velocity(Xs: np.ndarray, ts: np.ndarray, sel: np.ndarray) -> np.ndarray:
        _, Hx, Ht = HxHt(Xs, ts, sel)
        return _solve_batched(Hx, -Ht)

    for _ in range(max_steps):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        Xa, ta, dta = X[idx], t[idx], np.minimum(dt[idx], t_end - t[idx])
        sa = sel_all[idx]
        h = dta[:, None]
        # classical Runge-Kutta predictor on dx/dt = -H_x^{-1} H_t
        k1 = velocity(Xa, ta, sa)
        k2 = velocity(Xa + 0.5 * h * k1, ta + 0.5 * dta, sa)
        k3 = velocity(Xa + 0.5 * h * k2, ta + 0.5 * dta, sa)
        k4 = velocity(Xa + h * k3, ta + dta, sa)
        Xp = Xa + h * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
        tn = ta + dta
        # Newton corrector, row by row: a row leaves once its step is below 1e-8 (accepted)
        # or if its first step is large (the prediction left the path: rejected)
        ok = np.ones(idx.size, dtype=bool)
        converged = np.zeros(idx.size, dtype=bool)
        live = np.arange(idx.size)
        for it in range(4):
            H, Hx, _ = HxHt(Xp[live], tn[live], sa[live])
            dx = _solve_batched(Hx, H)
            Xp[live] -= dx
            step = np.linalg.norm(dx, axis=1)
            scale = 1.0 + np.linalg.norm(Xp[live], axis=1)
            if it == 0:
                ok[live] &= step < 0.1 * scale
            small = step < 1e-8 * scale
            converged[live[small]] = True
            live = live[~small & ok[live]]
            if live.size == 0:
                break
        ok &= converged & np.all(np.isfinite(Xp), axis=1)
        acc = idx[ok]
        X[acc] = Xp[ok]
        t[acc] = tn[ok]
        dt[acc] = np.minimum(dt[acc] * _DT_GROW, _DT_MAX)
        rej = idx[~ok]
        dt[rej] *= 0.5
        big = np.linalg.norm(X, axis=1) > 1e6
        finished = t >= t_end * (1 - 1e-16)
        done |= active & finished
        diverged = active & big & ~finished
        small = active & (dt < 1e-13) & ~finished & ~big
        failed |= small
        active &= ~(finished | diverged | small)
    failed |= active
    # a path still growing when its steps underflow is heading to infinity, not a root
    failed &= np.linalg.norm(X, axis=1) < 1e3
    return X[done], sel_all[done], int(failed.sum())


@functools.lru_cache(maxsize=64)
def _subsets(m: int) -> tuple[tuple[tuple[int, ...], ...], np.ndarray]:
    """The non-empty subsets of ``range(m)`` by size, and their indicator matrix (cached)."""
    subs = tuple(c for k in range(1, m + 1) for c in itertools.combinations(range(m), k))
    ind = np.array([[1.0 if a in c else 0.0 for a in range(m)] for c in subs])
    ind.setflags(write=False)
    return subs, ind


@functools.lru_cache(maxsize=64)
def _counting_mask(shape: tuple[int, ...]) -> np.ndarray:
    """Support-index grid of ``shape`` passing the counting condition (and not pure); cached."""
    n = len(shape)
    sizes = [np.array([len(c) for c in _subsets(m)[0]]) for m in shape]
    extra = [
        (sz - 1).reshape([-1 if j == i else 1 for j in range(n)]) for i, sz in enumerate(sizes)
    ]
    tot = sum(extra)
    keep = np.broadcast_to(tot > 0, [len(sz) for sz in sizes]).copy()
    for e in extra:
        keep &= 2 * e <= tot
    keep.setflags(write=False)
    return keep


def _track_checked(
    system: SupportSystem, rng: np.random.Generator, retries: int = 2
) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`_track_linear_product`, with a check for path jumping: two paths that end at
    the same nonsingular root mean that a path jumped and some root may be missed (the
    endpoints of distinct paths are distinct roots, or singular ones). Such systems are
    tracked again with a fresh random ``gamma`` (up to ``retries`` times) and the endpoints
    of all runs are kept (duplicates are removed later)."""
    X, sel, fails = _track_linear_product(system, rng)
    todo = _jumped_systems(system, X, sel)
    for _ in range(retries):
        if todo.size == 0:
            break
        sub = system.subset(todo)
        X2, sel2, f2 = _track_linear_product(sub, rng)
        X, sel = np.concatenate([X, X2]), np.concatenate([sel, todo[sel2]])
        fails += f2
        todo = todo[_jumped_systems(sub, X2, sel2)]
    return X, sel, fails


def _jumped_systems(system: SupportSystem, X: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """Systems with two path endpoints at one nonsingular root (after Newton polishing)."""
    if len(X) < 2:
        return np.zeros(0, dtype=int)
    with np.errstate(all="ignore"):
        Z, res, cond = _newton(system, X, sel, iters=10)
    ok = (res < 1e-10) & (cond < 1e8) & np.all(np.isfinite(Z), axis=1)
    Z, sel = Z[ok], sel[ok]
    out = []
    for k in np.unique(sel):
        R = Z[sel == k]
        if len(R) < 2:
            continue
        scale = 1 + np.abs(R).max(axis=1)
        d = np.abs(R[:, None, :] - R[None, :, :]).max(axis=2) <= 1e-8 * scale[:, None]
        if np.any(np.triu(d, 1)):
            out.append(int(k))
    return np.array(out, dtype=int)


def _dominated_tables(
    game: Game, per_player: list[list[tuple[int, ...]]], tol: float, max_entries: int = 2_000_000
) -> list[np.ndarray] | None:
    """For every player i, ``D_i[a, s_1, ..., s_{N-1}]``: action a is strictly dominated by
    some action of i against every opponent profile in the subsets ``s_j`` (indices into
    ``per_player[j]``, opponents in order). The count of opponent profiles where ``b`` fails
    to beat ``a`` by ``tol`` is a multilinear contraction of the failure tensor with the
    subsets' indicator vectors, so all subsets are tested at once; None when the tables would
    exceed ``max_entries``."""
    n = game.num_players
    ind = [_subsets(m)[1] for m in game.shape]
    out = []
    for i in range(n):
        ni = game.shape[i]
        size = ni * ni * math.prod(len(per_player[j]) for j in range(n) if j != i)
        if size > max_entries:
            return None
        axes = list(range(n))
        axes.insert(0, axes.pop(i))
        u = game.payoffs[i].transpose(axes)  # (n_i, opponents...)
        fail = (u[:, None] <= u[None, :] + tol).astype(float)  # (b, a, opponents...)
        t = fail
        for j in [j for j in range(n) if j != i]:
            t = np.tensordot(t, ind[j], axes=([2], [1]))  # contract the next opponent axis
        out.append(np.any(t == 0.0, axis=0) if ni > 1 else np.zeros_like(t[0], dtype=bool))
    return out


def _support_profiles(game: Game, max_profiles: int) -> Iterator[tuple[tuple[int, ...], ...]]:
    """Support profiles in order of total size, pruned by counting and conditional dominance."""
    shape = game.shape
    n = game.num_players
    per_player = [list(_subsets(m)[0]) for m in shape]
    total = math.prod(len(p) for p in per_player)
    if total > max_profiles:
        raise SolverError(
            f"{total:,} support profiles exceed max_support_profiles={max_profiles:,}",
            fix="use method='logit' for one equilibrium of a large game",
        )
    tol = 1e-12 * game.payoff_scale
    tables = _dominated_tables(game, per_player, tol)
    sizes = [np.array([len(c) for c in p]) for p in per_player]
    if tables is not None:
        # every test at once on the grid of subset indices (one axis per player)
        # counting condition, and no pure profiles (they come from the pure solver)
        keep = _counting_mask(tuple(shape)).copy()
        for i in range(n):
            ind = _subsets(shape[i])[1]
            hit = np.tensordot(ind, tables[i].astype(float), axes=([1], [0])) > 0
            # hit axes: (s_i, opponents in order) -> move s_i to position i
            keep &= ~np.moveaxis(hit, 0, i)
        K_all = np.argwhere(keep)
        order = np.argsort(sum(sizes[j][K_all[:, j]] for j in range(n)), kind="stable")
        for K in K_all[order]:
            yield tuple(per_player[j][K[j]] for j in range(n))
        return
    index_profiles = sorted(
        itertools.product(*[range(len(p)) for p in per_player]),
        key=lambda k: sum(len(per_player[j][k[j]]) for j in range(n)),
    )
    cache: dict[tuple[int, tuple[tuple[int, ...], ...]], frozenset[int]] = {}
    for K in index_profiles:
        S = tuple(per_player[j][K[j]] for j in range(n))
        if all(len(s) == 1 for s in S):
            continue  # pure profiles come from the pure solver
        extra_k = [len(s) - 1 for s in S]
        tot_k = sum(extra_k)
        if any(e > tot_k - e for e in extra_k):
            continue  # counting condition fails (generic games have no such equilibrium)
        if _conditionally_dominated(game, S, tol, cache):
            continue
        yield S


def _conditionally_dominated(
    game: Game,
    S: Sequence[Sequence[int]],
    tol: float,
    cache: dict[tuple[int, tuple[tuple[int, ...], ...]], frozenset[int]] | None = None,
) -> bool:
    """True when some ``a in S_i`` is strictly dominated by an action of player i (any action)
    against every opponent profile inside ``S_-i``. The dominated set of player i depends on
    ``S_-i`` only and is cached across support profiles."""
    n = game.num_players
    for i in range(n):
        if game.shape[i] == 1:
            continue
        key = (i, tuple(tuple(S[j]) for j in range(n) if j != i))
        dom = None if cache is None else cache.get(key)
        if dom is None:
            u = game.payoffs[i][
                np.ix_(*[range(game.shape[i]) if j == i else S[j] for j in range(n)])
            ]
            u = np.moveaxis(u, i, 0).reshape(game.shape[i], -1)
            # beats[b, a]: b > a + tol against every opponent profile in S_-i
            beats = np.all(u[:, None, :] > u[None, :, :] + tol, axis=2)
            dom = frozenset(int(a) for a in np.flatnonzero(beats.any(axis=0)))
            if cache is not None:
                cache[key] = dom
        if dom and not dom.isdisjoint(S[i]):
            return True
    return False


def support_enumeration_solve(
    game: Game,
    *,
    eliminate: bool = True,
    max_support_profiles: int = 200_000,
    seed: int = 0,
    progress: bool | Callable[[int], None] = False,
) -> SolveResult:
    """All Nash equilibria of a small N-player game by support enumeration.

    For every support profile surviving the pruning (see the module docstring), the
    multilinear indifference system is solved completely -- in closed form, by a certified
    elimination, by certified interval Newton subdivision or by a linear-product homotopy --
    and each real root inside the simplices is Newton-polished; candidates are verified by
    regret. Games in which every player has two actions (three or more players) enumerate
    their support profiles through :mod:`reserves.nash.binary_supports`; ``eliminate`` does
    not apply there (the corner test prunes dominated actions).

    Parameters
    ----------
    eliminate:
        remove strictly dominated actions first (iterated, by pure strategies); the
        equilibria of the reduced game are exactly those of the original.
    max_support_profiles:
        refuse (``SolverError``) past this many support profiles.
    seed:
        seed of the homotopy's random ``gamma`` (results do not depend on it, up to numerics).
    progress:
        True for a tqdm bar, or a callable receiving the number of support profiles done.

    Returns
    -------
    SolveResult
        ``complete=True`` unless some support had a singular (non-isolated) solution set or a
        path failed; ``exact=True`` (roots polished to ~1e-15 residual).
    """
    game = as_game(game)
    notes: list[str] = []
    bar = _progress(progress)
    with Timer() as t:
        if game.num_players >= 3 and all(n == 2 for n in game.shape):
            from reserves.nash.binary_supports import binary_support_candidates

            total = 3**game.num_players
            if total > max_support_profiles:
                raise SolverError(
                    f"{total:,} support profiles exceed "
                    f"max_support_profiles={max_support_profiles:,}",
                    fix="use method='logit' for one equilibrium of a large game",
                )
            found = binary_support_candidates(game, seed, progress=bar)
            cleaned = [game.pure_profile(r) for r in pure_equilibria_indices(game)]
            cleaned += found.profiles
            tried, failed_paths, degenerate = found.tried, found.failed_paths, found.degenerate
            generic = found.generic
        else:
            cleaned, tried, failed_paths, degenerate = _general_candidates(
                game, eliminate, max_support_profiles, np.random.default_rng(seed), bar, notes
            )
            generic = _looks_generic(game, cleaned)
    if not generic:
        notes.append(
            "the game is not generic (payoff ties or an equilibrium that is not quasi-strict): "
            "equilibria may form continua, the set may be incomplete"
        )
    if degenerate:
        notes.append(
            f"{degenerate} support profile(s) have a singular or non-isolated solution set "
            "(degenerate game): the set may be incomplete"
        )
    if failed_paths:
        notes.append(f"{failed_paths} homotopy path(s) failed: the set may be incomplete")
    return make_result(
        game,
        "support enumeration (closed forms, eliminations, interval Newton, homotopy)",
        cleaned,
        parameters={
            "eliminate": eliminate,
            "support_profiles_solved": tried,
            "seed": seed,
        },
        complete=generic and not (degenerate or failed_paths),
        exact=True,
        elapsed_s=t.elapsed_s,
        notes=notes,
    )


def _general_candidates(
    game: Game,
    eliminate: bool,
    max_support_profiles: int,
    rng: np.random.Generator,
    bar: Callable[[int], None] | None,
    notes: list[str],
) -> tuple[list[list[np.ndarray]], int, int, int]:
    """Candidates of any finite game: pure equilibria, then every pruned support profile's
    system solved in batches of one size pattern. Returns (cleaned candidates, support
    profiles solved, failed homotopy paths, singular systems); appends to ``notes``."""
    keep = [list(range(n)) for n in game.shape]
    work = game
    if eliminate and _some_action_dominated(game):
        # pure-strategy dominance only (vectorised): mixed dominance costs one LP per
        # action and the support pruning below catches what it would remove
        red = iterated_elimination(game, mixed=False)
        keep = [list(k) for k in red.surviving]
        work = red.game
        removed = sum(game.shape) - sum(work.shape)
        if removed:
            notes.append(f"{removed} strictly dominated action(s) removed first")
    cands: list[list[np.ndarray]] = [
        lift_profile(work.pure_profile(r), keep, game.shape) for r in pure_equilibria_indices(work)
    ]
    failed_paths = degenerate = tried = 0
    groups: dict[tuple[int, ...], list[tuple[tuple[int, ...], ...]]] = {}
    for S in _support_profiles(work, max_support_profiles):
        groups.setdefault(tuple(sorted(len(s) for s in S if len(s) > 1)), []).append(S)
    for group in groups.values():
        for c0 in range(0, len(group), 256):
            chunk = group[c0 : c0 + 256]
            tried += len(chunk)
            if bar is not None:
                bar(tried)
            sols, fails, singular = _solve_supports(work, chunk, rng)
            failed_paths += fails
            degenerate += singular
            cands.extend(lift_profile(p, keep, game.shape) for p in sols)
    cleaned = []
    for c in cands:
        cc = clean_profile(c)
        if cc is not None:
            cleaned.append(polish_on_face(game, c, cc))
    return cleaned, tried, failed_paths, degenerate


def polish_on_face(
    game: Game, raw: Sequence[np.ndarray], cleaned: list[np.ndarray]
) -> list[np.ndarray]:
    """A root with a probability within 1e-9 of zero but not zero lies (up to rounding) on a
    face of the simplices: a degenerate equilibrium whose smaller support has a singular
    system. Clipping that probability moves the profile off the root by as much; it is
    solved again on the face (:func:`polish`) when that verifies, else kept as cleaned."""
    if not any(np.any((np.abs(np.asarray(s)) > 0) & (np.abs(np.asarray(s)) < 1e-9)) for s in raw):
        return cleaned
    return polish(game, cleaned) or cleaned


def _some_action_dominated(game: Game) -> bool:
    """True when some action is strictly dominated by another pure action (margin
    ``1e-9 * payoff_scale``, as :func:`reserves.nash.pure.iterated_elimination`): the check
    that lets the common case skip building the reduced game."""
    tol = 1e-9 * game.payoff_scale
    for i, n_i in enumerate(game.shape):
        if n_i < 2:
            continue
        u = np.moveaxis(game.payoffs[i], i, 0).reshape(n_i, -1)
        margin = (u[:, None, :] - u[None, :, :]).min(axis=2)
        np.fill_diagonal(margin, -np.inf)
        if np.any(margin > tol):
            return True
    return False


def _looks_generic(game: Game, profiles: Sequence[Sequence[np.ndarray]]) -> bool:
    """Necessary conditions for regularity: no player is indifferent between two actions
    against a pure opponent profile, and every equilibrium found is quasi-strict (its best
    responses are exactly its support)."""
    tol = 1e-12 * game.payoff_scale
    for i in range(game.num_players):
        u = np.sort(np.moveaxis(game.payoffs[i], i, 0), axis=0)
        if np.any(np.diff(u, axis=0) <= tol):
            return False
    if not profiles:
        return True
    dev = _batch_deviations(game, profiles)
    sig = [np.array([np.asarray(p[i], dtype=float) for p in profiles]) for i in range(len(dev))]
    best = [v.max(axis=1, keepdims=True) for v in dev]
    regret = np.max(
        [b[:, 0] - np.einsum("ka,ka->k", v, s) for v, b, s in zip(dev, best, sig, strict=True)],
        axis=0,
    )
    equilibrium = regret <= REGRET_TOL * game.payoff_scale
    for v, b, s in zip(dev, best, sig, strict=True):
        br = v >= b - 1e-9 * game.payoff_scale  # Game.best_responses(profile, tol=1e-9)
        if np.any(equilibrium & np.any(br != (s > 1e-12), axis=1)):
            return False
    return True


def _progress(progress: bool | Callable[[int], None]) -> Callable[[int], None] | None:
    if callable(progress):
        return progress
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc="support profiles", unit="")
        return lambda k: bar.update(1)
    return None


def _multihomogeneous_bezout(sys_: SupportSystem) -> int:
    """Number of start solutions of the linear-product homotopy: the multihomogeneous Bezout
    number, an upper bound on the isolated complex roots of the support system."""
    off = sys_.offsets
    owner = np.repeat(np.arange(len(sys_.mixing)), np.diff(off))
    dims = [int(off[j + 1] - off[j]) for j in range(len(sys_.mixing))]
    return len(_start_assignments(owner.tolist(), dims))


def _certified_roots(
    sys_: SupportSystem, Zc: np.ndarray, sel: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton-refine candidate roots; keep those of systems where as many distinct,
    nonsingular roots were found as the multihomogeneous Bezout number (then there can be no
    other isolated root: the count is an upper bound). Returns (roots, systems, the systems
    that fell short, for the homotopy)."""
    nsys = len(sys_.profiles)
    bound = _multihomogeneous_bezout(sys_)
    if Zc.size == 0:
        return Zc, sel, np.arange(nsys)
    with np.errstate(all="ignore"):
        # spurious candidates (extraneous roots of the resultant) sit far from any root
        # (residual ~1e-2 and up, payoffs scaled to span 1) while the eigenvalue-based roots
        # are within ~1e-4: only the near ones are refined; a system that falls short gets
        # the long second chance below
        res0 = np.linalg.norm(sys_.F(Zc, sel), axis=1)
        near = np.isfinite(res0) & (res0 < 1e-3)
        Z1, res1, cond1 = _newton(sys_, Zc[near], sel[near], iters=10)
    keep_Z, keep_sel, short = _count_distinct(Z1, sel[near], res1, cond1, nsys, bound)
    if short:
        # second chance before the homotopy: a root the candidates reach only slowly (an
        # ill-conditioned resultant root) -- every candidate of those systems, longer Newton
        again = np.isin(sel, short)
        with np.errstate(all="ignore"):
            Z2, res2, cond2 = _newton(sys_, Zc[again], sel[again], iters=25)
        kz, ks, short2 = _count_distinct(Z2, sel[again], res2, cond2, nsys, bound, only=short)
        keep_Z += kz
        keep_sel += ks
        short = short2
    Zk = np.array(keep_Z, dtype=complex).reshape(-1, sys_.dim)
    return Zk, np.array(keep_sel, dtype=int), np.array(short, dtype=int)


def _count_distinct(
    Z: np.ndarray,
    sel: np.ndarray,
    res: np.ndarray,
    cond: np.ndarray,
    nsys: int,
    bound: int,
    only: Sequence[int] | None = None,
) -> tuple[list[np.ndarray], list[int], list[int]]:
    """The distinct nonsingular roots (residual < 1e-11, condition < 1e10) of every system
    that has at least ``bound`` of them, and the systems that fall short."""
    ok = (res < 1e-11) & (cond < 1e10) & np.all(np.isfinite(Z), axis=1)
    Z, sel = Z[ok], sel[ok]
    keep_Z: list[np.ndarray] = []
    keep_sel: list[int] = []
    short: list[int] = []
    for k in range(nsys) if only is None else only:
        roots = Z[sel == k]
        if len(roots) < bound:
            short.append(k)
            continue
        # distinct roots: a root is new unless an earlier one lies within 1e-8 (relative)
        scale = 1 + np.abs(roots).max(axis=1)
        close = np.abs(roots[:, None, :] - roots[None, :, :]).max(axis=2) <= 1e-8 * scale[:, None]
        distinct = roots[np.argmax(close, axis=1) == np.arange(len(roots))]
        if len(distinct) >= bound:
            keep_Z.extend(distinct)
            keep_sel.extend([k] * len(distinct))
        else:
            short.append(k)
    return keep_Z, keep_sel, short


def _grid_exclusion(sys_: SupportSystem, level: int) -> np.ndarray:
    """Systems that may have a root in ``[0, 1]^d`` (bool mask), by the corner test of
    :func:`_box_prefilter` on all ``2^(level d)`` cells of the uniform grid at once.

    A box excluded by the corner test excludes its sub-boxes too (the values of a multilinear
    function on a box lie between its corner values), so testing the finest cells equals
    ``level`` rounds of orthant splitting; but ``F`` is evaluated once, on the
    ``(2^level + 1)^d`` grid points, and every cell reads its corners from there."""
    d = sys_.dim
    nsys = len(sys_.profiles)
    m = 2**level
    if nsys * (m + 1) ** d > 20_000:  # a fine grid: split only the boxes that survive
        return _box_prefilter(sys_, rounds=level)
    axis = np.arange(m + 1) / m
    if sys_.binary and sys_.dim == len(sys_.mixing):
        # binary mixers: F on the whole grid is the monomial tensor contracted with the
        # basis (1, z) of every axis; a cell's corner extremes by sliding min / max
        B = np.stack([np.ones(m + 1), axis], axis=1)  # (grid, 2)
        Fg = sys_.mono.reshape((nsys, d) + (2,) * d)
        for _ in range(d):  # contract the leading monomial axis; grid axes rotate to the end
            Fg = np.tensordot(Fg, B, axes=([2], [1]))
        lo_v, hi_v = Fg, Fg
        for q in range(d):
            a = [slice(None)] * (d + 2)
            b = [slice(None)] * (d + 2)
            a[2 + q], b[2 + q] = slice(None, -1), slice(1, None)
            lo_v = np.minimum(lo_v[tuple(a)], lo_v[tuple(b)])
            hi_v = np.maximum(hi_v[tuple(a)], hi_v[tuple(b)])
        excluded = np.any((lo_v > 0) | (hi_v < 0), axis=1)  # some equation keeps one sign
        return ~excluded.reshape(nsys, -1).all(axis=1)
    pts = np.stack(np.meshgrid(*[axis] * d, indexing="ij"), axis=-1).reshape(-1, d)
    G = len(pts)
    Fv = sys_.F(np.tile(pts, (nsys, 1)), np.repeat(np.arange(nsys), G))
    Fv = Fv.reshape((nsys,) + (m + 1,) * d + (-1,))
    pos = Fv > 0
    neg = Fv < 0
    # all corners of every cell: AND over the 2^d shifts of the cell grid
    all_pos = np.ones((nsys,) + (m,) * d + (Fv.shape[-1],), dtype=bool)
    all_neg = all_pos.copy()
    for bits in itertools.product((0, 1), repeat=d):
        idx = (slice(None), *(slice(b, b + m) for b in bits))
        all_pos &= pos[idx]
        all_neg &= neg[idx]
    excluded = np.any(all_pos | all_neg, axis=-1)  # some equation keeps one sign on the cell
    # cells outside a simplex: the lower corners' probabilities of some player sum above one
    low = np.arange(m) / m
    for q in range(len(sys_.mixing)):
        total = np.zeros((m,) * d)
        for j in range(sys_.offsets[q], sys_.offsets[q + 1]):
            total = total + low.reshape([-1 if a == j else 1 for a in range(d)])
        excluded |= (total > 1.0 + 1e-12)[None]
    return ~excluded.reshape(nsys, -1).all(axis=1)


def _box_prefilter(sys_: SupportSystem, rounds: int = 8, max_boxes: int = 20_000) -> np.ndarray:
    """Systems that may have a root with every free probability in ``[0, 1]`` (bool mask).

    A box holds no root in the simplices when (:func:`_box_excluded`) some equation keeps one
    strict sign on it or some player's free probabilities sum to more than one everywhere on
    it. Starting from ``[0, 1]^d`` per system, surviving boxes are split for ``rounds`` rounds
    -- into their ``2^d`` orthants while ``d <= 4`` and the boxes stay few, else along their
    widest side; a system with no surviving box has no solution with positive probabilities
    and is skipped (the exclusion test of Gambit's ``enumpoly``; Turocy 2008).
    """
    d = sys_.dim
    nsys = len(sys_.profiles)
    bits = corner_bits(d)  # (2^d, d)
    lo = np.zeros((nsys, d))
    hi = np.ones((nsys, d))
    owner = np.arange(nsys)
    for rnd in range(rounds + 1):
        excluded = _box_excluded(sys_, lo, hi, owner)
        lo, hi, owner = lo[~excluded], hi[~excluded], owner[~excluded]
        if owner.size == 0 or rnd == rounds or 2 * owner.size > max_boxes:
            break
        if d <= 4 and owner.size * len(bits) <= max_boxes // 8:
            half = (hi - lo) / 2  # all orthants at once
            lo = (lo[:, None, :] + half[:, None, :] * bits[None, :, :]).reshape(-1, d)
            hi = lo + np.repeat(half, len(bits), axis=0)
            owner = np.repeat(owner, len(bits))
            continue
        w = hi - lo
        k = np.argmax(w, axis=1)
        mid = lo[np.arange(len(lo)), k] + w[np.arange(len(lo)), k] / 2
        lo2, hi2 = lo.copy(), hi.copy()
        hi[np.arange(len(lo)), k] = mid
        lo2[np.arange(len(lo)), k] = mid
        lo, hi = np.concatenate([lo, lo2]), np.concatenate([hi, hi2])
        owner = np.concatenate([owner, owner])
    alive = np.zeros(nsys, dtype=bool)
    alive[owner] = True
    return alive


def _box_excluded(
    sys_: SupportSystem, lo: np.ndarray, hi: np.ndarray, owner: np.ndarray
) -> np.ndarray:
    """Boxes ``[lo, hi]`` (rows; ``owner`` their systems) that hold no root in the simplices.

    Player k's equations are linear in each opponent's mix ``sigma_q = (1 - sum x_q, x_q)``,
    which is affine in the opponent's free probabilities ``x_q``: on a box their values lie
    between their values at the products of the opponents' box corners (``prod_q 2^dim_q``
    points, not ``2^d``: a player's own coordinates do not enter). An equation of one strict
    sign at all of them excludes the box, and so does a player whose smallest probability
    total on the box, ``sum lo_q``, exceeds one (the box lies outside the simplex)."""
    M = len(sys_.mixing)
    off = sys_.offsets
    out = np.zeros(len(lo), dtype=bool)
    verts = []
    for q in range(M):
        lq, hq = lo[:, off[q] : off[q + 1]], hi[:, off[q] : off[q + 1]]
        out |= lq.sum(axis=1) > 1.0 + 1e-12
        x = lq[:, None, :] + (hq - lq)[:, None, :] * corner_bits(lq.shape[1])[None, :, :]
        verts.append(np.concatenate([1.0 - x.sum(axis=2, keepdims=True), x], axis=2))
    for k in range(M):
        T = sys_.delta[k][owner]
        for q in reversed([q for q in range(M) if q != k]):  # last opponent axis first
            T = np.einsum("b...o,bvo->bv...", T, verts[q])
        vals = T.reshape(len(lo), -1, T.shape[-1])  # (boxes, corner products, equations)
        out |= np.any(np.all(vals > 0, axis=1) | np.all(vals < 0, axis=1), axis=1)
    return out


def _solve_supports(
    game: Game,
    group: Sequence[Sequence[Sequence[int]]],
    rng: np.random.Generator,
    system: SupportSystem | None = None,
) -> tuple[list[list[np.ndarray]], int, int]:
    """Real solutions in the simplices of the indifference systems of support profiles that
    share one size pattern (tracked together); ``system`` is their :class:`SupportSystem` when
    the caller built it already. Returns (profiles, failed paths, number of systems that
    looked singular / non-isolated)."""
    sys_ = SupportSystem(game, group) if system is None else system
    Z, sel, fails, singular = system_roots(sys_, rng)
    out = [sys_.profile(z, int(k)) for z, k in zip(Z, sel, strict=True)]
    if out:  # a solution of the system, but some action outside S may pay more
        reg = _batch_regrets(game, out)
        out = [p for p, r in zip(out, reg, strict=True) if r <= 10 * REGRET_TOL * game.payoff_scale]
    return out, fails, singular


def system_roots(
    sys_: SupportSystem, rng: np.random.Generator | int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Every real root of the batched systems with all free probabilities in the simplices,
    polished to residual <= 1e-10: ``(Z, sel, failed paths, singular systems)`` with ``sel``
    the system (index into ``sys_``) of each row of ``Z``. Singular systems are those with a
    continuum of solutions or a root whose Jacobian condition exceeds 1e10. ``rng`` (or its
    seed: the generator is made only when a homotopy runs) draws the homotopy's ``gamma``."""
    nsys = len(sys_.profiles)
    orig = np.arange(nsys)  # system indices of sys_ as it is subset below
    empty = np.zeros((0, sys_.dim)), np.zeros(0, dtype=int)
    if sys_.dim == 0:
        return *empty, 0, 0
    if sys_.degree == 0:
        # one mixing player against pure opponents: needs exact indifference (degenerate)
        const = sys_.F(np.zeros((nsys, sys_.dim)), np.arange(nsys))
        return *empty, 0, int(np.sum(np.all(np.abs(const) < 1e-12, axis=1)))
    singular = 0
    fails = 0
    if sys_.degree == 1:
        # linear systems (two mixing players): F(z) = F(0) + J z
        sel = np.arange(nsys)
        z0 = np.zeros((nsys, sys_.dim))
        F0, J = sys_.FJ(z0, sel)
        cond = np.linalg.cond(J)
        regular = cond < 1e12
        for k in np.flatnonzero(~regular):
            sol = np.linalg.lstsq(J[k], -F0[k], rcond=None)[0]
            if np.linalg.norm(J[k] @ sol + F0[k]) < 1e-10:
                singular += 1  # a continuum of solutions
        sel = sel[regular]
        Z = np.linalg.solve(J[regular], -F0[regular][..., None])[..., 0] if sel.size else z0[:0]
    else:
        hv = hidden_variable_roots(sys_) if sys_.dim > 3 else None
        # candidates that need no complex Newton pass: exact quadratic-formula roots (a real
        # root comes out with imaginary part exactly 0) and certified, already refined roots
        refined = True
        if sys_.dim == 3 and sys_.degree == 2:
            Zc, sel, hard = _three_binary_roots(sys_)
        elif list(sys_.sizes) == [2, 2, 2, 2]:  # candidates only: certify by the root count
            alive = _grid_exclusion(sys_, ROUNDS_2222)  # cheaper than elimination if it excludes
            if not alive.any():
                return *empty, 0, 0
            orig = np.flatnonzero(alive)
            sys_ = sys_.subset(orig)
            nsys = len(orig)
            Zc, sel, hard = four_binary_roots(sys_)
            Zc, sel, short = _certified_roots(sys_, Zc, sel)
            hard = np.union1d(hard, short).astype(int)
        elif hv is not None:
            Zc, sel, hard = hv
            refined = False  # eigenvalue-based candidates: refine before judging realness
            if list(sys_.sizes) == [3, 3, 3]:  # candidates only: certify by the root count
                Zc, sel, short = _certified_roots(sys_, Zc, sel)
                hard = np.union1d(hard, short).astype(int)
                refined = True
        elif sys_.dim in INTERVAL_DIMS and _multihomogeneous_bezout(sys_) >= INTERVAL_MIN_PATHS:
            # no closed form, five or six unknowns and many complex roots to track: certified
            # real roots in the probability box (interval Newton) instead; systems it cannot
            # resolve go on to the homotopy
            Zb, sel, hard = box_roots(sys_)
            Zc, refined = Zb.astype(complex), False
        else:
            Zc, sel, hard = np.zeros((0, sys_.dim), complex), np.zeros(0, int), np.arange(nsys)
        if hard.size and sys_.binary and sys_.dim <= max(INTERVAL_DIMS, default=0):
            # binary systems an elimination could not certify: interval Newton before the
            # homotopy (cheaper at these dimensions); what it cannot resolve goes on
            Zb, selb, unresolved = box_roots(sys_.subset(hard))
            Zc = np.concatenate([Zc, Zb.astype(complex)])
            sel = np.concatenate([sel, hard[selb]])
            hard = hard[unresolved]
            refined = False
        if hard.size:  # general systems, or 2x2x2 ones the elimination cannot certify
            # no root in the probability box: skip. Splitting pays in low dimension only: at
            # dim 6-7 (4x4x4's (3, 3, 4), (3, 4, 4)) eight rounds of 2^d corners per box cost
            # more than the homotopies they save (measured: 4x4x4 3.2 s -> 1.6 s with two)
            rounds = 8 if sys_.dim <= BOX_SPLIT_MAX_DIM else 2
            alive = _box_prefilter(sys_.subset(hard), rounds=rounds)
            hard = hard[alive]
        if hard.size:
            sub = sys_.subset(hard)
            if not isinstance(rng, np.random.Generator):
                rng = np.random.default_rng(rng)
            Zh, selh, fails = _track_checked(sub, rng)
            refined = False
            Zc, sel = np.concatenate([Zc, Zh]), np.concatenate([sel, hard[selh]])
        if Zc.size == 0:
            return *empty, fails, 0
        # loose pre-filter (candidates are accurate to far better than 1e-4): near-real and
        # near the simplices, so that systems without a probability root cost no Newton pass
        near = (np.abs(Zc.imag).max(axis=1) < 1e-4 * (1 + np.abs(Zc).max(axis=1))) & (
            _inside(sys_, Zc.real, 1e-4)
        )
        Zc, sel = Zc[near], sel[near]
        if Zc.size == 0:
            return *empty, fails, 0
        if refined:
            res = np.zeros(len(Zc))
        else:
            Zc, res, _ = _newton(sys_, Zc, sel, iters=12, want_cond=False)
        real = (np.abs(Zc.imag).max(axis=1) < 1e-7 * (1 + np.abs(Zc).max(axis=1))) & (res < 1e-8)
        Z, sel = Zc[real].real, sel[real]
    if Z.size == 0:
        return *empty, fails, singular
    # cheap filter before polishing: inside the simplices
    inside = _inside(sys_, Z, 1e-6)
    Z, sel = Z[inside], sel[inside]
    if Z.size == 0:
        return *empty, fails, singular
    if sys_.degree == 1:
        # linear: one step of iterative refinement; J (hence its condition) is constant
        r = F0[sel] + np.einsum("pij,pj->pi", J[sel], Z)
        Z = Z - np.linalg.solve(J[sel], r[..., None])[..., 0]
        res = np.linalg.norm(F0[sel] + np.einsum("pij,pj->pi", J[sel], Z), axis=1)
        cond = cond[sel]
    else:
        Z, res, cond = _newton(sys_, Z, sel, iters=10)
    good = (res <= 1e-10) & _inside(sys_, Z, 1e-9)  # solved, probabilities >= -1e-9
    bad = set(sel[good & (cond > 1e10)].tolist())
    return Z[good], orig[sel[good]], fails, singular + len(bad)


def _batch_deviations(game: Game, profiles: Sequence[Sequence[np.ndarray]]) -> list[np.ndarray]:
    """Deviation payoffs ``v_i(a)`` of every profile, all profiles contracted at once (one
    einsum per player): a list of ``(K, n_i)`` arrays
    (:func:`reserves.nash.verify.deviation_payoffs_batch`)."""
    return deviation_payoffs_batch(game.payoffs, profiles)


def _batch_regrets(game: Game, profiles: Sequence[Sequence[np.ndarray]]) -> np.ndarray:
    """Max regret of each profile, all profiles contracted at once (one einsum per player)."""
    worst = np.zeros(len(profiles))
    for i, v in enumerate(_batch_deviations(game, profiles)):
        sig_i = np.array([np.asarray(p[i], dtype=float) for p in profiles])
        worst = np.maximum(worst, v.max(axis=1) - np.einsum("ka,ka->k", v, sig_i))
    return worst


def _bilinear(D: np.ndarray) -> tuple[np.ndarray, ...]:
    """Coefficients ``(c0, c1, c2, c3)`` of ``sum_{s,t} D[s,t] sigma_a[s] sigma_b[t]`` as
    ``c0 + c1 z_a + c2 z_b + c3 z_a z_b`` with ``sigma = (1 - z, z)`` (batched over axis 0)."""
    d00, d01, d10, d11 = D[:, 0, 0], D[:, 0, 1], D[:, 1, 0], D[:, 1, 1]
    return d00, d10 - d00, d01 - d00, d11 - d10 - d01 + d00


def _three_binary_roots(sys_: SupportSystem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All roots of the systems with three players mixing over two actions each, by exact
    elimination (no homotopy).

    Unknowns ``z_0, z_1, z_2`` (probability of each player's second support action). The
    equations are bilinear, ``F_0(z_1, z_2) = F_1(z_0, z_2) = F_2(z_0, z_1) = 0``. ``F_0`` is
    linear in ``z_1``: ``z_1 = N_1(z_2) / D_1(z_2)``, and ``F_1`` gives ``z_0 = N_0 / D_0``
    (``N, D`` affine in ``z_2``). Clearing denominators in ``F_2``,

        Q(z_2) = g_0 D_0 D_1 + g_1 N_0 D_1 + g_2 N_1 D_0 + g_3 N_0 N_1 = 0,

    a quadratic (at most 2 roots: McKelvey and McLennan 1997's bound for 2x2x2). This is
    complete whenever ``N_0, D_0`` have no common root (resultant ``e_0 e_3 - e_1 e_2 != 0``),
    likewise ``N_1, D_1``, and ``Q`` is not identically zero: then every solution has
    ``D_0, D_1 != 0`` and so is a root of ``Q``. Systems failing these tests (degenerate
    payoffs) are returned in ``hard`` for the homotopy. Roots where a denominator vanishes
    are spurious and removed later by the residual check.

    Returns
    -------
    (Z, sel, hard)
        complex roots ``(R, 3)``, their system index, and the systems left to the homotopy.
    """
    c0, c1, c2, c3 = _bilinear(sys_.delta[0][:, 0])  # F_0 in (z_1, z_2)
    e0, e1, e2, e3 = _bilinear(sys_.delta[1][:, 0])  # F_1 in (z_0, z_2)
    g0, g1, g2, g3 = _bilinear(sys_.delta[2][:, 0])  # F_2 in (z_0, z_1)
    # affine polynomials in z_2 as (constant, slope)
    N1, D1 = (-c0, -c2), (c1, c3)
    N0, D0 = (-e0, -e2), (e1, e3)

    def mul(p: tuple[np.ndarray, ...], q: tuple[np.ndarray, ...]) -> np.ndarray:
        return np.stack([p[0] * q[0], p[0] * q[1] + p[1] * q[0], p[1] * q[1]], axis=1)

    Q = (
        g0[:, None] * mul(D0, D1)
        + g1[:, None] * mul(N0, D1)
        + g2[:, None] * mul(N1, D0)
        + g3[:, None] * mul(N0, N1)
    )  # (nsys, 3): constant, linear, quadratic coefficients
    tol = 1e-12
    res0 = np.abs(e0 * e3 - e1 * e2) > tol
    res1 = np.abs(c0 * c3 - c1 * c2) > tol
    qscale = np.abs(Q).max(axis=1)
    ok = res0 & res1 & (qscale > tol)
    q0, q1, q2 = Q[:, 0], Q[:, 1], Q[:, 2]
    quad = ok & (np.abs(q2) > tol * qscale)
    lin = ok & ~quad & (np.abs(q1) > tol * qscale)  # one root; a constant Q has none
    roots, sel = [], []
    k = np.flatnonzero(quad)
    if k.size:
        pair = quadratic_roots(q0[k], q1[k], q2[k])
        roots += [pair[:, 0], pair[:, 1]]
        sel += [k, k]
    k = np.flatnonzero(lin)
    if k.size:
        roots.append((-q0[k] / q1[k]).astype(complex))
        sel.append(k)
    if not roots:
        return np.zeros((0, 3), complex), np.zeros(0, int), np.flatnonzero(~ok)
    z2 = np.concatenate(roots)
    sel_arr = np.concatenate(sel)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z0 = (N0[0][sel_arr] + N0[1][sel_arr] * z2) / (D0[0][sel_arr] + D0[1][sel_arr] * z2)
        z1 = (N1[0][sel_arr] + N1[1][sel_arr] * z2) / (D1[0][sel_arr] + D1[1][sel_arr] * z2)
    Z = np.stack([z0, z1, z2], axis=1)
    finite = np.all(np.isfinite(Z), axis=1)
    return Z[finite], sel_arr[finite], np.flatnonzero(~ok)


def _inside(sys_: SupportSystem, Z: np.ndarray, slack: float) -> np.ndarray:
    """Rows of real ``Z`` inside every mixing player's simplex, up to ``slack``."""
    if Z.size == 0:
        return np.zeros(len(Z), dtype=bool)
    ok = np.all(Z + slack > 0, axis=1)
    sums = np.add.reduceat(Z, sys_.offsets[:-1], axis=1)  # each mixer's free probabilities
    return ok & np.all(sums < 1 + slack, axis=1)


# ============================================================================ polishing
def polish(
    game: Game,
    profile: Sequence[np.ndarray],
    *,
    thresholds: Sequence[float] = (1e-3, 1e-5, 1e-8, 1e-2, 1e-1),
) -> list[np.ndarray] | None:
    """Turn an approximate equilibrium into an exact one (Newton on its support's system).

    Tries supports ``{a : sigma_i(a) > thr}`` for each threshold (and the best responses of a
    pure-looking player), solves the indifference system of that support by Newton's method
    from ``profile`` and returns the first result whose regret is within its floating-point
    tolerance (:func:`reserves.nash.verify.regret_tolerance`), or ``None``.
    """
    profile = [np.asarray(s, dtype=float) for s in profile]
    tried: set[tuple[tuple[int, ...], ...]] = set()
    for thr in thresholds:
        S = tuple(
            tuple(int(k) for k in np.flatnonzero(s > thr)) or (int(np.argmax(s)),) for s in profile
        )
        if S in tried:
            continue
        tried.add(S)
        sys_ = SupportSystem(game, [S])
        z0 = (
            np.concatenate(
                [(profile[j][list(S[j])] / profile[j][list(S[j])].sum())[1:] for j in sys_.mixing]
            )
            if sys_.mixing
            else np.zeros(0)
        )
        if sys_.dim and sys_.degree > 0:
            Z, res, _ = _newton(sys_, z0[None, :], iters=40, want_cond=False)
            if res[0] > 1e-10:
                continue
            cand = sys_.profile(Z[0])
        else:
            cand = sys_.profile(z0) if sys_.mixing else game.pure_profile([s[0] for s in S])
        cleaned = clean_profile(cand)
        if cleaned is not None and game.max_regret(cleaned) <= regret_tolerance(game, cleaned):
            return cleaned
    return None


__all__ = [
    "SupportSystem",
    "polish",
    "polish_on_face",
    "support_enumeration_solve",
    "system_roots",
]
