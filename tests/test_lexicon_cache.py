"""The built lexicon is cached on disk, keyed by its inputs (extractor/nlp/kb_cache.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.nlp import kb_cache
from extractor.nlp.kb import CONDITION, DRUG, Concept, Lexicon


def small_lexicon() -> Lexicon:
    lex = Lexicon()
    mtx = Concept(DRUG, "methotrexate", {"drugbank": "DB00563"}, "lexicon:drug")
    lex.add("methotrexate", mtx, replace=False)
    lex.add("MTX", mtx, replace=False)
    lex.add("transaminitis", Concept(CONDITION, "transaminitis", {"hpo": "HP:0002910"},
                                     "curated:condition"), replace=False)
    lex.dropped.append(("the", DRUG, "English stop word"))
    return lex


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXTRACTOR_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_second_load_reads_the_cache_and_equals_the_build(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "drug_aliases.tsv"
    source.write_text("mtx\tmethotrexate\n", encoding="utf-8")
    builds: list[Lexicon] = []

    def build() -> Lexicon:
        builds.append(small_lexicon())
        return builds[-1]

    first = kb_cache.load_or_build(build, [source])
    second = kb_cache.load_or_build(build, [source])
    assert len(builds) == 1 and len(list(cache.glob("lexicon-*.marshal"))) == 1
    assert second.lookup("Methotrexate") == first.lookup("methotrexate")
    assert second.lookup("MTX") is second.lookup("methotrexate")  # one shared concept
    assert second.lookup("mtx") is None  # acronyms stay case-sensitive
    assert second.dropped == first.dropped

    source.write_text("mtx\tmethotrexate\nmetho\tmethotrexate\n", encoding="utf-8")
    kb_cache.load_or_build(build, [source])
    assert len(builds) == 2  # an edited input gives a fresh build


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "stoplist.tsv"
    source.write_text("", encoding="utf-8")
    kb_cache.load_or_build(small_lexicon, [source])
    (path,) = cache.glob("lexicon-*.marshal")
    path.write_bytes(path.read_bytes()[:100])
    assert kb_cache.load_or_build(small_lexicon, [source]).lookup("transaminitis") is not None
    assert len(path.read_bytes()) > 100


def test_the_key_covers_the_real_inputs() -> None:
    names = {p.name for p in kb_cache.inputs()}
    assert {"drugs.tsv.gz", "drug_aliases.tsv", "stoplist.tsv", "kb.py"} <= names
