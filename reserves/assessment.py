"""The assessment of a config: every headline number, computed once, rendered everywhere.

:func:`assess` returns an :class:`Assessment`, the one source of truth for the headline
quantities of a config: the equilibrium, the demand band, the trough and liquidations at the
reference shock with and without sovereign bids, the breaking shock, the least commitment, the
scenario medians and C16 probabilities, and the calibration fit. The CLI (``reserves assess``),
the app, the briefing and ``papers/`` all render it; none recomputes a headline number.

Every headline number is a :class:`Figure`: the raw value, its unit, the text people read
(:mod:`reserves.units`) and the inputs that made it (reading, shock, paths, seed, config hash),
so each surface can show where it came from in a footnote or on hover.

The assessment is split into *sections* (``equilibrium``, ``demand``, ``floor``,
``breaking``, ``scenarios``, ``calibration`` and the ones other modules register, see
:func:`register_section`). A section is computed the first time it is asked for and then
kept: ``assess(cfg).figure("floor.trough_with_usd")`` runs the game, the demand schedule and
the cascade, never the Monte Carlo.

Reference inputs
----------------
- *Market model*: the config's ``market_model``; a config without one borrows the calibration
  event's (``configs/events/2025-11-21.yaml``) and keeps its own roster and market.
- *Reference shock*: ``market_model.shock.shock_usd``; its *reading* is the calibration reading
  with that shock (``article``: C3's $200M), else ``config``.
- *Sovereign bids*: the equilibrium demand schedule on the ``market_model.sovereign_bids``
  price grid (rule ``"dynamics"``), placed as bids below the start price
  (:func:`reserves.market.report.sovereign_bids_for`, the same call as ``reserves floor``).
- *Scenarios*: the config's ``scenarios`` section, else ``configs/scenarios/c17.yaml`` with
  this config's roster, market and market model; ``paths`` and ``seed`` default to the scenario
  config's own (the same defaults as ``reserves simulate``).
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from reserves import units
from reserves.config import ReservesConfig, default_config_path, load_config
from reserves.errors import ConfigError, ReservesError

__all__ = [
    "CORE_SECTIONS",
    "EXTERNAL_SECTIONS",
    "PAPER_SECTIONS",
    "Assessment",
    "AssessmentContext",
    "Figure",
    "Section",
    "SectionBuilder",
    "assess",
    "clear_cache",
    "register_section",
    "section_names",
]

#: calibration event whose market model a config without one borrows
DEFAULT_EVENT = default_config_path().parent / "events" / "2025-11-21.yaml"
#: scenario config simulated for a config without a ``scenarios`` section
DEFAULT_SCENARIOS = default_config_path().parent / "scenarios" / "c17.yaml"
#: real net outflows (USD) tabulated by the floor section (the reference shock is added)
FLOOR_TABLE_SHOCKS_USD: tuple[float, ...] = (2e8, 5e8, 1e9, 2e9, 5e9, 1e10)
#: multiples of the entry price tabulated by the demand section
DEMAND_TABLE_RATIOS: tuple[float, ...] = (0.4, 0.55, 0.7, 0.85, 1.0, 1.25, 1.5)


# --------------------------------------------------------------------------- figures


#: the calibration readings of the crash, in words for footnotes
READING_WORDS: dict[str, str] = {
    "article": "the article's reading of the crash",
    "sourced": "the public-record reading of the crash",
    "config": "the config's own shock",
}


@dataclass(frozen=True)
class Figure:
    """One headline number with its unit, its text for people and the inputs that made it.

    Attributes
    ----------
    key:
        ``"section.name"``, e.g. ``"floor.trough_with_usd"`` (stable: surfaces look it up).
    label:
        what it is, in plain words ("Trough with sovereign bids").
    value:
        the raw number (``None`` when it does not exist, e.g. no sovereign bids).
    unit:
        a :func:`reserves.units.human` unit: ``usd``, ``usd_short``, ``usd_price``, ``btc``,
        ``pct``, ``count``, ``ratio``, ``number``.
    text:
        ``value`` formatted for people (the digits every surface shows).
    inputs:
        the inputs that made it: ``config_hash`` always, and where they apply ``reading``,
        ``shock_usd``, ``sovereign_bids``, ``paths``, ``seed``, ``scenario_config``.
    """

    key: str
    label: str
    value: float | None
    unit: str
    text: str
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def footnote(self) -> str:
        """The inputs in one line for a footnote or a hover text."""
        parts = []
        i = self.inputs
        if "fit" in i:
            parts.append(str(i["fit"]))
        if "reading" in i:
            parts.append(READING_WORDS.get(str(i["reading"]), f"{i['reading']} reading"))
        if i.get("shock_usd") is not None:
            parts.append(f"shock {units.usd_short(i['shock_usd'])}")
        if "sovereign_bids" in i:
            parts.append("with sovereign bids" if i["sovereign_bids"] else "no sovereign bids")
        if "paths" in i:
            parts.append(f"{units.num(i['paths'])} paths per scenario")
        if "seed" in i:
            parts.append(f"seed {i['seed']}")
        if "config_name" in i:
            parts.append(f"config {i['config_name']} ({i.get('config_hash', '')})")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: raw value (``None`` for NaN, ``"inf"`` for infinity), unit, text, inputs."""
        v = self.value
        return {
            "key": self.key,
            "label": self.label,
            "value": units.json_number(v) if isinstance(v, int | float | np.floating) else v,
            "unit": self.unit,
            "text": self.text,
            "inputs": {k: units.jsonable(x, str) for k, x in self.inputs.items()},
        }


@dataclass(frozen=True)
class Section:
    """What one section contributes: headline figures and supporting data.

    Attributes
    ----------
    name:
        the section's registered name.
    title:
        a heading in plain words.
    figures:
        headline numbers by short name (the figure's key is ``f"{name}.{short name}"``).
    data:
        supporting raw data, JSON-ready (tables as lists of dicts of raw numbers, lists of
        names): what charts and tables draw from.
    available:
        False when the section could not be computed; ``note`` says why in one line.
    """

    name: str
    title: str
    figures: Mapping[str, Figure] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    available: bool = True
    note: str = ""

    def __getitem__(self, short: str) -> Figure:
        return self.figures[short]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "available": self.available,
            "note": self.note,
            "figures": {k: f.to_dict() for k, f in self.figures.items()},
            "data": units.jsonable(dict(self.data), str),
        }


