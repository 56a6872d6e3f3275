"""Words of a prompt (outcome, intervention, comparator) and where a sentence names them.

Matching is on light stems (lower case, a plural "s" dropped, at most ``STEM`` leading
characters: "hypertensive"/"hypertension" and "reduced"/"reduces" meet), the cheap
truncation stemming that works as well as suffix rules for retrieval. A sentence's words
are then *masked*: a word of the intervention only becomes ``xintx``, of the comparator only
``xcompx``, of both ``xicx``, of the outcome ``xoutx``, so that the classifiers learn how a
comparison is worded ("xintx significantly lower xoutx than xcompx"), not which drugs or
outcomes an article names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

STEM = 6
_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?|[^\sa-z\d]")
_DIGITS = re.compile(r"\d")
_STOPWORDS = """a an the of in on at to for with and or by from as is are was were be
been being this that these those it its than then vs versus v compared comparison group
groups arm arms patient patients subject subjects participant participants people treatment
treated therapy use using plus alone only other per who which while during after before
between within among into no not any all both each mg g ml kg day days week weeks month
months year years dose doses daily"""
STOPWORDS = frozenset(_STOPWORDS.split())
MASKS = ("xintx", "xcompx", "xicx", "xoutx")


def words(text: str) -> list[str]:
    """Lower-case word, number and punctuation tokens of ``text``."""
    return _WORD.findall(text.lower())


def stem(word: str) -> str:
    """The light stem of a lower-case word (module docstring)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:STEM]


def stem_sequence(tokens: list[str] | tuple[str, ...], min_length: int = 1
                  ) -> tuple[str, ...]:
    """The stems of the tokens (from :func:`words`) that carry meaning, in order: words of
    letters, not stopwords, at least ``min_length`` letters long."""
    return tuple(stem(w) for w in tokens
                 if w[0].isalpha() and w not in STOPWORDS and len(w) >= min_length)


def content_stems(text: str) -> frozenset[str]:
    """The stems of the words of ``text`` that carry meaning (two letters or more)."""
    return frozenset(stem_sequence(words(text), 2))


@dataclass(frozen=True)
class PromptTerms:
    """The content stems of a prompt's three parts; ``intervention``/``comparator`` keep
    only the stems that tell the two apart, ``shared`` those they have in common."""

    outcome: frozenset[str]
    intervention: frozenset[str]
    comparator: frozenset[str]
    shared: frozenset[str]
    outcome_sequence: tuple[str, ...] = ()

    @classmethod
    def of(cls, outcome: str | None, intervention: str | None, comparator: str | None,
           abbreviations: Mapping[str, str] | None = None) -> PromptTerms:
        """The terms of a prompt (a missing part has none). ``abbreviations`` (short form
        -> long form, as the article defines them) add a short form to each part that holds
        at least half of its long form's words."""
        o = content_stems(outcome or "")
        i = content_stems(intervention or "")
        c = content_stems(comparator or "")
        for short, long in (abbreviations or {}).items():
            long_stems = content_stems(long)
            if not long_stems:
                continue
            added = frozenset(stem(w) for w in words(short) if w[0].isalpha())
            o, i, c = (part | added if len(part & long_stems) * 2 >= len(long_stems) else part
                       for part in (o, i, c))
        sequence = stem_sequence(words(outcome or ""), 2)
        return cls(o, i - c, c - i, i & c, sequence)


def mask(tokens: list[str], terms: PromptTerms, fold_digits: bool = True) -> list[str]:
    """``tokens`` (from :func:`words`) with the prompt's words masked and (by default)
    digits folded to 0; a run of one mask becomes one token."""
    out: list[str] = []
    for w in tokens:
        s = stem(w)
        if s in terms.intervention:
            m = "xintx"
        elif s in terms.comparator:
            m = "xcompx"
        elif s in terms.shared:
            m = "xicx"
        elif s in terms.outcome:
            m = "xoutx"
        else:
            out.append(_DIGITS.sub("0", w) if fold_digits else w)
            continue
        if not out or out[-1] != m:
            out.append(m)
    return out
