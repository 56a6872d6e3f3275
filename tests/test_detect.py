"""Format detection looks at content; the extension only breaks ties."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.errors import ExtractorError
from extractor.parsers.detect import detect_format
from extractor.parsers.source import decode_text


@pytest.mark.parametrize(
    ("data", "suffix", "expected"),
    [
        (b"%PDF-1.7\n...", ".txt", "pdf"),
        (b"<?xml version='1.0'?>\n<!DOCTYPE article PUBLIC '-//NLM//DTD JATS'>\n<article>",
         ".html", "jats"),
        (b"<articles><article><front/></article></articles>", "", "jats"),
        (b"<abstract><p>x</p></abstract>\n<sec><title>Results</title></sec>", ".xml", "jats"),
        (b"<!DOCTYPE html><html><head><title>t</title></head><body>", ".xml", "html"),
        (b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><article>", "", "html"),
        (b"Title of a case report\n\nMethotrexate 15 mg weekly was given.", ".html", "text"),
        (b"\xef\xbb\xbfplain text with a BOM", "", "text"),
    ],
)
def test_detects_format_from_content(data: bytes, suffix: str, expected: str) -> None:
    assert detect_format(data, suffix) == expected


@pytest.mark.parametrize(
    ("data", "suffix", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ".html", "PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", ".pdf", "ZIP archive"),
        (bytes(range(256)) * 4, ".html", "binary data"),
        (b"Just some words, not a PDF at all", ".pdf", "no %PDF- header"),
    ],
)
def test_refuses_what_is_not_an_article(data: bytes, suffix: str, reason: str) -> None:
    with pytest.raises(ExtractorError, match=reason):
        detect_format(data, suffix)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["", ".pdf", ".html", ".xml", ".txt"]))
def test_detection_returns_a_format_or_the_toolkit_error(data: bytes, suffix: str) -> None:
    with contextlib.suppress(ExtractorError):
        assert detect_format(data, suffix) in {"pdf", "jats", "html", "text"}


def test_decodes_legacy_encodings_and_declared_ones() -> None:
    text = "Le patient a reçu 15 µg de méthotrexate; niño con dermatitis atópica."
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    decoded, encoding = decode_text(text.encode("cp1252"))
    assert decoded == text and encoding != "utf-8"
    assert decode_text(text.encode("latin-1"), declared="iso-8859-1")[0] == text
    assert decode_text(text.encode("utf-16"))[0] == text
