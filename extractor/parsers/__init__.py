"""Parsers: any supported file (JATS, HTML, PDF, text) to one or more Documents."""

from __future__ import annotations

import os
from collections.abc import Callable

from extractor.document import Document, Format
from extractor.errors import ExtractorError
from extractor.parsers.detect import detect_format
from extractor.parsers.source import RawInput, from_bytes_input, read_input

ParserFn = Callable[[RawInput], list[Document]]


def _parser_for(fmt: Format) -> ParserFn:
    # Imported lazily: the PDF stack is heavy and a text-only run should not pay for it.
    if fmt == "jats":
        from extractor.parsers.jats import parse_jats

        return parse_jats
    if fmt == "html":
        from extractor.parsers.html import parse_html

        return parse_html
    if fmt == "pdf":
        from extractor.parsers.pdf import parse_pdf

        return parse_pdf
    from extractor.parsers.text import parse_text

    return parse_text


def parse_raw(raw: RawInput, fmt: Format | None = None) -> list[Document]:
    """Parse already-read input; every failure is an ExtractorError naming the file."""
    try:
        fmt = fmt or detect_format(raw.data, raw.suffix)
        docs = _parser_for(fmt)(raw)
    except ExtractorError as err:
        raise err.with_path(raw.path) from None
    except RecursionError as err:
        raise ExtractorError("document nesting too deep", path=raw.path,
                             code="malformed") from err
    if not docs:
        raise ExtractorError("no article content found", path=raw.path, code="empty")
    return docs


def parse_all(path: str | os.PathLike[str], fmt: Format | None = None) -> list[Document]:
    """Parse a file into all the Documents it holds (a JATS file may hold several articles)."""
    return parse_raw(read_input(path), fmt)


def parse(path: str | os.PathLike[str], fmt: Format | None = None) -> Document:
    """Parse a file holding one article into its Document.

    For files that hold several articles (a PMC ``<articles>`` set) use :func:`parse_all`;
    this function raises an ExtractorError for them rather than drop articles silently.
    """
    docs = parse_all(path, fmt)
    if len(docs) > 1:
        raise ExtractorError(
            f"holds {len(docs)} articles; use parse_all() to get them all",
            path=str(path), code="multiple_documents",
        )
    return docs[0]


def parse_bytes(data: bytes, name: str = "-", fmt: Format | None = None) -> list[Document]:
    """Parse in-memory bytes (``name`` is used in errors and ``source.path``)."""
    return parse_raw(from_bytes_input(data, name), fmt)


__all__ = ["parse", "parse_all", "parse_bytes", "parse_raw", "detect_format"]
