"""Learning and evolutionary dynamics for N-player games, and basins of attraction.

Notation as in :mod:`reserves.nash.normal_form`: ``x_i`` is player i's mixed strategy,
``v_i(a)`` the payoff of pure action ``a`` against the others' mix and ``x_i . v_i`` her
expected payoff; ``S`` is the game's payoff spread (time is measured in units of ``1 / S`` so
that the dynamics do not depend on the currency of the payoffs).

- Replicator ODE (Taylor and Jonker 1978; Hofbauer and Sigmund 1998, ch. 7)::

      dx_i(a)/dt = x_i(a) (v_i(a) - x_i . v_i) / S

- Discrete replicator (the Euler map, which keeps the simplex exactly for ``h <= 1``)::

      x_i(a) <- x_i(a) [1 + h (v_i(a) - x_i . v_i) / S]

- Best-response dynamics on pure profiles: every player (``"simultaneous"``) or one player at a
  time in roster order (``"sequential"``) switches to a best response; a revisited profile is a
  cycle.
- Fictitious play (Brown 1951; Fudenberg and Levine 1998, ch. 2): each round every player
  best-responds to the product of the others' empirical action frequencies. The empirical
  frequencies converge to a Nash equilibrium in two-player zero-sum games (Robinson 1951) even
  when the play itself cycles, as in matching pennies.

Every end point is verified by its max regret (:func:`reserves.nash.verify.max_regret`) and is
reported as an :class:`~reserves.nash.result.Equilibrium` only if the regret is at most
``tol * S``; otherwise the result says ``"cycle"`` (a revisited profile, or a non-convergent
oscillation) or ``"max_steps"``.

:func:`basins` runs the discrete replicator from a grid of interior starting points of a game
where every player has two actions and reports the share that reaches each equilibrium.

References
----------
Hofbauer, J. and Sigmund, K. (1998). Evolutionary Games and Population Dynamics. CUP.
Fudenberg, D. and Levine, D. (1998). The Theory of Learning in Games. MIT Press.
Robinson, J. (1951). An iterative method of solving a game. Ann. Math. 54.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reserves.errors import ReservesError, SolverError
from reserves.nash.normal_form import Game, as_game
from reserves.nash.result import Equilibrium, make_result
from reserves.nash.verify import max_regret

Progress = bool | Callable[[int, int], None]

#: statuses of a dynamics run
STATUSES: tuple[str, ...] = ("converged", "cycle", "max_steps")


# --------------------------------------------------------------------------- helpers
def _progress_callback(progress: Progress, total: int, desc: str) -> tuple[Callable, Callable]:
    """(update(k), close()) for ``progress`` = False, True (tqdm) or a callable(k, total)."""
    if callable(progress):
        return (lambda k: progress(k, total)), (lambda: None)
    if progress:
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover
            return (lambda k: None), (lambda: None)
        bar = tqdm(total=total, desc=desc)
        state = {"k": 0}

        def update(k: int) -> None:
            bar.update(k - state["k"])
            state["k"] = k

        return update, bar.close
    return (lambda k: None), (lambda: None)


def _start_profile(game: Game, x0: Any) -> list[np.ndarray]:
    """Mixed starting profile: default uniform; a sequence of vectors; or per-player action
    indices / names (pure)."""
    if x0 is None:
        return game.uniform_profile()
    if isinstance(x0, str) or not isinstance(x0, Sequence | np.ndarray):
        raise ReservesError(f"cannot read start {x0!r}", field="x0", fix="give one vector a player")
    items = list(x0)
    if len(items) == game.num_players and all(isinstance(v, int | np.integer | str) for v in items):
        return game.pure_profile(_action_indices(game, items))
    return game.check_profile(items)


def _action_indices(game: Game, items: Sequence[Any]) -> list[int]:
    out = []
    for i, v in enumerate(items):
        if isinstance(v, str):
            if v not in game.actions[i]:
                raise ReservesError(
                    f"player {game.players[i]} has no action {v!r}",
                    field=f"start[{i}]",
                    fix=f"use one of {list(game.actions[i])}",
                )
            out.append(game.actions[i].index(v))
        else:
            k = int(v)
            if not 0 <= k < game.shape[i]:
                raise ReservesError(
                    f"action index {k} out of range for player {game.players[i]}",
                    field=f"start[{i}]",
                )
            out.append(k)
    return out


def _deviation_fn(G: Game) -> Callable[[Sequence[np.ndarray]], list[np.ndarray]]:
    """``v_i`` for every player: two matrix-vector products for bimatrix games, the general
    tensor contraction of :meth:`Game.deviation_payoffs` otherwise."""
    if G.num_players == 2:
        A, B = G.payoffs[0], G.payoffs[1]
        return lambda x: [A @ x[1], x[0] @ B]
    return G.deviation_payoffs


def _flatten(profile: Sequence[np.ndarray]) -> np.ndarray:
    return np.concatenate([np.asarray(s, dtype=float) for s in profile])


def _split(flat: np.ndarray, shape: Sequence[int]) -> list[np.ndarray]:
    return np.split(np.asarray(flat, dtype=float), np.cumsum(shape)[:-1])


def _oscillates(traj: np.ndarray, *, min_turns: int = 4) -> bool:
    """True when some coordinate reverses direction at least ``min_turns`` times and its
    amplitude in the last third of the run is at least half that of the first third (a cycle,
    or an orbit spiralling out to a boundary cycle, rather than a damped spiral)."""
    T = traj.shape[0]
    if T < 8:
        return False
    d = np.diff(traj, axis=0)
    big = np.abs(d) > 1e-12
    third = T // 3
    for k in range(traj.shape[1]):
        s = np.sign(d[big[:, k], k])
        turns = int(np.count_nonzero(s[1:] != s[:-1]))
        if turns >= min_turns:
            amp_early = np.ptp(traj[:third, k])
            amp_late = np.ptp(traj[-third:, k])
            if amp_early > 0 and amp_late >= 0.5 * amp_early and amp_late > 1e-6:
                return True
    return False


def _verified_end(
    game: Game, profile: Sequence[np.ndarray], method: str, tol: float
) -> tuple[float, Equilibrium | None, list[np.ndarray]]:
    """Max regret of the end point; the verified equilibrium (the nearby pure profile when the
    end point is within 1e-6 of a vertex and that vertex verifies), else None."""
    prof = [np.asarray(s, dtype=float) for s in profile]
    regret = max_regret(game, prof)
    if all(float(s.max()) >= 1 - 1e-6 for s in prof):
        pure = game.pure_profile([int(np.argmax(s)) for s in prof])
        r_pure = max_regret(game, pure)
        if r_pure <= tol * game.payoff_scale:
            prof, regret = pure, r_pure
    if regret <= tol * game.payoff_scale:
        res = make_result(game, method, [prof], tol=tol)
        if len(res):
            return regret, res[0], prof
    return regret, None, prof


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class DynamicsResult:
    """One run of a dynamic.

    Attributes
    ----------
    method:
        ``"replicator"``, ``"replicator-ode"``, ``"best-response"`` or ``"fictitious-play"``.
    trajectory:
        array ``(T, sum_i n_i)``: the players' strategies concatenated, one row per step
        (for fictitious play: the empirical frequencies).
    times:
        step number or ODE time (in units of ``1 / payoff_scale``), shape ``(T,)``.
    final:
        the end point (mixed profile; for best-response dynamics a pure profile).
    regret:
        max regret of ``final`` (payoff units), computed independently.
    status:
        ``"converged"`` (and verified), ``"cycle"`` or ``"max_steps"``.
    equilibrium:
        the verified equilibrium reached, or ``None``.
    cycle_length:
        period of a detected cycle of pure profiles (best response, play of fictitious play).
    """

    method: str
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    trajectory: np.ndarray
    times: np.ndarray
    final: tuple[np.ndarray, ...]
    regret: float
    status: str
    equilibrium: Equilibrium | None = None
    cycle_length: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def cycled(self) -> bool:
        return self.status == "cycle"

    @property
    def steps(self) -> int:
        return int(self.trajectory.shape[0] - 1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the trajectory is thinned to at most 200 rows)."""
        stride = max(1, self.trajectory.shape[0] // 200)
        return {
            "method": self.method,
            "players": list(self.players),
            "actions": [list(a) for a in self.actions],
            "status": self.status,
            "regret": float(self.regret),
            "final": [[float(x) for x in s] for s in self.final],
            "equilibrium": None if self.equilibrium is None else self.equilibrium.to_dict(),
            "cycle_length": self.cycle_length,
            "steps": self.steps,
            "parameters": {k: _plain(v) for k, v in self.parameters.items()},
            "notes": list(self.notes),
            "times": self.times[::stride].tolist(),
            "trajectory": self.trajectory[::stride].tolist(),
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """Long pandas DataFrame: ``time, player, action, prob`` (for charts)."""
        import pandas as pd

        stride = max(1, self.trajectory.shape[0] // 2000)
        traj = self.trajectory[::stride]
        times = self.times[::stride]
        cols = [(p, a) for p, acts in zip(self.players, self.actions, strict=True) for a in acts]
        T = traj.shape[0]
        return pd.DataFrame(
            {
                "time": np.repeat(times, len(cols)),
                "player": np.tile([c[0] for c in cols], T),
                "action": np.tile([c[1] for c in cols], T),
                "prob": traj.ravel(),
            }
        )


def _plain(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _result(
    game: Game,
    method: str,
    traj: list[np.ndarray] | np.ndarray,
    times: np.ndarray,
    final: Sequence[np.ndarray],
    status: str,
    tol: float,
    *,
    cycle_length: int | None = None,
    parameters: dict[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> DynamicsResult:
    regret, eq, final = _verified_end(game, final, method, tol)
    notes = list(notes)
    if status == "converged" and eq is None:
        # a rest point that is not an equilibrium: pure profiles are rest points of the
        # replicator, and an orbit spiralling out to the boundary (matching pennies) stalls there
        status = "cycle" if _oscillates(np.asarray(traj, dtype=float)) else "max_steps"
        notes.append(
            f"stalled at a rest point with regret {regret:.3g}: not an equilibrium"
            + (" (the orbit oscillated out to the boundary cycle)" if status == "cycle" else "")
        )
    return DynamicsResult(
        method=method,
        players=tuple(game.players),
        actions=tuple(tuple(a) for a in game.actions),
        trajectory=np.asarray(traj, dtype=float),
        times=np.asarray(times, dtype=float),
        final=tuple(np.asarray(s, dtype=float) for s in final),
        regret=float(regret),
        status=status,
        equilibrium=eq,
        cycle_length=cycle_length,
        parameters=dict(parameters or {}),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- replicator
def replicator(
    game: Any,
    x0: Any = None,
    *,
    step_size: float = 0.5,
    max_steps: int = 20_000,
    tol: float = 1e-7,
    stop_tol: float = 1e-12,
    progress: Progress = False,
) -> DynamicsResult:
    """Discrete-time replicator dynamics (Hofbauer and Sigmund 1998, sec. 7.1).

    ``x_i(a) <- x_i(a) [1 + h (v_i(a) - x_i . v_i) / S]`` with step ``h = step_size`` in
    ``(0, 1]`` (the map keeps each ``x_i`` on its simplex exactly). Stops when no coordinate
    moves more than ``stop_tol``; the end point is verified by regret (``<= tol * S``).
    Pure profiles are rest points, so start in the interior (default: uniform) to learn
    anything. Non-convergent oscillation (matching pennies) is reported as ``"cycle"``.
    """
    G = as_game(game)
    if not 0 < step_size <= 1:
        raise ReservesError(
            f"step_size = {step_size} must be in (0, 1]", field="step_size", fix="use 0.5"
        )
    x = [s.copy() for s in _start_profile(G, x0)]
    S = G.payoff_scale
    dev = _deviation_fn(G)
    traj = [_flatten(x)]
    status = "max_steps"
    update, close = _progress_callback(progress, max_steps, "replicator")
    for t in range(1, max_steps + 1):
        v = dev(x)
        new = []
        for s, d in zip(x, v, strict=True):
            y = s * (1.0 + step_size * (d - s @ d) / S)
            y = np.clip(y, 0.0, None)
            new.append(y / y.sum())
        delta = max(float(np.max(np.abs(a - b))) for a, b in zip(new, x, strict=True))
        x = new
        traj.append(_flatten(x))
        if t % 500 == 0:
            update(t)
        if delta < stop_tol:
            status = "converged"
            break
    close()
    arr = np.asarray(traj)
    if status != "converged" and _oscillates(arr):
        status = "cycle"
    return _result(
        G,
        "replicator",
        arr,
        np.arange(arr.shape[0], dtype=float),
        x,
        status,
        tol,
        parameters={"step_size": step_size, "max_steps": max_steps},
    )


def replicator_ode(
    game: Any,
    x0: Any = None,
    *,
    t_max: float = 200.0,
    num_points: int = 2001,
    tol: float = 1e-7,
    method: str = "LSODA",
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> DynamicsResult:
    """Replicator ODE ``dx_i(a)/dt = x_i(a)(v_i(a) - x_i . v_i) / S`` by
    :func:`scipy.integrate.solve_ivp` (Taylor and Jonker 1978; Hofbauer and Sigmund 1998).

    ``"converged"`` when the vector field at the end is below ``1e-9``; ``"cycle"`` when the
    orbit keeps oscillating (matching pennies has closed orbits around the mixed equilibrium).
    """
    from scipy.integrate import solve_ivp

    G = as_game(game)
    if t_max <= 0 or num_points < 2:
        raise ReservesError("t_max must be > 0 and num_points >= 2", field="t_max")
    x = _start_profile(G, x0)
    S = G.payoff_scale
    shape = G.shape
    dev = _deviation_fn(G)

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        parts = _split(y, shape)
        v = dev(parts)
        return np.concatenate([s * (d - s @ d) / S for s, d in zip(parts, v, strict=True)])

    t_eval = np.linspace(0.0, t_max, num_points)
    sol = solve_ivp(
        rhs, (0.0, t_max), _flatten(x), method=method, t_eval=t_eval, rtol=rtol, atol=atol
    )
    if not sol.success:
        raise SolverError(f"solve_ivp failed: {sol.message}", field="method", fix="try 'RK45'")
    traj = np.clip(sol.y.T, 0.0, None)
    final = [s / s.sum() for s in _split(traj[-1], shape)]
    speed = float(np.max(np.abs(rhs(t_max, _flatten(final)))))
    if speed < 1e-9:
        status = "converged"
    elif _oscillates(traj):
        status = "cycle"
    else:
        status = "max_steps"
    return _result(
        G,
        "replicator-ode",
        traj,
        sol.t,
        final,
        status,
        tol,
        parameters={"t_max": t_max, "method": method},
    )


# --------------------------------------------------------------------------- pure dynamics
def _pure_payoff_rows(G: Game, idx: Sequence[int]) -> list[np.ndarray]:
    """Payoff of each own action for each player against the others' pure actions."""
    out = []
    for i in range(G.num_players):
        fibre = (i, *idx[:i], slice(None), *idx[i + 1 :])
        out.append(np.asarray(G.payoffs[fibre]))
    return out


def best_response_dynamics(
    game: Any,
    start: Sequence[int | str] | None = None,
    *,
    rule: str = "simultaneous",
    max_rounds: int = 1_000,
    tol: float = 1e-7,
) -> DynamicsResult:
    """Best-response dynamics on pure profiles (Fudenberg and Levine 1998, sec. 1.2).

    A player switches only when another action is strictly better (by more than
    ``1e-12 S``); ties go to the lowest index. ``rule="simultaneous"`` updates all players each
    round, ``"sequential"`` one at a time in roster order (a round is one sweep). Converges at a
    pure Nash equilibrium; a revisited profile is reported as a ``"cycle"`` with its length.
    Default start: every player's first action.
    """
    G = as_game(game)
    if rule not in ("simultaneous", "sequential"):
        raise ReservesError(
            f"unknown rule {rule!r}", field="rule", fix="use 'simultaneous' or 'sequential'"
        )
    idx = [0] * G.num_players if start is None else _action_indices(G, list(start))
    eps = 1e-12 * G.payoff_scale
    seen = {tuple(idx): 0}
    visited = [list(idx)]
    status, cycle = "max_steps", None
    for _ in range(max_rounds):
        new = list(idx)
        if rule == "simultaneous":
            rows = _pure_payoff_rows(G, idx)
            for i, r in enumerate(rows):
                if r.max() > r[idx[i]] + eps:
                    new[i] = int(np.argmax(r))
        else:
            for i in range(G.num_players):
                r = _pure_payoff_rows(G, new)[i]
                if r.max() > r[new[i]] + eps:
                    new[i] = int(np.argmax(r))
        if new == idx:
            status = "converged"
            break
        idx = new
        key = tuple(idx)
        visited.append(list(idx))
        if key in seen:
            status, cycle = "cycle", len(visited) - 1 - seen[key]
            break
        seen[key] = len(visited) - 1
    traj = np.array([_flatten(G.pure_profile(p)) for p in visited])
    return _result(
        G,
        "best-response",
        traj,
        np.arange(len(visited), dtype=float),
        G.pure_profile(idx),
        status,
        tol,
        cycle_length=cycle,
        parameters={"rule": rule, "max_rounds": max_rounds},
    )


def fictitious_play(
    game: Any,
    start: Sequence[int | str] | None = None,
    *,
    rounds: int = 5_000,
    tol: float = 1e-7,
    settle_rounds: int = 50,
) -> DynamicsResult:
    """Simultaneous fictitious play (Brown 1951; Fudenberg and Levine 1998, ch. 2).

    Round ``t``: every player plays a pure best response to the product of the others'
    empirical frequencies ``f_j = (counts of j's actions) / t``. Stops as ``"converged"`` when
    the play has stayed at one verified pure equilibrium for ``settle_rounds`` rounds (the end
    point is then that profile). Otherwise the end point is the empirical frequencies; if the
    play revisits profiles in a loop the status is ``"cycle"`` (matching pennies: the play
    cycles while the frequencies approach the mixed equilibrium, whose regret is reported).
    """
    G = as_game(game)
    idx = [0] * G.num_players if start is None else _action_indices(G, list(start))
    counts = [np.zeros(n) for n in G.shape]
    for c, k in zip(counts, idx, strict=True):
        c[k] += 1
    traj = [_flatten([c / c.sum() for c in counts])]
    plays = [tuple(idx)]
    stay = 0
    status = "max_steps"
    dev = _deviation_fn(G)
    for t in range(1, rounds + 1):
        freq = [c / t for c in counts]
        v = dev(freq)
        play = tuple(int(np.argmax(d)) for d in v)
        for c, k in zip(counts, play, strict=True):
            c[k] += 1
        traj.append(_flatten([c / (t + 1) for c in counts]))
        stay = stay + 1 if play == plays[-1] else 0
        plays.append(play)
        if stay >= settle_rounds and max_regret(G, G.pure_profile(play)) <= tol * G.payoff_scale:
            status = "converged"
            break
    cycle = None
    final: list[np.ndarray]
    if status == "converged":
        final = G.pure_profile(plays[-1])
    else:
        final = [c / c.sum() for c in counts]
        tail = plays[len(plays) // 2 :]
        if len(set(tail)) > 1:
            status = "cycle"
            cycle = _play_period(tail)
    return _result(
        G,
        "fictitious-play",
        np.asarray(traj),
        np.arange(len(traj), dtype=float),
        final,
        status,
        tol,
        cycle_length=cycle,
        parameters={"rounds": rounds},
        notes=(
            ()
            if status != "cycle"
            else ("the play cycles; the end point is the empirical frequency of play",)
        ),
    )


def _play_period(tail: Sequence[tuple[int, ...]]) -> int | None:
    """Number of distinct profiles visited in one loop of a cyclic play sequence."""
    distinct: list[tuple[int, ...]] = []
    for p in tail:
        if not distinct or distinct[-1] != p:
            distinct.append(p)
    for period in range(1, len(distinct) // 2 + 1):
        if all(distinct[k] == distinct[k + period] for k in range(len(distinct) - period)):
            return period
    return None


# --------------------------------------------------------------------------- basins
@dataclass(frozen=True)
class BasinsResult:
    """Where the discrete replicator goes from a grid of interior starting points.

    ``starts`` (K, N): each player's initial probability of her *first* action;
    ``outcome`` (K,): index into ``outcomes`` (the verified equilibria reached, by action
    names) or -1 when the run did not reach a verified equilibrium; ``shares``: the fraction of
    starts reaching each outcome.
    """

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    starts: np.ndarray
    outcome: np.ndarray
    outcomes: tuple[tuple[str, ...], ...]
    shares: dict[str, float]
    regrets: np.ndarray
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "players": list(self.players),
            "actions": [list(a) for a in self.actions],
            "outcomes": [list(o) for o in self.outcomes],
            "shares": dict(self.shares),
            "num_starts": int(self.starts.shape[0]),
            "parameters": {k: _plain(v) for k, v in self.parameters.items()},
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """One row per start: each player's initial probability of her first action, outcome."""
        import pandas as pd

        df = pd.DataFrame(
            self.starts,
            columns=[f"{p}: {a[0]}" for p, a in zip(self.players, self.actions, strict=True)],
        )
        df["outcome"] = [
            "not converged" if k < 0 else ", ".join(self.outcomes[k]) for k in self.outcome
        ]
        return df


def _batched_deviation_payoffs(G: Game, X: list[np.ndarray]) -> list[np.ndarray]:
    """``v_i(a)`` for K profiles at once: ``X[j]`` has shape (K, n_j); returns (K, n_i) arrays."""
    K = X[0].shape[0]
    out = []
    for i in range(G.num_players):
        n_i = G.shape[i]
        U = np.moveaxis(G.payoffs[i], i, 0).reshape(n_i, -1)
        W = np.ones((K, 1))
        for j in range(G.num_players):
            if j == i:
                continue
            W = (W[:, :, None] * X[j][:, None, :]).reshape(K, -1)
        out.append(W @ U.T)
    return out


def basins(
    game: Any,
    grid: int = 21,
    *,
    samples: int | None = None,
    seed: int = 0,
    step_size: float = 1.0,
    max_steps: int = 5_000,
    tol: float = 1e-7,
    max_starts: int = 20_000,
) -> BasinsResult:
    """Basins of attraction of the discrete replicator for games where every player has two
    actions (Hofbauer and Sigmund 1998, ch. 7).

    Starting points: every player's probability of her first action on the interior grid
    ``(k + 0.5) / grid`` (``grid**N`` points), or ``samples`` uniform random points. All runs
    advance together (one batched contraction per step). Each end point is rounded to the
    nearest vertex and counted for that pure equilibrium only if its regret verifies
    (``<= tol * S``); mixed end points are counted when they verify themselves.
    """
    G = as_game(game)
    if any(n != 2 for n in G.shape):
        raise ReservesError(
            f"basins are computed for games where every player has 2 actions; shape {G.shape}",
            field="game",
            fix="restrict the game to two actions per player (Game.restrict)",
        )
    N = G.num_players
    if samples is None:
        if grid < 1 or grid**N > max_starts:
            raise ReservesError(
                f"a grid of {grid} points per player gives {grid**N:,} starts for {N} players "
                f"(limit {max_starts:,})",
                field="grid",
                fix="lower grid, or pass samples=K for K random starting points",
            )
        axis = (np.arange(grid) + 0.5) / grid
        starts = np.stack(np.meshgrid(*([axis] * N), indexing="ij"), axis=-1).reshape(-1, N)
    else:
        if samples < 1 or samples > max_starts:
            raise ReservesError(f"samples = {samples} out of range", field="samples")
        starts = np.random.default_rng(seed).uniform(0.01, 0.99, size=(samples, N))
    S = G.payoff_scale
    y = starts.copy()
    for _ in range(max_steps):
        X = [np.stack([y[:, j], 1 - y[:, j]], axis=1) for j in range(N)]
        v = _batched_deviation_payoffs(G, X)
        new = np.empty_like(y)
        for j in range(N):
            d = v[j][:, 0] - v[j][:, 1]
            # replicator on two actions: y' = y + h y (1 - y) (v_0 - v_1) / S
            new[:, j] = np.clip(y[:, j] + step_size * y[:, j] * (1 - y[:, j]) * d / S, 0, 1)
        moved = float(np.max(np.abs(new - y)))
        y = new
        if moved < 1e-13:
            break
    outcomes: list[tuple[str, ...]] = []
    outcome = np.full(y.shape[0], -1)
    regrets = np.zeros(y.shape[0])
    cache: dict[tuple, tuple[float, tuple[str, ...] | None]] = {}
    for k, row in enumerate(y):
        near_vertex = bool(np.all(np.minimum(row, 1 - row) < 1e-6))
        key = tuple(np.round(row).astype(int)) if near_vertex else tuple(np.round(row, 6))
        if key not in cache:
            prof = [np.array([p, 1 - p]) for p in (np.round(row) if near_vertex else row)]
            r = max_regret(G, prof)
            if r <= tol * S:
                names = tuple(
                    G.actions[i][0 if p[0] >= 0.5 else 1]
                    if near_vertex
                    else f"{G.actions[i][0]} {p[0]:.3g}"
                    for i, p in enumerate(prof)
                )
            else:
                names = None
            cache[key] = (r, names)
        r, names = cache[key]
        regrets[k] = r
        if names is not None:
            if names not in outcomes:
                outcomes.append(names)
            outcome[k] = outcomes.index(names)
    K = y.shape[0]
    shares = {", ".join(o): float(np.mean(outcome == j)) for j, o in enumerate(outcomes)}
    if np.any(outcome < 0):
        shares["not converged"] = float(np.mean(outcome < 0))
    return BasinsResult(
        players=tuple(G.players),
        actions=tuple(tuple(a) for a in G.actions),
        starts=starts,
        outcome=outcome,
        outcomes=tuple(outcomes),
        shares=shares,
        regrets=regrets,
        parameters={"grid": grid, "samples": samples, "num_starts": K, "step_size": step_size},
    )


__all__ = [
    "BasinsResult",
    "DynamicsResult",
    "basins",
    "best_response_dynamics",
    "fictitious_play",
    "replicator",
    "replicator_ode",
]
