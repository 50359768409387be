"""Answers under uncertainty: C14, the equilibrium set and the demand band over the estimates.

* **Is the observed profile an equilibrium of the estimated game?** The regret of every
  sovereign at the observed 2024-2025 profile (pure actions, exact through the aggregates) and
  its best deviation: who breaks it and by how much (USD and share of reserves).
* **C14 per sovereign** ("accumulate, never sell" is dominant): for each parameter draw from the
  estimate's confidence region (asymptotic normal of the free parameters, clipped to the
  a-priori bounds), a sovereign passes when some purchase is its best response against each of
  the others' extreme profiles (all at their lowest action, all at their largest purchase) and
  against the observed profile. Over the draws: *dominant everywhere* (every draw), *somewhere*
  (some), *nowhere* (none). Payoffs depend on the others only through aggregates and the
  relative-share term is monotone in them, so the extreme profiles bound the others' effect.
* **Equilibrium set and demand band**: for each draw, the aggregative solver's extremal pure
  equilibria of the estimated game; the net sovereign order flow (USD, buys minus sales at the
  entry price) of each; the band is the 5th-95th percentile and the min-max over draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from reserves.sovereign.aggregative import aggregative_solve, extremal_starts
from reserves.sovereign.estimation import Estimate
from reserves.sovereign.model import SovereignGame, action_kind


@dataclass(frozen=True)
class ProfileCheck:
    """Regrets of the observed profile in the estimated game."""

    names: tuple[str, ...]
    observed: tuple[str, ...]
    regret_usd: tuple[float, ...]
    best_deviation: tuple[str, ...]
    reserves_usd: tuple[float, ...]

    @property
    def breakers(self) -> tuple[str, ...]:
        """Sovereigns with a profitable deviation (regret above 1e-9 of reserves)."""
        return tuple(
            n
            for n, r, w in zip(self.names, self.regret_usd, self.reserves_usd, strict=True)
            if r > 1e-9 * w
        )

    @property
    def is_equilibrium(self) -> bool:
        return not self.breakers

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_equilibrium": self.is_equilibrium,
            "breakers": list(self.breakers),
            "sovereigns": [
                {
                    "name": n,
                    "observed": o,
                    "regret_usd": r,
                    "regret_share_of_reserves": r / w,
                    "best_deviation": b,
                }
                for n, o, r, b, w in zip(
                    self.names,
                    self.observed,
                    self.regret_usd,
                    self.best_deviation,
                    self.reserves_usd,
                    strict=True,
                )
            ],
        }


def check_observed(est: Estimate, params: dict[str, float] | None = None) -> ProfileCheck:
    """Regret of each sovereign at the observed profile of the estimated game."""
    g = SovereignGame(est.config(params))
    labels = np.array(est.design.observed)
    u = g.action_payoffs(labels)
    rows = np.arange(g.num_players)
    own = u[rows, labels]
    best = u.argmax(axis=1)
    reg = np.maximum(u[rows, best] - own, 0.0)
    return ProfileCheck(
        g.players,
        tuple(g.action_labels[k] for k in labels),
        tuple(float(x) for x in reg),
        tuple(g.action_labels[k] if reg[i] > 0 else "none" for i, k in enumerate(best)),
        tuple(float(s.reserves_usd) for s in g.sovereigns),
    )


def _buy_is_best(g: SovereignGame, profile: np.ndarray) -> np.ndarray:
    """Whether each sovereign's best response to ``profile`` (label indices) is a purchase."""
    u = g.action_payoffs(profile)
    best = u.argmax(axis=1)
    return np.array([action_kind(g.action_labels[k])[0] == "accumulate" for k in best])


def c14_pass(g: SovereignGame, observed: np.ndarray) -> np.ndarray:
    """Per sovereign: a purchase is a best response against the others' lowest, highest and
    observed profiles (the module docstring's dominance check)."""
    starts = extremal_starts(g)
    ok = np.ones(g.num_players, dtype=bool)
    for prof in (starts["lowest"], starts["highest"], np.asarray(observed)):
        ok &= _buy_is_best(g, prof)
    return ok


def net_flow_usd(g: SovereignGame, profile: tuple[str, ...]) -> float:
    """Net sovereign order flow of a pure profile (USD at the entry price)."""
    fl = g.flows
    idx = [g.action_labels.index(a) for a in profile]
    return float(sum(fl.x[i, k] for i, k in enumerate(idx)))


