"""Time the baseline policy briefing in every format (the issue's budget: under 15 s each).

Each format is timed cold in a fresh interpreter (``reserves brief configs/baseline.yaml -o
FILE``: imports, the whole model, rendering) and warm in this process (build once, then render
only). Prints seconds per format and the ratio to the 15 s budget.

    python benchmarks/bench_briefing.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "baseline.yaml"
BUDGET_S = 15.0
FORMATS = ("pdf", "html", "docx", "md")


def cold(fmt: str, out_dir: Path) -> float:
    """Wall time of ``reserves brief`` in a fresh Python process."""
    out = out_dir / f"briefing.{fmt}"
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "reserves.cli",
            "brief",
            str(CONFIG),
            "-o",
            str(out),
            "--date",
            "2026-01-15",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from reserves.briefing import build_briefing, render_briefing

    print(f"baseline briefing ({CONFIG.name}); budget {BUDGET_S:.0f} s per format")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            s = cold(fmt, Path(tmp))
            print(f"  cold {fmt:<5} {s:6.2f} s   {s / BUDGET_S:5.2f} of budget")
    t0 = time.perf_counter()
    b = build_briefing(CONFIG, date="2026-01-15")
    build_s = time.perf_counter() - t0
    print(f"  build (in process, first)  {build_s:6.2f} s")
    for fmt in FORMATS:
        t0 = time.perf_counter()
        data = render_briefing(b, fmt)
        s = time.perf_counter() - t0
        print(f"  render {fmt:<5} {s:6.3f} s   {len(data) / 1024:7.0f} KiB")


if __name__ == "__main__":
    main()
