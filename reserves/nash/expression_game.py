"""Games given as payoff expressions in a YAML file (``expression_game:``).

A user can write a finite normal-form game as one payoff expression per player, in terms of
named parameters and of symbols that describe the pure profile being played. The file is read
with the bounded loader :func:`reserves.safe.load_yaml` (size, aliases, depth and duplicate
keys bounded), validated by the pydantic schema :class:`ExpressionGameConfig`, and
every expression is parsed by the whitelist parser
:func:`reserves.nash.expr.parse_expression` (never ``eval`` or ``sympify``). The payoff tensor
comes from ``sympy.lambdify`` of the same expressions evaluated once over the whole profile
grid with numpy broadcasting, so symbolic and numeric payoffs cannot drift apart.

Format
------
The top level holds exactly one key, ``expression_game``::

    expression_game:
      title: Donation game (prisoner's dilemma)     # free text (optional)
      players: [Row, Column]                        # names, distinct
      actions:                                      # one list per player, names distinct
        - [cooperate, defect]
        - [cooperate, defect]
      parameters:                                   # name -> number, or -> {value, sources}
        b:
          value: 3
          sources: {textbook: "Nowak (2006), Science 314:1560, the donation game"}
        c: 1                                        # a bare number (no sources)
      payoffs:                                      # player name -> expression
        Row: b * is_Column_cooperate - c * is_Row_cooperate
        Column: b * is_Row_cooperate - c * my_cooperate

A parameter is a finite number, or a mapping with ``value`` (a finite number), an optional
``description`` and an optional ``sources`` mapping (label -> citation). By convention a
parameter that is not taken from a source carries ``sources: {assumption: "the reasoning"}``.

Symbols an expression may use
-----------------------------
``safe(x)`` replaces every character of ``x`` outside ``[A-Za-z0-9_]`` by ``_``
(``"United States"`` -> ``United_States``, ``"buy-more"`` -> ``buy_more``).

* the parameters, by name (plain identifiers, not Python keywords, not starting with ``_``);
* ``is_<safe(player)>_<safe(action)>``: 1 when that player plays that action, else 0;
* ``my_<safe(action)>``: 1 when *the player whose payoff this is* plays that action (only in
  the payoffs of players who have that action);
* ``n_<safe(action)>``: how many players (the payoff's owner included) play that action, for
  symmetric and anonymous games (defined for every action of any player);
* numbers, ``+ - * / **`` and the functions ``exp, log, sqrt, abs, min, max``.

Two different things that map to the same name (two players ``"A B"`` and ``"A_B"``, a
parameter called ``n_stag`` in a game with the action ``stag``) are rejected with a
:class:`~reserves.errors.ConfigError` naming both. An unknown name is rejected with the list
of the allowed ones. A payoff that is NaN or infinite at some profile (``1 / n_hare`` when
nobody hunts hare) is rejected naming the player and the profile.

Example
-------
>>> eg = load_expression_game("configs/games/prisoners_dilemma.yaml")  # doctest: +SKIP
>>> eg.to_game().payoffs[0]  # doctest: +SKIP
array([[ 2., -1.],
       [ 3.,  0.]])
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reserves.errors import ConfigError, ExpressionError
from reserves.nash.expr import ALLOWED_FUNCTIONS, MAX_EXPRESSION_CHARS, parse_expression
from reserves.nash.normal_form import Game

#: top-level key that marks a YAML file as an expression game
TOP_KEY = "expression_game"
#: most pure profiles a file may define (the payoff tensor is built in memory)
MAX_PROFILES = 2**20
#: largest file accepted (bytes)
MAX_FILE_BYTES = 1_000_000

_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def safe_name(text: str) -> str:
    """``text`` with every character outside ``[A-Za-z0-9_]`` replaced by ``_``."""
    return _UNSAFE.sub("_", text)


def indicator_name(player: str, action: str) -> str:
    """Name of the indicator ``is_<player>_<action>`` (1 when ``player`` plays ``action``)."""
    return f"is_{safe_name(player)}_{safe_name(action)}"


def own_name(action: str) -> str:
    """Name of the own-action indicator ``my_<action>``."""
    return f"my_{safe_name(action)}"


def count_name(action: str) -> str:
    """Name of the count ``n_<action>`` (number of players playing ``action``)."""
    return f"n_{safe_name(action)}"


# --------------------------------------------------------------------------- schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ParameterSpec(_Strict):
    """One named parameter: a finite number and where it comes from."""

    value: float = Field(description="the number substituted for the name")
    description: str = ""
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="label -> citation; {assumption: reasoning} when not from a source",
    )

    @field_validator("value", mode="before")
    @classmethod
    def _no_bool(cls, v: Any) -> Any:
        # YAML reads ``yes``/``true`` as booleans and ``1e10`` (no exponent sign) as text
        if isinstance(v, bool):
            raise ValueError(f"expected a number, got the boolean {v}")
        return v

    @property
    def is_assumption(self) -> bool:
        """True when no source other than an ``assumption`` entry is given."""
        return not any(k.strip().lower() != "assumption" for k in self.sources)


class ExpressionGameConfig(_Strict):
    """The ``expression_game`` section: players, actions, parameters and payoff expressions."""

    title: str = ""
    players: list[str] = Field(min_length=1, description="player names, distinct")
    actions: list[list[str]] = Field(description="one list of action names per player")
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    payoffs: dict[str, str] = Field(description="player name -> payoff expression")

    @field_validator("parameters", mode="before")
    @classmethod
    def _bare_numbers(cls, v: Any) -> Any:
        # ``b: 3`` is short for ``b: {value: 3}``
        if isinstance(v, Mapping):
            return {k: x if isinstance(x, Mapping) else {"value": x} for k, x in v.items()}
        return v

    @field_validator("players")
    @classmethod
    def _players_distinct(cls, v: list[str]) -> list[str]:
        blank = [p for p in v if not p.strip()]
        if blank:
            raise ValueError("player names must not be empty")
        dupes = sorted({p for p in v if v.count(p) > 1})
        if dupes:
            raise ValueError(f"player names repeat: {dupes}; give each player its own name")
        return v

    @field_validator("actions")
    @classmethod
    def _actions_distinct(cls, v: list[list[str]]) -> list[list[str]]:
        for i, acts in enumerate(v):
            if not acts:
                raise ValueError(f"action list {i} is empty; every player needs an action")
            if any(not a.strip() for a in acts):
                raise ValueError(f"action list {i} has an empty action name")
            dupes = sorted({a for a in acts if acts.count(a) > 1})
            if dupes:
                raise ValueError(f"action list {i} repeats {dupes}; action names must differ")
        return v

    @field_validator("parameters")
    @classmethod
    def _parameter_names(cls, v: dict[str, ParameterSpec]) -> dict[str, ParameterSpec]:
        for name in v:
            if not _PARAM_NAME.match(name) or keyword.iskeyword(name):
                raise ValueError(
                    f"parameter name {name!r} is not a plain identifier (a letter, then "
                    "letters, digits or _; not a Python keyword)"
                )
            if name in ALLOWED_FUNCTIONS:
                raise ValueError(f"parameter name {name!r} is the name of a function")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ExpressionGameConfig:
        n = len(self.players)
        if len(self.actions) != n:
            raise ValueError(
                f"actions has {len(self.actions)} action list(s) for {n} player(s) "
                f"{self.players}; give one list of action names per player, in player order"
            )
        missing = [p for p in self.players if p not in self.payoffs]
        unknown = [p for p in self.payoffs if p not in self.players]
        if unknown:
            raise ValueError(
                f"payoffs names unknown player(s) {unknown}; the players are {self.players}"
            )
        if missing:
            raise ValueError(f"payoffs has no expression for player(s) {missing}")
        profiles = math.prod(len(a) for a in self.actions)  # Python int: cannot overflow
        if profiles > MAX_PROFILES:
            raise ValueError(
                f"the game has {profiles:,} pure profiles, more than the {MAX_PROFILES:,} allowed"
            )
        self.symbol_kinds()  # raises on a name collision
        return self

    def symbol_kinds(self) -> dict[str, str]:
        """Every name an expression may use -> what it stands for.

        Raises
        ------
        ValueError
            when two different things map to one name.
        """
        kinds: dict[str, str] = {}

        def add(name: str, what: str) -> None:
            if name in kinds and kinds[name] != what:
                raise ValueError(
                    f"name {name!r} would stand for both {kinds[name]} and {what}; rename one "
                    "(names are made safe by replacing characters outside [A-Za-z0-9_] by _)"
                )
            kinds[name] = what

        for p in self.parameters:
            add(p, f"parameter {p!r}")
        all_actions: list[str] = []
        for player, acts in zip(self.players, self.actions, strict=False):
            for a in acts:
                add(indicator_name(player, a), f"the indicator of {player!r} playing {a!r}")
                if a not in all_actions:
                    all_actions.append(a)
        for a in all_actions:
            add(own_name(a), f"the own-action indicator of {a!r}")
        for a in all_actions:
            add(count_name(a), f"the count of players playing {a!r}")
        return kinds


# --------------------------------------------------------------------------- errors


def _error(
    where: str, fld: str, message: str, *, value: Any = None, fix: str | None = None
) -> ConfigError:
    """A one-line ConfigError ``where: field = value: message (fix: ...)`` with ``.field`` set."""
    shown = ""
    if value is not None:
        text = value if isinstance(value, str) else str(value)
        if len(text) > 80:
            text = text[:77] + "..."
        shown = f" = {text!r}"
    err = ConfigError(f"{where}: {fld}{shown}: {message}", fix=fix)
    err.field = fld
    return err


def _validate(data: Any, where: str) -> ExpressionGameConfig:
    from reserves.config import _format_validation

    if not isinstance(data, Mapping):
        raise ConfigError(
            f"{where}: expected a mapping with the key '{TOP_KEY}', got {type(data).__name__}",
            fix="see configs/games/prisoners_dilemma.yaml for the layout",
        )
    if TOP_KEY in data:
        extra = sorted(str(k) for k in data if k != TOP_KEY)
        if extra:
            raise ConfigError(
                f"{where}: unknown top-level key(s) {extra} next to '{TOP_KEY}'",
                fix=f"put everything under '{TOP_KEY}:'",
            )
        section = data[TOP_KEY]
    else:
        section = data
    if not isinstance(section, Mapping):
        raise ConfigError(
            f"{where}: {TOP_KEY} must be a mapping (title, players, actions, parameters, "
            f"payoffs), got {type(section).__name__}"
        )
    try:
        return ExpressionGameConfig.model_validate(dict(section))
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, where, section, prefix=TOP_KEY)) from None


# --------------------------------------------------------------------------- the game


@dataclass(frozen=True, eq=False)
class ExpressionGame:
    """A validated expression game: sympy payoffs plus everything needed to tabulate them.

    Attributes
    ----------
    config:
        the validated schema.
    payoffs:
        one sympy expression per player, in player order.
    symbols:
        every name an expression may use -> its (real) sympy symbol.
    where:
        the file (or "expression game") named in errors.
    """

    config: ExpressionGameConfig
    payoffs: tuple[sp.Expr, ...]
    symbols: Mapping[str, sp.Symbol]
    where: str = "expression game"
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ shape
    @property
    def players(self) -> tuple[str, ...]:
        return tuple(self.config.players)

    @property
    def actions(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(a) for a in self.config.actions)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a) for a in self.config.actions)

    @property
    def parameters(self) -> dict[str, float]:
        """Parameter name -> value."""
        return {k: float(v.value) for k, v in self.config.parameters.items()}

    @property
    def parameter_symbols(self) -> dict[str, sp.Symbol]:
        return {k: self.symbols[k] for k in self.config.parameters}

    def payoff(self, player: str | int) -> sp.Expr:
        """The sympy payoff expression of ``player`` (name or index)."""
        i = player if isinstance(player, int) else self.players.index(player)
        return self.payoffs[i]

    # ------------------------------------------------------------------ evaluation
    def profile_values(self, profile: Sequence[int], player: int | None = None) -> dict[str, float]:
        """Value of every profile symbol at the pure profile ``profile`` (action indices).

        With ``player`` the own-action indicators ``my_<a>`` are those of that player (else
        they are left out).
        """
        values: dict[str, float] = {}
        counts: dict[str, float] = {}
        for i, (name, acts) in enumerate(zip(self.players, self.actions, strict=True)):
            for k, a in enumerate(acts):
                on = 1.0 if int(profile[i]) == k else 0.0
                values[indicator_name(name, a)] = on
                counts[count_name(a)] = counts.get(count_name(a), 0.0) + on
                if player is not None and i == player:
                    values[own_name(a)] = on
        values.update(counts)
        if player is not None:
            for a in {a for acts in self.actions for a in acts}:
                values.setdefault(own_name(a), 0.0)
        return values

    def evaluate(
        self, profile: Sequence[int], parameters: Mapping[str, float] | None = None
    ) -> np.ndarray:
        """Payoffs at one pure profile by sympy substitution (slow; the reference for tests)."""
        params = {**self.parameters, **dict(parameters or {})}
        out = []
        for i, expr in enumerate(self.payoffs):
            subs = {self.symbols[k]: v for k, v in self.profile_values(profile, i).items()}
            subs.update({self.symbols[k]: v for k, v in params.items()})
            out.append(float(sp.N(expr.xreplace({s: sp.Float(v) for s, v in subs.items()}))))
        return np.array(out)

    def _functions(self, i: int) -> tuple[list[str], Any]:
        key = f"f{i}"
        if key not in self._cache:
            expr = self.payoffs[i]
            names = sorted(str(s) for s in expr.free_symbols)
            fn = sp.lambdify([self.symbols[n] for n in names], expr, modules="numpy")
            self._cache[key] = (names, fn)
        return self._cache[key]

    def _grid_values(self, player: int) -> dict[str, np.ndarray]:
        """Each profile symbol as a broadcastable array over the profile grid."""
        shape = self.shape
        n = len(shape)
        out: dict[str, np.ndarray] = {}
        counts: dict[str, np.ndarray] = {}
        for i, (name, acts) in enumerate(zip(self.players, self.actions, strict=True)):
            for k, a in enumerate(acts):
                ind = np.zeros([shape[i] if j == i else 1 for j in range(n)])
                ind[(0,) * i + (k,) + (0,) * (n - i - 1)] = 1.0
                out[indicator_name(name, a)] = ind
                c = count_name(a)
                counts[c] = counts[c] + ind if c in counts else ind
                if i == player:
                    out[own_name(a)] = ind
        out.update(counts)
        return out

    def _profile_text(self, idx: Sequence[int]) -> str:
        """A pure profile for an error message: ``"Row=a1, Column=a2"``."""
        return ", ".join(
            f"{p}={acts[k]}" for p, acts, k in zip(self.players, self.actions, idx, strict=True)
        )

    def payoff_tensor(self, parameters: Mapping[str, float] | None = None) -> np.ndarray:
        """Payoffs of every player at every pure profile, shape ``(N, n_0, ..., n_{N-1})``.

        Each player's expression is lambdified once (numpy back end) and called once with
        broadcastable indicator arrays, so the whole grid is evaluated without a Python loop
        over profiles.

        Raises
        ------
        ConfigError
            a payoff is NaN or infinite at some profile (the player and profile are named).
        """
        params = self.parameters
        for k, v in dict(parameters or {}).items():
            if k not in params:
                raise _error(
                    self.where,
                    "parameters",
                    f"unknown parameter {k!r}",
                    fix="known parameters: " + (", ".join(sorted(params)) or "(none)"),
                )
            params[k] = float(v)
        shape = self.shape
        out = np.empty((len(shape), *shape))
        for i, player in enumerate(self.players):
            names, fn = self._functions(i)
            grid = self._grid_values(i)
            args = []
            for nm in names:
                if nm in params:
                    args.append(np.float64(params[nm]))
                elif nm in grid:
                    args.append(grid[nm])
                else:  # my_<a> for an action this player does not have
                    args.append(np.zeros([1] * len(shape)))
            with np.errstate(all="ignore"):
                try:
                    value = np.asarray(fn(*args))
                except (ZeroDivisionError, OverflowError, ValueError, TypeError) as exc:
                    raise _error(
                        self.where,
                        f"{TOP_KEY}.payoffs.{player}",
                        f"payoff could not be evaluated: {exc}",
                    ) from None
            value = np.broadcast_to(value, shape)
            if np.iscomplexobj(value) or value.dtype == object:
                # a complex payoff ((-8)**(1/3), log(-1)) is refused, never cut to its real part
                cvalue = np.asarray(value, dtype=complex)
                cbad = cvalue.imag != 0
                if cbad.any():
                    idx = tuple(int(k) for k in np.argwhere(cbad)[0])
                    prof = self._profile_text(idx)
                    raise _error(
                        self.where,
                        f"{TOP_KEY}.payoffs.{player}",
                        f"payoff is the complex number {complex(cvalue[idx]):.6g} at profile "
                        f"({prof}) ({int(cbad.sum())} of {cvalue.size} profiles are complex)",
                        value=self.config.payoffs[player],
                        fix="payoffs must be real: avoid roots and logs of negative numbers",
                    )
                value = cvalue.real
            value = np.asarray(value, dtype=float)
            bad = ~np.isfinite(value)
            if bad.any():
                idx = tuple(int(k) for k in np.argwhere(bad)[0])
                prof = self._profile_text(idx)
                raise _error(
                    self.where,
                    f"{TOP_KEY}.payoffs.{player}",
                    f"payoff is {value[idx]} at profile ({prof}) "
                    f"({int(bad.sum())} of {value.size} profiles are not finite)",
                    value=self.config.payoffs[player],
                    fix="guard divisions and logs (e.g. divide by max(n_x, 1)) or change the "
                    "parameters",
                )
            out[i] = value
        return out

    def to_game(self, parameters: Mapping[str, float] | None = None) -> Game:
        """The normal-form :class:`Game` (payoff tensor from :meth:`payoff_tensor`)."""
        return Game(self.payoff_tensor(parameters), self.players, self.actions, self.config.title)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: title, players, actions, parameters and payoffs as text."""
        return {
            "title": self.config.title,
            "players": list(self.players),
            "actions": [list(a) for a in self.actions],
            "parameters": self.parameters,
            "payoffs": {p: str(e) for p, e in zip(self.players, self.payoffs, strict=True)},
        }

    @cached_property
    def allowed_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.symbols))


