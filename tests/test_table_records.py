"""Patient and arm records from tables (issue 4).

Inline fixtures are invented tables (invented patients; real drug names). Seed 004 is read
from ../shared (skipped when absent) and checked against the counts its own text gives.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.document import Cell, Table
from extractor.evidence import EvidenceDocument, Record
from extractor.parsers import parse, parse_bytes
from extractor.pipeline import Pipeline, default_pipeline
from extractor.records.table import _leading_number
from extractor.records.table_roles import content_role, header_role, layout
from tests.conftest import EXAMPLES, shared_path

CASE_TABLE = """<!DOCTYPE html><html><head><title>Invented case series</title></head><body>
<h1>Tofacitinib plus dupilumab in five invented patients</h1>
<p>We describe five invented patients with prurigo nodularis.</p>
<table><caption>Table 1. Invented patients</caption>
<thead><tr><th>Patient</th><th>Sex</th><th>Age (years)</th><th>Diagnosis</th>
<th>Prior failed therapies</th><th>Tofacitinib dose</th><th>Added drug and dose</th>
<th>Duration (weeks)</th><th>Response</th><th>Adverse events (attributed drug)</th></tr></thead>
<tbody>
<tr><td>1</td><td>Female</td><td>48</td><td>Prurigo nodularis</td><td>Cyclosporine</td>
<td>5 mg twice daily</td><td>Dupilumab 300 mg every 2 weeks</td><td>16</td>
<td>Complete response</td><td>Headache and nausea (tofacitinib); acne (dupilumab)</td></tr>
<tr><td>2</td><td>Male</td><td>63</td><td>Prurigo nodularis</td><td>Methotrexate, azathioprine</td>
<td>10 mg twice daily</td><td>Methotrexate 7.5 mg weekly (orally)</td><td>6 (ongoing)</td>
<td>Partial response</td><td>None</td></tr>
<tr><td>3</td><td>Female</td><td>35</td><td>Prurigo nodularis</td><td>Dupilumab</td>
<td>5 mg twice daily</td><td>Prednisone 10 mg daily</td><td>0.5</td>
<td>None</td><td>Herpes zoster (tofacitinib)</td></tr>
</tbody></table>
<h2>Trial</h2>
<table><caption>Table 2. Invented trial results at week 12</caption>
<thead><tr><th>Outcome</th><th>Placebo (n = 40)</th><th>Etoricoxib 90 mg (n = 41)</th>
<th>Etoricoxib vs placebo</th></tr></thead>
<tbody>
<tr><td>Responders, n (%)</td><td>12 (30.0)</td><td>25 (61.0)</td><td>0.002</td></tr>
<tr><td>Pain score, mean (SD)</td><td>5.1 (1.2)</td><td>3.4 (1.5)</td><td>0.01</td></tr>
</tbody></table>
</body></html>"""


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return default_pipeline()


@pytest.fixture(scope="module")
def invented(pipeline: Pipeline) -> EvidenceDocument:
    return pipeline.extract(parse_bytes(CASE_TABLE.encode(), "invented.html", "html")[0])


def _by_id(evidence: EvidenceDocument) -> dict[str, Record]:
    return {r.id: r for r in evidence.records}


# --- roles and orientation (no pipeline) -----------------------------------------------------


def _table(rows: list[list[str]], header_rows: int = 1) -> Table:
    cells, pos = [], 0
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cells.append(Cell(row=r, col=c, text=text, start=pos, end=pos + len(text)))
            pos += len(text) + 1
    return Table(id="T9", n_rows=len(rows), n_cols=len(rows[0]), header_rows=header_rows,
                 cells=cells, start=0, end=pos)


@pytest.mark.parametrize(("header", "role"), [
    ("Case", "case_id"),
    ("Age (years)/sex", "age_sex"),
    ("Previous failed systemic therapies prior to JAKi", "history"),
    ("JAK inhibitor and dose", "drug"),
    ("Combination drug and dose", "combination_drug"),
    ("Combination therapy duration (months)", "duration"),
    ("Combination therapy efficacy", "efficacy"),
    ("JAKi monotherapy efficacy", "prior_efficacy"),
    ("Reason for ending combination therapy", "reason"),
    ("Adverse effects of combination therapy and treatment attribution", "adverse_event"),
    ("Comorbidities", "comorbidity"),
    ("Disease", "condition"),
])
def test_header_roles(header: str, role: str) -> None:
    assert header_role(header) == role


def test_content_decides_when_header_is_missing() -> None:
    assert content_role(["M", "F", "F", "M"]) == "sex"
    assert content_role(["Upadacitinib 15 mg daily", "Baricitinib 4 mg daily", ""]) == "drug"
    assert content_role(["34/F", "41/M"]) == "age_sex"
    table = _table([["", "", "", ""],
                    ["1", "F", "Baricitinib 4 mg daily", "Complete response"],
                    ["2", "M", "Upadacitinib 15 mg daily", "Partial response"]])
    lay = layout(table)
    assert lay.roles == ["case_id", "sex", "drug", "efficacy"]
    assert lay.orientation == "patients"


def test_arm_orientation_and_timepoints() -> None:
    table = _table([
        ["", "Week 4", "Week 4", "Week 8", "Week 8", "Placebo vs drug"],
        ["", "Placebo (n = 20)", "Naproxen 500 mg (n = 21)", "Placebo (n = 20)",
         "Naproxen 500 mg (n = 21)", ""],
        ["Pain score", "6.0 (1.1)", "4.2 (1.3)", "5.8 (1.0)", "3.1 (1.2)", "0.03"],
    ], header_rows=2)
    lay = layout(table)
    assert lay.orientation == "arms"
    assert lay.arm_labels[1:] == ["Placebo (n = 20)", "Naproxen 500 mg (n = 21)"] * 2 + [None]
    assert lay.timepoints[1:5] == ["Week 4", "Week 4", "Week 8", "Week 8"]


def test_study_characteristics_table_is_neither() -> None:
    table = _table([["Author", "Year", "Country"], ["Smith", "2020", "Spain"],
                    ["Jones", "2021", "Peru"]])
    assert layout(table).orientation == "other"


# --- invented case and trial tables through the pipeline -------------------------------------


def test_invented_case_table_rows(invented: EvidenceDocument) -> None:
    records = _by_id(invented)
    patients = [r for r in invented.records if r.level == "patient"]
    assert [r.id for r in patients] == ["T1-R1", "T1-R2", "T1-R3"]
    r1, r2, r3 = patients
    assert r1.source.kind == "table" and r1.source.table == "T1" and r1.source.row == 1
    # the tofacitinib column has doses only: the drug comes from its header
    tofa = r1.interventions[0]
    assert tofa.drug.name == "tofacitinib"
    assert tofa.dose is not None and tofa.dose.value == 5 and tofa.dose.unit == "mg"
    assert tofa.frequency is not None and tofa.frequency.per_day == 2
    dupi = r1.interventions[1]
    assert dupi.drug.name == "dupilumab" and dupi.dose is not None and dupi.dose.value == 300
    # duration in the header's unit, on every intervention of the row
    assert tofa.duration is not None and tofa.duration.value == 16
    assert tofa.duration.unit == "week" and tofa.duration.days == 112
    assert {(e.term, e.drug) for e in r1.adverse_events} == {
        ("headache", "tofacitinib"), ("nausea", "tofacitinib"), ("acne", "dupilumab")}
    assert [o.measure for o in r1.outcomes] == ["complete response"]
    assert r1.population.n == 1 and r1.population.female == 1 and r1.population.age_mean == 48
    assert r1.population.condition == "prurigo nodularis"
    # history is not an intervention: methotrexate of row 2 is the added drug, azathioprine
    # (previous therapy) is nowhere
    assert [iv.drug.name for iv in r2.interventions] == ["tofacitinib", "methotrexate"]
    mtx = r2.interventions[1]
    assert mtx.route is not None and mtx.route.name == "oral"
    assert mtx.dose is not None and mtx.dose.value == 7.5
    assert mtx.duration is not None and mtx.duration.value == 6
    assert r2.adverse_events == []  # "None"
    assert r3.interventions[0].duration is not None
    assert r3.interventions[0].duration.value == 0.5
    assert [iv.drug.name for iv in r3.interventions] == ["tofacitinib", "prednisone"]
    assert [o.measure for o in r3.outcomes] == ["no response"]
    assert [(e.term, e.drug) for e in r3.adverse_events] == [("herpes zoster", "tofacitinib")]
    assert "S1" in records


def test_invented_trial_table_arms(invented: EvidenceDocument) -> None:
    arms = [r for r in invented.records if r.level == "arm"]
    assert [a.id for a in arms] == ["T2-A1", "T2-A2"]  # "vs" column is not an arm
    placebo, etori = arms
    assert placebo.population.n == 40 and etori.population.n == 41
    assert [iv.drug.name for iv in placebo.interventions] == ["placebo"]
    assert etori.interventions[0].drug.name == "etoricoxib"
    assert etori.interventions[0].dose is not None and etori.interventions[0].dose.value == 90
    values = {o.measure: o.value for o in etori.outcomes}
    assert values == {"Responders, n (%)": 25, "Pain score, mean (SD)": 3.4}
    assert [o.text for o in placebo.outcomes] == ["12 (30.0)", "5.1 (1.2)"]


def test_study_record_summarizes_without_double_counting(invented: EvidenceDocument) -> None:
    study, *rest = invented.records
    assert study.level == "study"
    assert study.summarizes == [r.id for r in rest]
    names = [iv.drug.name for iv in study.interventions]
    assert len(names) == len(set(names))  # a drug of three rows is one study intervention
    row_drugs = {iv.drug.name for r in rest if r.level == "patient" for iv in r.interventions}
    assert row_drugs <= set(names)
    # the study population comes from the text ("five"), not from adding up table rows
    assert study.population.n == 5


# --- corpus example: the invented HTML case series ------------------------------------------


def test_example_case_series_one_record_per_patient(pipeline: Pipeline) -> None:
    evidence = pipeline.extract(parse(EXAMPLES / "case_series_dupilumab_jak.html"))
    patients = [r for r in evidence.records if r.level == "patient"]
    assert len(patients) == 7  # cases 1-7
    table = evidence.tables[0]
    case_ids = [c.text for c in table.cells if c.col == 0 and c.row >= table.header_rows]
    assert [r.population.text.split(";")[0] for r in patients if r.population.text] == [
        f"Case: {c}" for c in case_ids]
    # dupilumab's cell spans cases 1-3: each of them gets it
    assert all(r.interventions[0].drug.name == "dupilumab" for r in patients)
    jak = [r.interventions[1].drug.name for r in patients]
    assert Counter(jak) == {"upadacitinib": 3, "abrocitinib": 2, "baricitinib": 2}
    easi = [(o.timepoint, o.value) for o in patients[0].outcomes if o.measure == "EASI"]
    assert easi == [("baseline", 31.2), ("week 16", 4.0)]
    assert patients[-1].adverse_events == []
    assert [(e.term, e.drug) for e in patients[4].adverse_events] == [
        ("conjunctivitis", "dupilumab")]


# --- seed 004 -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed004(pipeline: Pipeline) -> EvidenceDocument:
    path = shared_path("seeds", "004_874d326f4a28e356.txt")
    return pipeline.extract(parse(path))


def test_seed004_gives_22_patient_records(seed004: EvidenceDocument) -> None:
    patients = [r for r in seed004.records if r.level == "patient"]
    assert len(patients) == 22
    assert seed004.records[0].summarizes == [r.id for r in patients]


def test_seed004_counts_match_the_papers_text(seed004: EvidenceDocument) -> None:
    patients = [r for r in seed004.records if r.level == "patient"]
    assert all(len(r.interventions) == 2 for r in patients)
    jak = Counter((iv.drug.name, iv.dose.text if iv.dose else None,
                   iv.frequency.per_day if iv.frequency else None)
                  for r in patients for iv in r.interventions[:1])
    assert jak[("baricitinib", "4mg", 1.0)] == 17
    assert sum(n for (name, _, _), n in jak.items() if name == "upadacitinib") == 5
    combination = Counter(r.interventions[1].drug.name for r in patients)
    assert combination == {"methotrexate": 12, "prednisone": 4, "dupilumab": 4,
                           "tacrolimus": 1, "cyclosporine": 1}


def test_seed004_rows_agree_with_their_cells(seed004: EvidenceDocument) -> None:
    """Each record's drugs are the words its own combination cell starts with."""
    table = seed004.tables[0]
    lay = layout(table)
    (combo_col,) = lay.columns("combination_drug")
    cells = {(c.row, c.col): c.text for c in table.cells}
    for record in (r for r in seed004.records if r.level == "patient"):
        assert record.source.row is not None
        first_word = cells[(record.source.row, combo_col)].split()[0].lower()
        # the cells spell cyclosporine "Cyclosporin"
        assert record.interventions[1].drug.name.startswith(first_word)
        # previous therapies never become interventions
        history = {m.id for m in seed004.mentions if m.historical}
        assert not {iv.drug.mention for iv in record.interventions} & history


