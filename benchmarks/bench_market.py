"""Benchmark of the market layer (prints timings, no assertions).

* the kernel: 100,000 shock sizes against a 10,000-bucket ladder (target from issue 5: under
  2 s for the shared-ladder case), with the v0.1 section and with the panel parameters; the
  per-path kernel (one open-interest and impact scale per path, as the scenario layer uses);
  one cascade with its rounds;
* the crash panel (issue 12): the joint fit plus leave-one-out on the 8 events, as
  ``reserves calibrate configs/events/`` runs it (target under 60 s), and one backtest of an
  event, (i) and (ii) with the implied-shock range (target under 2 s). Wall and CPU time are
  both printed: the machine is shared, CPU time is what the code costs.

    python benchmarks/bench_market.py
"""

from __future__ import annotations

import time

import numpy as np

from reserves.config import load_config
from reserves.market import MarketModel, apply_parameters, market_section
from reserves.market.events import load_event, load_panel
from reserves.market.panel import load_params, predict_event


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def timed(fn) -> tuple[float, float, object]:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def panel() -> None:
    from reserves.cli.calibrate import panel_report

    events = load_panel("configs/events/")
    w, c, rep = timed(lambda: panel_report(["configs/events/"], starts=2))
    s = rep["summary"]  # type: ignore[index]
    print(
        f"panel fit + leave-one-out, 8 events (target < 60 s)  wall {w:6.1f} s, cpu {c:6.1f} s;"
        f" LOO median {s['median_liquidation_factor']:.2f}x,"
        f" worst {s['max_liquidation_factor']:.2f}x"
    )
    params = load_params()
    ev = load_event("configs/events/crash-2025-11-21.yaml")
    times = [timed(lambda: predict_event(ev, params))[:2] for _ in range(3)]
    w1, c1 = min(t[0] for t in times), min(t[1] for t in times)
    print(
        f"one backtest, (i)+(ii)+shock range (target < 2 s)  wall {w1 * 1e3:6.1f} ms,"
        f" cpu {c1 * 1e3:6.1f} ms"
    )
    cfg = load_config("configs/events/2025-11-21.yaml")
    data = cfg.market_model.model_dump()
    data["ladder"]["buckets"] = 10_000
    section = type(cfg.market_model).model_validate(data)
    model = MarketModel.from_section(section, 91_770, 0.6, supply_btc=cfg.market.supply_btc)
    model.drop_grid()
    shocks = np.random.default_rng(0).lognormal(np.log(5e8), 1.5, 100_000)
    t = best_of(lambda: model.troughs(shocks))
    print(f"100,000 shocks, panel parameters (target < 2 s)     {t * 1e3:8.1f} ms")
    del events


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
    panel()


if __name__ == "__main__":
    main()