class SectionBuilder:
    """Helper for section functions: ``b.add("trough_usd", "Trough", 81603.1, "usd_price",
    shock_usd=2e8)`` makes a :class:`Figure` with the context's provenance merged in."""

    def __init__(self, ctx: AssessmentContext, name: str, **inputs: Any) -> None:
        self.ctx, self.name = ctx, name
        self.inputs = {**ctx.provenance, **inputs}
        self.figures: dict[str, Figure] = {}

    def add(self, short: str, label: str, value: float | None, unit: str, **inputs: Any) -> Figure:
        v = None if value is None else float(value)
        fig = Figure(
            f"{self.name}.{short}",
            label,
            v,
            unit,
            units.human(v, unit),
            {**self.inputs, **inputs},
        )
        self.figures[short] = fig
        return fig

    def section(self, title: str, **data: Any) -> Section:
        return Section(self.name, title, dict(self.figures), data)


# --------------------------------------------------------------------------- context


class AssessmentContext:
    """The inputs of an assessment and the intermediate results sections share (each built
    once, on first use): the game, its equilibria, the demand schedule, the market model."""

    def __init__(
        self,
        cfg: ReservesConfig,
        *,
        seed: int | None,
        paths: int | None,
        event: ReservesConfig | None,
        scenario_defaults: ReservesConfig | None,
    ) -> None:
        self.cfg = cfg
        self.seed = seed
        self.paths = paths
        self.event = event
        self.scenario_defaults = scenario_defaults
        self.cache: dict[str, Any] = {}
        #: sections that do not depend on the seed or the paths, shared by every view
        self.sections: dict[str, Section] = {}
        self._runs: dict[tuple[int | None, int | None], Any] = {}
        self.lock = threading.RLock()

    def view(self, seed: int | None, paths: int | None) -> AssessmentContext:
        """This context at another seed and path count: every cached result is shared but
        the scenario Monte Carlo."""
        return _View(self, seed, paths)  # type: ignore[return-value]

    def scenario_run(self, seed: int | None, paths: int | None) -> Any:
        """:func:`reserves.scenarios.mixture.simulate_all` of the scenario config (memoized
        per seed and paths)."""
        key = (seed, paths)
        with self.lock:
            if key not in self._runs:
                from reserves.scenarios.mixture import simulate_all

                self._runs[key] = simulate_all(self.scenario_config, paths=paths, seed=seed)
            return self._runs[key]

    @property
    def provenance(self) -> dict[str, Any]:
        return {"config_name": self.cfg.name, "config_hash": self.cfg.content_hash()}

    # -- game
    @cached_property
    def game(self) -> Any:
        from reserves.sovereign.model import SovereignGame

        return SovereignGame(self.cfg)

    @cached_property
    def tensor_ok(self) -> bool:
        from reserves.sovereign.model import MAX_TENSOR_ENTRIES

        return self.game.num_profiles * self.game.num_players <= MAX_TENSOR_ENTRIES

    @cached_property
    def equilibria(self) -> Any:
        """All pure equilibria (complete) when the payoff tensor fits, else the extremal ones
        of the aggregative solver."""
        if self.tensor_ok:
            from reserves.nash.pure import pure_solve

            return pure_solve(self.game.to_game())
        from reserves.sovereign.aggregative import aggregative_solve

        return aggregative_solve(self.game)

    # -- market
    @cached_property
    def market_config(self) -> ReservesConfig:
        """The config with a ``market_model`` section (its own, else the event's merged in)."""
        if self.cfg.market_model is not None:
            return self.cfg
        if self.event is None or self.event.market_model is None:
            raise ConfigError(
                f"config {self.cfg.name!r} has no market_model section",
                field="market_model",
                fix="add one, or pass event='configs/events/2025-11-21.yaml'",
            )
        return self.cfg.with_updates({"market_model": self.event.to_dict()["market_model"]})

    @cached_property
    def sovereign_bids(self) -> Any:
        """Bids from the demand schedule on the bid grid: the call ``reserves floor`` makes."""
        from reserves.market.report import sovereign_bids_for

        notes: list[str] = []
        bids = sovereign_bids_for(self.market_config, notes)
        self.cache["bid_notes"] = notes
        return bids

    @cached_property
    def market_model(self) -> Any:
        from reserves.market import MarketModel

        return MarketModel.from_config(self.market_config, sovereign_bids=self.sovereign_bids)

    @cached_property
    def demand_schedule(self) -> Any:
        """The schedule on the bid grid (the one the bids come from)."""
        from reserves.demand import demand_schedule

        sb = self.market_config.market_model.sovereign_bids if self._has_market else None
        lo, n = (float(sb.min_price_ratio), int(sb.grid_points)) if sb else (0.4, 25)
        p0 = float(self.cfg.market.price_usd)
        return demand_schedule(self.cfg, np.linspace(lo * p0, p0, n))

    @property
    def _has_market(self) -> bool:
        try:
            self.market_config  # noqa: B018
        except ReservesError:
            return False
        return True

    @cached_property
    def reference_reading(self) -> str:
        """The calibration reading whose shock is the config's reference shock, else
        ``"config"``."""
        shock = float(self.market_config.market_model.shock.shock_usd)
        cal = self.calibration_config.market_model.calibration
        for rd in cal.readings if cal is not None else ():
            if float(rd.shock_usd) == shock:
                return str(rd.name)
        return "config"

    @cached_property
    def calibration_config(self) -> ReservesConfig:
        """The market config if it has calibration readings, else the calibration event
        (the fit of the crash is a property of the event, not of the roster)."""
        mcfg = self.market_config
        cal = mcfg.market_model.calibration
        if cal is not None and cal.readings:
            return mcfg
        event = self.event
        if event is None and DEFAULT_EVENT.is_file():
            event = load_config(DEFAULT_EVENT)
        if event is not None and event.market_model is not None:
            ecal = event.market_model.calibration
            if ecal is not None and ecal.readings:
                return event
        return mcfg

    # -- scenarios
    @cached_property
    def scenario_config(self) -> ReservesConfig:
        if self.cfg.scenarios is not None:
            return self.cfg
        sc = self.scenario_defaults
        if sc is None or sc.scenarios is None:
            raise ConfigError(
                f"config {self.cfg.name!r} has no scenarios section",
                field="scenarios",
                fix="add one, or use configs/scenarios/c17.yaml",
            )
        updates: dict[str, Any] = {
            "name": f"{self.cfg.name} with the scenarios of {sc.name}",
            "scenarios": sc.to_dict()["scenarios"],
        }
        if self._has_market:
            updates["market_model"] = self.market_config.to_dict()["market_model"]
        return self.cfg.with_updates(updates)

    @property
    def scenario_result(self) -> Any:
        """The scenario Monte Carlo at this context's seed and paths."""
        return self.scenario_run(self.seed, self.paths)


