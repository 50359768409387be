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

from reserves import units as fmt
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
    scenario_config: Any = None
    cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def game(self) -> Any:
        from reserves.sovereign.model import SovereignGame

        return SovereignGame(self.cfg)

    @cached_property
    def tensor_ok(self) -> bool:
        from reserves.sovereign.model import MAX_TENSOR_ENTRIES

        return self.game.num_profiles * self.game.num_players <= MAX_TENSOR_ENTRIES

    @cached_property
    def result(self) -> Any:
        """All pure equilibria (complete) when the tensor fits, else the extremal ones."""
        if self.tensor_ok:
            from reserves.nash.pure import pure_solve

            return pure_solve(self.game.to_game())
        from reserves.sovereign.aggregative import aggregative_solve

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


def thresholds(ctx: Context) -> tuple[Any, ...]:
    """Dominance thresholds ``theta*`` per sovereign
    (:func:`reserves.sovereign.symbolic.dominance_thresholds`), computed once."""
    if "thresholds" not in ctx.cache:
        func = _attr("reserves.sovereign.symbolic", "dominance_thresholds", "the symbolic analysis")
        ctx.cache["thresholds"] = tuple(func(ctx.game, "theta"))
    return ctx.cache["thresholds"]


def game_type(ctx: Context) -> str:
    """The game's type: the 2x2 class from the symbolic layer for two sovereigns with two
    actions, else whether iterated strict dominance solves it
    (:func:`reserves.nash.pure.iterated_elimination`)."""
    if ctx.game.shape == (2, 2):
        with contextlib.suppress(Unavailable):
            classify = _attr(
                "reserves.sovereign.symbolic", "classify_2x2", "the 2x2 classification"
            )
            return str(classify(ctx.game.to_game()).game_type)
    if not ctx.tensor_ok:
        raise Unavailable("the game type of a roster this large", "reserves.sovereign.symbolic")
    from reserves.nash.pure import iterated_elimination

    left = iterated_elimination(ctx.game.to_game()).game
    n = int(np.prod(left.shape))
    if n == 1:
        return (
            "dominance-solvable (iterated elimination of strictly dominated actions leaves "
            "a single profile, so the equilibrium is unique)"
        )
    return (
        f"not dominance-solvable ({n:,} profiles survive iterated elimination of strictly "
        "dominated actions)"
    )


# --------------------------------------------------------------------------- never sell


def never_sell(ctx: Context) -> Section:
    """For whom "accumulate, never sell" (C14) holds: accumulating strictly dominant.

    Dominance on the payoff tensor (:func:`reserves.nash.pure.dominant_actions`, strict,
    against every profile of the others) and, from the symbolic layer, each sovereign's
    threshold ``theta*`` (:func:`reserves.sovereign.symbolic.dominance_thresholds`: accumulate
    dominates iff ``theta > theta*``).
    """
    game = ctx.game
    theta: list[tuple[str, float, float]] | None = None
    with contextlib.suppress(Unavailable):
        theta = [(t.player, float(t.value), float(t.threshold)) for t in thresholds(ctx)]
    if ctx.tensor_ok:
        from reserves.nash.pure import dominant_actions

        g = game.to_game()
        dom = dominant_actions(g)
        dom_labels = [g.actions[i][k] if k is not None else None for i, k in enumerate(dom)]
    elif theta is not None:  # no tensor: accumulate dominates iff theta > theta* (closed form)
        held = {t.player: t.holds for t in thresholds(ctx)}
        dom_labels = ["accumulate" if held[p] else None for p in game.players]
    else:
        raise Unavailable("dominance for a roster this large", "reserves.sovereign.symbolic")
    pairs = list(zip(game.players, dom_labels, strict=True))
    data = {
        "n_players": game.num_players,
        "holds_for": [p for p, d in pairs if d == "accumulate"],
        "hold_dominant": [p for p, d in pairs if d == "hold"],
        "sell_dominant": [p for p, d in pairs if d == "sell"],
        "undecided": [p for p, d in pairs if d is None],
        "thresholds": theta,
        "dominant": dict(pairs),
    }
    return Section("never_sell", data, tables=(_roster_table(ctx, data["dominant"], theta),))


def _theta(x: float) -> str:
    if not np.isfinite(x):
        return "never" if x > 0 else "any"
    if x <= 0:
        return "any"
    return f"{x:.3g}" if x < 1000 else fmt.num(x)


