"""PDF table detection: invented reportlab PDFs, the adjacency metric, one ICDAR 2013 file.

Page data (words, ruling edges) is read with pypdfium2; the tests check it against what
reportlab drew, and the detectors on it.
"""

from __future__ import annotations

import io

import pypdfium2
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

from extractor.evaluate.icdar2013 import load_regions
from extractor.evaluate.table_structure import (
    GridCell,
    PageTable,
    adjacency_relations,
    compare_tables,
    match_and_score,
    normalize_content,
)
from extractor.parsers.pdf_lines import PdfPage, read_pages
from extractor.parsers.pdf_rules import read_edges
from extractor.parsers.pdf_table_pages import candidate_pages, drawing_cells, read_page_data
from extractor.parsers.pdf_tables import DetectedTable, find_tables, tables_on_page
from tests.conftest import SHARED

ICDAR = SHARED / "corpora" / "icdar2013_tables"

PROSE = (
    "The ward team followed the invented patient closely during the first week of "
    "admission and recorded every change of the regimen in the chart. Nurses noted "
    "that the morning doses were given with breakfast and that the evening doses were "
    "sometimes delayed by the ward round. No unexpected reaction was observed and the "
    "discharge letter summarised the plan for the general practitioner in plain words."
)
RULED_ROWS = [
    ["Drug", "Dose (mg)", ""],
    ["", "Morning", "Evening"],
    ["Metformin", "500", "850"],
    ["Lisinopril", "10", "5"],
    ["Atorvastatin", "0", "40"],
]
STREAM_ROWS = [
    ["Patient", "Drug", "Daily dose", "Reaction"],
    ["A-01", "Amoxicillin", "1500 mg", "Rash"],
    ["A-02", "Ibuprofen", "1200 mg", "Nausea"],
    ["A-03", "Warfarin", "5 mg", "Bleeding"],
    ["A-04", "Sertraline", "50 mg", "Insomnia"],
    ["A-05", "Prednisone", "20 mg", "Oedema"],
]


def _prose(c: canvas.Canvas, y: float, lines: int = 6) -> float:
    words = PROSE.split()
    text = c.beginText(72, y)
    text.setFont("Helvetica", 10)
    line: list[str] = []
    written = 0
    for w in words * 3:
        if c.stringWidth(" ".join([*line, w]), "Helvetica", 10) > 450:
            text.textLine(" ".join(line))
            line, written = [], written + 1
            if written == lines:
                break
        line.append(w)
    c.drawText(text)
    return y - 14 * lines


