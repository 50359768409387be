"""One small function per briefing finding, each a renderer of the assessment.

Every number comes from :func:`reserves.assessment.assess` (the object the CLI, the app and
the paper render too); this module only picks the figures a finding quotes, lays out its table
and names its chart. A function raises :class:`Unavailable` when the assessment section it
renders could not be computed; the briefing then says so plainly instead of failing.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reserves import units as fmt
from reserves.assessment import Assessment, Section
from reserves.briefing.model import Table

__all__ = ["FINDINGS", "ChartSpec", "Part", "Unavailable", "plain_number"]


class Unavailable(Exception):  # noqa: N818 - a signal, not an error
    """The assessment section a finding renders is not available (``what``, ``why``)."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")
        self.what = what
        self.why = why


@dataclass(frozen=True)
class ChartSpec:
    """A chart to render: ``make()`` returns an Altair chart (called once, when rendering);
    ``takeaway`` is the one line a reader should retain."""

    key: str
    title: str
    takeaway: str
    make: Callable[[], Any]


@dataclass(frozen=True)
class Part:
    """What one finding contributes: template variables, tables, charts and the inputs
    behind its numbers (``footnote``)."""

    key: str
    data: dict[str, Any] = field(default_factory=dict)
    tables: tuple[Table, ...] = ()
    charts: tuple[ChartSpec, ...] = ()
    footnote: str = ""


def _section(a: Assessment, name: str, what: str) -> Section:
    sec = a.section(name)
    if not sec.available:
        raise Unavailable(what, sec.note)
    return sec


def _chart_module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def plain_number(x: float | None) -> str:
    """A parameter value without scientific notation: ``0.000123 -> "0.00012"``,
    ``0.0245 -> "0.025"``, ``276.25 -> "276"``; ``n/a`` if missing."""
    if x is None or not math.isfinite(x):
        return fmt.MISSING
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 100:
        return fmt.num(x, 0)
    digits = max(0, 1 - math.floor(math.log10(a)))  # two significant digits
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --------------------------------------------------------------------------- findings


def equilibrium(a: Assessment) -> Part:
    """Who accumulates, holds, sells or is not involved in the equilibrium, and the flows."""
    sec = _section(a, "equilibrium", "the equilibrium")
    groups = sec.data.get("groups", {})
    charts: tuple[ChartSpec, ...] = ()
    rows = list(sec.data.get("roster", []))
    if rows and _chart_module("reserves.charts") is not None:
        n_acc = len(groups.get("accumulate", []))
        n_out = len(groups.get("not involved", []))
        take = f"Only {n_acc} of {len(rows)} sovereigns buy"
        take += f"; {n_out} hold no bitcoin and stay out." if n_out else "."
        charts = (
            ChartSpec(
                "equilibrium",
                "What each sovereign does",
                take,
                lambda: flows_chart(rows, float(a.config.market.price_usd)),
            ),
        )
    return Part(
        "equilibrium",
        {
            "complete": bool(sec.data.get("complete")),
            "n_players": a.ctx.game.num_players,
            "accumulators": groups.get("accumulate", []),
            "holders": groups.get("hold", []),
            "sellers": groups.get("sell", []),
            "outsiders": groups.get("not involved", []),
        },
        charts=charts,
        footnote=sec.figures["n_equilibria"].footnote if "n_equilibria" in sec.figures else "",
    )


#: colour of "not involved" (light grey: no flow), next to the package's action colours
NOT_INVOLVED_COLOR = "#D9D9D9"


