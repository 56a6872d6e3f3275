"""The ``extractor_lexicon`` component: drug and condition names from the knowledge base
(extractor/nlp/kb.py) found by PhraseMatchers, added as candidates with their concept.

Building a PhraseMatcher the usual way (one tokenized Doc per phrase) costs ~8 s for the
~110k names here, nearly all of it in the tokenizer and in Doc construction. So patterns are
given to the PhraseMatcher as tuples of LOWER hashes (it accepts those), names made only of
lower-case letters and spaces are split on spaces (what the tokenizer does with them; a
sample is checked against it), and only names with punctuation or digits go through the
pipeline's tokenizer, in one call, with the result cached on disk keyed by the tokenizer's
serialized rules and the names (``$EXTRACTOR_CACHE`` or ~/.cache/extractor).
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import os
import random
import re
from collections.abc import Callable, Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from extractor.nlp.extensions import add_candidate
from extractor.nlp.kb import Concept, Lexicon, load_lexicon
from extractor.resources import cache_dir

_SIMPLE = re.compile(r"^[a-z]+(?: [a-z]+)*$")
_SEP = "\x1f"  # between token texts in the cache file

Tokenize = Callable[[str], Doc]


def _fingerprint(tokenizer: object, names: list[str]) -> str | None:
    """A key for the tokenizer's behaviour on ``names``, or None when it cannot be taken."""
    to_bytes = getattr(tokenizer, "to_bytes", None)
    if to_bytes is None:
        return None
    try:
        rules = to_bytes(exclude=["vocab"])
    except (TypeError, ValueError, NotImplementedError):
        return None
    digest = hashlib.sha256(rules)
    digest.update("\n".join(names).encode("utf-8"))
    return digest.hexdigest()[:24]


def _tokenize_together(tokenizer: Tokenize, names: list[str]) -> list[list[str]]:
    """Lower-case token texts of each name, tokenizing all names as one newline-joined text
    (the tokenizer treats whitespace-separated chunks independently; one call avoids the
    per-Doc overhead)."""
    starts, pos = [], 0
    for name in names:
        starts.append(pos)
        pos += len(name) + 1
    groups: list[list[str]] = [[] for _ in names]
    for tok in tokenizer("\n".join(names)):
        if not tok.is_space:
            groups[bisect.bisect_right(starts, tok.idx) - 1].append(tok.lower_)
    return groups


def _tokenized_with_cache(tokenizer: Tokenize, names: list[str]) -> list[list[str]]:
    key = _fingerprint(tokenizer, names)
    path = cache_dir() / f"lexicon-tokens-{key}.txt.gz" if key else None
    if path is not None and path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            groups = [line.rstrip("\n").split(_SEP) for line in fh]
        if len(groups) == len(names):
            return groups
    groups = _tokenize_together(tokenizer, names)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with gzip.open(tmp, "wt", encoding="utf-8") as fh:
                fh.writelines(_SEP.join(g) + "\n" for g in groups)
            tmp.replace(path)
        except OSError:
            pass  # a read-only home only costs the tokenization next time
    return groups


def _split_is_safe(tokenizer: Tokenize, simple: list[str]) -> bool:
    """Does the tokenizer split letters-and-spaces names exactly at the spaces? (sample)"""
    sample = random.Random(0).sample(simple, min(200, len(simple)))
    return all([t.text for t in tokenizer(n)] == n.split(" ") for n in sample)


def tokenize_names(tokenizer: Tokenize, names: list[str]) -> list[list[str]]:
    """Lower-case token texts of each lower-case name, as ``tokenizer`` would split it."""
    rules = getattr(tokenizer, "rules", None) or {}
    simple_idx: list[int] = []
    other_idx: list[int] = []
    for i, name in enumerate(names):
        is_simple = _SIMPLE.match(name) and not any(w in rules for w in name.split(" "))
        (simple_idx if is_simple else other_idx).append(i)
    out: list[list[str]] = [[] for _ in names]
    simple = [names[i] for i in simple_idx]
    if simple and not _split_is_safe(tokenizer, simple):
        other_idx, simple_idx = sorted(other_idx + simple_idx), []
    for i in simple_idx:
        out[i] = names[i].split(" ")
    others = _tokenized_with_cache(tokenizer, [names[i] for i in other_idx])
    for i, toks in zip(other_idx, others, strict=True):
        out[i] = toks
    return out


class LexiconMatcher:
    """PhraseMatchers over the lexicon: lower-case names on LOWER, acronyms on ORTH."""

    def __init__(self, tokenizer: Tokenize, vocab: Vocab, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.cased = PhraseMatcher(vocab, attr="ORTH")
        self.by_lower: dict[tuple[int, ...], Concept] = {}
        self.by_orth: dict[tuple[int, ...], Concept] = {}
        names = list(lexicon.lower)
        for name, toks in zip(names, tokenize_names(tokenizer, names), strict=True):
            key = tuple(hash_string(t) for t in toks)
            if key and key not in self.by_lower:
                self.by_lower[key] = lexicon.lower[name]
        for name, concept in lexicon.cased.items():
            key = tuple(t.orth for t in tokenizer(name))
            self.by_orth.setdefault(key, concept)
        # PhraseMatcher.add takes attribute-hash sequences as well as Docs (see module doc)
        self.lower.add("LEXICON", list(self.by_lower))  # type: ignore[arg-type]
        self.cased.add("LEXICON", list(self.by_orth))  # type: ignore[arg-type]

    def spans(self, doc: Doc) -> list[tuple[Span, Concept]]:
        """Longest non-overlapping lexicon matches in ``doc`` with their concepts."""
        found: dict[tuple[int, int], Concept] = {}
        for _, start, end in self.lower(doc):
            found[(start, end)] = self.by_lower[tuple(t.lower for t in doc[start:end])]
        for _, start, end in self.cased(doc):
            found[(start, end)] = self.by_orth[tuple(t.orth for t in doc[start:end])]
        spans = filter_spans(Span(doc, s, e, label=c.label) for (s, e), c in found.items())
        return [(span, found[(span.start, span.end)]) for span in spans]


# (tokenizer, vocab, matcher): holding the first two keeps their ids from being reused
_MATCHERS: list[tuple[object, object, LexiconMatcher]] = []


def get_matcher(nlp: Language) -> LexiconMatcher:
    """One LexiconMatcher per (tokenizer, vocab) in this process."""
    for tokenizer, vocab, matcher in _MATCHERS:
        if tokenizer is nlp.tokenizer and vocab is nlp.vocab:
            return matcher
    matcher = LexiconMatcher(nlp.tokenizer, nlp.vocab, load_lexicon())
    _MATCHERS.append((nlp.tokenizer, nlp.vocab, matcher))
    return matcher


class LexiconComponent:
    """Adds a candidate for every lexicon match, with norm_name and norm_ids set."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = get_matcher(nlp)

    def __call__(self, doc: Doc) -> Doc:
        for span, concept in self.matcher.spans(doc):
            add_candidate(
                doc, span, concept.source, norm_name=concept.name, norm_ids=dict(concept.ids)
            )
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        """Process a stream of docs (no batching benefit; matching is per doc)."""
        for doc in docs:
            yield self(doc)


@Language.factory("extractor_lexicon")
def make_lexicon(nlp: Language, name: str) -> LexiconComponent:
    """spaCy factory: the lexicon component (lexicons load once per process)."""
    return LexiconComponent(nlp)
