"""Benchmark: the dynamic sovereign game inside the daily Monte Carlo; wall time and peak memory.

Cases (issue 14; each runs in its own process so its peak memory is its own):

- ``c17``: the 14-sovereign C17 roster (configs/scenarios/c17.yaml, orderly transition), 36
  monthly decision dates (1,095 days), 10,000 paths; target < 30 s.
- ``large``: 200 synthetic sovereigns (:func:`reserves.sovereign.aggregative.synthetic_roster`)
  with the C17 scenario dynamics, 36 monthly dates, 2,000 paths; target < 60 s.
- ``mpe``: the Markov perfect equilibrium of the C17 roster on its default grid (solve only).

Peak memory is the process's peak resident set size (``resource.getrusage``, Linux kB).
One-time set-up (imports, the demand schedule and bid table, the lambdified payoff) runs in a
small warm-up first and is timed separately. CPU time is printed next to wall time: on a shared
machine the wall time includes waiting for a core.

    python benchmarks/bench_scenarios.py [--case c17|large|mpe|all] [--paths N] [--days D]
"""

from __future__ import annotations

import argparse
import copy
import resource
import subprocess
import sys
import time

TARGETS = {"c17": 30.0, "large": 60.0, "mpe": 30.0}
DEFAULT_PATHS = {"c17": 10_000, "large": 2_000, "mpe": 0}


def _config(case: str):  # type: ignore[no-untyped-def]
    from reserves.config import config_from_dict, load_config
    from reserves.sovereign.aggregative import synthetic_roster

    c17 = load_config("configs/scenarios/c17.yaml")
    if case != "large":
        return c17
    d = synthetic_roster(200, seed=1)
    d["scenarios"] = copy.deepcopy(c17.to_dict()["scenarios"])
    return config_from_dict(d, where="synthetic-200")


def run_case(case: str, paths: int, days: int) -> None:
    from reserves.scenarios.simulate import scenarios_section, simulate_scenario

    cfg = _config(case)
    t0 = time.perf_counter()
    if case == "mpe":
        from reserves.sovereign.dynamic import decision_days
        from reserves.sovereign.dynamic_mpe import solve_mpe

        dyn = scenarios_section(cfg).dynamics("orderly_transition")
        dd = decision_days(days, dyn.adoption.period_days)
        sol = solve_mpe(cfg, dyn, dd, days)
        wall = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        g = sol.to_dict()["grid"]
        tol = sol.meta["tolerance_usd"]
        print(
            f"mpe   14 sovereigns, {dd.size} dates, grid {g}: {wall:.1f} s (target < 30 s: "
            f"{'ok' if wall < 30 else 'OVER'}), {sol.iterations} iterations, "
            f"converged {sol.converged}: largest one-shot deviation gain "
            f"${sol.max_deviation_gain_usd:,.0f} (tolerance ${tol:,.0f}), law residual "
            f"{sol.residual:.2%} of buying capacity, best response changed at "
            f"{sol.law_change_share:.3%} of entries, mixed at {sol.meta['mixed_share']:.3%}, "
            f"peak RSS {rss:.0f} MB"
        )
        return
    simulate_scenario(cfg, "orderly_transition", paths=20, horizon_days=35)  # warm-up
    setup = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    run = simulate_scenario(cfg, "orderly_transition", paths=paths, horizon_days=days)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ad = run.adoption
    n = len(ad.players)
    target = TARGETS[case]
    verdict = "ok" if wall < target else "OVER"
    print(
        f"{case:<5} {n} sovereigns x {ad.decision_days.size} dates x {paths:,} paths "
        f"({days} days): {wall:.1f} s wall, {cpu:.1f} s CPU (target < {target:.0f} s: "
        f"{verdict}), set-up {setup:.1f} s, "
        f"peak RSS {rss:.0f} MB, stage games {paths * ad.decision_days.size:,}, "
        f"unconverged {ad.unconverged_share:.2%}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", choices=("c17", "large", "mpe", "all"), default="all")
    ap.add_argument("--paths", type=int, default=None)
    ap.add_argument("--days", type=int, default=1095)
    args = ap.parse_args()
    if args.case != "all":
        run_case(args.case, args.paths or DEFAULT_PATHS[args.case], args.days)
        return
    for case in ("c17", "large", "mpe"):
        cmd = [sys.executable, __file__, "--case", case, "--days", str(args.days)]
        if args.paths:
            cmd += ["--paths", str(args.paths)]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