@dataclass(frozen=True)
class UncertainAnswers:
    """C14 per sovereign, equilibria and the demand band over the confidence region."""

    names: tuple[str, ...]
    c14_share: tuple[float, ...]  # share of draws in which accumulating is dominant
    c14_at_estimate: tuple[bool, ...]
    draws: int
    demand_usd_draws: tuple[tuple[float, float], ...]  # (low, high) equilibrium flow per draw
    equilibria_at_estimate: tuple[tuple[str, ...], ...]
    demand_at_estimate_usd: tuple[float, ...]
    accumulators_share: tuple[float, ...]  # share of draws where i buys in the least equilibrium

    def verdict(self, i: int) -> str:
        s = self.c14_share[i]
        return "everywhere" if s >= 1.0 else ("nowhere" if s <= 0.0 else "somewhere")

    @property
    def verdicts(self) -> dict[str, str]:
        return {n: self.verdict(i) for i, n in enumerate(self.names)}

    @property
    def c14_counts(self) -> dict[str, int]:
        v = list(self.verdicts.values())
        return {k: v.count(k) for k in ("everywhere", "somewhere", "nowhere")}

    def band_usd(self, lo_q: float = 5.0, hi_q: float = 95.0) -> tuple[float, float]:
        lows = np.array([d[0] for d in self.demand_usd_draws])
        highs = np.array([d[1] for d in self.demand_usd_draws])
        return float(np.percentile(lows, lo_q)), float(np.percentile(highs, hi_q))

    @property
    def range_usd(self) -> tuple[float, float]:
        return (
            float(min(d[0] for d in self.demand_usd_draws)),
            float(max(d[1] for d in self.demand_usd_draws)),
        )

    def to_dict(self) -> dict[str, Any]:
        lo, hi = self.band_usd()
        return {
            "draws": self.draws,
            "c14": {
                n: {
                    "verdict": self.verdict(i),
                    "share_of_draws": self.c14_share[i],
                    "at_estimate": self.c14_at_estimate[i],
                }
                for i, n in enumerate(self.names)
            },
            "c14_counts": self.c14_counts,
            "equilibria_at_estimate": [list(e) for e in self.equilibria_at_estimate],
            "demand_at_estimate_usd": list(self.demand_at_estimate_usd),
            "demand_band_usd": [lo, hi],
            "demand_range_usd": list(self.range_usd),
            "buys_in_least_equilibrium_share": dict(
                zip(self.names, self.accumulators_share, strict=True)
            ),
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        return pd.DataFrame(
            {
                "name": self.names,
                "c14": [self.verdict(i) for i in range(len(self.names))],
                "c14_share_of_draws": self.c14_share,
                "buys_in_least_equilibrium_share": self.accumulators_share,
            }
        )


def _equilibria(g: SovereignGame) -> list[tuple[str, ...]]:
    res = aggregative_solve(g)
    out = []
    for e in res.equilibria:
        prof = e.action_profile()
        if prof not in out:
            out.append(prof)
    return out


def uncertain_answers(est: Estimate, *, draws: int = 100, seed: int = 0) -> UncertainAnswers:
    """C14 verdicts, equilibria and the demand band over ``draws`` parameter draws."""
    observed = np.array(est.design.observed)
    g0 = SovereignGame(est.config())
    eq0 = _equilibria(g0)
    d0 = tuple(net_flow_usd(g0, p) for p in eq0)
    c0 = c14_pass(g0, observed)
    n = g0.num_players
    passes = np.zeros(n)
    buys = np.zeros(n)
    band = []
    for params in est.draws(draws, seed=seed):
        g = SovereignGame(est.config(params))
        passes += c14_pass(g, observed)
        eqs = _equilibria(g)
        flows = [net_flow_usd(g, p) for p in eqs]
        if flows:
            band.append((min(flows), max(flows)))
            least = eqs[int(np.argmin(flows))]
            buys += np.array([action_kind(a)[0] == "accumulate" for a in least], dtype=float)
    k = max(draws, 1)
    return UncertainAnswers(
        g0.players,
        tuple(float(x) for x in passes / k),
        tuple(bool(x) for x in c0),
        draws,
        tuple(band) if band else ((float("nan"), float("nan")),),
        tuple(eq0),
        d0,
        tuple(float(x) for x in buys / max(len(band), 1)),
    )


__all__ = [
    "ProfileCheck",
    "UncertainAnswers",
    "c14_pass",
    "check_observed",
    "net_flow_usd",
    "uncertain_answers",
]
