"""Benchmark of the market kernel: 100,000 shock sizes against a 10,000-bucket ladder.

Prints timings (no assertions). Target from issue 5: under 2 s for the shared-ladder case.
Also times the per-path kernel (one open-interest and impact scale per path, as the scenario
layer uses) and one cascade with its rounds.

    python benchmarks/bench_market.py
"""

from __future__ import annotations

import time

import numpy as np

from reserves.config import load_config
from reserves.market import MarketModel, apply_parameters, market_section


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    cfg = load_config("configs/events/2025-11-21.yaml")
    section = market_section(cfg)
    data = section.model_dump()
    data["ladder"]["buckets"] = 10_000
    section = apply_parameters(type(section).model_validate(data), {})
    rng = np.random.default_rng(0)
    shocks = rng.lognormal(np.log(5e8), 1.5, 100_000)

    t_build = best_of(lambda: MarketModel.from_section(section, 91_770, 0.6).drop_grid())
    model = MarketModel.from_section(section, 91_770, 0.6)
    grid = model.drop_grid()
    t_shared = best_of(lambda: model.troughs(shocks))
    n_paths = 10_000
    oi = rng.uniform(0.5, 1.5, n_paths)
    imp = rng.uniform(0.8, 1.2, n_paths)
    t_path = best_of(lambda: model.troughs(shocks[:n_paths], oi_scale=oi, impact_scale=imp), 1)
    t_one = best_of(lambda: model.cascade(2e8))

    print(f"ladder: 10,000 buckets; drop grid: {grid.size:,} points")
    print(f"build ladder + grid                         {t_build * 1e3:8.1f} ms")
    print(
        f"100,000 shocks, shared ladder (target < 2 s) {t_shared * 1e3:8.1f} ms "
        f"({t_shared / 2.0:.1%} of budget)"
    )
    print(
        f"10,000 paths, per-path OI and impact scales  {t_path * 1e3:8.1f} ms "
        f"(one simulated day of the scenario layer)"
    )
    print(f"one cascade with its rounds                 {t_one * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
