"""Shared test helpers: where ../shared is, and the Document invariants every parser keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import Document

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "corpus" / "examples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside this clone)")
    return path


def assert_offsets(doc: Document) -> None:
    """Every block, section and cell indexes Document.text exactly."""
    n = len(doc.text)
    for b in doc.blocks:
        assert 0 <= b.start < b.end <= n
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= n
    for t in doc.tables:
        assert 0 <= t.start <= t.end <= n
        for c in t.cells:
            assert doc.text[c.start:c.end] == c.text
            assert 0 <= c.row < t.n_rows and 0 <= c.col < t.n_cols
            assert c.row + c.rowspan <= t.n_rows and c.col + c.colspan <= t.n_cols


def partial_nlp(*components: str):  # type: ignore[no-untyped-def]
    """The pipeline's tokenizer plus only the named components (factories), in order."""
    import spacy

    import extractor.nlp.components  # noqa: F401  (registers every factory)
    from extractor.nlp.tokenizer import build_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    for name in components:
        nlp.add_pipe(name)
    return nlp


def context_doc(nlp, text: str, ents: list[tuple[str, str]],  # type: ignore[no-untyped-def]
                sections: list[tuple[int, int, str]] | None = None, whole_words: bool = False,
                context=None):
    """``text`` split into sentences, the first occurrence of each entity text placed by hand
    with its label, then the context component run (``nlp`` from :func:`partial_nlp` with
    extractor_sentences and extractor_context, or ``context`` when given: a
    ContextComponent of other rules); ``sections`` become ``Doc._.sections``."""
    import re

    doc = nlp.make_doc(text)
    doc._.sections = sections
    doc = nlp.get_pipe("extractor_sentences")(doc)
    spans = []
    for sub, label in ents:
        pattern = r"\b" + re.escape(sub) + r"\b" if whole_words else re.escape(sub)
        m = re.search(pattern, text)
        assert m is not None, sub
        span = doc.char_span(m.start(), m.end(), label=label)
        assert span is not None, sub
        spans.append(span)
    doc.ents = spans
    return (context or nlp.get_pipe("extractor_context"))(doc)
