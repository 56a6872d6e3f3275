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
Span._.status       str | None        assertion status (evidence.Status: given, not_given, ...,
                                      present, absent, ...) set by the context component
Span._.status_evidence dict | None    what decided it {rule, text, start, end} (char offsets)
Span._.section      str | None        role of the section holding the span (Section.role)
Doc._.relations     list | None       (type, head Span, tail Span) triples
Doc._.sections      list | None       (start, end, role) character ranges of the Document's
                                      sections, sorted, non-overlapping (set by Pipeline
                                      before the components run; None for a bare text)

``doc_text(doc)`` is ``doc.text`` computed once per Doc (spaCy rebuilds ``Doc.text`` from
every token on each access; several components read it). The pipeline's tokenizer
(extractor/nlp/tokenizer.py) stores the text it was given, so it is not even rebuilt once.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

CANDIDATES = "candidates"  # doc.spans key: every component adds its entity candidates here
# doc.user_data key of the cached text (user_data is the Doc's free-form store; extension
# values live there under ("._.", ...) keys, so this key cannot clash with them).
TEXT_KEY = "extractor.text"
# doc.user_data key under which the NER model component (extractor/nlp/ner.py) lists its
# spans as [start, end, label] (token offsets). Span extension values are stored per
# offsets, not per label, so ``found_by`` cannot tell a model span from a rule span with
# the same offsets and another label; resolve reads this list (present once the model ran).
MODEL_SPANS = "extractor.model_spans"

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
    "status": None,
    "status_evidence": None,
    "section": None,
}


def register_extensions() -> None:
    """Register the attributes (idempotent)."""
    for name, default in _SPAN_DEFAULTS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name in ("relations", "sections"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def add_candidate(doc: Doc, span: Span, found_by: str, **attrs: object) -> Span:
    """Add ``span`` to the candidate group with its producer and any extension values."""
    ext = span._  # each ``span._`` builds a new accessor object: take it once
    ext.found_by = [*(ext.found_by or []), found_by]
    for key, value in attrs.items():
        setattr(ext, key, value)
    spans = doc.spans
    if CANDIDATES not in spans:
        spans[CANDIDATES] = []
    spans[CANDIDATES].append(span)
    return span


def doc_text(doc: Doc) -> str:
    """``doc.text``, built from the tokens once and then cached on the Doc.

    A Doc's text never changes (retokenizing merges or splits tokens, not characters), so
    the cache stays valid; its length is checked against the last token all the same.
    """
    cached = doc.user_data.get(TEXT_KEY)
    if isinstance(cached, str) and len(cached) == _text_length(doc):
        return cached
    text = doc.text
    doc.user_data[TEXT_KEY] = text
    return text


def _text_length(doc: Doc) -> int:
    if len(doc) == 0:
        return 0
    last = doc[-1]
    return last.idx + len(last.text_with_ws)


register_extensions()
