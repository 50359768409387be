"""Assemble a :class:`~reserves.briefing.model.Briefing` from a config.

Each headline finding comes from one section function (:mod:`reserves.briefing.sections`);
its wording comes from ``templates/phrases.yaml`` (Jinja2 strings an analyst can edit).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from reserves import units as fmt
from reserves.assessment import Assessment
from reserves.briefing.model import Briefing, Figure, Finding, Footer, LayerStatus, Table
from reserves.briefing.sections import FINDING_SECTIONS, FINDINGS, ChartSpec, Part, Unavailable
from reserves.config import ReservesConfig, load_config
from reserves.errors import ConfigError
from reserves.safe import load_yaml_mapping

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
        usd_short=fmt.usd_short,
        usd=fmt.usd,
        usd_price=fmt.usd_price,
        usd_bn=fmt.usd_bn,
        btc=fmt.btc,
        pct=fmt.pct,
        num=fmt.num,
        date=fmt.date_text,
    )
    env.globals["names"] = _names
    return env


@lru_cache(maxsize=1)
def _phrases_cached(mtime: float) -> dict[str, Any]:
    return load_yaml_mapping(TEMPLATE_DIR / "phrases.yaml")  # packaged, read like any input


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


def _event(event_config: Any) -> ReservesConfig | None:
    """The calibration event argument (a path or a config) as a config with a market model."""
    if event_config is None:
        return None
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
    return event_config


def _render_chart(spec: ChartSpec, finding: str) -> Figure | None:
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
    return Figure(spec.key, spec.title, spec.takeaway, png, int(w), int(h), finding)


def _figure_maps(a: Assessment, names: list[str]) -> tuple[dict[str, str], dict[str, Any]]:
    """(key -> text, key -> raw value) of every figure of the available sections; a key of an
    unavailable section reads ``n/a`` / None (templates test ``V[...] is not none``)."""
    texts: dict[str, str] = _Missing(fmt.MISSING)
    values: dict[str, Any] = _Missing(None)
    for n in names:
        sec = a.section(n)
        for f in sec.figures.values():
            texts[f.key] = f.text
            values[f.key] = f.value
    return texts, values


class _Missing(dict):  # type: ignore[type-arg]
    """A dict that answers a default for a missing key (a section not computed)."""

    def __init__(self, default: Any) -> None:
        super().__init__()
        self.default = default

    def __missing__(self, key: str) -> Any:
        return self.default


def build_briefing(
    cfg: ReservesConfig | str | Path,
    *,
    seed: int | None = None,
    paths: int | None = None,
    event_config: Any = None,
    date: _dt.date | str | None = None,
    extra_sections: Sequence[str] | None = None,
) -> Briefing:
    """Build the policy briefing of a config from its assessment
    (:func:`reserves.assessment.assess`): the bottom line, findings with their charts,
    tables, a glossary, the assumptions and an annex of claims, inputs and sources.

    Parameters
    ----------
    cfg:
        a validated config, or the path of a YAML config.
    seed, paths:
        seed and paths per scenario of the scenario Monte Carlo; ``None``: the scenario
        config's own (as ``reserves simulate`` and ``reserves assess``). The same config,
        seed and paths give the same digits as every other surface.
    event_config:
        the calibration event (path such as ``configs/events/2025-11-21.yaml``) whose market
        model a config without one borrows; recorded in the footer by name and SHA-256.
    date:
        the date printed in the footer (ISO text or a date); default today. It is the only
        text that changes from one day to the next.
    extra_sections:
        the assessment sections other modules register
        (:data:`reserves.assessment.EXTERNAL_SECTIONS`) to add as findings after the core
        ones; default every registered one that is available.

    Returns
    -------
    Briefing
        plain data; render it with :func:`reserves.briefing.render_briefing`.
    """
    from reserves.assessment import EXTERNAL_SECTIONS, assess

    config_arg = "CONFIG"
    if isinstance(cfg, str | Path):
        config_arg = str(cfg)
        cfg = load_config(cfg)
    if not isinstance(cfg, ReservesConfig):
        raise ConfigError(
            f"build_briefing needs a ReservesConfig or a path, got {type(cfg).__name__}",
            fix="use reserves.load_config(path)",
        )
    for name, v in (("seed", seed), ("paths", paths)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise ConfigError(f"{name} = {v!r} must be a non-negative integer", field=name)
    if date is None:
        date = _dt.date.today()
    date_text = date.isoformat() if isinstance(date, _dt.date) else str(date)
    event = _event(event_config)
    a = assess(cfg, seed=seed, paths=paths, event=event)
    words = phrases()
    env = jinja_environment()
    m = cfg.market
    head = {
        "config_name": cfg.name,
        "n_sovereigns": len(cfg.players),
        "n_players": len(cfg.players),
        "price_usd": m.price_usd,
        "market_cap_usd": m.market_cap_usd,
        "horizon_years": m.horizon_years,
    }

    findings: list[Finding] = []
    tables: list[Table] = []
    charts: list[tuple[ChartSpec, str]] = []
    layers: list[LayerStatus] = []
    parts: dict[str, Part] = {}
    for key, func in FINDINGS.items():
        spec = words["findings"][key]
        try:
            part = func(a)
        except Unavailable as exc:
            findings.append(
                Finding(
                    key,
                    _say(env, spec["heading"], **_template_vars(a, head)),
                    _say(env, words["not_computed"], what=exc.what, why=exc.why),
                    computed=False,
                )
            )
            layers.append(LayerStatus(_layer_name(words, key), False, exc.why))
            continue
        parts[key] = part
        values = {**_template_vars(a, head), **part.data}
        findings.append(
            Finding(
                key,
                _say(env, spec["heading"], **values),
                _say(env, spec["text"], **values),
                footnote=part.footnote,
            )
        )
        tables.extend(part.tables)
        charts.extend((c, key) for c in part.charts)
        layers.append(LayerStatus(_layer_name(words, key), True))
    extras = list(EXTERNAL_SECTIONS) if extra_sections is None else list(extra_sections)
    for name in extras:  # sections other modules add (crash panel, estimates, ...)
        sec = a.section(name)
        if not sec.available:
            continue
        summary = str(sec.data.get("summary", "")) or "; ".join(
            f"{f.label}: {f.text}" for f in sec.figures.values()
        )
        first = next(iter(sec.figures.values()), None)
        findings.append(Finding(name, sec.title, summary, footnote=first.footnote if first else ""))
        if sec.figures:
            tables.append(
                Table(
                    name,
                    sec.title,
                    ("Number", "Value"),
                    tuple((f.label, f.text) for f in sec.figures.values()),
                    ("l", "r"),
                )
            )
        layers.append(LayerStatus(sec.title, True))

    figures = tuple(f for f in (_render_chart(c, key) for c, key in charts) if f is not None)
    from reserves import __version__

    command = f"reserves brief {config_arg} -o briefing.pdf"
    if seed is not None:
        command += f" --seed {seed}"
    if paths is not None:
        command += f" --paths {paths}"
    if isinstance(event_config, str | Path):
        command += f" --event {event_config}"
    ev = a.ctx.event
    scen = a.section("scenarios")
    footer = Footer(
        package_version=__version__,
        config_name=cfg.name,
        config_hash=cfg.content_hash(),
        seed=int(scen.data["seed"]) if scen.available else (seed if seed is not None else -1),
        date=date_text,
        event_name=ev.name if ev is not None and cfg.market_model is None else None,
        event_hash=ev.content_hash() if ev is not None and cfg.market_model is None else None,
        command=command,
        paths=int(scen.data["paths"]) if scen.available else paths,
    )
    tvars = _template_vars(a, head)
    return Briefing(
        title=_say(env, words["title"], **head),
        subtitle=_say(env, words["subtitle"], **head),
        summary=_bottom_line(env, words, a, parts, tvars),
        findings=tuple(findings),
        figures=figures,
        tables=tuple(tables),
        assumptions=tuple(_say(env, x, **head) for x in words.get("assumptions", ())),
        sources=tuple(_sources(cfg, a)),
        footer=footer,
        layers=tuple(layers),
        labels={k: str(v) for k, v in words.get("labels", {}).items()},
        glossary=tuple((str(t), str(d)) for t, d in words.get("glossary", ())),
        claims=tuple(
            (str(c["id"]), str(c["says"]), _say(env, c["found"], **tvars))
            for c in words.get("claims", ())
        ),
        annex_tables=(_market_table(cfg),),
        numbers=tuple(
            (f.label, f.text, _short_footnote(f.footnote, cfg))
            for name in FINDING_SECTIONS.values()
            if a.section(name).available
            for f in a.section(name).figures.values()
        ),
    )


def _short_footnote(footnote: str, cfg: ReservesConfig) -> str:
    """The inputs without the briefing's own config (named once, under Reproducibility)."""
    own = f"config {cfg.name} ({cfg.content_hash()})"
    parts = [p for p in footnote.split("; ") if p != own]
    return "; ".join(parts) or "the configuration only"


