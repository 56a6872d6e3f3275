"""Names mined from training gold (extractor/nlp/lexicon_sources.py ``count_gold_names``,
``select_mined``; models/lexicon/mined.tsv.gz), the tokenizer's splits of glued names, and
abbreviations defined after a long form inside a longer entity. Texts are invented."""

from __future__ import annotations

import re

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.language import Language

import extractor
from extractor.formats import GoldDocument, GoldEntity
from extractor.nlp import lexicon_sources as src
from extractor.nlp.kb import CONDITION, DRUG, load_lexicon, number_variant
from extractor.nlp.tokenizer import build_tokenizer


@pytest.fixture(scope="module")
def tokenizer() -> Language:
    return build_tokenizer(spacy.blank("en"))


def gold(text: str, *spans: tuple[str, str], doc_id: str = "1") -> GoldDocument:
    """A document with every occurrence of each (name, label) annotated (case-sensitively;
    only the first occurrence when the name starts with "!")."""
    entities: list[GoldEntity] = []
    for name, label in spans:
        only_first = name.startswith("!")
        name = name.lstrip("!")
        for k, m in enumerate(re.finditer(rf"\b{re.escape(name)}\b", text)):
            if only_first and k:
                break
            entities.append(GoldEntity(f"T{len(entities)}", label, ((m.start(), m.end()),),
                                       name, ids=("D000001",)))
    return GoldDocument(doc_id, text, entities)


def counts_of(tokenizer: Language, sources: list[src.GoldSource]
              ) -> dict[tuple[str, str], tuple[int, int]]:
    return {(label, " ".join(toks)): (c.annotated, c.seen)
            for (label, toks), c in src.count_gold_names(sources, tokenizer).items()}


def test_names_are_counted_where_annotated_and_where_not(tokenizer) -> None:
    docs = [gold("Zorbitol raised sodium. Sodium fell; zorbitol too.", ("zorbitol", "Chemical"),
                 ("Zorbitol", "Chemical"), ("!sodium", "Chemical")),
            gold("Serum sodium was normal.", doc_id="2")]
    counts = counts_of(tokenizer, [src.GoldSource(docs, {"Chemical": DRUG})])
    assert counts[(DRUG, "zorbitol")] == (2, 2)  # case-insensitive: one name
    assert counts[(DRUG, "sodium")] == (1, 3)


def test_a_corpus_is_evidence_only_for_the_labels_it_annotates(tokenizer) -> None:
    chemicals = src.GoldSource([gold("Zorbitol was given.", ("Zorbitol", "Chemical"))],
                               {"Chemical": DRUG})
    diseases_only = src.GoldSource([gold("Zorbitol and gout.", ("gout", "Disease"))],
                                   {"Disease": CONDITION})
    counts = counts_of(tokenizer, [chemicals, diseases_only])
    assert counts[(DRUG, "zorbitol")] == (1, 1)
    assert counts[(CONDITION, "gout")] == (1, 1)


def test_occurrences_inside_a_longer_gold_name_do_not_count(tokenizer) -> None:
    doc = gold("Hepatitis B recurred, then hepatitis.", ("Hepatitis B", "Disease"),
               ("hepatitis", "Disease"))
    counts = counts_of(tokenizer, [src.GoldSource([doc], {"Disease": CONDITION})])
    assert counts[(CONDITION, "hepatitis")] == (1, 1)
    assert counts[(CONDITION, "hepatitis b")] == (1, 1)


def test_acronyms_keep_their_case(tokenizer) -> None:
    doc = gold("PAN was given; the pan was empty.", ("PAN", "Chemical"))
    counts = counts_of(tokenizer, [src.GoldSource([doc], {"Chemical": DRUG})])
    assert counts[(DRUG, "PAN")] == (1, 1)


def count(annotated: int, seen: int, form: str = "zorbitol") -> src.NameCount:
    entry = src.NameCount(annotated, seen)
    entry.forms[form] += annotated
    return entry


def test_selection_keeps_names_annotated_in_most_occurrences() -> None:
    counts: dict[src.NameKey, src.NameCount] = {
        (DRUG, ("zorbitol",)): count(3, 4), (DRUG, ("sodium",)): count(1, 2, "sodium"),
        (CONDITION, ("gout",)): count(1, 1, "gout")}
    assert src.select_mined(counts, 1, 0.5) == [src.MinedRow("gout", CONDITION, ""),
                                               src.MinedRow("zorbitol", DRUG, "")]
    assert [r.name for r in src.select_mined(counts, 2, 0.5)] == ["zorbitol"]


def test_a_name_mined_with_two_labels_keeps_the_more_annotated() -> None:
    counts: dict[src.NameKey, src.NameCount] = {
        (DRUG, ("zorbitol",)): count(2, 3), (CONDITION, ("zorbitol",)): count(1, 1)}
    assert src.select_mined(counts, 1, 0.5) == [src.MinedRow("zorbitol", DRUG, "")]


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=8),
       st.integers(1, 5), st.floats(0, 1))
