"""The briefing as plain data: what every renderer (md, html, docx, pdf) draws from.

A :class:`Briefing` holds finished text fragments, tables as rows of already formatted
strings, figures as PNG bytes, the assumptions, the sources and the reproducibility footer.
It is built by :func:`reserves.briefing.build_briefing` and never recomputes anything, so the
four formats say the same thing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Briefing", "Figure", "Finding", "Footer", "LayerStatus", "Table"]


@dataclass(frozen=True)
class Finding:
    """One headline finding.

    Attributes
    ----------
    key:
        stable identifier (``equilibrium``, ``never_sell``, ``demand_band``, ``floor``,
        ``break_shock``, ``scenarios``).
    heading:
        short heading.
    text:
        one paragraph of plain text (no markup).
    computed:
        False when the layer behind it is not available in this build and ``text`` says so.
    footnote:
        the inputs behind its numbers (reading, shock, paths, seed, config hash).
    """

    key: str
    heading: str
    text: str
    computed: bool = True
    footnote: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "heading": self.heading,
            "text": self.text,
            "computed": self.computed,
            "footnote": self.footnote,
        }


@dataclass(frozen=True)
class Table:
    """A table of formatted strings; ``align`` is ``"l"`` or ``"r"`` per column."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[str, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "align": list(self.align),
            "note": self.note,
        }


@dataclass(frozen=True)
class Figure:
    """A chart rendered to PNG (``png``) at ``width_px`` x ``height_px`` (2x scale).

    ``caption`` is the one-line takeaway; ``finding`` the key of the finding it illustrates
    (the renderers place it right after that finding).
    """

    key: str
    title: str
    caption: str
    png: bytes
    width_px: int = 0
    height_px: int = 0
    finding: str = ""

    @property
    def data_uri(self) -> str:
        """``data:image/png;base64,...`` for self-contained HTML."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    @property
    def filename(self) -> str:
        return f"{self.key}.png"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "caption": self.caption,
            "filename": self.filename,
            "width_px": self.width_px,
            "height_px": self.height_px,
            "finding": self.finding,
        }


@dataclass(frozen=True)
class LayerStatus:
    """Whether a model layer contributed to this briefing (``available``) and a note why not."""

    layer: str
    available: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "available": self.available, "note": self.note}


@dataclass(frozen=True)
class Footer:
    """Reproducibility: package version, config hash, seed, date and the command to rerun."""

    package_version: str
    config_name: str
    config_hash: str
    seed: int
    date: str
    event_name: str | None = None
    event_hash: str | None = None
    command: str = ""
    paths: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "package_version": self.package_version,
            "config_name": self.config_name,
            "config_hash": self.config_hash,
            "seed": self.seed,
            "date": self.date,
            "event_name": self.event_name,
            "event_hash": self.event_hash,
            "command": self.command,
            "paths": self.paths,
        }


@dataclass(frozen=True)
class Briefing:
    """A complete policy briefing as plain data (see the module docstring).

    ``summary`` is the bottom line ("what this means"), read first. ``labels`` are the
    section headings and fixed phrases from the wording file (``templates/phrases.yaml``), so
    the renderers hold no wording of their own. ``glossary`` is (term, meaning); ``claims``
    the annex of the source article's claims (id, what it says, what the briefing found);
    ``annex_tables`` the input tables of the annex; ``numbers`` every headline number as
    (label, text, inputs), the provenance table.
    """

    title: str
    subtitle: str
    summary: str
    findings: tuple[Finding, ...]
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...]
    assumptions: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    footer: Footer
    layers: tuple[LayerStatus, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    glossary: tuple[tuple[str, str], ...] = ()
    claims: tuple[tuple[str, str, str], ...] = ()
    annex_tables: tuple[Table, ...] = ()
    numbers: tuple[tuple[str, str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (figures by file name, without their bytes)."""
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "summary": self.summary,
            "findings": [f.to_dict() for f in self.findings],
            "figures": [f.to_dict() for f in self.figures],
            "tables": [t.to_dict() for t in self.tables],
            "assumptions": list(self.assumptions),
            "sources": [list(s) for s in self.sources],
            "footer": self.footer.to_dict(),
            "layers": [s.to_dict() for s in self.layers],
            "labels": dict(self.labels),
            "glossary": [list(g) for g in self.glossary],
            "claims": [list(c) for c in self.claims],
            "annex_tables": [t.to_dict() for t in self.annex_tables],
            "numbers": [list(n) for n in self.numbers],
        }

    def text_content(self) -> str:
        """Every word of the briefing as plain text, in reading order (for comparisons)."""
        out = [self.title, self.subtitle, self.summary]
        for f in self.findings:
            out += [f.heading, f.text]
        for g in self.figures:
            out += [g.title, g.caption]
        for t in (*self.tables, *self.annex_tables):
            out += [t.title, " | ".join(t.columns)]
            out += [" | ".join(r) for r in t.rows]
            out.append(t.note)
        out += [f"{k}: {v}" for k, v in self.glossary]
        out += list(self.assumptions)
        out += [" | ".join(c) for c in self.claims]
        out += [" | ".join(n) for n in self.numbers]
        out += [f"{k}: {v}" for k, v in self.sources]
        out += [f"{k}: {v}" for k, v in self.footer.to_dict().items()]
        return "\n".join(x for x in out if x)
