"""The problem-role classifier (extractor/nlp/problem_role.py) and its training helpers
(extractor/train/problem_role.py), on invented sentences."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
from spacy.language import Language
from spacy.tokens import Doc

from extractor.formats import GoldDocument, GoldEntity, GoldRelation
from extractor.linear import HashedLinearModel, hash_features
from extractor.nlp.ade_sentence import ADE_PROBABILITIES
from extractor.nlp.context import ROLE_RULES
from extractor.nlp.problem_role import (
    AE,
    COND,
    ProblemRoleModel,
    ProblemRoles,
    ade_scorer,
    doc_problem_rows,
    masked_words,
    problem_features,
    role_rules,
)
from extractor.train.problem_role import MIN_THRESHOLD, decide, gold_roles, role_label, select
from tests.conftest import partial_nlp


@pytest.fixture(scope="module")
def model() -> ProblemRoleModel:
    return ProblemRoleModel.from_disk()  # the model shipped in the package


@pytest.fixture(scope="module")
def nlp() -> Language:
    return partial_nlp("extractor_sentences", "extractor_context", "extractor_ade_sentences_v1",
                       "extractor_problem_roles")


def _doc(nlp: Language, text: str, ents: list[tuple[str, str]]) -> Doc:
    """``text`` with the first occurrence of each entity text placed by hand, run through
    the sentences and context components (not the later ones)."""
    doc = nlp.make_doc(text)
    doc = nlp.get_pipe("extractor_sentences")(doc)
    spans = []
    for label, ent in ents:
        start = text.index(ent)
        span = doc.char_span(start, start + len(ent), label)
        assert span is not None, ent
        spans.append(span)
    doc.ents = spans
    return nlp.get_pipe("extractor_context")(doc)


def _labels(doc: Doc) -> dict[str, str]:
    return {e.text: e.label_ for e in doc.ents}


def test_features_read_wording_not_names(nlp: Language) -> None:
    a = _doc(nlp, "Rash appeared after lamotrigine.", [(COND, "Rash"), ("DRUG", "lamotrigine")])
    b = _doc(nlp, "Rash appeared after nevirapine.", [(COND, "Rash"), ("DRUG", "nevirapine")])
    words_a, where_a = masked_words(a.text, next(a.sents), list(a.ents))
    words_b, _ = masked_words(b.text, next(b.sents), list(b.ents))
    assert words_a == words_b == ["xprobx", "appeared", "after", "xdrugx", "."]
    assert where_a == [0, 3]
    feats = problem_features(words_a, 0, ["rash"], [3], 0.9, "present", None, None)
    # the words between the problem and the drug after it, and their distance
    assert {"sw=rash", "aw=appeared", "aw=after", "aseq=appeared after", "ad=2",
            "bd=none", "ade=9"} <= set(feats)


def test_rows_cover_every_problem_in_text_order(nlp: Language, model: ProblemRoleModel) -> None:
    doc = _doc(nlp, "A woman with lupus was given hydroxychloroquine. Nausea followed.",
               [(COND, "lupus"), ("DRUG", "hydroxychloroquine"), (AE, "Nausea")])
    comp = nlp.get_pipe("extractor_problem_roles")
    assert isinstance(comp, ProblemRoles)
    problems, rows = doc_problem_rows(doc, ade_scorer(comp.ade_model), model.bits)
    assert [p.text for p in problems] == ["lupus", "Nausea"]
    assert all(row == sorted(set(row)) and min(row) >= 0 and max(row) < 1 << model.bits
               for row in rows)


def test_the_ade_component_leaves_its_probabilities_for_the_roles(nlp: Language) -> None:
    doc = _doc(nlp, "Nausea followed lithium. The cohort was mostly women.",
               [(AE, "Nausea"), ("DRUG", "lithium")])
    comp = nlp.get_pipe("extractor_problem_roles")
    assert isinstance(comp, ProblemRoles)
    doc = nlp.get_pipe("extractor_ade_sentences_v1")(doc)
    stored = doc.user_data[ADE_PROBABILITIES]
    score = ade_scorer(comp.ade_model)
    sents = list(doc.sents)
    assert sorted(stored) == [s.start_char for s in sents]
    for sent in sents:
        ents = [e for e in doc.ents if sent.start <= e.start < sent.end]
        assert stored[sent.start_char] == pytest.approx(score(doc.text, sent, ents))


def test_shipped_model_is_small_and_consistent(model: ProblemRoleModel) -> None:
    assert model.linear.weights.shape == (1, 1 << model.bits)
    assert model.linear.weights.nbytes < 4_000_000
    assert 0.0 < model.low <= model.threshold < 1.0
    assert "ADE-Corpus-V2" in str(model.linear.info["trained_on"])


def test_model_round_trip(tmp_path: Path, model: ProblemRoleModel) -> None:
    model.to_disk(tmp_path / "m")
    again = ProblemRoleModel.from_disk(tmp_path / "m")
    row = hash_features(["sw=rash", "aw=after"], model.bits)
    assert again.positive([row]) == pytest.approx(model.positive([row]))
    assert (again.low, again.threshold) == (model.low, model.threshold)


def test_component_tells_an_effect_from_the_indication(nlp: Language) -> None:
    text = "Pancytopenia occurred in a woman treated with methotrexate for psoriasis."
    doc = _doc(nlp, text, [(COND, "Pancytopenia"), ("DRUG", "methotrexate"),
                           (COND, "psoriasis")])
    doc = nlp.get_pipe("extractor_ade_sentences_v1")(doc)
    doc = nlp.get_pipe("extractor_problem_roles")(doc)
    # the model makes the effect an adverse event; "for psoriasis" is the context's
    # indication rule, which the model leaves alone
    assert _labels(doc) == {"Pancytopenia": AE, "methotrexate": "DRUG", "psoriasis": COND}
    assert set(role_rules(doc).values()) == {"indication"}


def _constant(p: float) -> ProblemRoleModel:
    """A model that gives every problem probability ``p``."""
    weights = numpy.zeros((1, 1 << 4), dtype=numpy.float16)
    bias = numpy.array([numpy.log(p / (1 - p))], dtype=numpy.float32)
    return ProblemRoleModel(HashedLinearModel(weights, bias, (0, 1), 4), 0.3, 0.7)


def test_thresholds_and_the_rules_kept(nlp: Language) -> None:
    comp = nlp.get_pipe("extractor_problem_roles")
    assert isinstance(comp, ProblemRoles)
    text = "Fever and cough were seen after the first dose of ibuprofen."
    for p, expected in ((0.9, AE), (0.1, COND), (0.5, None)):
        doc = _doc(nlp, text, [(COND, "Fever"), (AE, "cough"), ("DRUG", "ibuprofen")])
        before = _labels(doc)
        # the context tied "cough" to the drug ("after the first dose of"): rule 1
        rules = role_rules(doc)
        assert rules[(doc.ents[1].start, doc.ents[1].end)] == "attribution"
        assert set(rules.values()) <= set(ROLE_RULES)
        doc = ProblemRoles(_constant(p), comp.ade_model, keep=("attribution",))(doc)
        for e in doc.ents:
            if e.label_ == "DRUG":
                continue
            if rules.get((e.start, e.end)) == "attribution" or expected is None:
                assert e.label_ == before[e.text]  # kept
            else:
                assert e.label_ == expected


def test_abstracts_and_sentences_get_their_own_threshold_and_rules(nlp: Language) -> None:
    comp = nlp.get_pipe("extractor_problem_roles")
    assert isinstance(comp, ProblemRoles)
    # p = 0.5: between low (0.3) and the full-text threshold (0.7), above the short one
    roles = ProblemRoles(_constant(0.5), comp.ade_model, keep=("attribution",),
                         short_threshold=0.4, short_keep=())
    sentence = "A patient with asthma took ibuprofen. "
    ents = [(COND, "asthma"), ("DRUG", "ibuprofen")]
    assert _labels(_doc(nlp, sentence, ents))["asthma"] == COND
    assert _labels(roles(_doc(nlp, sentence, ents)))["asthma"] == AE
    # a full text (longer than any abstract): the label stays
    assert _labels(roles(_doc(nlp, sentence * 150, ents)))["asthma"] == COND


def test_decide_mirrors_the_component() -> None:
    prob = numpy.array([0.9, 0.5, 0.5, 0.1, 0.9])
    incoming = numpy.array([False, True, False, True, False])
    decided = numpy.array([False, False, False, False, True])
    assert decide(prob, incoming, decided, 0.3, 0.7).tolist() == [True, True, False, False,
                                                                   False]


def test_gold_roles_of_each_corpus(nlp: Language) -> None:
    text = "Cisplatin caused nephrotoxicity in a man with seminoma."
    ade = GoldDocument("1_1", text, [
        GoldEntity("T1", AE, ((17, 31),), "nephrotoxicity"),
        GoldEntity("T2", "DRUG", ((0, 9),), "Cisplatin")],
        [GoldRelation("R1", "adverse_event_of", "T1", "T2")])
    assert gold_roles("ade", ade) == ([(17, 31)], [])
    cdr = GoldDocument("1", text, [
        GoldEntity("T1", "Disease", ((17, 31),), "nephrotoxicity", ids=("D1",)),
        GoldEntity("T2", "Disease", ((46, 54),), "seminoma", ids=("D2",)),
        GoldEntity("T3", "Chemical", ((0, 9),), "Cisplatin", ids=("C1",))],
        [GoldRelation("R1", "CID", "C1", "D1", "concept")])
    assert gold_roles("bc5cdr", cdr) == ([(17, 31)], [(46, 54)])
    doc = nlp.make_doc(text)
    seminoma = doc.char_span(46, 54, COND)
    assert seminoma is not None and seminoma.text == "seminoma"
    assert role_label("ade", seminoma, [(17, 31)], []) == 0  # ADE: not an effect
    assert role_label("phee", seminoma, [(17, 31)], []) is None  # PHEE: not annotated
    assert role_label("bc5cdr", seminoma, [(17, 31)], [(46, 54)]) == 0


def test_select_is_deterministic_and_keeps_the_threshold_floor() -> None:
    rng = numpy.random.default_rng(0)
    y = rng.random(300) < 0.4
    rows = [sorted({int(v)} | {int(i) for i in rng.integers(2, 64, 5)}) for v in y]
    incoming = rng.random(300) < 0.5
    decided = numpy.zeros(300, dtype=bool)
    held = numpy.arange(300) % 4 == 0
    first = select(rows, y, incoming, decided, held)
    assert select(rows, y, incoming, decided, held) == first
    c, low, threshold, f1 = first
    assert f1 == 1.0 and low <= threshold and threshold >= MIN_THRESHOLD
