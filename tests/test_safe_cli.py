"""CLI polish (issue 16) and output safety (issue 15): lazy start-up, ``config_hash`` in every
``--json``, a quiet broken pipe, one line for internal errors, atomic outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reserves.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
NFG = "tests/data/prisoners_dilemma.nfg"


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout.split("\n")[-2]
    return set(out.split())


def test_help_imports_no_numerical_library():
    mods = _modules_after("from reserves.cli import build_parser\nbuild_parser().format_help()")
    heavy = {"numpy", "scipy", "sympy", "pydantic", "pandas", "cvxpy", "altair"}
    assert not heavy & {m.split(".")[0] for m in mods}


def test_solving_an_nfg_imports_neither_sympy_nor_scipy_optimize():
    mods = _modules_after(
        "import io, contextlib\nfrom reserves.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main(['solve', '{NFG}'])"
    )
    assert "numpy" in mods
    for heavy in ("sympy", "scipy.optimize", "pydantic", "reserves.market", "reserves.config"):
        assert heavy not in mods, f"{heavy} imported by a 2x2 .nfg solve"


def test_cli_choices_match_the_library():
    from reserves.cli import build_parser, demand
    from reserves.demand import SELECTION_RULES
    from reserves.nash.solve import METHODS

    solve_parser = build_parser()._subparsers._group_actions[0].choices["solve"]
    (method,) = [a for a in solve_parser._actions if a.dest == "method"]
    assert tuple(method.choices) == METHODS
    assert demand.SELECTION_RULES == SELECTION_RULES


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", NFG, "--json"],
        ["solve", "configs/games/prisoners_dilemma.yaml", "--json"],
        ["analyze", NFG, "--json"],
        ["demand", "configs/baseline.yaml", "--points", "3", "--no-correlated", "--json"],
    ],
    ids=["solve-nfg", "solve-expression", "analyze-nfg", "demand"],
)
def test_json_carries_config_hash(argv, capsys):
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out.get("config_hash"), str) and len(out["config_hash"]) == 16


def test_nfg_hash_is_the_hash_of_the_file(tmp_path, capsys):
    import hashlib

    copy = tmp_path / "g.nfg"
    copy.write_bytes((ROOT / NFG).read_bytes())
    assert main(["solve", str(copy), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["config_hash"]
    assert got == hashlib.sha256(copy.read_bytes()).hexdigest()[:16]
    copy.write_bytes(copy.read_bytes().replace(b"3 3", b"4 4"))
    assert main(["solve", str(copy), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["config_hash"] != got


def test_broken_pipe_is_quiet(tmp_path):
    """``reserves solve BIG --json | head -1``: no BrokenPipeError traceback."""
    n = 60  # a constant 60x60 game: 3,600 pure equilibria, megabytes of JSON
    body = "0 0\n" * (n * n)
    game = tmp_path / "flat.nfg"
    game.write_text(f'NFG 1 R "flat" {{ "A" "B" }} {{ {n} {n} }}\n""\n{body}')
    proc = subprocess.Popen(
        [sys.executable, "-m", "reserves.cli", "solve", str(game), "--method", "pure", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, like `head`
    err = proc.stderr.read().decode()
    rc = proc.wait(60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err[-500:]
    assert rc in (0, 141)


def test_internal_error_is_one_line_exit_3(monkeypatch, capsys):
    from reserves.cli import solve

    def boom(path):
        raise TypeError("an internal bug")

    monkeypatch.setattr(solve, "load_game", boom)
    assert main(["solve", NFG]) == 3
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("reserves solve: internal error: TypeError")


def test_budget_options_refuse_with_the_way_to_raise_them(capsys, monkeypatch):
    # set (not delete) first, so monkeypatch restores the environment that main() changes
    monkeypatch.setenv("RESERVES_MAX_MEMORY_MB", "2000")
    assert main(["--max-memory", "0.001", "solve", NFG]) == 2
    err = capsys.readouterr().err
    assert "work budget" in err and "--max-memory" in err and "\n" not in err.strip()


def test_every_command_is_registered():
    from reserves.cli import build_parser

    text = build_parser().format_help()
    for name in COMMANDS:
        if (ROOT / "reserves" / "cli" / f"{name}.py").exists():
            assert name in text


def test_brief_failure_leaves_the_old_files(tmp_path, monkeypatch, baseline_path):
    """A full disk while writing the briefing: the existing .md and .html are untouched and no
    temporary file is left behind."""
    import errno
    import os

    from reserves import safe
    from reserves.briefing import render
    from reserves.errors import ReservesError

    class FakeFigure:
        filename = "f1.png"
        png = b"\x89PNG fake"

    class FakeBriefing:
        figures = (FakeFigure(),)

    monkeypatch.setattr(render, "render_markdown", lambda b, figures_dir: "# new briefing\n")
    monkeypatch.setattr(render, "render_briefing", lambda b, fmt: b"<html>new</html>")
    monkeypatch.setattr(render, "require_format", lambda fmt: None)
    md, html = tmp_path / "b.md", tmp_path / "b.html"
    md.write_text("# old briefing\n")
    html.write_text("<html>old</html>")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safe.os, "fsync", full_disk)
    for target in (md, html):
        with pytest.raises(ReservesError, match="No space left"):
            render.write_briefing(FakeBriefing(), target)
    assert md.read_text() == "# old briefing\n"
    assert html.read_text() == "<html>old</html>"
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers
    monkeypatch.undo()
    monkeypatch.setattr(render, "render_markdown", lambda b, figures_dir: "# new briefing\n")
    monkeypatch.setattr(render, "require_format", lambda fmt: None)
    written = render.write_briefing(FakeBriefing(), md)
    assert written == [md, tmp_path / "b_files" / "f1.png"]
    assert md.read_text() == "# new briefing\n"


def test_brief_md_is_not_written_when_its_figures_folder_cannot_be(tmp_path, monkeypatch):
    from reserves.briefing import render
    from reserves.errors import ReservesError

    class FakeFigure:
        filename = "f1.png"
        png = b"\x89PNG fake"

    class FakeBriefing:
        figures = (FakeFigure(),)

    monkeypatch.setattr(render, "render_markdown", lambda b, figures_dir: "# new\n")
    monkeypatch.setattr(render, "require_format", lambda fmt: None)
    (tmp_path / "b_files").write_text("a file where the figures folder goes")
    with pytest.raises(ReservesError, match="is a file"):
        render.write_briefing(FakeBriefing(), tmp_path / "b.md")
    assert not (tmp_path / "b.md").exists()
