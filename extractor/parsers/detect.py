"""Detecting an input's format from its bytes (the extension is only a tie-breaker)."""

from __future__ import annotations

import re

from extractor.document import Format
from extractor.errors import ExtractorError

# Magic numbers of common non-article files, so the error can say what the file is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (e.g. DOCX/XLSX)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an MS Office (OLE) file"),
    (b"{\\rtf", "an RTF document"),
)

_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s", re.I)
_JATS = re.compile(
    rb"<!DOCTYPE\s+(?:pmc-)?article|<(?:pmc-articleset|articles?)[\s>]|<front[\s>]|"
    rb"<article-meta[\s>]|<abstract[\s>]|<sec[\s>]|<table-wrap[\s>]|jats",
    re.I,
)


def _looks_binary(head: bytes) -> bool:
    """True for data that is not text in any common encoding (NULs, many control bytes)."""
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM is text
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.05


def detect_format(data: bytes, suffix: str = "") -> Format:
    """Return ``pdf``, ``jats``, ``html`` or ``text`` for ``data``; raise for anything else."""
    head = data[:8192]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ExtractorError(f"unsupported format: {what}", code="unsupported_format")
    if suffix == ".pdf" and not _looks_textual_markup(head):
        raise ExtractorError("not a PDF: no %PDF- header (corrupt or truncated file)",
                             code="corrupt")
    if _looks_binary(head):
        raise ExtractorError(
            "binary data, not an article (expected PDF, JATS/XML, HTML or text)",
            code="unsupported_format",
        )
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if probe.startswith(b"<") or suffix in (".xml", ".nxml", ".html", ".htm", ".xhtml"):
        is_html = bool(_HTML.search(head))
        is_jats = bool(_JATS.search(head))
        # XHTML made from JATS (ContentMine "scholarly.html") has an <html> root: it is HTML.
        root = re.search(rb"<([A-Za-z][\w:.-]*)", re.sub(rb"<[?!][^>]*>", b"", probe[:4096]))
        root_name = root.group(1).lower() if root else b""
        if root_name == b"html" or (is_html and not is_jats):
            return "html"
        if is_jats or suffix in (".xml", ".nxml"):
            return "jats"
        if probe.startswith(b"<"):
            return "html"
    return "text"


def _looks_textual_markup(head: bytes) -> bool:
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return probe.startswith(b"<") and not _looks_binary(head)
