"""One small function per briefing section, each built only from public library calls.

Every function takes the :class:`Context` and returns a :class:`Section` (plain numbers for
the wording templates, tables, charts), or raises :class:`Unavailable` when the model layer it
summarizes is not in this build; the briefing then says so plainly instead of failing.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from reserves.briefing import fmt
from reserves.briefing.model import Table
from reserves.config import ReservesConfig

__all__ = ["SECTIONS", "Context", "Section", "Unavailable"]


class Unavailable(Exception):  # noqa: N818 - a signal, not an error
    """The layer a section needs is not in this build (``what``, ``module``)."""

    def __init__(self, what: str, module: str) -> None:
        super().__init__(f"{what} ({module})")
        self.what = what
        self.module = module


@dataclass(frozen=True)
class ChartSpec:
    """A chart to render: ``make()`` returns an Altair chart (called once, when rendering)."""

    key: str
    title: str
    caption: str
    make: Callable[[], Any]


@dataclass(frozen=True)
class Section:
    """What one section contributes: template variables, tables and charts."""

    key: str
    data: dict[str, Any]
    tables: tuple[Table, ...] = ()
    charts: tuple[ChartSpec, ...] = ()


def _import(module: str, what: str) -> Any:
    """Import a layer's module or raise :class:`Unavailable` if it is not in this build."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # missing, or a layer still being built inside the package
        name = getattr(exc, "name", None) or ""
        if name == "reserves" or name.startswith("reserves.") or module.startswith(name + "."):
            raise Unavailable(what, module) from None
        raise


def _attr(module: str, name: str, what: str) -> Any:
    mod = _import(module, what)
    if not hasattr(mod, name):
        raise Unavailable(what, f"{module}.{name}")
    return getattr(mod, name)


@dataclass
class Context:
    """Inputs shared by the sections, with the game solved once and cached."""

    cfg: ReservesConfig
    seed: int = 0
    event_config: Any = None
    cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def game(self) -> Any:
        from reserves.game.model import SovereignGame

        return SovereignGame(self.cfg)

    @cached_property
    def tensor_ok(self) -> bool:
        from reserves.game.model import MAX_TENSOR_ENTRIES

        return self.game.num_profiles * self.game.num_players <= MAX_TENSOR_ENTRIES

    @cached_property
    def result(self) -> Any:
        """All pure equilibria (complete) when the tensor fits, else the extremal ones."""
        if self.tensor_ok:
            from reserves.game.pure import pure_solve

            return pure_solve(self.game.to_game())
        from reserves.game.aggregative import aggregative_solve

        return aggregative_solve(self.game)


# --------------------------------------------------------------------------- equilibrium


def _profile_labels(ctx: Context, eq: Any) -> list[str]:
    return [ctx.result.actions[i][int(np.argmax(s))] for i, s in enumerate(eq.strategies)]


def equilibrium(ctx: Context) -> Section:
    """The first equilibrium: who accumulates, holds, sells; the sovereign flow it implies.

    Flows per player come from :meth:`SovereignGame.player_flows` (buy cash ``c``, BTC sold
    ``q``); the net flow is ``sum_i c_i + q_i P0`` at the entry price.
    """
    game, res = ctx.game, ctx.result
    data: dict[str, Any] = {
        "n_equilibria": len(res.equilibria),
        "complete": bool(res.complete),
        "method": res.method,
        "n_players": game.num_players,
        "game_type": None,
    }
    with contextlib.suppress(Unavailable):
        data["game_type"] = game_type(ctx)
    if res.equilibria:
        eq = res.equilibria[0]
        labels = _profile_labels(ctx, eq)
        buy = sell_btc = 0.0
        for i, a in enumerate(labels):
            c, q, _, _ = game.player_flows(i, a)
            buy += c
            sell_btc += -q
        groups = {
            a: [p for p, lab in zip(game.players, labels, strict=True) if lab == a]
            for a in ("accumulate", "hold", "sell")
        }
        data.update(
            counts={a: len(v) for a, v in groups.items()},
            accumulators=groups["accumulate"],
            holders=groups["hold"],
            sellers=groups["sell"],
            buy_usd=buy,
            sell_btc=sell_btc,
            sell_usd=sell_btc * game.price_usd,
            net_usd=buy - sell_btc * game.price_usd,
            max_regret_usd=float(eq.regret),
        )
    charts: tuple[ChartSpec, ...] = ()
    try:
        roster = _import("reserves.charts.roster", "the chart module")
        charts = (
            ChartSpec(
                "equilibrium",
                "Who does what in equilibrium",
                "Action of each sovereign in the pure equilibria found (colour: action).",
                lambda: roster.equilibria_chart(res, max_equilibria=8),
            ),
        )
    except Unavailable:
        pass
    return Section("equilibrium", data, charts=charts)


