"""Progress reporting shared by the engine's enumerations.

A solver takes ``progress: bool | Callable[[int], None]``: ``True`` shows a tqdm bar counting the
items it has worked through (paths, candidates, support profiles), a callable is called with the
running count, ``False`` reports nothing.
"""

from __future__ import annotations

from collections.abc import Callable


def counter(progress: bool | Callable[[int], None], desc: str) -> Callable[[int], None] | None:
    """The callback for ``progress``: the user's own, a tqdm bar named ``desc``, or ``None``."""
    if callable(progress):
        return progress
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc=desc, unit="")
        return lambda _k: bar.update(1)
    return None


__all__ = ["counter"]
