"""Scenario charts (Altair): fan charts, C16 probabilities, lagged correlations, tornado.

Every chart's data is JSON-serialisable as built (dates as ISO ``YYYY-MM-DD`` strings with a
temporal ``:T`` encoding, numbers as floats), so :func:`reserves.charts.to_png` and
:func:`reserves.charts.to_svg` (vl-convert) render them without any conversion by the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from reserves.charts.palette import NEUTRAL, PALETTE, SERIES_COLORS
from reserves.scenarios.simulate import LEVELS
from reserves.units import human

__all__ = [
    "METRIC_NAMES",
    "adoption_chart",
    "c15_chart",
    "c16_chart",
    "fan_chart",
    "lag_corr_chart",
    "tornado_chart",
]

_TITLES = {
    "price_usd": "Price (USD)",
    "floor_usd": "Floor under the reference shock (USD)",
    "vol_pa": "30-day realized volatility (annual)",
    "sovereign_share": "Sovereign share of supply",
    "leverage": "Long open interest / market cap",
}


#: plain names and units of the scenario metrics (axis titles): ``metric -> (words, unit)``
METRIC_NAMES: dict[str, tuple[str, str]] = {
    "price_median_end_usd": ("median price at the horizon", "usd_price"),
    "price_p05_end_usd": ("5th-percentile price at the horizon", "usd_price"),
    "price_p95_end_usd": ("95th-percentile price at the horizon", "usd_price"),
    "floor_median_end_usd": ("median price floor at the horizon", "usd_price"),
    "floor_p05_end_usd": ("5th-percentile price floor at the horizon", "usd_price"),
    "vol_median_end_pa": ("median volatility at the horizon", "pct"),
    "sovereign_share_median_end": ("median sovereign share of supply at the horizon", "pct"),
    "leverage_median_end": ("median leverage at the horizon", "number"),
    "annual_return_median": ("median annual return", "pct"),
    "p_min_price_below_break": ("probability the price ever falls below the break level", "pct"),
    "p_end_price_below_break": ("probability the price ends below the break level", "pct"),
    "min_price_median_usd": ("median lowest price", "usd_price"),
    "liquidations_mean_usd": ("mean liquidations", "usd_short"),
    "shocks_per_year": ("shocks a year", "number"),
    "shock_mean_usd": ("mean shock", "usd_short"),
    "p_collapse": ("probability of a collapse", "pct"),
}


def metric_words(metric: str) -> tuple[str, str]:
    """``(plain words, unit name for reserves.units.human)`` of a scenario metric.

    ``p_vol_below_0.25_2026-12-31`` reads "probability volatility is below 25% on
    2026-12-31"; unknown names are returned with underscores as spaces."""
    if metric in METRIC_NAMES:
        return METRIC_NAMES[metric]
    if metric.startswith("p_vol_below_"):
        level, _, date = metric[len("p_vol_below_") :].partition("_")
        try:
            words = f"probability volatility is below {float(level):.0%} on {date}"
        except ValueError:
            words = metric.replace("_", " ")
        return words, "pct"
    return metric.replace("_", " "), "number"


def _band(q: np.ndarray, days: np.ndarray, start: dt.date, name: str) -> Any:
    """Fan table: ISO date (``start + day``, the scenario day convention) and 5 quantiles.

    Dates are ISO strings, not :class:`datetime.date` objects: Altair's JSON encoder does not
    serialise ``date`` values, and Vega-Lite parses ``YYYY-MM-DD`` for a ``:T`` field.
    """
    import pandas as pd

    def col(level: float) -> np.ndarray:
        return np.asarray(q[:, int(np.argmin(np.abs(LEVELS - level)))], dtype=float)

    dates = [(start + dt.timedelta(days=int(d))).isoformat() for d in days]
    return pd.DataFrame(
        {
            "date": dates,
            "scenario": name,
            "p05": col(0.05),
            "p25": col(0.25),
            "p50": col(0.5),
            "p75": col(0.75),
            "p95": col(0.95),
        }
    )