def _roster_table(
    ctx: Context,
    dominant: dict[str, str | None],
    thresholds: list[tuple[str, float, float]] | None,
) -> Table:
    game, res = ctx.game, ctx.result
    labels = _profile_labels(ctx, res.equilibria[0]) if res.equilibria else None
    th = {name: (v, t) for name, v, t in thresholds or ()}
    rows = []
    for i, s in enumerate(game.sovereigns):
        ticket = s.max_buy_share * s.reserves_usd
        row = [
            s.name,
            fmt.usd_bn(s.reserves_usd, 0),
            fmt.num(s.holdings_btc),
            fmt.usd_bn(ticket, 2),
            labels[i] if labels else "none",
            dominant.get(s.name) or "none",
        ]
        if thresholds is not None:
            v, t = th.get(s.name, (float("nan"), float("nan")))
            row += [f"{v:.3g}", _theta(t)]
        rows.append(tuple(row))
    columns = [
        "Sovereign",
        "Reserves, USD bn",
        "Holdings, BTC",
        "Buy ticket, USD bn",
        "Equilibrium",
        "Dominant",
    ]
    align = ["l", "r", "r", "r", "l", "l"]
    note = (
        "Buy ticket: the cash a sovereign moves into bitcoin when it accumulates (a share of "
        'its reserves). Dominant: the action strictly best whatever the others do; "none" '
        "when the best action depends on the others."
    )
    if thresholds is not None:
        columns += ["theta", "theta*"]
        align += ["r", "r"]
        note += (
            " theta: strategic weight of relative reserve share (config); theta*: the weight "
            'above which accumulating dominates ("any": at every weight).'
        )
    return Table(
        "roster",
        "Sovereigns, the equilibrium and dominance",
        tuple(columns),
        tuple(rows),
        tuple(align),
        note,
    )


# --------------------------------------------------------------------------- demand


#: most prices below P0 the briefing solves the game at (each solve includes the correlated LPs)
DEMAND_MAX_POINTS = 13

#: multiples of the entry price tabulated in the demand table
DEMAND_TABLE_RATIOS: tuple[float, ...] = (0.4, 0.55, 0.7, 0.85, 1.0, 1.25, 1.5)


def _bid_grid(ctx: Context) -> tuple[float, int]:
    """(lowest price / P0, points below P0) from a ``market_model.sovereign_bids`` section."""
    for c in (ctx.cfg, ctx.event_config):
        mm = getattr(c, "market_model", None)
        if mm is not None:
            return float(mm.sovereign_bids.min_price_ratio), int(mm.sovereign_bids.grid_points)
    return 0.4, 25


def demand_schedule(ctx: Context) -> Any:
    """The demand schedule ``D(P)`` of the briefing's config, computed once.

    Prices: ``grid_points`` (at most :data:`DEMAND_MAX_POINTS`) evenly spaced from
    ``min_price_ratio * P0`` to ``P0`` (as the market layer places bids) plus the table's
    multiples of ``P0``; selection rule
    ``"dynamics"`` (:func:`reserves.demand.demand_schedule`).
    """
    if "demand" not in ctx.cache:
        schedule = _attr("reserves.demand", "demand_schedule", "the demand schedule")
        p0 = float(ctx.cfg.market.price_usd)
        lo, n = _bid_grid(ctx)
        n = min(n, DEMAND_MAX_POINTS)
        prices = np.union1d(np.linspace(lo * p0, p0, n), p0 * np.asarray(DEMAND_TABLE_RATIOS))
        ctx.cache["demand"] = schedule(ctx.cfg, prices, rule="dynamics")
    return ctx.cache["demand"]


