"""Validation: toolkit JSON reader, gold-format detection, metrics, bootstrap, CLI.

All texts here are invented; the BC5CDR check reads ../shared and skips when it is absent.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.errors import ExtractorError
from extractor.evaluate.results import FieldAccuracy, Negation, Score, ValidationResult
from extractor.evaluate.validate import bootstrap_f1, score_records, sentence_at, validate
from extractor.formats.gold import GoldDocument, GoldEntity, GoldRelation, LabelMap
from extractor.formats.registry import detect_gold_format, read_any
from extractor.formats.toolkit_json import read_toolkit_json
from tests.conftest import SHARED

SAMPLE = SHARED / "corpora" / "bc5cdr" / "sample_eval"

TEXT1 = "The patient took aspirin 100 mg daily. She developed a rash. No fever was seen.\n"
TEXT2 = "Metformin was stopped.\n"


def _span(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def _ent(eid: str, label: str, text: str, word: str, **attrs: str | bool) -> GoldEntity:
    s, e = _span(text, word)
    return GoldEntity(eid, label, ((s, e),), word, dict(attrs))


def _gold() -> list[GoldDocument]:
    return [
        GoldDocument("case1", TEXT1, [
            _ent("T1", "DRUG", TEXT1, "aspirin"),
            _ent("T2", "DOSE", TEXT1, "100 mg"),
            _ent("T3", "ADVERSE_EVENT", TEXT1, "rash"),
            _ent("T4", "ADVERSE_EVENT", TEXT1, "fever", Negated=True),
        ], [GoldRelation("R1", "dose_of", "T2", "T1")]),
        GoldDocument("case2", TEXT2, [_ent("T1", "DRUG", TEXT2, "Metformin")]),
    ]


def _mention(mid: str, label: str, text: str, word: str, **extra: object) -> dict[str, object]:
    s, e = _span(text, word)
    return {"id": mid, "label": label, "text": word, "start": s, "end": e, **extra}


def _pred_json() -> list[dict[str, object]]:
    """Toolkit predictions: one exact DRUG, a too-long DOSE, a rash wrongly negated, a
    spurious CONDITION, the negated fever missed; the second document under another id."""
    return [
        {"id": "case1", "text": TEXT1, "mentions": [
            _mention("m1", "DRUG", TEXT1, "aspirin",
                     normalized={"name": "aspirin", "ids": {"mesh": "D001241"}}),
            _mention("m2", "DOSE", TEXT1, "100 mg daily"),
            _mention("m3", "ADVERSE_EVENT", TEXT1, "rash", negated=True),
            _mention("m4", "CONDITION", TEXT1, "patient"),
        ], "relations": [{"type": "dose_of", "head": "m2", "tail": "m1"}],
         "records": [{"id": "r1", "level": "patient",
                      "interventions": [{"drug": {"name": "Aspirin"}}]}]},
        {"id": "renamed", "text": TEXT2, "mentions": [
            _mention("m1", "DRUG", TEXT2, "Metformin")]},
    ]


def _write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _write_brat(folder: Path) -> Path:
    from extractor.formats.brat import to_ann

    folder.mkdir()
    for doc in _gold():
        (folder / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
        (folder / f"{doc.id}.ann").write_text(to_ann(doc), encoding="utf-8")
    return folder


# --- toolkit JSON reader ---------------------------------------------------------------

def test_toolkit_jsonl_reads_mentions_ids_attributes_records(tmp_path: Path) -> None:
    docs = read_toolkit_json(_write_jsonl(tmp_path / "pred.jsonl", _pred_json()))
    assert [d.id for d in docs] == ["case1", "renamed"]
    first = docs[0]
    assert first.check() == []
    aspirin = first.entity("m1")
    assert first.text[aspirin.start:aspirin.end] == "aspirin"
    if hasattr(aspirin, "ids"):
        assert aspirin.ids == ("D001241",)
    assert first.entity("m3").negated and not first.entity("m1").negated
    assert [(r.type, r.head, r.tail) for r in first.relations] == [("dose_of", "m2", "m1")]
    assert first.meta["records"] == _pred_json()[0]["records"]


def test_toolkit_json_folder_of_pretty_documents(tmp_path: Path) -> None:
    for row in _pred_json():
        (tmp_path / f"{row['id']}.json").write_text(json.dumps(row, indent=2))
    docs = read_toolkit_json(tmp_path)
    assert sorted(d.id for d in docs) == ["case1", "renamed"]
    assert len(docs[0].entities) == 4


def test_toolkit_jsonl_bad_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_pred_json()[1]) + "\n" + '{"id": "x"}\n')
    with pytest.raises(ExtractorError) as err:
        read_toolkit_json(path)
    assert f"{path}:2:" in str(err.value) and err.value.code == "malformed"


# --- format detection ------------------------------------------------------------------

def test_detect_gold_formats(tmp_path: Path) -> None:
    brat = _write_brat(tmp_path / "brat")
    assert detect_gold_format(brat) == "brat"
    assert detect_gold_format(brat / "case1.ann") == "brat"
    assert detect_gold_format(_write_jsonl(tmp_path / "p.jsonl", _pred_json())) == "json"
    phee = tmp_path / "phee.json"
    phee.write_text(json.dumps({"id": "s1", "context": "x", "annotations": []}) + "\n")
    assert detect_gold_format(phee) == "phee"
    bioc_xml = tmp_path / "c.xml"
    bioc_xml.write_text("<?xml version='1.0'?><collection><source>x</source></collection>")
    assert detect_gold_format(bioc_xml) == "bioc"
    bioc_json = tmp_path / "c.json"
    bioc_json.write_text(json.dumps({"source": "x", "date": "", "key": "", "infons": {},
                                     "documents": []}, indent=1))
    assert detect_gold_format(bioc_json) == "bioc"
    pubtator = tmp_path / "p.txt"
    pubtator.write_text("123|t|A title\n123|a|An abstract.\n123\t2\t7\ttitle\tDisease\tD1\n")
    assert detect_gold_format(pubtator) == "pubtator"
    ade = tmp_path / "ade"
    ade.mkdir()
    (ade / "DRUG-AE.rel").write_text("")
    assert detect_gold_format(ade) == "ade"
    assert detect_gold_format(ade / "DRUG-AE.rel") == "ade"
    other = tmp_path / "notes.txt"
    other.write_text("just some words\n")
    with pytest.raises(ExtractorError):
        detect_gold_format(other)


def test_read_any_dispatches_brat_and_json(tmp_path: Path) -> None:
    gold = read_any(_write_brat(tmp_path / "brat"))
    assert [d.id for d in gold] == ["case1", "case2"]
    assert gold[0].entity("T4").negated
    pred = read_any(_write_jsonl(tmp_path / "p.jsonl", _pred_json()), "json")
    assert len(pred) == 2
    with pytest.raises(ExtractorError):
        read_any(tmp_path / "p.jsonl", "nonsense")


# --- metrics ---------------------------------------------------------------------------

def _result(tmp_path: Path) -> ValidationResult:
    pred = read_toolkit_json(_write_jsonl(tmp_path / "p.jsonl", _pred_json()))
    return validate(_gold(), pred)


def _counts(row: Score) -> tuple[int, int, int]:
    return row.tp, row.fp, row.fn


def test_mentions_exact_overlap_untyped_by_hand(tmp_path: Path) -> None:
    res = _result(tmp_path)
    exact = res.mentions
    # DRUG: aspirin and Metformin (paired by text) found.
    assert _counts(exact.labels["DRUG"]) == (2, 0, 0)
    assert _counts(exact.labels["DOSE"]) == (0, 1, 1)
    assert _counts(exact.labels["ADVERSE_EVENT"]) == (1, 0, 1)
    assert exact.labels["CONDITION"].fp == 1
    # micro exact: 3 of 5 predictions, 3 of 5 gold.
    assert exact.micro is not None and exact.macro is not None
    assert exact.micro.precision == exact.micro.recall == exact.micro.f1 == 0.6
    # macro F1 = mean(1, 0, 2/3, 0).
    assert exact.macro.f1 == pytest.approx((1 + 0 + 2 / 3 + 0) / 4, abs=1e-4)
    overlap = res.mentions_overlap
    assert overlap.labels["DOSE"].tp == 1 and overlap.micro is not None
    assert overlap.micro.tp == 4
    assert _counts(res.mentions_untyped) == (3, 2, 2)
    # Overlap pairs: aspirin, dose, rash (negation wrong), Metformin.
    assert res.negation == Negation(pairs=4, agree=3, accuracy=0.75)
    assert res.documents.paired == 2 and res.documents.unpaired_pred == []


def test_the_json_lays_labels_and_averages_side_by_side(tmp_path: Path) -> None:
    data = _result(tmp_path).to_json()
    assert list(data) == ["documents", "mentions", "mentions_overlap", "mentions_untyped",
                          "negation", "bootstrap", "concepts", "relations",
                          "false_positives", "false_negatives"]  # no records on either side
    assert list(data["mentions"]) == ["ADVERSE_EVENT", "CONDITION", "DOSE", "DRUG", "micro",
                                      "macro"]
    assert data["mentions"]["macro"] == {"precision": 0.5, "recall": 0.375, "f1": 0.4167}
    assert data["mentions_untyped"]["ci95"] is not None
    assert data["false_positives"][0].keys() == {"document", "label", "start", "end", "text",
                                                 "sentence"}


def test_false_positives_and_negatives_carry_their_sentence(tmp_path: Path) -> None:
    res = _result(tmp_path)
    fps = {(f.label, f.text): f.sentence for f in res.false_positives}
    fns = {(f.label, f.text): f.sentence for f in res.false_negatives}
    assert fps[("CONDITION", "patient")] == "The patient took aspirin 100 mg daily."
    assert fps[("DOSE", "100 mg daily")] == "The patient took aspirin 100 mg daily."
    assert fns[("ADVERSE_EVENT", "fever")] == "No fever was seen."
    assert ("DRUG", "aspirin") not in fps


def test_sentence_at_edges() -> None:
    text = "First one. Second one here.\nThird"
    assert sentence_at(text, 0, 5) == "First one."
    assert sentence_at(text, text.index("Second"), text.index("Second") + 6) == \
        "Second one here."
    assert sentence_at(text, len(text) - 5, len(text)) == "Third"


def test_bootstrap_is_deterministic_and_brackets_the_estimate(tmp_path: Path) -> None:
    first, second = _result(tmp_path), _result(tmp_path)
    assert first.mentions == second.mentions
    rng = np.random.default_rng(1)
    per_doc = np.stack([rng.integers(0, 5, 40), rng.integers(5, 9, 40),
                        rng.integers(5, 9, 40)], axis=1)
    ci = bootstrap_f1(per_doc)
    assert ci == bootstrap_f1(per_doc)
    tp, n_pred, n_gold = per_doc.sum(axis=0)
    point = 2 * tp / (n_pred + n_gold)
    assert ci is not None and ci[0] < point < ci[1]
    # Every document perfect: no spread.
    assert bootstrap_f1(np.array([[2, 2, 2], [1, 1, 1]])) == (1.0, 1.0)
    assert bootstrap_f1(np.zeros((0, 3))) is None


def test_label_map_with_alternative_targets() -> None:
    text = "Cisplatin caused nausea."
    gold = [GoldDocument("d", text, [_ent("T1", "Chemical", text, "Cisplatin"),
                                     _ent("T2", "Disease", text, "nausea")])]
    pred = [GoldDocument("d", text, [_ent("m1", "DRUG", text, "Cisplatin"),
                                     _ent("m2", "CONDITION", text, "nausea")])]
    lm = LabelMap({"Chemical": "DRUG", "Disease": "ADVERSE_EVENT|CONDITION"})
    exact = validate(gold, pred, lm).mentions
    assert exact.labels["DRUG"].tp == 1
    assert exact.labels["ADVERSE_EVENT|CONDITION"].tp == 1
    assert exact.micro is not None and exact.micro.f1 == 1.0


def test_record_fields_accuracy() -> None:
    gold = [{"level": "patient", "population": {"n": 1},
             "interventions": [{"drug": {"name": "Aspirin"}, "dose": {"value": 100,
                                                                       "unit": "mg"}}],
             "adverse_events": [{"term": "rash"}]}]
    pred = [{"level": "study", "population": {"n": 1}},
            {"level": "patient", "population": {"n": 2},
             "interventions": [{"drug": {"name": "aspirin"}}],
             "adverse_events": [{"term": "Rash"}]}]
    scores = score_records([(gold, pred)])
    assert scores["interventions.drug"] == FieldAccuracy(correct=1, total=1, accuracy=1.0)
    assert scores["adverse_events.term"].correct == 1
    assert scores["population.n"].correct == 0  # paired with the patient record (n=2)
    assert scores["interventions.dose"].correct == 0
    assert "design" not in scores  # no gold value


def test_concepts_and_relations_sections_exist(tmp_path: Path) -> None:
    res = _result(tmp_path)
    assert isinstance(res.concepts, dict) and isinstance(res.relations, dict)


# --- command line ----------------------------------------------------------------------

def test_cli_validate_brat_gold_vs_toolkit_jsonl(tmp_path: Path) -> None:
    gold = _write_brat(tmp_path / "gold")
    pred = _write_jsonl(tmp_path / "pred.jsonl", _pred_json())
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(main, ["validate", "--gold", str(gold), "--pred", str(pred),
                                       "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "mentions, exact" in result.output
    data = json.loads(out.read_text())
    assert set(data) >= {"mentions", "concepts", "relations", "negation",
                         "false_positives", "false_negatives"}
    assert data["mentions"]["DRUG"] == {"tp": 2, "fp": 0, "fn": 0, "precision": 1.0,
                                        "recall": 1.0, "f1": 1.0, "ci95": [1.0, 1.0]}
    assert data["mentions"]["micro"]["f1"] == 0.6


def test_cli_validate_reports_unreadable_gold(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("nothing recognisable\n")
    pred = _write_jsonl(tmp_path / "pred.jsonl", _pred_json())
    result = CliRunner().invoke(main, ["validate", "--gold", str(bad), "--pred", str(pred)])
    assert result.exit_code == 1
    assert "error:" in result.output and "Traceback" not in result.output


# --- the field's own scorer ------------------------------------------------------------

@pytest.mark.skipif(importlib.util.find_spec("extractor.formats.pubtator") is None
                    or importlib.util.find_spec("extractor.evaluate.concepts") is None,
                    reason="PubTator reader / concept scorer not available yet")
def test_bc5cdr_sample_scores_through_validate() -> None:
    """validate's own mention scoring reproduces the kit; concept and relation sections
    are exactly the concept scorer's counts (whose kit numbers test_bc5cdr_eval checks)."""
    from extractor.evaluate.concepts import score_concepts, score_relations

    if not SAMPLE.is_dir():
        pytest.skip(f"BC5CDR evaluation kit sample not found at {SAMPLE}")
    gold = read_any(SAMPLE / "CDR_sample.gold.PubTator")
    dner_pred = read_any(SAMPLE / "CDR_sample.test.DNER.PubTator")
    dner = validate(gold, dner_pred)
    # EVALKIT_README.txt: disease mentions TP 303 / FP 105 / FN 121.
    assert _counts(dner.mentions.labels["Disease"]) == (303, 105, 121)
    direct = score_concepts(gold, dner_pred)
    assert isinstance(dner.concepts, dict)
    assert {k: _counts(r) for k, r in dner.concepts.items()} == \
        {k: (c.tp, c.fp, c.fn) for k, c in direct.items()}
    cid_pred = read_any(SAMPLE / "CDR_sample.test.CID.PubTator")
    cid = validate(gold, cid_pred)
    assert isinstance(cid.relations, dict)
    assert {k: _counts(r) for k, r in cid.relations.items()} == \
        {k: (c.tp, c.fp, c.fn) for k, c in score_relations(gold, cid_pred).items()}


