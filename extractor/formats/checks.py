"""Malformed-gold checks: a broken annotation is reported, never scored silently.

:func:`check_documents` raises one ExtractorError (``code="malformed"``) listing every problem
found: offsets past the text, mention text that does not match its offsets, labels outside an
allowed set, duplicate entity / relation ids within a document and duplicate document ids.
Each problem names the file and, when the reader recorded it (``meta["lines"]``), the line;
otherwise the document and annotation id.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from extractor.errors import ExtractorError
from extractor.formats.gold import GoldDocument

# At most this many problems are spelt out in the error message; the count is always given.
_SHOWN = 10


def location(doc: GoldDocument, ann_id: str) -> str:
    """Where an annotation is: its file line when the reader kept it, else its ids."""
    lines = doc.meta.get("lines")
    source = doc.meta.get("source")
    if isinstance(lines, dict) and ann_id in lines:
        at = f"{source}:{lines[ann_id]}" if isinstance(source, str) else f"line {lines[ann_id]}"
        return f"{at} (document {doc.id}, {ann_id})"
    return f"document {doc.id}, {ann_id}"


def document_problems(doc: GoldDocument, labels: Collection[str] | None = None) -> list[str]:
    """Problems of one document, each a short sentence naming where it is."""
    problems: list[str] = []
    seen: set[str] = set()
    for ent in doc.entities:
        where = location(doc, ent.id)
        if ent.id in seen:
            problems.append(f"{where}: duplicate id {ent.id!r}")
        seen.add(ent.id)
        if not ent.spans or any(not 0 <= s < e <= len(doc.text) for s, e in ent.spans):
            problems.append(f"{where}: span {list(ent.spans)} outside the text "
                            f"(length {len(doc.text)})")
        elif doc.span_text(ent) != ent.text:
            problems.append(f"{where}: mention {ent.text!r} does not match its offsets, "
                            f"which give {doc.span_text(ent)!r}")
        if labels is not None and ent.label not in labels:
            problems.append(f"{where}: unknown label {ent.label!r}")
    entity_ids = {e.id for e in doc.entities}
    rel_seen: set[str] = set()
    for rel in doc.relations:
        where = location(doc, rel.id)
        if rel.id in rel_seen or rel.id in entity_ids:
            problems.append(f"{where}: duplicate id {rel.id!r}")
        rel_seen.add(rel.id)
        if rel.level != "concept":
            for end in (rel.head, rel.tail):
                if end not in entity_ids:
                    problems.append(f"{where}: relation end {end!r} is not an entity")
    return problems


def check_documents(docs: Iterable[GoldDocument], source: str,
                    labels: Collection[str] | None = None) -> None:
    """Raise ExtractorError(code="malformed") naming ``source`` and each problem, if any.

    ``labels``, when given, is the set of allowed entity labels.
    """
    problems: list[str] = []
    doc_ids: set[str] = set()
    for doc in docs:
        if doc.id in doc_ids:
            problems.append(f"document {doc.id}: duplicate document id")
        doc_ids.add(doc.id)
        problems.extend(document_problems(doc, labels))
    if problems:
        shown = "; ".join(problems[:_SHOWN])
        more = f" (and {len(problems) - _SHOWN} more)" if len(problems) > _SHOWN else ""
        raise ExtractorError(f"{len(problems)} malformed annotation(s): {shown}{more}",
                             path=source, code="malformed")