def flows_chart(roster: list[dict[str, Any]], price_usd: float) -> Any:
    """Bar per sovereign: its net flow into bitcoin in equilibrium ($bn; buying positive,
    selling negative at ``price_usd``), coloured by the action in plain words; the actions
    with no flow (hold, not involved) are written beside the axis."""
    import altair as alt
    import pandas as pd

    from reserves.charts import ACTION_COLORS

    df = pd.DataFrame(
        {
            "Sovereign": [r["name"] for r in roster],
            "Action": [r["reader_action"] for r in roster],
            "Net flow, $bn": [(r["buy_usd"] - r["sell_btc"] * price_usd) / 1e9 for r in roster],
        }
    )
    domain = ["accumulate", "hold", "sell", "not involved"]
    colors = [ACTION_COLORS.get(x, NOT_INVOLVED_COLOR) for x in domain[:3]] + [NOT_INVOLVED_COLOR]
    order = df.sort_values("Net flow, $bn", ascending=False)["Sovereign"].tolist()
    base = alt.Chart(df).encode(
        y=alt.Y("Sovereign:N", sort=order, title=None),
        x=alt.X("Net flow, $bn:Q", title="Net flow into bitcoin in equilibrium ($ billion)"),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "Action:N",
            scale=alt.Scale(domain=domain, range=colors),
            legend=alt.Legend(orient="bottom", title=None),
        )
    )
    labels = (
        base.transform_filter(
            (alt.datum["Action"] == "not involved") | (alt.datum["Action"] == "hold")
        )
        .mark_text(align="left", dx=4, color="#666666", fontSize=10)
        .encode(text="Action:N")
    )
    return (bars + labels).properties(width=440, height=16 * len(df))


def never_sell(a: Assessment) -> Part:
    """For whom accumulating is best whatever the others do, and the roster table."""
    sec = _section(a, "dominance", "the dominance analysis")
    eq = a.section("equilibrium")
    rows_eq = {r["name"]: r for r in eq.data.get("roster", [])}
    holdings = {s.name: float(s.holdings_btc) for s in a.ctx.game.sovereigns}

    def word(name: str, action: str | None) -> str:
        if action is None:
            return "depends on others"
        return "stay out" if action == "sell" and holdings.get(name, 0) <= 0 else action

    groups = sec.data["groups"]
    sellers = [n for n in groups["sell"] if holdings.get(n, 0) > 0]
    outsiders = [n for n in groups["sell"] if holdings.get(n, 0) <= 0]
    rows = []
    for s, d in zip(a.ctx.game.sovereigns, sec.data["rows"], strict=True):
        r = rows_eq.get(s.name, {})
        row = [
            s.name,
            fmt.usd_bn(s.reserves_usd, 0),
            fmt.num(s.holdings_btc) if s.holdings_btc > 0 else "none",
            fmt.usd_bn(s.max_buy_share * s.reserves_usd, 2),
            r.get("reader_action", "n/a"),
            word(s.name, d["dominant"]),
        ]
        if sec.data.get("has_thresholds"):
            row += [plain_number(d["theta"]), _threshold_text(d)]
        rows.append(tuple(row))
    columns = [
        "Sovereign",
        "Reserves, $bn",
        "Bitcoin held",
        "Would buy, $bn",
        "In equilibrium",
        "Best whatever others do",
    ]
    align = ["l", "r", "r", "r", "l", "l"]
    note = (
        "Would buy: the cash a sovereign moves into bitcoin when it accumulates (a share of "
        'its reserves). "Stay out": it holds no bitcoin, so selling means doing nothing. '
        '"Depends on others": no action is best in every case.'
    )
    if sec.data.get("has_thresholds"):
        columns += ["Weight on rank", "Buying always best above"]
        align += ["r", "r"]
        note += (
            " Weight on rank: how much the sovereign values its share of all sovereign "
            "bitcoin (an assumption). Buying is best whatever others do once that weight is "
            'above the last column ("any": at every weight; "never": at no weight).'
        )
    table = Table(
        "roster",
        "Sovereigns: what each does and what is best for it",
        tuple(columns),
        tuple(rows),
        tuple(align),
        note,
    )
    return Part(
        "never_sell",
        {
            "n_players": a.ctx.game.num_players,
            "holds_for": groups["accumulate"],
            "hold_dominant": groups["hold"],
            "sell_dominant": sellers,
            "stay_out": outsiders,
            "undecided": groups["depends"],
        },
        tables=(table,),
        footnote=sec.figures["n_accumulate_dominant"].footnote,
    )


def _threshold_text(row: dict[str, Any]) -> str:
    t = row.get("theta_threshold")
    if t is None:
        return fmt.MISSING
    if row.get("threshold_direction") == "none" or (isinstance(t, float) and math.isinf(t)):
        return "never" if row.get("dominant") != "accumulate" else "any"
    if t <= 0:
        return "any"
    return plain_number(t)


