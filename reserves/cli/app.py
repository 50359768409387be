"""``reserves app``: open the Streamlit app (``app/Home.py`` and its pages) on a config.

Runs ``python -m streamlit run <repo>/app/Home.py`` headless on the chosen port, with the
config path passed to the pages through the ``RESERVES_APP_CONFIG`` environment variable (and
after ``--`` on the script's command line). The config is validated here first, so a bad file
is reported in one line before any server starts.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

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
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130


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
