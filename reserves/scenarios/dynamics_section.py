"""The assessment section of the dynamic sovereign game (issue 14): C15 and adoption as outputs.

Registered in :data:`reserves.assessment.EXTERNAL_SECTIONS` as ``"dynamics"``. It reuses the
assessment's scenario runs (the same seed and paths as every other scenario figure) and adds
one paired run per scenario without sovereign entry (:mod:`reserves.scenarios.c15`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["assessment_section", "dynamics_outcome", "reduced_form_effect"]


def dynamics_outcome(scenario_set: Any, cfg: Any) -> dict[str, Any]:
    """C15 estimates (per scenario and mixed by the C17 priors) and the modal scenario's
    adoption paths for an already simulated :class:`~reserves.scenarios.mixture.ScenarioSet`.

    Returns
    -------
    dict with ``c15`` (tuple of :class:`~reserves.scenarios.c15.C15Estimate`), ``mixture``
    (the mixed estimate) and ``adoption`` (:class:`~reserves.sovereign.dynamic.AdoptionPaths`
    or None).
    """
    from reserves.scenarios.c15 import c15_estimate, mix_c15
    from reserves.scenarios.simulate import simulate_scenario

    if scenario_set.c15_mixture is not None:
        ests = tuple(scenario_set.c15)
        mixed = scenario_set.c15_mixture
    else:
        ests = tuple(
            c15_estimate(
                r,
                simulate_scenario(
                    cfg,
                    r.name,
                    paths=r.meta["paths"],
                    seed=r.meta["seed"],
                    horizon_days=r.meta["horizon_days"],
                    no_sovereigns=True,
                ),
            )
            for r in scenario_set.runs
        )
        mixed = mix_c15(ests)
    return {"c15": ests, "mixture": mixed, "adoption": scenario_set.modal_adoption()}


def reduced_form_effect(cfg: Any, scenario: str, scenario_set: Any) -> Any:
    """The paired C15 estimate of one scenario under ``volatility.mode: reduced_form`` (the
    earlier model's hand-set elasticities), same seed, paths and horizon as ``scenario_set``."""
    from reserves.scenarios.c15 import c15_estimate
    from reserves.scenarios.simulate import simulate_scenario

    r = scenario_set.run(scenario)
    rf_cfg = cfg.with_updates({"scenarios": {"base": {"volatility": {"mode": "reduced_form"}}}})
    kw = {
        "paths": r.meta["paths"],
        "seed": r.meta["seed"],
        "horizon_days": r.meta["horizon_days"],
    }
    return c15_estimate(
        simulate_scenario(rf_cfg, scenario, **kw),
        simulate_scenario(rf_cfg, scenario, no_sovereigns=True, **kw),
    )


#: typical cold time of the section on the reference machine (2 cores, 200 paths): the paired
#: C15 runs, the reduced-form pair and the Markov perfect equilibrium
DYNAMICS_S = 40.0


def assessment_section(ctx: Any) -> Any:
    """C15 effect with its band, C16 with and without sovereigns, adoption by sovereign, the
    old reduced form's answer and the Markov perfect equilibrium's check.

    Stored on disk (:mod:`reserves.section_cache`) by the config, the scenario config, the seed,
    the paths, the crash-panel parameters and the code, so its ~40 s run happens once.
    """
    from reserves.market.panel import DEFAULT_PARAMS_PATH
    from reserves.safe import files_hash
    from reserves.section_cache import cached_section

    key = {
        "config_hash": ctx.cfg.content_hash(),
        "scenario_config_hash": ctx.scenario_config.content_hash(),
        "seed": None if ctx.seed is None else int(ctx.seed),
        "paths": None if ctx.paths is None else int(ctx.paths),
        "panel_params": files_hash([DEFAULT_PARAMS_PATH])
        if DEFAULT_PARAMS_PATH.is_file()
        else None,
        "provenance": {k: str(v) for k, v in ctx.provenance.items()},
    }
    return cached_section("dynamics", key, lambda: _compute(ctx), estimate_s=DYNAMICS_S)


def _compute(ctx: Any) -> Any:
    from reserves.assessment import SectionBuilder
    from reserves.errors import ReservesError

    cfg = ctx.scenario_config
    run = ctx.scenario_run(ctx.seed, ctx.paths)
    out = dynamics_outcome(run, cfg)
    mixed = out["mixture"]
    ad = out["adoption"]
    if ad is None:
        raise ReservesError(
            "the scenario config's adoption is a fixed curve, not the dynamic game",
            field="scenarios.base.adoption.kind",
            fix="set kind: dynamic",
        )
    b = SectionBuilder(ctx, "dynamics", concept=ad.concept, pairing="common random numbers")
    b.add("c15_effect_pa", "Change in volatility from sovereign entry", mixed.effect_pa, "pct")
    b.add("c15_band_lo_pa", "Change in volatility, 95% band low", mixed.band_pa[0], "pct")
    b.add("c15_band_hi_pa", "Change in volatility, 95% band high", mixed.band_pa[1], "pct")
    b.add("vol_with_pa", "Volatility with sovereigns (last year)", mixed.vol_with_pa, "pct")
    b.add("vol_without_pa", "Volatility without sovereigns", mixed.vol_without_pa, "pct")
    b.add("c15_per_pp", "Volatility change per point of supply held", mixed.per_pp, "number")
    b.add("share_with", "Sovereign share of supply at the end", mixed.share_with, "pct")
    tot = ad.total_committed_usd()
    k12 = min(12, tot.size - 1)
    b.add(
        "first_flow_usd",
        "Sovereign flow chosen on the first date",
        ad.first_flow_usd.sum(),
        "usd_short",
    )
    b.add(
        "committed_12m_usd", "Committed by sovereigns after a year (median)", tot[k12], "usd_short"
    )
    b.add(
        "committed_end_usd",
        "Committed by sovereigns by the last date (median)",
        tot[-1],
        "usd_short",
    )
    for i, c in enumerate(mixed.checks):
        b.add(
            f"c16_{i}_with",
            f"Chance volatility is below {c['below_vol_pa']:.0%} on {c['date']}",
            c["p_with"],
            "pct",
        )
        b.add(
            f"c16_{i}_without",
            f"Same chance without sovereign entry ({c['date']})",
            c["p_without"],
            "pct",
        )
    # what the reduced form said: the same pair on the modal scenario with the old elasticities
    rf = reduced_form_effect(cfg, ad.scenario, run)
    b.add("reduced_form_effect_pa", "Change in volatility, old reduced form", rf.effect_pa, "pct")
    b.add("reduced_form_band_lo_pa", "Old reduced form, 95% band low", rf.band_pa[0], "pct")
    b.add("reduced_form_band_hi_pa", "Old reduced form, 95% band high", rf.band_pa[1], "pct")
    # the forward-looking concept on the modal scenario's dates: the Markov perfect
    # equilibrium and its one-shot deviation check (reserves.sovereign.dynamic_mpe)
    from reserves.scenarios.simulate import scenarios_section
    from reserves.sovereign.dynamic_mpe import solve_mpe

    mpe = solve_mpe(
        cfg,
        scenarios_section(cfg).dynamics(ad.scenario),
        ad.decision_days,
        int(run.run(ad.scenario).meta["horizon_days"]),
    )
    b.add("mpe_iterations", "MPE: aggregate-law iterations", mpe.iterations, "count")
    b.add(
        "mpe_max_gain_usd",
        "MPE: largest one-shot deviation gain",
        mpe.max_deviation_gain_usd,
        "usd",
    )
    b.add("mpe_tolerance_usd", "MPE: deviation-gain tolerance", mpe.meta["tolerance_usd"], "usd")
    b.add("mpe_residual", "MPE: law's fixed-point gap (share of capacity)", mpe.residual, "pct")
    b.add(
        "mpe_mixed_entries",
        "MPE: law entries with a mixed action",
        mpe.meta["mixed_entries"],
        "count",
    )
    b.add(
        "mpe_law_entries",
        "MPE: law entries (date, node, sovereign)",
        mpe.meta["law_entries"],
        "count",
    )
    from reserves.scenarios.simulate import roster_commitment_usd

    b.add(
        "old_curve_commitment_usd",
        "Commitment of the old hand-set adoption curve",
        roster_commitment_usd(cfg),
        "usd_short",
    )
    direction = {
        "raises": "raises",
        "lowers": "lowers",
        "not distinguishable from zero": "does not measurably change",
    }[mixed.sign]
    summary = (
        f"In the simulated markets, sovereign buying {direction} bitcoin's volatility: "
        f"{mixed.vol_with_pa:.0%} with sovereigns against {mixed.vol_without_pa:.0%} without, "
        f"a change of {mixed.effect_pa * 100:+.1f} points (95% range "
        f"{mixed.band_pa[0] * 100:+.1f} to {mixed.band_pa[1] * 100:+.1f}). "
        "Coins bought by reserve holders leave the traded float, so every later flow moves the "
        "price more. Which sovereigns buy, and when, comes from the game, not from a set curve."
    )
    table = [
        {
            "sovereign": p,
            "first_flow_usd": float(ad.first_flow_usd[i]),
            "committed_12m_usd": float(ad.committed_usd[k12, i]),
            "committed_end_usd": float(ad.committed_usd[-1, i]),
            "committed_end_btc": float(ad.committed_btc[-1, i]),
        }
        for i, p in enumerate(ad.players)
    ]
    return b.section(
        "Sovereigns over time: adoption and volatility",
        summary=summary,
        table=table,
        c15=mixed.to_dict(),
        c15_by_scenario=[e.to_dict() for e in out["c15"]],
        c15_reduced_form=rf.to_dict(),
        adoption=ad.to_dict(),
        mpe=mpe.to_dict(),
    )
