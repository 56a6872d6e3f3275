"""BioC (XML and JSON) ↔ GoldDocument, through the ``bioc`` package.

A BioC document's passages are placed at their ``offset`` in one text (gaps filled with
spaces), so annotation locations, which BioC gives document-relative, index ``doc.text``
directly. The entity label is the ``type`` infon; concept ids come from the first of the
infons ``identifier``, ``Identifier``, ``MESH``, ``MeSH``, ``ID`` (``|``-separated,
``-1`` meaning none; an ``OMIM``/``CHEBI`` infon gives ``OMIM:<id>``); the other infons
become attributes (``"true"``/``"false"`` as booleans).
Relations with nodes are mention-level (first node the head, second the tail). Relations
without nodes are document-level (``level="concept"``): the head and tail are the
``Chemical``/``Disease`` infons (BC5CDR CID) or the ``head``/``tail`` infons.
"""

from __future__ import annotations

import json
from pathlib import Path

import bioc
from bioc import biocjson, biocxml

from extractor.errors import ExtractorError
from extractor.formats.checks import OnProblem, check_documents, skip_or_raise
from extractor.formats.gold import GoldDocument, GoldEntity, GoldRelation
from extractor.formats.pubtator import split_ids
from extractor.formats.source_offsets import source_view

ID_KEYS = ("identifier", "Identifier", "MESH", "MeSH", "ID")
# Vocabularies whose ids are written with their prefix (MeSH ids are conventionally bare).
PREFIXED_KEYS = ("OMIM", "CHEBI")
_CONCEPT_ENDS = (("Chemical", "Disease"), ("head", "tail"))


def _load(path: Path) -> bioc.BioCCollection:
    """The collection in ``path``: JSON when it starts with ``{``, XML otherwise."""
    try:
        head = path.read_bytes()[:512].lstrip()
        with path.open("rb") as fp:
            if head.startswith(b"{"):
                return biocjson.load(fp)
            return biocxml.load(fp)
    except ExtractorError:
        raise
    except Exception as err:  # the bioc package raises many kinds; all mean a bad file
        raise ExtractorError(f"not a readable BioC file: {err}", path=str(path),
                             code="malformed") from err


def _fits(passage: bioc.BioCPassage, start: int) -> bool:
    """True when every annotation of ``passage`` matches its text with the passage at start."""
    text = passage.text or ""
    for ann in passage.annotations:
        for loc in ann.locations:
            rel = loc.offset - start
            if rel < 0 or text[rel:rel + loc.length] not in (ann.text or ""):
                return False
    return True


def _placements(document: bioc.BioCDocument) -> tuple[list[int], list[str]]:
    """Where each passage goes, and notes on the offsets that had to be repaired.

    Some files count a passage offset wrongly (the BC5CDR kit's own gold counts an XML
    escape as its escaped length in one document) while their annotation offsets follow the
    usual "previous passage + one separator" layout. When the annotations fit that layout
    and not the stated offset, the passage is placed there and the repair is noted.
    """
    starts: list[int] = []
    notes: list[str] = []
    end = 0
    for i, passage in enumerate(document.passages):
        start = passage.offset
        packed = end + 1 if i else 0
        if start != packed and not _fits(passage, start) and _fits(passage, packed):
            notes.append(f"passage {i}: offset {start} repaired to {packed} to fit its "
                         "annotations")
            start = packed
        starts.append(start)
        end = max(end, start + len(passage.text or ""))
    return starts, notes


def _text(document: bioc.BioCDocument, starts: list[int]) -> str:
    chars: list[str] = []
    for passage, start in zip(document.passages, starts, strict=True):
        if passage.text is None:
            continue
        if len(chars) < start:
            chars.extend(" " * (start - len(chars)))
        chars[start:start + len(passage.text)] = passage.text
    return "".join(chars)


def _entity(ann: bioc.BioCAnnotation) -> GoldEntity:
    infons = dict(ann.infons)
    label = infons.pop("type", "")
    raw_ids = next((infons.pop(k) for k in ID_KEYS if k in infons), "")
    for key in PREFIXED_KEYS:  # e.g. OMIM 215600 -> "OMIM:215600", as PubTator writes it
        if not raw_ids and key in infons:
            raw_ids = "|".join(f"{key}:{i}" for i in split_ids(str(infons.pop(key))))
    attrs: dict[str, str | bool] = {
        k: {"true": True, "false": False}.get(v.lower(), v) if isinstance(v, str) else str(v)
        for k, v in infons.items()}
    spans = tuple(sorted((loc.offset, loc.offset + loc.length) for loc in ann.locations))
    return GoldEntity(str(ann.id), label, spans, ann.text or "", attrs, (),
                      split_ids(str(raw_ids)))