def demand_band(a: Assessment) -> Part:
    """Sovereign demand at today's price and its band over equilibria, with a table at lower
    and higher prices (the band columns only when the band is not a single value)."""
    sec = _section(a, "demand", "the demand schedule")
    tab = sec.data["table"]
    point = bool(sec.data.get("band_is_point"))
    p0 = float(a.config.market.price_usd)
    rows = []
    for r in tab:
        row = [
            fmt.usd_price(r["price_usd"]) + (" (today)" if abs(r["price_usd"] - p0) < 1 else ""),
            fmt.usd(r["demand_usd"]),
        ]
        if not point:
            row += [fmt.usd(r["low_usd"]), fmt.usd(r["high_usd"])]
        row.append(fmt.num(r["n_accumulating"]) if r["n_accumulating"] is not None else "n/a")
        rows.append(tuple(row))
    columns = ["Bitcoin price", "Net sovereign demand"]
    if not point:
        columns += ["Lowest (any equilibrium)", "Highest (any equilibrium)"]
    columns.append("Sovereigns buying")
    note = (
        "Net sovereign demand: money flowing into bitcoin from sovereigns (buying minus "
        "selling) in the equilibrium that best-response play reaches from today."
    )
    note += (
        " Every equilibrium gives the same demand at these prices, so no range is shown."
        if point
        else " Lowest and highest: the range over all equilibria found."
    )
    table = Table(
        "demand",
        "Sovereign demand at lower and higher prices",
        tuple(columns),
        tuple(rows),
        ("l", *("r" for _ in columns[1:])),
        note,
    )
    d = sec.figures
    return Part(
        "demand_band",
        {
            "point": point,
            "demand_min_usd": min(r["demand_usd"] for r in tab),
            "demand_max_usd": max(r["demand_usd"] for r in tab),
            "price_lo_usd": min(r["price_usd"] for r in tab),
            "price_hi_usd": max(r["price_usd"] for r in tab),
            "same_band": d["low_usd"].value == d["high_usd"].value,
        },
        tables=(table,),
        footnote=d["demand_usd"].footnote,
    )


#: a lift of the low by sovereign bids under this share of the price is "barely" a change
SMALL_LIFT = 0.01


def floor(a: Assessment) -> Part:
    """The trough at the reference shock with and without sovereign bids, the table over
    shocks and the floor chart."""
    sec = _section(a, "floor", "the price floor")
    f = sec.figures
    has_bids = f["trough_with_usd"].value is not None
    small_lift = bool(
        has_bids
        and (f["trough_with_usd"].value - f["trough_without_usd"].value)
        < SMALL_LIFT * f["start_price_usd"].value
    )
    rows = []
    for r in sec.data["table"]:
        row = [
            fmt.usd(r["shock_usd"]) + (" (reference)" if r["reference"] else ""),
            fmt.usd_price(r["trough_without_usd"]),
            fmt.pct(-r["drop_without"], 1),
            fmt.usd(r["liquidations_without_usd"]),
        ]
        if has_bids:
            row.append(fmt.usd_price(r["trough_with_usd"]))
        rows.append(tuple(row))
    columns = ["Real net selling", "Lowest price, no bids", "Fall", "Forced sales"]
    if has_bids:
        columns.append("Lowest price, with sovereign bids")
    table = Table(
        "floor",
        f"How low the price goes after a wave of selling (start {f['start_price_usd'].text})",
        tuple(columns),
        tuple(rows),
        ("l", *("r" for _ in columns[1:])),
        "Real net selling: money leaving the market (not counting forced sales). Lowest "
        "price: where buyers absorb that selling plus the forced sales it triggers. Forced "
        "sales: leveraged positions closed by the fall. With sovereign bids: the "
        "sovereigns' demand waiting as buy orders below the price."
        + ("" if has_bids else " No sovereign bids in this configuration, so no such column."),
    )
    charts: tuple[ChartSpec, ...] = ()
    cm = _chart_module("reserves.charts.market")
    if cm is not None and hasattr(cm, "trough_chart"):
        from reserves.market import floor_curves

        model = a.ctx.market_model
        sh = a.ctx.market_config.market_model.shock
        curves = floor_curves(
            model,
            level_usd=float(sh.break_level_usd),
            max_shock_usd=float(sh.curve_max_usd),
            points=int(sh.curve_points),
        )
        if not has_bids:
            take = "Without government buy orders the low falls with the size of the selling."
        elif small_lift:
            take = (
                f"After {f['shock_usd'].text} of selling the buy orders barely move the low "
                f"({f['trough_without_usd'].text} to {f['trough_with_usd'].text}); they matter "
                "only for bigger crashes."
            )
        else:
            take = (
                f"Government buy orders lift the low after {f['shock_usd'].text} of selling "
                f"from {f['trough_without_usd'].text} to {f['trough_with_usd'].text}; they "
                "soften crashes but do not stop them."
            )
        charts = (
            ChartSpec(
                "floor",
                "The low point against the size of the selling",
                take,
                lambda: cm.trough_chart(curves),
            ),
        )
    return Part(
        "floor",
        {"has_bids": has_bids, "reading": sec.data.get("reading"), "small_lift": small_lift},
        tables=(table,),
        charts=charts,
        footnote=f["trough_with_usd"].footnote if has_bids else f["trough_without_usd"].footnote,
    )