def game_type(ctx: Context) -> str:
    """The game's type from the symbolic layer (:mod:`reserves.game.symbolic`)."""
    _import("reserves.game.symbolic", "the symbolic analysis")
    raise Unavailable("the symbolic analysis", "reserves.game.symbolic")


# --------------------------------------------------------------------------- never sell


def never_sell(ctx: Context) -> Section:
    """For whom "accumulate, never sell" (C14) holds: accumulating strictly dominant.

    Dominance is checked on the payoff tensor with
    :func:`reserves.game.pure.dominant_actions` (strict, against every profile of the others).
    """
    game = ctx.game
    if not ctx.tensor_ok:
        raise Unavailable("dominance for a roster this large", "reserves.game.symbolic")
    from reserves.game.pure import dominant_actions

    g = game.to_game()
    dom = dominant_actions(g)
    dom_labels = [g.actions[i][k] if k is not None else None for i, k in enumerate(dom)]
    holds = [p for p, d in zip(game.players, dom_labels, strict=True) if d == "accumulate"]
    hold_dom = [p for p, d in zip(game.players, dom_labels, strict=True) if d == "hold"]
    sell_dom = [p for p, d in zip(game.players, dom_labels, strict=True) if d == "sell"]
    undecided = [p for p, d in zip(game.players, dom_labels, strict=True) if d is None]
    thresholds = None
    data = {
        "n_players": game.num_players,
        "holds_for": holds,
        "hold_dominant": hold_dom,
        "sell_dominant": sell_dom,
        "undecided": undecided,
        "thresholds": thresholds,
        "dominant": dict(zip(game.players, dom_labels, strict=True)),
    }
    return Section("never_sell", data, tables=(_roster_table(ctx, data["dominant"]),))


def _roster_table(ctx: Context, dominant: dict[str, str | None]) -> Table:
    game, res = ctx.game, ctx.result
    labels = _profile_labels(ctx, res.equilibria[0]) if res.equilibria else None
    rows = []
    for i, s in enumerate(game.sovereigns):
        ticket = s.max_buy_share * s.reserves_usd
        rows.append(
            (
                s.name,
                fmt.usd_bn(s.reserves_usd, 0),
                fmt.num(s.holdings_btc),
                fmt.usd_bn(ticket, 2),
                labels[i] if labels else "none",
                dominant.get(s.name) or "none",
            )
        )
    return Table(
        "roster",
        "Sovereigns, the equilibrium and dominance",
        (
            "Sovereign",
            "Reserves (USD bn)",
            "Holdings (BTC)",
            "Buy ticket (USD bn)",
            "Equilibrium action",
            "Dominant action",
        ),
        tuple(rows),
        ("l", "r", "r", "r", "l", "l"),
        "Buy ticket: the cash a sovereign moves into bitcoin when it accumulates (a share of "
        'its reserves). Dominant action: strictly best whatever the others do; "none" when '
        "the best action depends on the others.",
    )


# --------------------------------------------------------------------------- demand


def demand_schedule(ctx: Context, cfg: ReservesConfig | None = None) -> Any:
    """The demand schedule ``D(P)`` of ``cfg`` (default the briefing's), computed once."""
    cfg = cfg or ctx.cfg
    key = ("demand", cfg.content_hash())
    if key not in ctx.cache:
        _attr("reserves.demand", "demand_schedule", "the demand schedule")
        raise Unavailable("the demand schedule", "reserves.demand")
    return ctx.cache[key]


def demand_band(ctx: Context) -> Section:
    """The sovereign demand schedule ``D(P)`` and its band (:mod:`reserves.demand`)."""
    demand_schedule(ctx)
    raise Unavailable("the demand schedule", "reserves.demand")


# --------------------------------------------------------------------------- market

#: real net outflows (USD) tabulated in the floor table
FLOOR_TABLE_SHOCKS_USD: tuple[float, ...] = (2e8, 5e8, 1e9, 2e9, 5e9, 1e10)


def sovereign_bids(ctx: Context, mcfg: ReservesConfig) -> Any:
    """Sovereign bids below ``P0`` from the demand schedule (:func:`bids_from_schedule`),
    or None when the demand layer is not in this build."""
    key = "sovereign_bids"
    if key not in ctx.cache:
        try:
            sched = demand_schedule(ctx, mcfg)
        except Unavailable:
            ctx.cache[key] = None
        else:
            from reserves.market import bids_from_schedule

            scale = mcfg.market_model.sovereign_bids.commitment_scale
            ctx.cache[key] = bids_from_schedule(
                sched, mcfg.market.price_usd, commitment_scale=scale
            )
    return ctx.cache[key]


