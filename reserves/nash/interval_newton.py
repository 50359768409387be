"""Real roots of support systems in the probability box by interval Newton subdivision.

The unknowns of a support system are the free probabilities ``x_q`` of each mixing player
(all but the first action of its support); player k's indifference equations ``F_k`` are
linear in each opponent's mix, which is affine in that opponent's ``x_q``, so every ``F_k``
is multi-affine: of degree at most one in every single unknown. Such a function takes its
extremes over a box at the box's corners, so the range of every ``F_k`` and of every
Jacobian entry ``dF_k / dx_j`` (multi-affine too) over a box is read from its ``2^d`` corner
values, without interval arithmetic's overestimation. On top of these ranges, the Krawczyk
operator (Krawczyk 1969; Moore, Kearfott and Cloud 2009, *Introduction to Interval
Analysis*, sec. 8.2)

    K(X) = c - Y F(c) + (I - Y J(X)) (X - c),      c = mid X,  Y = J(c)^-1,

decides each box ``X``: every root of ``F`` in ``X`` lies in ``K(X)``, so a box with
``K(X) ∩ X`` empty holds none; a box with ``K(X)`` inside the interior of ``X`` holds exactly
one (Newton's method from ``c`` converges to it); any other box is cut to ``K(X) ∩ X`` and
bisected along its widest side. Before that, a box is dropped when some ``F_k``, or some
component of ``Y F`` (a preconditioned combination, multi-affine as well), keeps one strict
sign at all its corners (the corner test of Gambit's ``enumpoly``, made much stronger by the
preconditioning), or when some player's probabilities sum to more than one on all of it.
The subdivision visits only the real box (the homotopy of
:mod:`reserves.nash.support_enumeration` follows every complex root: 44 paths for five binary
mixers, 265 for six), and it is complete -- every root in the box is certified and found --
for every system it resolves; a system whose boxes keep splitting (a singular or
near-singular root, a continuum, or a budget exceeded) is reported unresolved and left to the
homotopy. Corner values and products are computed in floating point; the tests are applied
with a relative margin of ``1e-10`` so that rounding cannot exclude a box that holds a root.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np

#: the unit box is widened by this much on every side (roots on its faces are interior)
PAD = 1e-7

#: a box narrower than this on its widest side is not split again (its system is unresolved)
MIN_WIDTH = 1e-9

#: boxes alive at once, all systems together, before the remaining systems are given up
MAX_BOXES = 20_000

#: rounds of the Krawczyk test and bisection
MAX_ROUNDS = 200

#: boxes one system may visit before it is given up (a well-posed system of five or six
#: mixers needs a few hundred; a continuum of roots would split without end)
SYSTEM_BOX_BUDGET = 4_000

#: relative margin of every inclusion and exclusion test (floating-point safety)
MARGIN = 1e-10


@functools.lru_cache(maxsize=16)
def corner_bits(d: int) -> np.ndarray:
    """The ``2^d`` corners of the unit cube as rows of 0/1 (read-only, cached)."""
    out = np.array(list(itertools.product((0.0, 1.0), repeat=d))).reshape(-1, d)
    out.setflags(write=False)
    return out


def box_roots(sys_: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All roots of the systems of ``sys_`` with every free probability in ``[-PAD, 1 + PAD]``
    and every mixer's free probabilities summing to at most ``1 + PAD``.

    ``sys_`` is a :class:`~reserves.nash.support_enumeration.SupportSystem` (any sizes; the
    work grows as ``2^dim`` corners per box). Returns ``(Z, sel, unresolved)``: the roots (the
    Krawczyk centres of the certified boxes, at most one per box, for Newton refinement), the
    system of each, and the systems the subdivision could not resolve (for the homotopy).
    """
    d = sys_.dim
    nsys = len(sys_.profiles)
    off = sys_.offsets
    bits = corner_bits(d)
    lo = np.full((nsys, d), -PAD)
    hi = np.full((nsys, d), 1.0 + PAD)
    owner = np.arange(nsys)
    unresolved: set[int] = set()
    found_c: list[np.ndarray] = []
    found_s: list[np.ndarray] = []
    eye = np.eye(d)
    visited = np.zeros(nsys, dtype=int)
    # an equation that vanishes identically (a mixer indifferent everywhere): a continuum
    flat = np.zeros(nsys, dtype=bool)
    for D in sys_.delta:  # (nsys, equations, opponents' actions...)
        flat |= np.any(np.all(np.abs(D.reshape(nsys, D.shape[1], -1)) <= 1e-14, axis=2), axis=1)
    if flat.any():
        unresolved.update(np.flatnonzero(flat).tolist())
        lo, hi, owner = lo[~flat], hi[~flat], owner[~flat]
    for _ in range(MAX_ROUNDS):
        if owner.size == 0:
            break
        visited += np.bincount(owner, minlength=nsys)
        over = np.flatnonzero(visited > SYSTEM_BOX_BUDGET)
        if over.size:
            unresolved.update(over.tolist())
            drop = np.isin(owner, over)
            lo, hi, owner = lo[~drop], hi[~drop], owner[~drop]
            if owner.size == 0:
                break
        B = len(owner)
        # F and J at every corner (multilinear: their ranges over the box) and at the centre
        corners = lo[:, None, :] + (hi - lo)[:, None, :] * bits[None, :, :]
        pts = np.concatenate([corners.reshape(-1, d), (lo + hi) / 2], axis=0)
        sel = np.concatenate([np.repeat(owner, len(bits)), owner])
        F, J = sys_.FJ(pts, sel)
        Fc, Jc = F[: B * len(bits)].reshape(B, len(bits), d), J[: B * len(bits)]
        Jc = Jc.reshape(B, len(bits), d, d)
        F0, J0 = F[B * len(bits) :], J[B * len(bits) :]
        fmag = np.abs(Fc).max(axis=1) + 1e-300
        one_sign = np.any(
            (Fc.min(axis=1) > MARGIN * fmag) | (Fc.max(axis=1) < -MARGIN * fmag), axis=1
        )
        keep = ~one_sign
        for q in range(len(off) - 1):  # outside the simplex: the smallest total exceeds one
            if off[q + 1] - off[q] > 1:
                keep &= lo[:, off[q] : off[q + 1]].sum(axis=1) <= 1.0 + PAD
        # Krawczyk: Y = J(c)^-1; M = I - Y J(X) as centre +- radius; K = c - Y F(c) +- |M| r
        c = (lo + hi) / 2
        r = (hi - lo) / 2
        det = np.linalg.det(J0)
        regular = np.isfinite(det) & (np.abs(det) > 1e-300)
        Y = np.zeros_like(J0)
        if regular.any():
            Y[regular] = np.linalg.inv(J0[regular])
        # preconditioned corner test: every (Y F)_i is multilinear too, its corner values are
        # Y times F's; one of strict sign excludes the box (much stronger than F's own signs
        # once Y nearly diagonalises the system)
        YF = np.einsum("bij,bcj->bci", Y, Fc)
        yfmag = np.abs(YF).max(axis=1) + 1e-300
        keep &= ~(
            regular
            & np.any((YF.min(axis=1) > MARGIN * yfmag) | (YF.max(axis=1) < -MARGIN * yfmag), axis=1)
        )
        Jlo, Jhi = Jc.min(axis=1), Jc.max(axis=1)
        Jmid, Jrad = (Jlo + Jhi) / 2, (Jhi - Jlo) / 2
        Jrad = Jrad + MARGIN * (np.abs(Jlo) + np.abs(Jhi))
        Mc = eye[None] - Y @ Jmid
        Mr = np.abs(Y) @ Jrad
        Kc = c - np.einsum("bij,bj->bi", Y, F0)
        Kr = (np.abs(Mc) + Mr) @ r[..., None]
        Kr = Kr[..., 0] + MARGIN * (1.0 + np.abs(Kc)) + MARGIN * r
        k_lo, k_hi = Kc - Kr, Kc + Kr
        finite = np.all(np.isfinite(k_lo) & np.isfinite(k_hi), axis=1) & regular
        empty = finite & np.any((k_lo > hi) | (k_hi < lo), axis=1)
        inside = finite & ~empty & np.all((k_lo > lo) & (k_hi < hi), axis=1)
        keep &= ~empty
        done = keep & inside
        if done.any():
            found_c.append(Kc[done])
            found_s.append(owner[done])
        split = keep & ~inside
        if not split.any():
            break
        # shrink to K(X) ∩ X where K is finite, then bisect along the widest side
        lo_s, hi_s, own_s = lo[split], hi[split], owner[split]
        fin = finite[split]
        lo_s[fin] = np.maximum(lo_s[fin], k_lo[split][fin])
        hi_s[fin] = np.minimum(hi_s[fin], k_hi[split][fin])
        w = hi_s - lo_s
        tiny = w.max(axis=1) < MIN_WIDTH
        unresolved.update(own_s[tiny].tolist())
        lo_s, hi_s, own_s, w = lo_s[~tiny], hi_s[~tiny], own_s[~tiny], w[~tiny]
        k = np.argmax(w, axis=1)
        rows = np.arange(len(lo_s))
        mid = lo_s[rows, k] + w[rows, k] / 2
        lo2, hi2 = lo_s.copy(), hi_s.copy()
        hi_s[rows, k] = mid
        lo2[rows, k] = mid
        lo = np.concatenate([lo_s, lo2])
        hi = np.concatenate([hi_s, hi2])
        owner = np.concatenate([own_s, own_s])
        if unresolved:  # an unresolved system goes to the homotopy whole
            drop = np.isin(owner, list(unresolved))
            lo, hi, owner = lo[~drop], hi[~drop], owner[~drop]
        if len(owner) > MAX_BOXES:  # give up the systems with the most boxes
            counts = np.bincount(owner, minlength=nsys)
            order = np.argsort(-counts)
            total, cut = len(owner), set()
            for s in order:
                if total <= MAX_BOXES // 2:
                    break
                total -= counts[s]
                cut.add(int(s))
            unresolved.update(cut)
            drop = np.isin(owner, list(cut))
            lo, hi, owner = lo[~drop], hi[~drop], owner[~drop]
    else:
        unresolved.update(owner.tolist())
    Z = np.concatenate(found_c) if found_c else np.zeros((0, d))
    sel = np.concatenate(found_s) if found_s else np.zeros(0, dtype=int)
    if unresolved:
        ok = ~np.isin(sel, list(unresolved))
        Z, sel = Z[ok], sel[ok]
    return Z, sel, np.array(sorted(unresolved), dtype=int)


__all__ = ["box_roots", "corner_bits"]
