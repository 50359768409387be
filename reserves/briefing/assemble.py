"""Assemble a :class:`~reserves.briefing.model.Briefing` from a config.

Each headline finding comes from one section function (:mod:`reserves.briefing.sections`);
its wording comes from ``templates/phrases.yaml`` (Jinja2 strings an analyst can edit).
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from reserves import units as fmt
from reserves.briefing.model import Briefing, Figure, Finding, Footer, LayerStatus, Table
from reserves.briefing.sections import SECTIONS, ChartSpec, Context, Section, Unavailable
from reserves.config import ReservesConfig, default_config_path, load_config
from reserves.errors import ConfigError, ReservesError

__all__ = ["TEMPLATE_DIR", "build_briefing", "jinja_environment", "phrases"]

#: folder of the wording and layout templates (shipped as package data)
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def _names(items: Any) -> str:
    """``["A", "B", "C"] -> "A, B and C"``."""
    items = [str(x) for x in items or ()]
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def jinja_environment(**options: Any) -> jinja2.Environment:
    """The Jinja2 environment of every briefing template, with the number filters of
    :mod:`reserves.briefing.fmt` and the ``names`` helper."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        **options,
    )
    env.filters.update(
        usd=fmt.usd,
        usd_price=fmt.usd_price,
        usd_bn=fmt.usd_bn,
        btc=fmt.btc,
        pct=fmt.pct,
        num=fmt.num,
    )
    env.globals["names"] = _names
    return env


@lru_cache(maxsize=1)
def _phrases_cached(mtime: float) -> dict[str, Any]:
    return yaml.safe_load((TEMPLATE_DIR / "phrases.yaml").read_text(encoding="utf-8"))


def phrases() -> dict[str, Any]:
    """The wording file ``templates/phrases.yaml`` as a mapping (re-read when edited)."""
    path = TEMPLATE_DIR / "phrases.yaml"
    return _phrases_cached(path.stat().st_mtime)


_SPACE_BEFORE = re.compile(r"\s+([.,;:)!?])")
_SPACE_AFTER = re.compile(r"\(\s+")


def _say(env: jinja2.Environment, template: str, **data: Any) -> str:
    """Render one wording template and tidy its whitespace into one paragraph."""
    text = env.from_string(template).render(**data)
    text = " ".join(text.split())
    text = _SPACE_BEFORE.sub(r"\1", text)
    return _SPACE_AFTER.sub("(", text).strip()


#: the calibration event used when neither the config nor the caller gives a market model
DEFAULT_EVENT = default_config_path().parent / "events" / "2025-11-21.yaml"

#: the scenario config used when the config has no ``scenarios`` section
DEFAULT_SCENARIOS = default_config_path().parent / "scenarios" / "c17.yaml"


def _event(event_config: Any) -> tuple[ReservesConfig | None, str | None, str | None]:
    """(config, name, content hash) of the calibration event argument (a path or a config)."""
    if event_config is None:
        return None, None, None
    if isinstance(event_config, str | Path):
        event_config = load_config(event_config)
    if not isinstance(event_config, ReservesConfig):
        raise ConfigError(
            f"event_config must be a path or a ReservesConfig, got {type(event_config).__name__}",
            field="event",
            fix="pass e.g. configs/events/2025-11-21.yaml",
        )
    if event_config.market_model is None:
        raise ConfigError(
            f"event config {event_config.name!r} has no market_model section",
            field="event",
            fix="pass e.g. configs/events/2025-11-21.yaml",
        )
    return event_config, event_config.name, event_config.content_hash()


def _render_chart(spec: ChartSpec) -> Figure | None:
    try:
        from reserves.charts import to_png
    except ModuleNotFoundError:  # pragma: no cover - charts ship with the package
        return None
    import struct

    chart = spec.make()
    try:
        png = to_png(chart, scale=2.0)
    except TypeError:  # data the JSON encoder cannot write (e.g. datetime.date): as text
        import json

        png = to_png(json.loads(json.dumps(chart.to_dict(), default=str)), scale=2.0)
    w, h = struct.unpack(">II", png[16:24])  # IHDR width and height
    return Figure(spec.key, spec.title, spec.caption, png, int(w), int(h))


