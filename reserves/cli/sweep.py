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


def check_scheduler(address: str) -> str:
    """A Dask scheduler address: ``[tcp|tls|ucx|ws|wss|inproc]://host[:port]`` or
    ``host:port``; refused in one line otherwise (before any client is made)."""
    import re
    from urllib.parse import urlsplit

    from reserves.errors import ReservesError

    text = address.strip()
    url = text if "://" in text else f"tcp://{text}"
    bad = ReservesError(
        f"{address[:60]!r} is not a scheduler address",
        field="--scheduler",
        fix="give e.g. tcp://10.0.0.5:8786 or localhost:8786",
    )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise bad from None
    host = parts.hostname or ""
    if (
        parts.scheme not in ("tcp", "tls", "ucx", "ws", "wss", "inproc")
        or not re.fullmatch(r"[A-Za-z0-9._:\-]+", host)
        or parts.path not in ("", "/")
        or (port is not None and not 0 < port < 65536)
    ):
        raise bad
    return text


def count_points(spec: Any) -> int:
    """Points of a sweep without building them (Python integers: never overflows)."""
    import math

    if spec.mode == "grid":
        return math.prod(len(p.values or []) for p in spec.parameters.values())
    return 1 + 2 * len(spec.parameters)


def check_request(spec: Any, sweep_path: str) -> None:
    """Refuse an empty sweep, or one over the work budget, before running any point."""
    from reserves import budget
    from reserves.config import load_config
    from reserves.errors import ReservesError

    n = count_points(spec)
    if n == 0:
        raise ReservesError(
            f"{sweep_path}: the sweep has no points (a parameter has an empty 'values' list)",
            field="parameters",
            fix="give every parameter at least one value",
        )
    cfg = load_config(spec.config_path())
    sec = getattr(cfg, "scenarios", None)
    days = spec.horizon_days or (sec.horizon_days if sec is not None else 1136)
    cases = len(sec.cases) if sec is not None and spec.scenario == "mixture" else 1
    one = budget.estimate_simulation(spec.paths, days, cases)
    budget.require(
        budget.Estimate(
            f"a sweep of {n:,} points x {one.what}",
            one.memory_bytes,
            one.seconds * n,
            "use fewer values or paths",
        )
    )


def run(args: argparse.Namespace) -> int:
    from reserves.safe import read_text_file
    from reserves.scenarios.sensitivity import tornado
    from reserves.scenarios.sweep import load_sweep, run_sweep

    if args.scheduler is not None:
        args.scheduler = check_scheduler(args.scheduler)
    read_text_file(args.sweep, what="sweep file")  # regular file, size, UTF-8: one-line errors
    spec = load_sweep(args.sweep)
    check_request(spec, args.sweep)
    progress = not (args.no_progress or args.json)
    if spec.mode == "tornado":
        res = tornado(spec, scheduler=args.scheduler, progress=progress)
        if args.json:
            payload = res.to_dict()
            payload.setdefault("config_hash", res.meta.get("config_hash"))
            print(json.dumps(payload, indent=2, default=float))
            return 0
        from reserves.scenarios.sensitivity import value_text as vt

        met = res.metric
        print(
            f"tornado of {met} (base {vt(met, res.base_value)}), "
            f"backend {res.meta['backend']}, seed {res.meta['seed']}"
        )
        for r in res.rows:
            key = r["parameter"]
            print(
                f"  {r['label']:<44} {vt(key, r['low']):>10} -> "
                f"{vt(met, r['delta_low'], signed=True):>12}   {vt(key, r['high']):>10} -> "
                f"{vt(met, r['delta_high'], signed=True):>12}   swing {vt(met, r['swing'])}"
            )
        return 0
    sres = run_sweep(spec, scheduler=args.scheduler, progress=progress)
    if args.json:
        payload = sres.to_dict()
        payload.setdefault("config_hash", sres.meta.get("config_hash"))
        print(json.dumps(payload, indent=2, default=float))
    else:
        from reserves.units import plain

        print(sres.to_frame().to_string(index=False, float_format=plain))
    return 0
