"""``reserves app``: open the Streamlit app (``app/Home.py`` and its pages) on a config.

Runs ``python -m streamlit run <repo>/app/Home.py`` headless on the chosen port, with the
config path passed to the pages through the ``RESERVES_APP_CONFIG`` environment variable (and
after ``--`` on the script's command line). The config is validated here first, so a bad file
is reported in one line before any server starts.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from reserves.errors import ReservesError

#: environment variable the pages read the starting config path from
CONFIG_ENV = "RESERVES_APP_CONFIG"


def app_dir() -> Path:
    """The ``app/`` folder beside the package (``<repo>/app``)."""
    return Path(__file__).resolve().parents[2] / "app"


def streamlit_command(port: int, config_path: Path, *, address: str = "localhost") -> list[str]:
    """The command line that serves the app (headless, no usage statistics, no file watcher)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_dir() / "Home.py"),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--theme.base=light",
        "--server.maxUploadSize=1",
        "--",
        "--config",
        str(config_path),
    ]


def _run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("streamlit") is None:
        raise ReservesError(
            "the app needs streamlit, which is not installed",
            fix="pip install -e '.[app]'",
        )
    home = app_dir() / "Home.py"
    if not home.exists():
        raise ReservesError(
            f"the app's entry page {home} is missing",
            fix="run from a source checkout (git clone) installed with pip install -e '.[app]'",
        )
    from reserves.config import default_config_path, load_config

    config_path = Path(args.config) if args.config else default_config_path()
    load_config(config_path)  # validate before starting: one-line error, exit code 2
    if not 0 < args.port < 65536:
        raise ReservesError(f"--port {args.port} is not a TCP port", fix="use 1-65535")
    env = dict(os.environ)
    env[CONFIG_ENV] = str(config_path.resolve())
    cmd = streamlit_command(args.port, config_path.resolve(), address=args.address)
    print(f"reserves app: serving {config_path} on http://{args.address}:{args.port}")
    return serve(cmd, env)


#: seconds the server gets to stop after SIGTERM before it and its children are killed
STOP_GRACE_S = 10.0


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def serve(cmd: list[str], env: dict[str, str], *, grace_s: float = STOP_GRACE_S) -> int:
    """Run the server ``cmd`` in its own process group until it exits or we are told to stop.

    SIGTERM, SIGINT and SIGHUP received by ``reserves app`` are forwarded as SIGTERM to the
    server's whole process group (Streamlit and any children it started); whatever is still
    running ``grace_s`` seconds later is killed. The group is signalled once more on the way
    out, so no child outlives the command.

    Returns
    -------
    int
        the server's exit code, or ``128 + signal`` when stopped by a signal.
    """
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    pgid = proc.pid  # start_new_session: the server leads its own group
    stop: dict[str, Any] = {"signum": None, "deadline": None}

    def on_signal(signum: int, frame: Any) -> None:
        if stop["signum"] is None:
            stop["signum"] = signum
            stop["deadline"] = time.monotonic() + grace_s
        _signal_group(pgid, signal.SIGTERM)

    handled = [signal.SIGTERM, signal.SIGINT]
    if hasattr(signal, "SIGHUP"):
        handled.append(signal.SIGHUP)
    previous = {s: signal.signal(s, on_signal) for s in handled}
    try:
        while True:
            try:
                rc = proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if stop["deadline"] is not None and time.monotonic() > stop["deadline"]:
                    _signal_group(pgid, signal.SIGKILL)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if proc.poll() is None:
            _signal_group(pgid, signal.SIGKILL)
            proc.wait()
        _signal_group(pgid, signal.SIGTERM)  # stragglers the server left in its group
    return 128 + int(stop["signum"]) if stop["signum"] is not None else int(rc)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``app`` sub-command."""
    p = subparsers.add_parser(
        "app",
        help="open the Streamlit app (game, analysis, price floor, scenarios, briefing)",
        description="Open the Streamlit app on a config (default: configs/baseline.yaml).",
    )
    p.add_argument("--port", type=int, default=8501, help="TCP port (default 8501)")
    p.add_argument(
        "--config", metavar="PATH", default=None, help="config YAML (default: the baseline)"
    )
    p.add_argument("--address", default="localhost", help="address to bind (default localhost)")
    p.set_defaults(func=_run)
