"""scispacy's ``AbbreviationDetector`` with its two Matcher passes done in linear time.

The detection itself (Schwartz & Hearst candidates, ``filter_matches``, ``find_abbreviation``)
is scispacy's own code; only the two token searches around it are replaced:

* candidates: scispacy matches ``( + )`` with a spaCy ``Matcher``, which tracks every open
  parenthesis to the end of the Doc (quadratic on a long article) only for
  ``filter_matches`` to drop every match longer than 8 tokens. Here each ")" is paired with
  the "(" at most 9 tokens before it, in the Matcher's order (by closing token, then
  innermost first).
* re-matching: every short form found is then searched across the Doc. scispacy adds one
  Matcher pattern per short form and runs that Matcher over the Doc; here the short forms'
  token texts are looked up in a dictionary keyed by their first token.

Registered as ``extractor_abbreviation_detector_v1``; the pipeline keeps the component name
``abbreviation_detector`` and the ``Doc._.abbreviations`` / ``Span._.long_form`` attributes.
"""

from __future__ import annotations

from collections import defaultdict

from scispacy.abbreviation import AbbreviationDetector, filter_matches, find_abbreviation
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.nlp.factories import factory

# filter_matches keeps parenthesized contents of at most this many tokens
_MAX_INSIDE = 8


def paren_matches(orths: list[int], open_orth: int, close_orth: int) -> list[tuple[int, int]]:
    """(start, end) of the tokens inside each "( ... )" pair with 1-8 tokens inside, in the
    order scispacy's Matcher reports them (by closing token, then the nearest "(" first).

    Pairs need not be balanced ("( a ( b )" gives both), as with the Matcher's wildcard.
    """
    out: list[tuple[int, int]] = []
    opens: list[int] = []  # positions of "(" seen so far
    for j, orth in enumerate(orths):
        if orth == close_orth:
            for i in reversed(opens):
                if j - i - 1 > _MAX_INSIDE:
                    break
                if j - i >= 2:  # at least one token inside
                    out.append((i + 1, j))
        if orth == open_orth:
            opens.append(j)
    return out


class FastAbbreviationDetector(AbbreviationDetector):
    """``AbbreviationDetector`` without the quadratic Matcher passes (module docstring)."""

    def __init__(self, nlp: Language, name: str = "abbreviation_detector",
                 make_serializable: bool = False) -> None:
        super().__init__(nlp, name, make_serializable)
        strings = nlp.vocab.strings
        self._open = strings.add("(")
        self._close = strings.add(")")

    def __call__(self, doc: Doc) -> Doc:
        orths: list[int] = doc.to_array(ORTH).tolist() if len(doc) else []
        matches = [(0, start, end) for start, end in
                   paren_matches(orths, self._open, self._close)]
        filtered = filter_matches(matches, doc)
        occurrences = self._find_matches_for(filtered, doc, orths)
        for long_form, short_forms in occurrences:
            for short in short_forms:
                short._.long_form = long_form
                doc._.abbreviations.append(short)
        if self.make_serializable:
            doc._.abbreviations = [self.make_short_form_serializable(a)
                                   for a in doc._.abbreviations]
        return doc

    def _find_matches_for(self, filtered: list[tuple[Span, Span]], doc: Doc,
                          orths: list[int]) -> list[tuple[Span, set[Span]]]:
        """scispacy's ``find_matches_for`` with a dictionary pass instead of its Matcher."""
        all_occurrences: dict[Span, set[Span]] = defaultdict(set)
        already_seen_long: set[str] = set()
        already_seen_short: set[str] = set()
        # first token orth -> [(short form token orths, long form)]
        rules: dict[int, list[tuple[tuple[int, ...], Span]]] = {}
        for long_candidate, short_candidate in filtered:
            short, long = find_abbreviation(long_candidate, short_candidate)
            new_long = long.text not in already_seen_long if long else False
            new_short = short.text not in already_seen_short
            if long is not None and new_long and new_short:
                already_seen_long.add(long.text)
                already_seen_short.add(short.text)
                all_occurrences[long].add(short)
                key = tuple(orths[short.start:short.end])
                if key:
                    rules.setdefault(key[0], []).append((key, long))
        if rules:
            n = len(orths)
            for start, orth in enumerate(orths):
                for key, long in rules.get(orth, ()):
                    end = start + len(key)
                    if end <= n and tuple(orths[start:end]) == key:
                        all_occurrences[long].add(doc[start:end])
        return list(all_occurrences.items())


@factory("abbreviation_detector", default_config={"make_serializable": False})
def make_abbreviation_detector(nlp: Language, name: str,
                               make_serializable: bool) -> FastAbbreviationDetector:
    """spaCy factory for :class:`FastAbbreviationDetector`."""
    return FastAbbreviationDetector(nlp, name, make_serializable)
