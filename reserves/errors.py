"""Errors raised at the package boundary.

Every error names the offending field (or file) and says how to fix it, so that the CLI and
the app can show one clear line instead of a traceback from deep inside numpy, sympy or cvxpy.
"""

from __future__ import annotations


class ReservesError(ValueError):
    """Base class for every error the package raises on bad input.

    Parameters
    ----------
    message:
        What is wrong.
    field:
        Dotted path of the offending input (``sovereigns[3].reserves_usd``), if any.
    fix:
        What the user should do instead.
    """

    def __init__(self, message: str, *, field: str | None = None, fix: str | None = None):
        self.field = field
        self.fix = fix
        parts = []
        if field:
            parts.append(f"{field}: ")
        parts.append(message)
        if fix:
            parts.append(f" (fix: {fix})")
        super().__init__("".join(parts))


class ConfigError(ReservesError):
    """A configuration file or mapping failed validation."""


class GameFormatError(ReservesError):
    """A game file (such as Gambit ``.nfg``) or payoff array is malformed."""


class SolverError(ReservesError):
    """A solver could not produce a verified answer (infeasible, unbounded, not converged)."""


class ExpressionError(ReservesError):
    """A user-typed expression was rejected by the whitelist parser."""


class BudgetError(ReservesError):
    """A request would exceed the work budget (memory or time; see :mod:`reserves.budget`).

    The message names the estimate, the limit, and how to shrink the request or raise the
    limit (``--max-memory`` / ``--max-seconds``, ``RESERVES_MAX_MEMORY_MB`` /
    ``RESERVES_MAX_SECONDS``).
    """