def build_briefing(
    cfg: ReservesConfig | str | Path,
    *,
    seed: int = 0,
    event_config: Any = None,
    date: _dt.date | str | None = None,
) -> Briefing:
    """Build the policy briefing of a config: findings, charts, tables, assumptions, sources.

    Parameters
    ----------
    cfg:
        a validated config, or the path of a YAML config.
    seed:
        seed of every random draw (the scenario layer); the same config and seed give the
        same text.
    event_config:
        the calibration event (path such as ``configs/events/2025-11-21.yaml``), passed to
        the market layer; recorded in the footer by name and SHA-256 (16 hex digits).
    date:
        the date printed in the footer (ISO text or a date); default today. It is the only
        text that changes from one day to the next.

    Returns
    -------
    Briefing
        plain data; render it with :func:`reserves.briefing.render_briefing`.

    Notes
    -----
    Each headline finding comes from one function of :data:`reserves.briefing.sections.SECTIONS`.
    A finding whose layer is missing from this build says "Not computed in this build"; one
    whose layer rejects the config says why in one line.
    """
    config_arg = "CONFIG"
    if isinstance(cfg, str | Path):
        config_arg = str(cfg)
        cfg = load_config(cfg)
    if not isinstance(cfg, ReservesConfig):
        raise ConfigError(
            f"build_briefing needs a ReservesConfig or a path, got {type(cfg).__name__}",
            fix="use reserves.load_config(path)",
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError(f"seed = {seed!r} must be a non-negative integer", field="seed")
    if date is None:
        date = _dt.date.today()
    date_text = date.isoformat() if isinstance(date, _dt.date) else str(date)

    if event_config is None and cfg.market_model is None and DEFAULT_EVENT.is_file():
        event_config = DEFAULT_EVENT
    event, event_name, event_hash = _event(event_config)
    scen = None
    if cfg.scenarios is None and DEFAULT_SCENARIOS.is_file():
        try:
            scen = load_config(DEFAULT_SCENARIOS)
        except ConfigError:  # the scenario layer is not in this build
            scen = None
    ctx = Context(cfg, seed=seed, event_config=event, scenario_config=scen)
    words = phrases()
    env = jinja_environment()

    findings: list[Finding] = []
    tables: list[Table] = []
    charts: list[ChartSpec] = []
    layers: list[LayerStatus] = []
    for key, func in SECTIONS.items():
        spec = words["findings"][key]
        section: Section | None = None
        try:
            section = func(ctx)
        except Unavailable as exc:
            heading = _say(env, spec["heading"], **_heading_defaults(cfg))
            text = _say(env, words["not_computed"], what=exc.what, module=exc.module)
            findings.append(Finding(key, heading, text, computed=False))
            layers.append(LayerStatus(_layer_name(words, key), False, str(exc)))
            continue
        except ReservesError as exc:
            heading = _say(env, spec["heading"], **_heading_defaults(cfg))
            text = _say(env, words["could_not_compute"], error=str(exc))
            findings.append(Finding(key, heading, text, computed=False))
            layers.append(LayerStatus(_layer_name(words, key), False, str(exc)))
            continue
        values = {**_heading_defaults(cfg), **section.data}
        findings.append(
            Finding(key, _say(env, spec["heading"], **values), _say(env, spec["text"], **values))
        )
        tables.extend(section.tables)
        charts.extend(section.charts)
        layers.append(LayerStatus(_layer_name(words, key), True))

    figures = tuple(f for f in (_render_chart(c) for c in charts) if f is not None)
    m = cfg.market
    head = {
        "config_name": cfg.name,
        "n_sovereigns": len(cfg.players),
        "price_usd": m.price_usd,
        "market_cap_usd": m.market_cap_usd,
    }
    from reserves import __version__

    command = f"reserves brief {config_arg} -o briefing.pdf --seed {seed}"
    if isinstance(event_config, str | Path):
        command += f" --event {event_config}"
    footer = Footer(
        package_version=__version__,
        config_name=cfg.name,
        config_hash=cfg.content_hash(),
        seed=seed,
        date=date_text,
        event_name=event_name,
        event_hash=event_hash,
        command=command,
    )
    return Briefing(
        title=_say(env, words["title"], **head),
        subtitle=_say(env, words["subtitle"], **head),
        summary=_say(env, words["summary"], **head),
        findings=tuple(findings),
        figures=figures,
        tables=(*tables, _market_table(cfg)),
        assumptions=tuple(_say(env, a, **head) for a in words.get("assumptions", ())),
        sources=tuple(_sources(cfg)),
        footer=footer,
        layers=tuple(layers),
        labels={k: str(v) for k, v in words.get("labels", {}).items()},
    )


def _layer_name(words: dict[str, Any], key: str) -> str:
    return str(words.get("layer_names", {}).get(key, key))


def _heading_defaults(cfg: ReservesConfig) -> dict[str, Any]:
    """Variables every heading may use, even when its section is not computed."""
    level = 50_000.0
    mm = cfg.market_model
    if mm is not None:
        level = float(mm.shock.break_level_usd)
    return {"level_usd": level}


def _market_table(cfg: ReservesConfig) -> Table:
    """The market inputs with units and sources."""
    m = cfg.market
    src = m.sources
    rows = (
        ("Bitcoin price", fmt.usd_price(m.price_usd), src.get("price_usd", "")),
        ("Circulating supply", fmt.btc(m.supply_btc), src.get("supply_btc", "")),
        ("Market capitalisation", fmt.usd(m.market_cap_usd), "price x supply"),
        # m: USD of market capitalisation per USD of net flow (inelastic markets)
        (
            "Flow multiplier m",
            f"{m.flow_multiplier:g}x",
            src.get("flow_multiplier", ""),
        ),
        ("Volatility", f"{fmt.pct(m.vol_pa)} a year", src.get("vol_pa", "")),
        ("Horizon", f"{m.horizon_years:g} years", src.get("horizon_years", "")),
        (
            "Long-run value belief",
            fmt.usd_price(m.value_belief_usd),
            src.get("value_belief_usd", ""),
        ),
    )
    return Table("market", "Market inputs", ("Input", "Value", "Source"), rows, ("l", "r", "l"))


def _sources(cfg: ReservesConfig) -> list[tuple[str, str]]:
    """(who, "field: source; ...") for the config's own sources, market first."""
    out: list[tuple[str, str]] = []
    if cfg.sources:
        out.append(("Config", "; ".join(f"{k}: {v}" for k, v in cfg.sources.items())))
    for s in cfg.sovereigns:
        if s.sources:
            out.append((s.name, "; ".join(f"{k}: {v}" for k, v in s.sources.items())))
    mm = cfg.market_model
    if mm is not None and getattr(mm, "sources", None):
        out.append(("Market model", "; ".join(f"{k}: {v}" for k, v in mm.sources.items())))
    out.append(
        (
            "Claims C1-C18",
            "shared/seed/CLAIMS.md: the source article's figures and "
            "their cross-check against public sources",
        )
    )
    return out