def market(ctx: Context) -> tuple[ReservesConfig, Any]:
    """``(config, MarketModel)`` of the market layer, built once.

    The ``market_model`` section is the config's own, or else the event config's (its
    calibrated impact, ladder and shock) merged into this config.
    """
    if "market" in ctx.cache:
        return ctx.cache["market"]
    MarketModel = _attr("reserves.market", "MarketModel", "the market model")
    mcfg = ctx.cfg
    if mcfg.market_model is None:
        event = ctx.event_config
        if event is None:
            raise Unavailable(
                "a market_model section", "pass --event configs/events/2025-11-21.yaml"
            )
        mcfg = mcfg.with_updates({"market_model": event.to_dict()["market_model"]})
    model = MarketModel.from_config(mcfg, sovereign_bids=sovereign_bids(ctx, mcfg))
    ctx.cache["market"] = (mcfg, model)
    return mcfg, model


def floor(ctx: Context) -> Section:
    """The trough under the calibrated shock with and without sovereign bids.

    ``MarketModel.cascade(F)`` solves ``p = P0 (1 - I(F + Lq(p) - D(p) - B(p)))`` for the
    first fixed point below ``P0`` (MODEL.md section 5); ``F`` is ``market_model.shock``.
    """
    mcfg, model = market(ctx)
    shock = float(mcfg.market_model.shock.shock_usd)
    p0 = model.start_price_usd
    without = model.cascade(shock, with_sovereigns=False)
    has_bids = model.sovereign_bids.total_usd > 0
    with_ = model.cascade(shock, with_sovereigns=True) if has_bids else None
    data = {
        "shock_usd": shock,
        "start_price_usd": p0,
        "trough_without_usd": without.trough_usd,
        "drop_without": without.drop,
        "trough_with_usd": with_.trough_usd if with_ else None,
        "drop_with": with_.drop if with_ else None,
        "liquidations_usd": without.liquidations_usd,
        "fragility_ratio": without.fragility_ratio,
        "has_bids": has_bids,
    }
    shocks = list(FLOOR_TABLE_SHOCKS_USD)
    if shock not in shocks:
        shocks = sorted([*shocks, shock])
    t_without = model.troughs(shocks, with_sovereigns=False)
    t_with = model.troughs(shocks, with_sovereigns=True) if has_bids else None
    rows = []
    for k, f in enumerate(shocks):
        rows.append(
            (
                fmt.usd(f) + (" (calibrated)" if f == shock else ""),
                fmt.usd_price(t_without.trough_usd[k]),
                fmt.pct(1 - t_without.trough_usd[k] / p0, 1),
                fmt.usd(t_without.liquidations_usd[k]),
                fmt.usd_price(t_with.trough_usd[k]) if t_with is not None else "not computed",
            )
        )
    table = Table(
        "floor",
        f"Trough after a real net outflow (start price {fmt.usd_price(p0)})",
        (
            "Real net outflow",
            "Trough without sovereigns",
            "Fall",
            "Liquidations",
            "Trough with sovereigns",
        ),
        tuple(rows),
        ("l", "r", "r", "r", "r"),
        "Trough: the first price where the market absorbs the outflow plus the liquidations it "
        "triggers (MODEL.md section 5). Liquidations: longs sold down to the trough and shorts "
        "squeezed by the rebound. With sovereigns: their equilibrium demand placed as bids "
        "below the start price.",
    )
    return Section("floor", data, tables=(table,))


def break_shock(ctx: Context) -> Section:
    """The smallest real outflow that takes the price below the break level (C17: $50,000),
    with and without sovereign bids (:func:`reserves.market.breaking_shock`)."""
    mcfg, model = market(ctx)
    from reserves.market import breaking_shock

    level = float(mcfg.market_model.shock.break_level_usd)
    has_bids = model.sovereign_bids.total_usd > 0
    without = breaking_shock(model, level, with_sovereigns=False)
    with_ = breaking_shock(model, level, with_sovereigns=True) if has_bids else None
    return Section(
        "break_shock",
        {
            "level_usd": level,
            "shock_without_usd": without,
            "shock_with_usd": with_,
            "has_bids": has_bids,
            "calibrated_shock_usd": float(mcfg.market_model.shock.shock_usd),
        },
    )


# --------------------------------------------------------------------------- scenarios


def scenarios(ctx: Context) -> Section:
    """The scenario fan and the C16 volatility probabilities (:mod:`reserves.scenarios`)."""
    _import("reserves.scenarios", "the scenario layer")
    raise Unavailable("the scenario layer", "reserves.scenarios")


#: the headline findings, in reading order: key -> section function
SECTIONS: dict[str, Callable[[Context], Section]] = {
    "equilibrium": equilibrium,
    "never_sell": never_sell,
    "demand_band": demand_band,
    "floor": floor,
    "break_shock": break_shock,
    "scenarios": scenarios,
}
