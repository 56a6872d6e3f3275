"""The toolkit's own JSON (EvidenceDocument / Document) as gold documents.

Accepts a JSON Lines file (one EvidenceDocument per line, as ``extractor extract`` writes
it), a single JSON object, or a folder of ``.json`` files. Mentions become entities (the
vocabulary ids of ``normalized.ids`` become concept ids; ``negated`` / ``uncertain`` /
``historical`` become the ``Negated`` / ``Uncertain`` / ``Historical`` attributes), relations
keep their mention ids, and evidence records are kept as plain dicts in ``meta["records"]``
so validation can compare record fields; the Document's ``source_map`` and source path and
SHA-256 go to ``meta`` too (:mod:`extractor.formats.source_offsets`). A plain Document (no
mentions) reads as a text without entities.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.formats.checks import OnProblem, check_documents
from extractor.formats.gold import GoldDocument, GoldEntity, GoldRelation

_FLAGS = (("negated", "Negated"), ("uncertain", "Uncertain"), ("historical", "Historical"))


def _entity(raw: dict[str, Any]) -> GoldEntity:
    """One mention dict as an entity."""
    start, end = int(raw["start"]), int(raw["end"])
    attrs: dict[str, str | bool] = {name: True for key, name in _FLAGS if raw.get(key)}
    normalized = raw.get("normalized") or {}
    ids = tuple(str(v) for v in (normalized.get("ids") or {}).values() if v)
    # ``ids`` is an additive field of GoldEntity; pass it only where the model has it.
    extra: dict[str, Any] = {}
    if any(f.name == "ids" for f in dataclasses.fields(GoldEntity)):
        extra["ids"] = ids
    return GoldEntity(str(raw["id"]), str(raw["label"]), ((start, end),),
                      str(raw.get("text", "")), attrs, **extra)


def _document(raw: object, lineno: int | None = None) -> GoldDocument:
    """One (Evidence)Document dict as a gold document; ``lineno`` is its line in a JSON
    Lines file, for problems to name."""
    if not isinstance(raw, dict) or "text" not in raw or "id" not in raw:
        raise ValueError("not a Document: needs 'id' and 'text'")
    entities = [_entity(m) for m in raw.get("mentions", [])]
    relations = [GoldRelation(f"R{i}", str(r["type"]), str(r["head"]), str(r["tail"]))
                 for i, r in enumerate(raw.get("relations", []), start=1)]
    meta: dict[str, object] = {"records": list(raw.get("records", []))}
    pmid = (raw.get("metadata") or {}).get("pmid")
    if pmid:
        meta["pmid"] = pmid
    source = raw.get("source") or {}
    # Where the text came from, so that offsets can be moved onto the source file
    # (formats.source_offsets): gold written on a raw .txt indexes the file, not the text.
    meta["source_map"] = list(raw.get("source_map") or [])
    meta["source_path"] = source.get("path")
    meta["source_sha256"] = source.get("sha256")
    if lineno is not None:
        meta["lines"] = {item: lineno for item in [*(e.id for e in entities),
                                                   *(r.id for r in relations)]}
    return GoldDocument(str(raw["id"]), str(raw["text"]), entities, relations, meta)


def _read_file(path: Path) -> list[GoldDocument]:
    try:
        body = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ExtractorError(f"cannot read toolkit JSON: {err}", path=str(path),
                             code="not_found" if isinstance(err, OSError) else "decode"
                             ) from err
    stripped = body.strip()
    if not stripped:
        return []
    # A pretty-printed single document spans many lines: try the whole body first.
    try:
        return [_document(json.loads(stripped))]
    except (ValueError, KeyError, TypeError) as whole_err:
        if "\n" not in stripped:
            raise ExtractorError(f"{path}: not a toolkit document ({whole_err})",
                                 code="malformed") from whole_err
    docs = []
    for lineno, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            docs.append(_document(json.loads(line), lineno))
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise ExtractorError(f"{path}:{lineno}: not a toolkit document ({err})",
                                 code="malformed") from err
    return docs


def _checked(path: Path, on_problem: OnProblem | None) -> list[GoldDocument]:
    """One file's documents, checked as every gold format is (offsets past the text,
    mention text against its offsets, duplicate ids): ExtractorError when malformed,
    unless ``on_problem`` is told of each problem instead."""
    docs = _read_file(path)
    for doc in docs:
        doc.meta["source"] = str(path)
    return check_documents(docs, str(path), on_problem=on_problem)


def read_toolkit_json(path: str | Path, on_problem: OnProblem | None = None
                      ) -> list[GoldDocument]:
    """Gold documents from a toolkit JSONL/JSON file or a folder of ``.json`` files."""
    path = Path(path)
    if path.is_dir():
        return [d for p in sorted(path.glob("*.json")) for d in _checked(p, on_problem)]
    return _checked(path, on_problem)
