"""Aggregative solver: pure equilibria of large sovereign rosters without a payoff tensor.

In :class:`~reserves.sovereign.model.SovereignGame` a player's payoff depends on the others only
through the aggregates ``(X_{-i}, B_{-i}, S_{-i})``, so one best-response round for all N
players costs O(N A) evaluations of the lambdified payoff instead of touching ``A^N`` profiles.

Order each player's actions by order flow (sell < hold < accumulate). When the game has
increasing differences in (own action, others' actions) it is supermodular, and the
simultaneous best-response iteration started from the lowest profile rises monotonically to the
*least* pure equilibrium, and from the highest profile falls to the *greatest* one; every pure
equilibrium lies between them (Topkis 1979; Milgrom and Roberts 1990; Vives 1990). The solver
records whether each path was monotone; when it was not (the game is not supermodular at these
parameters) a cycle is broken by round-robin (Gauss-Seidel) updates, and every profile reported
is still verified by its exact regret through the aggregates, so nothing unverified is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from reserves.errors import SolverError
from reserves.nash.result import SolveResult, Timer, make_result
from reserves.sovereign.model import SovereignGame, action_kind


@dataclass(frozen=True)
class BestResponsePath:
    """One best-response iteration: the profiles visited (label indices) and how it ended."""

    start: str
    profiles: tuple[tuple[int, ...], ...]
    converged: bool
    monotone: bool
    rule: str

    @property
    def rounds(self) -> int:
        return len(self.profiles) - 1

    @property
    def final(self) -> tuple[int, ...]:
        return self.profiles[-1]


def _order(game: SovereignGame) -> np.ndarray:
    """Rank of each action label by order flow (sell < hold < accumulate, smaller buys first)."""
    rank = {"sell": 0, "hold": 1, "accumulate": 2}
    keys = []
    for a in game.action_labels:
        kind, share = action_kind(a)
        keys.append((rank[kind], share or 0.0))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    out = np.empty(len(keys), dtype=int)
    out[order] = np.arange(len(keys))
    return out


def _best_labels(u: np.ndarray, rank: np.ndarray, prefer_high: bool, tol: float) -> np.ndarray:
    """Argmax per row; ties (within tol) broken toward the highest or lowest ranked action."""
    best = u.max(axis=1, keepdims=True)
    ties = u >= best - tol
    key = np.where(ties, rank[None, :] if prefer_high else -rank[None, :], -np.inf)
    return np.argmax(key, axis=1)


def best_response_path(
    game: SovereignGame,
    start: Sequence[int],
    *,
    prefer_high: bool,
    rule: str = "simultaneous",
    max_rounds: int = 10_000,
    start_name: str = "custom",
) -> BestResponsePath:
    """Iterate best responses from ``start`` (label indices) until a fixed point or a cycle.

    ``rule="simultaneous"`` (Jacobi) updates every player at once; ``"sequential"``
    (Gauss-Seidel) updates one player at a time in roster order, one round per sweep.
    """
    rank = _order(game)
    tol = 1e-12 * game.payoff_scale
    prof = np.array(start, dtype=int)
    seen = {tuple(prof): 0}
    visited = [tuple(int(k) for k in prof)]
    monotone_up = monotone_down = True
    for _ in range(max_rounds):
        if rule == "simultaneous":
            new = _best_labels(game.action_payoffs(prof), rank, prefer_high, tol)
        else:
            new = _sequential_round(game, prof, rank, prefer_high, tol)
        d = rank[new] - rank[prof]
        monotone_up &= bool(np.all(d >= 0))
        monotone_down &= bool(np.all(d <= 0))
        if np.array_equal(new, prof):
            return BestResponsePath(
                start_name, tuple(visited), True, monotone_up or monotone_down, rule
            )
        key = tuple(int(k) for k in new)
        visited.append(key)
        if key in seen:
            return BestResponsePath(
                start_name, tuple(visited), False, monotone_up or monotone_down, rule
            )
        seen[key] = len(visited) - 1
        prof = new
    return BestResponsePath(start_name, tuple(visited), False, monotone_up or monotone_down, rule)


def _sequential_round(
    game: SovereignGame, prof: np.ndarray, rank: np.ndarray, prefer_high: bool, tol: float
) -> np.ndarray:
    """One Gauss-Seidel sweep in roster order: each player in turn switches to a best response
    given the current profile. Players already best-responding are skipped in one vectorized
    check, so a sweep costs one O(N A) evaluation per switch rather than per player."""
    n = game.num_players
    rows = np.arange(n)
    new = prof.copy()
    i = 0
    while i < n:
        u = game.action_payoffs(new)
        br = _best_labels(u, rank, prefer_high, tol)
        wants = np.flatnonzero((br != new) & (u[rows, br] > u[rows, new] + tol))
        wants = wants[wants >= i]
        if wants.size == 0:
            break
        j = int(wants[0])
        new[j] = br[j]
        i = j + 1
    return new


def extremal_starts(game: SovereignGame) -> dict[str, np.ndarray]:
    """Lowest, highest and status-quo profiles (label indices over each player's actions)."""
    rank = _order(game)
    avail = game.flows.available
    low = np.where(avail, rank[None, :], 99).argmin(axis=1)
    high = np.where(avail, rank[None, :], -99).argmax(axis=1)
    hold = game.action_labels.index("hold") if "hold" in game.action_labels else None
    sq = np.where(avail[:, hold], hold, low) if hold is not None else low
    return {"lowest": low, "highest": high, "status_quo": sq}


def aggregative_solve(
    game: SovereignGame,
    *,
    starts: Sequence[str] = ("lowest", "highest", "status_quo"),
    max_rounds: int = 10_000,
    progress: bool | Callable[[int, int], None] = False,
) -> SolveResult:
    """Extremal pure equilibria by monotone best-response iteration (no payoff tensor).

    Returns the equilibria reached from the lowest profile (the least equilibrium when the
    game is supermodular), the highest (the greatest) and the status quo, de-duplicated and
    verified. ``complete`` is False: the set between the extremes is not enumerated.
    """
    if not isinstance(game, SovereignGame):
        raise SolverError(
            f"the aggregative solver needs a SovereignGame, got {type(game).__name__}",
            fix="use method='pure' or 'all' for a normal-form Game",
        )
    all_starts = extremal_starts(game)
    unknown = [s for s in starts if s not in all_starts]
    if unknown:
        raise SolverError(f"unknown start(s) {unknown}", fix=f"use {sorted(all_starts)}")
    with Timer() as t:
        paths: list[BestResponsePath] = []
        for k, name in enumerate(starts):
            path = best_response_path(
                game,
                all_starts[name],
                prefer_high=(name == "highest"),
                max_rounds=max_rounds,
                start_name=name,
            )
            if not path.converged:
                path = best_response_path(
                    game,
                    all_starts[name],
                    prefer_high=(name == "highest"),
                    rule="sequential",
                    max_rounds=max_rounds,
                    start_name=name,
                )
            paths.append(path)
            if callable(progress):
                progress(k + 1, len(starts))
        candidates = []
        notes = []
        for p in paths:
            if not p.converged:
                notes.append(f"best responses from {p.start} did not converge ({p.rounds} rounds)")
                continue
            idx = [game.actions[i].index(game.action_labels[lab]) for i, lab in enumerate(p.final)]
            candidates.append(_profile(game, idx))
            notes.append(
                f"from {p.start}: {p.rule} best responses converged in {p.rounds} round(s)"
                f"{', monotone' if p.monotone else ', not monotone'}"
            )
        supermodular_path = all(p.monotone for p in paths if p.converged)
        if supermodular_path:
            notes.append(
                "paths were monotone: the lowest/highest results are the least/greatest "
                "equilibria if the game is supermodular"
            )
    result = make_result(
        game,
        "aggregative",
        candidates,
        parameters={"starts": list(starts), "max_rounds": max_rounds},
        complete=False,
        exact=True,
        elapsed_s=t.elapsed_s,
        notes=notes,
    )
    return result


def _profile(game: SovereignGame, idx: Sequence[int]) -> list[np.ndarray]:
    out = []
    for i, k in enumerate(idx):
        v = np.zeros(len(game.actions[i]))
        v[k] = 1.0
        out.append(v)
    return out


def synthetic_roster(n_players: int, *, seed: int = 0) -> dict:
    """A random but plausible roster mapping (for tests and benchmarks of large games).

    Reserves are log-uniform between $1B and $3T, holdings log-uniform up to 200,000 BTC for a
    third of the players; behavioural parameters uniform on the baseline's ranges.
    """
    rng = np.random.default_rng(seed)
    sov = []
    for i in range(n_players):
        holds = rng.random() < 1 / 3
        sov.append(
            {
                "name": f"S{i + 1:04d}",
                "reserves_usd": float(10 ** rng.uniform(9, 12.5)),
                "holdings_btc": float(10 ** rng.uniform(2, 5.3)) if holds else 0.0,
                "max_buy_share": float(rng.uniform(0.001, 0.02)),
                "strategic_weight": float(rng.uniform(0, 0.02)),
                "cost_of_capital_pa": float(rng.uniform(0.0, 0.08)),
                "risk_aversion": float(rng.uniform(0.5, 5)),
                "political_cost_usd": float(10 ** rng.uniform(6, 9.5)),
            }
        )
    return {
        "name": f"synthetic-{n_players}",
        "market": {
            "price_usd": 91770,
            "supply_btc": 19_950_000,
            "flow_multiplier": 5.0,
            "vol_pa": 0.5,
            "horizon_years": 3.0,
            "value_belief_usd": 100000,
        },
        "game": {"actions": ["accumulate", "sell"]},
        "sovereigns": sov,
    }
