"""Configuration schemas and loading.

A config is a YAML file with these top-level sections:

``name``, ``description``
    Free text.
``extends``
    Optional path (relative to the file) of a config this one overrides. Mappings merge
    recursively; lists and scalars are replaced whole.
``market``
    The market state the game is played in (:class:`MarketConfig`).
``game``
    The action set and which sovereigns play (:class:`GameConfig`).
``sovereigns``
    The roster (:class:`SovereignConfig`), each number with its source in ``sources``.
``market_model``, ``scenarios``
    Sections validated by the market-model and scenario layers (see ``SECTION_SCHEMAS``).

Every validation failure raises :class:`reserves.errors.ConfigError` naming the file, the
field, the value and what is allowed. Symbols in brackets refer to ``papers/`` and MODEL.md.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reserves.errors import ConfigError
from reserves.safe import MAX_CONFIG_BYTES, load_yaml_mapping, reject_bool_numbers, safe_repr

Action = Literal["accumulate", "hold", "sell"]
ACTIONS: tuple[str, ...] = ("accumulate", "hold", "sell")

#: Sanity bounds that keep every product of the model finite in float64: a price of $1bn per
#: BTC is about 10,000 times today's; $10^15 is about 80 times the world's official reserves
#: (IMF COFER: about $12.5 trillion in 2025).
MAX_PRICE_USD = 1e9
MAX_AMOUNT_USD = 1e15

#: Most values (after alias expansion) in an uploaded config: the baseline has about 600, a
#: 3,000-sovereign roster about 60,000; the bound keeps the parse of any upload under ~1 s.
MAX_UPLOAD_NODES = 100_000

#: Longest chain of ``extends`` followed (a config extending one extending one ...).
MAX_EXTENDS_DEPTH = 8

#: Optional sections validated by other layers: section name -> "module:Class".
SECTION_SCHEMAS: dict[str, str] = {
    "market_model": "reserves.market.schema:MarketModelConfig",
    "scenarios": "reserves.scenarios.schema:ScenariosConfig",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class MarketConfig(_Strict):
    """The market the sovereigns trade in (MODEL.md section 2)."""

    price_usd: float = Field(
        gt=0, le=MAX_PRICE_USD, description="entry price P0, USD per BTC (sanity bound $1bn)"
    )
    supply_btc: float = Field(gt=0, le=21_000_000, description="circulating supply Q, BTC")
    flow_multiplier: float = Field(
        ge=0,
        le=1_000,
        description="m: dollars of market cap per dollar of net flow (inelastic markets)",
    )
    vol_pa: float = Field(gt=0, le=5, description="sigma: annualized volatility")
    horizon_years: float = Field(gt=0, le=50, description="T: horizon in years")
    value_belief_usd: float = Field(
        gt=0, le=MAX_PRICE_USD, description="V: default belief about long-run value per BTC, USD"
    )
    share_floor_btc: float = Field(
        default=1.0,
        gt=0,
        le=21_000_000,
        description="regularizes the relative share s_i = H_i / (sum_j H_j + floor)",
    )
    sources: dict[str, str] = Field(default_factory=dict)

    @property
    def market_cap_usd(self) -> float:
        """M0 = P0 * Q."""
        return self.price_usd * self.supply_btc


class SovereignConfig(_Strict):
    """One sovereign player (MODEL.md section 1). Model symbols in brackets."""

    name: str = Field(min_length=1)
    kind: Literal["central_bank", "treasury", "swf", "government"] = "central_bank"
    reserves_usd: float = Field(
        gt=0, le=MAX_AMOUNT_USD, description="W_i: investable reserves, USD"
    )
    holdings_btc: float = Field(ge=0, le=21_000_000, description="h_i: BTC already held")
    max_buy_share: float = Field(
        ge=0, le=1, description="alpha_i: share of W_i moved into BTC when accumulating"
    )
    sell_share: float = Field(
        default=1.0, ge=0, le=1, description="phi_i: share of holdings sold when selling"
    )
    strategic_weight: float = Field(
        ge=0,
        le=1_000,
        description="theta_i: USD per unit of W_i per unit of relative reserve share",
    )
    cost_of_capital_pa: float = Field(ge=-0.1, le=1, description="r_i, per year")
    risk_aversion: float = Field(ge=0, le=1e6, description="gamma_i: mean-variance risk aversion")
    political_cost_usd: float = Field(
        default=0.0, ge=0, le=MAX_AMOUNT_USD, description="kappa_i, USD"
    )
    hedge_pa: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="eta_i: hedge value per year of a USD held in BTC (sanctions freeze avoided, "
        "debasement); see reserves.sovereign.motives",
    )
    value_belief_usd: float | None = Field(
        default=None, gt=0, le=MAX_PRICE_USD, description="V_i; defaults to market.value_belief_usd"
    )
    actions: list[Action] | None = Field(
        default=None, description="this sovereign's own action set (default: game.actions)"
    )
    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("actions")
    @classmethod
    def _distinct_actions(cls, v: list[str] | None) -> list[str] | None:
        if v is not None:
            if len(v) == 0:
                raise ValueError("needs at least one action")
            if len(set(v)) != len(v):
                raise ValueError(f"actions repeat: {v}")
        return v


class GameConfig(_Strict):
    """Which game is played: the action set and the players."""

    actions: list[Action] = Field(default_factory=lambda: ["accumulate", "sell"])
    players: list[str] | None = Field(
        default=None, description="names of the sovereigns who play (default: the whole roster)"
    )
    buy_shares: list[float] | None = Field(
        default=None,
        description="grid of shares of reserves a sovereign may buy: 'accumulate' becomes one "
        "action per share (e.g. [0.001, 0.005, 0.02]); default: one buy of max_buy_share",
    )

    @field_validator("buy_shares")
    @classmethod
    def _share_grid(cls, v: list[float] | None) -> list[float] | None:
        if v is not None:
            if not v or any(not (0 < x <= 1) for x in v):
                raise ValueError(f"buy_shares must be shares in (0, 1], got {v}")
            if len(set(v)) != len(v):
                raise ValueError(f"buy_shares repeat: {v}")
            v = sorted(v)
        return v

    @field_validator("actions")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len(v) < 1:
            raise ValueError("needs at least one action")
        if len(set(v)) != len(v):
            raise ValueError(f"actions repeat: {v}")
        return v


class ReservesConfig(_Strict):
    """A whole, validated config. Build with :func:`load_config` or :func:`config_from_dict`."""

    name: str = "unnamed"
    description: str = ""
    market: MarketConfig
    game: GameConfig = Field(default_factory=GameConfig)
    sovereigns: list[SovereignConfig] = Field(min_length=1)
    market_model: Any = None
    scenarios: Any = None
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _roster_consistent(self) -> ReservesConfig:
        names = [s.name for s in self.sovereigns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"sovereign names must be unique; repeated: {dupes}")
        if self.game.players is not None:
            twice = sorted({n for n in self.game.players if self.game.players.count(n) > 1})
            if twice:
                raise ValueError(f"game.players lists a sovereign more than once: {twice}")
            unknown = [p for p in self.game.players if p not in names]
            if unknown:
                raise ValueError(
                    f"game.players names unknown sovereigns {unknown}; the roster has {names}"
                )
        return self

    @property
    def players(self) -> list[SovereignConfig]:
        """The sovereigns who play, in game order."""
        if self.game.players is None:
            return list(self.sovereigns)
        by_name = {s.name: s for s in self.sovereigns}
        return [by_name[n] for n in self.game.players]

    def content_hash(self) -> str:
        """SHA-256 (first 16 hex digits) of the canonical JSON of the validated config."""
        payload = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (the YAML it round-trips to)."""
        data = self.model_dump(mode="json", exclude_none=True)
        for key in SECTION_SCHEMAS:
            section = getattr(self, key)
            if isinstance(section, BaseModel):
                data[key] = section.model_dump(mode="json", exclude_none=True)
        return data

    def to_yaml(self) -> str:
        """YAML text of :meth:`to_dict`."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def with_updates(self, updates: Mapping[str, Any]) -> ReservesConfig:
        """A new validated config with ``updates`` deep-merged into this one."""
        return config_from_dict(_deep_merge(self.to_dict(), updates))


# --------------------------------------------------------------------------- loading


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _loc(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def _format_validation(exc: ValidationError, where: str, data: Any, prefix: str = "") -> str:
    lines = []
    for err in exc.errors():
        loc = _loc(tuple(err["loc"]))
        if prefix:
            loc = f"{prefix}.{loc}" if loc != "(top level)" else prefix
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field; check its spelling against the documented schema"
        elif err["type"] == "missing":
            msg = "required field is missing"
        value = err.get("input")
        shown = (
            ""
            if err["type"] in ("missing",) or isinstance(value, dict)
            else f" = {safe_repr(value)}"
        )
        lines.append(f"{where}: {loc}{shown}: {msg}")
    return "; ".join(lines)


def _validate_section(name: str, raw: Any, where: str) -> Any:
    if raw is None:
        return None
    module_name, cls_name = SECTION_SCHEMAS[name].split(":")
    try:
        schema = getattr(importlib.import_module(module_name), cls_name)
    except ModuleNotFoundError as exc:  # the layer is not installed/built
        raise ConfigError(
            f"section '{name}' needs {module_name}, which is not available ({exc})",
            field=name,
            fix=f"remove the '{name}' section or install the full package",
        ) from None
    reject_bool_numbers(schema, raw, where, prefix=name)
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, where, raw, prefix=name)) from None


def config_from_dict(data: Mapping[str, Any], *, where: str = "config") -> ReservesConfig:
    """Validate a mapping into a :class:`ReservesConfig`.

    Raises
    ------
    ConfigError
        naming ``where`` (a file path or "config"), each bad field, its value and the rule.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"{where}: expected a mapping of sections (market, game, sovereigns, ...), "
            f"got {type(data).__name__}",
            fix="see configs/baseline.yaml for the layout",
        )
    data = dict(data)
    data.pop("extends", None)
    sections = {name: data.pop(name, None) for name in SECTION_SCHEMAS}
    reject_bool_numbers(ReservesConfig, data, where)
    try:
        cfg = ReservesConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, where, data)) from None
    validated = {name: _validate_section(name, raw, where) for name, raw in sections.items()}
    return cfg.model_copy(update=validated)


