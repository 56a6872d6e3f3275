"""The fast paths of the pipeline give what the slow ones they replace give.

* extractor/nlp/abbreviations.py against scispacy's own AbbreviationDetector;
* the needle pre-checks of units.scan against the plain search;
* extensions.doc_text against Doc.text.

All texts are invented.
"""

from __future__ import annotations

import re
import warnings

import pytest
import spacy
from scispacy.abbreviation import AbbreviationDetector
from spacy.attrs import ORTH
from spacy.matcher import Matcher

from extractor.nlp import units
from extractor.nlp.abbreviations import FastAbbreviationDetector, paren_matches
from extractor.nlp.extensions import doc_text
from tests.conftest import partial_nlp

TEXTS = [
    "Patients with atopic dermatitis (AD) received dupilumab. AD improved in 12 of 16 "
    "(75%) patients; the Eczema Area and Severity Index (EASI) fell. EASI-75 was reached.",
    "Janus kinase (JAK) inhibitors ( such as baricitinib (BARI) ) and JAK1 ( a ( b ) c ) "
    "were given; JAK and BARI doses were 4 mg. ( unclosed ( paren ) here ) ) )",
    "( ( ( ( ( ( ( ( ( ( x ) ) ) ) ) ) ) ) ) ) tail (TL) TL TL (one two three four five six "
    "seven eight nine ten) end",
    "Methotrexate (MTX) 15 mg weekly (MTX) and cyclosporine (CsA) 3 mg/kg (CsA) (MTX)",
    "",
    "(AB)",
]


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return partial_nlp()


def _matcher(nlp: spacy.language.Language) -> Matcher:
    m = Matcher(nlp.vocab)
    m.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])
    return m


@pytest.mark.parametrize("text", TEXTS)
def test_paren_matches_are_the_matchers_short_ones_in_its_order(nlp, text: str) -> None:
    doc = nlp(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [(s + 1, e - 1) for _, s, e in _matcher(nlp)(doc) if (e - 1) - (s + 1) <= 8]
    orths = doc.to_array(ORTH).tolist() if len(doc) else []
    got = paren_matches(orths, nlp.vocab.strings["("], nlp.vocab.strings[")"])
    assert got == expected


@pytest.mark.parametrize("text", TEXTS)
def test_fast_detector_finds_what_scispacy_finds(nlp, text: str) -> None:
    def found(detector: AbbreviationDetector) -> set[tuple[int, int, int, int]]:
        doc = detector(nlp(text))
        return {(a.start, a.end, a._.long_form.start, a._.long_form.end)
                for a in doc._.abbreviations}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scispacy's empty global matcher warns
        slow = found(AbbreviationDetector(nlp))
    fast = found(FastAbbreviationDetector(nlp))
    assert fast == slow
    if "(AD)" in text:  # the detector really detects: every "AD" maps to its long form
        assert sum(1 for s, e, _, _ in fast if e - s == 1) >= 2


def test_scan_needles_skip_only_texts_that_cannot_match() -> None:
    rx = re.compile(r"every\s+(?P<n>\d+)\s+days")
    assert [m.group(0) for m in units.scan(rx, "given every 14 days", needles=("every",))] \
        == ["every 14 days"]
    assert list(units.scan(rx, "given every 14 days", needles=("weekly",))) == []
    gate = units.gate("daily|weekly\\b", 6)
    assert units.gate_needles(gate) == ("daily", "weekly")
    assert units.gate_needles(units.gate(r"\d\s*x", 4)) is None
    word = re.compile(r"once\s+weekly")
    text = "dosed once weekly; once daily"
    assert [m.start() for m in units.scan(word, text, gate=gate)] == [text.index("once")]
    assert list(units.scan(word, "nothing here", gate=gate)) == []


def test_any_keyword_finds_a_gate_or_needle(nlp) -> None:
    rx = units.any_keyword([units.gate(r"\d\s*x", 2), ("per",)])
    assert rx.search("3 x a day") and rx.search("once per week")
    assert rx.search("once a week") is None


@pytest.mark.parametrize("text", TEXTS + ["a\tb\n\nc  d  ", "  leading"])
def test_doc_text_is_doc_text(nlp, text: str) -> None:
    doc = nlp(text)
    assert doc_text(doc) == doc.text == text
    assert doc_text(doc) is doc_text(doc)  # cached


def test_the_pipeline_tokenizer_keeps_its_text(nlp) -> None:
    text = "Dupilumab 300 mg\tevery 2 weeks.\n"
    doc = nlp(text)
    assert doc.user_data  # stored by the tokenizer, so doc_text needs no rebuild
    assert doc_text(doc) == doc.text == text
    assert [t.text for t in doc] == [t.text for t in nlp.tokenizer(text)]