def demand_band(ctx: Context) -> Section:
    """The sovereign demand schedule ``D(P)`` and its band over equilibria
    (:mod:`reserves.demand`): the selected equilibrium's demand and the range over all pure
    (and, where affordable, correlated) equilibria."""
    sched = demand_schedule(ctx)
    p0 = float(ctx.cfg.market.price_usd)
    prices = np.asarray(sched.prices_usd, dtype=float)
    d = np.asarray(sched.demand_usd, dtype=float)
    lo = np.asarray(sched.demand_low_usd, dtype=float)
    hi = np.asarray(sched.demand_high_usd, dtype=float)
    k0 = int(np.argmin(np.abs(prices - p0)))
    data = {
        "price_usd": p0,
        "demand_usd": float(d[k0]),
        "low_usd": float(lo[k0]),
        "high_usd": float(hi[k0]),
        "price_lo_usd": float(prices.min()),
        "price_hi_usd": float(prices.max()),
        "demand_min_usd": float(np.min(lo)),
        "demand_max_usd": float(np.max(hi)),
        "rule": sched.rule,
        "correlated": bool(getattr(sched, "correlated", False)),
    }
    rows = []
    acc = list(getattr(sched, "accumulators", ()) or ())
    for r in DEMAND_TABLE_RATIOS:
        k = int(np.argmin(np.abs(prices - r * p0)))
        rows.append(
            (
                fmt.usd_price(prices[k]) + (" (now)" if k == k0 else ""),
                fmt.usd(d[k]),
                fmt.usd(lo[k]),
                fmt.usd(hi[k]),
                str(len(acc[k])) if k < len(acc) else "n/a",
            )
        )
    table = Table(
        "demand",
        "Sovereign demand at lower and higher prices",
        ("Bitcoin price", "Demand", "Band low", "Band high", "Sovereigns accumulating"),
        tuple(rows),
        ("l", "r", "r", "r", "r"),
        "Demand: net sovereign flow into bitcoin (USD) in the equilibrium reached by "
        "best-response dynamics from the status quo. Band: the lowest and highest demand over "
        "all equilibria found"
        + (", correlated equilibria included." if data["correlated"] else "."),
    )
    return Section("demand_band", data, tables=(table,))


# --------------------------------------------------------------------------- market

#: real net outflows (USD) tabulated in the floor table
FLOOR_TABLE_SHOCKS_USD: tuple[float, ...] = (2e8, 5e8, 1e9, 2e9, 5e9, 1e10)


def sovereign_bids(ctx: Context, mcfg: ReservesConfig) -> Any:
    """Sovereign bids below ``P0`` from the demand schedule (:func:`bids_from_schedule`),
    or None when the demand layer is not in this build."""
    key = "sovereign_bids"
    if key not in ctx.cache:
        try:
            sched = demand_schedule(ctx)
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
    charts: tuple[ChartSpec, ...] = ()
    with contextlib.suppress(Unavailable):
        charts_market = _import("reserves.charts.market", "the market charts")
        if hasattr(charts_market, "trough_chart"):
            from reserves.market import floor_curves

            sh = mcfg.market_model.shock
            curves = floor_curves(
                model,
                level_usd=float(sh.break_level_usd),
                max_shock_usd=float(sh.curve_max_usd),
                points=int(sh.curve_points),
            )
            charts = (
                ChartSpec(
                    "floor",
                    "The floor against the size of the shock",
                    "Trough after a real net outflow, without sovereign bids and with the "
                    "sovereigns' equilibrium demand placed as bids below the start price.",
                    lambda: charts_market.trough_chart(curves),
                ),
            )
    return Section("floor", data, tables=(table,), charts=charts)


def break_shock(ctx: Context) -> Section:
    """The smallest real outflow that takes the price below the break level (C17: $50,000),
    with and without sovereign bids (:func:`reserves.market.breaking_shock`)."""
    mcfg, model = market(ctx)
    from reserves.market import breaking_shock

    level = float(mcfg.market_model.shock.break_level_usd)
    has_bids = model.sovereign_bids.total_usd > 0
    without = breaking_shock(model, level, with_sovereigns=False)
    with_ = breaking_shock(model, level, with_sovereigns=True) if has_bids else None
    # least sovereign commitment (a bid wall, cvxpy) holding the level against a stress shock
    # twice the breaking one: the calibrated shock alone does not break it
    from reserves.market import least_commitment, no_bids

    stress = 2.0 * float(without)
    commit = least_commitment(
        model.replace(sovereign_bids=no_bids(model.start_price_usd)), level, stress
    )
    return Section(
        "break_shock",
        {
            "level_usd": level,
            "shock_without_usd": without,
            "shock_with_usd": with_,
            "has_bids": has_bids,
            "calibrated_shock_usd": float(mcfg.market_model.shock.shock_usd),
            "stress_shock_usd": stress,
            "commitment_usd": float(commit.commitment_usd),
        },
    )


# --------------------------------------------------------------------------- scenarios


#: Monte Carlo paths per scenario in a briefing (the scenario config's own count is for studies)
BRIEFING_PATHS = 200


