"""The names of the equilibrium methods of :func:`reserves.nash.solve.solve`.

A module of its own, importing nothing numerical, so that the CLI can build its parser from the
same list without loading numpy or scipy.
"""

from __future__ import annotations

METHODS: tuple[str, ...] = (
    "auto",
    "pure",
    "all",
    "mixed",
    "support",
    "lemke-howson",
    "milp",
    "logit",
    "aggregative",
    "correlated",
)

__all__ = ["METHODS"]