def _make_pdf() -> bytes:
    """Page 1: ruled table with a spanning header; page 2: borderless table; page 3: prose."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    # Page 1
    y = _prose(c, height - 72)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(72, y - 10, "Table 1. Invented dosing schedule")
    table = Table(RULED_ROWS, colWidths=[120, 90, 90])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("SPAN", (1, 0), (2, 0)),
        ("FONT", (0, 0), (-1, -1), "Helvetica", 10),
    ]))
    _, th = table.wrapOn(c, width, height)
    table.drawOn(c, 72, y - 30 - th)
    _prose(c, y - 60 - th)
    c.showPage()
    # Page 2: whitespace-aligned columns, a rule above and below like many journals.
    y = _prose(c, height - 72, 4)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(72, y - 10, "Table 2. Invented adverse reactions")
    xs = [72, 160, 270, 380]
    top = y - 30
    c.line(72, top + 12, 480, top + 12)
    for r, row in enumerate(STREAM_ROWS):
        c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 10)
        for x, text in zip(xs, row, strict=True):
            c.drawString(x, top - 16 * r, text)
    c.line(72, top - 16 * len(STREAM_ROWS) + 10, 480, top - 16 * len(STREAM_ROWS) + 10)
    _prose(c, top - 16 * len(STREAM_ROWS) - 20, 4)
    c.showPage()
    # Page 3: only prose
    y = height - 72
    for _ in range(4):
        y = _prose(c, y, 6) - 14
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def tables_pdf() -> bytes:
    return _make_pdf()


def _grid(table: DetectedTable) -> dict[tuple[int, int], str]:
    return {(c.row, c.col): c.text for c in table.cells if c.text}


def _on_page(pdf_bytes: bytes, page: int) -> list[DetectedTable]:
    doc = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return find_tables(doc, [page])
    finally:
        doc.close()


def _candidates(pdf_bytes: bytes) -> list[int]:
    doc = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return candidate_pages(read_pages(doc))
    finally:
        doc.close()


def test_candidate_pages_flags_table_pages_only(tables_pdf: bytes) -> None:
    assert _candidates(tables_pdf) == [1, 2]


def test_ruled_table_with_spanning_header(tables_pdf: bytes) -> None:
    tables = _on_page(tables_pdf, 1)
    assert len(tables) == 1
    t = tables[0]
    assert max(c.row + c.rowspan for c in t.cells) == 5
    assert max(c.col + c.colspan for c in t.cells) == 3
    dose = next(c for c in t.cells if c.text == "Dose (mg)")
    assert (dose.row, dose.col, dose.colspan) == (0, 1, 2)
    grid = _grid(t)
    assert grid[(1, 1)] == "Morning" and grid[(1, 2)] == "Evening"
    assert [grid[(r, 0)] for r in (2, 3, 4)] == ["Metformin", "Lisinopril", "Atorvastatin"]
    assert grid[(2, 2)] == "850" and grid[(4, 2)] == "40"
    assert t.caption == "Table 1. Invented dosing schedule"


def test_borderless_table(tables_pdf: bytes) -> None:
    tables = _on_page(tables_pdf, 2)
    assert len(tables) == 1
    t = tables[0]
    grid = _grid(t)
    expected = {(r, c): text for r, row in enumerate(STREAM_ROWS) for c, text in enumerate(row)}
    assert grid == expected
    assert t.header_rows == 1
    assert t.caption == "Table 2. Invented adverse reactions"
    # The surrounding prose stays outside the table box.
    assert all(t.bbox[0] <= c.bbox[0] and c.bbox[2] <= t.bbox[2] for c in t.cells if c.bbox)


def test_no_table_on_prose_page(tables_pdf: bytes) -> None:
    assert _on_page(tables_pdf, 3) == []


def test_find_tables_ignores_out_of_range_pages(tables_pdf: bytes) -> None:
    assert _on_page(tables_pdf, 9) == []


# -- the metric -------------------------------------------------------------------------------

def test_adjacency_relations_on_hand_made_grid() -> None:
    # | A   | B+C spans 2 |      rows 0..2, cols 0..2; (1, 1) is blank
    # | D   |      | E    |
    # | F   | G    | H    |
    cells = [
        GridCell(0, 0, "A"), GridCell(0, 1, "B C", colspan=2),
        GridCell(1, 0, "D"), GridCell(1, 1, " "), GridCell(1, 2, "E"),
        GridCell(2, 0, "F"), GridCell(2, 1, "G"), GridCell(2, 2, "H"),
    ]
    rels = adjacency_relations(cells)
    assert set(rels) == {
        ("a", "bc", "H"), ("d", "e", "H"), ("f", "g", "H"), ("g", "h", "H"),
        ("a", "d", "V"), ("d", "f", "V"),
        ("bc", "g", "V"), ("bc", "e", "V"), ("e", "h", "V"),
    }
    assert sum(rels.values()) == 9


def test_compare_tables_counts() -> None:
    truth = [GridCell(0, 0, "x"), GridCell(0, 1, "1"), GridCell(1, 0, "y"), GridCell(1, 1, "2")]
    # Swapped values in row 1: the vertical 1-2 and the horizontal y-2 become wrong.
    pred = [GridCell(0, 0, "x"), GridCell(0, 1, "1"), GridCell(1, 0, "y"), GridCell(1, 1, "3")]
    score = compare_tables(pred, truth)
    assert (score.correct, score.predicted, score.truth) == (2, 4, 4)
    assert score.f1 == pytest.approx(0.5)
    assert compare_tables(pred, None).precision == 0.0
    assert normalize_content(" Total (n) ") == "totaln"


def test_unmatched_prediction_is_a_false_positive() -> None:
    gt = [PageTable(1, (0, 0, 100, 100), [GridCell(0, 0, "a"), GridCell(0, 1, "b")])]
    pred = [
        PageTable(1, (0, 0, 100, 90), [GridCell(0, 0, "a"), GridCell(0, 1, "b")]),
        PageTable(2, (0, 0, 100, 90), [GridCell(0, 0, "c"), GridCell(0, 1, "d")]),
    ]
    score, pairs = match_and_score(pred, gt)
    assert pairs == [(0, 0)]
    assert (score.correct, score.predicted, score.truth) == (1, 2, 1)


# -- a real ICDAR 2013 document -----------------------------------------------------------------

def test_icdar_document_structure_f1() -> None:
    pdf_path = ICDAR / "competition-dataset-us" / "us-018.pdf"
    if not pdf_path.exists():
        pytest.skip(f"ICDAR 2013 data not available at {ICDAR}")
    gt = load_regions(pdf_path.with_name("us-018-str.xml"), pdf_path.with_name("us-018-reg.xml"))
    doc = pypdfium2.PdfDocument(pdf_path)
    try:
        # Our boxes measure "top" from the media box top; so must the GT's.
        heights = {n: doc[n - 1].get_mediabox()[3] for n in range(1, len(doc) + 1)}
        found = find_tables(doc, sorted({g.page for g in gt}))
    finally:
        doc.close()
    truth = [PageTable(g.page, g.top_left_bbox(heights[g.page]), g.cells) for g in gt]
    pred = [PageTable(t.page, t.bbox,
                      [GridCell(c.row, c.col, c.text, c.rowspan, c.colspan) for c in t.cells])
            for t in found]
    score, pairs = match_and_score(pred, truth)
    assert len(pairs) == len(gt)  # every GT table found
    assert score.f1 >= 0.95


# -- candidate pages, page data read with pypdfium2 ---------------------------------------------

def _two_columns(c: canvas.Canvas, top: float, lines: int, skip_left: int = 0) -> None:
    """Invented prose in two columns on shared baselines (left from line ``skip_left`` on)."""
    words = PROSE.split()
    for x0 in (50, 315):
        y, k = top, 0
        for n in range(lines):
            line: list[str] = []
            while c.stringWidth(" ".join([*line, words[k % len(words)]]), "Helvetica", 10) < 228:
                line.append(words[k % len(words)])
                k += 1
            if x0 == 315 or n >= skip_left:
                c.setFont("Helvetica", 10)
                c.drawString(x0, y, " ".join(line))
            y -= 13


def _pages(*draws) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for draw in draws:
        draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def _column_table(c: canvas.Canvas) -> None:
    """Prose in both columns; a small borderless table heads the left one (no caption)."""
    _two_columns(c, 780, 50, skip_left=9)
    for r, row in enumerate(STREAM_ROWS[:6]):
        for x, text in zip((50, 110, 190), row[:3], strict=True):
            c.setFont("Helvetica", 9)
            c.drawString(x, 780 - 13 * r, text)


def test_two_column_prose_is_not_a_candidate_but_a_column_table_is() -> None:
    pdf = _pages(lambda c: _two_columns(c, 780, 55), _column_table)
    assert _candidates(pdf) == [2]


def test_words_have_pdfminer_like_boxes() -> None:
    def draw(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 10)
        c.drawString(100, 700, "Alpha *")
    doc = pypdfium2.PdfDocument(_pages(draw))
    try:
        with PdfPage(doc, 0) as page:
            words = page.words()
    finally:
        doc.close()
    assert [w.text for w in words] == ["Alpha", "*"]
    alpha, star = words
    # From the origin to the advance width (not the glyph's ink), one font size high,
    # bottom at the font's descent (Helvetica: 0.207 em below the baseline; pdfium reads
    # an unembedded Helvetica with a stand-in font a little deeper).
    assert alpha.x0 == pytest.approx(100, abs=0.05)
    assert alpha.x1 == pytest.approx(100 + stringWidth("Alpha", "Helvetica", 10), abs=0.05)
    assert star.x0 == pytest.approx(100 + stringWidth("Alpha ", "Helvetica", 10), abs=0.05)
    assert star.x1 - star.x0 == pytest.approx(stringWidth("*", "Helvetica", 10), abs=0.05)
    assert alpha.bottom == pytest.approx(A4[1] - 700 + 2.07, abs=0.3)
    assert alpha.bottom - alpha.top == pytest.approx(10, abs=0.01)
    assert alpha.size == pytest.approx(10) and not alpha.bold


def test_ruling_edges_from_path_objects() -> None:
    def draw(c: canvas.Canvas) -> None:
        c.line(100, 700, 300, 700)  # a stroked line
        c.rect(100, 650, 200, 0.5, stroke=0, fill=1)  # a thin filled rectangle
        c.rect(100, 500, 200, 100)  # a box: four edges
        path = c.beginPath()  # a grid drawn as one path
        path.moveTo(350, 500)
        path.lineTo(350, 600)
        path.moveTo(400, 500)
        path.lineTo(400, 600)
        c.drawPath(path)
        c.circle(450, 300, 40)  # curves: no rule
        c.beginForm("rule")
        c.line(0, 0, 100, 0)
        c.endForm()
        c.saveState()
        c.translate(100, 200)  # the form's rule lands at y = 200 on the page
        c.doForm("rule")
        c.restoreState()
    doc = pypdfium2.PdfDocument(_pages(draw))
    try:
        page = doc[0]
        edges = read_edges(page, page.get_mediabox()[3])
        page.close()
    finally:
        doc.close()
    top = A4[1]

    def has(x0: float, y0: float, x1: float, y1: float) -> bool:  # user space, bottom-left
        want = (x0, top - max(y0, y1), x1, top - min(y0, y1))
        return any(all(abs(a - b) <= 1.5 for a, b in zip((e.x0, e.top, e.x1, e.bottom), want,
                                                           strict=True)) for e in edges)

    assert has(100, 700, 300, 700) and has(100, 650.25, 300, 650.25)
    assert has(100, 500, 300, 500) and has(100, 600, 300, 600)
    assert has(100, 500, 100, 600) and has(300, 500, 300, 600)
    assert has(350, 500, 350, 600) and has(400, 500, 400, 600)
    assert has(100, 200, 200, 200)
    assert not any(410 < e.x0 < 490 and top - 340 < e.top < top - 260 for e in edges)


def _sideways_table(c: canvas.Canvas, page_rotation: int) -> None:
    """A ruled table written upwards (rotated 90 degrees anticlockwise) on a portrait page."""
    if page_rotation:
        c.setPageRotation(page_rotation)
    c.saveState()
    c.translate(400, 100)
    c.rotate(90)
    table = Table(RULED_ROWS, colWidths=[120, 90, 90])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("SPAN", (1, 0), (2, 0)),
        ("FONT", (0, 0), (-1, -1), "Helvetica", 10),
    ]))
    table.wrapOn(c, 500, 500)
    table.drawOn(c, 0, 0)
    c.restoreState()


@pytest.mark.parametrize("rotation", [0, 90])
def test_sideways_table_is_read_upright(rotation: int) -> None:
    # /Rotate 90 shows it upright; without it the reader turns the page: the same table.
    tables = _on_page(_pages(lambda c: _sideways_table(c, rotation)), 1)
    assert len(tables) == 1
    t = tables[0]
    grid = _grid(t)
    assert grid[(0, 0)] == "Drug" and grid[(0, 1)] == "Dose (mg)"
    assert [grid[(r, 0)] for r in (2, 3, 4)] == ["Metformin", "Lisinopril", "Atorvastatin"]
    assert grid[(4, 2)] == "40"
    # Boxes come back in user space like the parser's lines: the table stands upright there
    # (narrow and tall), to the left of x = 400 where it was drawn.
    x0, top, x1, bottom = t.bbox
    assert x1 - x0 < bottom - top and 300 < x0 < x1 <= 401


def test_estimated_prose_words_do_not_change_the_tables(tables_pdf: bytes) -> None:
    doc = pypdfium2.PdfDocument(tables_pdf)
    try:
        for index in (0, 1):
            with PdfPage(doc, index) as page:
                read = tables_on_page(read_page_data(page))
                lines = page.lines()
                estimated = read_page_data(page, lines)
            assert len(estimated.words) == len(read_page_data_words(doc, index))
            assert [(t.bbox, _grid(t)) for t in tables_on_page(estimated)] == \
                [(t.bbox, _grid(t)) for t in read]
    finally:
        doc.close()


def read_page_data_words(doc: pypdfium2.PdfDocument, index: int) -> list[str]:
    with PdfPage(doc, index) as page:
        return [w.text for w in read_page_data(page).words]


# -- tables in one column of a two-column page ----------------------------------------------------

COLUMN_ROWS = [
    ["Test", "Result", "Range"],
    ["Sodium", "139 mmol/L", "135-145"],
    ["Potassium", "5.9 mmol/L", "3.5-5.1"],
    ["Creatinine", "212 umol/L", "60-110"],
    ["Urea", "14.2 mmol/L", "2.5-7.8"],
    ["Glucose", "6.1 mmol/L", "3.9-5.6"],
]


def _right_column_prose(c: canvas.Canvas, top: float, lines: int, pitch: float = 13) -> None:
    """Justified-looking invented prose filling the right column of an A4 page."""
    words = PROSE.split()
    k = 0
    c.setFont("Helvetica", 10)
    for n in range(lines):
        line: list[str] = []
        while c.stringWidth(" ".join([*line, words[k % len(words)]]), "Helvetica", 10) < 228:
            line.append(words[k % len(words)])
            k += 1
        c.drawString(315, top - pitch * n, " ".join(line))


def _left_table_beside_prose(c: canvas.Canvas) -> None:
    """Prose in both columns; in the left one, a captioned borderless table whose row pitch
    (11 pt) differs from the prose's (13 pt), so prose lines overlap two table rows."""
    _two_columns(c, 780, 12)
    _right_column_prose(c, 780 - 13 * 12, 30)
    top = 780 - 13 * 12
    c.setFont("Helvetica", 9)
    c.drawString(50, top, "Table 1: Invented laboratory values.")
    for r, row in enumerate(COLUMN_ROWS):
        for x, text in zip((50, 130, 215), row, strict=True):
            c.drawString(x, top - 16 - 11 * r, text)
    _two_columns(c, top - 16 - 11 * len(COLUMN_ROWS) - 16, 10)


