"""The seeds' hand-written gold (corpus/gold) parses and agrees with the seed texts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extractor.formats import LABELS, GoldDocument, read_brat
from extractor.formats.gold import RELATION_HEADS
from tests.conftest import REPO, shared_path

GOLD = REPO / "corpus" / "gold"
INDEX = json.loads((GOLD / "texts.json").read_text(encoding="utf-8"))


def _load(name: str) -> GoldDocument:
    text = shared_path(Path(INDEX[name]["path"]).relative_to("../../../shared").as_posix())
    assert hashlib.sha256(text.read_bytes()).hexdigest() == INDEX[name]["sha256"]
    doc = read_brat(GOLD / f"{name}.ann")  # the text texts.json names; raises on a mismatch
    assert doc.text == text.read_text(encoding="utf-8")
    return doc


@pytest.fixture(scope="module")
def seeds() -> dict[str, GoldDocument]:
    return {name: _load(name) for name in INDEX}


def test_every_seed_has_gold() -> None:
    assert sorted(INDEX) == sorted(p.stem for p in GOLD.glob("*.ann"))
    assert not list(GOLD.glob("*.txt")), "seed texts must stay in ../shared"


def test_spans_match_text_lie_in_regions_and_do_not_overlap(
        seeds: dict[str, GoldDocument]) -> None:
    for name, doc in seeds.items():
        assert doc.check() == []
        regions = INDEX[name]["regions"]
        ents = sorted(doc.entities, key=lambda e: e.start)
        for ent in ents:
            assert ent.label in LABELS
            assert doc.text[ent.start:ent.end] == ent.text
            assert ent.text == ent.text.strip() and ent.text
            assert any(a <= ent.start and ent.end <= b for a, b in regions), ent
        for a, b in zip(ents, ents[1:], strict=False):
            assert a.end <= b.start, (a, b)


def test_relations_connect_the_right_labels(seeds: dict[str, GoldDocument]) -> None:
    for doc in seeds.values():
        labels = {e.id: e.label for e in doc.entities}
        for rel in doc.relations:
            assert labels[rel.head] == RELATION_HEADS[rel.type], rel
            assert labels[rel.tail] == "DRUG", rel
        attrs = {k for e in doc.entities for k in e.attributes}
        assert attrs <= {"Negated", "Uncertain", "Historical"}


def _texts(doc: GoldDocument, label: str, **attr: bool) -> set[str]:
    return {e.text.lower() for e in doc.entities if e.label == label
            and all(bool(e.attributes.get(k, False)) == v for k, v in attr.items())}


def test_seed_004_behaviour_the_issue_names(seeds: dict[str, GoldDocument]) -> None:
    doc = seeds["004_874d326f4a28e356"]
    negated = _texts(doc, "ADVERSE_EVENT", Negated=True)
    assert negated == {"venous thromboembolism", "pulmonary embolism",
                       "major adverse cardiovascular events", "neoplasms",
                       "serious infections", "non-melanoma skin cancers"}
    observed = _texts(doc, "ADVERSE_EVENT", Negated=False)
    for term in ("lymphopenia", "transaminitis", "neutropenia", "nausea", "arthralgia",
                 "gout", "oral herpes"):
        assert term in observed
    # every dose is linked to a drug
    dose_ids = {e.id for e in doc.entities if e.label == "DOSE"}
    linked = {r.head for r in doc.relations if r.type == "dose_of"}
    assert dose_ids == linked
    # "ruxolitinib 20mg twice daily": dose and frequency both to ruxolitinib
    by_id = {e.id: e for e in doc.entities}
    pairs = {(r.type, by_id[r.head].text, by_id[r.tail].text) for r in doc.relations}
    assert ("frequency_of", "twice daily", "ruxolitinib") in pairs
    assert ("adverse_event_of", "Nausea", "dupilumab") in pairs
    assert {"neutropenia"} == _texts(doc, "CONDITION", Historical=True)


def test_seed_000_outcomes(seeds: dict[str, GoldDocument]) -> None:
    doc = seeds["000_dfa2d53c89d0a9d2"]
    outcomes = _texts(doc, "OUTCOME")
    assert {"easi 50", "easi 75", "easi 90", "100%", "87.5%", "37.5%", "pp-nrs",
            "8.00", "1.00"} <= outcomes
    linked = {doc.entity(r.head).text for r in doc.relations if r.type == "outcome_of"}
    assert {"EASI 50", "EASI 75", "EASI 90", "pp-NRS"} <= linked


def test_gold_texts_are_not_in_the_repo() -> None:
    # The .ann text column holds short spans only; no line of a seed is copied anywhere here.
    seed_dir = Path(shared_path("seeds"))
    lines = [ln.strip() for p in seed_dir.glob("*.txt")
             for ln in p.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 80]
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in GOLD.iterdir() if p.is_file())
    assert not [ln for ln in lines if ln in corpus]


# --- metrics (extractor/evaluate/mentions.py) on tiny hand-made cases ---------------------

def test_exact_and_overlap_counts() -> None:
    from extractor.evaluate.mentions import Mention, evaluate_mentions

    gold = {"d": [Mention("DRUG", 0, 8), Mention("DOSE", 9, 13), Mention("ADVERSE_EVENT", 30, 36,
                                                                          negated=True)]}
    pred = {"d": [Mention("DRUG", 0, 8),            # exact
                  Mention("DOSE", 9, 18),           # overlap only
                  Mention("ADVERSE_EVENT", 30, 36),  # exact, negation missed
                  Mention("DRUG", 40, 45)]}         # spurious
    r = evaluate_mentions(gold, pred)
    assert (r.exact["DRUG"].tp, r.exact["DRUG"].n_pred, r.exact["DRUG"].n_gold) == (1, 2, 1)
    assert r.exact["DOSE"].tp == 0 and r.overlap["DOSE"].tp == 1
    micro_e, micro_o = r.micro("exact"), r.micro("overlap")
    assert (micro_e.tp, micro_e.n_pred, micro_e.n_gold) == (2, 4, 3)
    assert micro_e.precision == 0.5 and abs(micro_e.recall - 2 / 3) < 1e-9
    assert abs(micro_e.f1 - 4 / 7) < 1e-9
    assert (micro_o.tp, micro_o.precision, micro_o.recall) == (3, 0.75, 1.0)
    assert r.negation_pairs == 3 and abs(r.negation_accuracy - 2 / 3) < 1e-9  # type: ignore[operator]
    assert (r.negated_gold_matched, r.negated_gold_found) == (1, 0)


def test_overlap_is_one_to_one_and_label_sensitive() -> None:
    from extractor.evaluate.mentions import Mention, evaluate_mentions

    # one long prediction over two gold mentions matches only one of them
    gold = {"d": [Mention("ADVERSE_EVENT", 0, 5), Mention("ADVERSE_EVENT", 10, 20)]}
    pred = {"d": [Mention("ADVERSE_EVENT", 0, 20), Mention("CONDITION", 0, 5)]}
    r = evaluate_mentions(gold, pred)
    o = r.overlap["ADVERSE_EVENT"]
    assert (o.tp, o.n_pred, o.n_gold) == (1, 1, 2)
    assert r.overlap["CONDITION"].tp == 0 and r.overlap["CONDITION"].n_gold == 0
    # touching spans share no character
    r2 = evaluate_mentions({"d": [Mention("DRUG", 0, 5)]}, {"d": [Mention("DRUG", 5, 9)]})
    assert r2.overlap["DRUG"].tp == 0


def test_label_filter_and_missing_documents() -> None:
    from extractor.evaluate.mentions import Counts, Mention, evaluate_mentions, format_report

    gold = {"a": [Mention("DRUG", 0, 4)], "b": [Mention("DOSE", 0, 3)]}
    pred = {"a": [Mention("DRUG", 0, 4), Mention("OUTCOME", 6, 9)]}  # nothing for "b"
    r = evaluate_mentions(gold, pred, labels=["DRUG", "DOSE"])
    assert r.labels == ["DOSE", "DRUG"]
    assert r.exact["DOSE"].recall == 0.0 and r.exact["DRUG"].f1 == 1.0
    assert Counts().f1 == 0.0 and Counts().precision == 0.0
    table = format_report(r, "t")
    assert "micro" in table and "OUTCOME" not in table
