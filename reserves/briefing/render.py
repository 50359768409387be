"""Renderers: one :class:`~reserves.briefing.model.Briefing`, four formats.

* Markdown (``md``): Jinja2 template ``briefing.md.j2``; figures are PNG files beside it
  (:func:`write_briefing`) or in a zip with it (``zip``).
* HTML (``html``): ``briefing.html.j2``, self-contained (figures as ``data:`` URIs, inline CSS,
  no external URL).
* PDF (``pdf``): ``briefing.typ.j2`` compiled by the ``typst`` Python package with its
  embedded fonts only (no system library, no system font).
* Word (``docx``): python-docx, with real tables and inline pictures; headings from
  ``phrases.yaml``.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from reserves.briefing.assemble import jinja_environment
from reserves.briefing.model import Briefing, Figure, LayerStatus, Table
from reserves.errors import ReservesError

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MissingDependencyError",
    "format_from_path",
    "render_briefing",
    "require_format",
    "write_briefing",
]

#: formats :func:`render_briefing` produces
FORMATS: tuple[str, ...] = ("md", "html", "pdf", "docx", "zip")

#: file extension -> format (for ``reserves brief CONFIG -o FILE``)
EXTENSIONS: dict[str, str] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".zip": "zip",
}

#: media type of each format (for download buttons)
MEDIA_TYPES: dict[str, str] = {
    "md": "text/markdown",
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}

_TEXT_WIDTH_PT = 488.0  # A4 width (595 pt) minus the template's 1.9 cm margins
_MAX_FIG_HEIGHT_PT = 190.0  # under a third of the A4 text height


class BriefingFormatError(ReservesError):
    """An unknown output format or file extension."""


class MissingDependencyError(ReservesError):
    """An export needs an optional package that is not installed (the message names the
    install command)."""


#: format -> (module to import, package that provides it)
_NEEDS: dict[str, tuple[str, str]] = {
    "pdf": ("typst", "typst"),
    "docx": ("docx", "python-docx"),
}


def require_format(fmt: str) -> None:
    """Raise :class:`MissingDependencyError` (one line, with the install command) when the
    package a format needs is missing."""
    if fmt not in _NEEDS:
        return
    module, package = _NEEDS[fmt]
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDependencyError(
            f"{fmt.upper()} export needs the {package} package, which is not installed",
            field="output",
            fix="pip install 'reserves[brief]' (or pip install " + package + ")",
        )


def format_from_path(path: str | Path) -> str:
    """The format of an output file from its extension (``.pdf -> "pdf"``).

    Raises
    ------
    BriefingFormatError
        for an extension other than .md, .html, .pdf, .docx (or .zip: Markdown and figures).
    """
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise BriefingFormatError(
            f"cannot tell the format of {str(path)!r} from its extension {suffix or '(none)'}",
            field="output",
            fix="end the file name in .pdf, .html, .md or .docx",
        )
    return EXTENSIONS[suffix]


# --------------------------------------------------------------------------- template filters


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _typst_string(text: Any) -> str:
    """A Typst string literal: only backslash and double quote need escaping."""
    s = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{s}"'


def _fig_width(fig: Figure) -> str:
    """Figure width in points: the chart's own size (PNG at 2x, 0.75 pt per CSS px), shrunk
    to at most the text width and :data:`_MAX_FIG_HEIGHT_PT` high, aspect kept."""
    if not fig.width_px or not fig.height_px:
        return f"{_TEXT_WIDTH_PT:.0f}pt"
    w = fig.width_px / 2 * 0.75
    h = fig.height_px / 2 * 0.75
    k = min(1.0, _TEXT_WIDTH_PT / w, _MAX_FIG_HEIGHT_PT / h)
    return f"{w * k:.0f}pt"


def _typ_columns(table: Table) -> str:
    """Typst column widths: the last column of a text-heavy table takes the rest (1fr)."""
    n = len(table.columns)
    if table.align and table.align[-1] == "l" and table.key in {"market"}:
        return "(" + "auto, " * (n - 1) + "1fr)"
    return "(" + "auto, " * n + ")"


def _layer_list(layers: tuple[LayerStatus, ...], labels: dict[str, str]) -> str:
    return "; ".join(
        f"{s.layer}: {labels.get('layer_available' if s.available else 'layer_missing', '')}"
        for s in layers
    )


def _env(**options: Any) -> Any:
    env = jinja_environment(**options)
    env.filters.update(
        md_cell=_md_cell,
        t=_typst_string,
        fig_width=_fig_width,
        typ_columns=_typ_columns,
        layer_list=_layer_list,
    )
    return env


# --------------------------------------------------------------------------- renderers


def render_markdown(briefing: Briefing, *, figures_dir: str = "briefing_files") -> str:
    """Markdown text; figures are referenced as ``figures_dir/<key>.png``."""
    return _env().get_template("briefing.md.j2").render(b=briefing, fig_dir=figures_dir)


def render_html(briefing: Briefing) -> str:
    """Self-contained HTML (figures inline as ``data:image/png`` URIs, CSS inline)."""
    return _env(autoescape=True).get_template("briefing.html.j2").render(b=briefing)


def render_typst_source(briefing: Briefing) -> str:
    """The Typst source of the PDF (figures referenced by file name)."""
    return _env().get_template("briefing.typ.j2").render(b=briefing)


def render_pdf(briefing: Briefing) -> bytes:
    """PDF bytes compiled by ``typst`` (embedded fonts only, timestamp from the footer date)."""
    import datetime as dt

    import typst

    source = render_typst_source(briefing)
    try:
        stamp = dt.datetime.fromisoformat(briefing.footer.date).replace(tzinfo=dt.UTC)
    except ValueError:
        stamp = None
    with tempfile.TemporaryDirectory(prefix="reserves-brief-") as tmp:
        root = Path(tmp)
        (root / "briefing.typ").write_text(source, encoding="utf-8")
        for fig in briefing.figures:
            (root / fig.filename).write_bytes(fig.png)
        try:
            return typst.compile(
                str(root / "briefing.typ"),
                root=str(root),
                format="pdf",
                ignore_system_fonts=True,
                timestamp=stamp,
            )
        except typst.TypstError as exc:  # a template edit broke the layout
            raise ReservesError(
                f"the PDF template did not compile: {exc.message}",
                field="templates/briefing.typ.j2",
                fix="undo the last edit of the template (the Typst error names the line)",
            ) from None


def render_docx(briefing: Briefing) -> bytes:
    """Word document: headings, findings, inline pictures and real tables (python-docx)."""
    import datetime as dt

    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    from docx.shared import Cm

    section.left_margin = section.right_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    labels = briefing.labels
    props = doc.core_properties
    props.title = briefing.title
    props.author = f"reserves {briefing.footer.package_version}"
    props.comments = f"config {briefing.footer.config_name} ({briefing.footer.config_hash})"
    props.last_modified_by = props.author
    props.revision = 1
    try:
        stamp = dt.datetime.fromisoformat(briefing.footer.date)
        props.created = props.modified = stamp
    except ValueError:
        pass

    doc.add_heading(briefing.title, level=0)
    sub = doc.add_paragraph()
    sub.add_run(briefing.subtitle).italic = True
    doc.add_heading(labels.get("bottom_line", "What this means"), level=1)
    doc.add_paragraph(briefing.summary)

    text_width = section.page_width - section.left_margin - section.right_margin

    def small(par: Any, text: str, size: float = 8.5, italic: bool = False) -> None:
        run = par.add_run(text)
        run.font.size = Pt(size)
        run.italic = italic

    def add_table(t: Table, number: int | None) -> None:
        if number is not None:
            title = f"{labels.get('table', 'Table')} {number}. {t.title}"
            doc.add_paragraph().add_run(title).bold = True
        table = doc.add_table(rows=1, cols=len(t.columns))
        table.style = "Light Grid Accent 1"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for j, c in enumerate(t.columns):
            table.rows[0].cells[j].text = c
        for r in t.rows:
            cells = table.add_row().cells
            for j, c in enumerate(r):
                cells[j].text = c
                if t.align and t.align[j] == "r":
                    cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            for cell in row.cells:
                for par in cell.paragraphs:
                    for run in par.runs:
                        run.font.size = Pt(8.5)
        if t.note:
            small(doc.add_paragraph(), t.note, italic=True)

    doc.add_heading(labels.get("findings", "Findings"), level=1)
    n_fig = 0
    for k, f in enumerate(briefing.findings, start=1):
        doc.add_heading(f"{k}. {f.heading}", level=2)
        run = doc.add_paragraph().add_run(f.text)
        if not f.computed:
            run.font.color.rgb = RGBColor(0x60, 0x60, 0x60)
        for g in briefing.figures:
            if g.finding != f.key:
                continue
            n_fig += 1
            width_emu = int(g.width_px / 2 * 9525) if g.width_px else text_width
            doc.add_picture(io.BytesIO(g.png), width=min(width_emu, text_width))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap = doc.add_paragraph()
            cap.add_run(f"{labels.get('figure', 'Figure')} {n_fig}. {g.title}. ").bold = True
            cap.add_run(g.caption)
        if f.footnote:
            p = doc.add_paragraph()
            small(p, f"{labels.get('numbers_from', 'Numbers from')}: {f.footnote}.", 7.5)

    doc.add_heading(labels.get("tables", "Tables"), level=1)
    for k, t in enumerate(briefing.tables, start=1):
        add_table(t, k)

    doc.add_heading(labels.get("glossary", "Words used"), level=1)
    for term, meaning in briefing.glossary:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(term + ": ").bold = True
        p.add_run(meaning)
    doc.add_heading(labels.get("assumptions", "Assumptions"), level=1)
    for a in briefing.assumptions:
        doc.add_paragraph(a, style="List Bullet")

    doc.add_heading(labels.get("annex", "Annex"), level=1)
    doc.add_heading(labels.get("claims", "Claims"), level=2)
    add_table(
        Table(
            "claims",
            "",
            (
                labels.get("claim_id", "Claim"),
                labels.get("claim_says", "The article says"),
                labels.get("claim_found", "This briefing finds"),
            ),
            tuple(briefing.claims),
        ),
        None,
    )
    doc.add_heading(labels.get("inputs", "Inputs"), level=2)
    for t in briefing.annex_tables:
        add_table(t, None)
    doc.add_heading(labels.get("sources", "Sources"), level=2)
    for who, what in briefing.sources:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(who + ": ").bold = True
        r = p.add_run(what)
        r.font.size = Pt(9)
    doc.add_heading(labels.get("numbers", "Numbers"), level=2)
    add_table(
        Table(
            "numbers",
            "",
            (
                labels.get("number", "Number"),
                labels.get("value", "Value"),
                labels.get("made_with", "Inputs"),
            ),
            tuple(briefing.numbers),
            ("l", "r", "l"),
        ),
        None,
    )

    doc.add_heading(labels.get("reproducibility", "Reproducibility"), level=1)
    fo = briefing.footer
    rows = [
        (labels.get("version", "Package version"), f"reserves {fo.package_version}"),
        (labels.get("config", "Configuration"), fo.config_name),
        (labels.get("config_hash", "Config hash"), fo.config_hash),
        (labels.get("seed", "Seed"), str(fo.seed)),
    ]
    if fo.paths:
        rows.append((labels.get("paths", "Paths"), f"{fo.paths:,}"))
    if fo.event_name:
        rows.append((labels.get("event", "Event"), f"{fo.event_name} ({fo.event_hash})"))
    rows += [
        (labels.get("date", "Date"), fo.date),
        (labels.get("command", "Command"), fo.command),
        (labels.get("layers", "Layers"), _layer_list(briefing.layers, labels)),
    ]
    rep = doc.add_table(rows=0, cols=2)
    rep.style = "Table Grid"
    for k, v in rows:
        cells = rep.add_row().cells
        cells[0].text, cells[1].text = k, v
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_markdown_zip(briefing: Briefing, *, stem: str = "briefing") -> bytes:
    """Zip of ``<stem>.md`` and its figures in ``<stem>_files/`` (the app's Markdown download)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{stem}.md", render_markdown(briefing, figures_dir=f"{stem}_files"))
        for g in briefing.figures:
            z.writestr(f"{stem}_files/{g.filename}", g.png)
    return out.getvalue()


def render_briefing(briefing: Briefing, fmt: str) -> bytes:
    """Render a briefing to bytes.

    Parameters
    ----------
    briefing:
        from :func:`reserves.briefing.build_briefing`.
    fmt:
        ``"pdf"``, ``"html"`` (self-contained), ``"docx"``, ``"md"`` (UTF-8 Markdown whose
        figures are referenced as ``briefing_files/<key>.png``) or ``"zip"`` (the Markdown and
        its figures together: the right download for Markdown).

    Returns
    -------
    bytes
        the file's content; :data:`MEDIA_TYPES` gives its media type.
    """
    if not isinstance(briefing, Briefing):
        raise BriefingFormatError(
            f"render_briefing needs a Briefing, got {type(briefing).__name__}",
            fix="build one with reserves.briefing.build_briefing(cfg)",
        )
    key = str(fmt).lower().lstrip(".")
    require_format(key)
    if key == "md":
        return render_markdown(briefing).encode("utf-8")
    if key == "html":
        return render_html(briefing).encode("utf-8")
    if key == "pdf":
        return render_pdf(briefing)
    if key == "docx":
        return render_docx(briefing)
    if key == "zip":
        return render_markdown_zip(briefing)
    raise BriefingFormatError(
        f"unknown briefing format {fmt!r}", field="fmt", fix=f"use one of {', '.join(FORMATS)}"
    )


def write_briefing(briefing: Briefing, path: str | Path) -> list[Path]:
    """Write a briefing to ``path`` in the format its extension names.

    A Markdown file gets its figures beside it, in ``<stem>_files/`` (the one folder this
    creates; it is listed among the files written). Every file is rendered in memory first and
    written atomically (:func:`reserves.safe.atomic_write`): a failure (full disk, a directory
    in the way) leaves any existing file untouched, and the Markdown is written last, so it
    never points at figures that were not written. The output's folder must exist.
    Returns every file written (the document first).
    """
    from reserves.errors import ReservesError
    from reserves.safe import atomic_write, check_output_path

    path = Path(path)
    fmt = format_from_path(path)
    require_format(fmt)
    check_output_path(path, "--output")
    if fmt != "md":
        data = render_briefing(briefing, fmt)
        atomic_write(path, data, what="--output")
        return [path]
    fig_dir = path.parent / f"{path.stem}_files"
    text = render_markdown(briefing, figures_dir=fig_dir.name)
    figures: list[Path] = []
    if briefing.figures:
        if fig_dir.exists() and not fig_dir.is_dir():
            raise ReservesError(
                f"{fig_dir} is a file; the Markdown's figures go in a folder of that name",
                field="--output",
                fix="remove that file or choose another output name",
            )
        try:
            fig_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise ReservesError(
                f"cannot create the figures folder {fig_dir}: {exc.strerror}", field="--output"
            ) from None
        for g in briefing.figures:
            figures.append(atomic_write(fig_dir / g.filename, g.png, what="--output"))
    atomic_write(path, text, what="--output")
    return [path, *figures]
