"""One result type for every solver (after pygambit's ``NashComputationResult``).

Every :class:`Equilibrium` carries its maximum regret, computed by
:func:`reserves.nash.verify.max_regret` independently of the method that found it, and the
floating-point tolerance it was judged against (:func:`reserves.nash.verify.regret_tolerance`:
a few ulps of the payoffs entering each deviation comparison, never a fraction of the payoff
span), and a
:class:`SolveResult` records the method, its parameters and whether the set is complete, so the
CLI, the app and the briefings never care which algorithm ran.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from reserves.nash import verify as _verify
from reserves.units import jsonable, plain

#: callables ``f(game, result)`` run on every :class:`SolveResult` that :func:`make_result`
#: builds (the test suite registers an independent checker here)
RESULT_OBSERVERS: list[Callable[[Any, SolveResult], None]] = []


@dataclass(frozen=True)
class Equilibrium:
    """A verified (approximate) Nash equilibrium.

    Attributes
    ----------
    strategies:
        one probability vector per player, in the game's order.
    regret:
        max over players of ``max_a v_i(a) - u_i(sigma)``, in payoff units.
    payoffs:
        expected payoff of each player.
    tolerance:
        the bound ``regret`` was judged against (``regret <= tolerance``): the floating-point
        error of the payoffs entering the deviation comparisons
        (:func:`reserves.nash.verify.regret_tolerance`), or, for an explicitly approximate
        method (dynamics end points), the stated approximation bound.
    component:
        for two-player enumeration, the index of the connected component of the equilibrium
        set this (extreme) equilibrium belongs to; ``None`` when not computed.
    """

    strategies: tuple[np.ndarray, ...]
    regret: float
    payoffs: tuple[float, ...]
    actions: tuple[tuple[str, ...], ...] = ()
    tolerance: float = 0.0
    component: int | None = None

    @property
    def pure(self) -> bool:
        """True when every player puts probability 1 on one action (to 1e-9)."""
        return all(float(np.max(s)) >= 1 - 1e-9 for s in self.strategies)

    @property
    def support(self) -> tuple[tuple[int, ...], ...]:
        """Indices of the actions each player plays with positive probability (> 1e-9)."""
        return tuple(tuple(int(k) for k in np.flatnonzero(s > 1e-9)) for s in self.strategies)

    def action_profile(self) -> tuple[str, ...]:
        """Names of the actions played (for pure equilibria); mixed players show their mix."""
        out = []
        for i, s in enumerate(self.strategies):
            names = self.actions[i] if self.actions else tuple(f"a{k + 1}" for k in range(len(s)))
            if float(np.max(s)) >= 1 - 1e-9:
                out.append(names[int(np.argmax(s))])
            else:
                out.append(
                    " / ".join(f"{names[k]} {plain(s[k], 3)}" for k in np.flatnonzero(s > 1e-9))
                )
        return tuple(out)

    def probability(self, player: int, action: int) -> float:
        return float(self.strategies[player][action])

    def to_dict(self) -> dict[str, Any]:
        """``{"profile": [[p, ...], ...], "pure": bool, "regret": float, "tolerance": float,
        "payoffs": [...], "actions_played": [...], "component": int | None}``."""
        return {
            "profile": [[float(x) for x in s] for s in self.strategies],
            "pure": self.pure,
            "regret": float(self.regret),
            "tolerance": float(self.tolerance),
            "component": self.component,
            "payoffs": [float(x) for x in self.payoffs],
            "actions_played": list(self.action_profile()),
        }


@dataclass(frozen=True)
class SolveResult:
    """What a solver found, how, and with which parameters.

    ``complete`` is True only when the method guarantees that ``equilibria`` is the whole set
    (for example pure enumeration for pure equilibria, or support enumeration on a
    non-degenerate game); ``exact`` when the arithmetic was exact or polished to high precision.
    """

    method: str
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    equilibria: tuple[Equilibrium, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    complete: bool = False
    exact: bool = False
    elapsed_s: float = 0.0
    notes: tuple[str, ...] = ()
    title: str = ""
    config_hash: str | None = None
    version: str = ""

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.equilibria)

    def __getitem__(self, k: int) -> Equilibrium:
        return self.equilibria[k]

    @property
    def max_regret(self) -> float:
        return max((e.regret for e in self.equilibria), default=0.0)

    @property
    def verified(self) -> bool:
        """True when every equilibrium's regret is within its stated tolerance."""
        return all(e.regret <= e.tolerance for e in self.equilibria)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``reserves solve --json`` (ARCHITECTURE.md, "Contracts")."""
        return {
            "players": list(self.players),
            "actions": [list(a) for a in self.actions],
            "equilibria": [e.to_dict() for e in self.equilibria],
            "method": self.method,
            "parameters": jsonable(self.parameters),
            "complete": self.complete,
            "exact": self.exact,
            "elapsed_s": self.elapsed_s,
            "notes": list(self.notes),
            "config_hash": self.config_hash,
            "version": self.version,
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """A pandas DataFrame: one row per equilibrium, one column per player, plus regret."""
        import pandas as pd

        rows = []
        for k, e in enumerate(self.equilibria):
            row: dict[str, Any] = {"#": k + 1}
            for name, played in zip(self.players, e.action_profile(), strict=True):
                row[name] = played
            row["pure"] = e.pure
            row["max regret"] = e.regret
            row["tolerance"] = e.tolerance
            rows.append(row)
        return pd.DataFrame(rows)

    def table(self, *, max_rows: int = 50) -> str:
        """Readable text table for the CLI."""
        head = (
            f"{self.title or 'game'}: {len(self.players)} players, method {self.method}, "
            f"{len(self.equilibria)} equilibri{'um' if len(self.equilibria) == 1 else 'a'}"
            f"{' (complete set)' if self.complete else ''}, {plain(self.elapsed_s, 3)} s"
        )
        lines = [head]
        for k, e in enumerate(self.equilibria[:max_rows]):
            kind = "pure" if e.pure else "mixed"
            lines.append(f"  #{k + 1} [{kind}] max regret {plain(e.regret, 3)}")
            for name, played, pay in zip(self.players, e.action_profile(), e.payoffs, strict=True):
                lines.append(f"      {name:<28} {played:<40} payoff {plain(pay, 6)}")
        if len(self.equilibria) > max_rows:
            lines.append(f"  ... {len(self.equilibria) - max_rows} more (use --json)")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


class Timer:
    """Context manager measuring wall time in seconds (``elapsed_s``)."""

    def __enter__(self) -> Timer:
        self._t0 = time.perf_counter()
        self.elapsed_s = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed_s = time.perf_counter() - self._t0


def _expected_payoffs(game: Any, strategies: Sequence[np.ndarray]) -> np.ndarray:
    """Expected payoffs; for a pure profile of a tensor game, the entry itself (no
    contraction of the whole tensor)."""
    payoffs = getattr(game, "payoffs", None)
    if isinstance(payoffs, np.ndarray):
        idx = _verify._pure_indices(strategies)
        if idx is not None:
            return np.asarray(payoffs[(slice(None), *idx)], dtype=float)
    return np.asarray(game.expected_payoffs(strategies), dtype=float)


def _stack(game: Any, candidates: Sequence[Sequence[np.ndarray]]) -> np.ndarray | None:
    """Every candidate as one zero-padded float array ``S[j, k, :n_j]`` (player j's strategy
    in candidate k, :func:`reserves.nash.verify.stack_profiles`), when the game has a payoff
    tensor small enough for :func:`reserves.nash.verify.mixed_regrets_stacked`; else None
    (the per-candidate loop verifies)."""
    payoffs = getattr(game, "payoffs", None)
    if (
        not candidates
        or not isinstance(payoffs, np.ndarray)
        or callable(getattr(game, "regret_tolerance", None))
        or payoffs.ndim != payoffs.shape[0] + 1
        or payoffs.size > _verify.BATCH_MAX_ELEMENTS
        or not np.isfinite(payoffs).all()
    ):
        return None
    n = payoffs.shape[0]
    shape = payoffs.shape[1:]
    K = len(candidates)
    W = max(shape)
    try:
        if all(m == W for m in shape):
            S = np.array(candidates, dtype=float)
            if S.shape != (K, n, W):
                return None
            return np.ascontiguousarray(S.transpose(1, 0, 2))
        if any(len(c) != n for c in candidates):
            return None
        S = np.zeros((n, K, W))
        for j in range(n):
            S[j, :, : shape[j]] = np.array([c[j] for c in candidates], dtype=float)
    except (ValueError, TypeError, IndexError):
        return None
    return S


def _verify_batch(
    payoffs: np.ndarray, S: np.ndarray, pure: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(regrets, tolerances, payoffs)`` of every stacked candidate (``pure``: which are pure
    profiles, as ``_pure_indices`` decides): the pure ones by
    :func:`reserves.nash.verify.pure_regrets` (payoffs: the entries), the mixed ones by
    :func:`reserves.nash.verify.mixed_regrets_stacked`; the same numbers as ``max_regret``,
    ``regret_tolerance`` and the expected payoffs one candidate at a time."""
    n, K = S.shape[:2]
    if not pure.any():
        return _verify.mixed_regrets_stacked(payoffs, S)
    idx = S[:, pure].argmax(axis=2)  # (N, K_pure)
    if not pure.all() and K * payoffs.size <= _verify.BATCH_MAX_ELEMENTS:
        # a small mixed batch takes its pure members along: the payoffs are finite (_stack),
        # so the mixed formulas are exact on a pure profile (products with 1 and 0, sums of
        # one non-zero term) and give pure_regrets' numbers
        reg, tol, pay = _verify.mixed_regrets_stacked(payoffs, S)
    else:
        reg = np.empty(K)
        tol = np.empty(K)
        pay = np.empty((K, n))
        reg[pure], tol[pure] = _verify.pure_regrets(payoffs, idx.T)
        if not pure.all():
            mixed = ~pure
            reg[mixed], tol[mixed], pay[mixed] = _verify.mixed_regrets_stacked(payoffs, S[:, mixed])
    pay[pure] = payoffs[(slice(None), *idx)].T  # the entries themselves (signed zeros too)
    return reg, tol, pay