class _View:
    """An :class:`AssessmentContext` at its own seed and paths: every attribute but ``seed``,
    ``paths`` and ``scenario_result`` is the base context's (computed once, shared)."""

    def __init__(self, base: AssessmentContext, seed: int | None, paths: int | None) -> None:
        self._base, self.seed, self.paths = base, seed, paths

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    @property
    def scenario_result(self) -> Any:
        return self._base.scenario_run(self.seed, self.paths)


# --------------------------------------------------------------------------- registry

#: a section function: context -> Section
SectionFunc = Callable[[AssessmentContext], Section]

#: core sections whose numbers depend on the seed and the paths (the others are computed once
#: per config and shared by every seed and path count; external sections count as stochastic)
STOCHASTIC_SECTIONS: frozenset[str] = frozenset({"scenarios"})

#: the sections defined in this module, in reading order
CORE_SECTIONS: dict[str, SectionFunc] = {}

#: sections defined elsewhere, by ``"module:function"`` (imported only when asked for; a
#: module not in this build makes the section unavailable, not an error). Add one line here.
EXTERNAL_SECTIONS: dict[str, str] = {
    "crash_panel": "reserves.market.panel:assessment_section",
    "sovereigns": "reserves.sovereign.findings:assessment_section",
    "dynamics": "reserves.scenarios.dynamics_section:assessment_section",
}

#: the technical note's own sections (``papers/build.py``), like :data:`EXTERNAL_SECTIONS`
#: but not findings of the briefing
PAPER_SECTIONS: dict[str, str] = {
    "paper_thresholds": "reserves.sovereign.dominance_table:assessment_section",
    "paper_impact_laws": "reserves.market.impact_laws:assessment_section",
    "paper_fragility": "reserves.market.fragility_table:assessment_section",
    "c16_sensitivity": "reserves.scenarios.c16_sensitivity:assessment_section",
    "sovereigns_detail": "reserves.sovereign.findings:detail_section",
}


def register_section(name: str) -> Callable[[SectionFunc], SectionFunc]:
    """Decorator registering a section function under ``name`` (core sections use it; an
    external module may too, but then the module must be imported before use: prefer a line
    in :data:`EXTERNAL_SECTIONS`)."""

    def deco(func: SectionFunc) -> SectionFunc:
        CORE_SECTIONS[name] = func
        return func

    return deco


def section_names() -> list[str]:
    """Every section name: core first, then external, in registration order."""
    extra = [*EXTERNAL_SECTIONS, *PAPER_SECTIONS]
    return [*CORE_SECTIONS, *(n for n in extra if n not in CORE_SECTIONS)]


def _resolve(name: str) -> SectionFunc:
    if name in CORE_SECTIONS:
        return CORE_SECTIONS[name]
    spec = EXTERNAL_SECTIONS.get(name) or PAPER_SECTIONS.get(name)
    if spec is None:
        raise ReservesError(
            f"unknown assessment section {name!r}",
            field="section",
            fix=f"use one of {section_names()}",
        )
    module, _, func = spec.partition(":")
    mod = importlib.import_module(module)  # ImportError handled by the caller
    if not hasattr(mod, func):
        raise ImportError(f"{module} has no {func} yet")
    return getattr(mod, func)


# --------------------------------------------------------------------------- assessment


