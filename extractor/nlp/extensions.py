"""Custom spaCy attributes the pipeline components share (registered once, on import).

Every entity candidate is a Span labelled with one of the evidence labels; components
communicate only through these attributes:

Span._.found_by     list[str] | None  which rules/model produced it ("lexicon:drug", "pattern:dose")
Span._.value        dict | None       parsed value (DOSE {value, value_max, unit}, ...)
Span._.norm_name    str | None        canonical lower-case name
Span._.norm_ids     dict | None       vocabulary ids {"drugbank": ..., "mesh": ..., "hpo": ...}
Span._.norm_score   float | None      similarity of a fuzzy normalization
Span._.expansion    str | None        for an abbreviation ("AD"), its long form's text
Span._.negated      bool              negated by context ("no nausea")
Span._.uncertain    bool              speculated ("possible drug-induced ...")
Span._.historical   bool              past / failed therapy or prior history
Doc._.relations     list | None       (type, head Span, tail Span) triples
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

CANDIDATES = "candidates"  # doc.spans key: every component adds its entity candidates here

_SPAN_DEFAULTS: dict[str, object] = {
    "found_by": None,
    "value": None,
    "norm_name": None,
    "norm_ids": None,
    "norm_score": None,
    "expansion": None,
    "negated": False,
    "uncertain": False,
    "historical": False,
}


def register_extensions() -> None:
    """Register the attributes (idempotent)."""
    for name, default in _SPAN_DEFAULTS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    if not Doc.has_extension("relations"):
        Doc.set_extension("relations", default=None)


def add_candidate(doc: Doc, span: Span, found_by: str, **attrs: object) -> Span:
    """Add ``span`` to the candidate group with its producer and any extension values."""
    span._.found_by = [*(span._.found_by or []), found_by]
    for key, value in attrs.items():
        setattr(span._, key, value)
    if CANDIDATES not in doc.spans:
        doc.spans[CANDIDATES] = []
    doc.spans[CANDIDATES].append(span)
    return span


register_extensions()
