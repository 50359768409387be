"""``reserves calibrate``: fit the structural crash model on the event panel (issue 12).

``reserves calibrate configs/events/ [--out FILE] [--json] [--ablations]`` reads every crash
event file of the directory (or the event files given), fits the structural parameters jointly
(the shock of each event is its only unknown), runs leave-one-out cross-validation (each event
predicted by the parameters fitted on the others) and writes the parameters to ``--out`` (default
``configs/market/panel_params.yaml``, atomically), the file ``reserves backtest``, ``reserves
floor`` and the scenario layer load. ``--json`` prints ``params``, ``standard_errors``,
``priors``, ``in_sample`` and ``events`` (one per event: ``name``, ``loo_liquidations_ratio``,
``loo_long_share_error``, ``loo_trough_error``, ...) and ``summary``; with ``--ablations``
also ``ablations`` (leave-one-out with each structural link removed,
:func:`reserves.market.panel.ablation_table`), stored in the parameter file too.

Each crash enters the panel once: a directory's files whose top level is a model config
(``market_model``, ``extends`` or ``market``, such as ``configs/events/2025-11-21.yaml``, the
version 0.1 single-event calibration config of the 21 Nov 2025 crash) are skipped by
:func:`reserves.market.events.load_panel`, so ``crash-2025-11-21.yaml`` is that crash's only
panel entry; duplicate event names are an error.

``reserves calibrate CONFIG.yaml`` (a model config with ``market_model.calibration``) keeps the
single-event least-squares fit of version 0.1.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from reserves.units import jsonable, pct, plain, ratio, usd_price, usd_short


def calibration_report(
    cfg: Any, readings: list[str] | None = None, impact_kind: str | None = None, starts: int = 4
) -> list[dict[str, Any]]:
    """One :meth:`CalibrationResult.to_dict` per reading (single-event fit of a config)."""
    from reserves.market import calibrate, market_section

    section = market_section(cfg)
    names = readings or [
        r.name for r in (section.calibration.readings if section.calibration else [])
    ]
    if not names:
        names = [None]  # calibrate raises the clear error
    return [calibrate(cfg, n, impact_kind=impact_kind, starts=starts).to_dict() for n in names]


def format_table(results: list[dict[str, Any]]) -> str:
    """Human-readable single-event fits."""
    lines = []
    for r in results:
        lines.append(
            f"reading {r['reading']} (impact: {r['impact_kind']}, shock "
            f"{usd_short(r['shock_usd'])}): {r['message']}"
        )
        for k, v in r["params"].items():
            lo, hi = r["bounds"][k]
            flag = "  <- at bound" if k in r["at_bound"] else ""
            lines.append(
                f"  {k:<22}{plain(v, 5):>14}   plausible [{plain(lo, 3)}, {plain(hi, 3)}]{flag}"
            )
        lines.append(f"  {'target':<22}{'wanted':>14}{'fitted':>14}{'residual':>10}")
        for key, res_key in (
            ("trough_usd", "trough"),
            ("liquidations_usd", "liquidations"),
            ("long_share", "long_share"),
            ("fragility_ratio", None),
        ):
            resid = f"{r['residuals'][res_key]:>10.3f}" if res_key else f"{'':>10}"
            want, fit = plain(r["targets"][key], 5), plain(r["fitted"][key], 5)
            lines.append(f"  {key:<22}{want:>14}{fit:>14}{resid}")
        lines.append("")
    return "\n".join(lines).rstrip()


def panel_report(
    paths: list[str],
    *,
    impact_kind: str | None = None,
    starts: int = 2,
    loo: bool = True,
    ablations: bool = False,
) -> dict[str, Any]:
    """Fit the panel and (optionally) run leave-one-out and the ablations; a JSON-ready dict."""
    from reserves.market.events import load_panel
    from reserves.market.panel import ablation_table, choose_impact, fit_panel, leave_one_out

    events = load_panel(paths)
    fit = fit_panel(events, impact_kind=impact_kind or "linear", starts=starts)
    choice = choose_impact(events, fit.params)
    if impact_kind is None:  # let the panel decide
        impact_kind = choice["chosen"]
        fit = dataclasses.replace(
            fit, params=dataclasses.replace(fit.params, impact_kind=impact_kind)
        )
    out: dict[str, Any] = {
        "impact_kind": impact_kind,
        "fitted_events": list(fit.events),
        "params": fit.params.values(),
        "standard_errors": fit.params.standard_errors,
        "fitted": list(fit.params.to_dict()["fitted"]),
        "priors": fit.params.to_dict()["priors"],
        "n_observations": fit.n_observations,
        "n_parameters": fit.n_parameters,
        "cost": fit.cost,
        "fit_seconds": fit.seconds,
        "in_sample": [p.to_dict() for p in fit.in_sample],
        "impact_choice": choice,
    }
    table = None
    if loo:
        # each fold starts from the full-panel fit (warm start) plus random starts
        table = leave_one_out(
            events, impact_kind=impact_kind, base=fit.params, starts=max(1, starts - 1)
        )
        out["events"] = [r.to_dict() for r in table.rows]
        out["summary"] = table.summary()
        out["loo_seconds"] = table.seconds
        if ablations:
            out["ablations"] = ablation_table(
                events, impact_kind=impact_kind, base=fit.params, reference=table
            )
    else:
        out["events"] = [p.to_dict() for p in fit.in_sample]
    out["_params_object"] = fit.params
    out["_loo_object"] = table
    return out


def format_panel(rep: dict[str, Any]) -> str:
    """The structural parameters and the leave-one-out table, for people."""
    lines = [
        f"panel fit ({rep['impact_kind']} impact): {rep['n_parameters']} structural "
        f"parameters on {rep['n_observations']} observations",
        f"  {'parameter':<26}{'estimate':>12}{'s.e.':>10}   prior",
    ]
    priors = rep["priors"]
    for name in rep["fitted"]:
        v = rep["params"][name]
        se = rep["standard_errors"].get(name)
        pr = priors[name]
        lines.append(
            f"  {name:<26}{v:>12.4g}{(se if se is not None else float('nan')):>10.3g}   "
            f"{pr['center']:g} (sd {pr['sd']:g} on {pr['scale']})"
        )
    lines.append(
        "  held at priors: "
        + ", ".join(f"{n} {rep['params'][n]:g}" for n in rep["params"] if n not in rep["fitted"])
    )
    title = "leave-one-out" if "summary" in rep else "in sample"
    lines.append("")
    lines.append(
        f"{title}: {'event':<18}{'liq pred/obs':>13}{'long share':>16}{'trough (ii)':>22}"
        f"{'implied shock':>15}{'fragility':>16}"
    )
    for r in rep["events"]:
        lo, hi = r["fragility_range"]
        lines.append(
            f"{'':<15}{r['name']:<18}{ratio(r['loo_liquidations_ratio'], 2):>13}"
            f"{pct(r['predicted_long_share']):>8} vs {pct(r['long_share']):>4}"
            f"{usd_price(r['predicted_trough_usd']):>11} ({r['loo_trough_error']:+.1%})"
            f"{usd_short(r['implied_shock_usd']):>15}"
            f"{ratio(lo, 2):>8}-{ratio(hi, 2)}"
        )
    if "summary" in rep:
        s = rep["summary"]
        lines.append("")
        lines.append(
            f"liquidations: worst {ratio(s['max_liquidation_factor'], 2)} (target 2x), median "
            f"{ratio(s['median_liquidation_factor'], 2)} (target 1.5x); troughs within 5%: "
            f"{s['troughs_within_5pct']}/{s['events']}; long shares within 10 points: "
            f"{s['long_shares_within_10pts']}/{s['events']}"
        )
        if s["missed"]:
            lines.append("events missing a target: " + ", ".join(s["missed"]))
    for name, ab in (rep.get("ablations") or {}).items():
        a = ab["summary"]
        lines.append(
            f"  {name:<26} ({ab['n_parameters']} params): liquidations worst "
            f"{ratio(a['max_liquidation_factor'], 2)}, median "
            f"{ratio(a['median_liquidation_factor'], 2)}; troughs within 5% "
            f"{a['troughs_within_5pct']}/{a['events']}; long shares within 10 points "
            f"{a['long_shares_within_10pts']}/{a['events']}"
        )
    return "\n".join(lines)


def _is_panel(paths: list[str]) -> bool:
    if len(paths) != 1:
        return True
    p = Path(paths[0])
    if p.is_dir():
        return True
    from reserves.safe import load_yaml_mapping

    data = load_yaml_mapping(p, where=str(p))
    return not any(k in data for k in ("market_model", "extends", "market"))


def run(args: argparse.Namespace) -> int:
    from reserves.safe import parse_count

    starts = parse_count(str(args.starts), "--starts", max_value=50, where="calibrate")
    if _is_panel(args.config):
        from reserves.market.panel import DEFAULT_PARAMS_PATH, save_params

        rep = panel_report(
            args.config,
            impact_kind=args.impact,
            starts=starts,
            loo=not args.no_loo,
            ablations=bool(args.ablations) and not args.no_loo,
        )
        params = rep.pop("_params_object")
        table = rep.pop("_loo_object")
        out = Path(args.out) if args.out else DEFAULT_PARAMS_PATH
        header = (
            "# Structural crash-model parameters fitted on the event panel by `reserves calibrate "
            + " ".join(args.config)
            + (" --ablations" if rep.get("ablations") else "")
            + "`.\n# Regenerate with that command; loaded by `reserves floor/backtest`, the "
            "scenario layer and market_model.panel_params.\n"
        )
        save_params(params, out, header=header, loo=table, ablations=rep.get("ablations"))
        rep["params_file"] = str(out)
        if args.json:
            from reserves.cli import files_hash

            files: list[Path] = []
            for item in args.config:  # a directory hashes as its YAML files, sorted
                q = Path(item)
                files.extend(
                    sorted(q.glob("*.yaml")) + sorted(q.glob("*.yml")) if q.is_dir() else [q]
                )
            rep.setdefault("config_hash", files_hash(files))
            print(json.dumps(jsonable(rep), indent=2))
        else:
            print(format_panel(rep))
            print(f"\nparameters written to {out}")
        return 0
    from reserves.config import load_config

    cfg = load_config(args.config[0])
    results = calibration_report(cfg, args.reading, args.impact, starts)
    if args.json:
        for r in results:
            r.setdefault("config_hash", cfg.content_hash())
        print(json.dumps(results, indent=2))
    else:
        print(format_table(results))
        print(
            "\nIn-sample fit of one crash, exactly identified when the free parameters are as "
            "many as the targets: it reproduces the crash by construction and is not evidence. "
            "The out-of-sample test: `reserves calibrate configs/events/` (leave-one-out) and "
            f"`reserves assess {args.config[0]} --section calibration`."
        )
    return 0 if all(r["ok"] for r in results) or not args.strict else 1


def register(subparsers: Any) -> None:
    """Add ``reserves calibrate``."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit the structural crash model on the event panel (leave-one-out included)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "config",
        nargs="+",
        help="configs/events/ (or event files) for the panel; or one model config (v0.1 fit)",
    )
    p.add_argument("--out", default=None, help="where to write the panel parameters (YAML)")
    p.add_argument("--no-loo", action="store_true", help="skip leave-one-out (faster)")
    p.add_argument(
        "--ablations",
        action="store_true",
        help="also run leave-one-out with each structural link removed (stored with the params)",
    )
    p.add_argument(
        "--reading",
        action="append",
        default=None,
        help="single-config mode: reading to fit (repeatable; default: every reading)",
    )
    p.add_argument(
        "--impact",
        choices=["sqrt", "linear"],
        default=None,
        help="impact law (panel: chosen by the implied shocks against measured flows)",
    )
    p.add_argument("--starts", default="2", help="number of optimizer starts (1-50)")
    p.add_argument(
        "--strict",
        action="store_true",
        help="single-config mode: exit 1 unless every fit is within tolerance",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)