def _template_vars(a: Assessment, head: dict[str, Any]) -> dict[str, Any]:
    from reserves.assessment import CORE_SECTIONS

    texts, values = _figure_maps(a, list(CORE_SECTIONS))
    return {**head, "T": texts, "V": values}


def _bottom_line(
    env: jinja2.Environment,
    words: dict[str, Any],
    a: Assessment,
    parts: dict[str, Part],
    tvars: dict[str, Any],
) -> str:
    """The "what this means" paragraph: one sentence group per available finding."""
    bl = words["bottom_line"]
    out: list[str] = []
    eq = parts.get("equilibrium")
    if eq is not None:
        out.append(
            _say(
                env,
                bl["equilibrium"],
                **tvars,
                n_acc=len(eq.data["accumulators"]),
                accumulators=eq.data["accumulators"],
                sellers=eq.data["sellers"],
            )
        )
    fl = parts.get("floor")
    if fl is not None:
        key = "floor" if fl.data["has_bids"] else "floor_no_bids"
        out.append(_say(env, bl[key], **tvars, small_lift=fl.data["small_lift"]))
    if "calibration" in parts and "calibration" in bl:
        out.append(_say(env, bl["calibration"], **tvars))
    if "break_shock" in parts:
        out.append(_say(env, bl["breaking"], **tvars))
    ns = parts.get("never_sell")
    if ns is not None:
        n_dom = len(ns.data["holds_for"])
        key = "dominance_all" if n_dom == tvars["n_players"] else "dominance"
        out.append(_say(env, bl[key], **tvars, n_dom=n_dom))
    if "scenarios" in parts:
        out.append(_say(env, bl["scenarios"], **tvars))
    return " ".join(x for x in out if x)


