"""Evidence files: the shipped one loads; bad evidence is one line naming file, field, fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reserves.config import load_config
from reserves.errors import ConfigError
from reserves.sovereign.evidence import DEFAULT_EVIDENCE, load_evidence, load_roster


@pytest.fixture(scope="module")
def cfg():  # type: ignore[no-untyped-def]
    return load_config("configs/baseline.yaml")


def test_shipped_evidence_covers_the_roster_with_sources(cfg) -> None:  # type: ignore[no-untyped-def]
    ev = load_evidence(DEFAULT_EVIDENCE, cfg)
    assert set(ev.names) == {s.name for s in cfg.players}
    assert all(o.sources for o in ev.sovereigns)
    counts = ev.action_counts()
    assert counts["sell"] >= 1 and counts["accumulate"] >= 1 and counts["hold"] >= 1
    bhutan = ev.by_name("Bhutan")
    assert bhutan.action == "sell" and bhutan.amount_btc < 0


def _write(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEFAULT_EVIDENCE.read_text())
    mutate(data)
    p = tmp_path / "ev.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


@pytest.mark.parametrize(
    ("mutate", "field", "fix"),
    [
        (lambda d: d["sovereigns"][0].update(name="Atlantis"), "sovereigns[0].name", "use one of"),
        (lambda d: d["sovereigns"][1].update(action="hodl"), "sovereigns[1].action", "Input"),
        (
            lambda d: d["sovereigns"][4].update(amount_usd=4.5e8),
            "sovereigns[4].amount_usd",
            "use + for coins bought",
        ),
        (
            lambda d: d["sovereigns"][5].update(amount_btc=-10),
            "sovereigns[5].amount_btc",
            "use + for coins bought",
        ),
        (
            lambda d: d["sovereigns"][2]["observables"].update(sanctions_exposure=3),
            "sovereigns[2].observables",
            "outside",
        ),
        (
            lambda d: d["sovereigns"][2]["observables"].update(vibes=1),
            "sovereigns[2].observables",
            "unknown observable",
        ),
    ],
)
def test_bad_evidence_names_file_field_and_fix(tmp_path, cfg, mutate, field, fix) -> None:  # type: ignore[no-untyped-def]
    p = _write(tmp_path, mutate)
    with pytest.raises(ConfigError) as exc:
        load_evidence(p, cfg)
    msg = str(exc.value)
    assert str(p) in msg and field in msg and fix in msg
    assert "\n" not in msg


def test_cli_bad_evidence_is_one_line_and_exit_code_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from reserves.cli import main

    p = _write(tmp_path, lambda d: d["sovereigns"][4].update(amount_usd=4.5e8))
    rc = main(["estimate", "configs/baseline.yaml", "--evidence", str(p)])
    assert rc == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "amount_usd" in lines[0] and str(p) in lines[0]


def test_roster_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "r.yaml"
    p.write_text(
        "sovereigns:\n  - name: Brazil\n    reserves_usd: 3.4e11\n    cost_of_capital_pa: 0.13\n"
        "    observables: {sanctions_exposure: 0.25, gold_purchases_share: 0, ban: 0,"
        " imf_programme: 0}\n"
    )
    r = load_roster(p)
    assert r.sovereigns[0].holdings_btc == 0
    p.write_text("sovereigns:\n  - name: Brazil\n    reserves_usd: -1\n")
    with pytest.raises(ConfigError, match="reserves_usd"):
        load_roster(p)
