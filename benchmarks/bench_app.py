"""Rerun time of every app page after a widget change, on the baseline, warm.

Each page is opened with ``streamlit.testing.v1.AppTest``; its key widget is toggled between
two values a few times first (so every cached library call for both values is warm), then
each rerun after a change is timed. The budget is 300 ms per rerun; the script prints the
median and the worst of the timed reruns per page, their ratio to the budget, and exits with
status 1 if a median is over it.

    python benchmarks/bench_app.py            # 7 timed reruns per page
    python benchmarks/bench_app.py --repeat 15
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
    args = parser.parse_args(argv)

    sys.path.insert(0, str(APP))
    from streamlit.testing.v1 import AppTest

    from reserves.config import default_config_path, load_config

    _ALL_PLAYERS.extend(s.name for s in load_config(default_config_path()).sovereigns)
    print(f"app rerun after a widget change, baseline, warm; budget {BUDGET_S * 1e3:.0f} ms")
    print(f"{'page':<28}{'change':<46}{'median ms':>10}{'max ms':>9}{'/budget':>9}")
    over = []
    for page, (what, change) in _cases().items():
        at = AppTest.from_file(str(APP / page.split("#")[0]), default_timeout=300)
        at.run()
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
        print(f"{page:<28}{what:<46}{med * 1e3:>10.0f}{worst * 1e3:>9.0f}{med / BUDGET_S:>9.2f}")
    if over:
        print(f"over budget: {', '.join(over)}")
        return 1
    print("every page within budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
