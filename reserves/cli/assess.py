"""``reserves assess CONFIG``: every headline number of a config, with the inputs behind it.

The numbers are those of :func:`reserves.assessment.assess`, the object the app, the briefing
and the paper render, so the same config, seed and paths give the same digits everywhere.
``--json`` prints :meth:`Assessment.to_dict` (raw numbers under ``figures``, the text people
read under ``text``, the inputs under ``footnotes``; ``config_hash`` at the top).
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``reserves assess``."""
    p = subparsers.add_parser(
        "assess",
        help="every headline number of a config (equilibrium, floor, scenarios, fit), with inputs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", help="YAML config (e.g. configs/baseline.yaml)")
    p.add_argument(
        "--section",
        action="append",
        default=None,
        help="section to compute (repeatable; default: every core section)",
    )
    p.add_argument("--all", action="store_true", help="every registered section, extras too")
    p.add_argument("--seed", type=int, default=None, help="scenario seed (default: config's)")
    p.add_argument("--paths", type=int, default=None, help="paths per scenario (default: config's)")
    p.add_argument(
        "--event",
        metavar="CONFIG",
        default=None,
        help="config whose market_model a config without one borrows "
        "(default configs/events/2025-11-21.yaml)",
    )
    p.add_argument(
        "--scenarios",
        metavar="CONFIG",
        default=None,
        help="config whose scenarios a config without them simulates "
        "(default configs/scenarios/c17.yaml)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def format_table(d: dict[str, Any]) -> str:
    """The assessment as text: one block per section, label, value, inputs."""
    lines = [f"config {d['config_name']} ({d['config_hash']})"]
    for sec in d["sections"].values():
        lines.append("")
        lines.append(sec["title"] if sec["available"] else f"{sec['name']}: {sec['note']}")
        for f in sec["figures"].values():
            lines.append(f"  {f['label']:<62}{f['text']:>18}")
        first = next(iter(sec["figures"]), None)
        if first is not None:
            key = sec["name"] + "." + first
            lines.append(f"  inputs: {d['footnotes'][key]}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from reserves.assessment import CORE_SECTIONS, assess, section_names
    from reserves.errors import ReservesError
    from reserves.scenarios.schema import MAX_PATHS

    # refuse bad overrides at the door, as `reserves simulate` does, instead of reporting the
    # scenarios section as unavailable
    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise ReservesError(f"--seed {args.seed} must be an integer >= 0", field="--seed")
    if args.paths is not None and not 1 <= args.paths <= MAX_PATHS:
        raise ReservesError(
            f"--paths {args.paths:,} is outside 1..{MAX_PATHS:,}",
            field="--paths",
            fix="2,000 paths give C16 probabilities to about +/-1%",
        )
    a = assess(
        args.config, seed=args.seed, paths=args.paths, event=args.event, scenarios=args.scenarios
    )
    names = args.section or (section_names() if args.all else list(CORE_SECTIONS))
    d = a.to_dict(names)
    if args.json:
        print(json.dumps(d, indent=2))
    else:
        print(format_table(d))
    return 0
