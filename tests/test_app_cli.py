"""``reserves app``: the command line that serves the Streamlit app."""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import threading
import time

import pytest

from reserves.cli import app as app_cli
from reserves.cli import main


def test_app_dir_holds_the_entry_page_and_every_page():
    root = app_cli.app_dir()
    assert (root / "Home.py").exists()
    pages = sorted(p.name for p in (root / "pages").glob("*.py"))
    assert pages == [
        "1_Game.py",
        "2_Analysis.py",
        "3_Price_floor.py",
        "4_Scenarios.py",
        "5_Briefing.py",
        "6_Sovereigns.py",
    ]


def test_streamlit_command_is_headless_and_passes_the_config(baseline_path):
    cmd = app_cli.streamlit_command(8601, baseline_path)
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert cmd[4].endswith("app/Home.py")
    assert "--server.headless=true" in cmd and "--server.port=8601" in cmd
    assert "--server.maxUploadSize=1" in cmd
    assert cmd[-3:] == ["--", "--config", str(baseline_path)]


def test_bad_config_is_one_line_and_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("market: {price_usd: -5}\n")
    assert main(["app", "--config", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("reserves app: error:") and "\n" not in err


def test_missing_streamlit_says_how_to_install(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "streamlit" else real(name)
    )
    assert main(["app"]) == 2
    assert "pip install -e '.[app]'" in capsys.readouterr().err


def test_runs_streamlit_with_the_config(monkeypatch, baseline_path):
    seen = {}

    def fake_serve(cmd, env):
        seen["cmd"], seen["env"] = cmd, env
        return 0

    monkeypatch.setattr(app_cli, "serve", fake_serve)
    assert main(["app", "--port", "8602", "--config", str(baseline_path)]) == 0
    assert "--server.port=8602" in seen["cmd"]
    assert seen["env"][app_cli.CONFIG_ENV] == str(baseline_path.resolve())


@pytest.mark.parametrize("port", ["0", "70000"])
def test_bad_port(port, capsys):
    assert main(["app", "--port", port]) == 2
    assert "--port" in capsys.readouterr().err


# --------------------------------------------------------------------------- stopping

#: a stand-in server: starts a child of its own, writes both pids, then sleeps; with
#: ``stubborn`` it ignores SIGTERM (so only the SIGKILL escalation can stop it)
FAKE_SERVER = """
import os, signal, subprocess, sys, time
if sys.argv[2] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
with open(sys.argv[1], "w") as fh:
    fh.write(f"{os.getpid()} {child.pid}")
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _send_when_up(pid_file, signum, delay_s=0.2):
    def go():
        for _ in range(200):
            if pid_file.exists() and pid_file.read_text().strip():
                break
            time.sleep(0.05)
        time.sleep(delay_s)
        os.kill(os.getpid(), signum)

    t = threading.Thread(target=go, daemon=True)
    t.start()
    return t


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
@pytest.mark.parametrize(
    ("signame", "mode"),
    [("SIGTERM", "polite"), ("SIGINT", "polite"), ("SIGTERM", "stubborn")],
)
def test_signal_stops_the_server_and_its_children(tmp_path, signame, mode):
    """SIGTERM or SIGINT to ``reserves app`` stops the server and every child it started
    (a server that ignores SIGTERM is killed after the grace period)."""
    pid_file = tmp_path / "pids"
    cmd = [sys.executable, "-c", FAKE_SERVER, str(pid_file), mode]
    signum = getattr(signal, signame)
    thread = _send_when_up(pid_file, signum)
    rc = app_cli.serve(cmd, dict(os.environ), grace_s=0.5)
    thread.join(5)
    assert rc == 128 + signum
    server, child = (int(x) for x in pid_file.read_text().split())
    for _ in range(50):  # the orphaned child is reaped by init shortly after the kill
        if not (_alive(server) or _alive(child)):
            break
        time.sleep(0.05)
    assert not _alive(server) and not _alive(child)
