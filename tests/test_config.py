"""Config validation: every bad input gets a one-line error naming the file, field and fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reserves.config import (
    MAX_AMOUNT_USD,
    MAX_CONFIG_BYTES,
    config_from_dict,
    config_from_yaml_text,
    load_config,
)
from reserves.errors import ConfigError

BASE = yaml.safe_load(Path("configs/baseline.yaml").read_text())


def _write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_baseline_loads_with_sources() -> None:
    cfg = load_config("configs/baseline.yaml")
    assert len(cfg.sovereigns) >= 12
    # every sovereign's reserves and holdings carry a source (comment or sources entry)
    for s in cfg.sovereigns:
        assert s.sources, f"{s.name} has no sources"
    assert cfg.market.market_cap_usd == pytest.approx(1.83e12, rel=0.01)
    assert len(cfg.content_hash()) == 16


def test_content_hash_is_stable_and_sensitive() -> None:
    a = load_config("configs/baseline.yaml")
    b = load_config("configs/baseline.yaml")
    assert a.content_hash() == b.content_hash()
    c = a.with_updates({"market": {"price_usd": 80000}})
    assert c.content_hash() != a.content_hash()
    assert c.market.price_usd == 80000


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("market: [unclosed", "not valid YAML at line"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
    ids=["empty", "broken-yaml", "list-at-top"],
)
def test_unreadable_yaml(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_config(_write(tmp_path, text))


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config("configs/does-not-exist.yaml")


def _mutated(**changes: object) -> dict:
    data = yaml.safe_load(Path("configs/baseline.yaml").read_text())
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        last = keys[-1]
        if value is ...:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        (
            {"sovereigns__2__reserves_usd": -5.0},
            r"sovereigns\[2\]\.reserves_usd = -5\.0: .*greater than 0",
        ),
        (
            {"game__actions": ["accumulate", "hodl"]},
            r"game\.actions\[1\] = 'hodl': Input should be 'accumulate', 'hold' or 'sell'",
        ),
        ({"sovereigns__0__actions": ["buy"]}, r"sovereigns\[0\]\.actions\[0\] = 'buy'"),
        ({"market__price_usd": float("nan")}, r"market\.price_usd = nan: .*finite"),
        ({"market__vol_pa": "high"}, r"market\.vol_pa = 'high'"),
        ({"market__price_usd": ...}, r"market\.price_usd: required field is missing"),
        ({"sovereigns__1__colour": "red"}, r"sovereigns\[1\]\.colour = 'red': unknown field"),
        ({"sovereigns__1__max_buy_share": 1.5}, r"max_buy_share = 1\.5: .*less than or equal to 1"),
        ({"game__players": ["Atlantis"]}, r"unknown sovereigns \['Atlantis'\]"),
        ({"sovereigns": []}, r"sovereigns.*at least 1"),
    ],
    ids=[
        "negative-reserves",
        "unknown-action",
        "unknown-own-action",
        "nan-price",
        "text-vol",
        "missing-price",
        "unknown-field",
        "share-above-one",
        "unknown-player",
        "empty-roster",
    ],
)
def test_bad_fields_name_file_field_and_value(tmp_path: Path, changes: dict, match: str) -> None:
    path = _write(tmp_path, yaml.safe_dump(_mutated(**changes)))
    with pytest.raises(ConfigError, match=match) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message  # one line


def test_duplicate_names_rejected() -> None:
    data = _mutated()
    data["sovereigns"][1]["name"] = data["sovereigns"][0]["name"]
    with pytest.raises(ConfigError, match="unique"):
        config_from_dict(data)


def test_extends_merges_and_detects_cycles(tmp_path: Path) -> None:
    base = _write(tmp_path, yaml.safe_dump(BASE), "base.yaml")
    child = _write(tmp_path, f"extends: {base.name}\nmarket:\n  price_usd: 81600\n", "child.yaml")
    cfg = load_config(child)
    assert cfg.market.price_usd == 81600
    assert cfg.market.vol_pa == BASE["market"]["vol_pa"]
    a = _write(tmp_path, "extends: b.yaml\n", "a.yaml")
    _write(tmp_path, "extends: a.yaml\n", "b.yaml")
    with pytest.raises(ConfigError, match="cycle"):
        load_config(a)


def test_upload_limits() -> None:
    with pytest.raises(ConfigError, match="larger than"):
        config_from_yaml_text("x" * (MAX_CONFIG_BYTES + 1))
    with pytest.raises(ConfigError, match="extends"):
        config_from_yaml_text("extends: baseline.yaml\n")
    cfg = config_from_yaml_text(Path("configs/baseline.yaml").read_text())
    assert cfg.name == "baseline"


def test_yaml_round_trip() -> None:
    cfg = load_config("configs/baseline.yaml")
    again = config_from_yaml_text(cfg.to_yaml())
    assert again.content_hash() == cfg.content_hash()


finite = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    reserves=st.one_of(finite, st.just(float("nan")), st.just(float("inf"))),
    holdings=finite,
    alpha=finite,
)
def test_property_sovereign_fields_valid_or_clear_error(
    reserves: float, holdings: float, alpha: float
) -> None:
    data = _mutated()
    s = data["sovereigns"][0]
    s["reserves_usd"], s["holdings_btc"], s["max_buy_share"] = reserves, holdings, alpha
    ok = (
        0 < reserves <= MAX_AMOUNT_USD  # NaN and inf fail this too
        and 0 <= holdings <= 21_000_000
        and 0 <= alpha <= 1
    )
    if ok:
        cfg = config_from_dict(data)
        assert cfg.sovereigns[0].reserves_usd == reserves
    else:
        with pytest.raises(ConfigError, match=r"sovereigns\[0\]"):
            config_from_dict(data)


def _roster(n: int) -> str:
    rows = "".join(
        f"  - {{name: S{i}, reserves_usd: 1.0e10, holdings_btc: 0, max_buy_share: 0.01, "
        f"strategic_weight: 0.01, cost_of_capital_pa: 0.04, risk_aversion: 1.0}}\n"
        for i in range(n)
    )
    return (
        "market: {price_usd: 91770, supply_btc: 19950000, flow_multiplier: 5, vol_pa: 0.5, "
        "horizon_years: 5, value_belief_usd: 100000}\nsovereigns:\n" + rows
    )


def test_large_upload_is_parsed_in_a_child_with_the_same_result() -> None:
    from reserves.config import ISOLATE_ABOVE_BYTES, config_from_upload

    text = _roster(600)
    assert len(text) > ISOLATE_ABOVE_BYTES
    isolated = config_from_upload(text.encode(), where="big.yaml")
    assert isolated.content_hash() == config_from_yaml_text(text).content_hash()
    dense = "market: {price_usd: 1}\nwide:\n" + "  - [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" * 12_000
    with pytest.raises(ConfigError, match="has more than 100,000 values"):
        config_from_upload(dense.encode(), where="dense.yaml")


def test_upload_child_timeout_is_one_line() -> None:
    from reserves.config import config_from_upload

    with pytest.raises(ConfigError, match=r"took more than 0\.001 s"):
        config_from_upload(_roster(600).encode(), where="slow.yaml", timeout_s=0.001)
