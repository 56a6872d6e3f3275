"""The HTML review report without a browser: marks, links, escaping, files, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from extractor.cli import main
from extractor.document import Source
from extractor.evidence import (
    ArmResult,
    Effect,
    Evidence,
    EvidenceDocument,
    Finding,
    Mention,
    Normalized,
    Provenance,
)
from extractor.report import build_report, write_report
from extractor.report.pages import document_page
from extractor.report.validation import validation_page
from tests.report_data import evidence


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def docs() -> dict[str, EvidenceDocument]:
    return evidence()


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory, docs: dict[str, EvidenceDocument]
              ) -> Path:
    """A batch OUT_DIR as `extractor batch` writes it, with a failed file and a bad line."""
    out = tmp_path_factory.mktemp("batch")
    lines = [d.model_dump_json() for d in docs.values()]
    lines.insert(1, '{"id": "half a document"}')
    (out / "documents.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "errors.jsonl").write_text(json.dumps(
        {"file": "in/broken<b>.pdf", "stage": "parse", "code": "corrupt",
         "reason": "not a PDF <script>"}) + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps({"documents": 3, "errors": 1}),
                                      encoding="utf-8")
    return out


def _marks(page: BeautifulSoup) -> list[tuple[str, str, str]]:
    return [(m["id"], m["data-label"], m.get_text()) for m in page.select("mark.mention")]


@pytest.mark.parametrize("doc_id", ["invented_case", "case_series_dupilumab_jak"])
def test_every_mention_has_one_mark_with_its_label_and_text(docs, doc_id):
    doc = docs[doc_id]
    page = _soup(document_page(doc))
    marks = _marks(page)
    assert sorted(marks) == sorted((f"m-{m.id}", m.label, m.text) for m in doc.mentions)
    # table mentions sit in their table cell
    cell_mentions = [m for m in doc.mentions if m.source.kind == "table"]
    assert all(page.find(id=f"m-{m.id}").find_parent(["td", "th"]) for m in cell_mentions)
    assert doc_id == "invented_case" or cell_mentions


def test_mark_attributes_show_negation_normalization_ids_and_finder(docs):
    page = _soup(document_page(docs["invented_case"]))
    hepato = next(m for m in page.select("mark.mention") if m.get_text() == "hepatotoxicity")
    assert hepato["data-negated"] == "true" and hepato["data-label"] == "ADVERSE_EVENT"
    mtx = next(m for m in page.select('mark[data-label="DRUG"]')
               if m.get_text() == "methotrexate")
    assert mtx["data-negated"] == "false"
    title = mtx["title"]
    assert "normalized: methotrexate" in title and "drugbank DB00563" in title
    assert "found by: lexicon:drug" in title


def test_record_values_link_to_rendered_sources(docs):
    doc = docs["case_series_dupilumab_jak"]
    page = _soup(document_page(doc))
    links = page.select("table.records a.src")
    ids = {el["id"] for el in page.select("[id]")}
    assert len(links) > 20
    for link in links:
        targets = link["data-targets"].split()
        assert targets and set(targets) <= ids and link["href"] == f"#{targets[0]}"
    # the study record's drugs link, one by one, to their mentions in the text
    study = page.select("table.records tbody tr")[0]
    drug_links = study.select('td[data-field="drug"] a.src')
    drugs = {m.id: m for m in doc.mentions}
    record = doc.records[0]
    assert [a["data-targets"] for a in drug_links] == [
        f"m-{iv.drug.mention}" for iv in record.interventions]
    assert drug_links[0].get_text().lower() == drugs[record.interventions[0].drug.mention
                                                     ].text.lower()
    # a patient record's value links to a table cell
    assert any(t.startswith("t0-r") for a in links for t in a["data-targets"].split())


def test_record_values_link_through_places_to_a_cell_and_a_column():
    from extractor.document import Table
    from extractor.evidence import AdverseEvent, DrugRef, Intervention, Record
    from extractor.records.export import Place, places
    from extractor.report.evidence_table import records_table
    from extractor.report.render import Rendered

    text = "quellomab rash"
    doc = EvidenceDocument(
        id="d", source=Source(path="x.txt", format="text", sha256="0"), text=text,
        tables=[Table(id="T1", n_rows=3, n_cols=5, cells=[], start=0, end=len(text))],
        mentions=[Mention(id="M1", label="DRUG", text="quellomab", start=0, end=9,
                          source=Provenance(kind="table", table="T1", row=2, col=3))],
        records=[Record(id="P1", level="patient", source=Provenance(kind="table", table="T1"),
                        interventions=[Intervention(drug=DrugRef(name="quellomab",
                                                                 mention="M1"))]),
                 Record(id="A1", level="arm", source=Provenance(kind="table", table="T1", col=4),
                        adverse_events=[AdverseEvent(term="rash", text="rash")])])
    cell, column = Place("table", table="T1", row=2, col=3), Place("table", table="T1", col=4)
    where = places(doc)
    assert where[0]["drug"] == [cell] and where[1]["adverse_events"] == [column]
    assert (str(cell), str(column), str(Place("text", start=1, end=5)), str(Place())) == (
        "T1 r2 c3", "T1 c4", "text 1-5", "text")
    # the elements are looked up by the places' fields: ids that no source string names
    out = Rendered(cells={("T1", 2, 3): "cell-x"}, columns={("T1", 4): ["col-a", "col-b"]})
    page = _soup("".join(records_table(doc, out)))
    drug = page.select_one('tbody tr:nth-of-type(1) td[data-field="drug"] a.src')
    assert (drug.get_text(), drug["href"], drug["title"]) == (
        "quellomab", "#cell-x", "source: T1 r2 c3")
    event = page.select_one('tbody tr:nth-of-type(2) td[data-field="adverse_events"] a.src')
    assert (event["data-targets"], event["title"]) == ("col-a col-b", "source: T1 c4")


def test_markup_in_an_article_stays_text(docs):
    doc = docs["hostile"]
    html = document_page(doc)
    page = _soup(html)
    assert len(page.find_all("script")) == 1  # the report's own script only
    assert not page.find_all("img") and not page.find_all("b")
    assert not page.select('a[href^="javascript"]')
    text = page.select_one(".doc-text").get_text()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_ids_labels_and_normalizations_are_escaped_in_attributes():
    text = 'x"><script>alert(1)</script> took aspirin'
    start = text.index("aspirin")
    doc = EvidenceDocument(
        id='../evil" onload="alert(1)', source=Source(path="<p>.txt", format="text",
                                                      sha256="0"), text=text,
        mentions=[Mention(id='M1" onmouseover="alert(1)', label="DRUG", text="aspirin",
                          start=start, end=start + 7, found_by=['rule"><script>x</script>'],
                          normalized=Normalized(name='<img src=x onerror=alert(1)>'))])
    page = _soup(document_page(doc))
    mark = page.select_one("mark.mention")
    assert mark.get_text() == "aspirin"
    assert "onmouseover" not in mark.attrs and "<img src=x" in mark["title"]
    assert len(page.find_all("script")) == 1 and not page.find_all("img")


def test_crossing_mentions_are_listed_once_below_the_text():
    text = "low dose aspirin therapy"
    doc = EvidenceDocument(
        id="cross", source=Source(path="x.txt", format="text", sha256="0"), text=text,
        mentions=[Mention(id="A", label="DOSE", text="low dose aspirin", start=0, end=16),
                  Mention(id="B", label="DRUG", text="aspirin therapy", start=9, end=24),
                  Mention(id="C", label="DRUG", text="aspirin", start=9, end=16),
                  Mention(id="D", label="DRUG", text="", start=30, end=40)])
    page = _soup(document_page(doc))
    assert sorted(m["id"] for m in page.select("mark.mention")) == ["m-A", "m-B", "m-C", "m-D"]
    assert page.select_one("#m-A #m-C")  # nested inside the mention holding it
    assert {m["id"] for m in page.select("#not-inline mark")} == {"m-B", "m-D"}


def test_batch_folder_report_lists_documents_counts_and_errors(batch_dir, docs):
    report = build_report(batch_dir)
    assert report.index == batch_dir / "report" / "index.html"
    assert len(report.pages) == 3 and all(p.parent.name == "docs" for p in report.pages)
    index = _soup(report.index.read_text(encoding="utf-8"))
    hrefs = [a["href"] for a in index.select("table.docs a")]
    assert hrefs == [f"docs/{p.name}" for p in report.pages]
    row = index.select("table.docs tbody tr")[0]
    case = docs["invented_case"]
    n_ae = sum(m.label == "ADVERSE_EVENT" for m in case.mentions)
    neg_ae = sum(m.label == "ADVERSE_EVENT" and m.negated for m in case.mentions)
    assert row.select_one('td[data-label="ADVERSE_EVENT"]').get_text(" ", strip=True) == \
        f"{n_ae} ({neg_ae} neg)"
    errors = index.select("table.errors tbody tr")
    assert [r.select("td")[0].get_text() for r in errors] == [
        "in/broken<b>.pdf", f"{batch_dir / 'documents.jsonl'}:2"]
    assert "not a PDF <script>" in errors[0].get_text()
    assert "documents 3" in index.select_one("#summary").get_text(" ", strip=True)


def test_same_id_twice_keeps_both_pages_and_stale_pages_go(tmp_path, docs):
    doc = docs["invented_case"]
    jsonl = tmp_path / "evidence.jsonl"
    jsonl.write_text((doc.model_dump_json() + "\n") * 2, encoding="utf-8")
    stale = tmp_path / "report" / "docs" / "old.text.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    index = write_report(jsonl)
    assert index == tmp_path / "report" / "index.html"
    names = sorted(p.name for p in (tmp_path / "report" / "docs").iterdir())
    assert names == ["invented_case.text-2.html", "invented_case.text.html"]


def test_pages_fetch_nothing_from_the_network(batch_dir):
    report = build_report(batch_dir, batch_dir / "elsewhere")
    for path in [report.index, *report.pages]:
        html = path.read_text(encoding="utf-8")
        page = _soup(html)
        for tag in page.find_all(src=True):
            pytest.fail(f"{path.name}: {tag.name} loads {tag['src']}")
        assert not page.select("link[href]")
        assert not re.search(r"url\(|@import", html)
        csp = page.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split(";")[1]


def test_report_command(batch_dir, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["report", str(batch_dir), "-o", str(tmp_path / "r")])
    # the line that is not an EvidenceDocument is reported, the others still written
    assert result.exit_code == 1
    assert "documents.jsonl:2: not an EvidenceDocument" in result.output
    assert (tmp_path / "r" / "index.html").is_file()
    assert len(list((tmp_path / "r" / "docs").glob("*.html"))) == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(main, ["report", str(empty)])
    assert result.exit_code == 1 and "no documents.jsonl" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_validation_page_bars_and_errors_side_by_side():
    sentence = "She took <b>aspirin</b> daily and got a rash."
    at = 100 + sentence.index("aspirin")
    rash = 100 + sentence.index("rash")
    row = {"tp": 3, "fp": 1, "fn": 1, "precision": 0.75, "recall": 0.75, "f1": 0.75,
           "ci95": [0.5, 1.0]}
    result = {
        "documents": {"gold": 1, "pred": 1, "paired": 1, "unpaired_pred": []},
        "mentions": {"DRUG": row, "ADVERSE_EVENT": row | {"precision": 0.0, "f1": 0.0},
                     "micro": row, "macro": {"precision": 0.5, "recall": 0.5, "f1": 0.5}},
        "mentions_overlap": {"DRUG": row},
        "false_negatives": [{"document": "d1", "label": "ADVERSE_EVENT", "start": rash,
                             "end": rash + 4, "text": "rash", "sentence": sentence}],
        "false_positives": [{"document": "d1", "label": "CONDITION", "start": rash,
                             "end": rash + 4, "text": "rash", "sentence": sentence},
                            {"document": "d1", "label": "DOSE", "start": at, "end": at + 7,
                             "text": "aspirin", "sentence": sentence}],
    }
    page = _soup(validation_page(result))
    widths = [s["style"] for s in page.select("#exact .bar.p > span")]
    assert widths == ["width:75.0%", "width:0.0%", "width:75.0%", "width:50.0%"]
    group = page.select_one(".errgroup")
    gold, pred = group.select_one(".gold"), group.select_one(".pred")
    assert [m.get_text() for m in gold.select("mark")] == ["rash"]
    assert [(m["data-label"], m.get_text()) for m in pred.select("mark")] == [
        ("DOSE", "aspirin"), ("CONDITION", "rash")]
    assert not group.find_all("b") and "took <b>aspirin</b> daily" in pred.get_text()


# --- findings: their sentence or table row is highlighted, with a tooltip ----------------------


def _with_findings(doc: EvidenceDocument, findings: list[Finding]) -> EvidenceDocument:
    study = doc.records[0].model_copy(update={"findings": findings})
    return doc.model_copy(update={"records": [study, *doc.records[1:]]})


def _sentence_finding(doc: EvidenceDocument, sentence: str, **fields: object) -> Finding:
    start = doc.text.index(sentence)
    return Finding(**fields, found_by="sentence",  # type: ignore[arg-type]
                   evidence=Evidence(start=start, end=start + len(sentence), text=sentence))


def test_a_finding_sentence_wraps_its_marks_with_a_tooltip(docs):
    doc = docs["invented_case"]
    sentence = "He developed nausea and headache in the first month."
    finding = _sentence_finding(
        doc, sentence, outcome="nausea", intervention="methotrexate", comparator="placebo",
        direction="increased", significant=True, p_value=0.01, p_relation="<",
        effect=Effect(measure="OR", value=2.5, ci_low=1.2, ci_high=5.1, ci_level=95),
        arms=[ArmResult(name="methotrexate", events=12, n=40, percent=30.0,
                        stat="count_total", text="12/40 (30%)")])
    page = _soup(document_page(_with_findings(doc, [finding])))
    [span] = page.select("span.finding")
    assert span.get_text() == sentence
    assert {m.get_text() for m in span.select("mark.mention")} >= {"nausea", "headache"}
    title = span["title"]
    assert "finding: nausea" in title and "methotrexate vs placebo" in title
    assert "direction: increased" in title and "p value: p < 0.01" in title
    assert "effect: OR 2.5 (95% CI 1.2 to 5.1)" in title
    assert "arm values: methotrexate: 12/40 (30%)" in title
    # every mention keeps exactly one mark, and the findings card links to the sentence
    assert sorted(_marks(page)) == sorted((f"m-{m.id}", m.label, m.text) for m in doc.mentions)
    [link] = page.select("#findings a.src")
    assert link["href"] == f"#{span['id']}"
    assert [td.get_text() for td in page.select("#findings td[data-field=direction]")] == [
        "increased"]


def test_a_finding_sentence_that_crosses_a_mark_is_not_highlighted(docs):
    doc = docs["invented_case"]
    nausea = next(m for m in doc.mentions if m.text == "nausea")
    # from the middle of "nausea" to the end of its sentence: it cannot nest
    start = nausea.start + 2
    end = doc.text.index("month.") + len("month.")
    finding = Finding(outcome="headache", found_by="sentence",
                      evidence=Evidence(start=start, end=end, text=doc.text[start:end]))
    page = _soup(document_page(_with_findings(doc, [finding])))
    assert not page.select("span.finding")
    assert sorted(_marks(page)) == sorted((f"m-{m.id}", m.label, m.text) for m in doc.mentions)
    assert page.select("#findings tr")  # still listed, with where its evidence is
    assert f"text {start}-{end}" in page.select_one("#findings tbody").get_text()


def test_a_finding_table_row_is_highlighted(docs):
    doc = docs["case_series_dupilumab_jak"]
    table = doc.tables[0]
    row = [c for c in table.cells if c.row == 1]
    finding = Finding(outcome="response", intervention="dupilumab", comparator="upadacitinib",
                      direction="no_difference", significant=False, p_value=0.4,
                      p_relation="=", found_by="table",
                      evidence=Evidence(start=row[0].start, end=row[-1].end,
                                        text=doc.text[row[0].start:row[-1].end],
                                        source=Provenance(kind="table", table=table.id, row=1)))
    page = _soup(document_page(_with_findings(doc, [finding])))
    [tr] = page.select("tr.finding")
    assert tr["data-direction"] == "no_difference"
    assert "direction: no difference" in tr["title"] and "p value: p = 0.4" in tr["title"]
    assert [c.get_text() for c in tr.find_all(["td", "th"])] == [
        c.text for c in sorted(row, key=lambda c: c.col)]
