"""PubTator: read and write the BioCreative / PubTator text format.

One document is a block of lines, blocks separated by blank lines::

    PMID|t|Title text
    PMID|a|Abstract text
    PMID<TAB>start<TAB>end<TAB>mention<TAB>Type<TAB>ConceptId[<TAB>extra...]
    PMID<TAB>CID<TAB>ChemicalId<TAB>DiseaseId[<TAB>score]

The document text is ``title + " " + abstract`` (the offsets PubTator gives assume it).
Concept ids are kept on the entity (``ids``): ``"-1"`` means none, composite ids such as
``D058186|D017093`` are split. Relation lines (four or five fields, the second not a number)
are document-level: they become :class:`GoldRelation` with ``level="concept"`` whose head and
tail are concept ids. ``meta`` keeps ``source`` (the file), ``title_length`` and
``lines`` (entity or relation id → 1-based line number) so problems can be reported by line.
"""

from __future__ import annotations

from pathlib import Path

from extractor.errors import ExtractorError
from extractor.formats.checks import OnProblem, check_documents, skip_or_raise
from extractor.formats.gold import GoldDocument, GoldEntity, GoldRelation
from extractor.formats.source_offsets import source_view


def split_ids(raw: str) -> tuple[str, ...]:
    """Concept ids of one annotation: ``"-1"`` and empty mean none; ``|`` and ``;`` separate."""
    parts = [p.strip() for p in raw.replace(";", "|").split("|")]
    return tuple(p for p in parts if p and p != "-1")


class _Builder:
    """Accumulates one document's lines."""

    def __init__(self, pmid: str, source: str) -> None:
        self.pmid = pmid
        self.source = source
        self.title: str | None = None
        self.abstract: str | None = None
        self.entities: list[GoldEntity] = []
        self.relations: list[GoldRelation] = []
        self.lines: dict[str, int] = {}

    @property
    def text(self) -> str:
        title = self.title or ""
        return f"{title} {self.abstract}" if self.abstract else title

    def build(self) -> GoldDocument:
        meta: dict[str, object] = {"source": self.source, "title_length": len(self.title or ""),
                                   "lines": self.lines}
        return GoldDocument(self.pmid, self.text, self.entities, self.relations, meta)


def _fail(reason: str, path: str, lineno: int) -> ExtractorError:
    return ExtractorError(f"line {lineno}: {reason}", path=path, code="malformed")


def read_pubtator(path: str | Path, *, check: bool = True,
                  on_problem: OnProblem | None = None) -> list[GoldDocument]:
    """Documents of a PubTator file; malformed lines raise ExtractorError naming the line
    (with ``on_problem``: are told to it and skipped).

    With ``check`` (the default) offsets and mention texts are verified against the text
    (:func:`check_documents`), so a broken gold file is never scored silently.
    """
    source = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ExtractorError(f"cannot read PubTator file: {err}", path=source,
                             code="malformed") from err
    docs: list[GoldDocument] = []
    cur: _Builder | None = None
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            if cur is not None:
                docs.append(cur.build())
                cur = None
            continue
        if "\t" not in line and ("|t|" in line or "|a|" in line):
            pmid, kind, text = line.split("|", 2)
            if cur is not None and cur.pmid != pmid:
                docs.append(cur.build())
                cur = None
            if cur is None:
                cur = _Builder(pmid, source)
            if kind == "t":
                cur.title = text
            else:
                cur.abstract = text
            continue
        fields = line.split("\t")
        if cur is None or fields[0] != cur.pmid:
            skip_or_raise(_fail(f"annotation for document {fields[0]!r} outside its block",
                                source, lineno), on_problem)
            continue
        if len(fields) >= 5 and fields[1].isdigit() and fields[2].isdigit():
            start, end = int(fields[1]), int(fields[2])
            eid = f"T{len(cur.entities) + 1}"
            ids = split_ids(fields[5]) if len(fields) > 5 else ()
            notes = tuple(fields[6:])
            cur.entities.append(GoldEntity(eid, fields[4], ((start, end),), fields[3], {},
                                           notes, ids))
            cur.lines[eid] = lineno
        elif len(fields) in (4, 5) and not fields[1].isdigit() and not fields[2].isdigit():
            rid = f"R{len(cur.relations) + 1}"
            cur.relations.append(GoldRelation(rid, fields[1], fields[2], fields[3], "concept"))
            cur.lines[rid] = lineno
        else:
            skip_or_raise(_fail(f"not a PubTator annotation or relation line: {line[:60]!r}",
                                source, lineno), on_problem)
    if cur is not None:
        docs.append(cur.build())
    if check:
        return check_documents(docs, source, on_problem=on_problem)
    return docs


def write_pubtator(docs: list[GoldDocument], path: str | Path) -> None:
    """Write ``docs`` as PubTator.

    The title is the first ``meta["title_length"]`` characters (the whole text when absent);
    the rest after one separator character is the abstract. Line breaks become spaces
    (same length, so offsets hold). Discontinuous entities are written as their whole extent.
    Mention-level relations are not representable and are left out. Predictions on a
    reflowed text are written on their source file's text when it can be read
    (:func:`~extractor.formats.source_offsets.source_view`).
    """
    out: list[str] = []
    for doc in map(source_view, docs):
        text = doc.text.replace("\r", " ").replace("\n", " ")
        tlen = doc.meta.get("title_length")
        n = tlen if isinstance(tlen, int) and 0 <= tlen < len(text) else len(text)
        out.append(f"{doc.id}|t|{text[:n]}")
        out.append(f"{doc.id}|a|{text[n + 1:]}")
        for ent in doc.entities:
            ids = "|".join(ent.ids) if ent.ids else "-1"
            extra = "".join(f"\t{note}" for note in ent.notes)
            out.append(f"{doc.id}\t{ent.start}\t{ent.end}\t{text[ent.start:ent.end]}\t"
                       f"{ent.label}\t{ids}{extra}")
        for rel in doc.relations:
            if rel.level == "concept":
                out.append(f"{doc.id}\t{rel.type}\t{rel.head}\t{rel.tail}")
        out.append("")
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")