# --------------------------------------------------------------------------- loading


def _read_file(path: Path) -> Any:
    if not path.exists():
        raise ConfigError(f"{path}: file not found", fix="check the path")
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory, not a game file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ConfigError(f"{path}: {size:,} bytes is larger than the {MAX_FILE_BYTES:,} allowed")
    from reserves.safe import load_yaml_mapping

    # regular files only, size before reading, bounded aliases/depth, duplicate keys refused
    return load_yaml_mapping(path, max_bytes=MAX_FILE_BYTES, what="game file")


def _build(cfg: ExpressionGameConfig, where: str) -> ExpressionGame:
    kinds = cfg.symbol_kinds()
    symbols = {name: sp.Symbol(name, real=True) for name in kinds}
    own_all = {own_name(a) for acts in cfg.actions for a in acts}
    exprs = []
    for player, acts in zip(cfg.players, cfg.actions, strict=True):
        # my_<a> only for this player's own actions
        mine = {own_name(a) for a in acts}
        table = {k: v for k, v in symbols.items() if k not in own_all or k in mine}
        text = cfg.payoffs[player]
        fld = f"{TOP_KEY}.payoffs.{player}"
        try:
            expr = parse_expression(
                text.replace("\r", " ").replace("\n", " "),
                table,
                field=None,
                max_chars=MAX_EXPRESSION_CHARS,
            )
        except ExpressionError as exc:
            raise _error(where, fld, str(exc), value=text) from exc
        exprs.append(expr)
    return ExpressionGame(cfg, tuple(exprs), symbols, where)


