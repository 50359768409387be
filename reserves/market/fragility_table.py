"""The technical note's floor table and fragility curves.

For outflows ``F`` (:data:`reserves.assessment.FLOOR_TABLE_SHOCKS_USD` and the reference
shock) the cascade ``p = P0 (1 - I(F + Lq(p) - D(p) - B(p)))`` is solved with and without the
sovereign bids (:meth:`reserves.market.model.MarketModel.cascade`): trough, liquidations,
fragility ratio ``Lq(p*) / F`` (C4) and long share. The fragility curve
(:func:`reserves.market.floor.fragility_curve`) scales every tier's leverage; the leverage
scale at which the ratio reaches the article's ``~10 : 1`` (C4) is the first crossing of the
piecewise-linear curve, :func:`first_crossing`.

Registered as the assessment section ``paper_fragility``.
"""

from __future__ import annotations

from collections.abc import Sequence

from reserves import units
from reserves.assessment import FLOOR_TABLE_SHOCKS_USD, AssessmentContext, Section, SectionBuilder

__all__ = ["LEVERAGE_SCALES", "SMALL_SHOCK_USD", "assessment_section", "first_crossing"]

#: multiples of every tier's leverage on the fragility curve
LEVERAGE_SCALES: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
#: the second shock of the fragility curves (a small one-day ETF outflow)
SMALL_SHOCK_USD = 2e8


def first_crossing(xs: Sequence[float], ys: Sequence[float], level: float) -> float | None:
    """First ``x`` where the piecewise-linear ``y(x)`` through ``(xs, ys)`` reaches ``level``
    (linear interpolation inside the bracketing segment); ``None`` if it never does."""
    for k in range(1, len(xs)):
        if (ys[k - 1] - level) * (ys[k] - level) <= 0 and ys[k] != ys[k - 1]:
            t = (level - ys[k - 1]) / (ys[k] - ys[k - 1])
            return float(xs[k - 1] + t * (xs[k] - xs[k - 1]))
    return None


def assessment_section(ctx: AssessmentContext) -> Section:
    """Section ``paper_fragility``: per-shock rows (``table``), the fragility curves at the
    reference and the small shock (``curves``), and figures ``lev10_ref``/``lev10_200m`` (the
    leverage scale giving the article's ratio), ``meanlev_ref``, ``frag_200m``,
    ``trough_200m``."""
    from reserves.claims import ARTICLE
    from reserves.market import fragility_curve

    cfg = ctx.market_config
    model = ctx.market_model
    shock = float(cfg.market_model.shock.shock_usd)
    b = SectionBuilder(ctx, "paper_fragility", reading=ctx.reference_reading)
    rows = []
    for f in sorted({*FLOOR_TABLE_SHOCKS_USD, shock, SMALL_SHOCK_USD}):
        a = model.cascade(f, with_sovereigns=False)
        w = model.cascade(f, with_sovereigns=True)
        rows.append(
            {
                "shock_usd": float(f),
                "reference": f == shock,
                "trough_without_usd": float(a.trough_usd),
                "liquidations_usd": float(a.liquidations_usd),
                "fragility_ratio": float(a.fragility_ratio),
                "long_share": float(a.long_share),
                "trough_with_usd": float(w.trough_usd),
            }
        )
    small = next(r for r in rows if r["shock_usd"] == SMALL_SHOCK_USD)
    b.add(
        "frag_200m",
        f"Fragility ratio at a {units.usd_short(SMALL_SHOCK_USD)} outflow",
        small["fragility_ratio"],
        "ratio",
        shock_usd=SMALL_SHOCK_USD,
    )
    b.add(
        "trough_200m",
        f"Trough at a {units.usd_short(SMALL_SHOCK_USD)} outflow",
        small["trough_without_usd"],
        "usd_price",
        shock_usd=SMALL_SHOCK_USD,
    )
    target = ARTICLE["c4_ratio"]
    b.add("article_ratio", "The article's fragility ratio", target, "ratio")
    curves = {}
    for tag, f in (("ref", shock), ("200m", SMALL_SHOCK_USD)):
        fc = fragility_curve(cfg, f, LEVERAGE_SCALES)
        xs, ys = fc.leverage_scale.tolist(), fc.fragility_ratio.tolist()
        curves[tag] = {
            "shock_usd": f,
            "leverage_scale": xs,
            "mean_leverage": fc.mean_leverage.tolist(),
            "fragility_ratio": ys,
            "trough_usd": fc.trough_usd.tolist(),
        }
        x = first_crossing(xs, ys, target)
        at = f"{units.usd_short(f)} outflow"
        b.add(
            f"lev10_{tag}",
            f"Leverage multiple giving the article's ratio, {at}",
            x,
            "ratio",
            shock_usd=f,
        )
        b.add(
            f"meanlev_{tag}",
            f"Mean leverage now, {at}",
            fc.mean_leverage[xs.index(1.0)],
            "ratio",
            shock_usd=f,
        )
    return b.section("Troughs and fragility by outflow and leverage", table=rows, curves=curves)
