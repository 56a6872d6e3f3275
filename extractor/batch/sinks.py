"""The derived outputs of a batch, rebuilt from the committed JSONL at the end of each run:
records.csv, mentions.parquet, records.parquet, evidence.duckdb and summary.json.

Each is written under a temporary name and renamed into place, so a crash while writing
them leaves the previous version, and the next run rebuilds them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extractor.batch.arrow import Tables
from extractor.batch.log import BatchLog, Entry
from extractor.errors import ExtractorError
from extractor.evidence import LABELS, EvidenceDocument
from extractor.records.export import columns, evidence_rows, to_csv

DATABASE = "evidence.duckdb"

# Views that flatten the nested records into evidence tables. A document has one study
# record (level "study": each drug once, each adverse event once per (term, drug)) and one
# record per arm or patient of its tables, which the study record summarizes; counting both
# levels together would count a drug once for the study and again for every patient. So
# `interventions` and `adverse_events` count the study level, one row per fact of each
# document, with the number of arm/patient records that also name it; the `arm_patient_`
# views give the per-arm and per-patient rows (each row a fact about that arm or patient).
_TABLE_RECORDS_NAMING = """(
    SELECT count(DISTINCT t.id) FROM records t, unnest(t.{field}) AS u(x)
    WHERE t.file = r.file AND t.doc_index = r.doc_index AND t.level <> 'study'
      AND lower({inner}) = lower({outer}))"""
_INTERVENTION_COLUMNS = """iv.drug.name AS drug, iv.dose.text AS dose,
        iv.dose.value AS dose_value, iv.dose.unit AS dose_unit,
        iv.frequency.text AS frequency, iv.frequency.per_day AS doses_per_day,
        iv.route.name AS route, iv.duration.text AS duration,
        iv.duration.days AS duration_days, iv.drug.evidence.text AS evidence"""
_ADVERSE_EVENT_COLUMNS = """ae.term, ae.drug, ae.negated, ae.count AS patients_with_event,
        ae.percent AS percent_of_arm, ae.arm_n AS patients_in_arm, ae.text,
        ae.evidence.text AS evidence"""
VIEWS = {
    "evidence_table": """
        SELECT file, document, id AS record, level, population.n AS patients,
               coalesce(population.age_mean, population.age_median) AS age,
               population.condition AS condition,
               array_to_string(list_transform(interventions, lambda x: x.drug.name), '; ') AS drugs,
               array_to_string(list_transform(outcomes,
                   lambda x: coalesce(x.measure, x.text)), '; ') AS outcomes,
               array_to_string(list_transform(adverse_events,
                   lambda x: CASE WHEN x.negated THEN 'no ' ELSE '' END || x.term), '; ')
                   AS adverse_events
        FROM records""",
    "interventions": f"""
        SELECT r.file, r.document, r.id AS record, {_INTERVENTION_COLUMNS},
               {_TABLE_RECORDS_NAMING.format(field="interventions", inner="x.drug.name",
                                             outer="iv.drug.name")} AS arm_patient_records
        FROM records r, unnest(r.interventions) AS t(iv) WHERE r.level = 'study'""",
    "adverse_events": f"""
        SELECT r.file, r.document, r.id AS record, {_ADVERSE_EVENT_COLUMNS},
               {_TABLE_RECORDS_NAMING.format(field="adverse_events", inner="x.term",
                                             outer="ae.term")} AS arm_patient_records
        FROM records r, unnest(r.adverse_events) AS t(ae) WHERE r.level = 'study'""",
    "arm_patient_interventions": f"""
        SELECT r.file, r.document, r.id AS record, r.level, {_INTERVENTION_COLUMNS}
        FROM records r, unnest(r.interventions) AS t(iv) WHERE r.level <> 'study'""",
    "arm_patient_adverse_events": f"""
        SELECT r.file, r.document, r.id AS record, r.level, {_ADVERSE_EVENT_COLUMNS}
        FROM records r, unnest(r.adverse_events) AS t(ae) WHERE r.level <> 'study'""",
    "outcomes": """
        SELECT r.file, r.document, r.id AS record, r.level, o.measure, o.value, o.unit,
               o.timepoint, o.text
        FROM records r, unnest(r.outcomes) AS t(o)""",
    # One row per reported comparison (Record.findings), at the level that reports it.
    "findings": """
        SELECT r.file, r.document, r.id AS record, r.level, f.outcome, f.intervention,
               f.comparator, f.direction, f.significant, f.p_value,
               f.p_relation AS p_value_relation, f.effect.measure AS effect_measure,
               f.effect.value AS effect_value,
               f.effect.ci_low AS effect_confidence_interval_low,
               f.effect.ci_high AS effect_confidence_interval_high,
               f.effect.ci_level AS effect_confidence_level, f.timepoint,
               f.evidence.text AS evidence, f.evidence.start AS evidence_start,
               f.evidence."end" AS evidence_end
        FROM records r, unnest(r.findings) AS t(f)""",
}


def create_views(con: Any) -> None:
    """The views of :data:`VIEWS` on a database holding the batch tables."""
    for name, sql in VIEWS.items():
        con.execute(f"CREATE VIEW {name} AS {sql}")


def _tmp(path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    return tmp


def _commit(tmp: Path, path: Path) -> None:
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _evidence_rows_table(tables: Tables, docs: list[EvidenceDocument]) -> Any:
    """The evidence table with its provenance columns (for `extractor table OUT_DIR`)."""
    import pyarrow as pa

    files = [row["file"] for row in tables.rows["documents"]]
    rows: list[dict[str, str]] = []
    for file, doc in zip(files, docs, strict=True):
        rows.extend({"file": file, **row} for row in evidence_rows([doc], provenance=True))
    names = ["file", *columns(True)]
    return pa.Table.from_pylist(rows, schema=pa.schema([(n, pa.string()) for n in names]))


def _batches(log: BatchLog, entries: list[Entry],
             size: int) -> Iterator[tuple[Tables, list[EvidenceDocument]]]:
    """The committed documents and errors, ``size`` documents at a time (bounded memory)."""
    tables, docs = Tables(), []
    for entry in entries:
        for index, line in enumerate(log.read_lines(entry)):
            ev = EvidenceDocument.model_validate_json(line)
            tables.add(entry.file, index, ev)
            docs.append(ev)
        tables.add_errors(json.loads(line) for line in log.read_lines(entry, errors=True))
        if len(docs) >= size:
            yield tables, docs
            tables, docs = Tables(), []
    yield tables, docs  # the rest, possibly empty: every table exists even when empty


def build_outputs(out_dir: Path, log: BatchLog, entries: list[Entry],
                  batch_size: int = 500) -> dict[str, Any]:
    """Rebuild every derived output from ``entries`` (in order), ``batch_size`` documents
    at a time; returns the row count of each table and the number of mentions per label.
    Each output is written under a temporary name and renamed into place at the end."""
    import duckdb
    import pyarrow.parquet as pq

    from extractor.batch.arrow import MENTIONS, RECORDS

    paths = {name: out_dir / name for name in
             ("records.csv", "mentions.parquet", "records.parquet", DATABASE)}
    tmp = {name: _tmp(path) for name, path in paths.items()}
    rows: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    # a write-ahead log left by a failed build would be replayed into the new database
    tmp[DATABASE].with_name(tmp[DATABASE].name + ".wal").unlink(missing_ok=True)
    con = duckdb.connect(str(tmp[DATABASE]))
    try:
        with tmp["records.csv"].open("w", encoding="utf-8") as csv_file, \
                pq.ParquetWriter(tmp["mentions.parquet"], MENTIONS) as mentions, \
                pq.ParquetWriter(tmp["records.parquet"], RECORDS) as records:
            for tables, docs in _batches(log, entries, batch_size):
                text = to_csv(evidence_rows(docs), columns(False))
                csv_file.write(text if not rows else text.split("\n", 1)[1])
                arrow = tables.arrow()
                mentions.write_table(arrow["mentions"])
                records.write_table(arrow["records"])
                arrow["evidence_rows"] = _evidence_rows_table(tables, docs)
                for name, table in arrow.items():
                    con.register("incoming", table)
                    con.execute(f"INSERT INTO {name} SELECT * FROM incoming" if name in rows
                                else f"CREATE TABLE {name} AS SELECT * FROM incoming")
                    con.unregister("incoming")
                    rows[name] += table.num_rows
                labels.update(str(row["label"]) for row in tables.rows["mentions"])
        create_views(con)
        con.execute("CHECKPOINT")
    except (duckdb.IOException, duckdb.FatalException) as err:  # a full disk, as the other
        # outputs' OSError says it (a failed checkpoint is "fatal" to that connection only)
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ExtractorError(f"cannot write the database ({first})",
                             path=str(tmp[DATABASE]), code="io") from err
    finally:
        con.close()
    for name, path in paths.items():
        _commit(tmp[name], path)
    return {"rows": {name: n for name, n in rows.items() if name != "evidence_rows"},
            "mentions_per_label": {label: labels[label] for label in LABELS}}


def write_summary(out_dir: Path, summary: dict[str, Any]) -> None:
    """summary.json, atomically."""
    path = out_dir / "summary.json"
    tmp = _tmp(path)
    tmp.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    _commit(tmp, path)
