"""An article read once for many prompts: its sentences, their roles, words and stems.

Sentences come from the pipeline's own tokenizer and sentence splitter (no entity rules:
finding evidence for a prompt needs neither, and skipping them keeps ``infer`` fast); each
sentence carries the role of the section it sits in (extractor/roles.py). The abbreviations
the article defines ("total laparoscopic proctocolectomy (TLP)", found by the pipeline's
Schwartz-Hearst detector) let a prompt's long form find the short form its results use.
Stem document frequencies are counted over the article's sentences, so that a prompt word that every
sentence repeats ("patients", the trial's drug) weighs less than the outcome's rare words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from spacy.language import Language

from extractor.document import Document
from extractor.findings.prompt import PromptTerms, stem_sequence, words
from extractor.roles import RoleIndex, classify_heading

# Roles whose sentences never report this trial's result.
NO_RESULT_ROLES = frozenset({"title", "references", "acknowledgements", "figure"})
MIN_WORDS = 4  # a heading or a cell fragment is no evidence
_ABSTRACT_PATH = re.compile(r"^\s*abstract\.", re.I)  # "ABSTRACT.RESULTS:" (text dumps)


def _parts(document: Document) -> list[tuple[int, int, str]]:
    """(start, end, part) of every section, innermost last (sections are nested in order)."""
    return [(s.start, s.end, str(classify_heading(_ABSTRACT_PATH.sub("", s.title)) or "none"))
            for s in document.sections]


def _part_at(parts: list[tuple[int, int, str]], offset: int) -> str:
    """The part named by the innermost section holding ``offset``."""
    found = "none"
    for start, end, part in parts:
        if start <= offset < end:
            found = part
    return found


@dataclass(frozen=True)
class Sentence:
    """One sentence: offsets into ``Document.text``, its role, the role its own heading
    names (``part``: "results" for the Results part of a structured abstract, whose role is
    "abstract"), tokens and the stems of its content words."""

    start: int
    end: int
    text: str
    role: str
    part: str
    tokens: tuple[str, ...]
    content: tuple[str, ...]  # the stems of its content words, in order
    stems: frozenset[str]  # the same as a set


@cache
def _splitter() -> Language:
    """A blank English pipeline with the toolkit's tokenizer and sentence splitter."""
    import spacy

    import extractor.nlp.components  # noqa: F401  (registers the tokenizer and factories)

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {
        "@tokenizers": "extractor.tokenizer.v1"}}})
    nlp.add_pipe("extractor_sentences_v1")
    nlp.add_pipe("extractor_abbreviation_detector_v1", name="abbreviation_detector")
    nlp.max_length = 5_000_000
    return nlp


class Article:
    """The sentences of one Document that may state a result, with stem statistics."""

    def __init__(self, document: Document) -> None:
        self.document = document
        roles = RoleIndex(document)
        doc = _splitter()(document.text)
        text = document.text
        parts = _parts(document)
        sentences: list[Sentence] = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            while end > start and text[end - 1].isspace():
                end -= 1
            role = roles.role_at(start)
            tokens = tuple(words(text[start:end]))
            if role in NO_RESULT_ROLES or sum(t[0].isalpha() for t in tokens) < MIN_WORDS:
                continue
            content = stem_sequence(tokens)
            sentences.append(Sentence(start, end, text[start:end], role,
                                      _part_at(parts, start), tokens, content,
                                      frozenset(content)))
        self.sentences = sentences
        self.abbreviations: dict[str, str] = {
            short.text.lower(): short._.long_form.text for short in doc._.abbreviations}
        self._df = Counter(s for sent in sentences for s in sent.stems)

    def terms(self, outcome: str | None, intervention: str | None,
              comparator: str | None) -> PromptTerms:
        """A prompt's terms, with the short forms this article defines for them."""
        return PromptTerms.of(outcome, intervention, comparator, self.abbreviations)

    def idf(self, stem_: str) -> float:
        """Inverse sentence frequency of a stem in this article (a stem absent counts once)."""
        return math.log((len(self.sentences) + 1) / (self._df.get(stem_, 0) + 1)) + 1.0

    def weighted_share(self, terms: frozenset[str], stems: frozenset[str]) -> float:
        """The idf-weighted share of ``terms`` that ``stems`` holds (0 when no terms)."""
        if not terms:
            return 0.0
        total = sum(self.idf(t) for t in terms)
        return sum(self.idf(t) for t in terms & stems) / total