def break_shock(a: Assessment) -> Part:
    """The selling that breaks the level, with and without bids; the least commitment."""
    sec = _section(a, "breaking", "the breaking shock")
    fl = a.section("floor")
    f = sec.figures
    times = None
    if fl.available and f["shock_without_usd"].value and fl.figures["shock_usd"].value:
        times = f["shock_without_usd"].value / fl.figures["shock_usd"].value
    return Part(
        "break_shock",
        {"has_bids": f["shock_with_usd"].value is not None, "times_reference": times},
        footnote=f["commitment_usd"].footnote,
    )


def scenarios(a: Assessment) -> Part:
    """Median end prices, the chance of falling below the break level and the volatility
    checks per scenario and for their mixture; the fan chart."""
    sec = _section(a, "scenarios", "the scenarios")
    d = sec.data
    runs, checks = d["runs"], d["checks"]
    p_below_mix = sum(r["prior"] * (r["p_below_break"] or 0.0) for r in runs)
    label = {
        "orderly_transition": "Orderly transition",
        "systemic_failure": "Systemic failure",
        "technical_breakthrough": "Technical breakthrough",
    }
    rows = []
    for r in runs:
        rows.append(
            (
                label.get(r["name"], r["name"].replace("_", " ").capitalize()),
                fmt.pct(r["prior"]),
                fmt.usd_price(r["median_end_usd"]),
                fmt.pct(r["p_below_break"], 0),
                *(fmt.pct(c["p"], 1) for c in r["checks"]),
            )
        )
    f = sec.figures
    rows.append(
        (
            "All scenarios, weighted",
            "100%",
            f["mixture_median_end_usd"].text,
            fmt.pct(p_below_mix, 0),
            *(fmt.pct(c["p"], 1) for c in checks),
        )
    )
    level = fmt.usd_price(d["break_level_usd"])
    table = Table(
        "scenarios",
        f"Three scenarios to the end of 2028 ({fmt.num(d['paths'])} simulated paths each)",
        (
            "Scenario",
            "Weight",
            "Median price at the end",
            f"Chance of falling below {level}",
            *(
                f"Chance volatility < {fmt.pct(c['below_vol_pa'])} on {fmt.date_text(c['date'])}"
                for c in checks
            ),
        ),
        tuple(rows),
        ("l", "r", "r", "r", *("r" for _ in checks)),
        "Weight: the source article's probability of each scenario (an input, not a fact). "
        f"Chance of falling below {level}: at any time before the end. Volatility: how much "
        "the price swings over 30 days, in % a year (gold: about 15%). The weighted row "
        "mixes the scenarios by their weights.",
    )
    charts: tuple[ChartSpec, ...] = ()
    cs = _chart_module("reserves.charts.scenarios")
    if cs is not None and hasattr(cs, "fan_chart"):
        result = a.ctx.scenario_result
        charts = (
            ChartSpec(
                "fan",
                "Where the bitcoin price could go",
                f"The middle path ends near {f['mixture_median_end_usd'].text}, but the range "
                f"is wide: {f['mixture_p05_end_usd'].text} to {f['mixture_p95_end_usd'].text} "
                "(9 paths in 10).",
                lambda: cs.fan_chart(result, "price_usd"),
            ),
        )
    return Part(
        "scenarios",
        {
            "priors": [(label.get(r["name"], r["name"]).lower(), r["prior"]) for r in runs],
            "checks": checks,
            "start_date": d["start_date"],
            "horizon_days": d["horizon_days"],
            "p_below_mix": p_below_mix,
            "break_level_usd": d["break_level_usd"],
        },
        tables=(table,),
        charts=charts,
        footnote=f["mixture_median_end_usd"].footnote,
    )