# --- malformed gold in every format, and folders of mixed formats (issue 17) -------------

def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["validate", *args])


def test_unknown_brat_label_warns_or_stops_with_file_and_line(tmp_path: Path) -> None:
    gold = _write_brat(tmp_path / "brat")
    ann = gold / "case1.ann"
    ann.write_text(ann.read_text().replace("T3\tADVERSE_EVENT", "T3\tADVERSE_EVNT"))
    pred = _write_jsonl(tmp_path / "p.jsonl", _pred_json())
    problem = (f"{ann}:3 (document case1, T3): unknown label 'ADVERSE_EVNT' (not a toolkit "
               "label, and no prediction has it; give --label-map?)")
    result = _cli("--gold", str(gold), "--pred", str(pred))
    assert result.exit_code == 0
    assert f"warning: {problem} (scored as a label of its own)" in result.stderr
    strict = _cli("--strict", "--gold", str(gold), "--pred", str(pred))
    assert strict.exit_code == 1
    assert strict.stderr.strip() == f"error: {gold}: 1 unknown gold label(s): {problem}"


@pytest.mark.parametrize("damage, problem", [
    (lambda m: m.update(end=400), "outside the text"),
    (lambda m: m.update(id="m1"), "duplicate id 'm1'"),
])
def test_toolkit_json_gold_is_checked(tmp_path: Path, damage: Callable[[dict[str, Any]], None],
                                      problem: str) -> None:
    rows = _pred_json()
    damage(rows[0]["mentions"][1])  # type: ignore[index]
    path = _write_jsonl(tmp_path / "gold.jsonl", rows)
    with pytest.raises(ExtractorError) as caught:
        read_any(path)
    assert caught.value.code == "malformed" and problem in str(caught.value)
    result = _cli("--strict", "--gold", str(path), "--pred", str(path))
    assert result.exit_code == 1 and problem in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    lenient = _cli("--gold", str(path), "--pred", str(path))
    assert lenient.exit_code == 0
    assert f"warning: {path}" in lenient.stderr and problem in lenient.stderr


