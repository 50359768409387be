"""Open every output: PDF (pypdf), DOCX (python-docx), HTML (html.parser), Markdown."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reserves.briefing import Briefing, build_briefing, render_briefing, write_briefing

DATE = "2026-01-15"


#: the Monte Carlo settings of the test briefing (the same as test_briefing_build: the
#: assessment cache then computes the numbers once for both modules)
SEED, PATHS = 0, 20


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return build_briefing(
        "configs/baseline.yaml", seed=SEED, paths=PATHS, date=DATE, extra_sections=()
    )


@pytest.fixture(scope="module")
def pdf(briefing: Briefing) -> bytes:
    return render_briefing(briefing, "pdf")


def _pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), text


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_pages_and_text(briefing: Briefing, pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    pages, text = _pdf_text(pdf)
    assert 3 <= pages <= 8
    flat = _squash(text)
    for phrase in (
        briefing.title,
        briefing.labels["bottom_line"],
        briefing.labels["findings"],
        briefing.labels["glossary"],
        briefing.labels["reproducibility"],
    ):
        assert _squash(phrase) in flat
    for f in briefing.findings:
        assert _squash(f.heading) in flat
    assert briefing.footer.config_hash in text
    assert "$91,770" in text


def test_pdf_has_no_mostly_blank_page(pdf: bytes) -> None:
    """Every page but the last carries text down most of its height (no blank half pages):
    the lowest text line of each page sits in its lower third."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for k, page in enumerate(reader.pages[:-1]):
        height = float(page.mediabox.height)
        ys: list[float] = []

        def visit(text, cm, tm, font, size, ys=ys):  # type: ignore[no-untyped-def]
            if text.strip():
                ys.append(float(tm[5]) * float(cm[3]) + float(cm[5]))

        page.extract_text(visitor_text=visit)
        body = [y for y in ys if y > 0.08 * height]  # above the page footer
        assert body and min(body) < 0.36 * height, f"page {k + 1} is mostly blank"


def test_pdf_text_is_deterministic(briefing: Briefing, pdf: bytes) -> None:
    again = build_briefing(
        "configs/baseline.yaml", seed=SEED, paths=PATHS, date=DATE, extra_sections=()
    )
    assert _pdf_text(render_briefing(again, "pdf"))[1] == _pdf_text(pdf)[1]


def test_docx_tables_and_images(briefing: Briefing) -> None:
    from docx import Document

    doc = Document(io.BytesIO(render_briefing(briefing, "docx")))
    # the tables, the claims, the inputs, the numbers and the reproducibility table
    assert len(doc.tables) == len(briefing.tables) + 2 + len(briefing.annex_tables) + 1
    for table, spec in zip(doc.tables, briefing.tables, strict=False):
        assert [c.text for c in table.rows[0].cells] == list(spec.columns)
        assert len(table.rows) == len(spec.rows) + 1
        assert [c.text for c in table.rows[1].cells] == list(spec.rows[0])
    assert len(doc.inline_shapes) == len(briefing.figures) >= 1
    body = "\n".join(p.text for p in doc.paragraphs)
    for f in briefing.findings:
        assert f.text in body
    repro = "\n".join(c.text for row in doc.tables[-1].rows for c in row.cells)
    assert briefing.footer.config_hash in repro and DATE in repro


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in {"src", "href", "srcset", "data", "poster", "action"} and value:
                self.urls.append((tag, name, value))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained(briefing: Briefing) -> None:
    html = render_briefing(briefing, "html").decode("utf-8")
    parser = _Links()
    parser.feed(html)
    assert not [u for u in parser.urls if re.match(r"\s*(https?:)?//", u[2], re.I)]
    assert "link" not in parser.tags and "script" not in parser.tags
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    images = [u for u in parser.urls if u[0] == "img"]
    assert len(images) == len(briefing.figures) >= 1
    assert all(u[2].startswith("data:image/png;base64,") for u in images)
    text = " ".join(parser.text)
    assert briefing.findings[0].text in " ".join(text.split())
    assert "&lt;" not in text and "&amp;" not in text  # escaped once, not twice


def test_markdown_with_figures_beside_it(briefing: Briefing, tmp_path: Path) -> None:
    written = write_briefing(briefing, tmp_path / "brief.md")
    md = written[0].read_text(encoding="utf-8")
    refs = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(refs) == len(briefing.figures) >= 1
    for ref in refs:
        assert (tmp_path / ref).is_file()
        assert (tmp_path / ref).read_bytes().startswith(b"\x89PNG")
    assert md.startswith(f"# {briefing.title}")
    assert f"`{briefing.footer.config_hash}`" in md
    # tables are GitHub tables with as many cells as columns
    roster = next(t for t in briefing.tables if t.key == "roster")
    roster_header = next(line for line in md.splitlines() if line.startswith("| Sovereign"))
    assert roster_header.count("|") == len(roster.columns) + 1


def test_markdown_zip_for_downloads(briefing: Briefing) -> None:
    with zipfile.ZipFile(io.BytesIO(render_briefing(briefing, "zip"))) as z:
        names = set(z.namelist())
        assert "briefing.md" in names
        for g in briefing.figures:
            assert f"briefing_files/{g.filename}" in names


@pytest.mark.parametrize("ext", ["pdf", "html", "docx", "md"])
def test_write_every_format(briefing: Briefing, tmp_path: Path, ext: str) -> None:
    out = write_briefing(briefing, tmp_path / f"b.{ext}")
    assert out[0].is_file() and out[0].stat().st_size > 1000