def test_column_table_does_not_take_in_the_other_columns_prose() -> None:
    tables = _on_page(_pages(_left_table_beside_prose), 1)
    assert len(tables) == 1
    grid = _grid(tables[0])
    # Three columns, one row per drawn row: the header is not merged into the first row
    # and no prose of the right column became a fourth column.
    assert max(c for _, c in grid) == 2
    assert max(r for r, _ in grid) == len(COLUMN_ROWS) - 1
    assert [grid[(r, 0)] for r in range(len(COLUMN_ROWS))] == [row[0] for row in COLUMN_ROWS]
    assert grid[(1, 1)] == "139 mmol/L" and grid[(5, 2)] == "3.9-5.6"
    assert tables[0].bbox[2] < 300  # the box stays in the left column


def _numbered_table(c: canvas.Canvas) -> None:
    """A table with a numbered stub and text values (no numeric column to find the data
    rows by), a wrapped header and a raised small ring (a degree sign) in one column."""
    c.setFont("Helvetica", 9)
    c.drawString(72, 760, "Table 2: Invented patients.")
    for x, head in zip((72, 140, 210, 290), ("Number", "Age", "Sex", "Status"), strict=True):
        c.drawString(x, 740, head)
    c.drawString(134, 730, "(years)")
    rows = [("1", "3", "M", "1"), ("2", "10", "F", "2"), ("3", "16", "M", "1"),
            ("4", "7", "F", "3"), ("5", "12", "M", "2")]
    for r, (num, age, sex, status) in enumerate(rows):
        y = 712 - 14 * r
        for x, text in ((72, num), (140, age), (210, sex), (290, status)):
            c.setFont("Helvetica", 9)
            c.drawString(x, y, text)
        c.setFont("Helvetica", 5)
        c.drawString(296, y + 3.2, "o")  # raised: pokes out above the row
        c.setFont("Helvetica", 9)
        c.drawString(300, y, "CR")


