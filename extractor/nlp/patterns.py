"""Pattern rules ("extractor_patterns_v1"): DOSE, FREQUENCY, ROUTE, DURATION and OUTCOME.

Each family is a set of compiled regexes over ``doc.text`` (extractor/nlp/dose.py,
frequency.py, route.py, duration.py, outcome.py); this component maps their character
matches to token spans and adds them to ``doc.spans["candidates"]`` with
``found_by = ["pattern:<label>"]`` and the parsed ``value``. The tokenizer
(extractor/nlp/tokenizer.py) splits quantities so that matches normally fall on token
boundaries; when one does not, the span is contracted to the tokens inside it, or, if none
is, expanded to the tokens around it. Within one label candidates never overlap (the
longest wins); across labels the resolver decides.

DOSE percentages look at the DRUG candidates already present (the lexicon runs before
this component), and OUTCOME statistics are grouped by sentence, so the component is best
placed after "sentences" and "lexicon"; without sentences the whole text is one sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar, overload

from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.nlp.dose import find_doses
from extractor.nlp.duration import find_durations
from extractor.nlp.extensions import CANDIDATES, add_candidate, doc_text
from extractor.nlp.factories import factory
from extractor.nlp.frequency import find_frequencies
from extractor.nlp.outcome import find_outcomes
from extractor.nlp.route import find_routes
from extractor.nlp.units import Hit, lower_same_length

T = TypeVar("T")
LABELS = ("DOSE", "FREQUENCY", "ROUTE", "DURATION", "OUTCOME")


def char_to_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """The token span for characters [start, end).

    Exact when the match falls on token boundaries (the tokenizer is built for that);
    else expanded when that adds at most a sign or a stray character ("-0.17 mL"), else
    contracted to the tokens inside, else expanded.
    """
    span = doc.char_span(start, end, label=label)
    if span is not None:
        return span
    wide = doc.char_span(start, end, label=label, alignment_mode="expand")
    if wide is not None and (wide.end_char - wide.start_char) - (end - start) <= 3:
        return wide
    narrow = doc.char_span(start, end, label=label, alignment_mode="contract")
    if narrow is not None and len(narrow) > 0 and not narrow.text.isspace():
        return narrow
    return wide


def _sentences(doc: Doc, length: int) -> list[tuple[int, int]]:
    """Character ranges of the sentences (the whole text, ``length`` long, when none are set)."""
    if len(doc) == 0 or not doc.has_annotation("SENT_START"):
        return [(0, length)]
    arr = doc.to_array([SENT_START, IDX])  # arrays: iterating doc.sents is slow
    starts: list[int] = arr[arr[:, 0].astype("int64") == 1, 1].tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], length]
    return list(zip(starts, ends, strict=True))


class _Lazy(Sequence[T]):
    """A sequence computed on first use (most texts need neither the sentences nor the
    drug offsets: only an outcome statistic or a "%" dose reads them)."""

    def __init__(self, compute: Callable[[], Sequence[T]]) -> None:
        self._compute = compute
        self._items: Sequence[T] | None = None

    def _get(self) -> Sequence[T]:
        if self._items is None:
            self._items = self._compute()
        return self._items

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        return self._get()[i]

    def __len__(self) -> int:
        return len(self._get())

    def __contains__(self, item: object) -> bool:
        return item in self._get()


def _drug_ends(doc: Doc) -> list[int]:
    if CANDIDATES not in doc.spans:
        return []
    return sorted({s.end_char for s in doc.spans[CANDIDATES] if s.label_ == "DRUG"})


class PatternRules:
    """Adds the pattern candidates of every enabled label."""

    def __init__(self, labels: tuple[str, ...] = LABELS) -> None:
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown pattern labels: {sorted(unknown)}")
        self.labels = labels

    def find(self, doc: Doc) -> dict[str, list[Hit]]:
        """Character-level hits per label (no spans yet)."""
        text = doc_text(doc)
        low = lower_same_length(text)  # shared by the case-insensitive rules of every family
        finders: dict[str, Callable[[], list[Hit]]] = {
            "DOSE": lambda: find_doses(text, _Lazy(lambda: _drug_ends(doc)), low),
            "FREQUENCY": lambda: find_frequencies(text, low),
            "ROUTE": lambda: find_routes(text, low),
            "DURATION": lambda: find_durations(text, low),
            "OUTCOME": lambda: find_outcomes(text, _Lazy(lambda: _sentences(doc, len(text))),
                                             low),
        }
        return {label: finders[label]() for label in self.labels}

    def __call__(self, doc: Doc) -> Doc:
        for label, hits in self.find(doc).items():
            taken: set[int] = set()  # tokens already covered for this label
            for hit in hits:
                span = char_to_span(doc, hit.start, hit.end, label)
                if span is None or any(i in taken for i in range(span.start, span.end)):
                    continue
                taken.update(range(span.start, span.end))
                add_candidate(doc, span, f"pattern:{label.lower()}", value=dict(hit.value))
        return doc


@factory("patterns", default_config={"labels": list(LABELS)})
def make_patterns(nlp: Language, name: str, labels: list[str]) -> PatternRules:
    """spaCy factory for :class:`PatternRules`."""
    return PatternRules(tuple(labels))