def fan_chart(result: Any, series: str = "price_usd", *, scenario: str | None = None) -> Any:
    """Fan chart (5-95% and 25-75% bands, median) of one series.

    ``result`` is a :class:`~reserves.scenarios.mixture.ScenarioSet` (``scenario=None`` shows
    the mixture) or a :class:`~reserves.scenarios.simulate.ScenarioRun`.
    """
    import altair as alt

    if hasattr(result, "runs"):
        start = dt.date.fromisoformat(result.meta.get("start_date", "2025-11-21"))
        if scenario is None:
            q, name = result.mixture_quantiles[series], "mixture"
        else:
            q, name = result.run(scenario).quantiles[series], scenario
        days = result.fan_days
    else:
        start = dt.date.fromisoformat(result.meta["start_date"])
        q, name, days = result.quantiles[series], result.name, result.fan_days
    df = _band(q, days, start, name)
    base = alt.Chart(df).encode(
        x=alt.X(
            "date:T",
            title=None,
            axis=alt.Axis(
                format="%b %Y", labelOverlap=True, tickCount={"interval": "month", "step": 6}
            ),
        )
    )
    outer = base.mark_area(opacity=0.2).encode(
        y=alt.Y("p05:Q", title=_TITLES.get(series, series)), y2="p95:Q"
    )
    inner = base.mark_area(opacity=0.35).encode(y="p25:Q", y2="p75:Q")
    med = base.mark_line().encode(y="p50:Q", tooltip=["date:T", "p05:Q", "p50:Q", "p95:Q"])
    return (outer + inner + med).properties(
        title=alt.TitleParams(
            _TITLES.get(series, series),
            subtitle=f"{name.replace('_', ' ')}: median, 25-75% and 5-95% of paths",
        ),
        width=560,
        height=260,
    )


def c16_chart(result: Any) -> Any:
    """Bars of the C16 probabilities per scenario and the mixture."""
    import altair as alt

    df = result.checks_frame()
    df["check"] = df["label"].where(df["label"] != "", df["date"])
    df["case"] = df["scenario"].str.replace("_", " ")
    cases = list(dict.fromkeys(df["case"]))
    colors = [
        SERIES_COLORS["mixture"] if c == "mixture" else PALETTE[k % len(PALETTE)]
        for k, c in enumerate(cases)
    ]
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("case:N", sort=cases, title=None),
            x=alt.X(
                "probability:Q",
                title="probability volatility is below the level",
                axis=alt.Axis(format=".1~%"),
            ),
            color=alt.Color("case:N", scale=alt.Scale(domain=cases, range=colors), legend=None),
            row=alt.Row("check:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
            tooltip=[
                alt.Tooltip("case:N", title="scenario"),
                "date",
                alt.Tooltip("below_vol_pa:Q", format=".0%", title="level"),
                alt.Tooltip("probability:Q", format=".1%"),
            ],
        )
        .properties(width=420, height=22 * max(len(cases), 1))
    )


def lag_corr_chart(run: Any) -> Any:
    """Lagged correlations of weekly changes (C15 loop): ``corr(dx_t, dy_{t+lag})``."""
    import altair as alt
    import pandas as pd

    df = pd.DataFrame(run.lag_corr)
    df["pair"] = [_pair_words(p) for p in df["pair"]] if len(df) else df.get("pair", [])
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("lag_days:Q", title="lag in days (above 0: the first series leads)"),
            y=alt.Y("corr:Q", title="correlation of weekly changes"),
            color=alt.Color("pair:N", title=None, legend=alt.Legend(labelLimit=320)),
            tooltip=[
                alt.Tooltip("pair:N", title="series"),
                alt.Tooltip("lag_days:Q", title="lag (days)"),
                alt.Tooltip("corr:Q", format=".2f", title="correlation"),
            ],
        )
        .properties(
            title=alt.TitleParams(
                "Does one series lead another? (the C15 loop)",
                subtitle=f"{run.name.replace('_', ' ')}: lagged correlations of weekly changes",
            ),
            width=560,
            height=260,
        )
    )


#: plain names of the simulated series (legend labels)
_SERIES_WORDS = {
    "vol_pa": "volatility",
    "leverage": "leverage",
    "sovereign_share": "sovereign share",
    "price_usd": "price",
    "floor_usd": "floor",
}


def _pair_words(pair: str) -> str:
    """``"vol_pa->leverage"`` reads "volatility, then leverage"."""
    a, _, b = str(pair).partition("->")
    first = _SERIES_WORDS.get(a, a.replace("_", " "))
    return f"{first}, then {_SERIES_WORDS.get(b, b.replace('_', ' '))}"


def tornado_chart(tornado: Any) -> Any:
    """Tornado of a :class:`~reserves.scenarios.sensitivity.TornadoResult`."""
    import altair as alt
    import pandas as pd

    words, unit = metric_words(tornado.metric)
    rows = []
    for r in tornado.rows:
        for side in ("low", "high"):
            rows.append(
                {
                    "input": r["label"],
                    "side": f"input at its {side}",
                    "at": f"{r[side]:,.4g}",
                    "delta": r[f"delta_{side}"],
                    "value": human(tornado.base_value + r[f"delta_{side}"], unit),
                }
            )
    df = pd.DataFrame(rows)
    order = [r["label"] for r in tornado.rows]
    sides = ["input at its low", "input at its high"]
    money = unit.startswith("usd")
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X(
                "delta:Q",
                title=f"change in the {words} from {human(tornado.base_value, unit)}",
                axis=alt.Axis(format="$,.0f" if money else ",.3~g"),
            ),
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(domain=sides, range=[SERIES_COLORS["low"], SERIES_COLORS["high"]]),
                legend=alt.Legend(
                    orient="bottom-right", direction="vertical", fillColor="white", padding=4
                ),
            ),
            tooltip=[
                "input",
                alt.Tooltip("side:N", title="side"),
                alt.Tooltip("at:N", title="input value"),
                alt.Tooltip("value:N", title="result"),
                alt.Tooltip("delta:Q", format=",.4~g", title="change"),
            ],
        )
        .properties(
            title=alt.TitleParams(
                "Which inputs move the result most",
                subtitle="each input at its low and its high, the others at the base",
            ),
            width=520,
            height=32 * max(len(order), 1),
        )
    )


