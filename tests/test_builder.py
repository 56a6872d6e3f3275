"""The DocumentBuilder keeps offsets exact and lays out spanning cells like HTML does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.parsers.builder import CellSpec, DocumentBuilder, PlacedCell, layout_rows
from extractor.parsers.source import from_bytes_input
from tests.conftest import assert_offsets


def _builder() -> DocumentBuilder:
    return DocumentBuilder(raw=from_bytes_input(b"x", "mem.txt"), format="text")


def test_layout_rows_follows_rowspan_and_colspan() -> None:
    rows = [
        [CellSpec("Drug", rowspan=2), CellSpec("EASI", colspan=2)],
        [CellSpec("Baseline"), CellSpec("Week 16")],
        [CellSpec("dupilumab"), CellSpec("24.1"), CellSpec("5.2")],
    ]
    placed = {(c.row, c.col): c.text for c in layout_rows(rows)}
    assert placed == {
        (0, 0): "Drug", (0, 1): "EASI",
        (1, 1): "Baseline", (1, 2): "Week 16",
        (2, 0): "dupilumab", (2, 1): "24.1", (2, 2): "5.2",
    }


def test_sections_nest_and_close() -> None:
    b = _builder()
    b.add_block("A title", "title")
    b.open_section("Methods")
    b.add_block("We  treated\tpatients.")
    b.open_section("Dosing", level=2)
    b.add_block("Methotrexate 15 mg weekly.")
    b.open_section("Results", level=1)
    b.add_block("All improved.")
    doc = b.build()
    titles = [(s.title, s.level) for s in doc.sections]
    assert titles == [("Methods", 1), ("Dosing", 2), ("Results", 1)]
    methods, dosing, results = doc.sections
    assert methods.start <= dosing.start < dosing.end <= methods.end <= results.start
    assert "We treated patients." in doc.text[methods.start:methods.end]
    assert doc.text[results.start:results.end].endswith("All improved.")


def test_table_cells_index_text_and_empty_cells_are_kept() -> None:
    b = _builder()
    b.add_block("Intro.")
    table = b.add_table(
        [PlacedCell(0, 0, "Case"), PlacedCell(0, 1, "Dose"), PlacedCell(1, 0, "1"),
         PlacedCell(1, 1, "")],
        caption="Table 1. Doses", header_rows=1,
    )
    doc = b.build()
    assert table is not None and (table.n_rows, table.n_cols) == (2, 2)
    assert [c.text for c in table.cells] == ["Case", "Dose", "1", ""]
    assert doc.tables[0].caption == "Table 1. Doses"
    assert_offsets(doc)


def test_ligatures_and_invisible_characters_are_repaired() -> None:
    b = _builder()
    block = b.add_block("e\ufb03cacy of tre\u00adatment\u00a0 was signi\ufb01cant")
    doc = b.build()
    assert block is not None
    assert doc.text[block.start:block.end] == "efficacy of treatment was significant"


_cell_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(_cell_text, st.integers(0, 3), st.integers(0, 3)), max_size=5),
        min_size=1, max_size=6,
    ),
    st.lists(_cell_text, max_size=4),
)
def test_any_table_keeps_offsets_and_grid_bounds(rows, paragraphs) -> None:  # type: ignore[no-untyped-def]
    b = _builder()
    for p in paragraphs:
        b.add_block(p)
    placed = layout_rows([[CellSpec(t, rowspan=r, colspan=c) for t, r, c in row] for row in rows])
    b.add_table(placed)
    doc = b.build()
    assert_offsets(doc)
    positions = [(c.row, c.col) for t in doc.tables for c in t.cells]
    assert len(positions) == len(set(positions))