def _layer_name(words: dict[str, Any], key: str) -> str:
    return str(words.get("layer_names", {}).get(key, key))


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
            "Price impact (market value moved per dollar of net buying)",
            fmt.ratio(m.flow_multiplier),
            src.get("flow_multiplier", ""),
        ),
        ("Volatility", f"{fmt.pct(m.vol_pa)} a year", src.get("vol_pa", "")),
        ("Horizon", f"{fmt.num(m.horizon_years)} years", src.get("horizon_years", "")),
        (
            "Long-run value belief",
            fmt.usd_price(m.value_belief_usd),
            src.get("value_belief_usd", ""),
        ),
    )
    return Table(
        "market",
        "Market inputs",
        ("Input", "Value", "Source"),
        rows,
        ("l", "r", "l"),
        'Claim ids (C1 ... C18) refer to the source article\'s claims, Annex A; "assumption" '
        "marks a value chosen, not measured.",
    )


def _sources(cfg: ReservesConfig, a: Assessment) -> list[tuple[str, str]]:
    """(who, "field: source; ...") for the config's own sources, market first, then the
    market model actually used (the config's or the borrowed event's)."""
    out: list[tuple[str, str]] = []
    if cfg.sources:
        out.append(("Config", "; ".join(f"{k}: {v}" for k, v in cfg.sources.items())))
    for s in cfg.sovereigns:
        if s.sources:
            out.append((s.name, "; ".join(f"{k}: {v}" for k, v in s.sources.items())))
    mm = cfg.market_model
    if mm is None and a.ctx.event is not None:
        mm = a.ctx.event.market_model
    if mm is not None and getattr(mm, "sources", None):
        out.append(("Market model", "; ".join(f"{k}: {v}" for k, v in mm.sources.items())))
    out.append(
        (
            "Claims C1-C18",
            "the source article's figures (an opinion piece on the 21 November 2025 crash) "
            "and their cross-check against public sources, kept in the project's claims "
            "register",
        )
    )
    return out
