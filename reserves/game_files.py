"""Any game file: the dispatcher between the generic engine and the sovereign model.

The engine (:mod:`reserves.nash`) knows nothing of sovereigns; this module, outside it, reads a
file of any supported kind and returns the object to solve.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reserves.errors import ReservesError
from reserves.nash.expression_game import is_expression_game_file, load_expression_game


def load_game_file(path: str | Path) -> Any:
    """The game in a file: a :class:`Game` or a ``SovereignGame``.

    * ``.yaml``/``.yml`` with top-level ``expression_game:`` -> :class:`Game` (this module);
    * any other ``.yaml``/``.yml`` -> ``SovereignGame(load_config(path))``;
    * ``.nfg`` (or a file starting with ``NFG``) -> :func:`reserves.nash.nfg.read_nfg`.

    Raises
    ------
    ReservesError
        unknown format, or whatever the chosen loader raises (ConfigError, GameFormatError).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        if is_expression_game_file(p):
            return load_expression_game(p).to_game()
        from reserves.config import load_config
        from reserves.sovereign.model import SovereignGame

        return SovereignGame(load_config(p))
    if not p.exists():
        raise FileNotFoundError(2, "no such file", str(p))
    from reserves.nash.nfg import read_nfg

    if suffix == ".nfg":
        return read_nfg(p)
    from reserves.safe import MAX_GAME_BYTES, read_bytes_file

    head = read_bytes_file(p, MAX_GAME_BYTES, "game file")[:64].lstrip()
    if head.startswith(b"NFG"):
        return read_nfg(p)
    raise ReservesError(
        f"cannot tell the format of {p.name}",
        field="GAME",
        fix="give a .yaml config, an expression-game .yaml or a Gambit .nfg file",
    )


__all__ = ["load_game_file"]
