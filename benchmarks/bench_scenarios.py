"""Benchmark: 10,000 paths x 1,095 days of one scenario; prints wall time and peak memory.

Peak memory is the process's peak resident set size (``resource.getrusage``, Linux kB) and,
separately, the peak of Python allocations during the run (``tracemalloc``, a second run).
Target (issue 6): under 10 s and under 2 GB on a 2-core machine.

Sovereign bids: as configured (C17: ``kind: schedule``), or forced with ``--bids schedule|wall``.
With the schedule, the demand schedule and its bid table are built once per config and cached
(the game solved at 50 prices); that one-time cost is timed separately ("schedule setup",
cold caches) and the timed run starts with warm caches, as every later scenario of a run does.

    python benchmarks/bench_scenarios.py [--paths 10000] [--days 1095] [--config PATH]
        [--bids config|schedule|wall]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=1095)
    ap.add_argument("--config", default="configs/scenarios/c17.yaml")
    ap.add_argument("--scenario", default=None)
    ap.add_argument("--bids", choices=("config", "schedule", "wall"), default="config")
    args = ap.parse_args()

    from reserves.config import load_config
    from reserves.demand import clear_demand_cache
    from reserves.scenarios.simulate import clear_scenario_caches, simulate_scenario

    cfg = load_config(args.config)
    if args.bids != "config":
        cfg = cfg.with_updates({"scenarios": {"base": {"sovereign_bids": {"kind": args.bids}}}})
    simulate_scenario(cfg, args.scenario, paths=50, horizon_days=20)  # warm imports
    clear_scenario_caches()
    clear_demand_cache()
    t0 = time.perf_counter()
    first = simulate_scenario(cfg, args.scenario, paths=1, horizon_days=2)  # cold caches
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    run = simulate_scenario(cfg, args.scenario, paths=args.paths, horizon_days=args.days)
    wall = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    simulate_scenario(cfg, args.scenario, paths=args.paths, horizon_days=args.days)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"scenario {run.name}: {args.paths} paths x {args.days} days")
    print(f"bids        {first.meta['sovereign_bids']['kind']}")
    print(f"setup       {setup:.2f} s  (cold: demand schedule and bid table, once per config)")
    print(f"time        {wall:.2f} s  (target < 10 s)")
    print(f"peak RSS    {rss_mb:.0f} MB  (target < 2048 MB)")
    print(f"peak alloc  {peak / 2**20:.1f} MB  (tracemalloc, numpy arrays included)")


if __name__ == "__main__":
    main()