def _relation(rel: bioc.BioCRelation, index: int) -> GoldRelation | None:
    infons = dict(rel.infons)
    rtype = infons.get("relation") or infons.get("type") or ""
    rid = str(rel.id) if rel.id else f"R{index}"
    if len(rel.nodes) >= 2:
        return GoldRelation(rid, rtype, rel.nodes[0].refid, rel.nodes[1].refid)
    for head_key, tail_key in _CONCEPT_ENDS:
        if head_key in infons and tail_key in infons:
            return GoldRelation(rid, rtype, infons[head_key], infons[tail_key], "concept")
    return None


def read_bioc(path: str | Path, *, check: bool = True,
              on_problem: OnProblem | None = None) -> list[GoldDocument]:
    """Documents of a BioC XML or JSON file (see the module docstring).

    With ``check`` (the default) offsets, mention texts and ids are verified
    (:func:`check_documents`, leniently with ``on_problem``); problems name the file, the
    document and the annotation id.
    """
    path = Path(path)
    collection = _load(path)
    docs = []
    for document in collection.documents:
        entities = [_entity(a) for p in document.passages for a in p.annotations]
        entities += [_entity(a) for a in document.annotations]
        relations = []
        all_rels = list(document.relations) + [r for p in document.passages
                                               for r in p.relations]
        for i, rel in enumerate(all_rels, start=1):
            gold_rel = _relation(rel, i)
            if gold_rel is None:
                skip_or_raise(ExtractorError(f"document {document.id}, relation {rel.id}: "
                                             "neither nodes nor concept infons",
                                             path=str(path), code="malformed"), on_problem)
            else:
                relations.append(gold_rel)
        starts, repairs = _placements(document)
        passages = [{"offset": start, "infons": dict(p.infons)}
                    for p, start in zip(document.passages, starts, strict=True)]
        meta: dict[str, object] = {"source": str(path), "passages": passages}
        if repairs:
            meta["offset_repairs"] = repairs
        if len(document.passages) > 1:
            meta["title_length"] = len(document.passages[0].text or "")
        docs.append(GoldDocument(str(document.id), _text(document, starts), entities, relations,
                                 meta))
    if check:
        return check_documents(docs, str(path), on_problem=on_problem)
    return docs


def _passage_bounds(doc: GoldDocument) -> list[tuple[int, int, dict[str, str]]]:
    """(start, end, infons) of each passage: from meta["passages"] or one for the whole text."""
    raw = doc.meta.get("passages")
    if not isinstance(raw, list) or not raw:
        return [(0, len(doc.text), {})]
    starts = [int(p["offset"]) for p in raw]
    bounds = []
    for i, p in enumerate(raw):
        end = starts[i + 1] - 1 if i + 1 < len(raw) else len(doc.text)
        bounds.append((starts[i], max(starts[i], end), dict(p.get("infons", {}))))
    return bounds


def to_bioc(docs: list[GoldDocument]) -> bioc.BioCCollection:
    """A BioC collection holding ``docs`` (the inverse of :func:`read_bioc`); predictions
    on a reflowed text are written on their source file's text when it can be read
    (:func:`~extractor.formats.source_offsets.source_view`)."""
    collection = bioc.BioCCollection()
    collection.source = "extractor"
    for doc in map(source_view, docs):
        document = bioc.BioCDocument()
        document.id = doc.id
        bounds = _passage_bounds(doc)
        passages = []
        for start, end, infons in bounds:
            passage = bioc.BioCPassage()
            passage.offset = start
            passage.text = doc.text[start:end]
            passage.infons.update(infons)
            passages.append(passage)
            document.add_passage(passage)
        for ent in doc.entities:
            ann = bioc.BioCAnnotation()
            ann.id = ent.id
            ann.infons["type"] = ent.label
            if ent.ids:
                ann.infons["identifier"] = "|".join(ent.ids)
            for key, value in ent.attributes.items():
                ann.infons[key] = str(value).lower() if isinstance(value, bool) else value
            for s, e in ent.spans:
                ann.add_location(bioc.BioCLocation(s, e - s))
            ann.text = ent.text
            # An annotation goes with the passage holding its start.
            owner = next((p for p, (s, e, _) in zip(passages, bounds, strict=True)
                          if s <= ent.start <= e), passages[-1])
            owner.add_annotation(ann)
        for rel in doc.relations:
            brel = bioc.BioCRelation()
            brel.id = rel.id
            brel.infons["relation"] = rel.type
            if rel.level == "concept":
                brel.infons["head"], brel.infons["tail"] = rel.head, rel.tail
            else:
                brel.add_node(bioc.BioCNode(rel.head, "head"))
                brel.add_node(bioc.BioCNode(rel.tail, "tail"))
            document.add_relation(brel)
        collection.add_document(document)
    return collection


def write_bioc(docs: list[GoldDocument], path: str | Path) -> None:
    """Write ``docs`` as BioC: JSON when ``path`` ends in ``.json``, XML otherwise."""
    path = Path(path)
    collection = to_bioc(docs)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(json.loads(biocjson.dumps(collection)), indent=1),
                        encoding="utf-8")
    else:
        path.write_text(biocxml.dumps(collection), encoding="utf-8")
