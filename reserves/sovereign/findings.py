"""The evidence-based sovereign findings in one object (CLI, app page, briefing, assessment).

:func:`sovereign_findings` runs, top to bottom: the structural estimate
(:mod:`~reserves.sovereign.estimation`), the revealed-preference sets
(:mod:`~reserves.sovereign.revealed`), the check of the observed profile and the answers over
the confidence region (:mod:`~reserves.sovereign.identified`), and the Ferranti replication
(:mod:`~reserves.sovereign.motives`). Results are cached by the config's and the evidence's
content hashes, the number of draws and the seed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from reserves.config import ReservesConfig, load_config
from reserves.sovereign.estimation import Estimate, bootstrap, estimate
from reserves.sovereign.evidence import DEFAULT_EVIDENCE, Evidence, load_evidence
from reserves.sovereign.identified import (
    ProfileCheck,
    UncertainAnswers,
    check_observed,
    uncertain_answers,
)
from reserves.sovereign.motives import FerrantiReplication, ferranti_replication
from reserves.sovereign.revealed import RevealedPreference, revealed_preference
from reserves.units import pct, usd_price, usd_short


def evidence_hash(ev: Evidence) -> str:
    """SHA-256 (first 16 hex digits) of the evidence's canonical JSON."""
    payload = json.dumps(ev.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SovereignFindings:
    """Everything the evidence says about the sovereign game (see the module docstring)."""

    estimate: Estimate
    revealed: RevealedPreference
    observed_check: ProfileCheck
    answers: UncertainAnswers
    ferranti: FerrantiReplication
    config_hash: str
    evidence_hash: str

    @property
    def loo_hit_rate(self) -> float:
        return self.estimate.loo_hit_rate

    @property
    def baseline_hit_rate(self) -> float:
        return self.estimate.baseline_hit_rate

    def headline(self) -> dict[str, str]:
        """Human-formatted headline numbers (for the briefing and the app)."""
        e, a = self.estimate, self.answers
        lo, hi = a.band_usd()
        c = a.c14_counts
        return {
            "loo_hit_rate": pct(e.loo_hit_rate, 1),
            "baseline_hit_rate": pct(e.baseline_hit_rate, 1),
            "value_belief": usd_price(e.params["value_usd"]),
            "c14": f"dominant everywhere for {c['everywhere']}, somewhere for "
            f"{c['somewhere']}, nowhere for {c['nowhere']} of {len(a.names)} sovereigns",
            "observed_profile": "an equilibrium of the estimated game"
            if self.observed_check.is_equilibrium
            else "not an equilibrium: " + ", ".join(self.observed_check.breakers) + " deviate",
            "rejected": ", ".join(self.revealed.rejected) or "none",
            "demand_band": f"{usd_short(lo)} to {usd_short(hi)}",
        }

    def to_dict(self) -> dict[str, Any]:
        e = self.estimate
        ed = e.to_dict()
        rp = {s.name: s for s in self.revealed.sovereigns}
        chk = {s["name"]: s for s in self.observed_check.to_dict()["sovereigns"]}
        c14 = self.answers.to_dict()["c14"]
        sovs = []
        for s in ed["sovereigns"]:
            r = rp[s["name"]]
            sovs.append(
                {
                    **s,
                    "theta_interval": list(r.theta_interval) if r.theta_interval else None,
                    "theta_interval_at_kappa_hat": list(r.theta_at_k_hat)
                    if r.theta_at_k_hat
                    else None,
                    "kappa_share_interval": list(r.k_interval) if r.k_interval else None,
                    "rationalizable": r.rationalizable,
                    "regret_usd": chk[s["name"]]["regret_usd"],
                    "best_deviation": chk[s["name"]]["best_deviation"],
                    "c14": c14[s["name"]]["verdict"],
                }
            )
        return {
            "sovereigns": sovs,
            "loo_hit_rate": e.loo_hit_rate,
            "baseline_hit_rate": e.baseline_hit_rate,
            "in_sample_hit_rate": e.in_sample_hit_rate,
            "loo_log_score": e.loo_log_score,
            "baseline_log_score": e.baseline_log_score,
            "coefficients": ed["coefficients"],
            "fixed": ed["fixed"],
            "loglik": ed["loglik"],
            "npl_converged": ed["npl_converged"],
            "buy_shares": ed["buy_shares"],
            "revealed_preference": self.revealed.to_dict(),
            "observed_profile": self.observed_check.to_dict(),
            "uncertainty": self.answers.to_dict(),
            "ferranti": self.ferranti.to_dict(),
            "headline": self.headline(),
            "config_hash": self.config_hash,
            "evidence_hash": self.evidence_hash,
            "elapsed_s": e.elapsed_s,
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        import pandas as pd

        rows = []
        for s in self.to_dict()["sovereigns"]:
            rows.append(
                {
                    "sovereign": s["name"],
                    "observed": s["observed_action"],
                    "P(accumulate)": s["predicted"]["accumulate"],
                    "P(hold)": s["predicted"]["hold"],
                    "P(sell)": s["predicted"]["sell"],
                    "left-out prediction": s["loo_predicted_action"],
                    "theta at kappa-hat": s["theta_interval_at_kappa_hat"],
                    "rationalizable": s["rationalizable"],
                    "C14": s["c14"],
                }
            )
        return pd.DataFrame(rows)

    def table(self) -> str:
        """A plain-text report."""
        h = self.headline()
        lines = [
            f"Leave-one-out hit rate {h['loo_hit_rate']} (naive baseline {h['baseline_hit_rate']})",
            f"Observed 2024-2025 profile: {h['observed_profile']}",
            f"C14: {h['c14']}",
            f"Rejected by revealed preference: {h['rejected']}",
            f"Net sovereign demand band over the confidence region: {h['demand_band']}",
            "",
            f"{'parameter':<12} {'estimate':>14} {'s.e.':>12}  note",
        ]
        for c in self.estimate.coefficients:
            se = "" if c.se is None else _num(c.se)
            note = "fixed (assumption)" if c.fixed else ("at bound" if c.at_bound else "")
            lines.append(f"{c.name:<12} {_num(c.estimate):>14} {se:>12}  {note}")
        lines += ["", f"{'sovereign':<24} {'observed':<16} {'P(obs)':>7} {'LOO':<11} C14"]
        for s in self.to_dict()["sovereigns"]:
            p = s["predicted"][s["observed_action"]]
            lines.append(
                f"{s['name']:<24} {s['observed_label']:<16} {pct(p):>7} "
                f"{s['loo_predicted_action']:<11} {s['c14']}"
            )
        return "\n".join(lines)


def _num(x: float) -> str:
    """Four significant digits, never in scientific notation."""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return np.format_float_positional(x, precision=4, unique=False, fractional=False, trim="-")


@lru_cache(maxsize=8)
def _cached(cfg_path: str, ev_path: str, draws: int, seed: int, mtimes: tuple) -> Any:
    cfg = load_config(cfg_path)
    ev = load_evidence(ev_path, cfg)
    return _compute(cfg, ev, draws=draws, seed=seed)


def _compute(cfg: ReservesConfig, ev: Evidence, *, draws: int, seed: int) -> SovereignFindings:
    return findings_from_estimate(estimate(cfg, ev), draws=draws, seed=seed)


def findings_from_estimate(est: Estimate, *, draws: int = 100, seed: int = 0) -> SovereignFindings:
    """The findings of an existing estimate (no re-estimation)."""
    return SovereignFindings(
        est,
        revealed_preference(est),
        check_observed(est),
        uncertain_answers(est, draws=draws, seed=seed),
        ferranti_replication(),
        est.design.config.content_hash(),
        evidence_hash(est.design.evidence),
    )


def sovereign_findings(
    cfg: ReservesConfig | str | Path,
    evidence: Evidence | str | Path | None = None,
    *,
    draws: int = 100,
    seed: int = 0,
) -> SovereignFindings:
    """Estimate, identify and answer (module docstring). Paths are cached by file content
    time stamps; objects by their content hashes."""
    ev_in = DEFAULT_EVIDENCE if evidence is None else evidence
    if isinstance(cfg, str | Path) and isinstance(ev_in, str | Path):
        mt = (Path(cfg).stat().st_mtime_ns, Path(ev_in).stat().st_mtime_ns)
        return _cached(str(cfg), str(ev_in), int(draws), int(seed), mt)
    c = cfg if isinstance(cfg, ReservesConfig) else load_config(cfg)
    ev = ev_in if isinstance(ev_in, Evidence) else load_evidence(ev_in, c)
    return _by_hash(c.content_hash(), evidence_hash(ev), int(draws), int(seed), c, ev)


def robustness_checks(cfg: ReservesConfig, ev: Evidence) -> list[dict[str, Any]]:
    """The estimate under alternative codings and assumptions (for the paper):

    * the Czech test portfolio coded ``hold`` (it sits outside the reserves), with LOO;
    * the evidence's legal restrictions of actions lifted (the UK may sell), with LOO;
    * the fixed risk aversion at 1 and at 5 instead of the roster median (no LOO).
    """
    out: list[dict[str, Any]] = []
    if "Czech National Bank" in ev.names:
        sov = [
            o.model_copy(update={"action": "hold", "amount_usd": None, "amount_btc": None})
            if o.name == "Czech National Bank"
            else o
            for o in ev.sovereigns
        ]
        e = estimate(cfg, ev.model_copy(update={"sovereigns": sov}))
        out.append(_variant("Czech test portfolio coded hold", e, loo=True))
    restricted = [o.name for o in ev.sovereigns if o.actions_available is not None]
    if restricted:
        sov = [o.model_copy(update={"actions_available": None}) for o in ev.sovereigns]
        e = estimate(cfg, ev.model_copy(update={"sovereigns": sov}))
        out.append(_variant(f"no legal restriction on {', '.join(restricted)}", e, loo=True))
    for g in (1.0, 5.0):
        e = estimate(cfg, ev, fixed={"gamma": g}, loo=False)
        out.append(_variant(f"risk aversion fixed at {g:g}", e, loo=False))
    return out


#: parametric-bootstrap replications of the paper's standard errors
BOOTSTRAP_REPS = 30

#: grids of the profile likelihoods reported in the paper
PROFILE_GRIDS: dict[str, tuple[float, ...]] = {
    "value_usd": (70e3, 85e3, 95e3, 105e3, 120e3, 150e3),
    "gamma": (0.5, 1.0, 3.0, 5.0, 8.0),
}


def profiles(cfg: ReservesConfig, ev: Evidence) -> dict[str, Any]:
    """Profile-likelihood 95% sets of the value belief and the risk aversion."""
    from reserves.sovereign.estimation import profile_interval

    return {k: profile_interval(cfg, ev, k, g) for k, g in PROFILE_GRIDS.items()}


def _variant(name: str, e: Estimate, *, loo: bool) -> dict[str, Any]:
    return {
        "variant": name,
        "loo_hit_rate": e.loo_hit_rate if loo else None,
        "baseline_hit_rate": e.baseline_hit_rate,
        "in_sample_hit_rate": e.in_sample_hit_rate,
        "loglik": e.loglik,
        "value_usd": e.params["value_usd"],
        "value_usd_se": next(c.se for c in e.coefficients if c.name == "value_usd"),
        "theta": e.params["theta"],
        "at_bound": [c.name for c in e.coefficients if c.at_bound],
    }


#: Monte Carlo draws of the answers over the confidence region (C14 counts, demand band)
ANSWER_DRAWS = 100
#: typical cold times (s) of the two sections on the reference machine, for the progress bar
HEADLINE_S, DETAIL_S = 5.0, 25.0


def _section_inputs(ctx: Any) -> tuple[Evidence, int, dict[str, Any]]:
    """The evidence, the seed and the cache key of the sovereign sections of ``ctx``."""
    ev = load_evidence(DEFAULT_EVIDENCE, ctx.cfg)
    seed = int(ctx.seed) if getattr(ctx, "seed", None) is not None else 0
    key = {
        "config_hash": ctx.cfg.content_hash(),
        "evidence_hash": evidence_hash(ev),
        "seed": seed,
        "draws": ANSWER_DRAWS,
        "provenance": {k: str(v) for k, v in getattr(ctx, "provenance", {}).items()},
    }
    return ev, seed, key


def assessment_section(ctx: Any) -> Any:
    """The ``sovereigns`` section of :func:`reserves.assessment.assess`: the estimate from the
    shipped evidence, the leave-one-out hit rate against the naive baseline, the value belief,
    revealed preference, the observed-profile check, C14 over the confidence region and the
    demand band (what the briefing, the app and the CLI show).

    The paper's extras (robustness variants, profile likelihoods, the parametric bootstrap)
    are the separate ``sovereigns_detail`` section (:func:`detail_section`), computed only
    when asked for. Both are stored on disk (:mod:`reserves.section_cache`, keyed by the
    config, the evidence, the seed and the code), so the ~15 s estimate runs once.
    """
    from reserves.section_cache import cached_section

    ev, seed, key = _section_inputs(ctx)
    return cached_section(
        "sovereigns", key, lambda: _headline_section(ctx, ev, seed), estimate_s=HEADLINE_S
    )


def _headline_section(ctx: Any, ev: Evidence, seed: int) -> Any:
    from reserves.assessment import SectionBuilder

    f = sovereign_findings(ctx.cfg, ev, draws=ANSWER_DRAWS, seed=seed)
    e, a = f.estimate, f.answers
    b = SectionBuilder(
        ctx, "sovereigns", evidence="configs/evidence/2024-2025.yaml", evidence_hash=f.evidence_hash
    )
    b.add("loo_hit_rate", "Actions predicted right when each sovereign is left out",
          e.loo_hit_rate, "pct", n_sovereigns=len(e.names))  # fmt: skip
    b.add("baseline_hit_rate", "The same for 'everyone holds' (the most common action)",
          e.baseline_hit_rate, "pct")  # fmt: skip
    b.add("loo_log_score", "Mean log probability of each left-out action", e.loo_log_score,
          "number")  # fmt: skip
    b.add("baseline_log_score", "The same for the others' action frequencies",
          e.baseline_log_score, "number")  # fmt: skip
    b.add("value_belief_usd", "Value of a coin the choices imply", e.params["value_usd"],
          "usd_price")  # fmt: skip
    c = a.c14_counts
    b.add("c14_everywhere", "Sovereigns for whom buying is always best", c["everywhere"], "count")
    b.add("c14_nowhere", "Sovereigns for whom buying is never always best", c["nowhere"], "count")
    lo, hi = a.band_usd()
    b.add("demand_low_usd", "Net sovereign buying, low end (5th percentile)", lo, "usd_short",
          draws=a.draws)  # fmt: skip
    b.add("demand_high_usd", "Net sovereign buying, high end (95th percentile)", hi, "usd_short",
          draws=a.draws)  # fmt: skip
    h = f.headline()
    summary = (
        f"Fitted to what fourteen sovereigns did in 2024-2025, the model predicts "
        f"{h['loo_hit_rate']} of their actions when each is left out, against "
        f"{h['baseline_hit_rate']} for assuming everyone holds. Buying is not the best move "
        f"whatever others do for any sovereign ({c['nowhere']} never, {c['somewhere']} in some "
        f"estimates): 'accumulate, never sell' is not what the evidence shows. Token purchases "
        f"(the Czech test portfolio, Abu Dhabi's ETF stakes) are not explained by the payoff."
    )
    return b.section(
        "What sovereigns did, and what it implies",
        summary=summary,
        se_method=f.estimate.se_method,
        revealed=f.revealed.to_dict(),
        observed_profile=f.observed_check.to_dict(),
        ferranti=f.ferranti.to_dict(),
        c14=f.answers.to_dict()["c14"],
        table=f.to_dict()["sovereigns"],
        coefficients=f.to_dict()["coefficients"],
        headline=h,
    )


def detail_section(ctx: Any) -> Any:
    """The ``sovereigns_detail`` section (the paper's): the estimate under alternative codings
    (:func:`robustness_checks`), the profile-likelihood sets (:func:`profiles`) and the
    parametric bootstrap (:func:`reserves.sovereign.estimation.bootstrap`,
    :data:`BOOTSTRAP_REPS` replications), for the same estimate as ``sovereigns``. About 25 s
    the first time; stored on disk like ``sovereigns``."""
    from reserves.section_cache import cached_section

    ev, seed, key = _section_inputs(ctx)
    key = {**key, "bootstrap_reps": BOOTSTRAP_REPS, "profile_grids": PROFILE_GRIDS}

    def compute() -> Any:
        from reserves.assessment import SectionBuilder

        f = sovereign_findings(ctx.cfg, ev, draws=ANSWER_DRAWS, seed=seed)
        b = SectionBuilder(
            ctx,
            "sovereigns_detail",
            evidence="configs/evidence/2024-2025.yaml",
            evidence_hash=f.evidence_hash,
        )
        b.add("bootstrap_reps", "Bootstrap replications", BOOTSTRAP_REPS, "count", seed=seed)
        return b.section(
            "What sovereigns did: robustness, profiles and bootstrap",
            robustness=robustness_checks(ctx.cfg, ev),
            profiles=profiles(ctx.cfg, ev),
            bootstrap=bootstrap(f.estimate, reps=BOOTSTRAP_REPS, seed=seed),
        )

    return cached_section("sovereigns_detail", key, compute, estimate_s=DETAIL_S)


_HASH_CACHE: dict[tuple, SovereignFindings] = {}


def _by_hash(
    ch: str, eh: str, draws: int, seed: int, cfg: ReservesConfig, ev: Evidence
) -> SovereignFindings:
    key = (ch, eh, draws, seed)
    if key not in _HASH_CACHE:
        if len(_HASH_CACHE) > 8:
            _HASH_CACHE.clear()
        _HASH_CACHE[key] = _compute(cfg, ev, draws=draws, seed=seed)
    return _HASH_CACHE[key]


__all__ = [
    "ANSWER_DRAWS",
    "SovereignFindings",
    "assessment_section",
    "detail_section",
    "evidence_hash",
    "findings_from_estimate",
    "profiles",
    "robustness_checks",
    "sovereign_findings",
]