def test_seed004_adverse_events_with_attribution(seed004: EvidenceDocument) -> None:
    records = _by_id(seed004)
    table = seed004.tables[0]
    (ae_col,) = layout(table).columns("adverse_event")
    cells = {(c.row, c.col): c.text for c in table.cells}
    for record in (r for r in seed004.records if r.level == "patient"):
        text = cells.get((record.source.row or 0, ae_col), "")
        attributed = re.findall(r"\(([a-z]+)\)", text.lower())
        # every event carries a drug named in its cell's parentheses; "None" gives none
        assert {e.drug for e in record.adverse_events} <= set(attributed)
        if text.strip().lower() in ("", "none"):
            assert record.adverse_events == []
    two_drugs = [r for r in records.values() if r.level == "patient"
                 and len({e.drug for e in r.adverse_events}) == 2]
    assert len(two_drugs) == 1
    assert {(e.term, e.drug) for e in two_drugs[0].adverse_events} == {
        ("hypercholesterolemia", "baricitinib"), ("hypertriglyceridemia", "baricitinib"),
        ("gout", "methotrexate")}


def test_seed004_durations_in_months(seed004: EvidenceDocument) -> None:
    durations = [r.interventions[0].duration for r in seed004.records if r.level == "patient"]
    known = [d for d in durations if d is not None]
    assert known and all(d.unit == "month" for d in known)
    assert any(d.value == 0.5 for d in known)
    assert any("ongoing" in d.text for d in known)


