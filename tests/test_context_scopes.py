"""Context scopes are data (extractor/nlp/context.py ``SCOPES``, after medspaCy's ConText
rules): a component given other scopes reaches other entities, with no code changed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from spacy.language import Language

from extractor.nlp.context import KINDS, NON_SCOPE_KINDS, SCOPES, ContextComponent
from tests.conftest import context_doc, partial_nlp

C, D = "CONDITION", "DRUG"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return partial_nlp("extractor_sentences", "extractor_context")


def negated(nlp: Language, text: str, ents: list[tuple[str, str]],
            context: ContextComponent | None = None) -> list[str]:
    return [e.text for e in context_doc(nlp, text, ents, context=context).doc.ents
            if e._.negated]


def test_every_walking_kind_has_a_scope() -> None:
    assert set(SCOPES) == set(KINDS) - NON_SCOPE_KINDS


def test_the_window_before_the_first_entity_comes_from_the_scope(nlp: Language) -> None:
    text = "She had no clinically significant fever."
    assert negated(nlp, text, [("fever", C)]) == ["fever"]
    short = dict(SCOPES, neg_pre=replace(SCOPES["neg_pre"], forward=(1, 5)))
    assert negated(nlp, text, [("fever", C)], ContextComponent(nlp, scopes=short)) == []


def test_allowed_types_come_from_the_scope(nlp: Language) -> None:
    # a drug is negated only right after the trigger: "improve on" is in between
    text = "Her rash did not clearly improve on methotrexate."
    assert negated(nlp, text, [("methotrexate", D)]) == []
    every_label = dict(SCOPES, neg_pre=replace(SCOPES["neg_pre"], allowed_types=None))
    assert negated(nlp, text, [("methotrexate", D)],
                   ContextComponent(nlp, scopes=every_label)) == ["methotrexate"]
