"""Gold readers: brat (round trip, discontinuous spans, attributes, malformed lines), ADE, PHEE."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import ExtractorError
from extractor.formats import (
    GoldDocument,
    LabelMap,
    apply_label_map,
    parse_ann,
    read_ade,
    read_brat,
    read_phee,
    to_ann,
)
from extractor.formats.gold import label_counts
from tests.conftest import shared_path

# Invented text: a patient, real drug names.
TEXT = "Ms Q took warfarin 5 mg daily and later had no bleeding but mild nausea."
ANN = (
    "T1\tDrug 10 18\twarfarin\n"
    "T2\tDosage 19 23\t5 mg\n"
    "T3\tEffect 47 55\tbleeding\n"
    "T4\tEffect 65 71\tnausea\n"
    "T5\tDosage 19 20;24 29\t5 daily\n"
    "A1\tNegated T3\n"
    "A2\tSeverity T4 Low\n"
    "R1\tdose_of Arg1:T2 Arg2:T1\n"
    "R2\tadverse_event_of Arg1:T4 Arg2:T1\n"
    "#1\tAnnotatorNotes T4\tmild only\n"
    "E1\tAdverse_event:T4\n"
)


def test_brat_reads_entities_attributes_relations() -> None:
    doc = parse_ann(ANN, TEXT, doc_id="x")
    assert [e.id for e in doc.entities] == ["T1", "T2", "T3", "T4", "T5"]
    bleeding = doc.entity("T3")
    assert bleeding.negated and not doc.entity("T4").negated
    assert doc.entity("T4").attributes["Severity"] == "Low"
    assert doc.entity("T4").notes == ("mild only",)
    disc = doc.entity("T5")
    assert disc.spans == ((19, 20), (24, 29)) and (disc.start, disc.end) == (19, 29)
    assert doc.span_text(disc) == "5 daily"
    assert [(r.type, r.head, r.tail) for r in doc.relations] == [
        ("dose_of", "T2", "T1"), ("adverse_event_of", "T4", "T1")]
    assert doc.check() == []


def test_brat_round_trip(tmp_path: Path) -> None:
    doc = parse_ann(ANN, TEXT)
    again = parse_ann(to_ann(doc), TEXT)
    assert again.entities == doc.entities
    assert again.relations == doc.relations
    (tmp_path / "a.ann").write_text(to_ann(doc), encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert read_brat(tmp_path / "a.ann").entities == doc.entities


def test_brat_offsets_count_crlf_characters(tmp_path: Path) -> None:
    text = "line one\r\nwarfarin"
    (tmp_path / "b.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "b.ann").write_text("T1\tDrug 10 18\twarfarin\n", encoding="utf-8")
    assert read_brat(tmp_path / "b.ann").entities[0].text == "warfarin"


@pytest.mark.parametrize("bad, reason", [
    ("T1\tDrug 10 18", "3 tab-separated"),
    ("T1\tDrug ten 18\twarfarin", "bad offsets"),
    ("T2\tDrug 11 19\twarfarin", "does not match"),
    ("T1\tDrug 0 2\tMs", "duplicate id"),
    ("A1\tNegated T9", "unknown entity"),
    ("R1\tdose_of Arg1:T1", "relation line"),
    ("R1\tdose_of Arg1:T1 Arg2:T7", "unknown entity"),
    ("X1\tsomething", "unknown annotation kind"),
])
def test_malformed_brat_lines_name_file_and_line(bad: str, reason: str) -> None:
    ann = "T1\tDrug 10 18\twarfarin\n\n" + bad + "\n"
    with pytest.raises(ExtractorError) as err:
        parse_ann(ann, TEXT, where="case.ann")
    assert "case.ann:3:" in str(err.value) and reason in str(err.value)
    assert err.value.code == "malformed"


def test_label_map_drops_unmapped_entities_and_their_relations() -> None:
    doc = parse_ann(ANN, TEXT)
    lm = LabelMap({"Drug": "DRUG", "Effect": "ADVERSE_EVENT"}, attributes={"Severity": "Sev"})
    mapped = apply_label_map(doc, lm)
    assert label_counts([mapped]) == {"DRUG": 1, "ADVERSE_EVENT": 2}
    assert [r.type for r in mapped.relations] == ["adverse_event_of"]
    assert mapped.entity("T4").attributes == {"Sev": "Low"}


def test_phee_brat_files_read_with_their_quirks() -> None:
    folder = shared_path("corpora", "phee", "v1", "brat", "dev")
    anns = sorted(folder.glob("*.ann"))[:200]
    quirk = folder / "19047493_2.ann"
    if quirk.exists():
        anns.append(quirk)  # the file with a stray trailing tab
    lm = LabelMap.load("brat_phee")
    n = 0
    for ann in anns:
        doc = apply_label_map(read_brat(ann), lm)
        assert doc.check() == []
        n += len(doc.entities)
    assert n > 200


def _check_offsets(docs: list[GoldDocument]) -> None:
    for doc in docs:
        assert doc.check() == []
        for ent in doc.entities:
            assert doc.text[ent.start:ent.end] == ent.text or len(ent.spans) > 1


def test_ade_reader_matches_published_counts() -> None:
    folder = shared_path("corpora", "ade_corpus_v2")
    docs = read_ade(folder)
    _check_offsets(docs)
    # corpora/ade_corpus_v2/README.md, developer-visible row: 3,439 ADE sentences, 4,625
    # distinct AE spans, 191 distinct dose spans, 4,076 distinct drug spans, 5,453 + 230 rows.
    assert len(docs) == 3439
    assert label_counts(docs) == {"ADVERSE_EVENT": 4625, "DOSE": 191, "DRUG": 4076}
    assert sum(len(d.relations) for d in docs) == 5453 + 230
    types = {r.type for d in docs for r in d.relations}
    assert types == {"adverse_event_of", "dose_of"}
    # sentence offset + span start gives back the corpus's document-level offset
    raw = (folder / "DRUG-AE.rel").read_text(encoding="utf-8").splitlines()[0].split("|")
    first = docs[0]
    drug = next(e for e in first.entities if e.label == "DRUG")
    assert int(first.meta["doc_offset"]) + drug.start == int(raw[6])  # type: ignore[call-overload]


def test_ade_negative_sentences_are_empty_documents() -> None:
    docs = read_ade(shared_path("corpora", "ade_corpus_v2"), include_negative=True)
    negatives = [d for d in docs if d.meta.get("negative")]
    assert 13_000 < len(negatives) <= 13_401  # 13,401 lines, a few exact duplicates
    assert all(not d.entities for d in negatives)


def test_phee_dev_reader_offsets_and_counts() -> None:
    path = shared_path("corpora", "phee", "v1", "json", "dev.json")
    raw = read_phee(path, label_map=None)
    assert len(raw) == 748  # README: official dev, developer-visible part
    _check_offsets(raw)
    docs = read_phee(path)
    _check_offsets(docs)
    counts = label_counts(docs)
    assert set(counts) == {"DRUG", "DOSE", "ROUTE", "FREQUENCY", "DURATION", "ADVERSE_EVENT"}
    # Dev is about a fifth of the 3,850 visible sentences; its argument counts are of that
    # order next to the README's totals (Drug 4,797, Dosage 380, Route 514, Freq 85).
    assert 600 < counts["DRUG"] < 1400 and 40 < counts["DOSE"] < 120
    assert 50 < counts["ROUTE"] < 160 and 5 < counts["FREQUENCY"] < 40
    rels = [r for d in docs for r in d.relations]
    assert {r.type for r in rels} >= {"dose_of", "route_of", "adverse_event_of"}
    for d in docs:
        labels = {e.id: e.label for e in d.entities}
        assert all(labels[r.tail] == "DRUG" for r in d.relations)
    negated = [e for d in docs for e in d.entities if e.negated]
    assert negated and all(e.label == "ADVERSE_EVENT" for e in negated)


def test_phee_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"id": "1_1", "context": "x", "annotations": []}\n{"id": 2}\n')
    with pytest.raises(ExtractorError, match=r"bad.json:2:"):
        read_phee(path)