def _duplicates(S: np.ndarray, dedupe_tol: float) -> dict[int, np.ndarray]:
    """For each candidate j with an earlier candidate k < j whose strategies all lie within
    ``dedupe_tol`` (max abs) of its own: ``j -> ascending array of those k`` (rows of the
    pairwise distance matrix, in chunks of at most ``BATCH_MAX_ELEMENTS`` elements)."""
    n, K, W = S.shape
    if K < 2:
        return {}
    P = S.transpose(1, 0, 2).reshape(K, n * W)  # padding is 0 in every candidate
    step = max(1, _verify.BATCH_MAX_ELEMENTS // max(K * n * W, 1))
    out: dict[int, np.ndarray] = {}
    for a in range(0, K, step):
        b = min(K, a + step)
        # NaN never compares within tolerance (max propagates it), as in the loop
        close = np.abs(P[a:b, None, :] - P[None, :b, :]).max(axis=2) <= dedupe_tol
        close &= np.arange(b)[None, :] < np.arange(a, b)[:, None]  # earlier candidates only
        if close.any():
            rows, cols = np.nonzero(close)
            for r in np.unique(rows).tolist():
                out[a + r] = cols[rows == r]
    return out


def _batched(
    game: Any,
    S: np.ndarray,
    comp_list: Sequence[int | None],
    *,
    tol: float | None,
    scale: float,
    dedupe: bool,
    dedupe_tol: float,
) -> tuple[list[Equilibrium], int]:
    """The loop of :func:`make_result` on stacked candidates: ``(kept, rejected)``, kept in
    the order of :func:`make_result` (pure first, then by descending first probabilities).

    Every candidate is verified at once (:func:`_verify_batch`); then, in candidate order, a
    candidate within ``dedupe_tol`` of an earlier *kept* one is dropped (handing it its
    component when the kept one has none), else kept when ``regret <= tolerance`` and counted
    as rejected otherwise."""
    smax = S.max(axis=2)  # (N, K)
    # _pure_indices: the largest entry is exactly 1 and the only non-zero one, for every player
    pure = ((smax == 1.0) & (np.count_nonzero(S, axis=2) == 1)).all(axis=0)
    regs, bounds, pays = _verify_batch(game.payoffs, S, pure)
    if tol is not None:
        bounds = np.maximum(bounds, tol * scale)
    accept = (regs <= bounds).tolist()
    comps = list(comp_list)
    dups = _duplicates(S, dedupe_tol) if dedupe else {}
    rows: list[int] = []
    if dups:
        keep = np.zeros(len(accept), dtype=bool)
        rejected = 0
        for j, ok in enumerate(accept):
            earlier = dups.get(j)
            if earlier is not None:
                hits = earlier[keep[earlier]]
                if hits.size:
                    first = int(hits[0])
                    if comps[first] is None and comps[j] is not None:
                        comps[first] = comps[j]
                    continue
            if ok:
                keep[j] = True
                rows.append(j)
            else:
                rejected += 1
    else:
        rows = [j for j, ok in enumerate(accept) if ok]
        rejected = len(accept) - len(rows)
    if not rows:
        return [], rejected
    # the sort key of make_result: (not Equilibrium.pure, -first probability of each player)
    mixed = (smax < 1 - 1e-9).any(axis=0).tolist()
    first = (-S[:, :, 0].T).tolist()
    rows.sort(key=lambda k: (mixed[k], tuple(first[k])))
    acts = tuple(game.actions)
    regs_l, bounds_l, pays_l = regs.tolist(), bounds.tolist(), pays.tolist()
    shape = game.payoffs.shape[1:]
    strategies = list(zip(*(list(S[j, :, :m]) for j, m in enumerate(shape)), strict=True))
    kept = [
        Equilibrium(strategies[k], regs_l[k], tuple(pays_l[k]), acts, bounds_l[k], comps[k])
        for k in rows
    ]
    return kept, rejected


def make_result(
    game: Any,
    method: str,
    candidates: Sequence[Sequence[np.ndarray]],
    *,
    parameters: dict[str, Any] | None = None,
    complete: bool = False,
    exact: bool = False,
    elapsed_s: float = 0.0,
    notes: Sequence[str] = (),
    tol: float | None = None,
    dedupe_tol: float = 1e-6,
    dedupe: bool = True,
    components: Sequence[int | None] | None = None,
) -> SolveResult:
    """Verify, de-duplicate and package candidate profiles into a :class:`SolveResult`.

    Each candidate's max regret is recomputed with :func:`reserves.nash.verify.max_regret` and
    judged against :func:`reserves.nash.verify.regret_tolerance` (the floating-point error of
    the payoffs entering its deviation comparisons); a candidate above it is dropped and
    counted in ``notes``: nothing that fails verification is reported.

    ``tol`` is for explicitly approximate methods only (dynamics end points): when given, a
    candidate is kept with regret up to ``tol * payoff_scale`` and that bound is its stated
    ``tolerance``. Exact solvers leave it ``None``. ``components`` (aligned with
    ``candidates``) gives each candidate's component index; a duplicate adopts the first known
    component.
    """
    from reserves import __version__

    kept: list[Equilibrium] = []
    rejected = 0
    scale = float(getattr(game, "payoff_scale", 1.0))
    S = _stack(game, candidates)
    if S is not None:  # a tensor game: every candidate verified at once (already sorted)
        comps = list(components) if components is not None else [None] * len(candidates)
        if len(comps) != len(candidates):
            raise ValueError("components must be aligned with candidates")
        kept, rejected = _batched(
            game, S, comps, tol=tol, scale=scale, dedupe=dedupe, dedupe_tol=dedupe_tol
        )
        candidates, components = [], None
    comp_list = list(components) if components is not None else [None] * len(candidates)
    for cand, comp in zip(candidates, comp_list, strict=True):
        strategies = tuple(np.asarray(s, dtype=float) for s in cand)
        dup = (
            next(
                (
                    j
                    for j, k in enumerate(kept)
                    if all(
                        np.max(np.abs(s - k.strategies[i])) <= dedupe_tol
                        for i, s in enumerate(strategies)
                    )
                ),
                None,
            )
            if dedupe
            else None
        )
        if dup is not None:
            if kept[dup].component is None and comp is not None:
                kept[dup] = replace(kept[dup], component=comp)
            continue
        regret = _verify.max_regret(game, strategies)
        bound = _verify.regret_tolerance(game, strategies)
        if tol is not None:
            bound = max(bound, tol * scale)
        if not regret <= bound:
            rejected += 1
            continue
        pay = _expected_payoffs(game, strategies)
        kept.append(
            Equilibrium(
                strategies,
                float(regret),
                tuple(float(x) for x in pay),
                tuple(game.actions),
                float(bound),
                comp,
            )
        )
    all_notes = list(notes)
    if rejected:
        all_notes.append(f"{rejected} candidate(s) failed regret verification and were dropped")
    if S is None:
        kept.sort(key=lambda e: (not e.pure, tuple(-float(s[0]) for s in e.strategies)))
    result = SolveResult(
        method=method,
        players=tuple(game.players),
        actions=tuple(tuple(a) for a in game.actions),
        equilibria=tuple(kept),
        parameters=dict(parameters or {}),
        complete=complete,
        exact=exact,
        elapsed_s=elapsed_s,
        notes=tuple(all_notes),
        title=getattr(game, "title", ""),
        config_hash=getattr(game, "config_hash", None),
        version=__version__,
    )
    for observe in RESULT_OBSERVERS:
        observe(game, result)
    return result
