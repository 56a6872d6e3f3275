"""The toolkit's spaCy factories have versioned registry names (extractor/nlp/factories.py);
configs written with the unversioned names of before still load."""

from __future__ import annotations

import re
from pathlib import Path

import spacy
from spacy.language import Language

import extractor.nlp.components  # noqa: F401  (registers every factory)
from extractor import resources
from extractor.pipeline import load_nlp

SENTENCE = "A 62-year-old man received methotrexate 15 mg weekly and developed transaminitis."


def test_the_shipped_config_names_versioned_factories_only() -> None:
    cfg = spacy.util.load_config(resources.pipeline_config())
    factories = [c["factory"] for c in cfg["components"].values()]
    assert len(factories) == 11
    for name in factories:
        assert re.fullmatch(r"extractor_[a-z_]+_v\d+", name), name
        assert Language.has_factory(name), name


def test_a_config_with_the_unversioned_names_gives_the_same_entities(tmp_path: Path) -> None:
    shipped = resources.pipeline_config().read_text(encoding="utf-8")
    old = re.sub(r'factory = "(extractor_(?!ade_sentences)[a-z_]+)_v1"', r'factory = "\1"',
                 shipped)
    assert old.count('factory = "extractor_') == 11 and "_v1\"" in old  # ade_sentences_v1
    (tmp_path / "old.cfg").write_text(old, encoding="utf-8")

    def entities(nlp: Language) -> list[tuple[str, str, bool]]:
        return [(e.text, e.label_, e._.negated) for e in nlp(SENTENCE).ents]

    found = entities(load_nlp())
    assert ("methotrexate", "DRUG", False) in found
    assert entities(load_nlp(tmp_path / "old.cfg")) == found
