"""The DuckDB views of a batch, on hand-built EvidenceDocuments: interventions and adverse
events count each fact once (the study level), the arm/patient views keep the table rows,
and `findings` flattens Record.findings one row per finding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from extractor.batch.arrow import Tables
from extractor.batch.sinks import create_views
from extractor.document import Source
from extractor.evidence import (
    AdverseEvent,
    ArmResult,
    Dose,
    DrugRef,
    Effect,
    Evidence,
    EvidenceDocument,
    Finding,
    Intervention,
    Record,
)

# Invented: a two-patient case series where both patients got methotrexate, one had nausea.
TEXT = ("Two patients received methotrexate 15 mg weekly; one developed nausea. "
        "Response was higher with methotrexate than with placebo (RR 1.8, 95% CI 1.2-2.7; "
        "p = 0.004).")
RESULT = TEXT.index("Response")


def _drug(name: str, dose: str | None = None) -> Intervention:
    return Intervention(drug=DrugRef(name=name),
                        dose=Dose(value=15, unit="mg", text=dose) if dose else None)


def _document() -> EvidenceDocument:
    finding = Finding(
        outcome="response", intervention="methotrexate", comparator="placebo",
        direction="increased", significant=True, p_value=0.004, p_relation="=",
        effect=Effect(measure="RR", value=1.8, ci_low=1.2, ci_high=2.7, ci_level=95),
        arms=[ArmResult(name="methotrexate", n=40), ArmResult(name="placebo", n=41)],
        evidence=Evidence(start=RESULT, end=len(TEXT), text=TEXT[RESULT:]))
    study = Record(id="S1", level="study",
                   interventions=[_drug("methotrexate", "15 mg"), _drug("folic acid")],
                   adverse_events=[AdverseEvent(term="nausea", drug="methotrexate",
                                                text="nausea")],
                   findings=[finding], summarizes=["T1-R1", "T1-R2"])
    patients = [
        Record(id="T1-R1", level="patient", interventions=[_drug("Methotrexate")],
               adverse_events=[AdverseEvent(term="nausea", drug="methotrexate",
                                            text="nausea")]),
        Record(id="T1-R2", level="patient", interventions=[_drug("methotrexate")]),
    ]
    return EvidenceDocument(id="invented", text=TEXT, records=[study, *patients],
                            source=Source(path="invented.txt", format="text", sha256="0" * 64))


@pytest.fixture(scope="module")
def con() -> Iterator[Any]:
    import duckdb

    tables = Tables()
    tables.add("invented.txt", 0, _document())
    connection = duckdb.connect()
    for name, table in tables.arrow().items():
        connection.register("incoming", table)
        connection.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        connection.unregister("incoming")
    create_views(connection)
    yield connection
    connection.close()


def _rows(con: Any, sql: str) -> list[dict[str, Any]]:
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def test_interventions_count_each_drug_once_with_its_patients(con: Any) -> None:
    rows = _rows(con, "SELECT drug, dose, arm_patient_records FROM interventions "
                      "ORDER BY drug")
    assert rows == [{"drug": "folic acid", "dose": None, "arm_patient_records": 0},
                    {"drug": "methotrexate", "dose": "15 mg", "arm_patient_records": 2}]
    per_patient = _rows(con, "SELECT record, level, drug FROM arm_patient_interventions "
                             "ORDER BY record")
    assert [(r["record"], r["level"]) for r in per_patient] == [("T1-R1", "patient"),
                                                                 ("T1-R2", "patient")]


def test_adverse_events_count_each_event_once(con: Any) -> None:
    rows = _rows(con, "SELECT term, drug, negated, arm_patient_records FROM adverse_events")
    assert rows == [{"term": "nausea", "drug": "methotrexate", "negated": False,
                     "arm_patient_records": 1}]
    assert _rows(con, "SELECT record FROM arm_patient_adverse_events") == [
        {"record": "T1-R1"}]


def test_findings_view_has_one_row_per_finding(con: Any) -> None:
    (row,) = _rows(con, "SELECT * FROM findings")
    assert row == {
        "file": "invented.txt", "document": "invented", "record": "S1", "level": "study",
        "outcome": "response", "intervention": "methotrexate", "comparator": "placebo",
        "direction": "increased", "significant": True, "p_value": 0.004,
        "p_value_relation": "=", "effect_measure": "RR", "effect_value": 1.8,
        "effect_confidence_interval_low": 1.2, "effect_confidence_interval_high": 2.7,
        "effect_confidence_level": 95.0, "timepoint": None, "evidence": TEXT[RESULT:],
        "evidence_start": RESULT, "evidence_end": len(TEXT)}
