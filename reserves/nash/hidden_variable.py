"""Hidden-variable elimination for support systems with three mixing players, one of them
mixing over two actions: every root from one univariate polynomial, no path tracking.

Notation of :class:`reserves.nash.support_enumeration.SupportSystem`: mixing players ``s, p, q``
with ``|S_s| = 2``; player ``r``'s equations are ``sum_{a,b} D_r[e, a, b] sigma_A(a)
sigma_B(b) = 0`` (``A, B`` the other two mixing players), ``e = 1..|S_r| - 1``. Hide
``t = sigma_s(second action)``, so ``sigma_s = (1 - t, t)``.

Case ``|S_p| = |S_q| = k`` (patterns ``(2, k, k)``). Player p's equations are linear in
``sigma_q`` given ``t``: ``M_p(t) sigma_q = 0`` with ``M_p(t)`` of size ``(k - 1) x k`` and
affine in ``t``, so ``sigma_q`` is proportional to the vector of signed maximal minors of
``M_p(t)`` (degree ``k - 1`` in ``t``; Cramer's rule), and likewise ``sigma_p`` from
``M_q(t)``. Player s's single equation then reads

    g(t) = sigma_p(t)' D_s sigma_q(t) = 0,      deg g <= 2 (k - 1),

the multihomogeneous Bezout number of the pattern (McKelvey and McLennan 1997). ``g`` is
sampled at the ``2k - 1`` roots of unity and its coefficients recovered by the discrete
Fourier transform (interpolation on the unit circle is perfectly conditioned); its roots are
eigenvalues of the companion matrix.

Case ``|S_p| = 2, |S_q| = 3`` (pattern ``(2, 2, 3)``). Player q's two equations are linear
in ``sigma_p`` given ``t``: ``M_q(t) sigma_p = 0`` with ``M_q(t)`` square (2 x 2), so
``det M_q(t) = 0`` (degree 2) and ``sigma_p`` spans its kernel; ``sigma_q`` then solves the
3 x 3 linear system of players s and p plus ``1' sigma_q = 1``.

Every solution of the support system has its ``t`` among the roots (a solution makes the
kernel non-trivial), so the elimination is complete; a system whose polynomial vanishes
identically, or whose kernel is not one-dimensional at a root, is returned for the homotopy.
Roots are refined afterwards by Newton's method on the original system and verified by regret.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _contract(D: np.ndarray, axis: int, sigma: np.ndarray) -> np.ndarray:
    """Contract ``D`` (nsys, e, x, y) over ``axis`` (2 or 3) with ``sigma`` (nsys, T, n):
    returns (nsys, T, e, other)."""
    if axis == 2:
        return np.einsum("seab,sta->steb", D, sigma)
    return np.einsum("seab,stb->stea", D, sigma)


def _others(r: int) -> list[int]:
    return [x for x in range(3) if x != r]


def _player_matrix(sys_: Any, r: int, hidden: int, sigma_h: np.ndarray) -> np.ndarray:
    """Player r's equations with the hidden player's mix substituted: (nsys, T, e, k_other)."""
    oth = _others(r)
    axis = 2 + oth.index(hidden)
    return _contract(sys_.delta[r], axis, sigma_h)


def _minors(M: np.ndarray) -> np.ndarray:
    """Signed maximal minors of (..., k-1, k) matrices: the kernel direction (..., k)."""
    k = M.shape[-1]
    if k == 2:
        return np.stack([M[..., 0, 1], -M[..., 0, 0]], axis=-1)
    if k == 3:
        return np.cross(M[..., 0, :], M[..., 1, :])
    out = []
    for j in range(k):
        sub = np.delete(M, j, axis=-1)
        out.append(((-1) ** j) * (np.linalg.det(sub) if sub.shape[-1] else np.ones(M.shape[:-2])))
    return np.stack(out, axis=-1)


def quadratic_roots(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
    """Both roots of ``c0 + c1 t + c2 t^2`` (batched; ``(K, 2)`` complex) without
    cancellation: the root of larger modulus ``-(c1 + sgn sqrt(c1^2 - 4 c0 c2)) / (2 c2)``,
    the sign chosen to add like terms, and the other from the product ``c0 / c2`` (Press et
    al., *Numerical Recipes*, sec. 5.6). A vanishing ``c2`` gives a non-finite first root."""
    disc = np.sqrt((c1 * c1 - 4 * c2 * c0).astype(complex))
    sgn = np.where((np.conj(c1) * disc).real >= 0, 1.0, -1.0)
    big = -(c1 + sgn * disc) / 2.0
    with np.errstate(all="ignore"):
        return np.stack([big / c2, np.where(big != 0, c0 / big, 0.0)], axis=1)


def _poly_roots(values: np.ndarray, tol: float = 1e-10) -> list[np.ndarray | None]:
    """Roots of the polynomials sampled at the roots of unity (rows of ``values``); None for
    a polynomial that vanishes identically (relative to its samples). Polynomials of equal
    degree share one batched companion-matrix eigenvalue call; degrees one and two are solved
    in closed form."""
    T = values.shape[1]
    coef = np.fft.fft(values, axis=1) / T  # c_n of sum c_n t^n
    mag = np.abs(coef)
    scale = mag.max(axis=1)
    if np.all(np.abs(coef.imag) <= 1e-12 * scale[:, None]):
        # a real polynomial sampled at the roots of unity (the resultants of real systems):
        # the real companion matrix has the same roots at half the eigenvalue cost
        coef = coef.real
    out: list[np.ndarray | None] = [None] * len(coef)
    big = mag > tol * scale[:, None]
    deg = np.where(big.any(axis=1), T - 1 - np.argmax(big[:, ::-1], axis=1), -1)
    for d in sorted(set(deg.tolist())):
        rows = np.flatnonzero((deg == d) & (scale > 0))
        if rows.size == 0:
            continue
        if d <= 0:
            for r in rows:
                out[r] = np.zeros(0, dtype=complex)
            continue
        c = coef[rows, : d + 1]  # ascending; leading coefficient c[:, d] != 0
        if d <= 2:  # closed forms: a linear root, or the quadratic formula without cancellation
            if d == 1:
                ev = (-c[:, 0] / c[:, 1])[:, None].astype(complex)
            else:
                ev = quadratic_roots(c[:, 0], c[:, 1], c[:, 2])
            for k, r in enumerate(rows):
                out[r] = ev[k]
            continue
        comp = np.zeros((rows.size, d, d), dtype=coef.dtype)
        comp[:, 0, :] = -c[:, d - 1 :: -1] / c[:, d : d + 1]
        if d > 1:
            comp[:, np.arange(1, d), np.arange(d - 1)] = 1.0
        ev = np.linalg.eigvals(comp)
        for k, r in enumerate(rows):
            out[r] = ev[k]
    return out


def hidden_variable_roots(sys_: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Roots of every system of a 3-mixing-player pattern covered by the module docstring.

    Returns ``(Z, sel, hard)`` -- complex candidate roots ``(R, dim)``, their system index and
    the systems left to the homotopy -- or ``None`` when the pattern is not covered.
    """
    if len(sys_.mixing) != 3:
        return None
    sizes = list(sys_.sizes)
    nsys = len(sys_.profiles)
    if sizes == [3, 3, 3]:
        return _three_ternary(sys_, nsys)
    if 2 not in sizes:
        return None
    s = sizes.index(2)
    p, q = _others(s)
    if sizes[p] == sizes[q]:
        return _equal_pair(sys_, s, p, q, sizes[p], nsys)
    if sorted(sizes) == [2, 2, 3]:
        s2 = [j for j in range(3) if sizes[j] == 2]
        q3 = sizes.index(3)
        return _two_two_three(sys_, s2[0], s2[1], q3, nsys)
    return None


