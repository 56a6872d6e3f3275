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


def test_evidence_schema_names_mentions_relations_records() -> None:
    import json

    schema = json.loads((REPO / "schemas" / "evidence.schema.json").read_text())
    assert {"mentions", "relations", "records", "text", "tables"} <= set(schema["properties"])
    mention = schema["$defs"]["Mention"]["properties"]
    assert {"id", "label", "text", "start", "end", "negated", "uncertain", "normalized",
            "source"} <= set(mention)
    assert set(schema["$defs"]["Mention"]["properties"]["label"]["enum"]) == {
        "DRUG", "DOSE", "FREQUENCY", "ROUTE", "DURATION", "ADVERSE_EVENT", "CONDITION",
        "OUTCOME"}
