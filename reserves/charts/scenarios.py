"""Scenario charts (Altair): fan charts, C16 probabilities, lagged correlations, tornado.

Every chart's data is JSON-serialisable as built (dates as ISO ``YYYY-MM-DD`` strings with a
temporal ``:T`` encoding, numbers as floats), so :func:`reserves.charts.to_png` and
:func:`reserves.charts.to_svg` (vl-convert) render them without any conversion by the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from reserves.scenarios.simulate import LEVELS

__all__ = ["c16_chart", "fan_chart", "lag_corr_chart", "tornado_chart"]

_TITLES = {
    "price_usd": "Price (USD)",
    "floor_usd": "Floor under the reference shock (USD)",
    "vol_pa": "30-day realized volatility (annual)",
    "sovereign_share": "Sovereign share of supply",
    "leverage": "Long open interest / market cap",
}


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
    base = alt.Chart(df).encode(x=alt.X("date:T", title=None))
    outer = base.mark_area(opacity=0.2).encode(
        y=alt.Y("p05:Q", title=_TITLES.get(series, series)), y2="p95:Q"
    )
    inner = base.mark_area(opacity=0.35).encode(y="p25:Q", y2="p75:Q")
    med = base.mark_line().encode(y="p50:Q", tooltip=["date:T", "p05:Q", "p50:Q", "p95:Q"])
    return (outer + inner + med).properties(
        title=f"{_TITLES.get(series, series)}: {name}", width=560, height=260
    )


def c16_chart(result: Any) -> Any:
    """Bars of the C16 probabilities per scenario and the mixture."""
    import altair as alt

    df = result.checks_frame()
    df["check"] = df["label"].where(df["label"] != "", df["date"])
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("scenario:N", title=None),
            y=alt.Y("probability:Q", title="P(RV below level)"),
            color="scenario:N",
            column=alt.Column("check:N", title=None),
            tooltip=["scenario", "date", "below_vol_pa", "probability"],
        )
        .properties(width=220, height=220)
    )


def lag_corr_chart(run: Any) -> Any:
    """Lagged correlations of weekly changes (C15 loop): ``corr(dx_t, dy_{t+lag})``."""
    import altair as alt
    import pandas as pd

    df = pd.DataFrame(run.lag_corr)
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("lag_days:Q", title="lag (days; > 0: first series leads)"),
            y=alt.Y("corr:Q", title="correlation"),
            color=alt.Color("pair:N", title=None),
            tooltip=["pair", "lag_days", "corr"],
        )
        .properties(title=f"C15 loop: lagged correlations ({run.name})", width=560, height=260)
    )


def tornado_chart(tornado: Any) -> Any:
    """Tornado of a :class:`~reserves.scenarios.sensitivity.TornadoResult`."""
    import altair as alt
    import pandas as pd

    rows = []
    for r in tornado.rows:
        rows.append(
            {
                "input": r["label"],
                "side": f"low ({r['low']:g})",
                "delta": r["delta_low"],
                "swing": r["swing"],
            }
        )
        rows.append(
            {
                "input": r["label"],
                "side": f"high ({r['high']:g})",
                "delta": r["delta_high"],
                "swing": r["swing"],
            }
        )
    df = pd.DataFrame(rows)
    order = [r["label"] for r in tornado.rows]
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("input:N", sort=order, title=None),
            x=alt.X("delta:Q", title=f"change in {tornado.metric} from {tornado.base_value:,.4g}"),
            color=alt.Color("side:N", title=None),
            tooltip=["input", "side", "delta"],
        )
        .properties(
            title="Which inputs move the floor most", width=520, height=28 * max(len(order), 1)
        )
    )
