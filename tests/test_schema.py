"""The checked-in JSON Schemas must match the code's models."""

from extractor.schema import SCHEMAS, schema_json
from tests.conftest import REPO


def test_schemas_do_not_drift() -> None:
    for name, model in SCHEMAS.items():
        checked_in = (REPO / "schemas" / name).read_text(encoding="utf-8")
        assert checked_in == schema_json(model), (
            f"schemas/{name} is stale: run `make schemas` (extractor schema) and commit it"
        )


def test_document_schema_names_the_contract_fields() -> None:
    import json

    schema = json.loads((REPO / "schemas" / "document.schema.json").read_text())
    assert {"id", "source", "metadata", "text", "sections", "tables"} <= set(schema["properties"])
    cell = schema["$defs"]["Cell"]["properties"]
    assert {"row", "col", "rowspan", "colspan", "text", "start", "end", "bbox"} <= set(cell)
