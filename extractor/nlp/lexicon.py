"""The ``extractor_lexicon_v1`` component: drug and condition names from the knowledge base
(extractor/nlp/kb.py) found in the text, added as candidates with their concept.

Each name is a key of token hashes (LOWER for lower-case names, ORTH for acronyms), as the
pipeline's tokenizer splits it. Matching looks those keys up in a dict from each token that
starts a name, which finds exactly what spaCy's PhraseMatcher would (every span whose
tokens spell a name), but needs no trie built at start-up (~0.5 s for the ~110k names).
Making the keys costs ~1 s (names made only of lower-case letters and spaces are split on
spaces, what the tokenizer does with them, checked on a sample; the others go through the
tokenizer in one call), so they are cached on disk (``$EXTRACTOR_CACHE`` or
~/.cache/extractor, ``lexicon-keys-*.marshal``) keyed by the tokenizer's serialized rules
and the names: ~0.1 s to read.
"""

from __future__ import annotations

import bisect
import hashlib
import random
import re
from collections.abc import Callable, Iterable, Iterator

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractor.nlp.extensions import add_candidate
from extractor.nlp.factories import factory
from extractor.nlp.kb import Concept, Lexicon, load_lexicon
from extractor.nlp.kb_cache import read_cached, write_cached
from extractor.resources import cache_dir

_SIMPLE = re.compile(r"^[a-z]+(?: [a-z]+)*$")
FORMAT = 1  # of the keys cache: bump when its layout changes

Tokenize = Callable[[str], Doc]
Key = tuple[int, ...]  # the hashes of a name's tokens
# the keys of the lower-case names and of the acronyms, in the lexicon's order, and for each
# token that starts a key the length of the longest key it starts
Keys = tuple[list[Key], list[Key], dict[int, int], dict[int, int]]


def _fingerprint(tokenizer: object, lexicon: Lexicon) -> str | None:
    """A key for the tokenizer's behaviour on the lexicon's names, or None when it cannot
    be taken."""
    to_bytes = getattr(tokenizer, "to_bytes", None)
    if to_bytes is None:
        return None
    try:
        rules = to_bytes(exclude=["vocab"])
    except (TypeError, ValueError, NotImplementedError):
        return None
    digest = hashlib.sha256(f"{FORMAT}\0".encode() + rules)
    for names in (lexicon.lower, lexicon.cased):
        digest.update("\n".join(names).encode("utf-8") + b"\0")
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
    others = _tokenize_together(tokenizer, [names[i] for i in other_idx])
    for i, toks in zip(other_idx, others, strict=True):
        out[i] = toks
    return out


def _reach(keys: list[Key]) -> dict[int, int]:
    """For each first token of a key, the length of the longest key it starts."""
    reach: dict[int, int] = {}
    for key in keys:
        if key and len(key) > reach.get(key[0], 0):
            reach[key[0]] = len(key)
    return reach


def build_keys(tokenizer: Tokenize, lexicon: Lexicon) -> Keys:
    """The keys of the lexicon's names as ``tokenizer`` splits them (see :data:`Keys`)."""
    names = list(lexicon.lower)
    lower = [tuple(hash_string(t) for t in toks) for toks in tokenize_names(tokenizer, names)]
    cased = [tuple(t.orth for t in tokenizer(name)) for name in lexicon.cased]
    return lower, cased, _reach(lower), _reach(cased)


def load_keys(tokenizer: Tokenize, lexicon: Lexicon) -> Keys:
    """:func:`build_keys`, read from the disk cache when it was built for the same
    tokenizer rules and names (else built and cached)."""
    fingerprint = _fingerprint(tokenizer, lexicon)
    path = cache_dir() / f"lexicon-keys-{fingerprint}.marshal" if fingerprint else None
    cached = read_cached(path) if path is not None else None
    if (isinstance(cached, tuple) and len(cached) == 4 and len(cached[0]) == len(lexicon.lower)
            and len(cached[1]) == len(lexicon.cased)):
        return cached
    keys = build_keys(tokenizer, lexicon)
    if path is not None:
        write_cached(path, keys)
    return keys


def _first_wins(keys: list[Key], concepts: Iterable[Concept]) -> dict[Key, Concept]:
    """Key -> concept, the first name with a key winning (built from the end, in C)."""
    table = dict(zip(reversed(keys), reversed(list(concepts)), strict=True))
    table.pop((), None)  # a name with no tokens matches nothing
    return table


def _matches(hashes: list[int], table: dict[Key, Concept],
             reach: dict[int, int]) -> Iterator[tuple[int, int, Concept]]:
    """(start, end, concept) of every run of ``hashes`` that is a key of ``table``, nested
    and overlapping runs included (what a PhraseMatcher returns)."""
    n = len(hashes)
    for start, first in enumerate(hashes):
        for end in range(start + 1, min(n, start + reach.get(first, 0)) + 1):
            concept = table.get(tuple(hashes[start:end]))
            if concept is not None:
                yield start, end, concept


class LexiconMatcher:
    """The lexicon's names as token-hash keys: lower-case names on LOWER, acronyms on ORTH."""

    def __init__(self, tokenizer: Tokenize, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        lower, cased, self.lower_reach, self.orth_reach = load_keys(tokenizer, lexicon)
        self.by_lower = _first_wins(lower, lexicon.lower.values())
        self.by_orth = _first_wins(cased, lexicon.cased.values())

    def spans(self, doc: Doc) -> list[tuple[Span, Concept]]:
        """Longest non-overlapping lexicon matches in ``doc`` with their concepts."""
        found: dict[tuple[int, int], Concept] = {}
        lowers, orths = doc.to_array([LOWER, ORTH]).T.tolist()
        for start, end, concept in _matches(lowers, self.by_lower, self.lower_reach):
            found[(start, end)] = concept
        for start, end, concept in _matches(orths, self.by_orth, self.orth_reach):
            found[(start, end)] = concept  # an acronym's concept wins over a lower-case name's
        spans = filter_spans(Span(doc, s, e, label=c.label) for (s, e), c in found.items())
        return [(span, found[(span.start, span.end)]) for span in spans]


# (tokenizer, matcher): holding the tokenizer keeps its id from being reused
_MATCHERS: list[tuple[object, LexiconMatcher]] = []


def get_matcher(nlp: Language) -> LexiconMatcher:
    """One LexiconMatcher per tokenizer in this process."""
    for tokenizer, matcher in _MATCHERS:
        if tokenizer is nlp.tokenizer:
            return matcher
    matcher = LexiconMatcher(nlp.tokenizer, load_lexicon())
    _MATCHERS.append((nlp.tokenizer, matcher))
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


@factory("lexicon")
def make_lexicon(nlp: Language, name: str) -> LexiconComponent:
    """spaCy factory: the lexicon component (lexicons load once per process)."""
    return LexiconComponent(nlp)
