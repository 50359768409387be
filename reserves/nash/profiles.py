"""Small shared helpers of the solvers: coerce a game, clean and embed mixed profiles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from reserves.errors import SolverError
from reserves.nash.normal_form import Game


def as_game(game: Any) -> Game:
    """``game`` itself, or ``game.to_game()`` for an object that offers it (duck-typed)."""
    if isinstance(game, Game):
        return game
    to_game = getattr(game, "to_game", None)
    if to_game is not None:
        return to_game()
    raise SolverError(f"expected a Game, got {type(game).__name__}", field="game")


def clean_profile(profile: Sequence[np.ndarray], tol: float = 1e-9) -> list[np.ndarray] | None:
    """Clip tiny negatives / imaginary parts and renormalise; None if not a probability profile.

    All players' strategies are checked in one pass over their concatenation (a handful of
    numpy calls per profile, whatever the number of players)."""
    parts = [np.asarray(s) for s in profile]
    if not parts:
        return []
    v = np.concatenate(parts) if len(parts) > 1 else parts[0].ravel()
    if np.iscomplexobj(v):
        if v.size and np.max(np.abs(v.imag)) > 1e-7:
            return None
        v = v.real
    v = np.array(v, dtype=float)  # a copy: the caller's arrays are left alone
    starts = np.cumsum([0] + [p.size for p in parts[:-1]])
    if not np.all(np.isfinite(v)) or (v.size and v.min() < -tol):
        return None
    if np.any(np.abs(np.add.reduceat(v, starts) - 1.0) > 1e-6):
        return None
    v[v < 1e-13] = 0.0  # also clips the tiny negatives
    sums = np.add.reduceat(v, starts)
    v /= np.repeat(sums, [p.size for p in parts])
    return np.split(v, starts[1:])


def lift_profile(
    profile: Sequence[np.ndarray], keep: Sequence[Sequence[int]], shape: Sequence[int]
) -> list[np.ndarray]:
    """Embed a profile of the subgame on ``keep`` into the full game."""
    if all(len(k) == n for k, n in zip(keep, shape, strict=True)):
        return [np.asarray(s) for s in profile]  # nothing was removed
    out = []
    for s, k, n in zip(profile, keep, shape, strict=True):
        v = np.zeros(n)
        v[list(k)] = s
        out.append(v)
    return out


__all__ = ["as_game", "clean_profile", "lift_profile"]