# --- the `extractor table` command -----------------------------------------------------------


def test_cli_table_csv_and_markdown(invented: EvidenceDocument, tmp_path: Path) -> None:
    jsonl = tmp_path / "out.jsonl"
    jsonl.write_text(invented.model_dump_json() + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["table", str(jsonl), "--format", "csv", "--provenance"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["record"] for r in rows] == [r.id for r in invented.records]
    r1 = next(r for r in rows if r["record"] == "T1-R1")
    assert r1["document"] == invented.id and r1["level"] == "patient"
    assert r1["drug"] == "tofacitinib; dupilumab"
    assert r1["sex"] == "female" and r1["age"] == "48"
    assert r1["duration"] == "16 weeks"
    assert "headache (tofacitinib)" in r1["adverse_events"]
    # the source cell beside each value: drugs in columns 5 and 6 of row 1, the AE column 9
    assert r1["drug source"] == "T1 r0 c5; T1 r1 c6"
    assert r1["adverse_events source"].split("; ")[0] == "T1 r1 c9"
    assert r1["age source"] == "T1 r1 c2"
    md = runner.invoke(main, ["table", str(jsonl), "--format", "md"])
    assert md.exit_code == 0
    lines = md.output.splitlines()
    assert lines[0].startswith("| document | record | level |")
    assert "source" not in lines[0]
    assert len(lines) == 2 + len(invented.records)


def test_cli_table_xlsx_has_the_csv_cells(invented: EvidenceDocument, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    jsonl = tmp_path / "out.jsonl"
    jsonl.write_text(invented.model_dump_json() + "\n", encoding="utf-8")
    runner = CliRunner()
    csv_out = runner.invoke(main, ["table", str(jsonl), "--format", "csv", "--provenance"])
    assert csv_out.exit_code == 0, csv_out.output
    expected = list(csv.reader(io.StringIO(csv_out.output)))
    book_path = tmp_path / "evidence.xlsx"
    result = runner.invoke(main, ["table", str(jsonl), "--format", "xlsx", "--provenance",
                                  "-o", str(book_path)])
    assert result.exit_code == 0, result.output
    assert result.output == ""  # the workbook goes to the file, nothing to stdout
    sheet = openpyxl.load_workbook(book_path).active
    got = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert got == expected
    assert "drug source" in got[0]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"


def test_cli_table_xlsx_needs_an_output_file(invented: EvidenceDocument,
                                              tmp_path: Path) -> None:
    jsonl = tmp_path / "out.jsonl"
    jsonl.write_text(invented.model_dump_json() + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["table", str(jsonl), "--format", "xlsx"])
    assert result.exit_code == 1  # a usage error is bad input: one line, status 1
    assert "-o FILE" in result.output and len(result.output.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.xlsx"))


def test_cli_table_reports_a_bad_line(tmp_path: Path) -> None:
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text("{\"id\": 1}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["table", str(jsonl)])
    assert result.exit_code == 1
    assert "bad.jsonl:1: not an EvidenceDocument" in result.output


# --- adverse-event tables with arms as columns (issue 13) ------------------------------------

AE_TABLE = """<!DOCTYPE html><html><head><title>Invented trial</title></head><body>
<h1>An invented trial of tacrolimus ointment</h1>
<p>Ninety invented patients were randomised to three arms.</p>
<table><caption>Table 2. Adverse events by arm (invented)</caption>
<thead><tr><th>Event</th><th>Vehicle (n = 30)</th><th>Tacrolimus 0.1% ointment (N=31)</th>
<th>Standard care (n = 29)</th><th>Total (n = 90)</th></tr>
<tr><th></th><th>n (%)</th><th>n (%)</th><th>n (%)</th><th>n (%)</th></tr></thead>
<tbody>
<tr><td>Any adverse event</td><td>9 (30.0)</td><td>14 (45.2)</td><td>8 (27.6)</td>
<td>31 (34.4)</td></tr>
<tr><td>Skin burning</td><td>2 (6.7)</td><td>9 (29.0) \u2020</td><td>1 (3.4)</td>
<td>12 (13.3)</td></tr>
<tr><td>Headache</td><td>3/30 (10.0)</td><td>2/31 (6.5)</td><td>0</td><td>5 (5.6)</td></tr>
<tr><td>Discontinued because of an event</td><td>0 (0.0)</td><td>2 (6.5)</td><td>1 (3.4)</td>
<td>3 (3.3)</td></tr>
</tbody></table>
<table><caption>Table 3. Invented results at week 8</caption>
<thead><tr><th>Outcome</th><th>Placebo (n = 30)</th><th>Tacrolimus (n = 31)</th></tr></thead>
<tbody>
<tr><td>Itch score, median [IQR]</td><td>6 [4\u20138]</td><td>3 [2\u20135]</td></tr>
<tr><td>Lesion area, mean \u00b1 SD</td><td>12\u00b74 \u00b1 3\u00b71</td>
<td>\u22121.5 \u00b1 0.5</td></tr>
<tr><td>Clear skin, n/N (%)</td><td>4/30 (13.3)</td><td>11/31 (35.5)</td></tr>
</tbody></table>
<table><caption>Table 4. Invented efficacy and safety at week 12</caption>
<thead><tr><th></th><th>Placebo (n = 30)</th><th>Tacrolimus (n = 31)</th></tr></thead>
<tbody>
<tr><td>Responders, n (%)</td><td>5 (16.7)</td><td>12 (38.7)</td></tr>
<tr><td>Adverse events, n (%)</td><td></td><td></td></tr>
<tr><td>Pruritus</td><td>1 (3.3)</td><td>4 (12.9)</td></tr>
</tbody></table>
<table><caption>Table 6. Invented adverse events by grade</caption>
<thead><tr><th rowspan="2">Event, n (%)</th><th colspan="2">Placebo (n = 30)</th>
<th colspan="2">Tacrolimus (n = 31)</th></tr>
<tr><th>All grades</th><th>Grade 3 or 4</th><th>All grades</th><th>Grade 3 or 4</th></tr>
</thead><tbody>
<tr><td>Neutropenia</td><td>2 (6.7)</td><td>0</td><td>8 (25.8)</td><td>3 (9.7)</td></tr>
</tbody></table>
<table><caption>Table 5. Invented scores, arms as rows</caption>
<thead><tr><th>Itch score</th><th>n</th><th>Mean change (SD)</th><th>p</th></tr></thead>
<tbody>
<tr><td>Placebo</td><td>30</td><td>−1.2 (0.8)</td><td>—</td></tr>
<tr><td>Tacrolimus</td><td>31</td><td>−3.4 (1.1)</td><td>0.01</td></tr>
<tr><td>Clear skin a</td><td>Responders</td><td>%</td><td>p</td></tr>
<tr><td>Placebo</td><td>4/30</td><td>13.3</td><td>—</td></tr>
<tr><td>Tacrolimus</td><td>11/31</td><td>35.5</td><td>0.04</td></tr>
</tbody></table>
</body></html>"""


@pytest.fixture(scope="module")
def ae_trial(pipeline: Pipeline) -> EvidenceDocument:
    return pipeline.extract(parse_bytes(AE_TABLE.encode(), "ae.html", "html")[0])


def _arms_of(evidence: EvidenceDocument, table_id: str) -> list[Record]:
    return [r for r in evidence.records if r.level == "arm" and r.source.table == table_id]


def test_ae_table_gives_arm_level_events(ae_trial: EvidenceDocument) -> None:
    table_id = ae_trial.tables[0].id
    vehicle, tacro, care = _arms_of(ae_trial, table_id)  # "Total" is not an arm
    assert [iv.drug.name for iv in vehicle.interventions] == ["vehicle"]
    assert tacro.interventions[0].drug.name == "tacrolimus"
    assert care.interventions == [] and care.population.text == "Standard care (n = 29)"
    assert (vehicle.population.n, tacro.population.n, care.population.n) == (30, 31, 29)
    burning = {e.term: e for e in tacro.adverse_events}["skin burning"]
    assert (burning.count, burning.percent, burning.arm_n, burning.negated) == (9, 29.0, 31,
                                                                                 False)
    headache = {e.term: e for e in vehicle.adverse_events}["headache"]
    assert (headache.count, headache.percent, headache.arm_n) == (3, 10.0, 30)
    zero = {e.term: e for e in care.adverse_events}["headache"]
    # no patient of the arm had it: absent there
    assert (zero.count, zero.percent, zero.arm_n, zero.negated) == (0, None, 29, True)
    # events are not outcomes; the "any event" count and a discontinuation row are outcomes
    assert [(o.measure, o.count, o.percent) for o in tacro.outcomes] == [
        ("Any adverse event", 14, 45.2), ("Discontinued because of an event", 2, 6.5)]
    assert {e.term for e in tacro.adverse_events} == {"skin burning", "headache"}


def test_ae_table_fields_carry_their_cell(ae_trial: EvidenceDocument) -> None:
    table = ae_trial.tables[0]
    for record in _arms_of(ae_trial, table.id):
        n_evidence = record.population.evidence["n"]
        assert ae_trial.text[n_evidence.start:n_evidence.end] == n_evidence.text
        assert n_evidence.source.row == 0 and n_evidence.source.table == table.id
        for event in record.adverse_events + list(record.outcomes):
            ev = event.evidence
            assert ev is not None and ev.source.kind == "table" and ev.source.table == table.id
            assert ae_trial.text[ev.start:ev.end] == ev.text
            assert ev.source.col == record.source.col
            assert event.text == " ".join(ev.text.split())


def test_result_cells_parse_into_numbers(ae_trial: EvidenceDocument) -> None:
    placebo, tacro = _arms_of(ae_trial, ae_trial.tables[1].id)
    assert placebo.interventions[0].drug.name == "placebo"
    by_measure = {o.measure: o for o in placebo.outcomes}
    itch = by_measure["Itch score, median [IQR]"]
    assert (itch.stat, itch.value, itch.low, itch.high) == ("median_iqr", 6, 4, 8)
    area = by_measure["Lesion area, mean ± SD"]
    assert (area.stat, area.value, area.sd) == ("mean_sd", 12.4, 3.1)
    clear = {o.measure: o for o in tacro.outcomes}["Clear skin, n/N (%)"]
    assert (clear.count, clear.total, clear.percent) == (11, 31, 35.5)
    assert {o.measure: o.value for o in tacro.outcomes}["Lesion area, mean ± SD"] == -1.5
    assert all(o.evidence is not None for o in placebo.outcomes + tacro.outcomes)


def test_mixed_table_events_only_under_their_section(ae_trial: EvidenceDocument) -> None:
    placebo, tacro = _arms_of(ae_trial, ae_trial.tables[2].id)
    assert [(o.measure, o.count) for o in tacro.outcomes] == [("Responders, n (%)", 12)]
    assert [(e.term, e.count, e.percent, e.arm_n) for e in tacro.adverse_events] == [
        ("pruritus", 4, 12.9, 31)]
    assert [e.count for e in placebo.adverse_events] == [1]


def test_ae_columns_by_grade_are_one_arm(ae_trial: EvidenceDocument) -> None:
    placebo, tacro = _arms_of(ae_trial, ae_trial.tables[3].id)
    assert (placebo.population.n, tacro.population.n) == (30, 31)
    assert [(e.term, e.count, e.percent) for e in tacro.adverse_events] == [
        ("neutropenia", 8, 25.8), ("neutropenia (grade 3 or 4)", 3, 9.7)]
    assert [(e.term, e.negated) for e in placebo.adverse_events] == [
        ("neutropenia", False), ("neutropenia (grade 3 or 4)", True)]


def test_arms_as_rows_in_blocks(ae_trial: EvidenceDocument) -> None:
    """One record per arm across the blocks; n from the "n" column; p-values are no
    outcome; each block's header row names its measures."""
    table = ae_trial.tables[4]
    assert layout(table).orientation == "arm_rows"
    placebo, tacro = _arms_of(ae_trial, table.id)
    assert placebo.interventions[0].drug.name == "placebo"
    assert tacro.interventions[0].drug.name == "tacrolimus"
    assert (placebo.population.n, tacro.population.n) == (30, 31)
    n_cell = tacro.population.evidence["n"]
    assert (n_cell.text, n_cell.source.row, n_cell.source.col) == ("31", 2, 1)
    by_measure = {o.measure: o for o in tacro.outcomes}
    assert set(by_measure) == {"Itch score: Mean change (SD)", "Clear skin: Responders",
                               "Clear skin: %"}
    change = by_measure["Itch score: Mean change (SD)"]
    assert (change.stat, change.value, change.sd) == ("mean_sd", -3.4, 1.1)
    responders = by_measure["Clear skin: Responders"]
    assert (responders.count, responders.total) == (11, 31)


def test_patient_table_fields_carry_their_cell(invented: EvidenceDocument) -> None:
    record = _by_id(invented)["T1-R1"]
    for iv in record.interventions:
        assert iv.drug.evidence is not None and iv.drug.evidence.source.kind == "table"
        assert iv.dose is not None and iv.dose.evidence is not None
        assert iv.dose.text in iv.dose.evidence.text
    assert all(o.evidence is not None for o in record.outcomes)
    assert all(e.evidence is not None and e.text in e.evidence.text
               for e in record.adverse_events)
    cited = {name: ev.text for name, ev in record.population.evidence.items()}
    assert cited == {"n": "1", "male": "Female", "female": "Female", "age_mean": "48",
                     "condition": "Prurigo nodularis"}


def _fragment(pipeline: Pipeline, name: str) -> EvidenceDocument:
    path = shared_path("articles", "jats", "rct_fragments", name)
    return pipeline.extract(parse(path))


def test_real_ae_table_by_arm(pipeline: Pipeline) -> None:
    """A trial's "most common adverse events" table (arms as columns, N under the arm)."""
    evidence = _fragment(pipeline, "PMC115849.xml")
    ae_tables = [t for t in evidence.tables if "adverse" in (t.caption or "").lower()]
    assert ae_tables
    arms = _arms_of(evidence, ae_tables[0].id)
    assert [a.interventions[0].drug.name for a in arms][0] == "placebo"
    for arm in arms:
        assert arm.population.n is not None and arm.adverse_events
        for event in arm.adverse_events:
            assert event.arm_n == arm.population.n and event.count is not None
            assert event.negated == (event.count == 0)
            assert event.evidence is not None
            # the count is the first number of the cell the evidence names
            cell = evidence.text[event.evidence.start:event.evidence.end]
            assert cell.split()[0] == str(event.count)
        assert not any(o.measure and "headache" in o.measure.lower() for o in arm.outcomes)
        # an event listed under two headings with the same counts is kept once
        keys = [(e.term, e.count, e.percent) for e in arm.adverse_events]
        assert len(keys) == len(set(keys))


def test_real_teae_table_with_subgroups(pipeline: Pipeline) -> None:
    """Arms under spanning subgroup headers, "Overall" included, none stored as outcomes."""
    evidence = _fragment(pipeline, "PMC5771543.xml")
    teae = [t for t in evidence.tables if "adverse" in (t.caption or "").lower()][0]
    arms = _arms_of(evidence, teae.id)
    assert len(arms) == teae.n_cols - 1
    # every event row is an event; "Any TEAE" is the one outcome (a count of any event)
    assert all([o.measure for o in a.outcomes] == ["Any TEAE"] and a.adverse_events
               for a in arms)
    assert sum(a.interventions[0].drug.name == "placebo" for a in arms) == 3
    baseline = evidence.tables[0]
    assert all(not a.adverse_events for a in _arms_of(evidence, baseline.id))


@pytest.mark.parametrize("text, value", [
    ("8 (ongoing)", 8.0), ("0,5", 0.5), ("2,75", 2.75), ("1,234 IU", 1234.0),
    ("\u22123\u00b75", -3.5), ("< 5", 5.0), ("1.2.3", None), ("none", None),
])
def test_leading_number_of_a_cell(text: str, value: float | None) -> None:
    assert _leading_number(text) == value


def test_graded_rows_and_aggregates_of_a_real_ae_table(pipeline: Pipeline) -> None:
    """Grades under an event row are not events of their own; "Serious AEs: All" is a
    count of any event (an outcome); an event no patient had is absent."""
    evidence = _fragment(pipeline, "PMC4486927.xml")
    ae_table = [t for t in evidence.tables if (t.caption or "").startswith("Table 4")][0]
    for arm in _arms_of(evidence, ae_table.id):
        terms = {e.term for e in arm.adverse_events if not e.negated}
        assert {"fatigue", "neutropenia", "thrombocytopenia"} <= terms
        assert not any("hemoglobin" in t or "platelet count" in t for t in terms)
        assert "death" not in terms
        assert any(o.measure and o.measure.startswith("Serious AEs: All") for o in arm.outcomes)
