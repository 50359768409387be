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
    """Clip tiny negatives / imaginary parts and renormalise; None if not a probability profile."""
    out = []
    for s in profile:
        s = np.asarray(s)
        if np.iscomplexobj(s):
            if np.max(np.abs(s.imag), initial=0.0) > 1e-7:
                return None
            s = s.real
        s = np.asarray(s, dtype=float)
        if not np.all(np.isfinite(s)) or np.any(s < -tol) or abs(s.sum() - 1.0) > 1e-6:
            return None
        s = np.clip(s, 0.0, None)
        s[s < 1e-13] = 0.0
        out.append(s / s.sum())
    return out


def lift_profile(
    profile: Sequence[np.ndarray], keep: Sequence[Sequence[int]], shape: Sequence[int]
) -> list[np.ndarray]:
    """Embed a profile of the subgame on ``keep`` into the full game."""
    out = []
    for s, k, n in zip(profile, keep, shape, strict=True):
        v = np.zeros(n)
        v[list(k)] = s
        out.append(v)
    return out


__all__ = ["as_game", "clean_profile", "lift_profile"]