def test_folder_of_mixed_formats_reads_each_file_in_its_own(tmp_path: Path) -> None:
    from extractor.formats.bioc_format import write_bioc
    from extractor.formats.pubtator import write_pubtator

    gold = _write_brat(tmp_path / "mixed")  # case1 and case2 as brat ...
    third = GoldDocument("case3", "Ibuprofen caused nausea.\n", [
        GoldEntity("T1", "DRUG", ((0, 9),), "Ibuprofen"),
        GoldEntity("T2", "ADVERSE_EVENT", ((17, 23),), "nausea")])
    fourth = GoldDocument("4", "Nausea.\n", [GoldEntity("T1", "ADVERSE_EVENT", ((0, 6),),
                                                        "Nausea")])
    write_bioc([third], gold / "case3.xml")  # ... case3 as BioC, 4 as PubTator
    write_pubtator([fourth], gold / "four.PubTator")
    (gold / "NOTES.md").write_text("How these were annotated.\n", encoding="utf-8")
    skipped: list[str] = []
    docs = read_any(gold, on_skip=skipped.append)
    assert sorted(d.id for d in docs) == ["4", "case1", "case2", "case3"]
    assert skipped == [f"{gold / 'NOTES.md'}: skipped (unrecognised gold format "
                       "(give --format))"]
