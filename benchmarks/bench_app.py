"""Rerun time of every app page after a widget change, on the baseline, warm.

Each page is opened with ``streamlit.testing.v1.AppTest``; its key widget is toggled between
two values a few times first (so every cached library call for both values is warm), then
each rerun after a change is timed. The budget is 300 ms per rerun; the script prints the
median and the worst of the timed reruns per page, their ratio to the budget, and exits with
status 1 if a median is over it.

The first run of each page (its caches cold, the process warm) is printed beside it, and
the Scenarios page's tornado button is timed on its own (budget 3 s): the page is run, then
the button pressed with Streamlit's cache cleared each time, so the 15 sweep points run again
on warm library caches (what a user meets on the first press in a running app). Measured on
the 2-core machine: 0.87 s at 20 paths and 1.25 s at 50 (batched points); before the batching
the same button took 5-11 s.

    python benchmarks/bench_app.py            # 7 timed reruns per page
    python benchmarks/bench_app.py --repeat 15
    python benchmarks/bench_app.py --only tornado
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
BUDGET_S = 0.300
TORNADO_BUDGET_S = 3.0


def _widget(seq, prefix: str):
    return next(w for w in seq if w.key and w.key.startswith(prefix))


#: page -> (what changes, function(at, k) that sets the k-th value and reruns)
def _cases() -> dict[str, tuple[str, Callable]]:
    def home(at, k):
        at.sidebar.button(key="reset_config").click().run()

    def game(at, k):
        _widget(at.multiselect, "players_").set_value(
            ["United States", "China", "Japan"] if k % 2 else list(_ALL_PLAYERS)
        ).run()

    def game_pair(at, k):
        at.selectbox(key="pair_b").set_value("United Kingdom" if k % 2 else "China").run()

    def analysis(at, k):
        at.selectbox(key="threshold_param").set_value("kappa" if k % 2 else "theta").run()

    def floor(at, k):
        at.slider(key="shock_bn").set_value(5.0 if k % 2 else 0.9).run()

    def scenarios(at, k):
        _widget(at.number_input, "weight_").set_value(0.2 if k % 2 else 0.72).run()

    def briefing(at, k):
        at.number_input(key="brief_seed").set_value(k % 2).run()
        at.button(key="build_briefing").click().run()

    return {
        "Home.py": ("reset the config", home),
        "pages/1_Game.py": ("who plays: 3 sovereigns <-> all 14", game),
        "pages/1_Game.py#pair": ("column player of the payoff matrix", game_pair),
        "pages/2_Analysis.py": ("threshold parameter theta <-> kappa", analysis),
        "pages/3_Price_floor.py": ("shock $0.9bn <-> $5bn", floor),
        "pages/4_Scenarios.py": ("first scenario weight", scenarios),
        "pages/5_Briefing.py": ("seed 0 <-> 1, then Build (cached)", briefing),
    }


_ALL_PLAYERS: list[str] = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed reruns per page")
    parser.add_argument("--warmup", type=int, default=4, help="untimed reruns per page")
    parser.add_argument(
        "--only", choices=["pages", "tornado"], default=None, help="run one part only"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(APP))
    from streamlit.testing.v1 import AppTest

    from reserves.config import default_config_path, load_config

    _ALL_PLAYERS.extend(s.name for s in load_config(default_config_path()).sovereigns)
    over = []
    if args.only != "tornado":
        over += _pages(AppTest, args)
    if args.only != "pages":
        over += _tornado(AppTest, args)
    if over:
        print(f"over budget: {', '.join(over)}")
        return 1
    print("every page within budget")
    return 0


def _tornado(AppTest, args) -> list[str]:
    """Time the tornado button on warm library caches (Streamlit's cache cleared per press)."""
    import streamlit as st

    print(f"\ntornado button, Scenarios page, warm library; budget {TORNADO_BUDGET_S:.0f} s")
    print(f"{'paths per run':<16}{'median s':>10}{'max s':>8}{'/budget':>9}")
    at = AppTest.from_file(str(APP / "pages/4_Scenarios.py"), default_timeout=600)
    at.run()
    at.button(key="run_tornado").click().run()  # warm the library caches once
    over = []
    for paths in (20, 50):
        times = []
        for _ in range(max(1, args.repeat // 2)):
            st.cache_data.clear()
            at = AppTest.from_file(str(APP / "pages/4_Scenarios.py"), default_timeout=600)
            at.run()
            at.select_slider(key="tornado_paths").set_value(paths).run()
            t0 = time.perf_counter()
            at.button(key="run_tornado").click().run()
            times.append(time.perf_counter() - t0)
            if at.exception:
                raise SystemExit(f"tornado: {at.exception[0].value}")
        med = statistics.median(times)
        if med > TORNADO_BUDGET_S:
            over.append(f"tornado ({paths} paths)")
        print(f"{paths:<16}{med:>10.2f}{max(times):>8.2f}{med / TORNADO_BUDGET_S:>9.2f}")
    return over


def _pages(AppTest, args) -> list[str]:
    """Time each page's first run and its reruns after a widget change."""
    print(f"app rerun after a widget change, baseline, warm; budget {BUDGET_S * 1e3:.0f} ms")
    print(f"{'page':<28}{'change':<46}{'first s':>8}{'median ms':>10}{'max ms':>9}{'/budget':>9}")
    over = []
    for page, (what, change) in _cases().items():
        at = AppTest.from_file(str(APP / page.split("#")[0]), default_timeout=300)
        t_first = time.perf_counter()
        at.run()
        t_first = time.perf_counter() - t_first
        if page.endswith("Briefing.py"):
            at.button(key="build_briefing").click().run()
        for k in range(args.warmup):
            change(at, k)
        times = []
        for k in range(args.repeat):
            t0 = time.perf_counter()
            change(at, k)
            times.append(time.perf_counter() - t0)
            if at.exception:
                raise SystemExit(f"{page}: {at.exception[0].value}")
        med, worst = statistics.median(times), max(times)
        if med > BUDGET_S:
            over.append(page)
        print(
            f"{page:<28}{what:<46}{t_first:>8.2f}{med * 1e3:>10.0f}{worst * 1e3:>9.0f}"
            f"{med / BUDGET_S:>9.2f}"
        )
    return over


if __name__ == "__main__":
    sys.exit(main())
