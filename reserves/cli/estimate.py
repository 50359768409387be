"""``reserves estimate CONFIG --evidence FILE``: the sovereign game estimated from what
sovereigns did in 2024-2025 (see :mod:`reserves.sovereign.findings`).

Examples::

    reserves estimate configs/baseline.yaml
    reserves estimate configs/baseline.yaml --evidence configs/evidence/2024-2025.yaml --json
    reserves estimate configs/baseline.yaml --predict roster.yaml --json

``--json`` prints ``"sovereigns"`` (per sovereign ``name``, ``observed_action``,
``theta_interval`` ([lo, hi] or null when no theta within the bounds rationalises the
action), ``predicted`` (action -> probability), ``loo_predicted_action`` and more),
``"loo_hit_rate"``, ``"baseline_hit_rate"``, ``"coefficients"`` and the identification
sections. ``--predict ROSTER.yaml`` adds ``"predictions"`` for sovereigns not in the evidence
(schema: :mod:`reserves.sovereign.evidence`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``estimate`` sub-command."""
    p = subparsers.add_parser(
        "estimate",
        help="estimate sovereign behaviour from observed 2024-2025 actions (logit QRE, LOO)",
        description=(
            "Estimate the sovereign game's behavioural parameters from observed actions "
            "(nested pseudo-likelihood logit QRE), with leave-one-sovereign-out predictions, "
            "revealed-preference sets, C14 over the confidence region and the demand band."
        ),
    )
    p.add_argument("config", metavar="CONFIG", help="config YAML (the roster)")
    p.add_argument(
        "--evidence",
        default=None,
        metavar="FILE",
        help="evidence YAML (default: configs/evidence/2024-2025.yaml)",
    )
    p.add_argument(
        "--predict", default=None, metavar="ROSTER", help="roster YAML of sovereigns to predict"
    )
    p.add_argument(
        "--draws", type=int, default=100, help="parameter draws for C14 and the band (100)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the parameter draws")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Estimate and print; library errors propagate as ReservesError (exit code 2)."""
    from reserves.errors import ConfigError
    from reserves.sovereign.estimation import predict
    from reserves.sovereign.evidence import DEFAULT_EVIDENCE, load_roster
    from reserves.sovereign.findings import sovereign_findings

    if not 1 <= args.draws <= 10_000:
        raise ConfigError(f"--draws {args.draws} outside 1..10,000", fix="use e.g. --draws 100")
    if args.seed < 0:
        raise ConfigError(f"--seed {args.seed} must be >= 0", fix="use e.g. --seed 0")
    ev = args.evidence or str(DEFAULT_EVIDENCE)
    roster = load_roster(args.predict) if args.predict else None
    f = sovereign_findings(args.config, ev, draws=args.draws, seed=args.seed)
    pred = predict(f.estimate, roster) if roster is not None else None
    if args.json:
        payload = f.to_dict()
        if "config_hash" not in payload:
            from reserves.cli import files_hash

            payload["config_hash"] = files_hash([args.config, ev])
        if pred is not None:
            payload["predictions"] = pred.to_dict()["sovereigns"]
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f.table())
    if pred is not None:
        print("\nPredictions (not in the evidence):")
        for s in pred.to_dict()["sovereigns"]:
            probs = ", ".join(f"{k} {100 * v:.0f}%" for k, v in s["predicted"].items())
            print(f"  {s['name']:<24} {probs}")
    return 0
