"""``reserves brief CONFIG -o FILE``."""

from __future__ import annotations

from pathlib import Path

import pytest

from reserves.cli import main


def test_brief_writes_the_format_of_the_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.html"
    rc = main(
        [
            "brief",
            "configs/baseline.yaml",
            "-o",
            str(out),
            "--seed",
            "3",
            "--paths",
            "20",
            "--core-only",
            "--date",
            "2026-01-15",
        ]
    )
    assert rc == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "2026-01-15" in html
    assert "--seed 3" in html and "--paths 20" in html
    assert str(out) in capsys.readouterr().out


def test_unknown_extension_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["brief", "configs/baseline.yaml", "-o", str(tmp_path / "b.rtf")])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert len(err.splitlines()) == 1 and ".rtf" in err and ".pdf" in err
    assert not (tmp_path / "b.rtf").exists()


def test_missing_config_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["brief", "configs/nope.yaml", "-o", str(tmp_path / "b.pdf")])
    assert rc == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_missing_export_package_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: object):  # type: ignore[no-untyped-def]
        return None if name == "typst" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    rc = main(["brief", "configs/baseline.yaml", "-o", str(tmp_path / "b.pdf")])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert len(err.splitlines()) == 1 and "pip install" in err and "typst" in err
    assert not (tmp_path / "b.pdf").exists()
