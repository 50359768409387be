"""Policy briefings: one :class:`Briefing` (plain data), exported to PDF, HTML, Markdown, Word.

>>> from reserves.briefing import build_briefing, render_briefing      # doctest: +SKIP
>>> b = build_briefing("configs/baseline.yaml", paths=200)                # doctest: +SKIP
>>> pdf = render_briefing(b, "pdf")                                      # doctest: +SKIP

The wording lives in ``templates/phrases.yaml`` and the layouts in ``templates/*.j2``, so an
analyst can change either without touching Python.
"""

from __future__ import annotations

from reserves.briefing.assemble import TEMPLATE_DIR, build_briefing, phrases
from reserves.briefing.model import Briefing, Figure, Finding, Footer, LayerStatus, Table
from reserves.briefing.render import (
    EXTENSIONS,
    FORMATS,
    MEDIA_TYPES,
    BriefingFormatError,
    MissingDependencyError,
    format_from_path,
    render_briefing,
    write_briefing,
)

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MEDIA_TYPES",
    "TEMPLATE_DIR",
    "Briefing",
    "BriefingFormatError",
    "Figure",
    "Finding",
    "Footer",
    "LayerStatus",
    "MissingDependencyError",
    "Table",
    "build_briefing",
    "format_from_path",
    "phrases",
    "render_briefing",
    "write_briefing",
]