def test_selection_obeys_its_thresholds(pairs: list[tuple[int, int]], min_seen: int,
                                        share: float) -> None:
    counts: dict[src.NameKey, src.NameCount] = {
        (DRUG, (f"name{k}",)): count(min(a, s), s, f"name{k}")
              for k, (a, s) in enumerate(pairs)}
    kept = {r.name for r in src.select_mined(counts, min_seen, share)}
    for (_, (name,)), c in counts.items():
        assert (name in kept) == (c.seen >= min_seen and c.annotated > share * c.seen)


def test_shipped_mined_names_reach_the_lexicon() -> None:
    rows = src.load_mined_rows()
    assert len(rows) > 1000 and {r.label for r in rows} == {DRUG, CONDITION}
    lex = load_lexicon()
    # chemicals the drug dictionary lacks; a condition no lexicon had
    for name, label in [("caffeine", DRUG), ("nicotine", DRUG), ("cardiotoxicity", CONDITION)]:
        concept = lex.lookup(name)
        assert concept is not None and concept.label == label, name
    # an analyte BC5CDR marks as a chemical is not mined as a drug (build.py is_drug_like)
    assert lex.lookup("creatinine") is None
    # a name the package lexicons hold keeps their concept
    haloperidol = lex.lookup("haloperidol")
    assert haloperidol is not None and haloperidol.source == "lexicon:drug"


@pytest.mark.parametrize(("text", "tokens"), [
    ("ergotamine/caffeine", ["ergotamine", "/", "caffeine"]),
    ("BZDs/RDs", ["BZDs", "/", "RDs"]),
    ("he/she and/or", ["he/she", "and/or"]),
    ("paclitaxel-eluting", ["paclitaxel", "-", "eluting"]),
    ("disulfiram-like", ["disulfiram", "-", "like"]),
])
def test_glued_names_are_split(tokenizer, text: str, tokens: list[str]) -> None:
    assert [t.text for t in tokenizer(text)] == tokens


def test_both_drugs_of_a_slashed_pair_are_found() -> None:
    found = [(m.text, m.label) for m in extractor.extract(
        "She took ergotamine/caffeine daily.").mentions]
    assert ("ergotamine", DRUG) in found and ("caffeine", DRUG) in found


def test_an_abbreviation_defined_after_a_qualified_long_form_takes_its_entity() -> None:
    text = ("Boys with X-linked adrenoleukodystrophy (ALD) were followed. "
            "ALD progressed in two.")
    got = [(m.text, m.label) for m in extractor.extract(text).mentions if m.text == "ALD"]
    assert got == [("ALD", CONDITION)] * 2


@given(st.from_regex(r"[a-z]{2,8} (?:gliomas?|tumors?|malignanc(?:y|ies)|abnormalit(?:y|ies)"
                     r"|seizures?)", fullmatch=True))
def test_number_variants_go_both_ways(name: str) -> None:
    variant = number_variant(name)
    assert variant is not None and variant != name
    assert number_variant(variant) == name


def test_conditions_match_in_the_other_number_and_other_words_do_not() -> None:
    lex = load_lexicon()
    for name in ("gliomas", "arteriovenous malformations", "medulloblastomas"):
        concept = lex.lookup(name)
        assert concept is not None and concept.label == CONDITION, name
    assert number_variant("hepatic") is None
    assert lex.lookup("gliomas") is lex.lookup("glioma")


def test_a_lexicon_name_whose_occurrences_hold_a_shorter_gold_name_is_shadowed(
        tokenizer) -> None:
    docs = [gold(f"Acute hepatitis {k} was seen; acute gout too.", ("hepatitis", "Disease"),
                 ("acute gout", "Disease"), doc_id=str(k)) for k in range(3)]
    names = [("acute hepatitis", CONDITION), ("acute gout", CONDITION)]
    counts = src.count_gold_names([src.GoldSource(docs, {"Disease": CONDITION})], tokenizer,
                                  names)
    assert counts[src.name_key(tokenizer, "acute hepatitis", CONDITION)].inside == 3
    assert src.select_shadowed(counts, tokenizer, names, 2, 0.5) == [
        ("acute hepatitis", CONDITION)]


def test_shipped_shadowed_names_are_dropped_with_a_reason() -> None:
    lex = load_lexicon()
    shadowed = src.load_shadowed()
    assert ("cocaine use", CONDITION) in shadowed
    assert lex.lookup("cocaine use") is None
    cocaine = lex.lookup("cocaine")
    assert cocaine is not None and cocaine.label == DRUG
    assert any(name == "cocaine use" and "shorter name" in why
               for name, _label, why in lex.dropped)


def test_passages_are_not_mined_as_names() -> None:
    long = ("severe", "rash", "and", "fever", "that", "resolved", "slowly")
    counts: dict[src.NameKey, src.NameCount] = {
        (CONDITION, long): count(2, 2, " ".join(long)),
        (CONDITION, ("rash", ",", "fever")): count(2, 2, "rash, fever")}
    assert src.select_mined(counts, 1, 0.5) == []
