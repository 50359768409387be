"""Compatibility re-exports: the solvers now live one per module.

:mod:`reserves.nash.two_player`, :mod:`reserves.nash.vertex_enumeration`,
:mod:`reserves.nash.support_enumeration`, :mod:`reserves.nash.logit`. New code should import
from those.
"""

from __future__ import annotations

from reserves.nash.logit import logit_solve
from reserves.nash.support_enumeration import SupportSystem, polish, support_enumeration_solve
from reserves.nash.two_player import two_player_solve
from reserves.nash.verify import REGRET_TOL
from reserves.nash.vertex_enumeration import vertex_enumeration

__all__ = [
    "REGRET_TOL",
    "SupportSystem",
    "logit_solve",
    "polish",
    "support_enumeration_solve",
    "two_player_solve",
    "vertex_enumeration",
]
