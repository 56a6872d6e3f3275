"""Malformed-gold checks: a broken annotation is reported, never scored silently.

:func:`check_documents` raises one ExtractorError (``code="malformed"``) listing every problem
found (or, leniently, tells each problem to a callback and drops what cannot be scored):
offsets past the text, mention text that does not match its offsets, labels outside an
allowed set, duplicate entity / relation ids within a document and duplicate document ids.
Each problem names the file and, when the reader recorded it (``meta["lines"]``), the line;
otherwise the document and annotation id.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

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


# What a lenient reader does with each kind of problem (README "Validation").
SCORED = "scored as written"
SKIPPED = "skipped"

OnProblem = Callable[[str], None]


def _problems(doc: GoldDocument, labels: Collection[str] | None
              ) -> list[tuple[str, str, str | None]]:
    """(message, what happens to the item, id of an item to leave out or None)."""
    problems: list[tuple[str, str, str | None]] = []
    seen: set[str] = set()
    for ent in doc.entities:
        where = location(doc, ent.id)
        if ent.id in seen:
            problems.append((f"{where}: duplicate id {ent.id!r}", SCORED, None))
        seen.add(ent.id)
        if not ent.spans or any(not 0 <= s < e <= len(doc.text) for s, e in ent.spans):
            problems.append((f"{where}: span {list(ent.spans)} outside the text "
                             f"(length {len(doc.text)})", SKIPPED, ent.id))
        elif doc.span_text(ent) != ent.text:
            # Scored by its offsets, as the BioCreative scorer does.
            problems.append((f"{where}: mention {ent.text!r} does not match its offsets, "
                             f"which give {doc.span_text(ent)!r}", SCORED, None))
        if labels is not None and ent.label not in labels:
            problems.append((f"{where}: unknown label {ent.label!r}", SCORED, None))
    entity_ids = {e.id for e in doc.entities}
    rel_seen: set[str] = set()
    for rel in doc.relations:
        where = location(doc, rel.id)
        if rel.id in rel_seen or rel.id in entity_ids:
            problems.append((f"{where}: duplicate id {rel.id!r}", SCORED, None))
        rel_seen.add(rel.id)
        if rel.level != "concept":
            for end in (rel.head, rel.tail):
                if end not in entity_ids:
                    problems.append((f"{where}: relation end {end!r} is not an entity",
                                     SKIPPED, rel.id))
    return problems


def document_problems(doc: GoldDocument, labels: Collection[str] | None = None) -> list[str]:
    """Problems of one document, each a short sentence naming where it is."""
    return [message for message, _, _ in _problems(doc, labels)]


def skip_or_raise(err: ExtractorError, on_problem: OnProblem | None) -> None:
    """A line that cannot be read at all: raise ``err`` (strict), or tell it and go on."""
    if on_problem is None:
        raise err
    on_problem(f"{err} ({SKIPPED})")


def _without(doc: GoldDocument, skip: set[str]) -> GoldDocument:
    """``doc`` without the entities and relations whose ids are in ``skip`` (and without
    the relations of a skipped entity)."""
    entities = [e for e in doc.entities if e.id not in skip]
    kept = {e.id for e in entities}
    relations = [r for r in doc.relations if r.id not in skip
                 and (r.level == "concept" or (r.head in kept and r.tail in kept))]
    return GoldDocument(doc.id, doc.text, entities, relations, doc.meta)


def check_documents(docs: Iterable[GoldDocument], source: str,
                    labels: Collection[str] | None = None,
                    on_problem: OnProblem | None = None) -> list[GoldDocument]:
    """The documents, checked: without ``on_problem``, ExtractorError(code="malformed")
    naming ``source`` and each problem, if any; with it, each problem is told to it (saying
    whether the item is scored as written or skipped) and the documents come back without
    the items that cannot be scored (a span outside the text, a relation to no entity).

    ``labels``, when given, is the set of allowed entity labels.
    """
    problems: list[str] = []
    doc_ids: set[str] = set()
    out: list[GoldDocument] = []
    for doc in docs:
        found = _problems(doc, labels)
        if doc.id in doc_ids:
            found.insert(0, (f"document {doc.id}: duplicate document id", SCORED, None))
        doc_ids.add(doc.id)
        problems.extend(message for message, _, _ in found)
        if on_problem is not None:
            for message, fate, _ in found:
                # Each warning names the file (with its line when the reader kept it).
                where = "" if message.startswith(source) else f"{source}: "
                on_problem(f"{where}{message} ({fate})")
        out.append(_without(doc, {item for _, _, item in found if item is not None}))
    if on_problem is None and problems:
        shown = "; ".join(problems[:_SHOWN])
        more = f" (and {len(problems) - _SHOWN} more)" if len(problems) > _SHOWN else ""
        raise ExtractorError(f"{len(problems)} malformed annotation(s): {shown}{more}",
                             path=source, code="malformed")
    return out
