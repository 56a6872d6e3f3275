"""Table cells as the evidence of record fields: one lookup from a provenance to its cell,
shared by the study record (records/study.py) and the table records (records/table_cells.py).
"""

from __future__ import annotations

from extractor.document import Cell
from extractor.evidence import Evidence, EvidenceDocument, Provenance

Key = tuple[str, int, int]  # (table id, row, col) of a cell


def cells_by_key(evidence: EvidenceDocument) -> dict[Key, Cell]:
    """Every table cell of the document by (table id, row, col)."""
    return {(t.id, c.row, c.col): c for t in evidence.tables for c in t.cells}


def cell_at(cells: dict[Key, Cell], source: Provenance) -> Cell | None:
    """The cell a table provenance names; None for running text or an unknown cell."""
    if source.kind != "table" or source.table is None:
        return None
    return cells.get((source.table, source.row or 0, source.col or 0))


def cell_evidence(cell: Cell, source: Provenance) -> Evidence:
    """The cell as the evidence of a field, with the provenance it was reached by."""
    return Evidence(start=cell.start, end=cell.end, text=cell.text, source=source)
