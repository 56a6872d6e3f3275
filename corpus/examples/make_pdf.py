"""Render the invented case-series HTML example as a PDF, deterministically.

Usage (no arguments; writes ``case_series_dupilumab_jak.pdf`` beside this script)::

    python corpus/examples/make_pdf.py

The PDF is the same article as ``case_series_dupilumab_jak.html`` laid out like a journal
page: a title block and abstract across the top of page 1, body text in two columns, Table 1
(ruled, with its row and column spans) across the top of page 2, a running header with the
journal name and a page-number footer on every page, so the PDF parser has columns to order
and chrome to drop. ``invariant=1`` fixes the dates and document ID reportlab would
otherwise vary, so rerunning gives identical bytes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "case_series_dupilumab_jak.html"
TARGET = HERE / "case_series_dupilumab_jak.pdf"

PAGE_W, PAGE_H = A4
MARGIN = 40.0
GUTTER = 18.0
CONTENT_W = PAGE_W - 2 * MARGIN
COLUMN_W = (CONTENT_W - GUTTER) / 2
BODY_TOP = PAGE_H - 62.0  # below the running header
BODY_BOTTOM = 52.0  # above the page-number footer

# Column widths (points) of the 12-column Table 1; they sum to CONTENT_W.
TABLE_COL_W = (22, 20, 30, 55, 62, 62, 60, 36, 34, 34, 38, 62)

_BASE = ParagraphStyle("body", fontName="Times-Roman", fontSize=9.5, leading=12, spaceAfter=5)
STYLES = {
    "kicker": ParagraphStyle("kicker", _BASE, fontName="Helvetica-Bold", fontSize=8,
                             textColor=colors.HexColor("#8a1c1c"), spaceAfter=4),
    "title": ParagraphStyle("title", _BASE, fontName="Helvetica-Bold", fontSize=16, leading=19,
                            spaceAfter=8),
    "authors": ParagraphStyle("authors", _BASE, fontName="Helvetica", fontSize=10, spaceAfter=2),
    "doi": ParagraphStyle("doi", _BASE, fontName="Helvetica", fontSize=8, spaceAfter=8),
    "abstract": ParagraphStyle("abstract", _BASE, fontSize=9, leading=11.5, spaceAfter=3),
    "h2": ParagraphStyle("h2", _BASE, fontName="Helvetica-Bold", fontSize=11, leading=14,
                         spaceBefore=6, spaceAfter=4, keepWithNext=1),
    "h3": ParagraphStyle("h3", _BASE, fontName="Helvetica-BoldOblique", fontSize=9.5,
                         leading=12, spaceBefore=3, spaceAfter=3, keepWithNext=1),
    "p": _BASE,
    "caption": ParagraphStyle("caption", _BASE, fontName="Helvetica-Bold", fontSize=8.5,
                              leading=11, spaceAfter=4),
    "th": ParagraphStyle("th", _BASE, fontName="Helvetica-Bold", fontSize=6.5, leading=8,
                         spaceAfter=0),
    "td": ParagraphStyle("td", _BASE, fontName="Helvetica", fontSize=6.5, leading=8,
                         spaceAfter=0),
    "foot": ParagraphStyle("foot", _BASE, fontName="Helvetica", fontSize=7, leading=9,
                           spaceBefore=4, spaceAfter=10),
}

# HTML inline tags and the reportlab paragraph markup they become.
_INLINE = {"strong": "b", "b": "b", "em": "i", "i": "i", "sup": "super", "sub": "sub"}


@dataclass
class TableData:
    """Table 1 as parsed from the HTML: caption, grid of cells with spans, footnote."""

    caption: str
    # (row, col, rowspan, colspan, markup, is_header) for every real cell
    cells: list[tuple[int, int, int, int, str, bool]]
    n_rows: int
    n_cols: int
    header_rows: int
    footnote: str


@dataclass
class Article:
    """What the PDF shows, read from the HTML: metadata, then body blocks in order."""

    title: str
    journal: str
    doi: str
    authors: str
    article_type: str
    abstract: list[str] = field(default_factory=list)
    # ("h2" | "h3" | "p", markup) in document order; the table sits between two blocks
    blocks: list[tuple[str, str]] = field(default_factory=list)
    table: TableData | None = None
    table_after: int = 0  # number of body blocks that come before the table


def inline_markup(node: Tag | NavigableString) -> str:
    """Convert an HTML element's content to reportlab paragraph markup (escaped text)."""
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        # Keep the space around inline tags ("<b>Results:</b> At week 16"), collapse the rest.
        return html.escape(re.sub(r"\s+", " ", str(node)), quote=False)
    inner = "".join(inline_markup(child) for child in node.children
                    if isinstance(child, (Tag, NavigableString)))
    tag = _INLINE.get(node.name)
    return f"<{tag}>{inner}</{tag}>" if tag else inner


