"""Vertex enumeration of the best-response polytopes of a bimatrix game.

Bimatrix games. With payoffs shifted positive, the best-response polytopes are

    P = {x >= 0 : B^T x <= 1},   Q = {y >= 0 : A y <= 1},

and (x, y) != (0, 0) is an equilibrium (after normalisation) iff every label
``1..m+n`` is a tight constraint of x or of y (von Stengel 2007, *Algorithmic Game Theory*
ch. 3; Avis, Rosenberg, Savani and von Stengel 2010, "Enumeration of Nash equilibria for
two-player games", *Economic Theory* 42). Our vertex enumeration finds every vertex of P
with support ``I`` from a ``k x k`` system ``B[I, J]^T x_I = 1`` over the pairs of
``k``-subsets ``(I, J)``, batched per ``k`` in one ``numpy.linalg.solve`` (the same number
of systems as a basis enumeration, ``C(m+n, m) - 1``, but of size ``k`` rather than
``m``). The game is non-degenerate iff no point of P has more than m labels and no point
of Q more than n (equivalently P and Q are simple); the vertex enumeration checks this on
every vertex, and ``complete=True`` is reported only then. When it cannot certify
non-degeneracy, nashpy's vertex and support enumerations and our own support enumeration
add candidates (nashpy's support enumeration uses exact float comparisons and can miss
equilibria; it is never trusted alone).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from reserves.nash.rational import _side


def _labelled_vertices(G: np.ndarray, h: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """All vertices of ``{z : G z <= h}`` other than 0, with their label (tight-row) masks.

    Reference brute-force basis enumeration (kept for cross-checks in the tests): every
    choice of ``dim`` rows is solved in one batched ``numpy.linalg.solve``; singular bases are
    skipped, infeasible points dropped and repeated vertices (degenerate bases) merged.
    :func:`_support_vertices` finds the same vertices from much smaller systems.
    """
    rows, dim = G.shape
    combos = np.array(list(itertools.combinations(range(rows), dim)), dtype=np.int64)
    M = G[combos]  # (K, dim, dim)
    rhs = h[combos]
    sv = np.linalg.svd(M, compute_uv=False)
    ok = sv[:, -1] > 1e-10 * np.maximum(sv[:, 0], 1e-300)
    Z = np.linalg.solve(M[ok], rhs[ok][..., None])[..., 0]
    slack = h[None, :] - Z @ G.T  # (V, rows)
    feasible = np.all(slack >= -tol, axis=1) & (np.abs(Z).max(axis=1) > tol)
    Z, slack = Z[feasible], slack[feasible]
    if Z.size == 0:
        return Z.reshape(0, dim), np.zeros((0, rows), dtype=bool)
    _, first = np.unique(np.round(Z, 9), axis=0, return_index=True)
    Z, slack = Z[first], slack[first]
    return Z, np.abs(slack) <= tol


def _combos(n: int, k: int) -> np.ndarray:
    return np.array(list(itertools.combinations(range(n), k)), dtype=np.int64).reshape(-1, k)


#: systems solved per batch in :func:`_support_vertices` (bounds memory to ~10 MB per k)
_BATCH_SYSTEMS = 60_000


def _support_vertices(
    C: np.ndarray, tol: float, *, bases: list[tuple[tuple[int, ...], tuple[int, ...]]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of ``{z in R^d : z >= 0, C^T z <= 1}`` (``C > 0`` of shape ``(d, e)``), but 0.

    A vertex ``z`` with support ``I`` (``|I| = k``) and tight constraints ``T`` needs
    ``m`` linearly independent tight constraints; the ``d - k`` zero coordinates supply
    ``d - k``, so ``rank C[I, T] = k`` and some ``J subset T`` with ``|J| = k`` has
    ``C[I, J]`` non-singular, and then ``z_I`` is the unique solution of

        C[I, J]^T z_I = 1.

    Conversely a solution of such a system with ``z_I >= 0`` and ``C^T z <= 1`` is a vertex.
    So the vertices are found by solving, for every ``k`` and every pair ``(I, J)`` of
    ``k``-subsets, one ``k x k`` system (batched ``numpy.linalg.solve`` over all pairs of one
    size) instead of one ``d x d`` system per basis, which is the same count,
    ``C(d + e, d) - 1``, of much smaller systems. Systems with condition number above
    ``1e10`` are skipped as singular (every vertex also comes from a well-posed pair).

    Returns
    -------
    (Z, L)
        ``Z`` of shape ``(V, d)`` and label masks ``L`` of shape ``(V, d + e)``: labels
        ``0..d-1`` are the zero coordinates, ``d..d+e-1`` the tight constraints (within ``tol``).
        When a list ``bases`` is given it receives, per vertex, the pair ``(I, J)`` it was
        solved from (for exact re-solving).
    """
    d, e = C.shape
    found: list[np.ndarray] = []
    pairs: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for k in range(1, min(d, e) + 1):
        I_all, J_all = _combos(d, k), _combos(e, k)
        nJ = len(J_all)
        block = max(1, _BATCH_SYSTEMS // nJ)
        for b0 in range(0, len(I_all), block):
            I_ = I_all[b0 : b0 + block]
            M = C[I_[:, None, :, None], J_all[None, :, None, :]]  # (nI, nJ, k, k) = C[I, J]
            Mt = np.swapaxes(M, -1, -2).reshape(-1, k, k)
            rhs = np.ones((Mt.shape[0], k, 1))
            try:
                zI = np.linalg.solve(Mt, rhs)[..., 0]
            except np.linalg.LinAlgError:  # some exactly singular: solve the regular ones
                # det comes from the same LU factorisation as solve: a nonzero det means no
                # zero pivot; near-singular systems are dropped by the condition test below
                reg = np.linalg.det(Mt) != 0.0
                zI = np.full((Mt.shape[0], k), np.nan)
                if reg.any():
                    zI[reg] = np.linalg.solve(Mt[reg], rhs[reg])[..., 0]
            zI = zI.reshape(len(I_), nJ, k)
            with np.errstate(invalid="ignore", over="ignore"):
                ok = np.all(zI >= -tol, axis=2)
                # C^T z for every constraint, only where z_I >= 0 (cheap first filter)
                load = np.einsum("ijk,ike->ije", np.where(ok[..., None], zI, 0.0), C[I_])
                ok &= np.all(load <= 1.0 + tol, axis=2)
            pi, pj = np.nonzero(ok)
            if pi.size == 0:
                continue
            cond = np.linalg.cond(Mt.reshape(len(I_), nJ, k, k)[pi, pj])
            good = cond < 1e10
            pi, pj = pi[good], pj[good]
            Z = np.zeros((pi.size, d))
            Z[np.arange(pi.size)[:, None], I_[pi]] = zI[pi, pj]
            found.append(Z)
            if bases is not None:
                pairs.extend(
                    (tuple(int(v) for v in I_[a]), tuple(int(v) for v in J_all[b]))
                    for a, b in zip(pi, pj, strict=True)
                )
    if not found:
        return np.zeros((0, d)), np.zeros((0, d + e), dtype=bool)
    Z = np.concatenate(found)
    _, first = np.unique(np.round(Z, 9), axis=0, return_index=True)
    first = np.sort(first)
    Z = Z[first]
    if bases is not None:
        bases.extend(pairs[k] for k in first)
    labels = np.concatenate([np.less_equal(Z, tol), np.abs(1.0 - Z @ C) <= tol], axis=1)
    return Z, labels


#: maximal Nash subsets are listed when there are at most this many extreme equilibria (the
#: biclique enumeration can grow exponentially; components are always computed)
MAX_CLIQUE_PAIRS = 5_000


@dataclass(frozen=True)
class ExtremeEquilibria:
    """The extreme equilibria of a bimatrix game and their connected components.

    ``profiles[k]`` is the k-th extreme equilibrium; ``components[k]`` the index of the
    connected component of the equilibrium set it belongs to; ``cliques`` the maximal Nash
    subsets (each a pair of index tuples into ``x_vertices`` and ``y_vertices``; the subset
    is the product of the convex hulls); ``nondegenerate`` whether P and Q are simple.
    """

    profiles: tuple[tuple[np.ndarray, np.ndarray], ...]
    components: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    cliques: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    nondegenerate: bool

    @property
    def num_components(self) -> int:
        return len(set(self.components))


def _exact_vertex(
    U: np.ndarray, tight: tuple[int, ...], support: tuple[int, ...], size: int
) -> np.ndarray | None:
    """The normalised vertex mixing over ``support`` that makes the rows ``tight`` of ``U``
    (own actions x the other's actions) indifferent, solved exactly; None if singular."""
    got = _side(U, list(tight), list(support))
    if got is None:
        return None
    probs, _ = got
    if any(p < 0 for p in probs):
        return None
    out = np.zeros(size)
    out[list(support)] = [float(p) for p in probs]
    return out


def _components(pairs: list[tuple[int, int]]) -> list[int]:
    """Connected components of the bipartite graph whose edges are the extreme equilibria
    ``(x-vertex, y-vertex)``: two extreme equilibria are in the same component of the
    equilibrium set iff they are connected through shared vertices (Avis et al. 2010,
    sec. 3: the components are unions of maximal Nash subsets that share a vertex)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(a: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in pairs:
        ra, rb = find(("x", a)), find(("y", b))
        if ra != rb:
            parent[ra] = rb
    roots: dict[tuple[str, int], int] = {}
    return [roots.setdefault(find(("x", a)), len(roots)) for a, _ in pairs]


def _maximal_cliques(pairs: list[tuple[int, int]]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Maximal complete bipartite subgraphs (maximal Nash subsets, Winkels 1979; Avis et al.
    2010 sec. 3) by the Bron-Kerbosch-style bipartite clique enumeration: for every subset
    of x-vertices formed by intersecting neighbourhoods (closed sets), the clique is
    (closure of the x-set, its common y-neighbourhood)."""
    nbr_x: dict[int, frozenset[int]] = {}
    for a, b in pairs:
        nbr_x[a] = nbr_x.get(a, frozenset()) | {b}
    nbr_y: dict[int, frozenset[int]] = {}
    for a, b in pairs:
        nbr_y[b] = nbr_y.get(b, frozenset()) | {a}
    found: set[tuple[frozenset[int], frozenset[int]]] = set()
    closed_y: set[frozenset[int]] = set()
    frontier = [nbr_x[a] for a in nbr_x]
    while frontier:
        ys = frontier.pop()
        if ys in closed_y or not ys:
            continue
        closed_y.add(ys)
        xs = frozenset.intersection(*(nbr_y[b] for b in ys))
        ys_full = frozenset.intersection(*(nbr_x[a] for a in xs))
        found.add((xs, ys_full))
        for a in nbr_x:
            inter = ys_full & nbr_x[a]
            if inter and inter not in closed_y:
                frontier.append(inter)
    maximal = [c for c in found if not any(c != o and c[0] <= o[0] and c[1] <= o[1] for o in found)]
    return sorted((tuple(sorted(x)), tuple(sorted(y))) for x, y in maximal)


def extreme_equilibria(
    A: np.ndarray, B: np.ndarray, *, exact: bool = True, cliques: bool = True
) -> ExtremeEquilibria:
    """Extreme equilibria of the bimatrix game (A, B), their components and maximal Nash
    subsets (see :func:`vertex_enumeration`, which this extends).

    Each extreme equilibrium is re-solved exactly (``fractions.Fraction``) from the support and
    tight constraints its vertices were found from, then rounded: the reported probabilities
    are the correctly rounded exact ones (no accumulated floating-point error). Components are
    the connected components of the bipartite graph of extreme equilibria; maximal Nash
    subsets its maximal bicliques (Avis, Rosenberg, Savani and von Stengel 2010; the listing
    matches Gambit's ``enummixed`` extreme equilibria and connected components).
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    m, n = A.shape
    span = max(float(np.ptp(A)), float(np.ptp(B)), 1e-300)
    A1 = (A - A.min()) / span + 1.0
    B1 = (B - B.min()) / span + 1.0
    tol = 1e-9
    bx: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    by: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    X, LX = _support_vertices(B1, tol, bases=bx)  # labels: M (x_i = 0), then N (tight cols)
    Y, LYq = _support_vertices(A1.T, tol, bases=by)  # labels: N (y_j = 0), then M (tight rows)
    LY = np.concatenate([LYq[:, n:], LYq[:, :n]], axis=1)  # reorder to M, then N
    nondegenerate = bool(np.all(LX.sum(axis=1) <= m) and np.all(LY.sum(axis=1) <= n))
    pairs: list[tuple[int, int]] = []
    chunk = max(1, 2_000_000 // max(1, len(Y) * (m + n)))
    for s in range(0, len(X), chunk):
        full = np.all(LX[s : s + chunk, None, :] | LY[None, :, :], axis=2)
        pairs.extend((int(s + a), int(b)) for a, b in np.argwhere(full))
    xs: dict[int, np.ndarray] = {}
    ys: dict[int, np.ndarray] = {}
    for a, b in pairs:
        if a not in xs:
            x = _exact_vertex(B.T, bx[a][1], bx[a][0], m) if exact else None
            xs[a] = X[a] / X[a].sum() if x is None else x
        if b not in ys:
            y = _exact_vertex(A, by[b][1], by[b][0], n) if exact else None
            ys[b] = Y[b] / Y[b].sum() if y is None else y
    profiles = tuple((xs[a], ys[b]) for a, b in pairs)
    return ExtremeEquilibria(
        profiles=profiles,
        components=tuple(_components(pairs)),
        pairs=tuple(pairs),
        cliques=tuple(_maximal_cliques(pairs))
        if cliques and 0 < len(pairs) <= MAX_CLIQUE_PAIRS
        else (),
        nondegenerate=nondegenerate,
    )


def vertex_enumeration(A: np.ndarray, B: np.ndarray) -> tuple[list[tuple[np.ndarray, ...]], bool]:
    """Extreme equilibria of the bimatrix game (A, B) and whether the game is non-degenerate.

    With payoffs shifted into ``[1, 2]`` the best-response polytopes are

        P = {x >= 0 : B^T x <= 1},   Q = {y >= 0 : A y <= 1};

    label ``i in M`` belongs to ``x`` when ``x_i = 0`` and to ``y`` when ``(A y)_i = 1``,
    label ``j in N`` to ``y`` when ``y_j = 0`` and to ``x`` when ``(B^T x)_j = 1``. A vertex
    pair ``(x, y) != (0, 0)`` is completely labelled iff ``(x / 1'x, y / 1'y)`` is an
    equilibrium, and these pairs are the extreme equilibria of the maximal Nash subsets
    (von Stengel 2007; Avis, Rosenberg, Savani and von Stengel 2010, *Economic Theory* 42).
    The vertices come from :func:`_support_vertices` (one small system per support pair). The
    game is non-degenerate iff no vertex of P has more than ``m`` labels and none of Q more
    than ``n`` (P and Q simple; a non-vertex point with ``m + 1`` labels lies on a face whose
    vertices have at least as many). Degenerate games need no special treatment: every vertex
    is found from some non-singular support pair, so there is no cap and no cross-check.

    Returns
    -------
    (equilibria, nondegenerate)
        the extreme equilibria (on a non-degenerate game: the complete set).
    """
    ext = extreme_equilibria(A, B, cliques=False)
    return [tuple(p) for p in ext.profiles], ext.nondegenerate


__all__ = ["ExtremeEquilibria", "extreme_equilibria", "vertex_enumeration"]
