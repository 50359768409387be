"""``reserves app``: the command line that serves the Streamlit app."""

from __future__ import annotations

import importlib.util
import subprocess

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

    def fake_call(cmd, env):
        seen["cmd"], seen["env"] = cmd, env
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    assert main(["app", "--port", "8602", "--config", str(baseline_path)]) == 0
    assert "--server.port=8602" in seen["cmd"]
    assert seen["env"][app_cli.CONFIG_ENV] == str(baseline_path.resolve())


@pytest.mark.parametrize("port", ["0", "70000"])
def test_bad_port(port, capsys):
    assert main(["app", "--port", port]) == 2
    assert "--port" in capsys.readouterr().err