#: the calibration readings in plain words
READING_WORDS = {"article": "the article's figures", "sourced": "public records"}


def calibration(a: Assessment) -> Part:
    """The crash of 21 November 2025 predicted out of sample: the market model fitted on the
    other crashes of the panel, then run on this one (no parameter fitted to it)."""
    sec = _section(a, "calibration", "the out-of-sample test on the crash")
    f = sec.figures
    rows = [
        (
            "Forced sales of bitcoin (liquidations)",
            f["observed_liquidations_usd"].text,
            f"{f['loo_predicted_liquidations_usd'].text} ({f['loo_liq_ratio'].text} of observed)",
        ),
        (
            "Low point, from those forced sales",
            f["observed_trough_usd"].text,
            f"{f['loo_predicted_trough_usd'].text} (error {f['loo_trough_error'].text})",
        ),
        (
            "Share of longs among forced sales",
            f["observed_long_share"].text,
            f"{f['loo_long_share'].text} (error {f['loo_long_share_error_pts'].text} points)",
        ),
        (
            "Real selling that explains the low",
            "not observed",
            f"{f['shock_low_usd'].text} to {f['shock_high_usd'].text}",
        ),
        (
            "Forced sales per $ of real selling",
            "not observed",
            f"{f['fragility_low'].text} to {f['fragility_high'].text}",
        ),
    ]
    table = Table(
        "calibration",
        "The crash of 21 November 2025, predicted without fitting to it",
        ("Quantity", "Observed", "Predicted out of sample"),
        tuple(rows),
        ("l", "r", "r"),
        "The market model is fitted on the seven other crashes of the panel, then run on this "
        "one. Forced sales: bitcoin only, all exchanges, 24 hours. The range of real selling "
        "covers market depth and buyer response within their plausible ranges.",
    )
    readings = []
    for r in sec.data["readings"]:
        n = r["reading"]
        readings.append(
            (
                READING_WORDS.get(n, n),
                f[f"{n}.shock_usd"].text,
                f[f"{n}.claimed_fragility_ratio"].text,
                f[f"{n}.trough_usd"].text,
                f[f"{n}.model_fragility_ratio"].text,
            )
        )
    table2 = Table(
        "calibration_readings",
        "Two readings of the selling on 21 November 2025, run through the model",
        (
            "Reading",
            "Real selling",
            "Forced sales per $ it implies",
            "Model's low at that selling",
            "Model's forced sales per $",
        ),
        tuple(readings),
        ("l", "r", "r", "r", "r"),
        f"The price fell from {f['price_before_usd'].text} to {f['observed_trough_usd'].text}. "
        "Forced sales per $ it implies: the observed bitcoin forced sales divided by the "
        "reading's selling, as if that selling alone caused the fall.",
    )
    return Part(
        "calibration",
        {"readings": sec.data["readings"], "meets_targets": bool(sec.data["meets_targets"])},
        tables=(table, table2),
        footnote=f["loo_liq_ratio"].footnote,
    )


#: the headline findings, in reading order: key -> function of the assessment
FINDINGS: dict[str, Callable[[Assessment], Part]] = {
    "equilibrium": equilibrium,
    "never_sell": never_sell,
    "demand_band": demand_band,
    "floor": floor,
    "break_shock": break_shock,
    "scenarios": scenarios,
    "calibration": calibration,
}

#: the assessment section each finding renders (for the layer list of the footer)
FINDING_SECTIONS: dict[str, str] = {
    "equilibrium": "equilibrium",
    "never_sell": "dominance",
    "demand_band": "demand",
    "floor": "floor",
    "break_shock": "breaking",
    "scenarios": "scenarios",
    "calibration": "calibration",
}
