"""Arrow tables of a batch's documents, mentions, relations, records and errors.

The records table keeps the nested structure of ``Record`` (population, interventions,
outcomes, adverse events as structs and lists); its Arrow schema is derived from the
pydantic model, so a field added to the model appears in Parquet and DuckDB unchanged.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterable
from typing import Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

from extractor.evidence import EvidenceDocument, Record

_SCALARS = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
_KEYS = [("file", pa.string()), ("doc_index", pa.int32()), ("document", pa.string())]


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of a pydantic field annotation (models become structs)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return arrow_type(inner[0])
        return pa.string()
    if origin is Literal:
        return pa.string()
    if origin is list:
        return pa.list_(arrow_type(get_args(annotation)[0]))
    if origin is dict:  # Population.evidence: field name -> Evidence
        key, value = get_args(annotation)
        return pa.map_(arrow_type(key), arrow_type(value))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([(name, arrow_type(f.annotation))
                          for name, f in annotation.model_fields.items()])
    return _SCALARS.get(annotation, pa.string())


def _schema(fields: list[tuple[str, pa.DataType]]) -> pa.Schema:
    return pa.schema(_KEYS + fields)


DOCUMENTS = _schema([
    ("id", pa.string()), ("path", pa.string()), ("format", pa.string()),
    ("sha256", pa.string()), ("title", pa.string()), ("doi", pa.string()),
    ("pmid", pa.string()), ("pmcid", pa.string()), ("journal", pa.string()),
    ("year", pa.int64()), ("chars", pa.int64()), ("tables", pa.int64()),
    ("mentions", pa.int64()), ("relations", pa.int64()), ("records", pa.int64()),
])
MENTIONS = _schema([
    ("id", pa.string()), ("label", pa.string()), ("text", pa.string()), ("start", pa.int64()),
    ("end", pa.int64()), ("negated", pa.bool_()), ("uncertain", pa.bool_()),
    ("historical", pa.bool_()), ("status", pa.string()), ("section", pa.string()),
    ("name", pa.string()), ("ids", pa.string()),
    ("value", pa.string()), ("source_kind", pa.string()), ("source_table", pa.string()),
    ("source_row", pa.int64()), ("source_col", pa.int64()), ("found_by", pa.list_(pa.string())),
])
RELATIONS = _schema([("type", pa.string()), ("head", pa.string()), ("tail", pa.string())])
RECORDS = pa.schema(_KEYS + list(arrow_type(Record)))
ERRORS = pa.schema([("file", pa.string()), ("sha256", pa.string()), ("stage", pa.string()),
                    ("code", pa.string()), ("reason", pa.string())])


class Tables:
    """Rows collected document by document, then turned into Arrow tables."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {
            "documents": [], "mentions": [], "relations": [], "records": [], "errors": []}

    def add(self, file: str, index: int, ev: EvidenceDocument) -> None:
        """The rows of one EvidenceDocument, keyed by input file and position in it."""
        key = {"file": file, "doc_index": index, "document": ev.id}
        m = ev.metadata
        self.rows["documents"].append({
            **key, "id": ev.id, "path": ev.source.path, "format": ev.source.format,
            "sha256": ev.source.sha256, "title": m.title, "doi": m.doi, "pmid": m.pmid,
            "pmcid": m.pmcid, "journal": m.journal, "year": m.year, "chars": len(ev.text),
            "tables": len(ev.tables), "mentions": len(ev.mentions),
            "relations": len(ev.relations), "records": len(ev.records)})
        for x in ev.mentions:
            self.rows["mentions"].append({
                **key, "id": x.id, "label": x.label, "text": x.text, "start": x.start,
                "end": x.end, "negated": x.negated, "uncertain": x.uncertain,
                "historical": x.historical, "status": x.status, "section": x.section,
                "name": x.normalized.name,
                "ids": json.dumps(x.normalized.ids, sort_keys=True),
                "value": json.dumps(x.value, sort_keys=True), "source_kind": x.source.kind,
                "source_table": x.source.table, "source_row": x.source.row,
                "source_col": x.source.col, "found_by": x.found_by})
        self.rows["relations"].extend({**key, **r.model_dump()} for r in ev.relations)
        self.rows["records"].extend({**key, **r.model_dump()} for r in ev.records)

    def add_errors(self, errors: Iterable[dict[str, Any]]) -> None:
        """Error records as read from errors.jsonl."""
        self.rows["errors"].extend({k: e.get(k) for k in ERRORS.names} for e in errors)

    def arrow(self) -> dict[str, pa.Table]:
        """One Arrow table per name: documents, mentions, relations, records, errors."""
        schemas = {"documents": DOCUMENTS, "mentions": MENTIONS, "relations": RELATIONS,
                   "records": RECORDS, "errors": ERRORS}
        return {name: pa.Table.from_pylist(self.rows[name], schema=schemas[name])
                for name in schemas}
