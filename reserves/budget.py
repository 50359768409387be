"""Work budgets: estimate the memory and time of a request before allocating anything.

Every request whose size the user chooses (pure profiles of a game, paths x days of a
simulation, points of a demand schedule or a sweep, optimizer starts) is estimated first and
refused with one line naming the limit and how to raise it, instead of allocating and crashing
(or running for hours with no word). Work that fits but takes more than a few seconds shows a
tqdm progress bar with an estimate of the time left.

Limits (per request):

==========================  =======================  =========================================
limit                       default                  raise it with
==========================  =======================  =========================================
memory of one request       2,000 MB                 ``--max-memory MB`` (any command) or
                                                     ``RESERVES_MAX_MEMORY_MB``
time of one request         3,600 s (estimated)      ``--max-seconds S`` or
                                                     ``RESERVES_MAX_SECONDS``
==========================  =======================  =========================================

The estimates are deliberately simple formulas (stated in each function) with per-unit costs
measured on the project's reference machine (2 cores, 2025); they are meant to be right within
a factor of a few, which is what a budget needs. Counting is done with Python integers, so no
product of sizes can overflow.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from reserves.errors import BudgetError, ReservesError
from reserves.safe import env_number

__all__ = [
    "MEMORY_ENV",
    "SECONDS_ENV",
    "BudgetError",
    "Estimate",
    "Limits",
    "count_profiles",
    "estimate_points",
    "estimate_simulation",
    "estimate_solve",
    "estimate_tensor",
    "format_bytes",
    "format_seconds",
    "limits",
    "require",
    "set_limits",
    "timed_progress",
]

MEMORY_ENV = "RESERVES_MAX_MEMORY_MB"
SECONDS_ENV = "RESERVES_MAX_SECONDS"
DEFAULT_MEMORY_MB = 2_000.0
DEFAULT_SECONDS = 3_600.0
#: numpy arrays have at most 64 dimensions; a payoff tensor has one per player plus one
MAX_TENSOR_PLAYERS = 63

#: measured per-unit costs (seconds) on the reference machine
#: simulate: vectorized daily step, per path per day (measured 1.5e-7 at 2,000 paths and up to
#: 7e-7 at 100,000 paths on a loaded 2-core machine; the larger is kept)
SECONDS_PER_PATH_DAY = 7e-7
SECONDS_PER_DAY = 1.5e-3  # simulate: fixed cost of one day (kernel calls, quantiles)
#: simulate: peak memory per path, independent of the horizon (measured: 6.7 kB, from 475 MB
#: at 50,000 paths to 808 MB at 100,000; the 30-day window, the state and the cascade
#: kernel's per-path temporaries)
BYTES_PER_PATH = 7_000
SECONDS_PER_PROFILE_PLAYER = 2e-8  # tensor work (pure enumeration), per profile per player
BYTES_PER_PROFILE_PLAYER_PURE = 8 * 6  # pure enumeration: payoffs, best-response maxima, masks


@dataclass(frozen=True)
class Limits:
    """The budget of one request."""

    memory_mb: float = DEFAULT_MEMORY_MB
    seconds: float = DEFAULT_SECONDS

    def to_dict(self) -> dict[str, float]:
        return {"memory_mb": self.memory_mb, "seconds": self.seconds}


def limits() -> Limits:
    """The current budget: the environment (``RESERVES_MAX_MEMORY_MB``,
    ``RESERVES_MAX_SECONDS``) or the defaults."""
    memory = env_number(MEMORY_ENV, DEFAULT_MEMORY_MB, upper=math.inf, error=ReservesError)
    seconds = env_number(SECONDS_ENV, DEFAULT_SECONDS, upper=math.inf, error=ReservesError)
    return Limits(float(memory), float(seconds))  # type: ignore[arg-type]


def set_limits(memory_mb: float | None = None, seconds: float | None = None) -> Limits:
    """Set the budget for this process and its children (through the environment).

    Raises
    ------
    ReservesError
        when a value is not a positive finite number.
    """
    for name, value, option in (
        (MEMORY_ENV, memory_mb, "--max-memory"),
        (SECONDS_ENV, seconds, "--max-seconds"),
    ):
        if value is None:
            continue
        if not (value > 0 and math.isfinite(value)):
            raise ReservesError(f"{option} {value} must be a positive number", field=option)
        os.environ[name] = repr(float(value))
    return limits()


def format_bytes(n: float) -> str:
    """``1.5 GB``, ``300 MB``, ``12 kB`` (decimal units)."""
    if n >= 1e18:
        return "more than 1,000 PB"
    for unit, size in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            v = n / size
            return f"{v:,.0f} {unit}" if v >= 100 else f"{v:.1f} {unit}"
    return f"{n:.0f} bytes"


def format_seconds(s: float) -> str:
    """``45 s``, ``12 min``, ``3.2 h``, ``41 days``."""
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    if s < 3 * 86400:
        return f"{s / 3600:.1f} h"
    if s >= 86400 * 1e6:
        return "more than a million days"
    return f"{s / 86400:,.0f} days"


@dataclass(frozen=True)
class Estimate:
    """The estimated cost of one request.

    Attributes
    ----------
    what:
        the request in words ("3 scenarios x 2,000 paths x 1,136 days").
    memory_bytes, seconds:
        the estimates (``math.inf`` when a count alone is out of range).
    reduce:
        which inputs make it smaller ("lower --paths or --days").
    """

    what: str
    memory_bytes: float
    seconds: float
    reduce: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "memory_bytes": self.memory_bytes,
            "seconds": self.seconds,
            "reduce": self.reduce,
        }

    @property
    def needs_progress(self) -> bool:
        """Long enough (over 3 s) to deserve a progress bar with an ETA."""
        return self.seconds > 3


def require(estimate: Estimate, budget: Limits | None = None) -> Estimate:
    """Return ``estimate`` if it fits ``budget`` (default :func:`limits`), else refuse.

    Raises
    ------
    BudgetError
        one line: what was asked, the estimate, the limit, and how to reduce the request or
        raise the limit.
    """
    lim = budget or limits()
    mem_limit = lim.memory_mb * 1e6
    if not (math.isfinite(estimate.memory_bytes) and math.isfinite(estimate.seconds)):
        raise BudgetError(
            f"{estimate.what} is too large to compute at all",
            fix=estimate.reduce,
        )
    if estimate.memory_bytes > mem_limit:
        raise BudgetError(
            f"{estimate.what} needs about {format_bytes(estimate.memory_bytes)} of memory, more "
            f"than the {format_bytes(mem_limit)} work budget",
            fix=f"{estimate.reduce}, or raise the budget with --max-memory MB (or {MEMORY_ENV})",
        )
    if estimate.seconds > lim.seconds:
        raise BudgetError(
            f"{estimate.what} would take about {format_seconds(estimate.seconds)}, more than "
            f"the {format_seconds(lim.seconds)} time budget",
            fix=f"{estimate.reduce}, or raise the budget with --max-seconds S (or {SECONDS_ENV})",
        )
    return estimate


def count_profiles(shape: Iterable[int]) -> int:
    """Number of pure profiles ``prod(n_i)`` as a Python integer (never overflows)."""
    return math.prod(int(n) for n in shape)


def _dims(shape: list[int]) -> str:
    if len(shape) <= 6:
        return "x".join(f"{n:,}" for n in shape)
    return f"{len(shape)}-player"


def estimate_tensor(shape: Iterable[int], what: str = "game") -> Estimate:
    """Memory of a payoff tensor: ``8 * N * prod(n_i)`` bytes (float64), plus the same again
    for parsing or evaluating it; time ``2e-8 s`` per profile per player.

    A game with more than :data:`MAX_TENSOR_PLAYERS` players cannot be a numpy tensor at all
    (infinite estimate).
    """
    dims = [int(n) for n in shape]
    n = len(dims)
    profiles = count_profiles(dims)
    label = (
        f"a {_dims(dims)} {what} ({profiles:,} profiles)"
        if profiles < 10**15
        else (f"a {_dims(dims)} {what} (about 10^{len(str(profiles)) - 1} profiles)")
    )
    if n > MAX_TENSOR_PLAYERS:
        return Estimate(label, math.inf, math.inf, f"use at most {MAX_TENSOR_PLAYERS} players")
    cells = float(profiles) * n
    return Estimate(
        label, 16.0 * cells, SECONDS_PER_PROFILE_PLAYER * cells, "use fewer players or actions"
    )


#: logit QRE tracing: seconds per profile per player squared (measured: random 3-action games
#: of 6 and 8 players took 0.74 s and 25 s; each path step is a pass over the tensor per player
#: and the steps grow with the players)
SECONDS_LOGIT_PER_PROFILE_PLAYER2 = 6e-5
#: ``reserves.nash.solve.AUTO_ALL_MAX_PROFILES``: up to this size ``auto`` enumerates all
#: equilibria (bounded by the solvers); past it, pure enumeration then logit if needed
AUTO_ALL_MAX_PROFILES = 10_000


def estimate_solve(shape: Iterable[int], method: str = "auto", what: str = "game") -> Estimate:
    """Memory and time of solving a game of pure-profile ``shape`` with ``method``.

    Tensor: ``16 * N * prod(n_i)`` bytes. Pure enumeration adds ``48 * N * prod(n_i)`` bytes
    (best-response maxima and masks) and, in the worst case that every profile is an
    equilibrium (a constant game), ``prod(n_i) * (8 * sum(n_i) + 500)`` bytes of reported
    equilibria (each a mixed profile of ``sum(n_i)`` floats plus its record); time ``2e-8 s``
    per profile and player. Logit QRE tracing: :func:`logit_seconds` (a 12-player 3-action
    game, about 77 min, is over the default 60 min budget). ``auto`` is budgeted as pure
    enumeration: its logit fallback (only when no pure equilibrium exists) is shown as the
    worst case of its progress bar, not refused. Support
    enumeration (``all``) and correlated equilibria bound their own sizes.
    """
    dims = [int(n) for n in shape]
    base = estimate_tensor(dims, what)
    if not math.isfinite(base.memory_bytes):
        return base
    profiles = float(count_profiles(dims))
    seconds = logit_seconds(dims) if method == "logit" else base.seconds
    cells = profiles * len(dims)
    extra = 0.0
    if method in ("pure", "auto", "all", "mixed"):
        extra = BYTES_PER_PROFILE_PLAYER_PURE * cells + profiles * (8.0 * sum(dims) + 500.0)
    return Estimate(
        f"solving {base.what} with --method {method}",
        base.memory_bytes + extra,
        seconds,
        "use a smaller game" + (" or --method pure" if method == "logit" else ""),
    )


def logit_seconds(shape: Iterable[int]) -> float:
    """Logit QRE tracing: ``6e-5 * prod(n_i) * N^2`` seconds (measured on random 3-action
    games of 6 and 8 players: 0.74 s and 25 s)."""
    dims = [int(n) for n in shape]
    profiles = count_profiles(dims)
    if profiles > 10**300:
        return math.inf
    return SECONDS_LOGIT_PER_PROFILE_PLAYER2 * float(profiles) * len(dims) ** 2


def estimate_simulation(paths: int, days: int, scenarios: int = 1) -> Estimate:
    """Daily Monte Carlo: memory ``7,000 * paths`` bytes (measured peak per path) plus
    ``8 * days * 64`` for the stored quantiles; time
    ``scenarios * (1.5e-3 * days + 7e-7 * paths * days)`` seconds."""
    paths, days, scenarios = int(paths), int(days), max(int(scenarios), 1)
    memory = BYTES_PER_PATH * float(paths) + 8.0 * 64 * days
    seconds = scenarios * (SECONDS_PER_DAY * days + SECONDS_PER_PATH_DAY * float(paths) * days)
    return Estimate(
        f"{scenarios} scenario(s) x {paths:,} paths x {days:,} days",
        memory,
        seconds,
        "lower --paths or --days",
    )


def estimate_points(
    points: int,
    seconds_per_point: float,
    what: str,
    *,
    bytes_per_point: float = 1_000.0,
    reduce: str = "use fewer points",
) -> Estimate:
    """``points`` independent evaluations of ``seconds_per_point`` each (a demand schedule, a
    sweep, optimizer starts); memory ``bytes_per_point`` each for the results."""
    points = int(points)
    return Estimate(
        f"{what} ({points:,} points)",
        bytes_per_point * float(points),
        seconds_per_point * float(points),
        reduce,
    )


@contextlib.contextmanager
def timed_progress(estimate: Estimate, desc: str, *, enabled: bool = True) -> Iterator[None]:
    """Show a tqdm bar on stderr that advances with the clock against ``estimate.seconds``,
    for long work that cannot report its own progress (one solver call). The bar's ETA is the
    estimate's; it holds at 99% if the work runs longer. Does nothing when ``enabled`` is
    False, when the estimate is under 3 s, or when tqdm is missing.
    """
    if not (enabled and math.isfinite(estimate.seconds) and estimate.needs_progress):
        yield
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a core dependency
        yield
        return
    total = max(float(estimate.seconds), 1.0)
    bar = tqdm(total=round(total), desc=desc, unit="s", leave=False, mininterval=0.5)
    done = threading.Event()

    def tick() -> None:
        t0 = time.monotonic()
        while not done.wait(0.5):
            bar.n = min(round(time.monotonic() - t0), round(0.99 * total))
            bar.refresh()

    worker = threading.Thread(target=tick, daemon=True)
    worker.start()
    try:
        yield
    finally:
        done.set()
        worker.join(2)
        bar.close()
