"""Equilibrium demand and the sovereign demand schedule ``D(P)`` (MODEL.md section 4).

For a (mixed or correlated) equilibrium ``sigma`` of the sovereign game at entry price ``P``,
the expected sovereign net flow is

    D = sum_i sum_a sigma_i(a) x_i(a),     x_i(accumulate) = A_i,  x_i(hold) = 0,
                                           x_i(sell) = -phi_i h_i P,

the USD order flow at the entry price (:attr:`SovereignGame.flows`). Demand in BTC is reported
as the BTC equivalent at the entry price, ``D / P`` (for a buy this is what the cash buys before
its own impact; the executed quantity ``c / Pbar`` is smaller by the impact factor).

Solving the game at each price of a grid gives the schedule ``D(P)``: at lower prices the
expected return ``(V / P1)^(1/T) - 1`` is higher, so more sovereigns accumulate. When the game has
several equilibria, a *selection rule* picks one and the band ``[D_low(P), D_high(P)]`` covers
all of them:

- ``"dynamics"``: the equilibrium reached by best-response dynamics from the status quo
  (:func:`reserves.sovereign.adoption.adoption_path`);
- ``"payoff-dominant"``: the equilibrium that Pareto-dominates every other (Harsanyi and
  Selten 1988); when none does, the utilitarian one (largest total payoff), and the schedule
  says so in ``selected_by``;
- ``"risk-dominant"``: Harsanyi and Selten's (1988) criterion, for 2x2 games the equilibrium
  with the larger product of the two players' deviation losses; for N players the documented
  generalization of :func:`risk_dominant` (largest product of unilateral deviation losses);
- ``"all"``: no selection; ``demand_usd`` is the lower edge of the band (the conservative
  reading for a price floor).

The band is the range of demand over the pure equilibria found (the complete set when the payoff
tensor is built, the extremal equilibria of the aggregative solver otherwise) and, where the LP
is affordable, over all correlated equilibria (min and max demand LPs of
:mod:`reserves.nash.correlated`; Aumann 1974). Iterated strict dominance is applied first; it
leaves the correlated-equilibrium set unchanged and usually a single profile, so no LP is needed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reserves.config import ReservesConfig
from reserves.errors import ReservesError, SolverError
from reserves.nash.result import Equilibrium

#: selection rules of :func:`demand_schedule`
SELECTION_RULES: tuple[str, ...] = ("dynamics", "payoff-dominant", "risk-dominant", "all")

#: rosters with at most this many profiles are solved on the payoff tensor (complete set)
TENSOR_MAX_PROFILES = 65_536

#: correlated-equilibrium band LPs are run on reduced games up to this many profiles
CE_BAND_MAX_PROFILES = 16_384

_CACHE: OrderedDict[tuple, DemandSchedule] = OrderedDict()
_CACHE_SIZE = 32


# --------------------------------------------------------------------------- one equilibrium
@dataclass(frozen=True)
class DemandResult:
    """Expected sovereign flow of one equilibrium at one entry price.

    ``flow_usd[i] = sum_a sigma_i(a) x_i(a)`` (USD order flow at the entry price),
    ``flow_btc = flow_usd / price_usd`` (BTC equivalent at the entry price); totals over
    sovereigns; ``buy_usd`` / ``sell_usd`` the gross positive and negative parts.
    """

    players: tuple[str, ...]
    price_usd: float
    flow_usd: np.ndarray
    flow_btc: np.ndarray
    total_usd: float
    total_btc: float
    buy_usd: float
    sell_usd: float
    regret: float | None = None
    source: str = "equilibrium"

    def to_dict(self) -> dict[str, Any]:
        return {
            "price_usd": self.price_usd,
            "total_usd": self.total_usd,
            "total_btc": self.total_btc,
            "buy_usd": self.buy_usd,
            "sell_usd": self.sell_usd,
            "regret": self.regret,
            "source": self.source,
            "btc_basis": "USD flow / entry price",
            "per_sovereign": [
                {"player": p, "flow_usd": float(u), "flow_btc": float(b)}
                for p, u, b in zip(self.players, self.flow_usd, self.flow_btc, strict=True)
            ],
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        return pd.DataFrame(
            {"player": self.players, "flow_usd": self.flow_usd, "flow_btc": self.flow_btc}
        )


def _own_flows(sovereign_game: Any) -> list[np.ndarray]:
    from reserves.nash.correlated import sovereign_action_flows

    return sovereign_action_flows(sovereign_game)


def equilibrium_demand(
    game: Any,
    equilibrium: Any,
    *,
    flows_usd: Sequence[np.ndarray] | None = None,
    price_usd: float | None = None,
) -> DemandResult:
    """Expected USD and BTC flow of an equilibrium, per sovereign and in total.

    ``D_i = sum_a sigma_i(a) x_i(a)``; for a correlated equilibrium ``sigma_i`` is the
    marginal of the joint distribution (expected flow is linear, so marginals suffice).

    Parameters
    ----------
    game:
        a :class:`~reserves.sovereign.model.SovereignGame` (flows and price are read from
        it), or any
        game with ``players`` when ``flows_usd`` and ``price_usd`` are given.
    equilibrium:
        an :class:`~reserves.nash.result.Equilibrium`, a
        :class:`~reserves.nash.correlated.CorrelatedResult`, or a mixed profile.
    flows_usd, price_usd:
        per-player USD flow of each own action and the entry price, for plain games.
    """
    from reserves.nash.correlated import CorrelatedResult

    if flows_usd is None:
        if not hasattr(game, "flows"):
            raise ReservesError(
                f"{type(game).__name__} carries no flows",
                field="game",
                fix="pass a SovereignGame, or flows_usd= and price_usd=",
            )
        flows = _own_flows(game)
        price = float(game.price_usd)
    else:
        flows = [np.asarray(f, dtype=float) for f in flows_usd]
        if price_usd is None or not price_usd > 0:
            raise ReservesError("price_usd must be positive", field="price_usd")
        price = float(price_usd)
    regret: float | None
    if isinstance(equilibrium, CorrelatedResult):
        strategies = equilibrium.marginals()
        regret, source = float(equilibrium.max_violation), equilibrium.kind + " equilibrium"
    elif isinstance(equilibrium, Equilibrium):
        strategies = list(equilibrium.strategies)
        regret, source = float(equilibrium.regret), "equilibrium"
    else:
        strategies = [np.asarray(s, dtype=float) for s in equilibrium]
        regret, source = None, "profile"
    if len(strategies) != len(flows) or any(
        len(s) != len(f) for s, f in zip(strategies, flows, strict=False)
    ):
        raise ReservesError(
            "the equilibrium does not match the game's players and actions",
            field="equilibrium",
            fix="use an equilibrium computed for this game",
        )
    flow_usd = np.array([float(s @ f) for s, f in zip(strategies, flows, strict=True)])
    return DemandResult(
        players=tuple(game.players),
        price_usd=price,
        flow_usd=flow_usd,
        flow_btc=flow_usd / price,
        total_usd=float(flow_usd.sum()),
        total_btc=float(flow_usd.sum() / price),
        buy_usd=float(flow_usd[flow_usd > 0].sum()),
        sell_usd=float(flow_usd[flow_usd < 0].sum()),
        regret=regret,
        source=source,
    )


# --------------------------------------------------------------------------- selection
@dataclass(frozen=True)
class Selection:
    """The equilibrium a rule picked (``None`` for ``"all"``) and on what basis."""

    equilibrium: Equilibrium | None
    rule: str
    basis: str


def _check_rule(rule: str) -> str:
    r = str(rule).strip().lower().replace("_", "-")
    aliases = {"payoff": "payoff-dominant", "risk": "risk-dominant", "band": "all"}
    r = aliases.get(r, r)
    if r not in SELECTION_RULES:
        raise ReservesError(f"unknown rule {rule!r}", field="rule", fix=f"use {SELECTION_RULES}")
    return r


def payoff_dominant(equilibria: Sequence[Equilibrium]) -> Selection:
    """The payoff-dominant equilibrium (Harsanyi and Selten 1988): one whose payoff vector is
    at least as high for every player as that of every other equilibrium (and strictly higher
    for someone against each). If none exists, the utilitarian equilibrium (largest
    ``sum_i u_i``) is returned and ``basis`` says so."""
    if not equilibria:
        raise SolverError("no equilibrium to select from", field="equilibria")
    pay = np.array([e.payoffs for e in equilibria], dtype=float)
    for k in range(len(equilibria)):
        others = np.delete(pay, k, axis=0)
        if others.size == 0 or np.all(np.all(pay[k] >= others, axis=1)):
            return Selection(equilibria[k], "payoff-dominant", "Pareto-dominates all others")
    k = int(np.argmax(pay.sum(axis=1)))
    return Selection(
        equilibria[k], "payoff-dominant", "no Pareto-dominant equilibrium: utilitarian"
    )


def deviation_losses(game: Any, equilibrium: Equilibrium) -> np.ndarray:
    """``L_i = u_i(e) - max_{b != e_i} u_i(b, e_{-i})`` for a pure equilibrium ``e`` (>= 0).

    Works on a tensor :class:`~reserves.nash.normal_form.Game` (fibres through ``e``) or a
    :class:`~reserves.sovereign.model.SovereignGame` (through the aggregates, any roster size).
    A player with a single action has loss ``+inf`` (she cannot deviate)."""
    if not equilibrium.pure:
        raise SolverError(
            "deviation losses are defined here for pure equilibria",
            field="equilibrium",
            fix="select among pure equilibria",
        )
    idx = [int(np.argmax(s)) for s in equilibrium.strategies]
    if hasattr(game, "action_payoffs"):
        labels = game.labels_of(idx)
        u = game.action_payoffs(labels)
        rows = np.arange(game.num_players)
        own = u[rows, labels]
        other = u.copy()
        other[rows, labels] = -np.inf
        return own - other.max(axis=1)
    out = []
    for i in range(game.num_players):
        fibre = np.array(game.payoffs[(i, *idx[:i], slice(None), *idx[i + 1 :])], dtype=float)
        own = fibre[idx[i]]
        fibre[idx[i]] = -np.inf
        out.append(own - fibre.max())
    return np.array(out)


def risk_dominant(
    game: Any, equilibria: Sequence[Equilibrium], *, generalized: bool = True
) -> Selection:
    """Risk dominance (Harsanyi and Selten 1988).

    In a 2x2 game with two strict equilibria ``e`` and ``f``, ``e`` risk-dominates ``f`` when
    the product of the players' deviation losses is larger at ``e``:
    ``L_1(e) L_2(e) > L_1(f) L_2(f)`` with ``L_i`` from :func:`deviation_losses`.

    N-player generalization (``generalized=True``; not Harsanyi and Selten's tracing
    procedure): select the pure equilibrium with the largest Nash product of unilateral
    deviation losses, ``prod_i L_i(e)`` (compared in logs; players who cannot deviate are
    left out). It coincides with the 2x2 criterion, is invariant to positive affine rescaling
    of each player's payoffs, and in symmetric 2-action N-player coordination games picks the
    equilibrium that is costlier to leave. With ``generalized=False`` anything but a 2x2 game
    raises :class:`SolverError`.
    """
    pure = [e for e in equilibria if e.pure]
    if not pure:
        raise SolverError(
            "risk dominance needs pure equilibria; none given",
            field="equilibria",
            fix="use rule='payoff-dominant' or 'all'",
        )
    shape = tuple(len(s) for s in pure[0].strategies)
    is_2x2 = shape == (2, 2)
    if not is_2x2 and not generalized:
        raise SolverError(
            f"Harsanyi-Selten risk dominance is defined here for 2x2 games; this game is "
            f"{'x'.join(map(str, shape))}",
            field="rule",
            fix="pass generalized=True (Nash product of deviation losses) or another rule",
        )
    if len(pure) == 1:
        return Selection(pure[0], "risk-dominant", "unique pure equilibrium")
    scores = []
    for e in pure:
        L = deviation_losses(game, e)
        L = L[np.isfinite(L)]
        scores.append(float(np.sum(np.log(np.maximum(L, 1e-300)))) if L.size else 0.0)
    k = int(np.argmax(scores))
    basis = (
        "Harsanyi-Selten (2x2): largest product of deviation losses"
        if is_2x2
        else "generalized: largest Nash product of unilateral deviation losses"
    )
    return Selection(pure[k], "risk-dominant", basis)


def select_equilibrium(
    sovereign_game: Any, equilibria: Sequence[Equilibrium], rule: str = "dynamics"
) -> Selection:
    """Apply a selection rule (see the module docstring) to the equilibria of a game.

    ``"dynamics"`` runs :func:`reserves.sovereign.adoption.adoption_path` from the status quo (a
    ``SovereignGame`` is needed; for a plain ``Game`` best-response dynamics from every
    player's first action); if the path cycles, falls back to ``"payoff-dominant"``.
    """
    r = _check_rule(rule)
    if r == "all":
        return Selection(None, "all", "band over all equilibria")
    if r == "payoff-dominant":
        return payoff_dominant(equilibria)
    if r == "risk-dominant":
        return risk_dominant(sovereign_game, equilibria)
    from reserves.nash.dynamics import best_response_dynamics
    from reserves.sovereign.adoption import adoption_path

    if hasattr(sovereign_game, "action_payoffs"):
        path = adoption_path(sovereign_game)
        eq, status = path.equilibrium, path.status
        basis = f"best-response path from the status quo ({path.rounds} rounds)"
    else:
        dyn = best_response_dynamics(sovereign_game)
        eq, status = dyn.equilibrium, dyn.status
        basis = f"best-response dynamics from the first actions ({dyn.steps} rounds)"
    if eq is not None:
        return Selection(eq, "dynamics", basis)
    if not equilibria:
        raise SolverError(
            f"best-response dynamics ended in a {status} and there is no equilibrium to fall "
            "back on",
            field="rule",
            fix="use rule='all'",
        )
    sel = payoff_dominant(equilibria)
    return Selection(sel.equilibrium, "dynamics", f"dynamics {status}; fallback: {sel.basis}")


# --------------------------------------------------------------------------- the schedule
@dataclass(frozen=True)
class DemandSchedule:
    """Sovereign demand ``D(P)`` on a price grid, with the band over equilibria.

    Attributes
    ----------
    prices_usd:
        entry prices, ascending.
    demand_usd:
        the selected equilibrium's expected sovereign net USD flow at each entry price (for
        ``rule="all"``: the band's lower edge).
    demand_btc:
        ``demand_usd / prices_usd`` (BTC equivalent at the entry price).
    demand_low_usd, demand_high_usd:
        the band: min and max demand over the pure equilibria found and, where computed, over
        all correlated equilibria.
    rule, config_hash:
        selection rule and the config's content hash.
    num_equilibria:
        pure equilibria found at each price.
    selected_by:
        how the equilibrium at each price was chosen.
    accumulators:
        sovereigns accumulating in the selected equilibrium at each price.
    band_source:
        ``"pure"``, ``"pure+correlated"`` or ``"aggregative"`` (extremal equilibria only).
    """

    prices_usd: np.ndarray
    demand_usd: np.ndarray
    demand_btc: np.ndarray
    demand_low_usd: np.ndarray
    demand_high_usd: np.ndarray
    rule: str
    config_hash: str
    num_equilibria: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    selected_by: tuple[str, ...] = ()
    accumulators: tuple[tuple[str, ...], ...] = ()
    band_source: tuple[str, ...] = ()
    correlated: bool = False
    elapsed_s: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def demand_low_btc(self) -> np.ndarray:
        return self.demand_low_usd / self.prices_usd

    @property
    def demand_high_btc(self) -> np.ndarray:
        return self.demand_high_usd / self.prices_usd

    def __len__(self) -> int:
        return int(self.prices_usd.size)

    def demand_at(self, price_usd: float | np.ndarray, which: str = "selected") -> np.ndarray:
        """Demand (USD) at any price by linear interpolation on the grid (flat outside it);
        ``which`` is ``"selected"``, ``"low"`` or ``"high"``."""
        y = {
            "selected": self.demand_usd,
            "low": self.demand_low_usd,
            "high": self.demand_high_usd,
        }.get(which)
        if y is None:
            raise ReservesError(f"unknown curve {which!r}", field="which", fix="selected|low|high")
        return np.interp(price_usd, self.prices_usd, y)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the arrays as lists plus the metadata."""
        return {
            "rule": self.rule,
            "config_hash": self.config_hash,
            "correlated": self.correlated,
            "btc_basis": "USD flow / entry price",
            "prices_usd": self.prices_usd.tolist(),
            "demand_usd": self.demand_usd.tolist(),
            "demand_btc": self.demand_btc.tolist(),
            "demand_low_usd": self.demand_low_usd.tolist(),
            "demand_high_usd": self.demand_high_usd.tolist(),
            "demand_low_btc": self.demand_low_btc.tolist(),
            "demand_high_btc": self.demand_high_btc.tolist(),
            "num_equilibria": self.num_equilibria.tolist(),
            "selected_by": list(self.selected_by),
            "accumulators": [list(a) for a in self.accumulators],
            "band_source": list(self.band_source),
            "elapsed_s": self.elapsed_s,
            "notes": list(self.notes),
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """pandas DataFrame, one row per price."""
        import pandas as pd

        return pd.DataFrame(
            {
                "price_usd": self.prices_usd,
                "demand_usd": self.demand_usd,
                "demand_btc": self.demand_btc,
                "demand_low_usd": self.demand_low_usd,
                "demand_high_usd": self.demand_high_usd,
                "demand_low_btc": self.demand_low_btc,
                "demand_high_btc": self.demand_high_btc,
                "num_equilibria": self.num_equilibria,
                "accumulators": [len(a) for a in self.accumulators],
                "selected_by": list(self.selected_by),
                "band_source": list(self.band_source),
            }
        )

    def table(self, *, max_rows: int = 60) -> str:
        """Readable text for the CLI."""
        lines = [
            f"sovereign demand schedule, rule {self.rule}, {len(self)} prices, "
            f"config {self.config_hash}, {self.elapsed_s:.3g} s",
            f"{'price $':>12} {'demand $B':>11} {'demand BTC':>12} {'band low $B':>12} "
            f"{'band high $B':>13} {'#eq':>4}  accumulating",
        ]
        step = max(1, len(self) // max_rows)
        for k in range(0, len(self), step):
            lines.append(
                f"{self.prices_usd[k]:>12,.0f} {self.demand_usd[k] / 1e9:>11.2f} "
                f"{self.demand_btc[k]:>12,.0f} {self.demand_low_usd[k] / 1e9:>12.2f} "
                f"{self.demand_high_usd[k] / 1e9:>13.2f} {self.num_equilibria[k]:>4d}  "
                f"{len(self.accumulators[k])}"
            )
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)


def price_grid(
    cfg: ReservesConfig,
    points: int = 50,
    *,
    min_price_usd: float | None = None,
    max_price_usd: float | None = None,
) -> np.ndarray:
    """Geometric price grid, by default from 20% to 150% of the config's entry price."""
    p0 = cfg.market.price_usd
    lo = 0.2 * p0 if min_price_usd is None else float(min_price_usd)
    hi = 1.5 * p0 if max_price_usd is None else float(max_price_usd)
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi):
        raise ReservesError(
            f"price range [{lo}, {hi}] is not an increasing range of positive prices",
            field="min_price_usd",
            fix="give 0 < min_price_usd < max_price_usd",
        )
    if int(points) < 2:
        raise ReservesError(f"points = {points} must be at least 2", field="points")
    return np.geomspace(lo, hi, int(points))


def _check_prices(prices_usd: Any) -> np.ndarray:
    try:
        p = np.asarray(prices_usd, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ReservesError(
            "prices_usd must be numbers", field="prices_usd", fix="give a 1-D array of prices"
        ) from None
    if p.size == 0 or not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise ReservesError(
            "prices_usd must be a non-empty array of positive finite prices",
            field="prices_usd",
            fix="for example np.geomspace(20_000, 150_000, 50)",
        )
    return np.unique(p)  # sorted ascending, duplicates removed


def _progress(progress: bool | Callable[[int, int], None], total: int):  # type: ignore[no-untyped-def]
    if callable(progress):
        return (lambda k: progress(k, total)), (lambda: None)
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="demand schedule", unit="price")
        return (lambda k: bar.update(1)), bar.close
    return (lambda k: None), (lambda: None)


def _pure_equilibria(tensor: Any) -> list[Equilibrium]:
    """All pure equilibria of a tensor game, each verified by its fibre regret
    (:func:`reserves.nash.verify.max_regret`); payoffs read from the tensor (the same set as
    :func:`reserves.nash.pure.pure_solve`, without contracting the tensor per equilibrium)."""
    from reserves.nash.pure import pure_equilibria_indices
    from reserves.nash.verify import max_regret, regret_tolerance

    out = []
    for row in pure_equilibria_indices(tensor):
        prof = tensor.pure_profile(row)
        regret = max_regret(tensor, prof)
        bound = regret_tolerance(tensor, prof)
        if regret <= bound:
            pay = tensor.payoffs[(slice(None), *(int(k) for k in row))]
            out.append(
                Equilibrium(
                    tuple(prof),
                    float(regret),
                    tuple(float(x) for x in pay),
                    tensor.actions,
                    float(bound),
                )
            )
    return out


def _solve_price(
    cfg: ReservesConfig, price: float, rule: str, correlated: bool | None
) -> tuple[float, float, float, int, str, tuple[str, ...], str]:
    """(selected, low, high, #equilibria, selected_by, accumulators, band source) at a price."""
    from reserves.nash.correlated import (
        correlated_demand_band,
        profile_weights,
        reduce_by_dominance,
    )
    from reserves.sovereign.aggregative import aggregative_solve
    from reserves.sovereign.model import SovereignGame

    sg = SovereignGame(cfg, price_usd=price)
    flows = _own_flows(sg)
    demands: list[float] = []
    if sg.num_profiles <= TENSOR_MAX_PROFILES:
        tensor = sg.to_game()
        eqs = _pure_equilibria(tensor)
        source = "pure"
    else:
        tensor = None
        eqs = list(aggregative_solve(sg).equilibria)
        source = "aggregative"
    for e in eqs:
        demands.append(float(sum(s @ f for s, f in zip(e.strategies, flows, strict=True))))
    low = min(demands, default=np.inf)
    high = max(demands, default=-np.inf)
    use_ce = tensor is not None and (correlated is None or correlated)
    if use_ce:
        keep = reduce_by_dominance(tensor)
        n_left = int(np.prod([len(k) for k in keep]))
        if n_left == 1:
            w = profile_weights(tensor, flows)
            d = float(w[tuple(k[0] for k in keep)])
            low, high = min(low, d), max(high, d)
            source = "pure+correlated"
        elif n_left <= CE_BAND_MAX_PROFILES or correlated:
            lo_r, hi_r = correlated_demand_band(tensor, demand_weights=flows)
            low = min(low, float(lo_r.expected_demand_usd))  # type: ignore[arg-type]
            high = max(high, float(hi_r.expected_demand_usd))  # type: ignore[arg-type]
            source = "pure+correlated"
    if not np.isfinite(low):
        low = high = np.nan
    if rule == "all" or (not eqs and rule != "dynamics"):
        sel_d = low
        by = "band lower edge" if rule == "all" else "no pure equilibrium: band lower edge"
        acc: tuple[str, ...] = ()
        return sel_d, low, high, len(eqs), by, acc, source
    try:
        sel = select_equilibrium(sg, eqs, rule)
    except SolverError as exc:
        return low, low, high, len(eqs), f"no selection ({exc}); band lower edge", (), source
    e = sel.equilibrium
    assert e is not None
    sel_d = float(sum(s @ f for s, f in zip(e.strategies, flows, strict=True)))
    acc = tuple(
        p for p, a in zip(sg.players, e.action_profile(), strict=True) if a.startswith("accumulate")
    )
    # the selected equilibrium always lies in the band (it is verified; the band is widened if
    # the aggregative solver did not list it)
    low, high = (sel_d, sel_d) if np.isnan(low) else (min(low, sel_d), max(high, sel_d))
    return sel_d, low, high, len(eqs), sel.basis, acc, source


def demand_schedule(
    cfg: ReservesConfig,
    prices_usd: np.ndarray | None = None,
    *,
    rule: str = "dynamics",
    correlated: bool | None = None,
    progress: bool | Callable[[int, int], None] = False,
    use_cache: bool = True,
) -> DemandSchedule:
    """The sovereign demand schedule ``D(P)``: the game re-solved at every price of a grid.

    At each price ``P`` the game :class:`SovereignGame(cfg, price_usd=P)` is solved (all pure
    equilibria on the payoff tensor for rosters up to ``TENSOR_MAX_PROFILES`` profiles, else
    the aggregative solver's extremal equilibria), ``rule`` selects one equilibrium and its
    expected demand ``D(P) = sum_i sum_a sigma_i(a) x_i(a)`` is recorded together with the
    band over equilibria (see the module docstring).

    Parameters
    ----------
    cfg:
        validated config.
    prices_usd:
        entry prices (sorted ascending, duplicates dropped); default :func:`price_grid`.
    rule:
        ``"dynamics"`` (default), ``"payoff-dominant"``, ``"risk-dominant"`` or ``"all"``.
    correlated:
        widen the band to all correlated equilibria: ``None`` (default) where affordable
        (after iterated strict dominance the game has at most ``CE_BAND_MAX_PROFILES``
        profiles), ``True`` always when the tensor exists, ``False`` never.
    progress:
        ``True`` for a tqdm bar, or a callable ``(done, total)``.
    use_cache:
        results are cached per (config hash, price grid, rule, correlated).
    """
    if not isinstance(cfg, ReservesConfig):
        raise ReservesError(
            f"demand_schedule needs a ReservesConfig, got {type(cfg).__name__}",
            field="cfg",
            fix="use reserves.load_config(path)",
        )
    r = _check_rule(rule)
    prices = price_grid(cfg) if prices_usd is None else _check_prices(prices_usd)
    key = (cfg.content_hash(), prices.tobytes(), r, correlated)
    if use_cache and key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    t0 = time.perf_counter()
    n = prices.size
    sel = np.empty(n)
    low = np.empty(n)
    high = np.empty(n)
    neq = np.zeros(n, dtype=int)
    by: list[str] = []
    accs: list[tuple[str, ...]] = []
    src: list[str] = []
    update, close = _progress(progress, n)
    try:
        for k, p in enumerate(prices):
            sel[k], low[k], high[k], neq[k], b, a, s = _solve_price(cfg, float(p), r, correlated)
            by.append(b)
            accs.append(a)
            src.append(s)
            update(k + 1)
    finally:
        close()
    notes = []
    if "aggregative" in src:
        notes.append(
            "large roster: the band covers the extremal pure equilibria of the aggregative "
            "solver, not a complete set"
        )
    if any("fallback" in b or "no selection" in b for b in by):
        notes.append("at some prices the rule could not select and fell back (see selected_by)")
    arrays = [prices, sel, sel / prices, low, high, neq]
    for arr in arrays:
        arr.setflags(write=False)
    out = DemandSchedule(
        prices_usd=prices,
        demand_usd=sel,
        demand_btc=arrays[2],
        demand_low_usd=low,
        demand_high_usd=high,
        rule=r,
        config_hash=key[0],
        num_equilibria=neq,
        selected_by=tuple(by),
        accumulators=tuple(accs),
        band_source=tuple(src),
        correlated=correlated is not False,
        elapsed_s=time.perf_counter() - t0,
        notes=tuple(notes),
    )
    if use_cache:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def clear_demand_cache() -> None:
    """Forget cached schedules."""
    _CACHE.clear()


def demand_band(
    cfg: ReservesConfig, *, price_usd: float | None = None, rule: str = "dynamics"
) -> dict[str, Any]:
    """Demand at one entry price (default the config's): the selected equilibrium's demand
    and the band, in USD and BTC (a one-point :func:`demand_schedule`)."""
    p = cfg.market.price_usd if price_usd is None else float(price_usd)
    s = demand_schedule(cfg, np.array([p]), rule=rule)
    return {
        "price_usd": p,
        "rule": s.rule,
        "demand_usd": float(s.demand_usd[0]),
        "demand_btc": float(s.demand_btc[0]),
        "low_usd": float(s.demand_low_usd[0]),
        "high_usd": float(s.demand_high_usd[0]),
        "low_btc": float(s.demand_low_btc[0]),
        "high_btc": float(s.demand_high_btc[0]),
        "num_equilibria": int(s.num_equilibria[0]),
        "accumulators": list(s.accumulators[0]),
        "selected_by": s.selected_by[0],
        "band_source": s.band_source[0],
    }


__all__ = [
    "CE_BAND_MAX_PROFILES",
    "SELECTION_RULES",
    "TENSOR_MAX_PROFILES",
    "DemandResult",
    "DemandSchedule",
    "Selection",
    "clear_demand_cache",
    "demand_band",
    "demand_schedule",
    "deviation_losses",
    "equilibrium_demand",
    "payoff_dominant",
    "price_grid",
    "risk_dominant",
    "select_equilibrium",
]
