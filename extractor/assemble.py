"""From a Document and its processed spaCy Doc to an EvidenceDocument (mentions with
provenance, relations between them, and evidence records)."""

from __future__ import annotations

import bisect
from typing import cast

from spacy.tokens import Doc, Span

from extractor.document import Cell, Document, Table
from extractor.evidence import (
    EvidenceDocument,
    Label,
    Mention,
    Normalized,
    Provenance,
    Relation,
    StatusEvidence,
)
from extractor.records.study import build_records


class CellIndex:
    """Find the table cell (if any) that contains a character range of Document.text."""

    def __init__(self, tables: list[Table]) -> None:
        cells = sorted(((c.start, c.end, t, c) for t in tables for c in t.cells if c.end > c.start),
                       key=lambda x: x[0])
        self._starts = [c[0] for c in cells]
        self._cells = cells

    def find(self, start: int, end: int) -> tuple[Table, Cell] | None:
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0:
            c_start, c_end, table, cell = self._cells[i]
            if c_start <= start and end <= c_end:
                return table, cell
        return None


def _provenance(index: CellIndex, start: int, end: int) -> Provenance:
    hit = index.find(start, end)
    if hit is None:
        return Provenance()
    table, cell = hit
    return Provenance(kind="table", table=table.id, row=cell.row, col=cell.col)


def _mention(span: Span, mention_id: str, index: CellIndex) -> Mention:
    ext = span._
    return Mention(
        id=mention_id, label=cast(Label, span.label_), text=span.text,
        start=span.start_char, end=span.end_char,
        negated=bool(ext.negated), uncertain=bool(ext.uncertain),
        historical=bool(ext.historical),
        status=ext.status,
        status_evidence=StatusEvidence(**ext.status_evidence) if ext.status_evidence else None,
        section=ext.section,
        normalized=Normalized(name=ext.norm_name, ids=dict(ext.norm_ids or {}),
                              score=ext.norm_score),
        value=dict(ext.value or {}),
        source=_provenance(index, span.start_char, span.end_char),
        found_by=list(ext.found_by or []),
    )


def assemble(document: Document, doc: Doc) -> EvidenceDocument:
    """Build the EvidenceDocument for ``document`` from its processed spaCy ``doc``."""
    index = CellIndex(document.tables)
    ids: dict[tuple[int, int, str], str] = {}
    mentions: list[Mention] = []
    for span in doc.ents:
        mention_id = f"M{len(mentions) + 1}"
        ids[(span.start_char, span.end_char, span.label_)] = mention_id
        mentions.append(_mention(span, mention_id, index))
    relations: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for rel_type, head, tail in doc._.relations or []:
        h = ids.get((head.start_char, head.end_char, head.label_))
        t = ids.get((tail.start_char, tail.end_char, tail.label_))
        if h and t and (rel_type, h, t) not in seen:
            seen.add((rel_type, h, t))
            relations.append(Relation(type=rel_type, head=h, tail=t))
    evidence = EvidenceDocument(**document.model_dump(), mentions=mentions, relations=relations)
    evidence.records = build_records(evidence)
    return evidence
