"""Who accumulates, and when: the best-response adoption path of the sovereign game.

:func:`adoption_path` runs best-response dynamics of the sovereign game through its aggregates
(no tensor) from the status quo and records who switches to ``accumulate`` when (Fudenberg and
Levine 1998, ch. 1; Milgrom and Roberts 1990 for why monotone paths end at extremal equilibria
of supermodular games).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from reserves.errors import ReservesError
from reserves.nash.dynamics import Progress, _progress_callback
from reserves.nash.result import Equilibrium, make_result
from reserves.sovereign.aggregative import extremal_starts


@dataclass(frozen=True)
class AdoptionPath:
    """Best-response adoption path of the sovereign game from the status quo.

    ``profiles`` (R + 1, N): label indices (into ``action_labels``) after each round;
    ``events``: one dict per switch (``round``, ``time_years``, ``player``, ``from``, ``to``,
    ``gain_usd``, ``demand_usd`` after the switch); ``joined_round[i]``: the round from which
    sovereign i accumulates until the end (``None`` if it never does); ``demand_usd`` (R + 1,):
    total USD order flow of the profile after each round.
    """

    players: tuple[str, ...]
    action_labels: tuple[str, ...]
    profiles: np.ndarray
    events: tuple[dict[str, Any], ...]
    demand_usd: np.ndarray
    joined_round: tuple[int | None, ...]
    status: str
    regret: float
    equilibrium: Equilibrium | None
    rule: str
    period_years: float
    price_usd: float
    cycle_length: int | None = None

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def rounds(self) -> int:
        return int(self.profiles.shape[0] - 1)

    def final_actions(self) -> tuple[str, ...]:
        return tuple(self.action_labels[k] for k in self.profiles[-1])

    def accumulators(self) -> tuple[str, ...]:
        """Sovereigns accumulating at the end point."""
        return tuple(
            p for p, a in zip(self.players, self.final_actions(), strict=True) if a == "accumulate"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status,
            "regret": float(self.regret),
            "rounds": self.rounds,
            "price_usd": self.price_usd,
            "period_years": self.period_years,
            "players": list(self.players),
            "start": [self.action_labels[k] for k in self.profiles[0]],
            "final": list(self.final_actions()),
            "joined_round": list(self.joined_round),
            "events": [dict(e) for e in self.events],
            "demand_usd": self.demand_usd.tolist(),
            "cycle_length": self.cycle_length,
            "equilibrium": None if self.equilibrium is None else self.equilibrium.to_dict(),
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """Long DataFrame ``round, time_years, player, action`` (one row per player per round)."""
        import pandas as pd

        R, N = self.profiles.shape
        return pd.DataFrame(
            {
                "round": np.repeat(np.arange(R), N),
                "time_years": np.repeat(np.arange(R) * self.period_years, N),
                "player": np.tile(self.players, R),
                "action": [self.action_labels[k] for k in self.profiles.ravel()],
            }
        )

    def events_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        return pd.DataFrame(list(self.events))


def adoption_path(
    sovereign_game: Any,
    *,
    rule: str = "max-gain",
    start: str | Sequence[int] = "status_quo",
    max_rounds: int = 1_000,
    period_years: float = 0.25,
    tol: float = 1e-7,
    progress: Progress = False,
) -> AdoptionPath:
    """Who accumulates, and when: best-response dynamics of the sovereign game from the
    status quo, evaluated through the aggregates (no payoff tensor; any roster size).

    Start: every sovereign's ``hold`` action if it has one, else its lowest action (``sell``;
    for a sovereign without holdings selling moves nothing), as in
    :func:`reserves.sovereign.aggregative.extremal_starts`. Rules:

    - ``"max-gain"`` (default): each round the one sovereign with the largest payoff gain
      ``max_b u_i(b, a_{-i}) - u_i(a)`` (USD) switches to its best response -- a better-reply
      path in which the most eager sovereign moves first;
    - ``"sequential"``: each round is one sweep in roster order (Gauss-Seidel);
    - ``"simultaneous"``: all sovereigns with a strict gain switch at once.

    A round lasts ``period_years`` (an assumption: a reserve manager's revision cycle). A
    revisited profile is a ``"cycle"``; the end point is verified by its exact regret through
    the aggregates (Fudenberg and Levine 1998, ch. 1; Milgrom and Roberts 1990 for why monotone
    paths end at extremal equilibria of supermodular games).
    """
    sg = sovereign_game
    if not hasattr(sg, "action_payoffs") or not hasattr(sg, "flows"):
        raise ReservesError(
            f"adoption_path needs a SovereignGame, got {type(sg).__name__}",
            field="sovereign_game",
            fix="use SovereignGame(config); for a plain Game use best_response_dynamics",
        )
    if rule not in ("max-gain", "sequential", "simultaneous"):
        raise ReservesError(
            f"unknown rule {rule!r}",
            field="rule",
            fix="use 'max-gain', 'sequential' or 'simultaneous'",
        )
    if not period_years > 0:
        raise ReservesError("period_years must be positive", field="period_years")
    n = sg.num_players
    rows = np.arange(n)
    if isinstance(start, str):
        starts = extremal_starts(sg)
        if start not in starts:
            raise ReservesError(
                f"unknown start {start!r}", field="start", fix=f"use {sorted(starts)}"
            )
        prof = np.array(starts[start], dtype=int)
    else:
        prof = np.asarray(start, dtype=int)
        if prof.shape != (n,) or np.any(~sg.flows.available[rows, prof]):
            raise ReservesError(
                "start must give one available action label index per sovereign", field="start"
            )
    x = sg.flows.x
    eps = 1e-12 * sg.payoff_scale
    profiles = [prof.copy()]
    demand = [float(x[rows, prof].sum())]
    events: list[dict[str, Any]] = []
    seen = {tuple(prof): 0}
    status, cycle = "max_steps", None
    update, close = _progress_callback(progress, max_rounds, "adoption path")

    def switch(i: int, to: int, gain: float, rnd: int) -> None:
        frm = int(prof[i])
        prof[i] = to
        events.append(
            {
                "round": rnd,
                "time_years": rnd * period_years,
                "player": sg.players[i],
                "from": sg.action_labels[frm],
                "to": sg.action_labels[to],
                "gain_usd": float(gain),
                "demand_usd": float(x[rows, prof].sum()),
            }
        )

    for rnd in range(1, max_rounds + 1):
        u = sg.action_payoffs(prof)
        gains = u.max(axis=1) - u[rows, prof]
        if not np.any(gains > eps):
            status = "converged"
            break
        if rule == "max-gain":
            i = int(np.argmax(gains))
            switch(i, int(np.argmax(u[i])), gains[i], rnd)
        elif rule == "simultaneous":
            best = np.argmax(u, axis=1)
            for i in np.flatnonzero(gains > eps):
                switch(int(i), int(best[i]), gains[i], rnd)
        else:
            for i in range(n):
                ui = sg.action_payoffs(prof)[i]
                g = ui.max() - ui[prof[i]]
                if g > eps:
                    switch(i, int(np.argmax(ui)), g, rnd)
        profiles.append(prof.copy())
        demand.append(float(x[rows, prof].sum()))
        update(rnd)
        key = tuple(int(k) for k in prof)
        if key in seen:
            status, cycle = "cycle", rnd - seen[key]
            break
        seen[key] = rnd
    close()
    final = profiles[-1]
    labels = sg.action_labels
    idx = [sg.actions[i].index(labels[k]) for i, k in enumerate(final)]
    mixed = [np.eye(len(sg.actions[i]))[k] for i, k in enumerate(idx)]
    regret = float(np.max(sg.regrets(mixed)))
    eq = None
    if regret <= tol * sg.payoff_scale:
        res = make_result(sg, "adoption-path", [mixed], tol=tol)
        eq = res[0] if len(res) else None
    elif status == "converged":  # pragma: no cover - gains <= eps implies regret <= eps
        status = "max_steps"
    acc = labels.index("accumulate") if "accumulate" in labels else None
    joined: list[int | None] = []
    P = np.asarray(profiles)
    for i in range(n):
        if acc is None or P[-1, i] != acc:
            joined.append(None)
            continue
        not_acc = np.flatnonzero(P[:, i] != acc)
        joined.append(int(not_acc[-1] + 1) if not_acc.size else 0)
    return AdoptionPath(
        players=tuple(sg.players),
        action_labels=tuple(labels),
        profiles=P,
        events=tuple(events),
        demand_usd=np.asarray(demand),
        joined_round=tuple(joined),
        status=status,
        regret=regret,
        equilibrium=eq,
        rule=rule,
        period_years=float(period_years),
        price_usd=float(sg.price_usd),
        cycle_length=cycle,
    )


__all__ = ["AdoptionPath", "adoption_path"]