def _clean(markup: str) -> str:
    return " ".join(markup.split())


def _meta(soup: BeautifulSoup, name: str) -> list[str]:
    return [str(m.get("content", "")) for m in soup.find_all("meta", attrs={"name": name})]


def _span(cell: Tag, attr: str) -> int:
    value = cell.get(attr)
    return int(value) if isinstance(value, str) else 1


def _read_table(wrap: Tag) -> TableData:
    table = wrap.find("table")
    assert isinstance(table, Tag), "example HTML must hold a <table>"
    caption = table.find("caption")
    rows = table.find_all("tr")
    # Place cells on a grid the way browsers do: skip columns covered by a rowspan above.
    covered: set[tuple[int, int]] = set()
    cells: list[tuple[int, int, int, int, str, bool]] = []
    n_cols = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in covered:
                c += 1
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            for dr in range(rs):
                for dc in range(cs):
                    covered.add((r + dr, c + dc))
            cells.append((r, c, rs, cs, _clean(inline_markup(td)), td.name == "th"))
            c += cs
            n_cols = max(n_cols, c)
    thead = table.find("thead")
    header_rows = len(thead.find_all("tr")) if isinstance(thead, Tag) else 0
    foot = wrap.find(class_="table-footnote")
    return TableData(
        caption=_clean(inline_markup(caption)) if isinstance(caption, Tag) else "",
        cells=cells, n_rows=len(rows), n_cols=n_cols, header_rows=header_rows,
        footnote=_clean(inline_markup(foot)) if isinstance(foot, Tag) else "",
    )


def read_article(path: Path = SOURCE) -> Article:
    """Read the example HTML: metadata from citation_* tags, body from <article> in order."""
    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    body = soup.find("article")
    assert isinstance(body, Tag), "example HTML must hold an <article>"
    h1 = body.find("h1")
    authors = body.find(class_="authors")
    article = Article(
        title=_meta(soup, "citation_title")[0],
        journal=_meta(soup, "citation_journal_title")[0],
        doi=_meta(soup, "citation_doi")[0],
        authors=authors.get_text(" ", strip=True) if isinstance(authors, Tag) else "",
        article_type=(_meta(soup, "dc.type") or ["Article"])[0],
    )
    assert isinstance(h1, Tag) and " ".join(h1.get_text().split()) == article.title
    abstract = body.find(class_="abstract")
    if isinstance(abstract, Tag):
        article.abstract = [_clean(inline_markup(p)) for p in abstract.find_all("p")]
    for node in body.find_all(["h2", "h3", "p", "div"]):
        if node.find_parent(class_="abstract") or node.find_parent(class_="table-wrap"):
            continue
        if node.name == "div":
            if "table-wrap" in (node.get("class") or []):
                article.table = _read_table(node)
                article.table_after = len(article.blocks)
            continue
        if node.get("class") in (["authors"], ["doi"]):
            continue
        article.blocks.append((node.name, _clean(inline_markup(node))))
    return article


def _table_flowables(data: TableData) -> list[Flowable]:
    grid: list[list[object]] = [["" for _ in range(data.n_cols)] for _ in range(data.n_rows)]
    style: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, data.header_rows - 1), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for r, c, rs, cs, markup, is_header in data.cells:
        grid[r][c] = Paragraph(markup, STYLES["th" if is_header else "td"])
        if rs > 1 or cs > 1:
            style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
    table = Table(grid, colWidths=TABLE_COL_W, repeatRows=data.header_rows)
    table.setStyle(TableStyle(style))
    return [Paragraph(data.caption, STYLES["caption"]), table,
            Paragraph(data.footnote, STYLES["foot"])]


