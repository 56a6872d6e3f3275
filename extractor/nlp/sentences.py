"""Rule-based sentence boundaries ("extractor_sentences_v1"), fast and layout-aware.

A sentence starts
- at the first token of the document;
- at the first non-whitespace token after a newline (each paragraph, line and table row of
  ``Document.text`` is at least its own sentence) and, with ``split_cells`` (default), after
  a tab: table cells are separated by tabs, and a cell is its own sentence so that
  negation and relations do not run from one cell into the next;
- after ".", "!" or "?" (past closing quotes/brackets and a glued reference number such as
  the "1" of "globally.1") when the next word starts with a capital letter or a digit, or is
  an opening quote/bracket before one.

A period does not end a sentence after an abbreviation ("e.g.", "i.v.", "vs.", "Fig.",
"approx.", "et al.", "No."), a single capital (initials "R. Smith"), or a list number
at the start of a line ("1. Laughter"). Decimals never split: "2.5" is one token. A unit
before a period ("15 mg. The ...") is *not* treated as an abbreviation: followed by a
capital it nearly always ends the sentence.

Whitespace tokens never start a sentence; they belong to the sentence before them.
"""

from __future__ import annotations

from typing import Any, cast

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from extractor.nlp.extensions import doc_text
from extractor.nlp.factories import factory

_FINAL = frozenset({".", "!", "?"})
_CLOSING = frozenset({'"', "'", "”", "’", ")", "]", "}", "»"})
_OPENING = frozenset({'"', "'", "“", "‘", "(", "[", "{", "«"})
# Lower-cased, without the final period.
_ABBREVIATION_WORDS = """e.g i.e i.v i.m s.c p.o b.i.d t.i.d q.i.d q.d q.o.d o.d vs v fig
figs approx ca cf al no nos dr mr mrs ms prof st resp ref refs vol eq eqs incl suppl sp spp
var dept univ inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec tab tabs sec
secs pp ed eds est max min nr"""
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())


def _is_abbreviation(text: str) -> bool:
    """``text`` is a token just before a period (or ending in one) that does not end a sentence."""
    bare = text[:-1] if text.endswith(".") and len(text) > 1 else text
    if len(bare) == 1 and bare.isalpha() and bare.isupper():
        return True  # an initial
    return bare.lower() in ABBREVIATIONS


def sentence_starts(doc: Doc, split_cells: bool = True) -> list[bool]:
    """For each token, whether it starts a sentence (see the module docstring)."""
    toks = _Tokens(doc)
    n = len(toks.text)
    starts = [False] * n
    if n == 0:
        return starts
    breakers = ("\n", "\t") if split_cells else ("\n",)
    pending = True  # the next non-space token starts a sentence
    line_start = 0  # index of the first token of the current sentence
    i = 0
    while i < n:
        text = toks.text[i]
        if toks.space[i]:
            if any(b in text for b in breakers):
                pending = True
            i += 1
            continue
        if pending:
            starts[i] = True
            line_start = i
            pending = False
        if text in _FINAL or (text.endswith(".") and len(text) > 1):
            j = _after_final(toks, i, line_start)
            if j is not None:
                starts[j] = True
                line_start = j
                i = j + 1
                continue
        i += 1
    if not starts[0]:
        # leading whitespace joins the first sentence (spaCy requires token 0 to start one)
        first = starts.index(True) if True in starts else n
        if first < n and all(toks.space[:first]):
            starts[first] = False
        starts[0] = True
    return starts


class _Tokens:
    """Token texts, whitespace flags and trailing spaces as plain lists (fast to index).

    Read from token arrays and the Doc's text: creating a Token object per token costs more
    than the whole sentence split."""

    def __init__(self, doc: Doc) -> None:
        text = doc_text(doc)
        arr = doc.to_array([IDX, LENGTH, SPACY, IS_SPACE]).tolist()
        self.text = [text[i:i + n] for i, n, _, _ in arr]
        self.space = [bool(s) for _, _, _, s in arr]
        self.glued = [not w for _, _, w, _ in arr]  # no space after the token


def _after_final(toks: _Tokens, i: int, line_start: int) -> int | None:
    """The token starting the next sentence if the final mark at ``i`` ends one."""
    texts, glued = toks.text, toks.glued
    text = texts[i]
    if text == ".":
        if i > line_start:
            prev = texts[i - 1]
            if glued[i - 1] and _is_abbreviation(prev):
                return None
            if i - 1 == line_start and prev.isdigit():
                return None  # list numbering "1. Laughter MR"
    elif text not in _FINAL:
        return None  # a token such as "Fig." or "e.g." that the tokenizer kept whole
    n = len(texts)
    j = i + 1
    # skip closing quotes/brackets and a glued reference number ("globally.1 Its")
    while j < n and glued[j - 1] and (
        texts[j] in _CLOSING or (texts[j].isdigit() and len(texts[j]) <= 3)
    ):
        j += 1
    if j >= n or glued[j - 1]:
        return None  # "2.5x", "a.b": no space after the mark
    if toks.space[j]:
        return None  # a newline follows: the line rule starts the next sentence
    first = texts[j][0]
    if first in _OPENING and j + 1 < n:
        after = texts[j + 1][:1]
        return j if after.isupper() or after.isdigit() else None
    return j if first.isupper() or first.isdigit() else None


@factory("sentences", default_config={"split_cells": True})
def make_sentences(nlp: Language, name: str, split_cells: bool) -> SentenceSplitter:
    """spaCy factory for :class:`SentenceSplitter`."""
    return SentenceSplitter(split_cells=split_cells)


class SentenceSplitter:
    """Sets ``token.is_sent_start`` on every token."""

    def __init__(self, split_cells: bool = True) -> None:
        self.split_cells = split_cells

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        # one array write: setting token.is_sent_start one by one is quadratic in spaCy
        flags = numpy.array(
            [1 if s else -1 for s in sentence_starts(doc, self.split_cells)], dtype="int64"
        )
        doc.from_array([SENT_START], cast(Any, flags.astype("uint64")[:, None]))
        return doc
