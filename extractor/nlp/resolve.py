"""Choosing the entities: overlapping candidates from lexicons, patterns and the model
become one non-overlapping ``doc.ents``; abbreviations inherit their long form's entity."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.nlp.extensions import CANDIDATES

# On a tie in length, the more specific producer wins (a curated alias beats a generic
# lexicon hit, a pattern with a parsed value beats both for its labels).
_PRIORITY = {"pattern": 3, "curated": 2, "model": 1, "lexicon": 1}


def _rank(span: Span) -> tuple[int, int, int]:
    kinds = [f.split(":", 1)[0] for f in span._.found_by or []]
    best = max((_PRIORITY.get(k, 0) for k in kinds), default=0)
    return (len(span.text), best, len(kinds))


def _merge_found_by(spans: list[Span]) -> None:
    """Candidates with identical offsets and label share the union of their producers."""
    by_key: dict[tuple[int, int, str], list[str]] = {}
    for s in spans:
        key = (s.start, s.end, s.label_)
        merged = by_key.setdefault(key, [])
        for f in s._.found_by or []:
            if f not in merged:
                merged.append(f)
    for s in spans:
        s._.found_by = by_key[(s.start, s.end, s.label_)]


def choose_entities(doc: Doc) -> list[Span]:
    """Longest-first, non-overlapping selection of the candidate spans."""
    spans = list(doc.spans.get(CANDIDATES, []))
    _merge_found_by(spans)
    taken: set[int] = set()
    chosen: list[Span] = []
    for span in sorted(spans, key=_rank, reverse=True):
        if any(i in taken for i in range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def propagate_abbreviations(doc: Doc, ents: list[Span]) -> list[Span]:
    """An abbreviation ("AD") whose long form is an entity gets that entity's label."""
    if not Doc.has_extension("abbreviations"):
        return ents
    by_range = {(e.start, e.end): e for e in ents}
    taken = {i for e in ents for i in range(e.start, e.end)}
    added: list[Span] = []
    for short in doc._.abbreviations:
        long_form = short._.long_form
        ent = by_range.get((long_form.start, long_form.end)) if long_form is not None else None
        if ent is None or any(i in taken for i in range(short.start, short.end)):
            continue
        span = Span(doc, short.start, short.end, label=ent.label_)
        span._.found_by = ["abbreviation"]
        span._.expansion = ent.text
        for attr in ("norm_name", "norm_ids", "norm_score", "value"):
            setattr(span._, attr, getattr(ent._, attr))
        taken.update(range(short.start, short.end))
        added.append(span)
    return sorted([*ents, *added], key=lambda s: s.start)


@Language.component("extractor_resolve")
def resolve_entities(doc: Doc) -> Doc:
    """Set ``doc.ents`` from the candidates and the abbreviations."""
    doc.ents = propagate_abbreviations(doc, choose_entities(doc))
    return doc
