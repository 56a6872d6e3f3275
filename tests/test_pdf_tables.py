"""PDF table detection: invented reportlab PDFs, the adjacency metric, one ICDAR 2013 file."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
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
from extractor.parsers.pdf_tables import DetectedTable, candidate_pages, find_tables

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
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


def _on_page(tables_pdf: bytes, page: int) -> list[DetectedTable]:
    with pdfplumber.open(io.BytesIO(tables_pdf)) as pdf:
        return find_tables(pdf, [page])


def test_candidate_pages_flags_table_pages_only(tables_pdf: bytes) -> None:
    doc = pypdfium2.PdfDocument(tables_pdf)
    try:
        assert candidate_pages(doc) == [1, 2]
    finally:
        doc.close()


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
    with pdfplumber.open(pdf_path) as pdf:
        heights = {n: p.height for n, p in enumerate(pdf.pages, start=1)}
        found = find_tables(pdf, sorted({g.page for g in gt}))
    truth = [PageTable(g.page, g.top_left_bbox(heights[g.page]), g.cells) for g in gt]
    pred = [PageTable(t.page, t.bbox,
                      [GridCell(c.row, c.col, c.text, c.rowspan, c.colspan) for c in t.cells])
            for t in found]
    score, pairs = match_and_score(pred, truth)
    assert len(pairs) == len(gt)  # every GT table found
    assert score.f1 >= 0.95