def _read_yaml(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in chain:
        raise ConfigError(f"{path}: 'extends' forms a cycle: {' -> '.join(map(str, chain))}")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ConfigError(
            f"{path}: 'extends' chain longer than {MAX_EXTENDS_DEPTH} files",
            fix="merge some of the configs",
        )
    data = load_yaml_mapping(path, max_bytes=MAX_CONFIG_BYTES, what="config")
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ConfigError(
                f"{path}: extends must be a file path, got {safe_repr(parent)}",
                field="extends",
            )
        base = _read_yaml((path.parent / parent).resolve(), (*chain, path))
        data = _deep_merge(base, {k: v for k, v in data.items() if k != "extends"})
    return data


def parse_yaml_text(text: str, *, where: str = "config") -> dict[str, Any]:
    """Parse YAML text into a mapping with the bounded loader of :mod:`reserves.safe`.

    Aliases are expanded within bounds, nesting is limited, duplicate keys are refused and
    errors are one line (see :func:`reserves.safe.load_yaml`).
    """
    return load_yaml_mapping(text, where=where, max_bytes=MAX_CONFIG_BYTES)


def load_config(path: str | Path) -> ReservesConfig:
    """Load and validate a YAML config (following ``extends``).

    >>> cfg = load_config("configs/baseline.yaml")  # doctest: +SKIP
    >>> cfg.market.price_usd  # doctest: +SKIP
    91770.0
    """
    p = Path(path)
    data = _read_yaml(p.resolve() if p.exists() else p)
    cfg = config_from_dict(data, where=str(path))
    return cfg


def config_from_yaml_text(text: str | bytes, *, where: str = "uploaded config") -> ReservesConfig:
    """Validate an uploaded config: YAML text, or the raw bytes of an upload.

    Goes through the same bounded loader as files (:func:`reserves.safe.load_yaml`): at most
    :data:`MAX_CONFIG_BYTES`, strict UTF-8, aliases bounded, depth bounded, duplicate keys
    refused; ``extends`` is not allowed here (an upload cannot name files on the server).
    """
    data = load_yaml_mapping(
        text, where=where, max_bytes=MAX_CONFIG_BYTES, max_nodes=MAX_UPLOAD_NODES
    )
    if "extends" in data:
        raise ConfigError(
            f"{where}: 'extends' is not allowed in an uploaded config",
            fix="upload the merged config (download it from the app)",
        )
    return config_from_dict(data, where=where)


#: the child that parses an upload: address-space limit, the bounded loader, JSON out
_UPLOAD_CHILD = r"""
import json, resource, sys
limit = int(sys.argv[1]) * 2**20
try:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except (ValueError, OSError):
    pass
from reserves.config import config_from_yaml_text
from reserves.errors import ReservesError
try:
    cfg = config_from_yaml_text(sys.stdin.buffer.read(), where=sys.argv[2])
    out = {"config": cfg.to_dict()}
except ReservesError as exc:
    out = {"error": str(exc)}
except (MemoryError, RecursionError):
    out = {"error": f"{sys.argv[2]}: too large or too deep to read"}
sys.stdout.write(json.dumps(out))
"""


#: uploads larger than this are parsed in a child process (smaller ones cost < 0.1 s)
ISOLATE_ABOVE_BYTES = 65_536


def config_from_upload(
    data: bytes,
    *,
    where: str = "uploaded config",
    timeout_s: float = 30.0,
    memory_mb: int = 1536,
    isolate_above_bytes: int = ISOLATE_ABOVE_BYTES,
) -> ReservesConfig:
    """Validate an upload so that no upload can hold a server.

    Uploads up to ``isolate_above_bytes`` are parsed in process by
    :func:`config_from_yaml_text` (the bounded loader: an alias bomb of any size is refused
    in milliseconds, and parsing 64 kB costs under 0.1 s). Larger ones are parsed in a child
    Python process with an address-space limit of ``memory_mb`` and a ``timeout_s`` wall-clock
    limit; the parent only re-validates the resulting plain data, so the server's threads
    never run the parser on a big document and other sessions keep their share of the
    interpreter.

    Raises
    ------
    ConfigError
        one line: the child's message, or a timeout / crash of the child.
    """
    import os
    import subprocess
    import sys

    from reserves.safe import file_limit

    limit = file_limit(MAX_CONFIG_BYTES)
    if len(data) > limit:  # refused before any process starts
        raise ConfigError(
            f"{where}: {len(data):,} bytes is larger than the {limit:,} allowed",
            fix="upload a config YAML, not a data file",
        )
    if len(data) <= isolate_above_bytes:
        return config_from_yaml_text(bytes(data), where=where)
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _UPLOAD_CHILD, str(int(memory_mb)), where],
            input=bytes(data),
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{where}: reading it took more than {timeout_s:g} s; refused") from None
    try:
        out = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ConfigError(
            f"{where}: could not be read (the reader stopped with code {proc.returncode})"
        ) from None
    if "error" in out:
        raise ConfigError(str(out["error"]))
    return config_from_dict(out["config"], where=where)


DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "baseline.yaml"


def default_config_path() -> Path:
    """Path of the baseline config shipped in the repository's ``configs/``."""
    return DEFAULT_CONFIG