def load_expression_game(
    path_or_mapping: str | Path | Mapping[str, Any], *, where: str | None = None
) -> ExpressionGame:
    """Load and validate an expression game from a YAML file or an already-parsed mapping.

    Parameters
    ----------
    path_or_mapping:
        a path to a YAML file whose top level is ``expression_game:``, or a mapping (either
        ``{"expression_game": {...}}`` or the section itself).
    where:
        name used in error messages (default: the path, or "expression game").

    Raises
    ------
    ConfigError
        naming the file, the field (``expression_game.payoffs.Row``), the value and the fix:
        schema violations, name collisions, expressions the whitelist parser rejects, unknown
        names (with the list of allowed ones).
    """
    if isinstance(path_or_mapping, str | Path):
        p = Path(path_or_mapping)
        where = where or str(p)
        data = _read_file(p)
        if TOP_KEY not in data:
            raise ConfigError(
                f"{where}: no top-level '{TOP_KEY}' key (found {sorted(map(str, data))})",
                fix=f"start the file with '{TOP_KEY}:'",
            )
    else:
        where = where or "expression game"
        data = path_or_mapping
    cfg = _validate(data, where)
    return _build(cfg, where)


def is_expression_game_file(path: str | Path) -> bool:
    """True when ``path`` is a readable YAML file whose top level has ``expression_game``.

    Never raises: an unreadable or malformed file is simply not an expression game (the
    ordinary config loader then reports what is wrong with it).
    """
    p = Path(path)
    try:
        if p.suffix.lower() not in (".yaml", ".yml") or not p.is_file():
            return False
        if p.stat().st_size > MAX_FILE_BYTES:
            return False
        from reserves.safe import load_yaml

        data = load_yaml(p, max_bytes=MAX_FILE_BYTES, what="game file")
    except (OSError, yaml.YAMLError, ValueError, RecursionError):  # ReservesError is a ValueError
        return False
    return isinstance(data, dict) and TOP_KEY in data


__all__ = [
    "MAX_PROFILES",
    "TOP_KEY",
    "ExpressionGame",
    "ExpressionGameConfig",
    "ParameterSpec",
    "count_name",
    "indicator_name",
    "is_expression_game_file",
    "load_expression_game",
    "own_name",
    "safe_name",
]
