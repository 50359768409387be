"""reserves.safe (the one door for input and output) and reserves.budget (work budgets)."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from reserves import budget, safe
from reserves.errors import ConfigError, GameFormatError, ReservesError

# --------------------------------------------------------------------------- reading


def test_reads_a_regular_file(tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text("a: 1\n")
    assert safe.read_text_file(p) == "a: 1\n"
    assert safe.read_bytes_file(p) == b"a: 1\n"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_devices_fifos_and_directories_are_never_read(tmp_path):
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)  # opening it for reading would block forever
    link = tmp_path / "z.nfg"
    link.symlink_to("/dev/zero")  # reading it would never end
    for path, word in ((fifo, "FIFO"), (link, "device"), (tmp_path, "directory")):
        with pytest.raises(ConfigError, match=word):
            safe.read_text_file(path)


def test_size_is_checked_before_reading_and_can_be_raised(tmp_path, monkeypatch):
    p = tmp_path / "big.nfg"
    with open(p, "wb") as fh:
        fh.truncate(3_000_000)  # sparse: costs no disk
    with pytest.raises(GameFormatError, match=r"3,000,000 bytes .* 1,000 allowed"):
        safe.read_bytes_file(p, 1_000, ".nfg game", error=GameFormatError)
    monkeypatch.setenv(safe.FILE_LIMIT_ENV, "5")
    assert len(safe.read_bytes_file(p, 1_000)) == 3_000_000
    monkeypatch.setenv(safe.FILE_LIMIT_ENV, "lots")
    with pytest.raises(ConfigError, match=safe.FILE_LIMIT_ENV):
        safe.read_bytes_file(p, 1_000)


def test_missing_file_and_bad_utf8_are_one_line(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        safe.read_text_file(tmp_path / "nope.yaml")
    p = tmp_path / "latin.yaml"
    p.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0xe9 at offset 9, line 1\)"):
        safe.read_text_file(p)
    p.write_bytes(b"\xef\xbb\xbfa: 1\n")  # a byte-order mark is dropped
    assert safe.read_text_file(p) == "a: 1\n"


# --------------------------------------------------------------------------- YAML


def _bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]" for k in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_fast_without_printing_the_value():
    text = _bomb(9, 9)  # 9^9 = 387 million strings once expanded
    assert len(text) <= 504
    t0 = time.perf_counter()
    with pytest.raises(ConfigError, match="alias bomb") as info:
        safe.load_yaml(text)
    assert time.perf_counter() - t0 < 1.0
    assert "lol" not in str(info.value) and len(str(info.value)) < 300


def test_small_aliases_still_work():
    text = "base: &b {x: 1, y: [1, 2]}\nother:\n  <<: *b\n  y: [3]\nsame: *b\n"
    data = safe.load_yaml(text)
    assert data == {
        "base": {"x": 1, "y": [1, 2]},
        "other": {"x": 1, "y": [3]},
        "same": data["base"],
    }
    with pytest.raises(ConfigError, match="aliases"):
        safe.load_yaml(text, allow_aliases=False)


def test_self_referencing_alias_is_refused():
    with pytest.raises(ConfigError, match="refers to the node that contains it"):
        safe.load_yaml("a: &a [1, *a]\n")


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 3000 + "]" * 3000,
        "x: " + "{a: " * 200 + "1" + "}" * 200,
        "".join(f"{'  ' * k}k{k}:\n" for k in range(80)) + "  " * 80 + "v\n",
    ],
    ids=["flow-3000", "mapping-200", "block-80"],
)
def test_deep_nesting_is_refused_not_a_recursion_error(text):
    with pytest.raises(ConfigError, match="nested deeper than"):
        safe.load_yaml(text)


def test_aliases_cannot_nest_past_the_depth_bound():
    lines = ["a0: &a0 [1]"] + [f"a{k}: &a{k} [*a{k - 1}]" for k in range(1, 100)]
    with pytest.raises(ConfigError, match="once aliases are expanded"):
        safe.load_yaml("\n".join(lines))


@pytest.mark.parametrize(
    "text",
    ["a: 1\nb: 2\na: 3\n", "m: {x: 1, x: 2}\n", "1: a\n0x1: b\n", "yes: 1\ntrue: 2\n"],
    ids=["top", "flow", "same-int", "same-bool"],
)
def test_duplicate_keys_are_refused_with_both_lines(text):
    with pytest.raises(ConfigError, match="appears twice"):
        safe.load_yaml(text)


def test_python_tags_are_not_constructed():
    with pytest.raises(ConfigError, match="not valid YAML"):
        safe.load_yaml("x: !!python/object/apply:os.system ['true']\n")


def test_mapping_loader_messages():
    with pytest.raises(ConfigError, match="empty"):
        safe.load_yaml_mapping("")
    with pytest.raises(ConfigError, match="expected a mapping"):
        safe.load_yaml_mapping("- 1\n")
    with pytest.raises(ConfigError, match="has more than 10 values"):
        safe.load_yaml_mapping("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n", max_nodes=10)


def test_agrees_with_pyyaml_on_the_shipped_configs():
    root = Path(__file__).resolve().parents[1] / "configs"
    for p in sorted(root.rglob("*.yaml")):
        assert safe.load_yaml(p) == yaml.safe_load(p.read_text()), p


# --------------------------------------------------------------------------- strict types


class _Inner(BaseModel):
    rate: float
    flag: bool = False


class _Outer(BaseModel):
    price_usd: float
    count: int | None = None
    maybe: bool | float = 0.0
    inner: _Inner | None = None
    grid: list[float] = []
    named: dict[str, float] = {}


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"price_usd": True}, "price_usd"),
        ({"price_usd": 1, "count": False}, "count"),
        ({"price_usd": 1, "inner": {"rate": True}}, r"inner\.rate"),
        ({"price_usd": 1, "grid": [1.0, True]}, r"grid\[1\]"),
        ({"price_usd": 1, "named": {"a": False}}, r"named\.a"),
    ],
)
def test_booleans_are_not_numbers(data, where):
    with pytest.raises(ConfigError, match=rf"{where} = (true|false): a boolean is not a number"):
        safe.reject_bool_numbers(_Outer, data, "cfg.yaml")


def test_booleans_where_booleans_belong_pass():
    safe.reject_bool_numbers(
        _Outer, {"price_usd": 1.0, "maybe": True, "inner": {"rate": 1, "flag": True}}
    )


def test_parse_count_takes_ascii_digits_only():
    assert safe.parse_count("12", "count", max_value=100) == 12
    for bad in ("\u00b2", "\u0662", "-1", "1.5", "", "1e3"):
        with pytest.raises(ConfigError, match="ASCII digits"):
            safe.parse_count(bad, "count", max_value=100)
    for big in ("101", "9" * 20):
        with pytest.raises(ConfigError, match="larger than"):
            safe.parse_count(big, "count", max_value=100)
    with pytest.raises(ConfigError, match="at least 1"):
        safe.parse_count("0", "count", max_value=100)


def test_safe_repr_is_bounded():
    shared = [1] * 1000
    huge = [shared] * 1000
    assert len(safe.safe_repr(huge)) <= 60
    assert len(safe.safe_repr("x" * 10_000, 40)) <= 40


# --------------------------------------------------------------------------- writing


def test_atomic_write_replaces_and_keeps_the_mode(tmp_path):
    p = tmp_path / "out.txt"
    p.write_text("old")
    p.chmod(0o640)
    safe.atomic_write(p, "new")
    assert p.read_text() == "new"
    assert (p.stat().st_mode & 0o777) == 0o640
    assert [q.name for q in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_failure_leaves_the_old_file(tmp_path, monkeypatch):
    p = tmp_path / "out.html"
    p.write_text("<html>old</html>")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safe.os, "replace", full)
    with pytest.raises(ReservesError, match="No space left on device; the previous file"):
        safe.atomic_write(p, "<html>new</html>")
    assert p.read_text() == "<html>old</html>"
    assert [q.name for q in tmp_path.iterdir()] == ["out.html"]


def test_atomic_path_removes_the_temp_file_when_the_writer_fails(tmp_path):
    p = tmp_path / "r.pdf"
    with pytest.raises(RuntimeError), safe.atomic_path(p) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("renderer crashed")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("make", "target", "match"),
    [
        (lambda d: (d / "x.md").mkdir(), "x.md", "is a directory"),
        (lambda d: (d / "f").write_text(""), "f/x.md", "is a file, not a folder"),
        (lambda d: None, "no/such/x.md", "does not exist"),
    ],
    ids=["directory", "under-a-file", "missing-folder"],
)
def test_outputs_never_create_folders_or_write_into_directories(tmp_path, make, target, match):
    make(tmp_path)
    with pytest.raises(ReservesError, match=match):
        safe.atomic_write(tmp_path / target, "x")
    assert not (tmp_path / "no").exists()


# --------------------------------------------------------------------------- budget


def test_profile_counts_never_overflow():
    assert budget.count_profiles([256] * 8) == 2**64
    assert budget.count_profiles([2] * 300) == 2**300
    est = budget.estimate_solve([2] * 300, "pure")
    with pytest.raises(budget.BudgetError, match="too large to compute"):
        budget.require(est)


def test_budget_refusal_names_the_limit_and_how_to_raise_it(monkeypatch):
    monkeypatch.setenv(budget.MEMORY_ENV, "2000")  # restored after the test, set_limits too
    monkeypatch.setenv(budget.SECONDS_ENV, "3600")
    est = budget.estimate_simulation(100_000, 20_000, 3)
    assert est.seconds > 3600
    with pytest.raises(budget.BudgetError, match=r"time budget .*--max-seconds"):
        budget.require(est)
    big = budget.estimate_solve([1500, 1500], "auto")
    with pytest.raises(
        budget.BudgetError, match=r"GB of memory, more than the 2\.0 GB .*--max-memory"
    ):
        budget.require(big)
    budget.set_limits(memory_mb=1e6, seconds=1e9)
    assert budget.require(big) is big
    with pytest.raises(ReservesError, match="positive"):
        budget.set_limits(memory_mb=-1)


def test_estimates_grow_with_the_request():
    a = budget.estimate_simulation(1_000, 365)
    b = budget.estimate_simulation(10_000, 365)
    assert b.memory_bytes > a.memory_bytes and b.seconds > a.seconds
    assert budget.estimate_solve([3] * 12, "logit").seconds > 3600  # refused by default
    assert budget.estimate_solve([2] * 16, "auto").seconds < 10


def test_formatting_is_for_people():
    assert budget.format_bytes(2.5e9) == "2.5 GB"
    assert budget.format_bytes(1e30) == "more than 1,000 PB"
    assert budget.format_seconds(45) == "45 s"
    assert budget.format_seconds(7200) == "2.0 h"
    assert budget.format_seconds(86400 * 20) == "20 days"


def test_timed_progress_shows_a_bar_for_long_work(capsys):
    est = budget.Estimate("x", 0, 5.0, "less")
    with budget.timed_progress(est, "solve"):
        time.sleep(0.7)
    assert "solve" in capsys.readouterr().err
    with budget.timed_progress(budget.Estimate("x", 0, 1.0, "less"), "quick"):
        pass
    assert "quick" not in capsys.readouterr().err