def _equal_pair(
    sys_: Any, s: int, p: int, q: int, k: int, nsys: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    T = 2 * (k - 1) + 1
    t = np.exp(2j * np.pi * np.arange(T) / T)
    sig_s = np.broadcast_to(np.stack([1 - t, t], axis=1), (nsys, T, 2)).astype(complex)
    Mp = _player_matrix(sys_, p, s, sig_s)  # (nsys, T, k-1, k_q): acts on sigma_q
    Mq = _player_matrix(sys_, q, s, sig_s)  # acts on sigma_p
    sq = _minors(Mp)
    sp = _minors(Mq)
    Ds = sys_.delta[s][:, 0]  # (nsys, k_A, k_B), A < B among (p, q)
    if p < q:
        g = np.einsum("sta,sab,stb->st", sp, Ds, sq)
    else:
        g = np.einsum("sta,sab,stb->st", sq, Ds, sp)
    roots = _poly_roots(g)
    hard = [n for n, r in enumerate(roots) if r is None]
    owners = np.array([n for n, r in enumerate(roots) if r is not None for _ in r], dtype=int)
    if owners.size == 0:
        return _pack(sys_, [], [], hard)
    tr = np.concatenate([r for r in roots if r is not None])
    ss = np.stack([1 - tr, tr], axis=1)  # (K, 2)
    spec_p = "keab,ka->keb" if _others(p).index(s) == 0 else "keab,kb->kea"
    spec_q = "keab,ka->keb" if _others(q).index(s) == 0 else "keab,kb->kea"
    vq = _minors(np.einsum(spec_p, sys_.delta[p][owners], ss))
    vp = _minors(np.einsum(spec_q, sys_.delta[q][owners], ss))
    tq, tp = vq.sum(axis=1), vp.sum(axis=1)
    big_q, big_p = np.abs(vq).max(axis=1), np.abs(vp).max(axis=1)
    at_inf = (np.abs(tq) < 1e-12 * (1 + big_q)) | (np.abs(tp) < 1e-12 * (1 + big_p))
    # a kernel that is not one-dimensional at a root: leave that system to the homotopy
    hard.extend(sorted(set(owners[at_inf & ((big_q < 1e-9) | (big_p < 1e-9))].tolist())))
    ok = ~at_inf
    sig = {s: ss[ok], p: vp[ok] / tp[ok, None], q: vq[ok] / tq[ok, None]}
    Zk = np.concatenate([sig[j][:, 1:] for j in range(3)], axis=1)
    return _pack(sys_, list(Zk), list(owners[ok]), hard)


def _two_two_three(
    sys_: Any, s: int, p: int, q: int, nsys: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    T = 3
    t = np.exp(2j * np.pi * np.arange(T) / T)
    sig_s = np.broadcast_to(np.stack([1 - t, t], axis=1), (nsys, T, 2)).astype(complex)
    Mq = _player_matrix(sys_, q, s, sig_s)  # (nsys, T, 2, 2): acts on sigma_p
    roots = _poly_roots(np.linalg.det(Mq))
    hard = [n for n, r in enumerate(roots) if r is None]
    own = np.array([n for n, r in enumerate(roots) if r is not None for _ in r], dtype=int)
    if own.size == 0:
        return _pack(sys_, [], [], hard)
    tr = np.concatenate([r for r in roots if r is not None])
    ss = np.stack([1 - tr, tr], axis=1)  # (K, 2)
    spec = "keab,ka->keb" if _others(q).index(s) == 0 else "keab,kb->kea"
    mq = np.einsum(spec, sys_.delta[q][own], ss)  # (K, 2, 2), singular at the roots
    row = mq[np.arange(len(own)), np.argmax(np.abs(mq).sum(axis=2), axis=1)]
    vp = np.stack([-row[:, 1], row[:, 0]], axis=1)
    tot = vp.sum(axis=1)
    ok = np.abs(tot) >= 1e-12 * (1 + np.abs(vp).max(axis=1))
    own, ss, vp = own[ok], ss[ok], vp[ok] / tot[ok, None]
    # sigma_q from player s's and player p's equations and 1' sigma_q = 1
    rows = []
    for r, known, other_known in ((s, vp, p), (p, ss, s)):
        D = sys_.delta[r][own][:, 0]  # (K, k_A, k_B)
        if _others(r).index(other_known) == 0:
            rows.append(np.einsum("ka,kab->kb", known, D))
        else:
            rows.append(np.einsum("kab,kb->ka", D, known))
    Mlin = np.stack([*rows, np.ones((len(own), 3))], axis=1)  # (K, 3, 3)
    regular = np.abs(np.linalg.det(Mlin)) > 1e-12 * (1 + np.abs(Mlin).max(axis=(1, 2)) ** 3)
    hard.extend(sorted(set(own[~regular].tolist())))
    rhs = np.zeros((int(regular.sum()), 3, 1))
    rhs[:, 2] = 1.0
    vq = np.linalg.solve(Mlin[regular], rhs)[..., 0] if regular.any() else np.zeros((0, 3))
    sig = {s: ss[regular], p: vp[regular], q: vq}
    Zk = np.concatenate([sig[j][:, 1:] for j in range(3)], axis=1)
    return _pack(sys_, list(Zk), list(own[regular]), hard)


def _sylvester_det(p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """Resultant of two polynomials given by coefficients in ascending powers, batched over
    leading axes (both of formal degree ``d1 = p1.shape[-1] - 1``, ``d2``)."""
    d1, d2 = p1.shape[-1] - 1, p2.shape[-1] - 1
    n = d1 + d2
    S = np.zeros((*p1.shape[:-1], n, n), dtype=complex)
    for r in range(d2):
        S[..., r, r : r + d1 + 1] = p1[..., ::-1]
    for r in range(d1):
        S[..., d2 + r, r : r + d2 + 1] = p2[..., ::-1]
    return np.linalg.det(S)


def _three_ternary(sys_: Any, nsys: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pattern (3, 3, 3): hide ``sigma_2 = (1 - u - v, u, v)``. Players 0 and 1 give
    ``sigma_1`` and ``sigma_0`` as signed minors of 2 x 3 matrices (degree 2 in (u, v));
    player 2's two equations become quartics ``g_1, g_2`` in (u, v), sampled on a 5 x 5 grid
    of roots of unity (2-D DFT gives their coefficients). Their resultant in ``u`` (8 x 8
    Sylvester determinant) is sampled at 32 roots of unity in ``v`` and its roots found from
    the companion matrix; each ``v`` is paired with the roots of ``g_1(., v)``. Candidates
    are only candidates: the caller refines them by Newton's method and certifies the count
    against the multihomogeneous Bezout number (10), falling back to the homotopy."""
    n5 = 5
    w = np.exp(2j * np.pi * np.arange(n5) / n5)
    U, V = np.meshgrid(w, w, indexing="ij")
    sig2 = np.stack([1 - U - V, U, V], axis=-1).reshape(1, -1, 3)  # (1, 25, 3)
    sig2 = np.broadcast_to(sig2, (nsys, n5 * n5, 3))
    M0 = _player_matrix(sys_, 0, 2, sig2)  # acts on sigma_1
    M1 = _player_matrix(sys_, 1, 2, sig2)  # acts on sigma_0
    s1, s0 = _minors(M0), _minors(M1)  # (nsys, 25, 3)
    D2 = sys_.delta[2]  # (nsys, 2, k0, k1)
    g = np.einsum("sta,seab,stb->ste", s0, D2, s1).reshape(nsys, n5, n5, 2)
    C = np.fft.fft2(g, axes=(1, 2)) / (n5 * n5)  # C[s, a, b, e]: coefficient of u^a v^b
    L = 32
    vm = np.exp(2j * np.pi * np.arange(L) / L)
    vpow = vm[:, None] ** np.arange(n5)[None, :]  # (L, 5)
    P = np.einsum("sabe,lb->slea", C, vpow)  # (nsys, L, 2, 5): coefficients in u
    R = _sylvester_det(P[:, :, 0, :], P[:, :, 1, :])  # (nsys, L)
    roots_v = _poly_roots(R, tol=1e-9)
    us, vs, owners, hard = [], [], [], []
    for n, rv in enumerate(roots_v):
        if rv is None:
            hard.append(n)
            continue
        for v in rv:
            cu = C[n, :, :, 0] @ (v ** np.arange(n5))  # g_1(., v) coefficients in u
            nz = np.flatnonzero(np.abs(cu) > 1e-12 * np.abs(cu).max())
            if nz.size == 0:
                continue
            ru = np.roots(cu[: nz.max() + 1][::-1])
            us.extend(ru)
            vs.extend([v] * len(ru))
            owners.extend([n] * len(ru))
    if not us:
        return _pack(sys_, [], [], hard)
    u_arr, v_arr, own = np.array(us), np.array(vs), np.array(owners)
    ss2 = np.stack([1 - u_arr - v_arr, u_arr, v_arr], axis=1)  # (K, 3)
    v1 = _minors(np.einsum("keab,kb->kea", sys_.delta[0][own], ss2))
    v0 = _minors(np.einsum("keab,kb->kea", sys_.delta[1][own], ss2))
    t1, t0 = v1.sum(axis=1), v0.sum(axis=1)
    ok = (np.abs(t1) >= 1e-12 * (1 + np.abs(v1).max(axis=1))) & (
        np.abs(t0) >= 1e-12 * (1 + np.abs(v0).max(axis=1))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        Zk = np.concatenate(
            [(v0 / t0[:, None])[:, 1:], (v1 / t1[:, None])[:, 1:], ss2[:, 1:]], axis=1
        )
    Z = list(Zk[ok])
    sel = list(own[ok])
    return _pack(sys_, Z, sel, hard)


def _pmul(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Product of polynomials in ascending coefficients along the last axis (batched)."""
    out = np.zeros(
        (*np.broadcast_shapes(p.shape[:-1], q.shape[:-1]), p.shape[-1] + q.shape[-1] - 1),
        dtype=np.result_type(p, q),
    )
    for i in range(p.shape[-1]):
        out[..., i : i + q.shape[-1]] += p[..., i : i + 1] * q
    return out


def _monomial(D: np.ndarray) -> np.ndarray:
    """Multilinear coefficients of ``sum D[a, b, c] sigma_A(a) sigma_B(b) sigma_C(c)`` in the
    second-action probabilities (``sigma = (1 - z, z)``): index 0 of an axis is the constant
    part, index 1 the coefficient of that opponent's ``z`` (batched over axis 0)."""
    W = np.array([[1.0, 0.0], [-1.0, 1.0]])
    return np.einsum("sabc,xa,yb,zc->sxyz", D, W, W, W)


def four_binary_roots(sys_: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate roots of the systems with four players mixing over two actions each.

    Unknowns ``z_0..z_3`` (second-action probabilities); player k's equation is multilinear in
    the other three. Hide ``t = z_3``: players 0, 1, 2 then form a three-binary system with
    coefficients affine in ``t``, which eliminates as in ``_three_binary_roots``: ``z_1 =
    N_1 / D_1``, ``z_0 = N_0 / D_0`` (affine in ``z_2``) and ``Q(z_2) = 0`` (quadratic).
    Player 3's equation times ``D_0 D_1`` is a cubic ``R(z_2)``. The resultant
    ``Res_{z_2}(Q, R)`` (5 x 5 Sylvester determinant) is a polynomial in ``t`` of degree at
    most 13, sampled at 16 roots of unity and solved by its companion matrix; each ``t`` gives
    two ``z_2`` (roots of ``Q``) and then ``z_0, z_1``. Extraneous candidates are removed and
    the rest certified by the caller (Newton refinement and a count of distinct nonsingular
    roots against the multihomogeneous Bezout number, 9, as for pattern (3, 3, 3)).

    Returns
    -------
    (Z, sel, hard)
        candidates ``(R, 4)``, their system, and the systems whose resultant vanishes
        identically (left to the homotopy).
    """
    if getattr(sys_, "binary", False):  # the monomial tensor is there already (own bit 0)
        A = sys_.mono.reshape((-1, 4) + (2,) * 4)
        C = np.stack([np.take(A[:, k], 0, axis=1 + k) for k in range(4)])
    else:
        C = np.stack([_monomial(sys_.delta[k][:, 0]) for k in range(4)])  # (4, nsys, 2, 2, 2)
    L = 16
    t = np.exp(2j * np.pi * np.arange(L) / L)

    def pieces(tv: np.ndarray, own: np.ndarray | None) -> tuple[np.ndarray, ...]:
        # batch (..., ) over systems x samples, or over candidates (own: their systems)
        if own is None:
            Ck = C[:3, :, None]  # (3, nsys, 1, 2, 2, 2)
            tt = tv[None, :, None, None]
            h = C[3][:, None]
        else:
            Ck = C[:3, own]
            tt = tv[:, None, None]
            h = C[3][own]
        c, e, g = Ck[..., 0] + tt * Ck[..., 1]  # F_0(z1, z2), F_1(z0, z2), F_2(z0, z1)
        # z_0 = N0 / D0 and z_1 = N1 / D1, affine in z_2: (..., 2 coefficients)
        D0, N0 = e[..., 1, :], -e[..., 0, :]
        D1, N1 = c[..., 1, :], -c[..., 0, :]
        P0 = np.stack([D0, N0], axis=-2)  # z_0^x0 D0 for x0 = 0, 1
        P1 = np.stack([D1, N1], axis=-2)
        a, b = P0[..., :, None, :], P1[..., None, :, :]
        prod = np.stack(  # (..., x0, x1, 3): (z_0^x0 D0)(z_1^x1 D1) in z_2
            [
                a[..., 0] * b[..., 0],
                a[..., 0] * b[..., 1] + a[..., 1] * b[..., 0],
                a[..., 1] * b[..., 1],
            ],
            axis=-1,
        )
        Q = np.einsum("...ab,...abj->...j", g, prod)  # F_2 D0 D1
        R = np.zeros((*Q.shape[:-1], 4), dtype=Q.dtype)  # F_3 D0 D1
        R[..., :3] = np.einsum("...ab,...abj->...j", h[..., 0], prod)
        R[..., 1:] += np.einsum("...ab,...abj->...j", h[..., 1], prod)
        return Q, R, N0, D0, N1, D1

    Q, R, *_ = pieces(t, None)
    res = _sylvester_det(Q, R[..., :4])  # (nsys, L)
    roots = _poly_roots(res, tol=1e-9)
    hard = [n for n, r in enumerate(roots) if r is None]
    own = np.array([n for n, r in enumerate(roots) if r is not None for _ in r], dtype=int)
    if own.size == 0:
        return _pack(sys_, [], [], hard)
    tr = np.concatenate([r for r in roots if r is not None])
    Q, R, N0, D0, N1, D1 = pieces(tr, own)
    pair = quadratic_roots(Q[:, 0], Q[:, 1], Q[:, 2])  # (K, 2)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # of the two roots of Q, the common root with R (generically one per t)
        rv = np.abs(np.einsum("kd,kcd->kc", R, pair[:, :, None] ** np.arange(R.shape[1])))
        rv = np.where(np.isfinite(rv), rv, np.inf)
        best = np.argmin(rv, axis=1)
        lo, hi = rv.min(axis=1), rv.max(axis=1)
        both = ~(lo < 1e-6 * hi)  # not decisive: keep both roots as candidates
        z2 = np.concatenate([pair[np.arange(len(pair)), best], pair[both, 1 - best[both]]])
        o2, t2 = np.concatenate([own, own[both]]), np.concatenate([tr, tr[both]])
        N0, D0, N1, D1 = (np.concatenate([a, a[both]]) for a in (N0, D0, N1, D1))
        z0 = (N0[:, 0] + N0[:, 1] * z2) / (D0[:, 0] + D0[:, 1] * z2)
        z1 = (N1[:, 0] + N1[:, 1] * z2) / (D1[:, 0] + D1[:, 1] * z2)
    Z = np.stack([z0, z1, z2, t2], axis=1)
    finite = np.all(np.isfinite(Z), axis=1)
    return _pack(sys_, list(Z[finite]), list(o2[finite]), hard)


def _pack(
    sys_: Any, Z: list[np.ndarray], sel: list[int], hard: list[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    hard_set = set(hard)
    keep = [k for k, n in enumerate(sel) if n not in hard_set]
    Za = (
        np.array([Z[k] for k in keep], dtype=complex).reshape(-1, sys_.dim)
        if keep
        else np.zeros((0, sys_.dim), dtype=complex)
    )
    sa = np.array([sel[k] for k in keep], dtype=int)
    return Za, sa, np.array(sorted(hard_set), dtype=int)


__all__ = ["four_binary_roots", "hidden_variable_roots", "quadratic_roots"]
