"""Sensitivity of the C16 volatility goals to the base diffusive volatility, and the
scenario figures the technical note adds to the core ``scenarios`` section.

For each base volatility ``v`` in :data:`BASE_VOL_PA` the orderly-transition scenario is
simulated (:func:`reserves.simulate_scenario`, :data:`PATHS` paths, the scenario config's seed:
common random numbers across points) and the probability that 30-day realized volatility is
below each C16 goal on its date is read. The flip point is the largest ``v`` at which a goal's
probability is at least 50%. Also: per scenario, the chance of touching and of ending below
the break level, the median yearly return and end volatility, the same-day correlations of
volatility with leverage and sovereign share, and the mixture's touch/end probabilities
``sum_s prior_s P_s``.

Registered as the assessment section ``c16_sensitivity``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reserves import units
from reserves.assessment import AssessmentContext, Section, SectionBuilder

__all__ = ["BASE_VOL_PA", "PATHS", "SCENARIO", "assessment_section"]

#: base diffusive volatilities tried (per year)
BASE_VOL_PA: tuple[float, ...] = (0.2, 0.25, 0.3, 0.35)
#: paths per point
PATHS = 200
#: the scenario whose volatility is varied
SCENARIO = "orderly_transition"


def _flip(sens: list[dict[str, Any]], k: int, never: str) -> str:
    hit = [p["base_pa"] for p in sens if p["c16"][k] >= 0.5]
    if hit:
        return f"base diffusive volatility ≤ {units.pct(max(hit))}"
    return f"{never} {units.pct(min(p['base_pa'] for p in sens))}"


def assessment_section(ctx: AssessmentContext) -> Section:
    """Section ``c16_sensitivity``: figures ``sc_<scenario>_{prior,touch,end,ret,vol}``,
    ``sc_touch``, ``sc_end``, ``sc_corr_vol_lev``, ``sc_corr_vol_sov``, ``sc_base_vol``,
    ``sc_big_shock``; data ``runs``, ``sensitivity`` (rows of base vol and C16
    probabilities) and ``text`` (the flip points)."""
    import reserves

    sc = ctx.scenario_config
    res = ctx.scenario_result
    meta = res.meta
    b = SectionBuilder(ctx, "c16_sensitivity", paths=int(meta["paths"]), seed=meta["seed"])
    runs = []
    for r in res.runs:
        m = r.metrics
        lag0 = {
            pair: c
            for pair, d, c in zip(
                r.lag_corr["pair"], r.lag_corr["lag_days"], r.lag_corr["corr"], strict=True
            )
            if d == 0
        }
        run = {
            "name": r.name,
            "probability": float(r.probability),
            "c16": [c["probability"] for c in r.checks],
            "price_median_end_usd": m["price_median_end_usd"],
            "price_p05_end_usd": m["price_p05_end_usd"],
            "price_p95_end_usd": m["price_p95_end_usd"],
            "vol_median_end_pa": m["vol_median_end_pa"],
            "annual_return_median": m["annual_return_median"],
            "p_min_below_break": m["p_min_price_below_break"],
            "p_end_below_break": m["p_end_price_below_break"],
            "lag0_corr": lag0,
        }
        runs.append(run)
        n, ins = r.name, {"scenario": r.name}
        b.add(f"sc_{n}_prior", f"Prior, {n}", run["probability"], "pct", **ins)
        b.add(
            f"sc_{n}_touch",
            f"Chance of touching the break level, {n}",
            run["p_min_below_break"],
            "pct",
            **ins,
        )
        b.add(
            f"sc_{n}_end", f"Chance of ending below it, {n}", run["p_end_below_break"], "pct", **ins
        )
        b.add(
            f"sc_{n}_ret", f"Median yearly return, {n}", run["annual_return_median"], "pct", **ins
        )
        b.add(f"sc_{n}_vol", f"Median end volatility, {n}", run["vol_median_end_pa"], "pct", **ins)
    b.add(
        "sc_touch",
        "Chance of touching the break level, all scenarios",
        sum(r["probability"] * r["p_min_below_break"] for r in runs),
        "pct",
    )
    b.add(
        "sc_end",
        "Chance of ending below it, all scenarios",
        sum(r["probability"] * r["p_end_below_break"] for r in runs),
        "pct",
    )
    orderly = next((r for r in runs if r["name"] == SCENARIO), None)
    if orderly is not None:
        lag = orderly["lag0_corr"]
        for short, label, pair in (
            ("sc_corr_vol_lev", "Same-day corr(volatility, leverage)", "vol_pa->leverage"),
            (
                "sc_corr_vol_sov",
                "Same-day corr(volatility, sovereign share)",
                "vol_pa->sovereign_share",
            ),
        ):
            fig = b.add(short, label, lag.get(pair), "number", scenario=SCENARIO)
            b.figures[short] = replace(fig, text=units.plain(fig.value, 2))
    spec = sc.scenarios
    b.add("sc_base_vol", "Base diffusive volatility", spec.base.volatility.base_pa, "pct")
    b.add("sc_floor_vol", "Floor of volatility", spec.base.volatility.floor_pa, "pct")
    b.add("sc_break", "Break level", spec.break_level_usd, "usd_price")
    big = {
        c.name: float(c.overrides["big_shock"]["median_usd"])
        for c in spec.cases
        if "median_usd" in c.overrides.get("big_shock", {})
    }
    b.add(
        "sc_big_shock",
        "Median big shock, systemic failure",
        big.get("systemic_failure"),
        "usd_short",
    )
    sens = []
    for v in BASE_VOL_PA:
        cfg_v = sc.with_updates({"scenarios": {"base": {"volatility": {"base_pa": v}}}})
        rr = reserves.simulate_scenario(cfg_v, SCENARIO, paths=PATHS)
        sens.append({"base_pa": v, "c16": [c["probability"] for c in rr.checks]})
    b.add("sens_paths", "Paths per sensitivity point", PATHS, "count", paths=PATHS)
    checks = [
        {
            "label": c["label"],
            "date": c["date"],
            "below_vol_pa": c["below_vol_pa"],
            "probability": c["probability"],
        }
        for c in res.mixture_checks
    ]
    text = {
        "sc_flip_2026": _flip(sens, 0, "no base volatility down to"),
        "sc_flip_2028": _flip(sens, 1, "not even at a base volatility of")
        if len(checks) > 1
        else units.MISSING,
        "sc_seed": str(meta["seed"]),
        "sc_start": units.date_text(meta["start_date"]),
    }
    return b.section(
        "The volatility goals against the base volatility",
        runs=runs,
        checks=checks,
        sensitivity=sens,
        big_shock_median_usd=big,
        sensitivity_paths=PATHS,
        text=text,
    )