def scenario_config(ctx: Context) -> ReservesConfig:
    """The config whose ``scenarios`` section is simulated: the briefing's own, else the
    scenario config given (default ``configs/scenarios/c17.yaml``) with this config's roster,
    market and market model."""
    if ctx.cfg.scenarios is not None:
        return ctx.cfg
    sc = ctx.scenario_config
    if sc is None or sc.scenarios is None:
        raise Unavailable("a scenarios section", "pass a config with one, e.g. configs/scenarios")
    updates: dict[str, Any] = {"scenarios": sc.to_dict()["scenarios"]}
    with contextlib.suppress(Unavailable):
        mcfg, _ = market(ctx)
        updates["market_model"] = mcfg.to_dict()["market_model"]
    return ctx.cfg.with_updates(updates)


def scenarios(ctx: Context) -> Section:
    """The scenario fan and the C16 volatility probabilities
    (:func:`reserves.scenarios.simulate_all`, mixed by the C17 priors), seeded by the
    briefing's seed."""
    simulate_all = _attr("reserves.scenarios", "simulate_all", "the scenario layer")
    scfg = scenario_config(ctx)
    result = simulate_all(scfg, paths=BRIEFING_PATHS, seed=ctx.seed)
    mixture_checks = list(result.mixture_checks)
    runs = list(result.runs)
    start = str(result.meta.get("start_date", ""))
    horizon = int(result.meta.get("horizon_days", 0))
    q = result.mixture_quantiles["price_usd"]
    levels = np.asarray(_attr("reserves.scenarios.simulate", "LEVELS", "the scenario layer"))

    def at(level: float) -> float:
        return float(q[-1, int(np.argmin(np.abs(levels - level)))])

    data = {
        "start_date": start,
        "horizon_days": horizon,
        "paths": int(result.meta.get("paths", BRIEFING_PATHS)),
        "scenarios": [(r.name.replace("_", " "), float(r.probability)) for r in runs],
        "p05_end_usd": at(0.05),
        "p50_end_usd": at(0.5),
        "p95_end_usd": at(0.95),
        "c16": [(str(c["label"]), float(c["probability"])) for c in mixture_checks],
        "break_level_usd": float(scfg.scenarios.break_level_usd),
    }
    rows = []
    for r in runs:
        m = r.metrics
        rows.append(
            (
                r.name.replace("_", " "),
                fmt.pct(r.probability),
                fmt.usd_price(m.get("price_median_end_usd")),
                fmt.pct(m.get("p_min_price_below_break"), 0),
                *(fmt.pct(c["probability"], 1) for c in r.checks),
            )
        )
    rows.append(
        (
            "mixture",
            "100%",
            fmt.usd_price(data["p50_end_usd"]),
            "",
            *(fmt.pct(c["probability"], 1) for c in mixture_checks),
        )
    )
    table = Table(
        "scenarios",
        f"C17 scenarios: {data['paths']:,} simulated paths each from {start}",
        (
            "Scenario",
            "Prior",
            "Median end price",
            f"P(below {fmt.usd_price(data['break_level_usd'])})",
            *(f"P(vol < {fmt.pct(c['below_vol_pa'])}), {c['date']}" for c in mixture_checks),
        ),
        tuple(rows),
        ("l", "r", "r", "r", *("r" for _ in mixture_checks)),
        "Prior: the article's scenario probability (C17). P(below): probability that the price "
        "falls below the level at some point. P(vol < ...): probability that 30-day realized "
        "volatility is below the level on the date (C16). Priors and dates are the article's, "
        "inputs to vary, not facts.",
    )
    charts: tuple[ChartSpec, ...] = ()
    with contextlib.suppress(Unavailable):
        cs = _import("reserves.charts.scenarios", "the scenario charts")
        if hasattr(cs, "fan_chart"):
            charts = (
                ChartSpec(
                    "fan",
                    "Scenario fan: the bitcoin price",
                    "Mixture of the C17 scenarios weighted by their priors: median, 25-75% "
                    "and 5-95% bands of the simulated price.",
                    lambda: cs.fan_chart(result, "price_usd"),
                ),
            )
    return Section("scenarios", data, tables=(table,), charts=charts)


#: the headline findings, in reading order: key -> section function
SECTIONS: dict[str, Callable[[Context], Section]] = {
    "equilibrium": equilibrium,
    "never_sell": never_sell,
    "demand_band": demand_band,
    "floor": floor,
    "break_shock": break_shock,
    "scenarios": scenarios,
}