def adoption_chart(adoption: Any, unit: str = "usd", *, top: int = 8) -> Any:
    """Stacked areas of the median committed USD (or BTC) by sovereign at each decision date
    (:class:`reserves.sovereign.dynamic.AdoptionPaths`); the ``top`` largest buyers by name,
    the rest summed as "others"; sovereigns that never commit are left out."""
    import altair as alt
    import pandas as pd

    vals = adoption.committed_usd if unit == "usd" else adoption.committed_btc
    dates = adoption.dates()
    end = np.abs(vals[-1])
    order = [int(i) for i in np.argsort(-end) if end[i] > 0]
    keep, rest = order[:top], order[top:]
    frames = [
        pd.DataFrame({"date": dates, "sovereign": adoption.players[i], "value": vals[:, i]})
        for i in keep
    ]
    if rest:
        frames.append(
            pd.DataFrame({"date": dates, "sovereign": "others", "value": vals[:, rest].sum(1)})
        )
    if not frames:
        frames = [pd.DataFrame({"date": dates, "sovereign": "none", "value": 0.0})]
    df = pd.concat(frames, ignore_index=True)
    df["value"] = df["value"].astype(float)
    df["text"] = [human(v, "usd_short" if unit == "usd" else "btc") for v in df["value"]]
    if unit == "usd":
        df["value"] = df["value"] / 1e9
    names = list(dict.fromkeys(df["sovereign"]))
    colors = [
        NEUTRAL if nm == "others" else PALETTE[k % len(PALETTE)] for k, nm in enumerate(names)
    ]
    title = "USD committed, $bn" if unit == "usd" else "BTC bought"
    return (
        alt.Chart(df)
        .mark_area(opacity=0.85)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y(
                "value:Q",
                stack="zero",
                title=f"{title} (median across paths)",
                axis=alt.Axis(format="$,.1f" if unit == "usd" else ",.0f"),
            ),
            color=alt.Color(
                "sovereign:N",
                sort=names,
                scale=alt.Scale(domain=names, range=colors),
                title=None,
            ),
            tooltip=[
                "sovereign:N",
                alt.Tooltip("date:T", format="%d %b %Y"),
                alt.Tooltip("text:N", title=title),
            ],
        )
        .properties(
            width=560,
            height=260,
            title=alt.TitleParams(
                f"Adoption by sovereign, {adoption.scenario.replace('_', ' ')} "
                f"({adoption.concept})",
                anchor="start",
            ),
        )
    )


def c15_chart(estimates: Any) -> Any:
    """The paired effect of sovereign entry on volatility (vol points) with its 95% band, per
    scenario and for the mixture (:class:`reserves.scenarios.c15.C15Estimate` objects or their
    ``to_dict()``)."""
    import altair as alt
    import pandas as pd

    def get(e: Any, k: str) -> Any:
        return e[k] if isinstance(e, dict) else getattr(e, k)

    rows = []
    for e in estimates:
        eff, (lo, hi) = float(get(e, "effect_pa")), get(e, "band_pa")
        rows.append(
            {
                "case": str(get(e, "scenario")).replace("_", " "),
                "effect": 100 * eff,
                "lo": 100 * float(lo),
                "hi": 100 * float(hi),
                "text": f"{100 * eff:+.1f} points ({100 * lo:+.1f} to {100 * hi:+.1f})",
            }
        )
    df = pd.DataFrame(rows)
    cases = list(df["case"])
    base = alt.Chart(df).encode(y=alt.Y("case:N", sort=cases, title=None))
    rule = base.mark_rule(strokeWidth=2, color=PALETTE[0]).encode(
        x=alt.X("lo:Q", title="change in volatility from sovereign entry (vol points)"),
        x2="hi:Q",
    )
    dot = base.mark_point(filled=True, size=70, color=PALETTE[0]).encode(
        x="effect:Q",
        tooltip=[alt.Tooltip("case:N", title="scenario"), alt.Tooltip("text:N", title="effect")],
    )
    zero = (
        alt.Chart(pd.DataFrame({"x": [0.0]}))
        .mark_rule(strokeDash=[4, 3], color=NEUTRAL)
        .encode(x="x:Q")
    )
    return (zero + rule + dot).properties(width=420, height=28 * max(len(cases), 1))
