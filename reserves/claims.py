"""Claim-by-claim verdicts on the source article (``shared/seed/CLAIMS.md``, C1-C18).

Each verdict follows a rule stated with it (``rule``) from the assessment's figures: the
fits of both impact laws (``paper_impact_laws``), the dominance thresholds
(``paper_thresholds``), the fragility curves (``paper_fragility``), the scenarios and the
C16 sensitivity (``scenarios``, ``c16_sensitivity``) and the breaking shocks (``breaking``).
C1-C4 are judged out of sample: by the ``calibration`` section (the crash panel fitted
without 21 November 2025), never by the exactly identified fit of that crash alone. The
article's own figures not held in a config are inputs (:data:`ARTICLE`), and so are the
public cross-checks of CLAIMS.md (:data:`SOURCED`), each with its claim id. The wording of
each row is a template here; every number in it is the assessment's text or arithmetic on
the inputs formatted by :mod:`reserves.units`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reserves import units

__all__ = [
    "ARTICLE",
    "CONDITIONAL",
    "NOT_COMPUTED",
    "NOT_MODELLED",
    "NOT_SUPPORTED",
    "PAPER_SECTIONS",
    "PRIORS",
    "REPRODUCED",
    "SOURCED",
    "VERDICTS",
    "ClaimVerdicts",
    "claim_verdicts",
]

#: The article's own figures (shared/seed/CLAIMS.md) not held in a config, by claim id.
ARTICLE: dict[str, float] = {
    "c1_day_move": -0.109,  # C1
    "c3_ibit_redemption_usd": 5.23e8,  # C3
    "c3_nov_outflow_usd": 2.47e9,  # C3
    "c4_ratio": 10.0,  # C4 "~10 : 1"
    "c4_depth_share": 0.90,  # C4 "~90% of market depth is leveraged capital"
    "c5_oi_drop": 0.28,  # C5
    "c6_spx": -0.0156,  # C6
    "c6_ndx": -0.0215,  # C6
    "c7_stimulus_jpy": 17e12,  # C7
    "c7_stimulus_usd": 1.10e11,  # C7
    "c7_jgb_10y": 0.0182,  # C7
    "c7_carry_usd": 2.0e13,  # C7
    "c8_market_cap_usd": 1.8e12,  # C8
    "c8_post_crash_usd": 82000.0,  # C8
    "c9_etf_entry_usd": 90146.0,  # C9
    "c10_btc_vol": 0.60,  # C10
    "c10_gold_vol": 0.15,  # C10
    "c10_spx_vol": 0.18,  # C10
    "c11_users": 4.2e8,  # C11
    "c11_market_cap_usd": 1.83e12,  # C11
    "c12_bought_btc": 1090.0,  # C12
    "c12_price_usd": 91000.0,  # C12
    "c12_total_btc": 7474.0,  # C12
    "c13_pif_usd": 9.25e11,  # C13
    "c13_gpfg_usd": 1.7e12,  # C13
    "c13_safe_usd": 3.2e12,  # C13
    "c16_vol_2026": 0.25,  # C16
    "c16_vol_2028": 0.15,  # C16
    "c17_return_lo": 0.05,  # C17
    "c17_return_hi": 0.08,  # C17
    "c18_lehman_usd": 6.0e11,  # C18
}

#: Public cross-checks (CLAIMS.md, "Cross-check against public sources") not in a config.
SOURCED: dict[str, float] = {
    "c2_longs_usd": 1.78e9,  # C2: longs $1.78B of $1.91B
    "c2_btc_only_usd": 0.96e9,  # C2: BTC-only liquidations
    "c3_all_etf_nov_lo_usd": 3.5e9,  # C3: all US spot BTC ETFs, November
    "c3_all_etf_nov_hi_usd": 3.8e9,
    "c3_etf_21nov_usd": 2.38e8,  # C3: +$238M on 21 Nov
    "c5_oi_peak_usd": 9.41e10,  # C5: peak $94.1B on 7 Oct 2025
    "c6_btc_20nov": -0.054,  # C6: BTC on 20 Nov
    "c7_package_jpy": 21.3e12,  # C7
    "c7_jgb_peak": 0.01835,  # C7
    "c7_carry_bis_usd": 2.7e11,  # C7: BIS cross-border yen loans
    "c9_onchain_basis_usd": 83000.0,  # C9
    "c10_realized_lo": 0.44,  # C10
    "c10_realized_hi": 0.50,  # C10
    "c13_gpfg_hi_usd": 2.04e12,  # C13 / roster
    "c13_pif_hi_usd": 1.15e12,  # C13
    "c13_safe_inv_hi_usd": 1.4e12,  # C13
}

#: Priors for plausibility quoted by MODEL.md section 5 (not fitted, not claims).
PRIORS: dict[str, float] = {
    "bank_pct_per_bn": -0.034,  # one bank: -3.4% of price per $1B of ETF outflow
    "bank_flow_usd": 1e9,
}

REPRODUCED = "reproduced"
CONDITIONAL = "holds under stated conditions"
NOT_SUPPORTED = "not supported"
NOT_MODELLED = "not modelled"
NOT_COMPUTED = "not computed in this build"
#: the verdicts, in the note's order
VERDICTS: tuple[str, ...] = (REPRODUCED, CONDITIONAL, NOT_SUPPORTED, NOT_MODELLED)

#: the assessment sections the verdicts read (besides the core ones)
PAPER_SECTIONS: tuple[str, ...] = (
    "paper_thresholds",
    "paper_impact_laws",
    "paper_fragility",
    "c16_sensitivity",
)


@dataclass(frozen=True)
class ClaimVerdicts:
    """The verdict table and the arithmetic on the inputs it quotes.

    Attributes
    ----------
    rows:
        one dict per claim: ``id``, ``says``, ``model``, ``verdict``, ``flips``, ``rule``.
    arithmetic:
        ``{key: text}``: arithmetic on the article's and the sourced inputs (``a_c13_sum``...).
    counts:
        verdict -> number of claims.
    """

    rows: tuple[dict[str, str], ...]
    arithmetic: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": [dict(r) for r in self.rows],
            "arithmetic": dict(self.arithmetic),
            "counts": dict(self.counts),
            "counts_text": {
                "count_claims": units.num(len(self.rows)),
                **{f"count_{v.replace(' ', '_')}": units.num(n) for v, n in self.counts.items()},
            },
            "inputs": {"article": dict(ARTICLE), "sourced": dict(SOURCED), "priors": dict(PRIORS)},
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        return pd.DataFrame(list(self.rows))


class _Text:
    """Looks up the text of ``section.short``: a figure's text, else the section's
    ``data["text"]`` entry, else :data:`NOT_COMPUTED`."""

    def __init__(self, a: Any) -> None:
        self.a = a

    def __call__(self, key: str) -> str:
        name, _, short = key.partition(".")
        sec = self.a.section(name)
        if not sec.available:
            return NOT_COMPUTED
        if short in sec.figures:
            return sec.figures[short].text
        return str(sec.data.get("text", {}).get(short, NOT_COMPUTED))

    def value(self, key: str) -> Any:
        name, _, short = key.partition(".")
        sec = self.a.section(name)
        return sec.figures[short].value if sec.available and short in sec.figures else None


def _arithmetic(a: Any, t: _Text) -> dict[str, str]:
    """Arithmetic on the inputs, each with its claim id."""
    A, S = ARTICLE, SOURCED
    out = {
        "a_c1_move": units.pct(A["c1_day_move"], 1),
        "a_c6_beta": units.ratio(A["c1_day_move"] / A["c6_ndx"]),
        "a_c7_fx": units.num(A["c7_stimulus_jpy"] / A["c7_stimulus_usd"]),
        "a_c9_under": units.pct(A["c8_post_crash_usd"] / A["c9_etf_entry_usd"] - 1, 1),
        "a_c9_onchain": units.pct(A["c8_post_crash_usd"] / S["c9_onchain_basis_usd"] - 1, 1),
        "a_c12_usd": units.usd_short(A["c12_bought_btc"] * A["c12_price_usd"]),
        "a_c13_sum": units.usd_short(A["c13_pif_usd"] + A["c13_gpfg_usd"] + A["c13_safe_usd"]),
        "a_c13_mult": units.ratio(
            (A["c13_pif_usd"] + A["c13_gpfg_usd"] + A["c13_safe_usd"]) / A["c11_market_cap_usd"]
        ),
        "a_c8_cap": t("paper_thresholds.market_cap"),
        "c4_article_ratio": units.ratio(A["c4_ratio"]),
        "prior_bank": units.pct(PRIORS["bank_pct_per_bn"], 1),
        "prior_bank_per": units.usd_short(PRIORS["bank_flow_usd"]),
        "prior_bank_depth": units.usd_short(
            PRIORS["bank_flow_usd"] / abs(100 * PRIORS["bank_pct_per_bn"])
        ),
        "c16_vol_2026": units.pct(A["c16_vol_2026"]),
        "c16_vol_2028": units.pct(A["c16_vol_2028"]),
    }
    cal = a.section("paper_impact_laws")
    if cal.available:
        rd = {r["name"]: r for r in cal.data["readings"]}
        art, src = rd["article"], rd["sourced"]
        out.update(
            a_c1_implied_p0=units.usd_price(art["trough_usd"] / (1 + A["c1_day_move"])),
            a_c2_src_long=units.pct(S["c2_longs_usd"] / src["liquidations_usd"]),
            a_c2_total_for_89=units.usd_short(S["c2_longs_usd"] / art["long_share"]),
            a_c4_src_ratio=units.ratio(src["liquidations_usd"] / src["shock_usd"]),
            a_c5_oct=units.usd_short(art["long_oi_usd"] / (1 - A["c5_oi_drop"])),
            a_c5_src_drop=units.pct(1 - src["long_oi_usd"] / S["c5_oi_peak_usd"]),
            a_c18_mult=units.ratio(A["c18_lehman_usd"] / art["shock_usd"], 0),
            a_c18_cap_share=units.pct(art["liquidations_usd"] / A["c11_market_cap_usd"], 2),
        )
    th = a.section("paper_thresholds")
    if th.available:
        roster = {r["player"]: r for r in th.data["table"]}
        inv = sum(
            roster[p]["reserves_usd"]
            for p in ("Saudi PIF", "Norway GPFG", "China SAFE Investment")
            if p in roster
        )
        out["a_c13_investable"] = units.usd_short(inv)
        out["a_c13_investable_mult"] = units.ratio(inv / float(a.config.market.market_cap_usd))
        es = roster.get("El Salvador")
        if es:
            out["c12_ticket"] = units.usd_short(es["ticket_usd"])
            out["c12_theta_star"] = es["theta_star_text"]
    return out


def claim_verdicts(a: Any) -> ClaimVerdicts:
    """One row per claim C1-C18 from the assessment ``a`` (:func:`reserves.assessment.assess`
    of the baseline): what the article says, what the model computes, the verdict by the
    row's ``rule`` and where it flips."""
    t = _Text(a)
    x = _arithmetic(a, t)
    A, S = ARTICLE, SOURCED
    u, p, pr = units.usd_short, units.pct, units.usd_price
    nc = NOT_COMPUTED
    rows: list[dict[str, str]] = []

    def row(cid: str, says: str, model: str, verdict: str, flips: str, rule: str) -> None:
        rows.append(
            {
                "id": cid,
                "says": says,
                "model": model,
                "verdict": verdict,
                "flips": flips,
                "rule": rule,
            }
        )

    def il(k: str) -> str:
        return t(f"paper_impact_laws.{k}")

    cal, oos = a.section("paper_impact_laws"), a.section("calibration")
    if cal.available and oos.available:
        from reserves.market.calibrate import TOLERANCES

        fits = cal.data["fits"]
        sqrt_ok = fits["article_sqrt"]["ok"] or fits["sourced_sqrt"]["ok"]

        def o(k: str) -> str:
            return t(f"calibration.{k}")

        def ov(k: str) -> float:
            v = t.value(f"calibration.{k}")
            return float("nan") if v is None else float(v)

        trough_ok = abs(ov("loo_trough_error")) <= TOLERANCES["trough"]
        liq_ok = abs(ov("loo_liq_ratio") - 1) <= TOLERANCES["liquidations"]
        long_ok = abs(ov("loo_long_share_error_pts")) <= 100 * TOLERANCES["long_share"]
        row(
            "C1",
            f"BTC fell to {il('art_trough')} ({x['a_c1_move']}) in about 4 hours.",
            "Out of sample (crash panel fitted without this crash): from the observed forced "
            f"sales the cascade predicts a low of {o('loo_predicted_trough_usd')} against "
            f"{o('observed_trough_usd')} ({o('loo_trough_error')}).",
            REPRODUCED if trough_ok else NOT_SUPPORTED,
            "The square-root impact law cannot give the fall even fitted to it: best trough "
            f"{il('article_sqrt_trough')} with Y pinned at {il('article_sqrt_Y')}"
            + (" (but a square-root fit is within tolerance)" if sqrt_ok else "")
            + ".",
            f"reproduced if the leave-one-out low is within {p(TOLERANCES['trough'])} of the "
            "observed low",
        )
        row(
            "C2",
            f"{il('art_liq')} of leveraged positions liquidated in 24 h, {il('art_long')} longs.",
            f"Bitcoin alone: {o('observed_liquidations_usd')} observed, "
            f"{o('loo_predicted_liquidations_usd')} predicted out of sample "
            f"({o('loo_liq_ratio')}); longs {o('loo_long_share')} predicted vs "
            f"{o('observed_long_share')} ({o('loo_long_share_error_pts')} points).",
            REPRODUCED if liq_ok and long_ok else (CONDITIONAL if liq_ok else NOT_SUPPORTED),
            f"{il('art_liq')} is all coins; {il('art_long')} long needs a "
            f"{x['a_c2_total_for_89']} total; the record is {il('src_liq')} with "
            f"{x['a_c2_src_long']} longs.",
            f"reproduced if the leave-one-out forced sales are within "
            f"{p(TOLERANCES['liquidations'])} and the long share within "
            f"{units.plain(100 * TOLERANCES['long_share'], 2)} points; conditional if only "
            "the forced sales are",
        )
        lo, hi = ov("shock_low_usd"), ov("shock_high_usd")
        art_shock = float(cal.data["readings"][0]["shock_usd"])
        row(
            "C3",
            f"Real net selling was about {il('art_shock')}.",
            f"Out of sample the low needs {o('implied_shock_usd')} of real selling (range "
            f"{o('shock_low_usd')} to {o('shock_high_usd')}); {o('article.shock_usd')} gives a "
            f"low of {o('article.trough_usd')} ({o('article.drop')} fall).",
            REPRODUCED if lo <= art_shock <= hi else NOT_SUPPORTED,
            f"The sourced {o('sourced.shock_usd')} ETF day gives {o('sourced.trough_usd')}. "
            f"Cross-check: the {u(A['c3_ibit_redemption_usd'])} IBIT record was on 18 Nov; "
            f"{u(A['c3_nov_outflow_usd'])} was IBIT's November alone (all ETFs "
            f"{u(S['c3_all_etf_nov_lo_usd'])}-{u(S['c3_all_etf_nov_hi_usd'])}).",
            "reproduced if the article's selling lies in the leave-one-out range of selling "
            "that gives the observed low",
        )
        f_lo, f_hi = ov("fragility_low"), ov("fragility_high")
        lev = t("paper_fragility.lev10_ref")
        ratio = A["c4_ratio"]
        row(
            "C4",
            f'Fragility ratio ≈ {x["c4_article_ratio"]}; "~{p(A["c4_depth_share"])} of depth '
            'is leverage".',
            f"Out of sample, forced sales per dollar of selling are {o('fragility_low')} to "
            f"{o('fragility_high')}; at the article's {o('article.shock_usd')} the model gives "
            f"{o('article.model_fragility_ratio')}. The article's ratio is forced sales over "
            "selling, not a share of depth.",
            REPRODUCED if f_lo <= ratio <= f_hi else NOT_SUPPORTED,
            f"{x['c4_article_ratio']} needs every tier's leverage scaled by "
            f"{lev if lev != units.MISSING else 'more than the range tried'} (mean "
            f"{t('paper_fragility.meanlev_ref')} now) at the reference shock.",
            "reproduced if the article's ratio lies in the leave-one-out range",
        )
        row(
            "C5",
            f"Open interest fell {p(A['c5_oi_drop'])} in ~60 days to {il('art_oi')}.",
            f"Input, not output. The article implies {x['a_c5_oct']} in October; the record "
            f"has {u(S['c5_oi_peak_usd'])} at the peak falling {x['a_c5_src_drop']} to "
            f"{il('src_oi')}.",
            NOT_SUPPORTED,
            f"The direction is reversed ({il('art_oi')} was the peak).",
            "arithmetic against the public record",
        )
    else:
        for cid in ("C1", "C2", "C3", "C4", "C5"):
            row(cid, "", nc, nc, "", "calibration layer absent")
    row(
        "C6",
        f"Same day: BTC {p(A['c1_day_move'], 1)}, S&P {p(A['c6_spx'], 2)}, Nasdaq "
        f"{p(A['c6_ndx'], 2)}.",
        f"No macro channel in the model. Arithmetic: BTC moved {x['a_c6_beta']} the Nasdaq.",
        NOT_MODELLED,
        "Cross-check: the equity moves were on 20 Nov, when BTC moved "
        f"{p(S['c6_btc_20nov'], 1)}; {x['a_c1_move']} spans several sessions.",
        "out of scope",
    )
    row(
        "C7",
        f"JPY {units.num(A['c7_stimulus_jpy'] / 1e12)}T ({u(A['c7_stimulus_usd'])}) stimulus; "
        f"10-year JGB {p(A['c7_jgb_10y'], 2)}; yen carry ~{u(A['c7_carry_usd'])}.",
        "Not modelled; the systemic scenario's big shock (median "
        f"{t('c16_sensitivity.sc_big_shock')}) stands in for a carry unwind. Arithmetic: "
        f"JPY {x['a_c7_fx']}/USD implied.",
        NOT_MODELLED,
        f"Cross-check: package JPY {units.num(S['c7_package_jpy'] / 1e12, 1)}T; JGB peak "
        f"{p(S['c7_jgb_peak'], 3)}; carry size {u(S['c7_carry_bis_usd'])} (BIS loans) to "
        f"{u(A['c7_carry_usd'])} (broad).",
        "out of scope",
    )
    price = t("paper_thresholds.price")
    th = a.section("paper_thresholds")
    row(
        "C8",
        f"Market cap ~{u(A['c8_market_cap_usd'])} at {price}.",
        f"P0 × Q = {x['a_c8_cap']} (baseline).",
        REPRODUCED if th.available else nc,
        f"{price} is the article's 'January 2026' price, used as the pre-crash P0; "
        f"{x['a_c1_move']} to {il('art_trough')} implies P0 = {x.get('a_c1_implied_p0', nc)}.",
        "arithmetic within 5%",
    )
    row(
        "C9",
        f"ETF holders' average entry {pr(A['c9_etf_entry_usd'])}; under water at "
        f"{pr(A['c8_post_crash_usd'])}.",
        f"Not modelled (ladder entries are centred on P0). Arithmetic: {x['a_c9_under']} at "
        f"{pr(A['c8_post_crash_usd'])}.",
        NOT_MODELLED,
        f"With the on-chain cost basis {pr(S['c9_onchain_basis_usd'])}: {x['a_c9_onchain']}.",
        "out of scope",
    )
    row(
        "C10",
        f"30-day realized vol ~{p(A['c10_btc_vol'])}; gold {p(A['c10_gold_vol'])}, "
        f"S&P {p(A['c10_spx_vol'])}.",
        f"An input: {il('ev_vol')} in the event calibration, "
        f"{t('paper_thresholds.sigma')} in the baseline game.",
        NOT_MODELLED,
        f"{p(A['c10_btc_vol'])} matches implied vol; realized was "
        f"{p(S['c10_realized_lo'])}-{p(S['c10_realized_hi'])}.",
        "input",
    )
    row(
        "C11",
        f"~{units.num(A['c11_users'] / 1e6)} million users; market cap "
        f"~{u(A['c11_market_cap_usd'])}.",
        f"Users not modelled; market cap {x['a_c8_cap']} (as C8).",
        NOT_MODELLED,
        "No public cross-check of the user count is used.",
        "out of scope",
    )
    if th.available:
        es = next((r for r in th.data["table"] if r["player"] == "El Salvador"), None)
        row(
            "C12",
            f"El Salvador bought {units.num(A['c12_bought_btc'])} BTC at "
            f"~{pr(A['c12_price_usd'])} ({x['a_c12_usd']}), reaching "
            f"{units.num(A['c12_total_btc'])}.",
            f"Accumulating is strictly dominant for El Salvador (θ* = "
            f"{x.get('c12_theta_star', nc)}); its ticket is {x.get('c12_ticket', nc)}.",
            REPRODUCED if es and es["dominant"] else NOT_SUPPORTED,
            "Confirmed by public trackers; the ticket size is an input (C12), the decision is "
            "the model's.",
            "reproduced if accumulate strictly dominates for El Salvador at the baseline",
        )
        row(
            "C13",
            f"PIF {u(A['c13_pif_usd'])} + GPFG {u(A['c13_gpfg_usd'])} + SAFE "
            f"{u(A['c13_safe_usd'])} exceed BTC's market cap.",
            f"Sum {x['a_c13_sum']} = {x['a_c13_mult']} the cap; with SAFE Investment Co for "
            f"China's total FX reserves and the config's NBIM: {x['a_c13_investable']} = "
            f"{x['a_c13_investable_mult']}. The roster would move "
            f"{t('paper_thresholds.total_ticket')} "
            f"({t('paper_thresholds.total_ticket_share')} of the cap).",
            REPRODUCED,
            f"Fund size is not demand: in equilibrium the net flow is "
            f"{t('equilibrium.net_usd')} at P0.",
            "arithmetic",
        )
        n_never = th.figures["n_never"].value or 0
        row(
            "C14",
            '"Accumulate, never sell" is every sovereign\'s dominant strategy.',
            f"Accumulate strictly dominates for {t('paper_thresholds.n_dominant')} of "
            f"{t('paper_thresholds.n_players')} ({t('paper_thresholds.dominant_players')}). "
            f"Unique equilibrium, {t('paper_thresholds.eq_n_accumulators')} accumulate; "
            f"{t('paper_thresholds.n_selling_holders')} of {t('paper_thresholds.n_holders')} "
            "holders sell.",
            REPRODUCED if th.data["c14_holds_for_all"] else NOT_SUPPORTED,
            "Flips for sovereign i at θ_i > θ_i* (closed form): θ of the others must rise "
            f"{t('paper_thresholds.theta_mult_min')} to {t('paper_thresholds.theta_mult_max')} "
            f"(median {t('paper_thresholds.theta_mult_median')})"
            + (f"; {t('paper_thresholds.n_never')} never." if n_never else "."),
            "reproduced iff accumulate strictly dominates for every sovereign",
        )
    else:
        for cid in ("C12", "C13", "C14"):
            row(cid, "", nc, nc, "", "game layer absent")
    sc, sens = a.section("scenarios"), a.section("c16_sensitivity")
    if sc.available and sens.available:

        def s(k: str) -> str:
            return t(f"c16_sensitivity.{k}")

        row(
            "C15",
            "Volatility → liquidations → leverage destroyed → sovereign entry → floor rises → "
            "vol falls (and the reverse loop).",
            "The loop is an assumption of the simulation (vol elasticities to leverage and "
            f"sovereign share); simulated same-day corr(vol, leverage) {s('sc_corr_vol_lev')}, "
            f"corr(vol, sovereign share) {s('sc_corr_vol_sov')}.",
            CONDITIONAL,
            "Holds by construction when the elasticities are positive; the model cannot test "
            "it against data.",
            "assumed, not tested",
        )
        probs = [c["p"] for c in sc.data["checks"]]
        row(
            "C16",
            f"Vol < {x['c16_vol_2026']} by Q4 2026, < {x['c16_vol_2028']} by Q4 2028.",
            f"P(vol < {x['c16_vol_2026']}, end 2026) = {t('scenarios.c16_0')}; "
            f"P(vol < {x['c16_vol_2028']}, end 2028) = {t('scenarios.c16_1')} (mixture of "
            "the C17 scenarios).",
            REPRODUCED if len(probs) > 1 and min(probs[:2]) >= 0.5 else NOT_SUPPORTED,
            f"In the orderly scenario the 2026 goal becomes likely (≥ 50%) with "
            f"{s('sc_flip_2026')} (config {s('sc_base_vol')}); the 2028 goal "
            f"{s('sc_flip_2028')}.",
            "reproduced if both probabilities >= 50%",
        )
        row(
            "C17",
            f"{s('sc_orderly_transition_prior')} orderly transition (returns "
            f"{p(A['c17_return_lo'])}-{p(A['c17_return_hi'])} a year), "
            f"{s('sc_systemic_failure_prior')} systemic failure below {s('sc_break')}, "
            f"{s('sc_technical_breakthrough_prior')} Layer-2 floor.",
            f"Priors are inputs. Systemic case: P(min < {s('sc_break')}) = "
            f"{s('sc_systemic_failure_touch')}; orderly median return "
            f"{s('sc_orderly_transition_ret')} a year. Mixture: {s('sc_touch')} touch "
            f"{s('sc_break')}.",
            CONDITIONAL,
            f"One outflow breaks {t('breaking.level_usd')} above "
            f"{t('breaking.shock_without_usd')} without sovereign bids, "
            f"{t('breaking.shock_with_usd')} with the equilibrium bids.",
            "priors are inputs; conditional on the scenario dynamics",
        )
    else:
        for cid in ("C15", "C16", "C17"):
            row(cid, "", nc, nc, "", "scenario layer absent")
    row(
        "C18",
        f"Lehman held ~{u(A['c18_lehman_usd'])}; BTC showed ~{il('art_shock')} of flow "
        f"forcing ~{il('art_liq')} of liquidations.",
        f"Arithmetic: {x.get('a_c18_mult', nc)} the flow; {il('art_liq')} is "
        f"{x.get('a_c18_cap_share', nc)} of the market cap. The {il('art_shock')} → "
        f"{il('art_liq')} step is C4's article reading.",
        NOT_MODELLED,
        "A balance sheet and a one-day flow are not comparable quantities.",
        "out of scope",
    )
    counts = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
    return ClaimVerdicts(tuple(rows), x, counts)
