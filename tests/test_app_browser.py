"""The app in a real browser: ``reserves app`` served, every page opened in Debian's Chromium.

Playwright's Python API drives ``/usr/bin/chromium`` (no browser download). Locally the test
skips with the reason when Chromium or Playwright is missing; under ``CI=true`` it fails
instead, because ``.ci/run`` installs Chromium. One screenshot per page is kept in
``artifacts/screenshots/`` (git-ignored).

Layout is checked on the rendered SVG of every chart (Vega draws SVG in Streamlit): a chart
title, subtitle, axis title or legend title whose bounding box leaves its chart, or that Vega
shortened with an ellipsis, fails the test, as does a chart or a plot area (a view of a
concatenated chart) narrower than :data:`MIN_VIEW_PX`. Under ``CI=true`` (or with
``RESERVES_TEST_BRIEFING=1``) the briefing is built in the browser and every download of the
Briefing page is fetched and its file type checked.

``RESERVES_APP_COMMAND`` (for example ``/tmp/venv/bin/reserves``) serves the app from another
installation, to check a fresh ``pip install -e ".[app]"``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: (url path, screenshot name, text that must appear once the page has rendered) of the pages
#: whose text is more specific than their title
PAGES = [
    ("/", "home", "Sovereign bitcoin reserves"),
    ("/Game", "game", "Equilibria"),
]


def _pages() -> list[tuple[str, str, str]]:
    """Every page of ``app/pages`` (``3_Price_floor.py`` is ``/Price_floor``, titled "Price
    floor"), in menu order after :data:`PAGES`, so a new page is tested without an edit."""
    known = {p[0] for p in PAGES}
    out = list(PAGES)
    for f in sorted((ROOT / "app" / "pages").glob("[0-9]*_*.py")):
        stem = f.stem.split("_", 1)[1]
        if f"/{stem}" not in known:
            out.append((f"/{stem}", stem.lower(), stem.replace("_", " ")))
    return out


pytestmark = pytest.mark.browser

#: narrowest chart, and narrowest plot area inside a chart, that still reads
MIN_VIEW_PX = 200
#: pixels a text box may overhang its chart (font ascent and rotated-text rounding)
TOLERANCE_PX = 3

#: per chart: the svg box, every title-like text box relative to it, and the plot areas
_MEASURE_JS = """
() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map((c, i) => {
  const svg = c.querySelector('svg');
  if (!svg) return {i, svg: null};
  const sr = svg.getBoundingClientRect();
  const cr = c.getBoundingClientRect();
  const sel = '.role-title text, .role-axis-title text, .role-legend-title text';
  const texts = [...svg.querySelectorAll(sel)].filter(t => t.textContent).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left - Math.max(sr.left, cr.left),
            top: r.top - Math.max(sr.top, cr.top), right: Math.min(sr.right, cr.right) - r.right,
            bottom: Math.min(sr.bottom, cr.bottom) - r.bottom};
  });
  const views = [...svg.querySelectorAll('g.mark-group > g > path.background')]
    .filter(p => !p.closest('.role-legend') && !p.closest('.role-axis'))
    .map(p => {
      const r = p.getBoundingClientRect();
      return {width: r.width, height: r.height,
              cls: p.closest('g.mark-group').getAttribute('class')};
    })
    .filter(v => v.width > 0 && v.height > 0);
  const title = [...svg.querySelectorAll('.role-title-text text')].map(t => t.textContent);
  return {i, width: sr.width, height: sr.height, texts, views, title: title[0] || ''};
})
"""


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    try:
        import streamlit  # noqa: F401
    except ImportError:
        return "streamlit is not installed (pip install -e '.[app]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_command(port: int) -> list[str]:
    exe = os.environ.get("RESERVES_APP_COMMAND") or shutil.which("reserves")
    cli = [exe] if exe else [sys.executable, "-m", "reserves.cli"]
    return [*cli, "app", "--port", str(port), "--address", "127.0.0.1"]


def _wait_healthy(port: int, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    url = f"http://127.0.0.1:{port}/_stcore/health"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise AssertionError(f"`reserves app` exited with {proc.returncode}:\n{out[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the app did not answer {url} within {timeout_s} s")


@pytest.fixture(scope="module")
def server():
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser test must run under CI=true, but {reason}")
        pytest.skip(reason)
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        _server_command(port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        tree = _descendants(proc.pid)  # the server may lead a process group of its own
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        for pid in tree:  # whatever outlived `reserves app` (it should stop them itself)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def _descendants(pid: int) -> list[int]:
    """Process ids below ``pid`` (Linux ``/proc``; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


#: (phase, seconds) of the last run, printed at the end (pytest -s shows it)
PHASES: list[tuple[str, float]] = []


@contextlib.contextmanager
def _phase(name: str):
    t0 = time.monotonic()
    try:
        yield
    finally:
        PHASES.append((name, time.monotonic() - t0))


def _wait_rendered(page, expect_text: str) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.get_by_text(expect_text, exact=False).first.wait_for(timeout=60_000)
    # the script has finished when Streamlit's running indicator has stayed away for a while
    # (a data editor or a chart can trigger one more run right after the first)
    idle_since = time.monotonic()
    deadline = idle_since + 60
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidgetRunningIcon"]').count():
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > 0.8:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # charts draw after the script ends


def _screenshot_whole_page(page, path: Path) -> None:
    """Streamlit scrolls inside its main container: grow the viewport to the content first."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        '\'[data-testid="stMain"], [data-testid="stMainBlockContainer"]\')]'
        ".map(e => e.scrollHeight), 1000)"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 80, 8000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


def _layout_problems(page, where: str) -> list[str]:
    """Clipped or shortened chart titles and too-narrow charts on the current page."""
    problems = []
    charts = page.evaluate(_MEASURE_JS)
    if charts and all(c.get("svg", True) is None for c in charts):
        return [f"{where}: no chart is drawn as SVG, so titles and widths cannot be measured"]
    for chart in charts:
        name = f"{where} chart {chart['i'] + 1} ({chart.get('title') or 'untitled'!r})"
        if chart.get("svg", True) is None:
            continue  # not drawn yet: nothing to measure
        if chart["width"] < MIN_VIEW_PX:
            problems.append(f"{name}: {chart['width']:.0f} px wide (< {MIN_VIEW_PX})")
        for t in chart["texts"]:
            if t["text"].endswith("…"):
                problems.append(f"{name}: text shortened by Vega: {t['text']!r}")
            sides = {k: t[k] for k in ("left", "top", "right", "bottom") if t[k] < -TOLERANCE_PX}
            if sides:
                cut = ", ".join(f"{k} by {-v:.0f} px" for k, v in sides.items())
                problems.append(f"{name}: {t['text']!r} is clipped ({cut})")
        for v in chart["views"]:
            if v["width"] < MIN_VIEW_PX:
                problems.append(
                    f"{name}: a plot area is {v['width']:.0f} px wide (< {MIN_VIEW_PX}; {v['cls']})"
                )
    return problems


def _download_all(page, where: Path) -> list[str]:
    """Click every download button of the built Briefing page; check each file's type."""
    magic = {
        "pdf": lambda b: b.startswith(b"%PDF"),
        "docx": lambda b: b.startswith(b"PK") and b"word/" in b,
        "html": lambda b: b.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")),
        "md": lambda b: b.lstrip().startswith(b"#") and len(b) > 500,
    }
    problems = []
    for fmt, label in (("pdf", "PDF"), ("docx", "Word"), ("html", "HTML"), ("md", "Markdown")):
        button = page.get_by_role("button", name=f"Download {label}")
        if not button.count() or button.first.is_disabled():
            problems.append(f"/Briefing: the {label} download is missing or disabled")
            continue
        with page.expect_download(timeout=120_000) as info:
            button.first.click()
        path = where / f"briefing.{fmt}"
        info.value.save_as(path)
        data = path.read_bytes()
        if not magic[fmt](data):
            problems.append(f"/Briefing: the {label} download is not a {fmt} file: {data[:40]!r}")
    return problems


def _run_tornado(page) -> None:
    """Press the Scenarios page's tornado button and wait for its chart."""
    n = page.locator('[data-testid="stVegaLiteChart"]').count()
    page.get_by_role("button", name="Run the tornado").click()
    deadline = time.monotonic() + 120
    while page.locator('[data-testid="stVegaLiteChart"]').count() <= n:
        if time.monotonic() > deadline:
            raise AssertionError("the tornado chart did not appear within 120 s")
        page.wait_for_timeout(200)
    _wait_rendered(page, "Which inputs move")


def _edit_fourth_buy_share(page) -> None:
    """Type 1 into the fourth row's buy-share cell of the roster editor (a canvas grid: select
    the cell, type, Enter), retrying once if the app did not register the edit."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(state="visible", timeout=60_000)
    for attempt in range(2):
        page.wait_for_timeout(1000)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 600, box["y"] + 35 * 4 + 17)  # select the cell
        page.wait_for_timeout(500)
        page.keyboard.type("1")  # typing on a selected cell opens its editor
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")
        try:
            page.get_by_text("(edited)").first.wait_for(timeout=30_000)
            return
        except Exception:
            if attempt:
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(SHOTS / "game_edit_failed.png"), timeout=10_000)
                raise


def _check_page(page, where: str, shot: str) -> list[str]:
    """Screenshot the rendered page; its exception boxes, error messages and layout problems."""
    _screenshot_whole_page(page, SHOTS / f"{shot}.png")
    failures = []
    boxes = page.locator('[data-testid="stException"]')
    if boxes.count():
        failures.append(f"{where}: exception box: {boxes.first.inner_text()[:500]}")
    errors = page.locator('[data-testid="stAlertContentError"]')
    if errors.count():
        failures.append(f"{where}: error message: {errors.first.inner_text()[:300]}")
    return failures + _layout_problems(page, where)


def _build_briefing(page) -> list[str]:
    """Build the briefing on the open Briefing page; under CI=true fetch every download."""
    page.get_by_role("button", name="Build the briefing").click()
    page.get_by_text("Download PDF").first.wait_for(timeout=120_000)
    _wait_rendered(page, "Preview")
    failures = _check_page(page, "/Briefing (built)", "briefing_built")
    return failures + _download_all(page, SHOTS.parent)


def _tornado(page) -> list[str]:
    """The tornado: a button, a progress bar, then a chart with its legend inside."""
    _run_tornado(page)
    return _check_page(page, "/Scenarios (tornado)", "scenarios_tornado")


def _edit_roster(page) -> list[str]:
    """The roster is editable: the fourth sovereign's buy share becomes 1."""
    _edit_fourth_buy_share(page)
    _wait_rendered(page, "What each sovereign plays")
    return _check_page(page, "/Game (edited)", "game_edited")


def _full() -> bool:
    """Build the briefing and fetch its downloads too: under ``CI=true`` or with
    ``RESERVES_TEST_BRIEFING=1``. Building runs every layer of the model once in the server
    process (a minute on two cores); locally ``tests/test_app_pages.py`` builds it in-process
    instead, so the default suite stays fast."""
    return os.environ.get("CI") == "true" or os.environ.get("RESERVES_TEST_BRIEFING") == "1"


#: what is done on a page after its first screenshot, without reloading it
ACTIONS = {"/Game": _edit_roster, "/Scenarios": _tornado, "/Briefing": _build_briefing}


def _report_child(child) -> None:
    """This test ran in a child process (tests/conftest.py): report its result here."""
    rc, out = child.result()
    tail = out[-6000:]
    if rc == 0 and " passed" in out:
        return
    if rc == 0 and " skipped" in out:
        reasons = [ln for ln in out.splitlines() if ln.startswith("SKIPPED")]
        pytest.skip(reasons[0] if reasons else "skipped in the child process")
    pytest.fail(f"the browser test (run in a child process) failed, exit code {rc}:\n{tail}")


def test_every_page_loads_without_an_exception(request, browser_child):
    if browser_child is not None:
        _report_child(browser_child)
        return
    server = request.getfixturevalue("server")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    PHASES.clear()
    failures = []
    with sync_playwright() as pw:
        # Playwright gives every launch a new, empty user-data-dir of its own
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            console_errors: list[str] = []
            page.on("pageerror", lambda exc: console_errors.append(str(exc)))
            for path, name, text in _pages():
                with _phase(path):
                    page.goto(server + path, wait_until="domcontentloaded", timeout=60_000)
                    _wait_rendered(page, text)
                    failures += _check_page(page, path, name)
                if path in ACTIONS and (path != "/Briefing" or _full()):
                    with _phase(f"{path} ({ACTIONS[path].__name__.strip('_')})"):
                        failures += ACTIONS[path](page)
        finally:
            browser.close()
    print("browser phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in PHASES))
    assert not failures, "\n".join(failures)
    assert not console_errors, f"JavaScript errors: {console_errors}"
    shots = [p[1] for p in _pages()] + ["scenarios_tornado", "game_edited"]
    shots += ["briefing_built"] if _full() else []
    for name in shots:
        assert (SHOTS / f"{name}.png").stat().st_size > 10_000
