"""Choosing the entities: overlapping candidates from lexicons, patterns and the model
become one non-overlapping ``doc.ents``; abbreviations inherit their long form's entity."""

from __future__ import annotations

import re
from collections.abc import Collection

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.nlp.extensions import CANDIDATES, MODEL_SPANS
from extractor.nlp.factories import factory

# On a tie in length, the more specific producer wins (a curated alias beats a generic
# lexicon hit, a pattern with a parsed value beats both for its labels).
_PRIORITY = {"pattern": 3, "curated": 2, "model": 1, "lexicon": 1}


def model_keys(doc: Doc) -> set[tuple[int, int, str]] | None:
    """(start, end, label) of every span the NER model found; None when it did not run."""
    keys = doc.user_data.get(MODEL_SPANS)
    return None if keys is None else {(s, e, label) for s, e, label in keys}


def _rank(span: Span, found_by: list[str], tier: int = 1) -> tuple[int, int, int, int]:
    kinds = [f.split(":", 1)[0] for f in found_by]
    best = max((_PRIORITY.get(k, 0) for k in kinds), default=0)
    # the tier comes first: a rule span of a rules_first label (3) beats any model span; a
    # model span of a model_first label (2) beats any other overlapping span, whatever its
    # length; one of a model_last label (0) only fills gaps
    # end_char - start_char is len(span.text), without building the text from its tokens
    return (tier, span.end_char - span.start_char, best, len(kinds))


def _merge_found_by(spans: list[Span]) -> list[list[str]]:
    """Candidates with identical offsets and label share the union of their producers;
    returns each span's ``found_by`` as stored afterwards."""
    by_key: dict[tuple[int, int, str], list[str]] = {}
    keys = []
    for s in spans:
        key = (s.start, s.end, s.label_)
        keys.append(key)
        merged = by_key.setdefault(key, [])
        for f in s._.found_by or []:
            if f not in merged:
                merged.append(f)
    # spaCy stores a span's extension values by its offsets alone (not its label): setting
    # every span in turn leaves, per offsets, the value of the last span there; set that once
    stored: dict[tuple[int, int], tuple[Span, list[str]]] = {}
    for s, key in zip(spans, keys, strict=True):
        stored[key[:2]] = (s, by_key[key])
    for s, value in stored.values():
        s._.found_by = value
    return [stored[key[:2]][1] for key in keys]


def choose_entities(doc: Doc, model_first: Collection[str] = (),
                    model_only: Collection[str] = (),
                    model_last: Collection[str] = (),
                    rules_first: Collection[str] = ()) -> list[Span]:
    """Longest-first, non-overlapping selection of the candidate spans.

    When the NER model ran on ``doc``: rule spans with a label in ``rules_first`` (labels
    the model does not know, such as OUTCOME) come before all others; then the spans it
    found with a label in ``model_first``; those with a label in ``model_last`` after all
    others (the rules' spans there carry parsed values), and rule spans with a label in
    ``model_only`` are dropped. The model labels are chosen in benchmarks/ner.py --tune.
    """
    spans = list(doc.spans.get(CANDIDATES, []))
    found = _merge_found_by(spans)
    by_model = model_keys(doc)
    tiers = [1] * len(spans)
    if by_model is not None and (model_first or model_only or model_last or rules_first):
        is_model = [(s.start, s.end, s.label_) in by_model for s in spans]
        kept = [k for k, s in enumerate(spans) if s.label_ not in model_only or is_model[k]]
        spans, found = [spans[k] for k in kept], [found[k] for k in kept]
        tiers = [1 + (s.label_ in model_first) - (s.label_ in model_last) if is_model[k]
                 else 3 if s.label_ in rules_first else 1
                 for s, k in zip(spans, kept, strict=True)]
    ranks = [_rank(s, f, t) for s, f, t in zip(spans, found, tiers, strict=True)]
    taken: set[int] = set()
    chosen: list[Span] = []
    # (a stable sort of the indices: ties keep their order, as sorting the spans did)
    for k in sorted(range(len(spans)), key=ranks.__getitem__, reverse=True):
        span = spans[k]
        start, end = span.start, span.end
        if any(i in taken for i in range(start, end)):
            continue
        taken.update(range(start, end))
        chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _same_sense(ent: Span, long_text: str) -> bool:
    """Whether an entity's reading of some letters agrees with the article's definition of
    them (its normalized name or text shares most words with the long form)."""
    long_words = _words(long_text)
    for name in (ent._.norm_name, ent.text):
        words = _words(name or "")
        if words and long_words and (words <= long_words or long_words <= words
                                     or len(words & long_words) * 2 >= len(words | long_words)):
            return True
    return False


