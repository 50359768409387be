"""Both impact laws fitted to both readings of the crash of 21 November 2025.

For each reading of the event config (the article's and the public record's) and each impact
law, linear depth ``I(S) = S / (100 D)`` and the square root ``I = Y sigma_d sqrt(S / V_d)``
(Donier et al. 2015; Kyle & Obizhaeva 2016), :func:`reserves.market.calibrate` minimises the
squared scaled residuals of trough, liquidations and long share (tolerances
:data:`reserves.market.calibrate.TOLERANCES`; ``|r| <= 1`` meets a claim) from seeded starts.
Also reported: the forced share of selling ``L / (L + F)``, the leveraged open interest
``share x long OI`` and the event state the fits start from.

Registered as the assessment section ``paper_impact_laws``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reserves import units
from reserves.assessment import AssessmentContext, Section, SectionBuilder
from reserves.errors import ConfigError

__all__ = ["IMPACT_LAWS", "SEED", "STARTS", "assessment_section"]

#: the laws fitted, in the note's order
IMPACT_LAWS: tuple[str, ...] = ("linear", "sqrt")
#: optimizer starts and seed (the paper's settings; ``reserves calibrate --starts 2``)
STARTS = 2
SEED = 0


def assessment_section(ctx: AssessmentContext) -> Section:
    """Section ``paper_impact_laws``: figures ``<reading>_<law>_<what>`` (trough, liq, long,
    frag, maxres, forced, depth or Y, lev_share, lev_oi, csr), the readings' targets
    (``art_*``, ``src_*``) and the event state (``ev_*``); data ``fits`` (raw) and ``text``."""
    from reserves.market import calibrate, market_section
    from reserves.market.calibrate import TOLERANCES

    ev = ctx.calibration_config
    cal = ev.market_model.calibration if ev.market_model else None
    if cal is None or not cal.readings:
        raise ConfigError(
            "market_model.calibration has no readings", field="market_model.calibration"
        )
    sec = market_section(ev)
    b = SectionBuilder(ctx, "paper_impact_laws", starts=STARTS)
    b.inputs.update(config_name=ev.name, config_hash=ev.content_hash())
    fits: dict[str, dict[str, Any]] = {}
    text: dict[str, str] = {}
    for rd in sec.calibration.readings:
        ins = {"reading": rd.name, "shock_usd": float(rd.shock_usd)}
        for law in IMPACT_LAWS:
            d = calibrate(ev, rd.name, impact_kind=law, starts=STARTS, seed=SEED).to_dict()
            p, fit = d["params"], d["fitted"]
            d["leveraged_oi_usd"] = p["leveraged_share"] * rd.long_oi_usd
            d["long_oi_usd"] = rd.long_oi_usd
            d["max_abs_residual"] = max(abs(v) for v in d["residuals"].values())
            d["forced_share"] = fit["liquidations_usd"] / (fit["liquidations_usd"] + rd.shock_usd)
            d.pop("sources", None)
            d.pop("message", None)
            key = f"{rd.name}_{law}"
            fits[key] = d
            b.add(
                f"{key}_trough",
                f"Fitted trough ({law}, {rd.name})",
                fit["trough_usd"],
                "usd_price",
                **ins,
            )
            b.add(
                f"{key}_liq",
                f"Fitted liquidations ({law}, {rd.name})",
                fit["liquidations_usd"],
                "usd_short",
                **ins,
            )
            b.add(
                f"{key}_long",
                f"Fitted long share ({law}, {rd.name})",
                fit["long_share"],
                "pct",
                **ins,
            )
            b.add(
                f"{key}_frag",
                f"Fitted fragility ratio ({law}, {rd.name})",
                fit["fragility_ratio"],
                "ratio",
                **ins,
            )
            fig = b.add(
                f"{key}_maxres",
                f"Largest scaled residual ({law}, {rd.name})",
                d["max_abs_residual"],
                "number",
                **ins,
            )
            b.figures[fig.key.split(".", 1)[1]] = replace(fig, text=units.plain(fig.value, 2))
            b.add(
                f"{key}_forced",
                f"Forced share of selling ({law}, {rd.name})",
                d["forced_share"],
                "pct",
                **ins,
            )
            if "depth_usd_per_pct" in p:
                b.add(
                    f"{key}_depth",
                    f"Fitted depth per 1% ({rd.name})",
                    p["depth_usd_per_pct"],
                    "usd_short",
                    **ins,
                )
            if "y_coef" in p:
                b.add(f"{key}_Y", f"Fitted Y ({rd.name})", p["y_coef"], "number", **ins)
            b.add(
                f"{key}_lev_share",
                f"Leveraged share of open interest ({law}, {rd.name})",
                p["leveraged_share"],
                "pct",
                **ins,
            )
            b.add(
                f"{key}_lev_oi",
                f"Leveraged open interest ({law}, {rd.name})",
                d["leveraged_oi_usd"],
                "usd_short",
                **ins,
            )
            b.add(
                f"{key}_csr",
                f"Crash-short ratio ({law}, {rd.name})",
                p["crash_short_ratio"],
                "number",
                **ins,
            )
            text[f"{key}_ok"] = "yes" if d["ok"] else "no"
            text[f"{key}_at_bound"] = ", ".join(d["at_bound"]).replace("_", " ") or "none"
        tag = {"article": "art", "sourced": "src"}.get(rd.name, rd.name)
        b.add(f"{tag}_shock", f"Real net selling ({rd.name})", rd.shock_usd, "usd_short", **ins)
        b.add(f"{tag}_trough", f"Observed trough ({rd.name})", rd.trough_usd, "usd_price", **ins)
        b.add(
            f"{tag}_liq",
            f"Observed liquidations ({rd.name})",
            rd.liquidations_usd,
            "usd_short",
            **ins,
        )
        b.add(f"{tag}_long", f"Observed long share ({rd.name})", rd.long_share, "pct", **ins)
        b.add(f"{tag}_oi", f"Long open interest ({rd.name})", rd.long_oi_usd, "usd_short", **ins)
    lad = sec.ladder
    b.add("ev_price", "Price before the crash", ev.market.price_usd, "usd_price")
    b.add("ev_vol", "Volatility in the event calibration", ev.market.vol_pa, "pct")
    b.add("ev_volume", "Daily spot volume", sec.impact.daily_volume_usd, "usd_short")
    b.add("ev_mm", "Maintenance margin", lad.maintenance_margin, "pct")
    b.add("ev_rebound", "Rebound share of the fall", lad.rebound_share, "pct")
    b.add("ev_dispersion", "Entry dispersion (log)", lad.long_entry.dispersion, "number")
    b.add("ev_dip", "Dip buyers per 1% of fall", sec.dip_buyers.usd_per_pct, "usd_short")
    b.add("ev_dip_max", "Dip buyers at most", sec.dip_buyers.max_usd, "usd_short")
    b.add("tol_trough", "Trough tolerance", TOLERANCES["trough"], "pct")
    b.add("tol_liq", "Liquidations tolerance", TOLERANCES["liquidations"], "pct")
    b.add("tol_long", "Long-share tolerance, points", 100 * TOLERANCES["long_share"], "number")
    bounds = {k: [float(x) for x in v] for k, v in sec.calibration.bounds.items()}
    text["ev_tiers"] = ", ".join(
        f"{units.plain(t.leverage, 3)}x ({units.pct(t.weight)})" for t in lad.tiers
    )
    text["bound_depth"] = " to ".join(
        units.usd_short(x) for x in bounds.get("depth_usd_per_pct", [])
    )
    text["bound_Y"] = " to ".join(units.plain(x, 3) for x in bounds.get("y_coef", []))
    return b.section(
        "Both impact laws fitted to the crash",
        fits=fits,
        readings=[
            {
                "name": r.name,
                "shock_usd": r.shock_usd,
                "trough_usd": r.trough_usd,
                "liquidations_usd": r.liquidations_usd,
                "long_share": r.long_share,
                "long_oi_usd": r.long_oi_usd,
            }
            for r in sec.calibration.readings
        ],
        bounds=bounds,
        tolerances=dict(TOLERANCES),
        text=text,
    )