def _page_decorations(journal: str, doi: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    """onPage callback: running header (journal, DOI) and page-number footer."""

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Oblique", 8)
        canvas.drawString(MARGIN, PAGE_H - 34, journal)
        canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - 34, f"doi:{doi}")
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, PAGE_H - 40, PAGE_W - MARGIN, PAGE_H - 40)
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(PAGE_W / 2, 30, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def _columns(top: float) -> list[Frame]:
    height = top - BODY_BOTTOM
    return [
        Frame(MARGIN, BODY_BOTTOM, COLUMN_W, height, id="left", leftPadding=0,
              rightPadding=0, topPadding=0, bottomPadding=0),
        Frame(MARGIN + COLUMN_W + GUTTER, BODY_BOTTOM, COLUMN_W, height, id="right",
              leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0),
    ]


def _wide(top: float, height: float, frame_id: str) -> Frame:
    return Frame(MARGIN, top - height, CONTENT_W, height, id=frame_id, leftPadding=0,
                 rightPadding=0, topPadding=0, bottomPadding=0)


def _height(flowables: list[Flowable]) -> float:
    """Height the flowables take stacked across the full text width (plus a little slack)."""
    return sum(f.wrap(CONTENT_W, PAGE_H)[1] + f.getSpaceBefore() + f.getSpaceAfter()
               for f in flowables) + 6


def _top_block(article: Article) -> list[Flowable]:
    """Page 1 across both columns: article type, title, authors, DOI and abstract."""
    return [
        Paragraph(html.escape(article.article_type.upper()), STYLES["kicker"]),
        Paragraph(html.escape(article.title), STYLES["title"]),
        Paragraph(html.escape(article.authors), STYLES["authors"]),
        Paragraph(html.escape(f"https://doi.org/{article.doi}"), STYLES["doi"]),
        Paragraph("Abstract", STYLES["h2"]),
        *(Paragraph(p, STYLES["abstract"]) for p in article.abstract),
    ]


def render(source: Path = SOURCE, target: Path = TARGET) -> Path:
    """Render ``source`` (the example HTML) to ``target`` as a PDF and return ``target``."""
    article = read_article(source)
    assert article.table is not None, "example HTML must hold Table 1"
    top_flow = _top_block(article)
    table_flow = _table_flowables(article.table)
    # The full-width frames (page 1 title block, page 2 table) are sized to their content,
    # so the two text columns start right below them.
    top_h, table_h = _height(top_flow), _height(table_flow)
    on_page = _page_decorations(article.journal, article.doi)
    templates = [
        PageTemplate("first", [_wide(BODY_TOP, top_h, "top"),
                               *_columns(BODY_TOP - top_h - 8)],
                     onPage=on_page, autoNextPageTemplate="columns"),
        PageTemplate("table", [_wide(BODY_TOP, table_h, "table"),
                               *_columns(BODY_TOP - table_h - 8)],
                     onPage=on_page, autoNextPageTemplate="columns"),
        PageTemplate("columns", _columns(BODY_TOP), onPage=on_page),
    ]
    doc = BaseDocTemplate(
        str(target), pagesize=A4, pageTemplates=templates, invariant=1,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=article.title, author=article.authors, subject=article.journal,
        keywords=f"doi:{article.doi}", creator="corpus/examples/make_pdf.py",
    )
    story: list[Flowable] = [*top_flow, FrameBreak()]
    for i, (kind, markup) in enumerate(article.blocks):
        if i == article.table_after:
            story += [NextPageTemplate("table"), PageBreak(), *table_flow, FrameBreak()]
        story.append(Paragraph(markup, STYLES[kind]))
    story.append(Spacer(1, 6))
    doc.build(story)
    return target


def main() -> None:
    """Write the example PDF next to this script."""
    out = render()
    print(f"wrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