def test_numbered_stub_wrapped_header_and_raised_small_type() -> None:
    tables = _on_page(_pages(_numbered_table), 1)
    assert len(tables) == 1
    table = tables[0]
    grid = _grid(table)
    n_rows = max(r for r, _ in grid) + 1
    assert n_rows == 6  # one header row and five rows: the small ring made no rows
    assert grid[(0, 1)] == "Age (years)"
    assert table.header_rows == 1
    assert [grid[(r, 0)] for r in range(1, 6)] == ["1", "2", "3", "4", "5"]
    assert all(grid[(r, 3)].replace(" ", "") == f"{s}oCR"
               for r, s in zip(range(1, 6), "12132", strict=True))


def _close_header_table(c: canvas.Canvas) -> None:
    """A narrow table in the left column beside prose whose header cells sit less than a
    font size apart (the header row reads as one run of six words)."""
    _two_columns(c, 780, 14)
    top = 780 - 13 * 14
    _right_column_prose(c, top, 20)
    c.setFont("Helvetica", 9)
    c.drawString(50, top, "Table 3: Invented comparisons.")
    heads = ["Peak mg/L", "Trough mg/L", "AUC h*mg/L"]
    x = 110
    xs = []
    for head in heads:
        xs.append(x)
        x += stringWidth(head, "Helvetica", 9) + 8  # 8 pt: under one font size
    for x, head in zip(xs, heads, strict=True):
        c.drawString(x, top - 16, head)
    for r, label in enumerate(("A versus B", "A versus C", "B versus C")):
        c.drawString(50, top - 30 - 12 * r, label)
        for k, x in enumerate(xs):
            c.drawString(x, top - 30 - 12 * r, f"0.{r + 1}{k + 2}")
    _two_columns(c, top - 90, 12)


