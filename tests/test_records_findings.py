"""Findings of the study record from results sentences and results tables
(extractor.records.findings). The article, its sentences and its table are invented."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.cli import main
from extractor.document import Cell, Section, Source, Table
from extractor.evidence import (
    ArmResult,
    DrugRef,
    Effect,
    EvidenceDocument,
    Finding,
    Intervention,
)
from extractor.numbers import Stat
from extractor.parsers import parse_bytes
from extractor.pipeline import Pipeline, default_pipeline
from extractor.records.findings import (
    arm_result,
    build_findings,
    effect_direction,
    numeric_direction,
    results_spans,
)
from extractor.records.study_text import StudyText

MINUS = "\u2212"
ARTICLE = f"""<!DOCTYPE html><html><head><title>Invented trial</title></head><body>
<h1>Etoricoxib versus placebo for invented knee pain: a randomized controlled trial</h1>
<h2>Abstract</h2>
<p>Background: Knee pain is common. Methods: We randomized 200 invented adults. Results: Pain
fell more with etoricoxib than with placebo (mean difference {MINUS}1.8; 95% CI {MINUS}2.6 to
{MINUS}1.0). Conclusions: Etoricoxib eased pain more than placebo (p &lt; 0.01).</p>
<h2>Introduction</h2>
<p>In an earlier trial, naproxen reduced pain more than placebo (p = 0.01).</p>
<h2>Methods</h2>
<p>Patients were randomized to etoricoxib 90 mg daily or placebo for 12 weeks. A P value below
0.05 was considered significant.</p>
<h2>Results</h2>
<p>A total of 200 patients were randomized to etoricoxib (n = 100) or placebo (n = 100). At week
12, the pain score was lower in the etoricoxib group than in the placebo group (3.4 ± 1.5 vs
5.1 ± 1.2; p &lt; 0.001). Nausea occurred in 23/100 (23%) and 10/98 (10%) patients in the
etoricoxib and placebo groups, respectively (p = 0.02). There was no significant difference in
sleep quality between etoricoxib and placebo (p = 0.41). Relapse was rarer with etoricoxib than
with placebo (HR 0.70; 95% CI 0.55 to 0.89). Function improved with etoricoxib compared with
placebo. Most patients completed the trial.</p>
<table><caption>Table 2. Invented outcomes at week 12</caption>
<thead><tr><th>Outcome</th><th>Etoricoxib 90 mg (n = 100)</th><th>Placebo (n = 100)</th>
<th>Difference (95% CI)</th><th>P value</th></tr></thead>
<tbody>
<tr><td>Responders, n (%)</td><td>61 (61.0)</td><td>30 (30.0)</td><td>31.0 (17.9 to 44.1)</td>
<td>&lt;0.001</td></tr>
<tr><td>Pain score, mean (SD)</td><td>3.4 (1.5)</td><td>5.1 (1.2)</td>
<td>{MINUS}1.7 ({MINUS}2.1 to {MINUS}1.3)</td><td>0.01</td></tr>
<tr><td>Sleep score, median [IQR]</td><td>6 [4{MINUS}8]</td><td>6 [5{MINUS}8]</td><td></td>
<td>NS</td></tr>
</tbody></table>
<h2>Discussion</h2>
<p>Etoricoxib reduced pain more than placebo did (p &lt; 0.001), as in other trials.</p>
</body></html>"""


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return default_pipeline()


@pytest.fixture(scope="module")
def trial(pipeline: Pipeline) -> EvidenceDocument:
    return pipeline.extract(parse_bytes(ARTICLE.encode(), "trial.html", "html")[0])


@pytest.fixture(scope="module")
def findings(trial: EvidenceDocument) -> list[Finding]:
    return trial.records[0].findings


def _by_outcome(findings: list[Finding], outcome: str, found_by: str = "sentence") -> Finding:
    [finding] = [f for f in findings if f.found_by == found_by and f.outcome == outcome]
    return finding


def test_every_evidence_slices_back_to_the_text(trial: EvidenceDocument,
                                                findings: list[Finding]) -> None:
    assert findings
    for f in findings:
        assert f.evidence is not None
        assert trial.text[f.evidence.start:f.evidence.end] == f.evidence.text
        assert f.evidence.text == f.evidence.text.strip()


def test_only_results_sentences(trial: EvidenceDocument, findings: list[Finding]) -> None:
    sentences = [f.evidence.text for f in findings if f.found_by == "sentence" and f.evidence]
    assert not any("naproxen" in s or "other trials" in s for s in sentences)
    assert not any("randomized to" in s or "completed" in s for s in sentences)
    assert not any("Conclusions" in s or "eased" in s for s in sentences)


def test_abstract_results_sentence_with_effect(findings: list[Finding]) -> None:
    f = _by_outcome(findings, "Pain")
    assert f.evidence is not None and f.evidence.text.startswith("Pain fell more")
    assert (f.intervention, f.comparator) == ("etoricoxib", "placebo")
    assert f.effect is not None
    assert (f.effect.measure, f.effect.value, f.effect.ci_low, f.effect.ci_high) == (
        "MD", -1.8, -2.6, -1.0)
    assert f.effect.text == f"mean difference {MINUS}1.8; 95% CI {MINUS}2.6 to {MINUS}1.0"
    assert (f.direction, f.significant) == ("decreased", True)


def test_arm_values_p_and_timepoint(findings: list[Finding]) -> None:
    f = _by_outcome(findings, "pain score")
    assert (f.intervention, f.comparator, f.timepoint) == ("etoricoxib", "placebo", "week 12")
    assert (f.p_value, f.p_relation, f.significant) == (0.001, "<", True)
    assert [(a.name, a.value, a.sd) for a in f.arms] == [("etoricoxib", 3.4, 1.5),
                                                         ("placebo", 5.1, 1.2)]
    assert f.direction == "decreased"
    assert f.score is None  # the numbers decided, not the classifier


def test_counts_respectively(findings: list[Finding]) -> None:
    f = _by_outcome(findings, "Nausea")
    assert [(a.name, a.events, a.n, a.percent) for a in f.arms] == [
        ("etoricoxib", 23, 100, 23.0), ("placebo", 10, 98, 10.0)]
    assert (f.p_value, f.direction) == (0.02, "increased")


def test_no_significant_difference(findings: list[Finding]) -> None:
    f = _by_outcome(findings, "sleep quality")
    assert (f.intervention, f.comparator) == ("etoricoxib", "placebo")
    assert (f.p_value, f.significant, f.direction) == (0.41, False, "no_difference")


def test_hazard_ratio(findings: list[Finding]) -> None:
    f = _by_outcome(findings, "Relapse")
    assert f.effect is not None and (f.effect.measure, f.effect.value) == ("HR", 0.70)
    assert (f.direction, f.significant) == ("decreased", True)


def test_words_only_go_to_the_classifier(findings: list[Finding]) -> None:
    f = _by_outcome(findings, "Function")
    assert (f.intervention, f.comparator, f.p_value, f.effect, f.arms) == (
        "etoricoxib", "placebo", None, None, [])
    assert f.significant is None
    # the sentence classifier decides, and says how sure it is
    assert f.direction == "increased" and f.score is not None and 0 < f.score <= 1


def test_table_rows(trial: EvidenceDocument, findings: list[Finding]) -> None:
    table = trial.tables[0]
    rows = [f for f in findings if f.found_by == "table"]
    assert [f.outcome for f in rows] == ["Responders", "Pain score", "Sleep score"]
    responders, pain, sleep = rows
    assert (responders.intervention, responders.comparator) == ("Etoricoxib 90 mg", "Placebo")
    assert [(a.events, a.percent, a.n) for a in responders.arms] == [(61, 61.0, 100),
                                                                     (30, 30.0, 100)]
    assert (responders.p_value, responders.p_relation, responders.direction) == (
        0.001, "<", "increased")
    assert responders.effect is not None and (
        responders.effect.measure, responders.effect.value, responders.effect.ci_low) == (
        "difference", 31.0, 17.9)
    assert [(a.value, a.sd) for a in pain.arms] == [(3.4, 1.5), (5.1, 1.2)]
    assert (pain.direction, pain.timepoint) == ("decreased", "week 12")
    assert [(a.value, a.low, a.high, a.stat) for a in sleep.arms] == [
        (6.0, 4.0, 8.0, "median_iqr"), (6.0, 5.0, 8.0, "median_iqr")]
    assert (sleep.p_value, sleep.significant, sleep.direction) == (None, False, "no_difference")
    for f in rows:
        assert f.evidence is not None
        assert f.evidence.source.kind == "table" and f.evidence.source.table == table.id
        row = [c for c in table.cells if c.row == f.evidence.source.row]
        assert f.evidence.start == row[0].start and f.evidence.end == row[-1].end
        assert trial.text[f.evidence.start:f.evidence.end] == f.evidence.text


# --- without the pipeline: a hand-made document -----------------------------------------------


def _document(text: str, sections: list[tuple[str, str]], tables: list[Table] | None = None
              ) -> EvidenceDocument:
    """``text`` with sections found by their titles, each up to the next title."""
    starts = [(text.index(title), title, role) for title, role in sections]
    bounds = [s for s, _, _ in starts[1:]] + [len(text)] * bool(starts)
    return EvidenceDocument(
        id="d", source=Source(path="d.txt", format="text", sha256="0" * 64), text=text,
        sections=[Section(title=title, start=s, end=e, role=role)  # type: ignore[arg-type]
                  for (s, title, role), e in zip(starts, bounds, strict=True)],
        tables=tables or [])


def test_group_names_and_compared_with_first() -> None:
    text = ("Results\nCompared with usual care, the exercise group had fewer falls "
            "(12% vs 20%; p = 0.03).\nDiscussion\nExercise groups had fewer falls than "
            "controls (p = 0.01).")
    doc = _document(text, [("Results", "results"), ("Discussion", "discussion")])
    [f] = build_findings(doc)
    assert (f.intervention, f.comparator, f.outcome) == ("exercise", "usual care", "falls")
    assert [(a.name, a.percent) for a in f.arms] == [("exercise", 12.0), ("usual care", 20.0)]
    assert (f.direction, f.significant) == ("decreased", True)


def test_bare_numbers_compared() -> None:
    text = (f"Results\nItch scores fell more with drugamab than with placebo ({MINUS}2\u00b71 vs "
            f"{MINUS}0\u00b79 points; p = 0.002).")
    [f] = build_findings(_document(text, [("Results", "results")]),
                         interventions=[Intervention(drug=DrugRef(name="drugamab"))])
    assert [(a.name, a.value, a.text) for a in f.arms] == [
        ("drugamab", -2.1, f"{MINUS}2\u00b71"), ("placebo", -0.9, f"{MINUS}0\u00b79")]
    assert (f.direction, f.score) == ("decreased", None)


def test_control_named_first_is_still_the_comparator() -> None:
    text = "Results\nThe placebo group had more falls than the exercise group (20% vs 12%)."
    [f] = build_findings(_document(text, [("Results", "results")]))
    assert (f.intervention, f.comparator) == ("exercise", "placebo")
    assert [(a.name, a.percent) for a in f.arms] == [("exercise", 12.0), ("placebo", 20.0)]
    # no p-value: the numbers are silent, the sentence classifier reads the words
    assert f.significant is None and f.direction == "decreased"
    assert f.score is not None and 0 < f.score <= 1


def test_groups_compared_without_their_names() -> None:
    text = ("Results\nThe duration of surgery did not differ between the two groups (52.1 vs. "
            "50.4 min; p = 0.62). Rash rates did not differ significantly between SC and EI on "
            "day 3. Figure 2 shows fewer falls in the exercise group than in the control group "
            "(p = 0.01).")
    first, second = build_findings(_document(text, [("Results", "results")]))
    assert first.evidence is not None and first.evidence.text.endswith("p = 0.62).")
    assert (first.outcome, first.intervention, first.comparator) == (
        "duration of surgery", None, None)
    assert (first.p_value, first.direction) == (0.62, "no_difference")
    assert (second.intervention, second.comparator, second.outcome) == ("SC", "EI", "Rash rates")
    assert (second.significant, second.direction) == (False, "no_difference")  # words only
    assert second.score is not None and first.score is None  # the classifier, the numbers


def test_words_that_contradict_the_numbers_leave_the_direction_open() -> None:
    text = ("Results\nThere was no significant difference between the exercise and control "
            "groups in the change of pain score, which fell in both (p < 0.01).")
    [f] = build_findings(_document(text, [("Results", "results")]))
    assert (f.intervention, f.comparator, f.p_value) == ("exercise", "control", 0.01)
    assert f.significant is None
    assert f.direction == "no_difference" and f.score is not None  # the classifier's


def test_a_sentence_without_a_comparison_gives_nothing() -> None:
    text = ("Results\nPain fell from 8 to 1 in the exercise group (p < 0.001). "
            "Mean age was 54 years.")
    doc = _document(text, [("Results", "results")])
    assert build_findings(doc) == []


def test_stated_alpha_applies_to_results() -> None:
    text = ("Methods\nP < 0.01 was considered statistically significant.\nResults\nFalls were "
            "fewer in the exercise group than in the control group (p = 0.03).")
    doc = _document(text, [("Methods", "methods"), ("Results", "results")])
    [f] = build_findings(doc)
    assert (f.p_value, f.significant, f.direction) == (0.03, False, "no_difference")


def test_record_drug_names_mark_arms() -> None:
    text = "Results\nItch scores were lower with Drugamab than with vehicle (p = 0.004)."
    doc = _document(text, [("Results", "results")])
    [f] = build_findings(doc, interventions=[Intervention(drug=DrugRef(name="drugamab"))])
    assert (f.intervention, f.comparator, f.outcome) == ("drugamab", "vehicle", "Itch scores")


def test_flat_abstract_results_part() -> None:
    text = ("Abstract\nObjective: to compare. Results: Falls were fewer with exercise than "
            "with usual care (RR 0.8; 95% CI 0.7 to 0.9). Conclusion: exercise works better "
            "than usual care (p = 0.01).\nIntroduction\nFalls are common.")
    doc = _document(text, [("Abstract", "abstract"), ("Introduction", "introduction")])
    spans = results_spans(doc, StudyText(doc).roles)
    assert len(spans) == 1 and text[spans[0][0]:].startswith("Falls were fewer")
    [f] = build_findings(doc)
    assert f.effect is not None and f.effect.measure == "RR"
    assert f.evidence is not None and f.evidence.text.startswith("Falls were fewer")


def _table(rows: list[list[str]], caption: str, start: int) -> tuple[Table, str]:
    """A table and its text (cells tab-separated, rows on lines) starting at ``start``."""
    cells, pos, lines = [], start, []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cells.append(Cell(row=r, col=c, text=text, start=pos, end=pos + len(text)))
            pos += len(text) + 1
        lines.append("\t".join(row))
    table = Table(id="T1", caption=caption, n_rows=len(rows), n_cols=len(rows[0]),
                  header_rows=1, cells=cells, start=start, end=pos - 1)
    return table, "\n".join(lines)


def test_table_effect_column_and_timepoints() -> None:
    head = "Results\n"
    table, body = _table([
        ["Outcome", "Week 4 Placebo (n = 30)", "Week 4 Drugamab (n = 31)",
         "Week 8 Placebo (n = 30)", "Week 8 Drugamab (n = 31)", "HR (95% CI)"],
        ["Flares, n (%)", "10 (33.3)", "9 (29.0)", "14 (46.7)", "6 (19.4)",
         "0.40 (0.20-0.80)"],
    ], "Table 3. Invented flares", len(head))
    doc = _document(head + body, [("Results", "results")], [table])
    rows = build_findings(doc)
    assert [f.timepoint for f in rows] == ["week 4", "week 8"]
    for f in rows:
        assert (f.intervention, f.comparator) == ("Drugamab", "Placebo")
        assert f.effect is not None and (f.effect.measure, f.effect.value) == ("HR", 0.40)
        assert (f.significant, f.direction) == (True, "decreased")
        assert f.evidence is not None and f.evidence.source.row == 1


def test_table_with_arms_as_rows() -> None:
    head = "Results\n"
    table, body = _table([
        ["Pain score", "n", "Mean change (SD)", "p"],
        ["Placebo", "30", f"{MINUS}1.2 (0.8)", "\u2014"],
        ["Drugamab", "31", f"{MINUS}3.4 (1.1)", "0.01"],
        ["Remission", "Responders", "%", "p"],
        ["Placebo", "4/30", "13.3", "\u2014"],
        ["Drugamab", "11/31", "35.5", "0.04"],
    ], "Table 4. Invented results, arms as rows", len(head))
    doc = _document(head + body, [("Results", "results")], [table])
    change, responders, percent = build_findings(doc)
    assert change.outcome == "Pain score: Mean change (SD)"
    assert (change.intervention, change.comparator) == ("Drugamab", "Placebo")
    assert [(a.name, a.value, a.sd) for a in change.arms] == [
        ("Placebo", -1.2, 0.8), ("Drugamab", -3.4, 1.1)]
    assert (change.p_value, change.direction) == (0.01, "decreased")
    assert [(a.events, a.n) for a in responders.arms] == [(4, 30), (11, 31)]
    assert (responders.outcome, responders.p_value, responders.direction) == (
        "Remission: Responders", 0.04, "increased")
    assert percent.outcome == "Remission: %"
    for f in (change, responders, percent):
        assert f.evidence is not None and f.evidence.source.kind == "table"
        assert doc.text[f.evidence.start:f.evidence.end] == f.evidence.text
    assert change.evidence is not None and change.evidence.text.startswith("Placebo\t30")
    assert (change.evidence.source.row, change.evidence.source.col) == (1, 2)


def test_baseline_table_gives_no_findings() -> None:
    table, body = _table([
        ["Characteristic", "Drugamab (n = 31)", "Placebo (n = 30)", "P value"],
        ["Age, mean (SD)", "54 (9)", "55 (8)", "0.60"],
    ], "Table 1. Baseline characteristics", 0)
    doc = _document(body, [], [table])
    assert build_findings(doc) == []


_SENTENCES = [
    "Falls were fewer in the exercise group than in the control group (12% vs 20%; p = 0.03).",
    "Pain did not differ between the two groups (p = 0.41).",
    "Relapse was rarer with drugamab than with placebo (HR 0.70; 95% CI 0.55 to 0.89).",
    "Mean age was 54 years.",
    "Nausea occurred in 23/100 (23%) and 10/98 (10%) patients in the drugamab and placebo "
    "groups, respectively.",
    "Compared with placebo, drugamab lowered itch by 2.1 points (p\u20390\u00b701).",
    "Itch scores fell more with drugamab than with placebo (\u22122\u00b71 vs \u22120\u00b79 "
    "points; p = 0.002).",
    "Most patients completed the trial.",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCES), max_size=6),
       st.sampled_from(["results", "discussion"]))
def test_findings_point_into_results_text(sentences: list[str], role: str) -> None:
    text = "Heading\n" + " ".join(sentences)
    doc = _document(text, [("Heading", role)])
    findings = build_findings(doc)
    if role == "discussion":
        assert findings == []  # never from the discussion
    for f in findings:
        assert f.evidence is not None and text[f.evidence.start:f.evidence.end] == \
            f.evidence.text
        assert f.evidence.text in sentences  # one whole sentence each
        assert f.direction is not None
        assert all(a.text and a.text in f.evidence.text for a in f.arms)


# --- the pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize("measure, value, direction", [
    ("RR", 0.7, "decreased"), ("OR", 1.6, "increased"), ("HR", 1.0, "no_difference"),
    ("MD", -2.0, "decreased"), ("difference", 3.0, "increased"), ("RRR", 25.0, "decreased"),
    ("ARR", 5.0, "decreased"), ("NNT", 8.0, None), ("percent_change", -30.0, None),
])
def test_effect_direction(measure: str, value: float, direction: str | None) -> None:
    assert effect_direction(Effect(measure=measure, value=value)) == direction  # type: ignore[arg-type]


def test_numeric_direction() -> None:
    low, high = ArmResult(percent=10.0), ArmResult(percent=20.0)
    assert numeric_direction(True, None, low, high) == "decreased"
    assert numeric_direction(True, None, high, low) == "increased"
    assert numeric_direction(False, None, low, high) == "no_difference"
    assert numeric_direction(None, None, low, high) is None
    assert numeric_direction(True, None, low, None) is None
    # an effect estimate wins over the arms' values
    assert numeric_direction(True, Effect(measure="RR", value=1.5), low, high) == "increased"


def test_arm_result_from_stats() -> None:
    counted = arm_result("A", Stat("count_total", 3, percent=6.4, total=47), "3/47 (6.4)")
    assert (counted.events, counted.n, counted.percent, counted.value) == (3, 47, 6.4, None)
    mean = arm_result("B", Stat("mean_sd", 5.1, sd=1.2), "5.1 (1.2)", n=40)
    assert (mean.value, mean.sd, mean.n, mean.stat) == (5.1, 1.2, 40, "mean_sd")
    estimate = arm_result("C", Stat("estimate_ci", 2.0, low=1.0, high=3.0), "2.0 (1.0-3.0)")
    assert (estimate.ci_low, estimate.ci_high, estimate.low) == (1.0, 3.0, None)


# --- `extractor table --findings` ------------------------------------------------------------


@pytest.fixture()
def trial_jsonl(trial: EvidenceDocument, tmp_path: Path) -> Path:
    path = tmp_path / "trial.jsonl"
    path.write_text(trial.model_dump_json() + "\n", encoding="utf-8")
    return path


def test_table_findings_csv(trial: EvidenceDocument, trial_jsonl: Path) -> None:
    result = CliRunner().invoke(main, ["table", str(trial_jsonl), "--findings"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == len(trial.records[0].findings)
    assert list(rows[0]) == ["document", "study", "outcome", "intervention", "comparator",
                             "direction", "significant", "p value", "effect", "arm values",
                             "timepoint", "found by", "score", "evidence", "evidence source"]
    pain = next(r for r in rows if r["outcome"] == "pain score")
    assert (pain["document"], pain["study"], pain["intervention"], pain["comparator"]) == (
        trial.id, "S1", "etoricoxib", "placebo")
    assert (pain["direction"], pain["significant"], pain["p value"]) == (
        "decreased", "yes", "p < 0.001")
    assert pain["arm values"] == "etoricoxib: 3.4 ± 1.5; placebo: 5.1 ± 1.2"
    assert pain["timepoint"] == "week 12" and pain["found by"] == "sentence"
    start, end = map(int, pain["evidence source"].removeprefix("text ").split("-"))
    assert " ".join(trial.text[start:end].split()) == pain["evidence"]
    relapse = next(r for r in rows if r["outcome"] == "Relapse")
    assert relapse["effect"] == "HR 0.7 (95% CI 0.55 to 0.89)"
    sleep = next(r for r in rows if r["outcome"] == "sleep quality")
    assert (sleep["direction"], sleep["significant"]) == ("no difference", "no")
    responders = next(r for r in rows if r["outcome"] == "Responders")
    assert responders["found by"] == "table"
    assert responders["evidence source"] == f"{trial.tables[0].id} r1"
    assert responders["arm values"] == "Etoricoxib 90 mg: 61 (61.0), n = 100; " \
        "Placebo: 30 (30.0), n = 100"
    assert responders["effect"] == "difference 31 (95% CI 17.9 to 44.1)"


def test_table_findings_markdown_and_xlsx(trial: EvidenceDocument, trial_jsonl: Path,
                                          tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    runner = CliRunner()
    md = runner.invoke(main, ["table", str(trial_jsonl), "--findings", "--format", "md"])
    assert md.exit_code == 0, md.output
    lines = md.output.splitlines()
    assert lines[0].startswith("| document | study | outcome | intervention | comparator |")
    assert len(lines) == 2 + len(trial.records[0].findings)
    csv_out = runner.invoke(main, ["table", str(trial_jsonl), "--findings"])
    book = tmp_path / "findings.xlsx"
    result = runner.invoke(main, ["table", str(trial_jsonl), "--findings", "--format", "xlsx",
                                  "-o", str(book)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(book).active
    got = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert got == list(csv.reader(io.StringIO(csv_out.output)))


def test_table_findings_of_a_batch(trial_jsonl: Path, tmp_path: Path) -> None:
    """A batch's database gives the same findings table as the JSONL of `extract`."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "trial.html").write_text(ARTICLE, encoding="utf-8")
    runner = CliRunner()
    batch = runner.invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                 "--workers", "1", "--no-report", "--quiet"])
    assert batch.exit_code == 0, batch.output
    from_jsonl = runner.invoke(main, ["table", str(trial_jsonl), "--findings"])
    for stored in (tmp_path / "out", tmp_path / "out" / "evidence.duckdb"):
        result = runner.invoke(main, ["table", str(stored), "--findings"])
        assert result.exit_code == 0, result.output
        assert result.output == from_jsonl.output
