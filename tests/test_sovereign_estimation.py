"""Structural estimation, revealed preference and the answers over the confidence region."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from reserves.config import load_config
from reserves.errors import ConfigError
from reserves.sovereign.estimation import (
    PARAMS,
    _nll_alpha,
    alpha_of,
    estimate,
    features,
    make_design,
    predict,
    stake_usd,
)
from reserves.sovereign.evidence import DEFAULT_EVIDENCE, evidence_from_dict, load_roster
from reserves.sovereign.model import SovereignGame

SMALL = ("United States", "Bhutan", "El Salvador", "Japan", "Czech National Bank", "China")


@pytest.fixture(scope="module")
def cfg():  # type: ignore[no-untyped-def]
    return load_config("configs/baseline.yaml")


@pytest.fixture(scope="module")
def small_evidence(cfg):  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEFAULT_EVIDENCE.read_text())
    data["sovereigns"] = [s for s in data["sovereigns"] if s["name"] in SMALL]
    return evidence_from_dict(data, roster=cfg)


@pytest.fixture(scope="module")
def est(cfg, small_evidence):  # type: ignore[no-untyped-def]
    return estimate(cfg, small_evidence)


def test_features_decompose_the_game_payoff_exactly(cfg, small_evidence) -> None:  # type: ignore[no-untyped-def]
    """z . alpha(params) * stake / lambda equals the SovereignGame payoff differences."""
    d = make_design(cfg, small_evidence)
    P = np.zeros((d.n, len(d.labels)))
    P[np.arange(d.n), d.observed] = 1.0
    z = features(d, P)
    params = {"value_usd": 120000.0, "gamma": 2.0, "theta": 0.01, "k_fixed": 0.001,
              "k_ban": 0.01, "b_sanctions": 0.05, "b_gold": 1.0}  # fmt: skip
    p = np.array([1.0, *(params[k] for k in PARAMS[1:])])
    v = (z @ alpha_of(p)) * stake_usd(d)[:, None]
    from reserves.sovereign.estimation import estimation_config

    g = SovereignGame(estimation_config(cfg, small_evidence, params=params))
    u = g.action_payoffs(d.observed)
    for i in range(d.n):
        av = np.flatnonzero(d.available[i])
        du = u[i, av] - u[i, av[0]]
        dv = v[i, av] - v[i, av[0]]
        assert dv == pytest.approx(du, rel=1e-7, abs=1e-6 * g.sovereigns[i].reserves_usd)


def test_likelihood_gradient_matches_finite_differences(cfg, small_evidence) -> None:  # type: ignore[no-untyped-def]
    d = make_design(cfg, small_evidence)
    P = d.available / d.available.sum(axis=1, keepdims=True)
    z = features(d, P)
    rows = np.arange(d.n)
    rng = np.random.default_rng(0)
    a = np.abs(rng.normal(size=z.shape[-1])) * 0.3
    _, g = _nll_alpha(d, z[rows], d.available[rows], d.observed[rows], a)
    for k in range(len(a)):
        h = 1e-6
        e = np.zeros_like(a)
        e[k] = h
        fp, _ = _nll_alpha(d, z[rows], d.available[rows], d.observed[rows], a + e)
        fm, _ = _nll_alpha(d, z[rows], d.available[rows], d.observed[rows], a - e)
        assert g[k] == pytest.approx((fp - fm) / (2 * h), rel=1e-4, abs=1e-6)


def test_estimate_reports_probabilities_loo_and_coefficients(est) -> None:  # type: ignore[no-untyped-def]
    d = est.to_dict()
    assert set(d["coefficients"]) == set(PARAMS)
    assert d["coefficients"]["gamma"]["fixed"] is True
    for s in d["sovereigns"]:
        assert sum(s["predicted"].values()) == pytest.approx(1.0)
        assert s["loo_predicted_action"] in ("accumulate", "hold", "sell")
    assert 0 <= est.loo_hit_rate <= 1 and 0 <= est.baseline_hit_rate <= 1
    # the fitted QRE is a fixed point of the logit response at the estimate
    assert est.converged
    # the seller is predicted to sell in sample (its risk charge: coins > its reserves)
    i = est.names.index("Bhutan")
    assert est.kind_probs()[i, 2] > 0.5


def test_revealed_sets_rationalise_the_observed_action(est) -> None:  # type: ignore[no-untyped-def]
    """Inside a sovereign's set (theta at the estimated kappa) its observed action is a best
    response in the game; rejected sovereigns have no such theta on a grid of the bounds."""
    from reserves.sovereign.revealed import THETA_BOUNDS, revealed_preference

    rp = revealed_preference(est)
    d = est.design
    for i, s in list(enumerate(rp.sovereigns))[:3]:
        cfg_i = est.config().to_dict()
        if s.theta_at_k_hat is not None:
            th = float(np.mean(s.theta_at_k_hat))
            cfg_i["sovereigns"][i]["strategic_weight"] = th
            from reserves.config import config_from_dict

            g = SovereignGame(config_from_dict(cfg_i))
            u = g.action_payoffs(d.observed)[i]
            assert u[d.observed[i]] >= u.max() - 1e-9 * g.sovereigns[i].reserves_usd
    assert rp.to_dict()["theta_bounds"] == list(THETA_BOUNDS)
    assert set(rp.rejected) <= set(est.names)


def test_answers_and_findings_are_json_ready(est) -> None:  # type: ignore[no-untyped-def]
    from reserves.sovereign.findings import findings_from_estimate

    f = findings_from_estimate(est, draws=3)
    d = json.loads(json.dumps(f.to_dict()))
    for key in ("sovereigns", "loo_hit_rate", "baseline_hit_rate", "coefficients"):
        assert key in d
    s0 = d["sovereigns"][0]
    for key in ("name", "observed_action", "theta_interval", "predicted", "loo_predicted_action"):
        assert key in s0
    assert d["uncertainty"]["c14"][s0["name"]]["verdict"] in ("everywhere", "somewhere", "nowhere")
    lo, hi = d["uncertainty"]["demand_band_usd"]
    assert lo <= hi
    assert "e+" not in f.table() and "%" in f.table()
    assert len(f.to_frame()) == len(SMALL)
    from reserves.charts.sovereigns import ferranti_chart, predicted_chart, theta_interval_chart

    for chart in (predicted_chart(f), theta_interval_chart(f), ferranti_chart(f.ferranti)):
        assert chart.to_dict()["$schema"]


def test_predict_new_sovereigns(est, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "r.yaml"
    p.write_text(
        "sovereigns:\n  - name: Brazil\n    reserves_usd: 3.4e11\n    cost_of_capital_pa: 0.13\n"
        "    observables: {sanctions_exposure: 0.25, gold_purchases_share: 0, ban: 0,"
        " imf_programme: 0}\n"
    )
    pr = predict(est, load_roster(p)).to_dict()["sovereigns"][0]
    assert pr["name"] == "Brazil" and sum(pr["predicted"].values()) == pytest.approx(1.0)
    assert pr["predicted"]["sell"] == 0.0  # holds no coins
    p.write_text(p.read_text().replace("Brazil", "Japan"))
    with pytest.raises(ConfigError, match="repeats sovereigns"):
        predict(est, load_roster(p))


def test_fixing_an_unknown_parameter_is_refused(cfg, small_evidence) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="unknown parameter"):
        estimate(cfg, small_evidence, fixed={"charisma": 1.0}, loo=False)


@pytest.mark.slow
def test_baseline_leave_one_out_beats_the_naive_baseline(cfg) -> None:  # type: ignore[no-untyped-def]
    from reserves.sovereign.evidence import load_evidence

    e = estimate(cfg, load_evidence(DEFAULT_EVIDENCE, cfg))
    assert e.loo_hit_rate > e.baseline_hit_rate


def test_cli_json_keys(tmp_path, capsys, small_evidence) -> None:  # type: ignore[no-untyped-def]
    from reserves.cli import main

    ev = tmp_path / "ev.yaml"
    data = small_evidence.model_dump(mode="json")
    keep = ("United States", "Bhutan", "Japan", "Czech National Bank")
    data["sovereigns"] = [s for s in data["sovereigns"] if s["name"] in keep]
    ev.write_text(yaml.safe_dump(data))
    rc = main(["estimate", "configs/baseline.yaml", "--evidence", str(ev), "--json",
               "--draws", "3"])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert {"sovereigns", "loo_hit_rate", "baseline_hit_rate", "coefficients"} <= set(d)
    assert main(["estimate", "configs/baseline.yaml", "--draws", "0"]) == 2


def test_profile_interval_contains_the_estimate(cfg, small_evidence, est) -> None:  # type: ignore[no-untyped-def]
    from reserves.sovereign.estimation import profile_interval

    v = est.params["value_usd"]
    prof = profile_interval(cfg, small_evidence, "value_usd", [0.8 * v, v, 1.25 * v])
    assert len(prof["loglik"]) == 3
    assert prof["loglik"][1] >= max(prof["loglik"]) - 1e-6 * (1 + abs(prof["loglik"][1]))
    assert prof["lr95"] is not None and prof["lr95"][0] <= v <= prof["lr95"][1]
    with pytest.raises(ConfigError, match="unknown parameter"):
        profile_interval(cfg, small_evidence, "mood", [1.0])


def test_estimator_recovers_the_value_belief_on_simulated_choices() -> None:
    """Simulate logit-QRE choices of 100 small synthetic sovereigns (reserves $1-30bn, so
    their flows barely move the price) at known parameters and re-estimate: the value belief
    is recovered within 5% and the fixed cost's order of magnitude (a consistency check)."""
    from reserves.config import config_from_dict
    from reserves.sovereign.aggregative import synthetic_roster
    from reserves.sovereign.estimation import choice_probs, estimation_config

    rng = np.random.default_rng(3)
    data = synthetic_roster(100, seed=3)
    for sv in data["sovereigns"]:
        sv["reserves_usd"] = float(10 ** rng.uniform(9, 10.5))
        sv["holdings_btc"] = min(sv["holdings_btc"], 2000.0)
    cfg = config_from_dict(data)
    obs = [{"sanctions_exposure": float(rng.choice([0, 0.25, 0.5])),
            "gold_purchases_share": float(rng.uniform(0, 0.03)), "ban": 0.0,
            "imf_programme": 0.0} for _ in data["sovereigns"]]  # fmt: skip
    ev0 = evidence_from_dict(
        {"sovereigns": [{"name": s["name"], "action": "hold", "observables": o}
                        for s, o in zip(data["sovereigns"], obs, strict=True)]},
        roster=cfg,
    )  # fmt: skip
    truth = {"value_usd": 110000.0, "gamma": 3.0, "theta": 0.0, "k_fixed": 0.002,
             "k_ban": 0.0, "b_sanctions": 0.02, "b_gold": 0.5}  # fmt: skip
    d = make_design(cfg, ev0)
    p = np.array([50.0, *(truth[k] for k in PARAMS[1:])])
    P = d.available / d.available.sum(axis=1, keepdims=True)
    for _ in range(30):  # the logit QRE at the truth
        P = choice_probs(d, features(d, P), alpha_of(p))
    draws = [int(rng.choice(len(d.labels), p=P[i])) for i in range(d.n)]
    acts = [str(d.labels[k]) for k in draws]
    sov = []
    for s, o, a in zip(data["sovereigns"], obs, acts, strict=True):
        kind = a.split(" ")[0]
        share = float(a.split(" ")[1].rstrip("%")) / 100 if kind == "accumulate" else 0.0
        entry = {"name": s["name"], "action": kind, "observables": o}
        if kind == "accumulate":
            entry["amount_usd"] = share * s["reserves_usd"]
        sov.append(entry)
    ev = evidence_from_dict({"sovereigns": sov}, roster=cfg)
    assert estimation_config(cfg, ev).sovereigns
    e = estimate(cfg, ev, fixed={"gamma": 3.0}, loo=False)
    assert e.params["value_usd"] == pytest.approx(truth["value_usd"], rel=0.05)
    assert 0.2 * truth["k_fixed"] < e.params["k_fixed"] < 5 * truth["k_fixed"]


def test_bootstrap_replicates_the_estimator(est) -> None:  # type: ignore[no-untyped-def]
    from reserves.sovereign.estimation import bootstrap

    b = bootstrap(est, reps=3, seed=1)
    assert b["reps"] == 3
    assert "gamma" not in b["params"]  # fixed parameters are not bootstrapped
    v = b["params"]["value_usd"]
    assert v["p05"] <= v["p95"] and v["sd"] >= 0
    with pytest.raises(ConfigError, match="reps"):
        bootstrap(est, reps=0)