def test_header_with_close_cells_is_not_prose() -> None:
    tables = _on_page(_pages(_close_header_table), 1)
    assert len(tables) == 1
    grid = _grid(tables[0])
    assert [grid.get((0, k)) for k in range(1, 4)] == ["Peak mg/L", "Trough mg/L", "AUC h*mg/L"]
    assert max(r for r, _ in grid) == 3 and max(c for _, c in grid) == 3
    assert grid[(1, 0)] == "A versus B" and grid[(3, 3)] == "0.34"


def test_wide_table_long_cells_stay_in_the_table() -> None:
    """A full-width table above two-column prose: a long cell of its right-hand column is
    not taken for running text of the page's right column."""
    def draw(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 9)
        c.drawString(50, 790, "Table 4: Invented risk factors.")
        rows = [("Study", "Design", "Size", "Details"),
                ("Adams 2010", "Cohort", "200", "Higher cumulative dose raised the risk of harm"),
                ("Baker 2011", "Trial", "340", "Baseline symptoms doubled the odds of toxicity"),
                ("Clark 2012", "Cohort", "55", "Older age and smoking history were associated")]
        for r, row in enumerate(rows):
            for x, text in zip((50, 150, 250, 350), row, strict=True):
                c.drawString(x, 770 - 14 * r, text)
        _two_columns(c, 700, 40)
    tables = _on_page(_pages(draw), 1)
    assert len(tables) == 1
    grid = _grid(tables[0])
    assert max(r for r, _ in grid) == 3
    assert grid[(2, 3)].startswith("Baseline symptoms")


