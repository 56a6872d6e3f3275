"""Predictions in the coordinates of their source file.

A prediction read from the toolkit's JSON indexes ``Document.text``, which the text parser
reflows; gold written on the raw file (brat ``.ann`` beside a ``.txt``) indexes the file.
The reader keeps the Document's ``source_map`` (see :mod:`extractor.source_map`) in
``meta``; :func:`in_source_coordinates` moves every span onto the file's text, and
:func:`source_view` does it with the file itself, for the writers.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from extractor.formats.gold import GoldDocument, GoldEntity
from extractor.source_map import span_to_source


def source_map_of(doc: GoldDocument) -> list[list[int]]:
    """The document's anchors (empty: its offsets already are the source's)."""
    anchors = doc.meta.get("source_map")
    return anchors if isinstance(anchors, list) else []


def in_source_coordinates(doc: GoldDocument, source_text: str) -> GoldDocument:
    """A copy of ``doc`` whose text is ``source_text`` and whose spans index it; each
    entity's text becomes the source's characters under its spans. Unchanged without a map."""
    anchors = source_map_of(doc)
    if not anchors:
        return doc
    entities = []
    for ent in doc.entities:
        spans = tuple(span_to_source(anchors, s, e) for s, e in ent.spans)
        text = " ".join(source_text[s:e] for s, e in spans)
        entities.append(GoldEntity(ent.id, ent.label, spans, text, ent.attributes, ent.notes,
                                   ent.ids))
    meta = {k: v for k, v in doc.meta.items() if k != "source_map"}
    return GoldDocument(doc.id, source_text, entities, list(doc.relations), meta)


def _read_source(doc: GoldDocument) -> str | None:
    """The decoded source file of ``doc`` when it is still there, unchanged (same SHA-256)."""
    from extractor.parsers.source import decode_file_text

    path, sha256 = doc.meta.get("source_path"), doc.meta.get("source_sha256")
    if not isinstance(path, str):
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        return None
    return decode_file_text(data)[0]


def source_view(doc: GoldDocument) -> GoldDocument:
    """``doc`` on its source file's text when it has a source map and the file can be read
    as it was parsed; otherwise ``doc`` as it is (offsets into the Document's text)."""
    if not source_map_of(doc):
        return doc
    text = _read_source(doc)
    return doc if text is None else in_source_coordinates(doc, text)
