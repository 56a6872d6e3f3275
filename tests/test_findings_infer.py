"""Prompted inference (extractor/findings/): prompt masking, features, the shipped models on
invented articles, the prompts CSV reader and the answers' error rows, the metrics."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from extractor import infer
from extractor.document import Document
from extractor.evaluate.findings import class_scores, evidence_hit, macro_f1
from extractor.findings.article import Article
from extractor.findings.classify import classification_features, direction_of
from extractor.findings.infer import ANSWER_COLUMNS, answer_prompts
from extractor.findings.prompt import PromptTerms, mask, stem, words
from extractor.formats.evidence_inference import (
    Annotation,
    Prompt,
    PromptError,
    majority_label,
    read_prompts,
)
from extractor.parsers import parse_bytes
from tests.conftest import shared_path
from tests.helpers import run_cli

ARTICLE = """TITLE:

Zorbafen for chronic knee pain: a randomised trial

ABSTRACT.BACKGROUND:
Knee pain limits walking in older adults and few oral treatments help.

ABSTRACT.METHODS:
We randomly assigned 120 adults with knee pain to zorbafen or placebo for twelve weeks.

ABSTRACT.RESULTS:
Pain scores at week twelve were significantly lower with zorbafen than with placebo (p < 0.001).
Walking distance did not differ significantly between the zorbafen and placebo groups (p = 0.42).
Nausea was reported more often in the zorbafen group than in the placebo group (18% vs 6%,
p = 0.03).

BODY.INTRODUCTION:
Chronic knee pain is common, and earlier drugs of this class raised blood pressure.

