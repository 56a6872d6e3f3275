"""JSON Schemas generated from the pydantic models; ``schemas/`` holds the checked-in copies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from extractor.document import Document
from extractor.evidence import EvidenceDocument

SCHEMAS: dict[str, type[BaseModel]] = {
    "document.schema.json": Document,
    "evidence.schema.json": EvidenceDocument,
}


def schema_json(model: type[BaseModel]) -> str:
    """The model's JSON Schema as stable, pretty JSON text (with a trailing newline)."""
    schema: dict[str, Any] = model.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(directory: str | Path) -> list[Path]:
    """Write every schema into ``directory``; returns the paths written."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = out / name
        path.write_text(schema_json(model), encoding="utf-8")
        written.append(path)
    return written