@dataclass(frozen=True)
class Assessment:
    """Every headline number of one config at one seed and path count (see the module
    docstring). Sections are computed on first access and kept; ``to_dict()`` computes the
    ones asked for (default: every registered one)."""

    config_name: str
    config_hash: str
    seed: int | None
    paths: int | None
    ctx: AssessmentContext = field(repr=False, compare=False)
    _sections: dict[str, Section] = field(default_factory=dict, repr=False, compare=False)
    _lock: Any = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def config(self) -> ReservesConfig:
        return self.ctx.cfg

    def section(self, name: str) -> Section:
        """The section ``name``, computed now if not yet (a failure is kept as an unavailable
        section whose ``note`` says why)."""
        if name not in section_names():
            raise ReservesError(
                f"unknown assessment section {name!r}",
                field="section",
                fix=f"use one of {section_names()}",
            )
        base = self.ctx._base if isinstance(self.ctx, _View) else self.ctx
        shared = name in CORE_SECTIONS and name not in STOCHASTIC_SECTIONS
        # a seed-free section is computed once for every seed and paths, under the base's lock
        store, lock = (base.sections, base.lock) if shared else (self._sections, self._lock)
        with lock:
            if name in store:
                return store[name]
            try:
                func = _resolve(name)
                sec = func(self.ctx)
            except ImportError as exc:
                sec = Section(name, name, available=False, note=f"not in this build ({exc})")
            except ReservesError as exc:
                sec = Section(name, name, available=False, note=str(exc))
            store[name] = sec
            return sec

    def figure(self, key: str) -> Figure:
        """A figure by its key ``"section.name"``; raises ``KeyError`` naming the section's
        figures when absent."""
        name, _, short = key.partition(".")
        sec = self.section(name)
        if short not in sec.figures:
            raise KeyError(
                f"{key!r}: section {name!r} has {sorted(sec.figures)}"
                + ("" if sec.available else f" (unavailable: {sec.note})")
            )
        return sec.figures[short]

    def text(self, key: str) -> str:
        """The text people read for ``key`` (``n/a`` if the section is unavailable)."""
        try:
            return self.figure(key).text
        except KeyError:
            return units.MISSING

    def computed(self) -> list[str]:
        """Names of the sections computed so far (at this seed and paths)."""
        base = self.ctx._base if isinstance(self.ctx, _View) else self.ctx
        return [n for n in section_names() if n in self._sections or n in base.sections]

    def headline(self, sections: list[str] | None = None) -> dict[str, Figure]:
        """Every figure of ``sections`` (default: the core ones) by key."""
        out: dict[str, Figure] = {}
        for name in sections or list(CORE_SECTIONS):
            for f in self.section(name).figures.values():
                out[f.key] = f
        return out

    def to_dict(self, sections: list[str] | None = None) -> dict[str, Any]:
        """JSON-ready: ``{"config_name", "config_hash", "seed", "paths", "sections": {name:
        Section.to_dict()}, "figures": {key: raw value}, "text": {key: text for people},
        "footnotes": {key: inputs in one line}}`` (the flat maps are for quick lookup, e.g.
        from Typst)."""
        names = sections if sections is not None else section_names()
        secs = {n: self.section(n) for n in names}
        return {
            "config_name": self.config_name,
            "config_hash": self.config_hash,
            "seed": self.seed,
            "paths": self.paths,
            "sections": {n: s.to_dict() for n, s in secs.items()},
            "figures": {
                f.key: f.to_dict()["value"] for s in secs.values() for f in s.figures.values()
            },
            "text": {f.key: f.text for s in secs.values() for f in s.figures.values()},
            "footnotes": {f.key: f.footnote for s in secs.values() for f in s.figures.values()},
        }

    def to_frame(self, sections: list[str] | None = None):  # type: ignore[no-untyped-def]
        """One row per figure: key, label, value, unit, text, footnote (pandas)."""
        import pandas as pd

        rows = [
            {
                "key": f.key,
                "label": f.label,
                "value": f.value,
                "unit": f.unit,
                "text": f.text,
                "footnote": f.footnote,
            }
            for f in self.headline(sections).values()
        ]
        return pd.DataFrame(rows)


_CACHE: OrderedDict[tuple[Any, ...], Assessment] = OrderedDict()
#: one shared context per (config, event, scenarios): the numbers that do not depend on the
#: seed and the paths are computed once for every seed and path count
_BASES: OrderedDict[tuple[Any, ...], AssessmentContext] = OrderedDict()
_CACHE_LOCK = threading.Lock()
#: assessments kept in memory (least recently used dropped first)
CACHE_SIZE = 16


