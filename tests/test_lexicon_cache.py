"""The built lexicon and its token keys are cached on disk, keyed by their inputs
(extractor/nlp/kb_cache.py, extractor/nlp/lexicon.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from extractor.nlp import kb_cache
from extractor.nlp.kb import CONDITION, DRUG, Concept, Lexicon
from extractor.nlp.lexicon import LexiconMatcher, _matches, get_matcher, load_keys
from extractor.parsers import parse
from tests.conftest import EXAMPLES, partial_nlp


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


# The lexicon component's token keys (extractor/nlp/lexicon.py): cached beside the lexicon,
# matched by dict lookups that find what spaCy's PhraseMatcher finds.

class CountingTokenizer:
    """The pipeline's real tokenizer, counting the texts it is asked to split."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.rules = tokenizer.rules
        self.calls = 0

    def __call__(self, text: str) -> Doc:
        self.calls += 1
        return self.tokenizer(text)

    def to_bytes(self, exclude: list[str]) -> bytes:
        return self.tokenizer.to_bytes(exclude=exclude)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return partial_nlp()


def test_token_keys_are_cached_and_a_warm_start_tokenizes_nothing(nlp: Language,
                                                                    cache: Path) -> None:
    lex = small_lexicon()
    lex.add("5-fluorouracil", Concept(DRUG, "fluorouracil", {}, "lexicon:drug"), replace=False)
    cold = CountingTokenizer(nlp.tokenizer)
    first = LexiconMatcher(cold, lex)
    assert cold.calls > 0 and len(list(cache.glob("lexicon-keys-*.marshal"))) == 1
    warm = CountingTokenizer(nlp.tokenizer)
    second = LexiconMatcher(warm, lex)
    assert warm.calls == 0
    assert second.by_lower == first.by_lower and second.by_orth == first.by_orth
    doc = nlp("Methotrexate and 5-fluorouracil; MTX, not mtx.")
    assert [(s.text, c.name) for s, c in second.spans(doc)] == [
        ("Methotrexate", "methotrexate"), ("5-fluorouracil", "fluorouracil"),
        ("MTX", "methotrexate")]


def test_a_damaged_or_stale_keys_file_is_rebuilt(nlp: Language, cache: Path) -> None:
    lex = small_lexicon()
    keys = load_keys(nlp.tokenizer, lex)
    (path,) = cache.glob("lexicon-keys-*.marshal")
    path.write_bytes(path.read_bytes()[:10])
    assert load_keys(nlp.tokenizer, lex) == keys
    lex.add("tofacitinib", Concept(DRUG, "tofacitinib", {}, "lexicon:drug"), replace=False)
    assert len(load_keys(nlp.tokenizer, lex)[0]) == len(lex.lower)  # new names, new key
    assert len(list(cache.glob("lexicon-keys-*.marshal"))) == 2


def test_dict_matching_finds_what_the_phrase_matcher_finds(nlp: Language) -> None:
    matcher = get_matcher(nlp)
    phrases = {}
    for attr, table in (("LOWER", matcher.by_lower), ("ORTH", matcher.by_orth)):
        phrases[attr] = PhraseMatcher(nlp.vocab, attr=attr)
        phrases[attr].add("LEXICON", list(table))  # type: ignore[arg-type]
    names = ("trial_summary_pagedump.txt", "jak_methotrexate_alopecia.xml",
             "case_series_dupilumab_jak.html")
    doc = nlp.make_doc("\n\n".join(parse(EXAMPLES / name).text for name in names))
    expected = {(s, e) for pm in phrases.values() for _, s, e in pm(doc)}
    lowers, orths = doc.to_array(["LOWER", "ORTH"]).T.tolist()
    got = {(s, e) for s, e, _ in _matches(lowers, matcher.by_lower, matcher.lower_reach)}
    got |= {(s, e) for s, e, _ in _matches(orths, matcher.by_orth, matcher.orth_reach)}
    assert len(expected) > 200 and got == expected  # nested and overlapping ones too