# --- figures are not tables (issue 13) -------------------------------------------------------


def _boxes(c: canvas.Canvas, caption: str, texts: list[list[str]]) -> None:
    """Four framed boxes of three lines, two side by side per level, with a caption below."""
    top = _prose(c, 780, 4)
    places = [(150, top - 80), (330, top - 80), (150, top - 160), (330, top - 160)]
    c.setFont("Helvetica", 9)
    for (x, y), lines in zip(places, texts, strict=True):
        c.rect(x, y, 150, 44)
        for k, text in enumerate(lines):
            c.drawCentredString(x + 75, y + 26 - 12 * k, text)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(72, top - 190, caption)
    _prose(c, top - 220, 5)


def _flow_diagram(c: canvas.Canvas, caption: str) -> None:
    """Invented study-selection boxes with counts."""
    _boxes(c, caption, [["Records identified through", "invented registers", "(n = 412)"],
                        ["Additional records from", "other invented sources", "(n = 9)"],
                        ["Full-text reports assessed", "for eligibility", "(n = 58)"],
                        ["Reports excluded,", "with reasons", "(n = 31)"]])


def test_flow_diagram_with_a_figure_caption_is_not_a_table() -> None:
    pdf = _pages(lambda c: _flow_diagram(c, "Fig. 2. Invented selection of studies"))
    assert _on_page(pdf, 1) == []


