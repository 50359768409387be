"""``reserves sweep SWEEP.yaml``: parameter sweeps and tornado, local or on Dask."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``sweep`` sub-command."""
    p = subparsers.add_parser(
        "sweep",
        help="parameter sweep or tornado over the scenario simulation (local or Dask)",
        description="Run a sweep file (configs/sweeps/*.yaml); mode tornado ranks the inputs.",
    )
    p.add_argument("sweep", help="sweep YAML (e.g. configs/sweeps/example.yaml)")
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786); default: run locally",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reserves.scenarios.sensitivity import tornado
    from reserves.scenarios.sweep import load_sweep, run_sweep

    spec = load_sweep(args.sweep)
    progress = not (args.no_progress or args.json)
    if spec.mode == "tornado":
        res = tornado(spec, scheduler=args.scheduler, progress=progress)
        if args.json:
            print(json.dumps(res.to_dict(), indent=2, default=float))
            return 0
        print(
            f"tornado of {res.metric} (base {res.base_value:,.4g}), "
            f"backend {res.meta['backend']}, seed {res.meta['seed']}"
        )
        for r in res.rows:
            print(
                f"  {r['label']:<44} {r['low']:>10.4g} -> {r['delta_low']:+12.4g}   "
                f"{r['high']:>10.4g} -> {r['delta_high']:+12.4g}   swing {r['swing']:.4g}"
            )
        return 0
    sres = run_sweep(spec, scheduler=args.scheduler, progress=progress)
    if args.json:
        print(json.dumps(sres.to_dict(), indent=2, default=float))
    else:
        print(sres.to_frame().to_string(index=False))
    return 0
