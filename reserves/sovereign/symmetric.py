"""Sovereign games whose sovereigns are identical, as symmetric count games.

:func:`symmetric_game` builds the per-count table of :class:`reserves.nash.symmetric.SymmetricGame`
from a :class:`~reserves.sovereign.model.SovereignGame` through its aggregates (no tensor, so N can
be large); :func:`identical_sovereign_config` makes such a roster from one sovereign of a config.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reserves.config import ReservesConfig
from reserves.errors import GameFormatError
from reserves.nash.symmetric import SymmetricGame
from reserves.sovereign.model import SovereignGame


def symmetric_game(game: SovereignGame) -> SymmetricGame:
    """The per-count table of a sovereign game whose sovereigns are all identical.

    Uses the game's own lambdified payoff with the aggregates of ``k`` accumulators and
    ``N - 1 - k`` players taking the other action: no tensor is built, so N can be large.
    """
    sov = game.sovereigns
    ref = sov[0].model_dump(exclude={"name", "sources"})
    if any(s.model_dump(exclude={"name", "sources"}) != ref for s in sov[1:]):
        raise GameFormatError(
            "sovereigns differ: the game is not symmetric",
            fix="use identical sovereigns (identical_sovereign_config) or the general solver",
        )
    acts = game.actions[0]
    if len(acts) != 2:
        raise GameFormatError(f"a symmetric two-action game needs 2 actions, got {acts}")
    n = game.num_players
    fl = [game.player_flows(0, a) for a in acts]  # (c, q, x, acc)
    k = np.arange(n)
    u = np.empty((2, n))
    for a in (0, 1):
        c, q, x, acc = fl[a]
        X = k * fl[0][2] + (n - 1 - k) * fl[1][2] + x
        B = k * fl[0][0] + (n - 1 - k) * fl[1][0] + c
        S = k * fl[0][1] + (n - 1 - k) * fl[1][1] + q
        u[a] = game.payoff(0, c, q, acc, X, B, S)
    return SymmetricGame(u, (acts[0], acts[1]), game.title)


def identical_sovereign_config(
    n: int,
    *,
    base: ReservesConfig | None = None,
    template: int | str = 0,
    actions: Sequence[str] = ("accumulate", "sell"),
) -> ReservesConfig:
    """A config of ``n`` identical copies of one sovereign of ``base`` (default: the baseline).

    The copies are named ``<name> 1 .. <name> n``; the market is ``base``'s. Used for the
    symmetric-game benchmark and for tests of the symmetric solver against the tensor solver.
    """
    from reserves.config import config_from_dict, default_config_path, load_config

    if n < 1:
        raise GameFormatError(f"need at least one sovereign, got n = {n}", field="n")
    cfg = base if base is not None else load_config(default_config_path())
    sovs = cfg.sovereigns
    src = (
        sovs[template]
        if isinstance(template, int)
        else next((s for s in sovs if s.name == template), None)
    )
    if src is None:
        raise GameFormatError(f"no sovereign named {template!r} in the config", field="template")
    row = src.model_dump(mode="json", exclude_none=True)
    row.pop("actions", None)
    data = cfg.to_dict()
    data["sovereigns"] = [{**row, "name": f"{src.name} {k + 1}"} for k in range(n)]
    data["game"] = {"actions": list(actions)}
    data["name"] = f"{n} x {src.name}"
    return config_from_dict(data, where="identical_sovereign_config")


__all__ = ["identical_sovereign_config", "symmetric_game"]