def _design_boxes(c: canvas.Canvas, caption: str) -> None:
    """Four framed boxes of words (no counts) drawn as two rows."""
    _boxes(c, caption, [["Invented cohort", "first visit", "baseline tests"],
                        ["Invented cohort", "second visit", "repeat tests"],
                        ["Invented group", "received drug", "daily dosing"],
                        ["Invented group", "received vehicle", "daily dosing"]])


def test_grids_over_a_figure_caption_are_a_figure() -> None:
    """Both grids of the drawing go (the upper one is out of the caption's reach but within
    reach of the lower one); with a table caption, or a plain sentence, they stay."""
    assert _on_page(_pages(lambda c: _design_boxes(c, "Figure 3. Invented design")), 1) == []
    captioned = _on_page(_pages(lambda c: _design_boxes(c, "Table 3. Invented design")), 1)
    assert "Table 3. Invented design" in [t.caption for t in captioned]
    plain = _on_page(_pages(lambda c: _design_boxes(c, "The design is shown here.")), 1)
    assert len(plain) == 2


def test_flow_diagram_cells_alone_mark_a_figure() -> None:
    """Even where no figure caption is near (it sits far below the drawing)."""
    assert drawing_cells(["Records identified through", "(n = 412)", "Additional records",
                          "(n = 9)", "Reports excluded, with reasons", "(n = 31)"])


def test_chart_cells_are_a_drawing_and_table_cells_are_not() -> None:
    # pieces of a rotated axis title and tick labels, as a chart's text comes out of a PDF
    assert drawing_cells(["Invented plot", "0", "A", "2", ".", "R", ")", "o", "1", "."])
    assert not drawing_cells(["Sex", "F", "M", "Age", "34", "51", "Dose", "5 mg", "10 mg"])
    assert not drawing_cells(["Arm", "Placebo (n = 40)", "Drug (n = 41)", "Responders",
                              "12 (30.0)", "25 (61.0)"])


def test_real_funnel_plot_and_prisma_diagram_are_not_tables() -> None:
    folder = SHARED / "articles" / "pdf"
    if not folder.exists():
        pytest.skip(f"{folder} is absent (../shared is not beside this clone)")
    for name, page in (("OpenMed_2016_tripterygium_glycosides_DN_metaanalysis.pdf", 6),
                       ("Pain_2014_CIPN_systematic_review.pdf", 3)):
        path = folder / name
        if not path.exists():
            pytest.skip(f"{path} is absent")
        tables = _on_page(path.read_bytes(), page)
        assert all(t.caption for t in tables), [t.caption for t in tables]


def test_a_page_the_detectors_choke_on_loses_its_tables_with_a_warning() -> None:
    from extractor.parsers.pdf_table_pages import PageData
    from extractor.parsers.pdf_tables import detect_tables

    broken = PageData(page=3, width=600.0, height=800.0, words=[None], edges=[])  # type: ignore[list-item]
    warnings: list[str] = []
    assert detect_tables(broken, warnings) == []
    assert len(warnings) == 1 and "page 3" in warnings[0]
