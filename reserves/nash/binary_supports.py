"""Support enumeration for games in which every player has two actions (binary games).

The N-player accumulate-or-sell game is binary, and so are most of the textbook N-player
games; their support profiles have a structure the general enumeration
(:mod:`reserves.nash.support_enumeration`) does not exploit. Write ``p_i`` for the
probability of player i's second action and

    D_i(a_-i) = u_i(1, a_-i) - u_i(0, a_-i)

for player i's payoff gain from switching to its second action. A support profile is a set
``M`` of mixing players (``|M| = k``) and a pure action ``b_j`` for every other player. The
indifference condition of a mixing player i is

    E_i(p_M) = sum_{x in {0,1}^(M \\ i)} D_i(x, b) prod_{j in M \\ i} p_j^x_j (1 - p_j)^(1-x_j) = 0,

multilinear in the other mixers' probabilities, and the profile is an equilibrium when, in
addition, every pure player j best-responds: ``E_j <= 0`` if ``b_j = 0``, ``E_j >= 0`` if
``b_j = 1`` (McKelvey and McLennan 1996, sec. 6). Every pure player's constraint and every
mixer's equation is read from one table ``D`` of shape ``(N, 2^N)``, so all ``3^N`` support
profiles are handled by fancy indexing, a few numpy calls per support size ``k``:

* **pruning** (the corner test of Gambit's ``enumpoly``, Turocy 2008, at the whole box): a
  mixer whose ``D_i(x, b)`` has one strict sign at all ``2^(k-1)`` corners can never be
  indifferent (``E_i`` is a convex combination of the corners), so the profile is skipped;
* **k = 2** (mixers i, j): ``E_i`` is affine in ``p_j`` alone, ``p_j = -c_0 / c_1`` with
  ``c_0 = D_i(0, b)``, ``c_1 = D_i(1, b) - D_i(0, b)``: closed form, all profiles at once;
  ``c_0 = c_1 = 0`` exactly is a continuum (reported as degenerate);
* **k >= 3**: the surviving profiles become one batched
  :class:`~reserves.nash.support_enumeration.SupportSystem` (built from the gathered
  differences, no per-profile loop) and are solved by the general machinery: exact
  elimination for three and four mixers, certified by the multihomogeneous Bezout count,
  interval Newton subdivision of the unit box for five and six
  (:mod:`reserves.nash.interval_newton`), the homotopy for the rest.

Candidates are checked for the pure players' constraints in one matrix product (the product
distribution over the ``2^N`` profiles times ``D``); what is reported is verified again,
independently, by :func:`reserves.nash.result.make_result`. The game is *generic* for this
enumeration when no ``D_i(a_-i)`` is zero (no player indifferent against a pure profile) and
every pure player of every equilibrium found strictly prefers its action (quasi-strictness).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reserves.nash.normal_form import Game
from reserves.nash.support_enumeration import SupportSystem, polish_on_face, system_roots
from reserves.nash.verify import REGRET_TOL

#: profiles per batch of the general solver for supports of three or more mixers
BATCH = 256


@dataclass(frozen=True)
class BinaryEnumeration:
    """What :func:`binary_support_candidates` found.

    ``profiles`` are mixed candidates (full probability vectors, pure equilibria excluded),
    ``tried`` the support profiles solved after pruning, ``failed_paths`` and ``degenerate`` as
    in :func:`~reserves.nash.support_enumeration.support_enumeration_solve`, and ``generic``
    the regularity test of the module docstring."""

    profiles: list[list[np.ndarray]]
    tried: int
    failed_paths: int
    degenerate: int
    generic: bool


def is_binary(game: Game) -> bool:
    """True when every player of ``game`` has exactly two actions."""
    return all(n == 2 for n in game.shape)


@functools.lru_cache(maxsize=16)
def _flip_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(HI, LO)``, shape ``(n, 2^n)``: for player i and flat profile index a (C order, player
    0 the most significant bit), the index of a with i's action set to 1 and to 0."""
    a = np.arange(2**n)
    bit = 1 << (n - 1 - np.arange(n))
    hi = a[None, :] | bit[:, None]
    lo = a[None, :] & ~bit[:, None]
    for t in (hi, lo):
        t.setflags(write=False)
    return hi, lo