def propagate_abbreviations(doc: Doc, ents: list[Span]) -> list[Span]:
    """Abbreviations defined in the article win over any lexicon sense of the same letters.

    An abbreviation ("AD") whose long form is an entity gets that entity's label and
    normalization, replacing a rule's other reading of the same letters; an abbreviation
    whose long form is no entity drops a rule's reading that does not agree with the long
    form ("PD" defined as "progressive disease" is not a drug).
    """
    if not Doc.has_extension("abbreviations"):
        return ents
    by_range = {(e.start, e.end): e for e in ents}
    ends = {e.end: e for e in ents}
    dropped: set[tuple[int, int]] = set()
    added: list[Span] = []
    for short in doc._.abbreviations:
        long_form = short._.long_form
        if long_form is None:
            continue
        ent = by_range.get((long_form.start, long_form.end))
        if ent is None:
            # an entity that ends the long form, inside it ("... colony-stimulating factor")
            # or one word before it ("X-linked adrenoleukodystrophy (ALD)"; a longer
            # phrase, "reductions in mean arterial blood pressure (BP)", names another thing)
            inner = ends.get(long_form.end)
            ent = inner if inner is not None and inner.start >= long_form.start - 1 else None
        rival = by_range.get((short.start, short.end))
        if rival is not None and rival._.found_by == ["abbreviation"]:
            continue
        if ent is None:
            if rival is not None and not _same_sense(rival, long_form.text):
                dropped.add((short.start, short.end))
            continue
        if rival is not None:
            if rival.label_ == ent.label_ and _same_sense(rival, ent.text):
                continue
            dropped.add((short.start, short.end))
        elif any((e.start < short.end and short.start < e.end) for e in ents):
            continue  # part of a longer entity ("HIT antibodies")
        span = Span(doc, short.start, short.end, label=ent.label_)
        span._.found_by = ["abbreviation"]
        span._.expansion = ent.text
        for attr in ("norm_name", "norm_ids", "norm_score", "value"):
            setattr(span._, attr, getattr(ent._, attr))
        added.append(span)
    kept = [e for e in ents if (e.start, e.end) not in dropped]
    return sorted([*kept, *added], key=lambda s: s.start)


class Resolve:
    """Sets ``doc.ents`` from the candidates and the abbreviations."""

    def __init__(self, model_first: Collection[str], model_only: Collection[str],
                 model_last: Collection[str], rules_first: Collection[str] = ()) -> None:
        self.model_first = frozenset(model_first)
        self.model_only = frozenset(model_only)
        self.model_last = frozenset(model_last)
        self.rules_first = frozenset(rules_first)

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = propagate_abbreviations(doc, choose_entities(
            doc, self.model_first, self.model_only, self.model_last, self.rules_first))
        return doc


@factory("resolve", default_config={"model_first": [], "model_only": [], "model_last": [],
                                    "rules_first": []})
def make_resolve(nlp: Language, name: str, model_first: list[str], model_only: list[str],
                 model_last: list[str], rules_first: list[str]) -> Resolve:
    """spaCy factory; ``model_first`` / ``model_only`` / ``model_last``: labels for which
    the NER model's spans win over / replace / yield to the rules'; ``rules_first``: labels
    whose rule spans win over the model's (:func:`choose_entities`)."""
    return Resolve(model_first, model_only, model_last, rules_first)