def clear_cache() -> None:
    """Forget every cached assessment."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _BASES.clear()


def _as_config(x: Any, what: str) -> ReservesConfig | None:
    if x is None or isinstance(x, ReservesConfig):
        return x
    if isinstance(x, str | Path):
        return load_config(x)
    raise ConfigError(
        f"{what} must be a path or a ReservesConfig, got {type(x).__name__}",
        field=what,
        fix="pass e.g. configs/baseline.yaml",
    )


def assess(
    config: ReservesConfig | str | Path,
    *,
    seed: int | None = None,
    paths: int | None = None,
    event: ReservesConfig | str | Path | None = None,
    scenarios: ReservesConfig | str | Path | None = None,
) -> Assessment:
    """The assessment of a config (cached by config hash, seed, paths, event and scenarios).

    Parameters
    ----------
    config:
        a validated config or the path of a YAML config.
    seed:
        seed of the scenario Monte Carlo; ``None``: the scenario config's own seed.
    paths:
        Monte Carlo paths per scenario; ``None``: the scenario config's own count.
    event:
        config whose ``market_model`` a config without one borrows (default
        ``configs/events/2025-11-21.yaml``).
    scenarios:
        config whose ``scenarios`` section a config without one simulates (default
        ``configs/scenarios/c17.yaml``).

    Returns
    -------
    Assessment
        nothing is computed yet; sections are computed when asked for.
    """
    cfg = _as_config(config, "config")
    if cfg is None:
        raise ConfigError("assess needs a config", field="config", fix="pass a path")
    for name, v in (("seed", seed), ("paths", paths)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise ConfigError(f"{name} = {v!r} must be a non-negative integer", field=name)
    if paths == 0:
        raise ConfigError("paths = 0: simulate at least one path", field="paths")
    ev = _as_config(event, "event")
    if ev is None and cfg.market_model is None and DEFAULT_EVENT.is_file():
        ev = load_config(DEFAULT_EVENT)
    sc = _as_config(scenarios, "scenarios")
    if sc is None and cfg.scenarios is None and DEFAULT_SCENARIOS.is_file():
        sc = load_config(DEFAULT_SCENARIOS)
    base_key = (
        cfg.content_hash(),
        ev.content_hash() if ev is not None else None,
        sc.content_hash() if sc is not None else None,
    )
    key = (*base_key, seed, paths)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        base = _BASES.get(base_key)
        if base is None:
            base = AssessmentContext(cfg, seed=None, paths=None, event=ev, scenario_defaults=sc)
            _BASES[base_key] = base
        _BASES.move_to_end(base_key)
        a = Assessment(cfg.name, cfg.content_hash(), seed, paths, base.view(seed, paths))
        _CACHE[key] = a
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        while len(_BASES) > CACHE_SIZE:
            _BASES.popitem(last=False)
        return a


# --------------------------------------------------------------------------- core sections

#: actions in the words readers use; "sell" by a sovereign holding nothing is "not involved"
ACTION_WORDS = ("accumulate", "hold", "sell", "not involved")
ACTION_LABELS = (
    "Sovereigns accumulating",
    "Sovereigns holding",
    "Sovereigns selling",
    "Sovereigns not involved (hold no bitcoin, buy none)",
)


def reader_action(action: str, holdings_btc: float) -> str:
    """The action as a reader understands it: a sovereign that holds no bitcoin and would
    "sell" does nothing, so it is ``"not involved"``."""
    if action == "sell" and float(holdings_btc) <= 0:
        return "not involved"
    return action


@register_section("equilibrium")
def equilibrium_section(ctx: AssessmentContext) -> Section:
    """The first pure equilibrium: who accumulates, holds, sells, is not involved; the flows.

    Flows per player from :meth:`SovereignGame.player_flows` (buy cash ``c``, BTC sold ``q``);
    net flow ``sum_i c_i + q_i P0`` at the entry price.
    """
    game, res = ctx.game, ctx.equilibria
    b = SectionBuilder(ctx, "equilibrium", method=str(res.method))
    b.add("n_equilibria", "Pure equilibria found", len(res.equilibria), "count")
    data: dict[str, Any] = {"complete": bool(res.complete), "method": str(res.method)}
    if res.equilibria:
        eq = res.equilibria[0]
        labels = [res.actions[i][int(np.argmax(s))] for i, s in enumerate(eq.strategies)]
        roster = []
        buy = sell_btc = 0.0
        for i, (s, a) in enumerate(zip(game.sovereigns, labels, strict=True)):
            c, q, _, _ = game.player_flows(i, a)
            buy += c
            sell_btc += -q
            roster.append(
                {
                    "name": s.name,
                    "action": a,
                    "reader_action": reader_action(a, s.holdings_btc),
                    "reserves_usd": float(s.reserves_usd),
                    "holdings_btc": float(s.holdings_btc),
                    "buy_ticket_usd": float(s.max_buy_share * s.reserves_usd),
                    "buy_usd": float(c),
                    "sell_btc": float(-q),
                }
            )
        counts = {w: sum(r["reader_action"] == w for r in roster) for w in ACTION_WORDS}
        for w, label in zip(ACTION_WORDS, ACTION_LABELS, strict=True):
            b.add(f"n_{w.replace(' ', '_')}", label, counts[w], "count")
        b.add("buy_usd", "Sovereign buying", buy, "usd")
        b.add("sell_usd", "Sovereign selling", sell_btc * game.price_usd, "usd")
        b.add("net_usd", "Net sovereign flow", buy - sell_btc * game.price_usd, "usd")
        b.add("max_regret_usd", "Largest gain from deviating", float(eq.regret), "usd")
        data["roster"] = roster
        data["groups"] = {
            w: [r["name"] for r in roster if r["reader_action"] == w] for w in ACTION_WORDS
        }
    return b.section("Who does what in equilibrium", **data)


@register_section("dominance")
def dominance_section(ctx: AssessmentContext) -> Section:
    """For whom accumulating is strictly best whatever the others do (C14, "accumulate, never
    sell"): dominance on the payoff tensor (:func:`reserves.nash.pure.dominant_actions`) and
    each sovereign's threshold of the strategic weight ``theta`` above which accumulating
    dominates (:func:`reserves.sovereign.symbolic.dominance_thresholds`)."""
    game = ctx.game
    thresholds: dict[str, Any] = {}
    try:
        from reserves.sovereign.symbolic import dominance_thresholds

        thresholds = {t.player: t for t in dominance_thresholds(game, "theta")}
    except (ImportError, ReservesError):
        thresholds = {}
    if ctx.tensor_ok:
        from reserves.nash.pure import dominant_actions

        g = game.to_game()
        dom = [
            g.actions[i][k] if k is not None else None for i, k in enumerate(dominant_actions(g))
        ]
    elif thresholds:
        dom = ["accumulate" if thresholds[p].holds else None for p in game.players]
    else:
        raise ReservesError(
            "dominance for a roster this large needs the symbolic layer",
            field="sovereigns",
            fix="use fewer sovereigns or install the symbolic layer (sympy)",
        )
    rows = []
    for s, d in zip(game.sovereigns, dom, strict=True):
        t = thresholds.get(s.name)
        rows.append(
            {
                "name": s.name,
                "dominant": d,
                "theta": float(t.value) if t is not None else None,
                "theta_threshold": float(t.threshold) if t is not None else None,
                "threshold_direction": t.direction if t is not None else None,
            }
        )
    b = SectionBuilder(ctx, "dominance", param="theta")
    n_acc = sum(r["dominant"] == "accumulate" for r in rows)
    b.add(
        "n_accumulate_dominant",
        "Sovereigns for whom buying is best whatever others do",
        n_acc,
        "count",
    )
    b.add(
        "n_depends",
        "Sovereigns whose best action depends on the others",
        sum(r["dominant"] is None for r in rows),
        "count",
    )
    return b.section(
        "Is buying always best?",
        rows=rows,
        groups={
            "accumulate": [r["name"] for r in rows if r["dominant"] == "accumulate"],
            "hold": [r["name"] for r in rows if r["dominant"] == "hold"],
            "sell": [r["name"] for r in rows if r["dominant"] == "sell"],
            "depends": [r["name"] for r in rows if r["dominant"] is None],
        },
        has_thresholds=bool(thresholds),
    )


@register_section("demand")
def demand_section(ctx: AssessmentContext) -> Section:
    """The sovereign demand ``D(P0)`` at today's price and its band over equilibria
    (:func:`reserves.demand.demand_schedule`, rule ``"dynamics"``, on the bid grid), and a
    table at multiples of ``P0``."""
    sched = ctx.demand_schedule
    p0 = float(ctx.cfg.market.price_usd)
    prices = np.asarray(sched.prices_usd, float)
    k0 = int(np.argmin(np.abs(prices - p0)))
    b = SectionBuilder(ctx, "demand", rule=sched.rule, price_usd=p0)
    b.add("demand_usd", "Sovereign demand at today's price", sched.demand_usd[k0], "usd")
    b.add("low_usd", "Lowest demand over equilibria", sched.demand_low_usd[k0], "usd")
    b.add("high_usd", "Highest demand over equilibria", sched.demand_high_usd[k0], "usd")
    from reserves.demand import demand_schedule

    tab_prices = p0 * np.asarray(DEMAND_TABLE_RATIOS)
    tab = demand_schedule(ctx.cfg, tab_prices)
    acc = list(getattr(tab, "accumulators", ()) or ())
    rows = [
        {
            "price_usd": float(tab.prices_usd[k]),
            "ratio": float(r),
            "demand_usd": float(tab.demand_usd[k]),
            "low_usd": float(tab.demand_low_usd[k]),
            "high_usd": float(tab.demand_high_usd[k]),
            "n_accumulating": len(acc[k]) if k < len(acc) else None,
            "n_equilibria": int(tab.num_equilibria[k]) if hasattr(tab, "num_equilibria") else None,
        }
        for k, r in enumerate(DEMAND_TABLE_RATIOS)
    ]
    return b.section(
        "Sovereign demand",
        rule=sched.rule,
        correlated=bool(getattr(sched, "correlated", False)),
        table=rows,
        band_is_point=all(r["low_usd"] == r["high_usd"] for r in rows),
    )


@register_section("floor")
def floor_section(ctx: AssessmentContext) -> Section:
    """The trough and liquidations at the reference shock, with and without sovereign bids.

    ``MarketModel.cascade(F)`` solves ``p = P0 (1 - I(F + Lq(p) - D(p) - B(p)))`` for the
    first fixed point below ``P0``; ``F = market_model.shock.shock_usd``.
    """
    model = ctx.market_model
    mm = ctx.market_config.market_model
    shock = float(mm.shock.shock_usd)
    reading = ctx.reference_reading
    has_bids = float(model.sovereign_bids.total_usd) > 0
    without = model.cascade(shock, with_sovereigns=False)
    with_ = model.cascade(shock, with_sovereigns=True) if has_bids else None
    b = SectionBuilder(ctx, "floor", reading=reading, shock_usd=shock)
    p0 = float(model.start_price_usd)
    b.add("start_price_usd", "Price before the shock", p0, "usd_price")
    b.add("shock_usd", "Reference shock (real net outflow)", shock, "usd")
    b.add(
        "trough_without_usd",
        "Trough without sovereign bids",
        without.trough_usd,
        "usd_price",
        sovereign_bids=False,
    )
    b.add("drop_without", "Fall without sovereign bids", -without.drop, "pct", sovereign_bids=False)
    b.add(
        "liquidations_without_usd",
        "Liquidations without sovereign bids",
        without.liquidations_usd,
        "usd",
        sovereign_bids=False,
    )
    b.add(
        "fragility_ratio",
        "Liquidations per dollar of outflow",
        without.fragility_ratio,
        "ratio",
        sovereign_bids=False,
    )
    b.add(
        "sovereign_bids_usd",
        "Sovereign bids resting below the price",
        model.sovereign_bids.total_usd,
        "usd",
    )
    b.add(
        "trough_with_usd",
        "Trough with sovereign bids",
        with_.trough_usd if with_ else None,
        "usd_price",
        sovereign_bids=True,
    )
    b.add(
        "drop_with",
        "Fall with sovereign bids",
        -with_.drop if with_ else None,
        "pct",
        sovereign_bids=True,
    )
    b.add(
        "liquidations_with_usd",
        "Liquidations with sovereign bids",
        with_.liquidations_usd if with_ else None,
        "usd",
        sovereign_bids=True,
    )
    shocks = sorted({*FLOOR_TABLE_SHOCKS_USD, shock})
    t0 = model.troughs(shocks, with_sovereigns=False)
    t1 = model.troughs(shocks, with_sovereigns=True) if has_bids else None
    rows = [
        {
            "shock_usd": float(f),
            "reference": f == shock,
            "trough_without_usd": float(t0.trough_usd[k]),
            "drop_without": float(1 - t0.trough_usd[k] / p0),
            "liquidations_without_usd": float(t0.liquidations_usd[k]),
            "trough_with_usd": float(t1.trough_usd[k]) if t1 is not None else None,
        }
        for k, f in enumerate(shocks)
    ]
    return b.section(
        "The price floor after a shock",
        reading=reading,
        rounds_without=len(without.rounds),
        converged=bool(without.converged),
        include_in_trough=bool(mm.sovereign_bids.include_in_trough),
        table=rows,
        notes=list(ctx.cache.get("bid_notes", [])),
    )


@register_section("breaking")
def breaking_section(ctx: AssessmentContext) -> Section:
    """The smallest outflow that takes the price below the break level (C17: $50,000), with
    and without sovereign bids (:func:`reserves.market.breaking_shock`), and the least
    commitment (a bid wall, :func:`reserves.market.least_commitment`) that holds the level
    against a stress shock twice the breaking one (the ``reserves floor`` default)."""
    from reserves.market import breaking_shock, least_commitment, no_bids

    model = ctx.market_model
    level = float(ctx.market_config.market_model.shock.break_level_usd)
    has_bids = float(model.sovereign_bids.total_usd) > 0
    without = float(breaking_shock(model, level, with_sovereigns=False))
    with_ = float(breaking_shock(model, level, with_sovereigns=True)) if has_bids else None
    stress = 2.0 * without
    bare = model.replace(sovereign_bids=no_bids(model.start_price_usd))
    commit = least_commitment(bare, level, stress) if np.isfinite(stress) else None
    b = SectionBuilder(ctx, "breaking", level_usd=level)
    b.add("level_usd", "Price level to hold", level, "usd_price")
    b.add(
        "shock_without_usd",
        "Shock that breaks the level, no sovereign bids",
        without,
        "usd",
        sovereign_bids=False,
    )
    b.add(
        "shock_with_usd",
        "Shock that breaks the level, with sovereign bids",
        with_,
        "usd",
        sovereign_bids=True,
    )
    b.add("stress_shock_usd", "Stress shock (twice the breaking shock)", stress, "usd")
    b.add(
        "commitment_usd",
        "Least sovereign commitment that holds the level",
        float(commit.commitment_usd) if commit is not None else None,
        "usd",
        shock_usd=stress,
    )
    return b.section(
        "The shock that breaks the floor",
        commitment_status=str(commit.status) if commit is not None else None,
    )


def _level_index(levels: np.ndarray, level: float) -> int:
    return int(np.argmin(np.abs(np.asarray(levels, float) - level)))


@register_section("scenarios")
def scenarios_section(ctx: AssessmentContext) -> Section:
    """Median end prices per scenario and of their mixture (weighted by the C17 priors), the
    5-95% range of the mixture and the C16 volatility probabilities
    (:func:`reserves.scenarios.mixture.simulate_all`)."""
    from reserves.scenarios.simulate import LEVELS

    res = ctx.scenario_result
    meta = res.meta
    paths, seed = int(meta["paths"]), meta["seed"]
    b = SectionBuilder(ctx, "scenarios", paths=paths, seed=seed)
    b.inputs.update(config_name=meta["config_name"], config_hash=meta["config_hash"])
    q = res.mixture_quantiles["price_usd"]
    for lev, short, label in (
        (0.5, "mixture_median_end_usd", "Median end price, all scenarios weighted"),
        (0.05, "mixture_p05_end_usd", "5th percentile end price, all scenarios"),
        (0.95, "mixture_p95_end_usd", "95th percentile end price, all scenarios"),
    ):
        b.add(short, label, float(q[-1, _level_index(LEVELS, lev)]), "usd_price")
    runs = []
    for r in res.runs:
        m = r.metrics
        name = r.name
        b.add(
            f"{name}.median_end_usd",
            f"Median end price, {name.replace('_', ' ')}",
            m.get("price_median_end_usd"),
            "usd_price",
            scenario=name,
        )
        b.add(
            f"{name}.p_below_break",
            f"Chance of falling below the break level, {name.replace('_', ' ')}",
            m.get("p_min_price_below_break"),
            "pct",
            scenario=name,
        )
        runs.append(
            {
                "name": name,
                "prior": float(r.probability),
                "median_end_usd": units.json_number(m.get("price_median_end_usd")),
                "p_below_break": units.json_number(m.get("p_min_price_below_break")),
                "checks": [
                    {
                        "label": c["label"],
                        "date": c["date"],
                        "below_vol_pa": c["below_vol_pa"],
                        "p": c["probability"],
                    }
                    for c in r.checks
                ],
            }
        )
    checks = []
    for k, c in enumerate(res.mixture_checks):
        b.add(
            f"c16_{k}",
            f"Chance volatility is below {units.pct(c['below_vol_pa'])} on {c['date']}",
            c["probability"],
            "pct",
            date=c["date"],
        )
        checks.append(
            {
                "label": c["label"],
                "date": c["date"],
                "below_vol_pa": c["below_vol_pa"],
                "p": c["probability"],
            }
        )
    return b.section(
        "Scenarios to the end of 2028",
        paths=paths,
        seed=seed,
        start_date=str(meta.get("start_date", "")),
        horizon_days=int(meta.get("horizon_days", 0)),
        break_level_usd=float(ctx.scenario_config.scenarios.break_level_usd),
        runs=runs,
        checks=checks,
    )


#: the crash the calibration section predicts out of sample (a file of the panel)
CALIBRATION_EVENT = "crash-2025-11-21"
#: optimizer starts of the leave-one-out refit (as :func:`reserves.market.panel.leave_one_out`)
CALIBRATION_STARTS = 2
#: typical cold time (s) of the refit on the reference machine, for the progress bar
CALIBRATION_S = 8.0
#: the calibration readings in figure labels
READING_LABELS = {"article": "article's reading", "sourced": "public-record reading"}
#: what every calibration figure is, for footnotes and hovers
CALIBRATION_FIT = "panel fitted without 21 Nov 2025 (leave-one-out)"


@register_section("calibration")
def calibration_section(ctx: AssessmentContext) -> Section:
    """The crash of 21 November 2025 predicted OUT OF SAMPLE by the crash panel (issue 12).

    The structural parameters are refitted on the other crashes of the panel
    (:func:`reserves.market.panel.fit_panel`, the leave-one-out fold of ``reserves calibrate
    configs/events/``); with them, the crash is predicted from its observables: (i) the shock
    that reproduces its trough, the liquidations and long share it predicts
    (``loo_liq_ratio`` = predicted / observed, ``loo_long_share``), the range of shocks
    consistent with the trough over the priors the panel does not identify and the fragility
    ratio (observed liquidations / shock) over that range; (ii) the trough its liquidations
    imply (``loo_trough_error`` = predicted / observed - 1). The ratio, the errors and the
    central shock are the committed leave-one-out table's (the same digits as the
    ``crash_panel`` section); the range and the two readings come from the refit fold.

    Each reading of the article's figures (``article``: $200M of real selling, C3;
    ``sourced``: the -$903M ETF day) is run through the fold's timed cascade: the fall and
    liquidations the model gives at that shock, and the fragility ratio the reading implies
    (the observed bitcoin liquidations / its shock, comparable with the range). The v0.1
    single-event fit is exactly identified (three free parameters for three targets), so it
    is not reported: it is no evidence.
    """

    from reserves.market.events import load_event, load_panel
    from reserves.market.panel import DEFAULT_PARAMS_PATH, cached_params, fit_panel, load_loo
    from reserves.market.panel import predict_event as _predict
    from reserves.market.structural import timed_cascade
    from reserves.safe import files_hash
    from reserves.section_cache import cached_section

    cal = ctx.calibration_config.market_model.calibration
    if cal is None or not cal.readings:
        raise ConfigError(
            "market_model.calibration has no readings", field="market_model.calibration"
        )
    events_dir = DEFAULT_PARAMS_PATH.parents[1] / "events"
    event_path = events_dir / f"{CALIBRATION_EVENT}.yaml"
    if not event_path.is_file():
        raise ConfigError(
            f"{event_path}: the crash file is missing",
            field="events",
            fix="restore configs/events/ (the crash panel)",
        )
    loo = load_loo(None)
    stored = next((r for r in loo.get("events", []) if r["name"] == CALIBRATION_EVENT), None)
    panel_hash = files_hash([*sorted(events_dir.glob("crash-*.yaml")), DEFAULT_PARAMS_PATH])
    readings = [(rd.name, float(rd.shock_usd), rd) for rd in cal.readings]
    key = {
        "config_hash": ctx.cfg.content_hash(),
        "panel": panel_hash,
        "readings": [[n, s] for n, s, _ in readings],
    }

    def compute() -> Section:
        params = cached_params(None)
        event = load_event(event_path)
        others = [e for e in load_panel(events_dir) if e.label != CALIBRATION_EVENT]
        fold = fit_panel(others, impact_kind=params.impact_kind, starts=CALIBRATION_STARTS)
        pred = _predict(event, fold.params)
        # the committed leave-one-out row when there is one (the crash_panel section's digits),
        # else this refit's (the same fold: they agree to the optimizer's tolerance)
        row = dict(stored) if stored is not None else pred.to_dict()
        b = SectionBuilder(ctx, "calibration", fit=CALIBRATION_FIT, event=event.date.isoformat())
        obs = {"fit": f"observed (configs/events/{CALIBRATION_EVENT}.yaml)"}
        b.add("price_before_usd", "Price before the crash", event.price_before_usd, "usd_price",
              **obs)  # fmt: skip
        b.add("observed_trough_usd", "Observed low", event.trough_usd, "usd_price", **obs)
        b.add("observed_liquidations_usd", "Observed forced sales (bitcoin)",
              event.liquidations_usd, "usd_short", **obs)  # fmt: skip
        b.add("observed_long_share", "Observed share of longs in forced sales",
              event.long_share, "pct", **obs)  # fmt: skip
        b.add("loo_predicted_liquidations_usd", "Forced sales predicted at the observed low, "
              "out of sample", row["predicted_liquidations_usd"], "usd_short")  # fmt: skip
        b.add("loo_liq_ratio", "Predicted / observed forced sales, out of sample",
              row["loo_liquidations_ratio"], "ratio")  # fmt: skip
        b.add("loo_predicted_trough_usd", "Low predicted from the forced sales, out of sample",
              row["predicted_trough_usd"], "usd_price")  # fmt: skip
        b.add("loo_trough_error", "Error of that predicted low, out of sample",
              row["loo_trough_error"], "pct")  # fmt: skip
        b.add("loo_long_share", "Predicted share of longs, out of sample",
              row["predicted_long_share"], "pct")  # fmt: skip
        b.add("loo_long_share_error_pts", "Error of that share, in points",
              round(100.0 * row["loo_long_share_error"], 1), "number")  # fmt: skip
        b.add("implied_shock_usd", "Real selling that reproduces the low, out of sample",
              row["implied_shock_usd"], "usd_short")  # fmt: skip
        lo, hi = pred.shock_range_usd
        flo, fhi = pred.fragility_range
        b.add("shock_low_usd", "Smallest real selling consistent with the low", lo, "usd_short")
        b.add("shock_high_usd", "Largest real selling consistent with the low", hi, "usd_short")
        b.add("fragility_low", "Forced sales per $ of selling, low end", flo, "ratio")
        b.add("fragility_high", "Forced sales per $ of selling, high end", fhi, "ratio")
        shocks = np.array([s for _, s, _ in readings])
        run = timed_cascade(event, fold.params, shocks)
        out_readings = []
        for i, (name, shock, rd) in enumerate(readings):
            liq = float(run["long_liquidated_usd"][i] + run["short_liquidated_usd"][i])
            ins = {"reading": name, "shock_usd": shock}
            name_w = READING_LABELS.get(name, f"{name} reading")
            b.add(f"{name}.shock_usd", f"Real net selling, {name_w}", shock, "usd", **ins)
            b.add(f"{name}.trough_usd", f"Model's low at that selling, {name_w}",
                  float(run["trough_usd"][i]), "usd_price", **ins)  # fmt: skip
            b.add(f"{name}.drop", f"Model's fall at that selling, {name_w}",
                  float(run["drop"][i]), "pct", **ins)  # fmt: skip
            b.add(f"{name}.liquidations_usd", f"Model's forced sales at that selling, "
                  f"{name_w}", liq, "usd_short", **ins)  # fmt: skip
            model_ratio = liq / shock if shock > 0 else None
            b.add(f"{name}.model_fragility_ratio", f"Model's forced sales per $ of selling, "
                  f"{name_w}", model_ratio, "ratio", **ins)  # fmt: skip
            # the fragility the reading implies: observed bitcoin liquidations / its selling
            # (the same numerator as the range, so the two compare)
            claimed = event.liquidations_usd / shock if shock > 0 else None
            b.add(f"{name}.claimed_fragility_ratio", f"Forced sales per $ of selling if the "
                  f"selling of the {name_w} caused the fall", claimed, "ratio", **ins)  # fmt: skip
            b.add(f"{name}.target_trough_usd", f"Low in the {name_w}", float(rd.trough_usd),
                  "usd_price", **ins, fit="as the reading states it")  # fmt: skip
            out_readings.append(
                {
                    "reading": name,
                    "shock_usd": shock,
                    "model_trough_usd": float(run["trough_usd"][i]),
                    "model_drop": float(run["drop"][i]),
                    "model_liquidations_usd": liq,
                    "reading_liquidations_usd_all_coins": float(rd.liquidations_usd),
                    "claimed_trough_usd": float(rd.trough_usd),
                    "claimed_fragility_ratio": claimed,
                    "within_shock_range": bool(lo <= shock <= hi),
                }
            )
        return b.section(
            "The crash of 21 November 2025, predicted out of sample",
            event=CALIBRATION_EVENT,
            fit=CALIBRATION_FIT,
            loo=row,
            loo_source="committed leave-one-out table" if stored is not None else "refit",
            meets_targets=bool(row["meets_targets"]),
            refit=pred.to_dict(),
            fold_params=fold.params.values(),
            readings=out_readings,
            in_sample_note=(
                "The v0.1 fit of this one crash had three free parameters for three targets "
                "(exactly identified): it reproduced the crash by construction and is not "
                "evidence, so it is not reported."
            ),
        )

    return cached_section("calibration", key, compute, estimate_s=CALIBRATION_S)
