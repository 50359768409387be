"""N-player normal-form games held as payoff tensors.

Convention: ``payoffs[i]`` is player ``i``'s payoff array of shape ``(n_0, ..., n_{N-1})``
indexed by the joint pure profile; a mixed profile is a sequence of probability vectors, one per
player. For player ``i`` facing the others' mixed strategies ``sigma_{-i}``, the *deviation
payoffs* are

    v_i(a) = sum_{a_{-i}} u_i(a, a_{-i}) prod_{j != i} sigma_j(a_j),

the expected payoff ``u_i(sigma) = sigma_i . v_i`` and the regret
``max_a v_i(a) - u_i(sigma)`` (zero for every player exactly at a Nash equilibrium).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from reserves.errors import GameFormatError

MixedProfile = Sequence[np.ndarray]


def _default_actions(shape: Sequence[int]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(f"a{k + 1}" for k in range(n)) for n in shape)


@dataclass(frozen=True, eq=False)
class Game:
    """A finite N-player game in normal form.

    Parameters
    ----------
    payoffs:
        float array of shape ``(N, n_0, ..., n_{N-1})``.
    players:
        player names (default ``P1 ... PN``).
    actions:
        one tuple of action names per player (default ``a1 ... an``).
    title:
        free text (``.nfg`` title).
    """

    payoffs: np.ndarray
    players: tuple[str, ...] = ()
    actions: tuple[tuple[str, ...], ...] = ()
    title: str = ""
    _scale: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        p = np.asarray(self.payoffs, dtype=float)
        if p.ndim < 2:
            raise GameFormatError(
                f"payoff array must have shape (N, n_1, ..., n_N); got shape {p.shape}",
                field="payoffs",
            )
        n = p.shape[0]
        if p.ndim != n + 1:
            raise GameFormatError(
                f"{n} players need a payoff array with {n + 1} axes, got {p.ndim} "
                f"(shape {p.shape})",
                field="payoffs",
                fix="stack one array of shape (n_1, ..., n_N) per player",
            )
        if any(k < 1 for k in p.shape[1:]):
            raise GameFormatError(
                f"every player needs at least one action; shape {p.shape}", field="payoffs"
            )
        if not np.all(np.isfinite(p)):
            bad = np.argwhere(~np.isfinite(p))[0]
            raise GameFormatError(
                f"payoffs must be finite numbers; found {p[tuple(bad)]} at player {bad[0] + 1}, "
                f"profile {tuple(int(b) + 1 for b in bad[1:])}",
                field="payoffs",
            )
        p.setflags(write=False)
        object.__setattr__(self, "payoffs", p)
        players = tuple(self.players) or tuple(f"P{i + 1}" for i in range(n))
        if len(players) != n:
            raise GameFormatError(f"{len(players)} player names for {n} players", field="players")
        actions = tuple(tuple(a) for a in self.actions) or _default_actions(p.shape[1:])
        if len(actions) != n or any(len(a) != k for a, k in zip(actions, p.shape[1:], strict=True)):
            raise GameFormatError(
                f"action names {[len(a) for a in actions]} do not match the payoff shape "
                f"{p.shape[1:]}",
                field="actions",
            )
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "actions", actions)
        span = float(np.max(p) - np.min(p)) if p.size else 0.0
        object.__setattr__(self, "_scale", max(span, float(np.max(np.abs(p))) * 1e-12, 1e-300))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(
        cls,
        *arrays: np.ndarray | Sequence,
        players: Sequence[str] | None = None,
        actions: Sequence[Sequence[str]] | None = None,
        title: str = "",
    ) -> Game:
        """Build a game from one payoff array per player (or one stacked array).

        ``Game.from_arrays(A, B)`` is the bimatrix game where the row player gets ``A`` and the
        column player gets ``B``; ``Game.from_arrays(U)`` with ``U.shape == (N, n_1, ..., n_N)``.
        """
        try:
            if len(arrays) == 1:
                stacked = np.asarray(arrays[0], dtype=float)
            else:
                stacked = np.stack([np.asarray(a, dtype=float) for a in arrays])
        except (ValueError, TypeError) as exc:
            raise GameFormatError(
                f"payoff arrays must be numeric and of one shape: {exc}", field="payoffs"
            ) from None
        return cls(stacked, tuple(players or ()), tuple(tuple(a) for a in (actions or ())), title)

    @classmethod
    def symmetric_2x2(cls, R: float, S: float, T: float, P: float, **kw: object) -> Game:
        """The symmetric 2x2 game with row payoffs ``[[R, S], [T, P]]`` (cooperate, defect)."""
        A = np.array([[R, S], [T, P]], dtype=float)
        return cls.from_arrays(A, A.T, **kw)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ shape
    @property
    def num_players(self) -> int:
        return self.payoffs.shape[0]

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of actions of each player."""
        return tuple(self.payoffs.shape[1:])

    @property
    def num_profiles(self) -> int:
        return math.prod(self.shape)  # Python int: never overflows

    @property
    def payoff_scale(self) -> float:
        """Spread of all payoffs (max - min); regret tolerances are relative to it."""
        return self._scale

    def __repr__(self) -> str:
        dims = "x".join(map(str, self.shape))
        return f"Game({self.num_players} players, {dims}, title={self.title!r})"

    def __str__(self) -> str:
        lines = [repr(self)]
        if self.num_players == 2 and self.num_profiles <= 64:
            width = max(len(a) for acts in self.actions for a in acts) + 2
            header = " " * width + "".join(f"{a:>18}" for a in self.actions[1])
            lines.append(header)
            for r, ra in enumerate(self.actions[0]):
                cells = "".join(
                    f"{self.payoffs[0, r, c]:>8.4g},{self.payoffs[1, r, c]:<9.4g}"
                    for c in range(self.shape[1])
                )
                lines.append(f"{ra:<{width}}{cells}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ strategies
    def uniform_profile(self) -> list[np.ndarray]:
        return [np.full(n, 1.0 / n) for n in self.shape]

    def pure_profile(self, indices: Sequence[int]) -> list[np.ndarray]:
        """The mixed-profile form of a pure profile given by action indices."""
        out = []
        for n, k in zip(self.shape, indices, strict=True):
            v = np.zeros(n)
            v[int(k)] = 1.0
            out.append(v)
        return out

    def check_profile(self, profile: MixedProfile, *, tol: float = 1e-9) -> list[np.ndarray]:
        """Validate a mixed profile: one probability vector per player, each summing to 1."""
        if len(profile) != self.num_players:
            raise GameFormatError(
                f"profile has {len(profile)} strategies for {self.num_players} players",
                field="profile",
            )
        out = []
        for i, (s, n) in enumerate(zip(profile, self.shape, strict=True)):
            v = np.asarray(s, dtype=float).ravel()
            if v.shape != (n,):
                raise GameFormatError(
                    f"player {self.players[i]} has {n} actions but got {v.size} probabilities",
                    field=f"profile[{i}]",
                )
            if not np.all(np.isfinite(v)) or np.any(v < -tol) or abs(v.sum() - 1) > 1e-6:
                raise GameFormatError(
                    f"player {self.players[i]}'s strategy {v} is not a probability vector",
                    field=f"profile[{i}]",
                    fix="give non-negative numbers summing to 1",
                )
            out.append(np.clip(v, 0.0, None) / np.clip(v, 0.0, None).sum())
        return out

    # ------------------------------------------------------------------ payoffs
    def deviation_payoffs(self, profile: MixedProfile) -> list[np.ndarray]:
        """``v_i(a)`` for every player: payoff of each pure action against the others' mix."""
        sig = [np.asarray(s, dtype=float) for s in profile]
        n = self.num_players
        if self.num_profiles <= 4096:  # small tensors: one einsum per player (less overhead)
            axes = list(range(n))
            return [
                np.asarray(
                    np.einsum(
                        self.payoffs[i],
                        axes,
                        *[x for j in range(n) if j != i for x in (sig[j], [j])],
                        [i],
                    ),
                    dtype=float,
                )
                for i in range(n)
            ]
        out = []
        for i in range(n):
            t = self.payoffs[i]
            # contract the last axes first so that axis indices stay valid
            for j in range(n - 1, -1, -1):
                if j == i:
                    continue
                t = np.tensordot(t, sig[j], axes=([j], [0]))
            out.append(np.asarray(t, dtype=float))
        return out

    def expected_payoffs(self, profile: MixedProfile) -> np.ndarray:
        """``u_i(sigma)`` for every player."""
        dev = self.deviation_payoffs(profile)
        return np.array(
            [float(d @ np.asarray(s, dtype=float)) for d, s in zip(dev, profile, strict=True)]
        )

    def regrets(self, profile: MixedProfile) -> np.ndarray:
        """Per-player regret ``max_a v_i(a) - sigma_i . v_i`` (non-negative)."""
        dev = self.deviation_payoffs(profile)
        return np.array(
            [
                max(float(d.max() - d @ np.asarray(s, dtype=float)), 0.0)
                for d, s in zip(dev, profile, strict=True)
            ]
        )

    def max_regret(self, profile: MixedProfile) -> float:
        """Largest regret over players (0 at an exact Nash equilibrium)."""
        return float(self.regrets(profile).max())

    def is_nash(self, profile: MixedProfile, *, tol: float = 1e-8) -> bool:
        """True when the max regret is at most ``tol`` times :attr:`payoff_scale`."""
        return self.max_regret(profile) <= tol * self.payoff_scale

    def best_responses(self, profile: MixedProfile, *, tol: float = 1e-12) -> list[np.ndarray]:
        """Indices of each player's pure best responses to the others' mixed strategies."""
        dev = self.deviation_payoffs(profile)
        return [np.flatnonzero(d >= d.max() - tol * self.payoff_scale) for d in dev]

    # ------------------------------------------------------------------ transforms
    def restrict(self, keep: Sequence[Sequence[int]]) -> Game:
        """The subgame in which player ``i`` keeps only the actions ``keep[i]``."""
        idx = np.ix_(*[np.asarray(k, dtype=int) for k in keep])
        pay = np.stack([self.payoffs[i][idx] for i in range(self.num_players)])
        acts = tuple(tuple(self.actions[i][k] for k in keep[i]) for i in range(self.num_players))
        return Game(pay, self.players, acts, self.title)

    def is_symmetric(self, *, tol: float = 1e-12) -> bool:
        """True when all players share one action set and payoffs are permutation-invariant."""
        n = self.num_players
        if len(set(self.shape)) != 1:
            return False
        for i in range(n - 1):
            # swapping players i and i+1 must swap their payoff arrays
            perm = list(range(n))
            perm[i], perm[i + 1] = perm[i + 1], perm[i]
            if not np.allclose(
                self.payoffs[i], np.transpose(self.payoffs[i + 1], perm), atol=tol, rtol=0
            ):
                return False
            others = [k for k in range(n) if k not in (i, i + 1)]
            for k in others:
                if not np.allclose(
                    self.payoffs[k], np.transpose(self.payoffs[k], perm), atol=tol, rtol=0
                ):
                    return False
        return True

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Game)
            and self.players == other.players
            and self.actions == other.actions
            and self.payoffs.shape == other.payoffs.shape
            and bool(np.array_equal(self.payoffs, other.payoffs))
        )

    __hash__ = None  # type: ignore[assignment]


def as_game(game: object) -> Game:
    """``game`` as a payoff-tensor :class:`Game`: a ``Game`` itself, or any object with a
    ``to_game()`` method (a ``SovereignGame``, an expression game); the engine needs no more.

    Raises
    ------
    GameFormatError
        for anything else, naming its type and the fix.
    """
    if isinstance(game, Game):
        return game
    to_game = getattr(game, "to_game", None)
    if callable(to_game):
        return to_game()
    raise GameFormatError(
        f"cannot solve an object of type {type(game).__name__}",
        field="game",
        fix="pass a reserves.Game or an object with a to_game() method (e.g. a SovereignGame)",
    )
