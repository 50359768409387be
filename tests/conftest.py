"""Shared fixtures; tests run from the repository root (paths like configs/baseline.yaml)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _run_from_repo_root() -> None:
    os.chdir(ROOT)


@pytest.fixture(scope="session")
def baseline_path() -> Path:
    return ROOT / "configs" / "baseline.yaml"


@pytest.fixture(autouse=True)
def _independent_equilibrium_check():
    """Every equilibrium a solver reports during a test is re-checked independently: exact
    rational regret against its stated tolerance (reserves.nash.verify.check_equilibrium)."""
    from reserves.nash.result import RESULT_OBSERVERS
    from reserves.nash.verify import check_equilibrium

    bad: list[str] = []

    def observe(game, result) -> None:  # type: ignore[no-untyped-def]
        for e in result.equilibria:
            ok, reg, tol = check_equilibrium(game, e.strategies, e.tolerance)
            if not ok:
                bad.append(f"{result.method}: regret {reg:.3g} > tolerance {tol:.3g}")

    RESULT_OBSERVERS.append(observe)
    try:
        yield
    finally:
        RESULT_OBSERVERS.remove(observe)
    assert not bad, "reported profiles fail the independent check: " + "; ".join(bad[:5])


# --------------------------------------------------------------------------- the browser test
# The real-browser test (tests/test_app_browser.py, marked ``browser``) spends most of its time
# in other processes (the Streamlit server, Chromium). When it runs with other tests, it is
# started at once in a child pytest process and its item is moved to the end of the run; the
# parent runs every other test meanwhile (on the second core) and the browser item then
# reports the child's result: pass, skip with the child's reason, or fail with its output.
# ``RESERVES_BROWSER_INLINE=1`` runs it in-process instead (so does a run of that test alone).
BROWSER_CHILD_ENV = "RESERVES_BROWSER_CHILD"
BROWSER_TIMEOUT_S = 900


class BrowserChild:
    """A child ``pytest`` running the browser test items, its output in a temporary file."""

    def __init__(self, nodeids: list[str]) -> None:
        import subprocess
        import sys
        import tempfile

        self.nodeids = nodeids
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the child
            prefix="reserves-browser-", suffix=".log", delete=False
        )
        env = dict(os.environ, **{BROWSER_CHILD_ENV: "1"})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *nodeids],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def result(self) -> tuple[int, str]:
        """Wait for the child; its exit code and output."""
        import subprocess

        try:
            rc = self.proc.wait(timeout=BROWSER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.stop()
            rc = -1
        self.log.flush()
        return rc, Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        """Interrupt the child (its fixtures stop the server), then kill it if it lingers."""
        import signal
        import subprocess

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items) -> None:  # type: ignore[no-untyped-def]
    browser = [it for it in items if it.get_closest_marker("browser")]
    if (
        not browser
        or len(browser) == len(items)
        or os.environ.get(BROWSER_CHILD_ENV)
        or os.environ.get("RESERVES_BROWSER_INLINE") == "1"
        or config.getoption("collectonly")
    ):
        return
    items[:] = [it for it in items if it not in browser] + browser
    config.stash[_CHILD_KEY] = BrowserChild([it.nodeid for it in browser])


def pytest_unconfigure(config) -> None:  # type: ignore[no-untyped-def]
    child = config.stash.get(_CHILD_KEY, None)
    if child is not None:
        child.stop()
        Path(child.log.name).unlink(missing_ok=True)


_CHILD_KEY = pytest.StashKey[BrowserChild]()


@pytest.fixture
def browser_child(request) -> BrowserChild | None:  # type: ignore[no-untyped-def]
    """The child process running this browser test, or ``None`` when it runs here."""
    return request.config.stash.get(_CHILD_KEY, None)
