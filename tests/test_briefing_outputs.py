"""Open every output: PDF (pypdf), DOCX (python-docx), HTML (html.parser), Markdown."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reserves.briefing import Briefing, build_briefing, render_briefing, write_briefing

DATE = "2026-01-15"


@pytest.fixture(autouse=True, scope="module")
def _few_paths() -> Iterator[None]:
    """Fewer Monte Carlo paths per scenario keep the suite fast (the text is still seeded)."""
    from reserves.briefing import sections

    saved = sections.BRIEFING_PATHS
    sections.BRIEFING_PATHS = 40
    yield
    sections.BRIEFING_PATHS = saved


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return build_briefing("configs/baseline.yaml", seed=0, date=DATE)


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
    assert 2 <= pages <= 4
    flat = _squash(text)
    for phrase in (briefing.title, briefing.labels["findings"], briefing.labels["reproducibility"]):
        assert _squash(phrase) in flat
    for f in briefing.findings:
        assert _squash(f.heading) in flat
    assert briefing.footer.config_hash in text
    assert "$91,770" in text


def test_pdf_text_is_deterministic(briefing: Briefing, pdf: bytes) -> None:
    again = build_briefing("configs/baseline.yaml", seed=0, date=DATE)
    assert _pdf_text(render_briefing(again, "pdf"))[1] == _pdf_text(pdf)[1]


def test_docx_tables_and_images(briefing: Briefing) -> None:
    from docx import Document

    doc = Document(io.BytesIO(render_briefing(briefing, "docx")))
    assert len(doc.tables) == len(briefing.tables) + 1  # + the reproducibility table
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