BODY.DISCUSSION:
Zorbafen reduced pain, and further trials should test it in younger patients.
"""


def _article() -> Article:
    return Article(parse_bytes(ARTICLE.encode(), "PMC424242.txt", "text")[0])


def test_stems_meet_across_word_forms() -> None:
    assert stem("reduces") == stem("reduced") == "reduce"
    assert stem("outcomes") == "outcom" and stem("class") == "class"
    assert stem("hypertensive") == stem("hypertension")
    assert words("P<0.05, 12.5%") == ["p", "<", "0.05", ",", "12.5", "%"]


def test_mask_tells_the_arms_and_the_outcome_apart() -> None:
    terms = PromptTerms.of("pain scores", "zorbafen 20 mg", "placebo")
    masked = mask(words("Pain was lower with zorbafen than with placebo (p = 0.01)"), terms)
    assert masked[:6] == ["xoutx", "was", "lower", "with", "xintx", "than"]
    assert "xcompx" in masked and "0.00" in masked  # digits folded
    shared = PromptTerms.of("pain", "zorbafen plus exercise", "exercise alone")
    assert "exerci" in shared.shared and "exerci" not in shared.intervention


def test_orientation_features_flip_with_the_arms() -> None:
    terms = PromptTerms.of("pain", "zorbafen", "placebo")
    forward = classification_features("Pain was lower with zorbafen than placebo.", terms)
    backward = classification_features("Pain was lower with placebo than zorbafen.", terms)
    assert "move=down|ref=xcompx" in forward and "move=down|ref=xintx" in backward
    values = classification_features("Nausea: zorbafen 18% and placebo 6%.", terms)
    assert "arm_values=i>c" in values


def test_article_sentences_carry_roles_and_parts() -> None:
    article = _article()
    by_text = {s.text.split()[0]: s for s in article.sentences}
    assert by_text["Pain"].role == "abstract" and by_text["Pain"].part == "results"
    assert by_text["Chronic"].role == "introduction"
    assert all(article.document.text[s.start:s.end] == s.text for s in article.sentences)
    assert not any(s.text.startswith("TITLE") for s in article.sentences)


@pytest.mark.parametrize(("outcome", "expected_code", "first_word"), [
    ("Pain scores at week twelve", -1, "Pain"),
    ("Walking distance", 0, "Walking"),
    ("Nausea", 1, "Nausea"),
])
def test_infer_finds_the_result_and_its_direction(outcome: str, expected_code: int,
                                                  first_word: str) -> None:
    answer = infer(_article(), outcome=outcome, intervention="zorbafen", comparator="placebo")
    assert answer.evidence.text.startswith(first_word)
    assert answer.label_code == expected_code
    assert 0.0 < answer.score <= 1.0
    assert answer.label in ("significantly decreased", "no significant difference",
                            "significantly increased")


def test_infer_reads_a_path_and_a_document(tmp_path: Path) -> None:
    path = tmp_path / "PMC424242.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    from_path = infer(path, outcome="Nausea", intervention="zorbafen", comparator="placebo")
    document: Document = parse_bytes(ARTICLE.encode(), "x.txt", "text")[0]
    from_doc = infer(document, outcome="Nausea", intervention="zorbafen",
                     comparator="placebo")
    assert from_path.evidence == from_doc.evidence
    text = document.text
    assert text[from_doc.evidence.start:from_doc.evidence.end] == from_doc.evidence.text


def test_direction_of_a_single_sentence() -> None:
    code, probability = direction_of(
        "There was no significant difference in mortality between zorbafen and placebo "
        "(p = 0.61).", "mortality", "zorbafen", "placebo")
    assert code == 0 and probability > 0.5


def _write_prompts(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["PromptID", "PMCID", "Outcome", "Intervention", "Comparator"])
        writer.writerows(rows)


def test_read_prompts_names_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "prompts.csv"
    _write_prompts(path, [["1", "424242", "Nausea", "zorbafen", "placebo"],
                          ["2", "abc", "Nausea", "zorbafen", "placebo"],
                          ["3", "424242", "", "zorbafen", "placebo"],
                          ["4", "PMC424242", "Pain", "zorbafen", "placebo", "extra"]])
    items = list(read_prompts(path))
    assert isinstance(items[0], Prompt) and items[0].pmcid == "424242"
    errors = [i for i in items if isinstance(i, PromptError)]
    assert [(e.prompt_id, e.line) for e in errors] == [("2", 3), ("3", 4), ("4", 5)]
    assert "not a PubMed Central id" in errors[0].reason and "Outcome" in errors[1].reason
    bad = tmp_path / "bad.csv"
    bad.write_text("PromptID,Outcome\n1,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="PMCID"):
        list(read_prompts(bad))


def test_answer_prompts_turns_each_problem_into_its_own_row(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "PMC424242.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "articles" / "PMC7.txt").write_bytes(b"")
    prompts = tmp_path / "prompts.csv"
    _write_prompts(prompts, [["1", "424242", "Nausea", "zorbafen", "placebo"],
                             ["2", "999", "Nausea", "zorbafen", "placebo"],
                             ["3", "7", "Nausea", "zorbafen", "placebo"],
                             ["4", "x", "Nausea", "zorbafen", "placebo"],
                             ["5", "424242", "Walking distance", "zorbafen", "placebo"]])
    answers = list(answer_prompts(prompts, tmp_path / "articles"))
    assert [a.prompt_id for a in answers] == ["1", "2", "3", "4", "5"]
    assert answers[0].inference is not None and answers[4].inference is not None
    assert "no article PMC999" in (answers[1].error or "")
    assert answers[2].error and "empty" in answers[2].error
    assert answers[3].error and "line 5" in answers[3].error
    assert list(answers[0].row()) == list(ANSWER_COLUMNS)
    assert answers[1].row()["label_code"] == "" and answers[1].row()["error"]


def test_metrics() -> None:
    assert evidence_hit("pain was lower with zorbafen", ["Pain was lower with zorbafen (p<0.01)"])
    assert not evidence_hit("pain was lower with zorbafen than placebo in all groups overall",
                            ["zorbafen"])
    scores = class_scores([1, 0, 0, -1], [1, 0, 1, -1])
    assert [round(s.f1, 3) for s in scores] == [1.0, 0.667, 0.667]
    assert macro_f1([0, 0, 0], [0, 1, -1]) == pytest.approx((0 + 0.5 + 0) / 3)
    anns = [Annotation("1", "2", c, "t", 0, 1, True) for c in (1, 0, 0)]
    assert majority_label(anns) == 0 and majority_label(anns[:2]) == 1


def test_cli_infer_one_article_prints_json(tmp_path: Path) -> None:
    import json

    path = tmp_path / "PMC424242.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    code, out, _ = run_cli("infer", str(path), "--outcome", "Walking distance",
                        "--intervention", "zorbafen", "--comparator", "placebo")
    assert code == 0
    answer = json.loads(out)
    assert answer["label_code"] == 0 and answer["label"] == "no significant difference"
    assert answer["evidence"]["text"].startswith("Walking distance")
    written = tmp_path / "answer.json"
    code, out, _ = run_cli("infer", str(path), "--outcome", "Nausea", "--intervention",
                        "zorbafen", "--comparator", "placebo", "-o", str(written))
    assert code == 0 and out == "" and json.loads(written.read_text())["label_code"] == 1


def test_cli_infer_prompts_writes_a_row_per_prompt(tmp_path: Path) -> None:
    (tmp_path / "PMC424242.txt").write_text(ARTICLE, encoding="utf-8")
    prompts = tmp_path / "prompts.csv"
    _write_prompts(prompts, [["1", "424242", "Nausea", "zorbafen", "placebo"],
                             ["2", "31337", "Nausea", "zorbafen", "placebo"]])
    out = tmp_path / "answers.csv"
    code, _, err = run_cli("infer", "--prompts", str(prompts), "--articles", str(tmp_path),
                        "-o", str(out))
    assert code == 1  # one prompt had no article: reported, the other answered
    assert err.strip().splitlines() == [
        f"error: prompt 2: no article PMC31337 in {tmp_path} (looked for .nxml, .xml, .html, "
        ".htm, .txt, .pdf)"]
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["PromptID"] for r in rows] == ["1", "2"]
    assert rows[0]["label_code"] == "1" and rows[0]["error"] == ""
    assert ARTICLE.find(rows[0]["evidence"][:40]) >= 0
    assert rows[1]["label_code"] == "" and "PMC31337" in rows[1]["error"]


@pytest.mark.parametrize("args", [
    ["infer"],
    ["infer", "x.txt", "--outcome", "pain"],
    ["infer", "--prompts", "{p}"],
    ["infer", "x.txt", "--prompts", "{p}", "--articles", "{d}"],
])
def test_cli_infer_usage_errors_are_one_line(tmp_path: Path, args: list[str]) -> None:
    prompts = tmp_path / "p.csv"
    _write_prompts(prompts, [])
    code, _, err = run_cli(*(a.format(p=prompts, d=tmp_path) for a in args))
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")


def test_end_to_end_on_validation_articles(tmp_path: Path) -> None:
    """A few Evidence Inference validation articles, answered as users run it: every
    prompt gets a label and an evidence sentence of its article, and a good share of the evidence
    sentences overlap an annotator's span (the benchmark measures the whole split)."""
    from extractor.formats.evidence_inference import read_annotations

    root = shared_path("corpora", "evidence_inference_v2")
    annotations = read_annotations(root / "annotations_validation.csv")
    with open(root / "prompts_validation.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["PromptID"] in annotations]
    articles = list(dict.fromkeys(r["PMCID"] for r in rows))[:4]
    chosen = [r for r in rows if r["PMCID"] in articles]
    prompts = tmp_path / "prompts.csv"
    _write_prompts(prompts, [[r[c] for c in ("PromptID", "PMCID", "Outcome", "Intervention",
                                             "Comparator")] for r in chosen])
    answers = list(answer_prompts(prompts, root / "txt"))
    assert len(answers) == len(chosen) >= 4
    hits = 0
    for answer in answers:
        assert answer.inference is not None, answer.error
        inf = answer.inference
        text = (root / "txt" / f"PMC{annotations[answer.prompt_id][0].pmcid}.txt").read_text(
            encoding="utf-8")
        assert " ".join(inf.evidence.text.split()) in " ".join(text.split())
        hits += evidence_hit(inf.evidence.text, [a.text for a in annotations[answer.prompt_id]])
    assert hits * 3 >= len(answers)


def test_prompt_answers_give_offsets_into_the_article_file(tmp_path: Path) -> None:
    """The text parser reflows a wrapped line; the CSV's evidence offsets still slice the
    evidence out of the file (as the corpus's offsets do), the API's index Document.text."""
    (tmp_path / "PMC424242.txt").write_text(ARTICLE, encoding="utf-8")
    prompts = tmp_path / "prompts.csv"
    _write_prompts(prompts, [["1", "424242", "Nausea", "zorbafen", "placebo"]])
    answer = next(answer_prompts(prompts, tmp_path))
    inf = answer.inference
    assert inf is not None and "\n" in ARTICLE[inf.source_start:inf.source_end]
    assert ARTICLE[inf.source_start:inf.source_end].split() == inf.evidence.text.split()
    row = answer.row()
    assert (int(row["evidence_start"]), int(row["evidence_end"])) == (
        inf.source_start, inf.source_end)
    assert inf.evidence.start != inf.source_start  # the reflowed text is shorter before it
