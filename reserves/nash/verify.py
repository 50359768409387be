"""Independent verification of equilibria.

``max_regret(game, profile)`` recomputes, from the game's own payoffs, the largest gain any
player could obtain by a unilateral deviation to a pure action:

    regret(sigma) = max_i [ max_a v_i(a) - sum_a sigma_i(a) v_i(a) ],

where ``v_i(a)`` is player i's expected payoff of action a against ``sigma_{-i}``. It does not
depend on the method that produced ``sigma``; solvers call it on every candidate before
reporting it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def _pure_indices(profile: Sequence[np.ndarray]) -> tuple[int, ...] | None:
    idx = []
    for s in profile:
        s = np.asarray(s, dtype=float)
        k = int(np.argmax(s))
        if s[k] < 1 - 1e-12:
            return None
        idx.append(k)
    return tuple(idx)


def max_regret(game: Any, profile: Sequence[np.ndarray]) -> float:
    """Largest unilateral-deviation gain at ``profile`` (payoff units; 0 at a Nash equilibrium).

    Works for :class:`~reserves.nash.normal_form.Game` (tensor) and for any game object with a
    ``regrets(profile)`` method (such as the aggregative :class:`SovereignGame`). For a pure
    profile of a tensor game it reads the N fibres through the profile instead of contracting
    the whole tensor.
    """
    payoffs = getattr(game, "payoffs", None)
    if isinstance(payoffs, np.ndarray):
        idx = _pure_indices(profile)
        if idx is not None:
            worst = 0.0
            for i in range(payoffs.shape[0]):
                fibre_index = (i, *idx[:i], slice(None), *idx[i + 1 :])
                fibre = payoffs[fibre_index]
                worst = max(worst, float(fibre.max() - fibre[idx[i]]))
            return worst
    return float(np.max(game.regrets(profile)))


def regrets(game: Any, profile: Sequence[np.ndarray]) -> np.ndarray:
    """Per-player regrets (see :func:`max_regret`)."""
    return np.asarray(game.regrets(profile), dtype=float)


#: regret tolerance (relative to the payoff scale) of the solvers' internal candidate filters
REGRET_TOL = 1e-9
