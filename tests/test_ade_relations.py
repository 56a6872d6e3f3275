"""The ADE sentence classifier (extractor/nlp/ade_sentence.py), its training helpers
(extractor/train/ade_sentence.py) and the pair scorer of benchmarks/ade_relations.py, on
invented sentences."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy
import pytest
from scipy.sparse import csr_matrix
from spacy.language import Language

from extractor.formats import GoldDocument, GoldEntity, GoldRelation
from extractor.nlp.ade_sentence import (
    ADE_SENTENCES,
    FACTORY,
    AdeSentenceModel,
    sentence_features,
)
from extractor.nlp.relations import relations_component
from extractor.train.ade_sentence import fit, select
from tests.conftest import partial_nlp

REPO = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("ade_benchmark",
                                               REPO / "benchmarks" / "ade_relations.py")
assert _SPEC is not None and _SPEC.loader is not None
bench = importlib.util.module_from_spec(_SPEC)
sys.modules["ade_benchmark"] = bench
_SPEC.loader.exec_module(bench)

ADE_TEXT = "She developed severe hepatitis two weeks after starting nevirapine."
NEUTRAL_TEXT = "The median age of the cohort was 54 years and most were women."


@pytest.fixture(scope="module")
def model() -> AdeSentenceModel:
    return AdeSentenceModel.from_disk()  # the model shipped in the package


@pytest.fixture(scope="module")
def nlp() -> Language:
    return partial_nlp("extractor_sentences", FACTORY)


def test_features_do_not_depend_on_which_drug_or_effect_is_named() -> None:
    a = "Rash appeared after lamotrigine."
    b = "Hepatitis appeared after nevirapine."
    ents_a = [(0, 4, "ADVERSE_EVENT", False), (a.index("lamo"), len(a) - 1, "DRUG", False)]
    ents_b = [(0, 9, "ADVERSE_EVENT", False), (b.index("nevi"), len(b) - 1, "DRUG", False)]
    assert sentence_features(a, ents_a, 18) == sentence_features(b, ents_b, 18)
    # but the negation of an effect and the words around it do
    negated = [(0, 4, "ADVERSE_EVENT", True), ents_a[1]]
    assert sentence_features(a, negated, 18) != sentence_features(a, ents_a, 18)
    assert all(0 <= f < 1 << 18 for f in sentence_features(a, ents_a, 18))


def test_shipped_model_is_small_and_consistent(model: AdeSentenceModel) -> None:
    assert model.weights.shape == (1 << model.bits,)
    assert model.weights.nbytes < 4_000_000
    assert 0.0 < model.threshold < 1.0
    assert "ADE-Corpus-V2" in str(model.info["trained_on"])


def test_model_round_trip(tmp_path: Path, model: AdeSentenceModel) -> None:
    model.to_disk(tmp_path / "m")
    again = AdeSentenceModel.from_disk(tmp_path / "m")
    feats = sentence_features(ADE_TEXT, [], model.bits)
    assert again.probability(feats) == pytest.approx(model.probability(feats))
    assert again.threshold == model.threshold and again.info == model.info


def test_component_flags_the_sentence_that_reports_an_effect(nlp: Language,
                                                             model: AdeSentenceModel) -> None:
    doc = nlp.make_doc(f"{ADE_TEXT} {NEUTRAL_TEXT}")
    start = doc.text.index("hepatitis")
    drug = doc.text.index("nevirapine")
    spans = [doc.char_span(start, start + len("hepatitis"), "ADVERSE_EVENT"),
             doc.char_span(drug, drug + len("nevirapine"), "DRUG")]
    doc.ents = [s for s in spans if s is not None]
    assert len(doc.ents) == 2
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    flagged = [s.text for s in doc.spans[ADE_SENTENCES]]
    assert flagged == [ADE_TEXT]
    # and the relations read the verdict: the effect goes to the drug given
    doc = relations_component(doc)
    assert [(r, h.text, t.text) for r, h, t in doc._.relations] == [
        ("adverse_event_of", "hepatitis", "nevirapine")]


def test_fit_is_deterministic_and_select_picks_the_best_threshold() -> None:
    rng = numpy.random.default_rng(0)
    y = rng.random(200) < 0.3
    dense = rng.random((200, 64)) < 0.1
    dense[:, 0] = y  # one feature tells the class
    x = csr_matrix(dense.astype(float))
    w1, b1 = fit(x, y, 1.0)
    w2, b2 = fit(x, y, 1.0)
    assert numpy.array_equal(w1, w2) and b1 == b2
    assert w1[0] == w1.max()
    held = numpy.arange(200) % 4 == 0
    c, threshold, f1 = select(x, y, held)
    assert f1 == 1.0 and 0.2 <= threshold <= 0.7


def _gold(text: str, ae: str, drug: str) -> GoldDocument:
    a, d = text.index(ae), text.index(drug)
    return GoldDocument("1_1", text, [
        GoldEntity("T1", "ADVERSE_EVENT", ((a, a + len(ae)),), ae),
        GoldEntity("T2", "DRUG", ((d, d + len(drug)),), drug),
    ], [GoldRelation("R1", "adverse_event_of", "T1", "T2")])


def test_benchmark_pairs_exact_and_overlapping() -> None:
    doc = _gold("Severe rash after lamotrigine.", "rash", "lamotrigine")
    gold = bench.gold_pairs(doc)
    assert gold == {((7, 11), (18, 29))}
    assert bench.overlap_matches({((0, 11), (18, 29))}, gold) == 1  # "Severe rash"
    assert bench.overlap_matches({((0, 6), (18, 29))}, gold) == 0  # "Severe" only
    # one-to-one: two predictions over one gold pair match once
    assert bench.overlap_matches({((0, 11), (18, 29)), ((7, 11), (18, 29))}, gold) == 1