def _bits(count: int, width: int) -> np.ndarray:
    """The numbers ``0 .. count - 1`` as rows of ``width`` bits, most significant first."""
    return (np.arange(count)[:, None] >> np.arange(width)[::-1]) & 1


@functools.lru_cache(maxsize=64)
def _support_tables(n: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All support profiles of an n-player binary game with k mixers (cached, read-only).

    Returns ``(idx, mixers, actions)``: ``idx[s, r, x]`` is the flat profile index at which
    mixer ``r`` of profile ``s`` reads ``D`` when the other mixers (in index order) play the
    bits ``x`` (C order) and the pure players their actions; ``mixers[s]`` the mixing players;
    ``actions[s, j]`` the pure action of player j (0 for the mixers, overwritten later)."""
    bit = 1 << (n - 1 - np.arange(n))
    xs = _bits(2 ** (k - 1), k - 1)
    idx_parts, mix_parts, act_parts = [], [], []
    for M in itertools.combinations(range(n), k):
        P = [j for j in range(n) if j not in M]
        A = _bits(2 ** len(P), len(P))  # (2^(n-k), n-k) pure actions
        base = A @ bit[P] if P else np.zeros(1, dtype=int)
        idx = np.empty((len(base), k, len(xs)), dtype=np.intp)
        for r, i in enumerate(M):
            others = [j for j in M if j != i]
            idx[:, r, :] = base[:, None] + (xs @ bit[others])[None, :]
        act = np.zeros((len(base), n), dtype=np.int8)
        act[:, P] = A
        idx_parts.append(idx)
        mix_parts.append(np.broadcast_to(np.array(M), (len(base), k)))
        act_parts.append(act)
    out = (np.concatenate(idx_parts), np.concatenate(mix_parts), np.concatenate(act_parts))
    for t in out:
        t.setflags(write=False)
    return out


def _expected_gains(D: np.ndarray, P1: np.ndarray) -> np.ndarray:
    """``E[c, j]``: player j's expected gain from its second action at the product profile
    whose second-action probabilities are ``P1[c]`` (``(C, N)``), for every player at once:
    ``D`` contracted with one player's ``(1 - p, p)`` at a time (player 0 most significant)."""
    C, n = P1.shape
    T = D.reshape(n, 2, -1)
    T = np.einsum("jar,ca->cjr", T, np.stack([1.0 - P1[:, 0], P1[:, 0]], axis=1))
    for q in range(1, n):
        T = T.reshape(C, n, 2, -1)
        w = np.stack([1.0 - P1[:, q], P1[:, q]], axis=1)
        T = np.einsum("cjar,ca->cjr", T, w)
    return T.reshape(C, n)


def binary_support_candidates(
    game: Game,
    seed: int | np.random.Generator = 0,
    *,
    progress: Callable[[int], None] | None = None,
) -> BinaryEnumeration:
    """Mixed-equilibrium candidates of a binary game by support enumeration (module docstring).

    Parameters
    ----------
    game:
        a game in which every player has two actions.
    seed:
        seed (or generator) of the homotopy's random ``gamma``; a generator is made only if
        a homotopy runs (five or more mixers, or a system the eliminations cannot certify).
    progress:
        called with the number of support profiles done after each batch.
    """
    n = game.num_players
    scale = game.payoff_scale
    Uf = game.payoffs.reshape(n, -1) / scale
    hi, lo = _flip_tables(n)
    rows = np.arange(n)[:, None]
    D = Uf[rows, hi] - Uf[rows, lo]  # (n, 2^n): gain from the second action
    generic = bool(np.all(np.abs(D) > 1e-12))  # no ties (as _looks_generic, 1e-12 x scale)
    rng = seed if isinstance(seed, np.random.Generator) else int(seed)
    found: list[np.ndarray] = []  # (C, n) second-action probabilities of candidates
    tried = failed = degenerate = 0
    for k in range(2, n + 1):
        idx, mixers, actions = _support_tables(n, k)
        G = D[mixers[:, :, None], idx]  # (S, k, 2^(k-1))
        one_sign = np.all(G > 0, axis=2) | np.all(G < 0, axis=2)
        alive = np.flatnonzero(~one_sign.any(axis=1))
        if alive.size == 0:
            continue
        G, mix, act = G[alive], mixers[alive], actions[alive].astype(float)
        if k == 2:
            tried += len(alive)
            c0 = G[:, :, 0]  # mixer r's gain when the other mixer plays its first action
            c1 = G[:, :, 1] - c0
            flat = c1 == 0.0
            if flat.any():
                degenerate += int(np.sum(np.any(flat & (c0 == 0.0), axis=1)))
            ok = ~flat.any(axis=1)
            # mixer 0's equation fixes mixer 1's probability and vice versa
            act, mix = act[ok], mix[ok]
            p = -c0[ok] / c1[ok]
            act[np.arange(len(act)), mix[:, 1]] = p[:, 0]
            act[np.arange(len(act)), mix[:, 0]] = p[:, 1]
            found.append(act)
            if progress is not None:
                progress(tried)
            continue
        # three or more mixers: one batched system per chunk, the general solver
        for c0_ in range(0, len(alive), BATCH):
            sl = slice(c0_, c0_ + BATCH)
            Gs, ms, acts = G[sl], mix[sl], act[sl]
            profiles = [
                [(0, 1) if j in set(m) else (int(a[j]),) for j in range(n)]
                for m, a in zip(ms.tolist(), acts, strict=True)
            ]
            delta = [Gs[:, r].reshape((len(Gs), 1) + (2,) * (k - 1)) for r in range(k)]
            system = SupportSystem.from_differences(game, profiles, delta)
            Z, sel, fails, singular = system_roots(system, rng)
            tried += len(profiles)
            failed += fails
            degenerate += singular
            if len(Z):
                rows = acts[sel]  # pure players' actions; the mixers' probabilities from Z
                rows[np.arange(len(rows))[:, None], ms[sel]] = Z
                found.append(rows)
            if progress is not None:
                progress(tried)
    P1 = np.concatenate(found) if found else np.zeros((0, n))
    P1 = P1[np.all((P1 >= -1e-9) & (P1 <= 1 + 1e-9), axis=1)]
    # a root within 1e-9 of a face (not on it) is a degenerate equilibrium: solved again on
    # the face, as in the general enumeration, rather than clipped
    near_face = np.any(
        ((P1 != 0) & (np.abs(P1) < 1e-9)) | ((P1 != 1) & (np.abs(1 - P1) < 1e-9)), axis=1
    )
    for r in np.flatnonzero(near_face):  # rare: one polish per such root
        raw = [np.array([1.0 - q, q]) for q in P1[r]]
        solved = polish_on_face(game, raw, [np.clip(x, 0.0, 1.0) for x in raw])
        P1[r] = [x[1] for x in solved]
    P1 = np.clip(P1, 0.0, 1.0)
    profiles: list[list[np.ndarray]] = []
    if len(P1):
        E = _expected_gains(D, P1)
        pure = (P1 == 0.0) | (P1 == 1.0)
        # a pure player's regret: the gain it forgoes; a mixer's equation holds by construction
        regret = np.where(P1 == 0.0, np.maximum(E, 0.0), np.maximum(-E, 0.0))
        regret = np.where(pure, regret, 0.0).max(axis=1)
        keep = regret <= 10 * REGRET_TOL
        P1, E, pure = P1[keep], E[keep], pure[keep]
        # quasi-strict: every pure player strictly prefers its action (else not regular)
        if np.any(pure & (np.abs(E) <= 1e-9)):
            generic = False
        profiles = [[np.array([1.0 - q, q]) for q in row] for row in P1]
    return BinaryEnumeration(profiles, tried, failed, degenerate, generic)


__all__ = ["BinaryEnumeration", "binary_support_candidates", "is_binary"]
