"""Market charts build as Altair charts with data."""

from __future__ import annotations

import altair as alt

from reserves.charts.market import (
    cascade_rounds_chart,
    fragility_chart,
    ladder_chart,
    trough_chart,
)
from reserves.config import load_config
from reserves.market import MarketModel, floor_curves, fragility_curve


def test_market_charts_build():
    cfg = load_config("configs/events/2025-11-21.yaml")
    m = MarketModel.from_config(cfg)
    charts = [
        ladder_chart(m.ladder),
        cascade_rounds_chart(m.cascade(2e8)),
        trough_chart(floor_curves(m, max_shock_usd=5e9, points=21)),
        fragility_chart(fragility_curve(cfg, 2e8, [0.5, 1.0, 2.0])),
    ]
    for c in charts:
        assert isinstance(c, alt.TopLevelMixin)
        spec = c.to_dict()
        assert spec.get("datasets") or spec.get("data")
