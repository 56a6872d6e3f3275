"""Abbreviations defined in the article win over any lexicon sense of the same letters
(extractor/nlp/resolve.py, ``propagate_abbreviations``). Sentences are invented."""

from __future__ import annotations

import extractor


def _mentions(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.label, m.normalized.name) for m in extractor.extract(text).mentions]


def test_letters_defined_as_something_else_lose_their_lexicon_reading() -> None:
    # "AMPA" alone is a chemical in the drug lexicon
    assert ("AMPA", "DRUG") in [(t, label) for t, label, _ in _mentions("AMPA rose.")]
    text = "Anterior mitral prolapse area (AMPA) was measured. AMPA increased after surgery."
    assert all(t != "AMPA" for t, _label, _name in _mentions(text))


def test_letters_defined_as_an_entity_take_its_label_and_name() -> None:
    text = "Morphine sulfate (MS) was given for pain. MS was titrated."
    got = [(t, label, name) for t, label, name in _mentions(text) if t == "MS"]
    assert got == [("MS", "DRUG", "morphine")] * 2
    text = "Patients with multiple sclerosis (MS) were seen. MS relapses occurred."
    got = [(t, label, name) for t, label, name in _mentions(text) if t == "MS"]
    assert got == [("MS", "CONDITION", "multiple sclerosis")] * 2
