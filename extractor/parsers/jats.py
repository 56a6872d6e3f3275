"""JATS / PMC NXML articles (single articles, article sets, root-less fragments) to Documents.

Safety first: the XML is parsed with lxml without DTD loading, network access, entity
substitution or huge-tree support, and any document that declares entities in its DOCTYPE
(the billion-laughs bomb, external entities such as ``file:///etc/passwd``) is refused
before it reaches the parser. Named HTML entities (``&nbsp;``), which JATS files use
without a DTD to define them, are turned into character references first.
"""

from __future__ import annotations

import html.entities
import re
from typing import Any

from lxml import etree

from extractor.document import Document, Metadata
from extractor.errors import ExtractorError
from extractor.parsers.builder import DocumentBuilder, normalize_inline
from extractor.parsers.jats_body import BodyWalker, inline_text, local_name
from extractor.parsers.source import RawInput, decode_report

Element = Any  # lxml.etree._Element

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_NAMED_REFERENCE = re.compile(rb"&([A-Za-z][A-Za-z0-9]{0,31});")
_XML_PREDEFINED = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
# What may come before the root element: XML declaration, comments, PIs, DOCTYPE.
_PROLOG = re.compile(
    rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)*", re.S
)
_ENCODING_DECLARATION = re.compile(r"\A(\s*<\?xml[^>]*?)\s+encoding\s*=\s*([\"'])[^\"']*\2")
# Fragments (e.g. abstract + results sections cut out of an article) have several top-level
# elements and use prefixes declared on the article they came from.
_FRAGMENT_OPEN = (
    b'<jats-fragment xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'xmlns:mml="http://www.w3.org/1998/Math/MathML" '
    b'xmlns:ali="http://www.niso.org/schemas/ali/1.0/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
)
_FRAGMENT_CLOSE = b"</jats-fragment>"
# Elements that show a fragment (or an unknown root) holds article content.
_CONTENT = frozenset({"article", "abstract", "body", "sec", "p", "table-wrap", "fig"})
_PREFERRED_DATES = frozenset({"epub", "ppub", "collection", "pub", "epub-ppub"})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_jats(raw: RawInput) -> list[Document]:
    """Parse JATS/NXML bytes into one Document per article.

    Single-article files give one Document whose id is the article's own
    (:func:`~extractor.parsers.builder.article_id`: DOI, PMCID, PMID), else the file stem;
    ``<articles>`` / ``<pmc-articleset>`` files give one per article, id the article's own
    (else ``<stem>-<n>``); root-less fragments are wrapped and parsed as one Document.
    Raises ExtractorError with code ``unsafe`` (entity declarations), ``malformed`` (not
    well-formed XML) or ``empty`` (no article content).
    """
    data = _ascii_compatible(raw.data)
    if _ENTITY_DECLARATION.search(data):
        raise ExtractorError(
            "XML entity declarations are not allowed (possible XML bomb / external entity)",
            code="unsafe",
        )
    data = _named_entities_to_references(data)
    root, encoding, warnings = _parse_xml(data)
    try:
        return _documents(root, raw, encoding, warnings)
    except RecursionError as err:
        raise ExtractorError("document nesting too deep", code="malformed") from err


# -- bytes to tree ----------------------------------------------------------------------------
def _ascii_compatible(data: bytes) -> bytes:
    """UTF-16 input (with a BOM) re-encoded as UTF-8, so byte-level checks see the markup."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _as_utf8(data.decode("utf-16", errors="replace"))
    return data


def _as_utf8(text: str) -> bytes:
    """Text as UTF-8 bytes, its XML declaration no longer claiming another encoding."""
    return _ENCODING_DECLARATION.sub(r"\1", text.lstrip("\ufeff"), count=1).encode("utf-8")


def _named_entities_to_references(data: bytes) -> bytes:
    """``&nbsp;`` → ``&#xa0;`` for HTML entity names (the DTD that defines them is not read)."""

    def replace(m: re.Match[bytes]) -> bytes:
        name = m.group(1)
        if name in _XML_PREDEFINED:
            return m.group(0)
        chars = html.entities.html5.get(name.decode("ascii") + ";")
        if chars is None:
            return m.group(0)  # unknown: lxml reports it as malformed
        return b"".join(b"&#x%x;" % ord(c) for c in chars)

    return _NAMED_REFERENCE.sub(replace, data)


def _xml_parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True)


def _fromstring(data: bytes) -> Element:
    return etree.fromstring(data, _xml_parser())


def _malformed(err: Exception) -> ExtractorError:
    message = re.sub(r"\s*\(<string>, line \d+\)\s*$", "", str(err)).strip()
    return ExtractorError(f"malformed XML: {message or type(err).__name__}", code="malformed")


def _parse_xml(data: bytes) -> tuple[Element, str | None, list[str]]:
    """Parse bytes into (root, encoding, warnings). lxml honours the declared encoding;
    fall back for fragments and for bytes that do not match their declared encoding."""
    warnings: list[str] = []
    encoding: str | None = None
    try:
        root = _fromstring(data)
        return root, root.getroottree().docinfo.encoding, warnings
    except (etree.LxmlError, ValueError) as err:
        first: Exception = err
    if "encoding" in str(first).lower() or "utf-8" in str(first).lower():
        declared = re.search(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)", data[:200])
        text, encoding, decoded = decode_report(
            data, declared.group(1).decode() if declared else None)
        warnings.append(f"bytes do not match the declared encoding; decoded as {encoding}")
        warnings.extend(decoded)
        data = _as_utf8(text)
        try:
            return _fromstring(data), encoding, warnings
        except (etree.LxmlError, ValueError) as err:
            first = err
    prolog = _PROLOG.match(data)
    cut = prolog.end() if prolog else 0
    try:
        root = _fromstring(data[:cut] + _FRAGMENT_OPEN + data[cut:] + _FRAGMENT_CLOSE)
    except (etree.LxmlError, ValueError) as err:
        # Report the wrapped error when wrapping was the cure for the first one.
        fragment_like = any(s in str(first) for s in ("Extra content", "Namespace prefix"))
        raise _malformed(err if fragment_like else first) from None
    if not _has_content(root):
        raise _malformed(first)
    return root, encoding or root.getroottree().docinfo.encoding, warnings


def _has_content(root: Element) -> bool:
    return any(local_name(el) in _CONTENT for el in root.iter())


# -- tree to documents ------------------------------------------------------------------------
def _documents(
    root: Element, raw: RawInput, encoding: str | None, warnings: list[str]
) -> list[Document]:
    """One Document per article (or one for a fragment); articles with no text are left out."""
    name = local_name(root)
    if name == "article":
        articles = [root]
    else:
        articles = [a for a in root.iter("{*}article")
                    if not any(local_name(p) == "article" for p in a.iterancestors())]
    docs: list[Document] = []
    if articles:
        for n, article in enumerate(articles, 1):
            builder = DocumentBuilder(raw, "jats", encoding=encoding, warnings=list(warnings))
            doc = _article(article, builder)
            if not doc.text:
                continue
            # Articles of one file without identifiers (or sharing one) are told apart by n.
            if len(articles) > 1 and (doc.id == raw.stem or any(d.id == doc.id for d in docs)):
                doc = doc.model_copy(update={"id": f"{raw.stem}-{n}"})
            docs.append(doc)
    elif _has_content(root):
        builder = DocumentBuilder(raw, "jats", encoding=encoding, warnings=list(warnings))
        BodyWalker(builder).container(root, 1)
        doc = builder.build()
        if doc.text:
            docs.append(doc)
    else:
        raise ExtractorError(f"no JATS article content (root element <{name}>)", code="empty")
    if not docs:
        raise ExtractorError("no article content found (no title, abstract or body text)",
                             code="empty")
    return docs


def _article(article: Element, builder: DocumentBuilder) -> Document:
    """One ``<article>``: metadata, then title, abstracts, body, back matter, floats."""
    meta = article.find("front/article-meta")
    builder.metadata = _metadata(article, meta)
    walker = BodyWalker(builder)
    if meta is not None:
        title = meta.find("title-group/article-title")
        if title is not None:
            builder.add_block(inline_text(title), "title", location=walker.where(title))
        for subtitle in meta.findall("title-group/subtitle"):
            builder.add_block(inline_text(subtitle), "title", location=walker.where(subtitle))
        for abstract in meta.findall("abstract"):
            walker.abstract(abstract, 1)
    for part in ("body", "back", "floats-group"):
        for el in article.findall(part):
            walker.container(el, 1)
    for sub in article:
        if local_name(sub) in ("sub-article", "response"):
            walker.sub_article(sub, 1)
    # A table anywhere else (front matter, unusual nesting) still must not be lost.
    for wrap in article.iter("{*}table-wrap"):
        if walker.where(wrap) in walker.placed or any(
            local_name(a) in ("table-wrap", "ref-list") for a in wrap.iterancestors()
        ):
            continue
        builder.warnings.append(f"table-wrap outside the article text at {walker.where(wrap)}")
        walker.table_wrap(wrap)
    return builder.build()


# -- metadata ---------------------------------------------------------------------------------
def _metadata(article: Element, meta: Element | None) -> Metadata:
    """Title, ids, journal, year, authors, type and language of one article."""
    md = Metadata(article_type=article.get("article-type") or None,
                  language=article.get(_XML_LANG) or None)
    if meta is None:
        return md
    md.title = inline_text(meta.find("title-group/article-title")) or None
    for aid in meta.findall("article-id"):
        kind = (aid.get("pub-id-type") or "").lower()
        value = normalize_inline(inline_text(aid))
        if not value:
            continue
        if kind == "doi" and not md.doi:
            md.doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
        elif kind == "pmid" and not md.pmid:
            md.pmid = value
        elif kind in ("pmc", "pmcid", "pmc-uid") and not md.pmcid:
            digits = re.sub(r"^PMC", "", value, flags=re.I)
            md.pmcid = f"PMC{digits}" if digits.isdigit() else value
    md.journal = _journal(article.find("front/journal-meta"))
    md.year = _year(meta)
    md.authors = _authors(meta)
    return md


def _journal(journal: Element | None) -> str | None:
    if journal is None:
        return None
    for path in ("journal-title-group/journal-title", "journal-title"):
        title = inline_text(journal.find(path))
        if title:
            return title
    ids = {(j.get("journal-id-type") or ""): inline_text(j) for j in journal.findall("journal-id")}
    for kind in ("nlm-ta", "iso-abbrev", "publisher-id"):
        if ids.get(kind):
            return ids[kind]
    return next((v for v in ids.values() if v), None)


def _year(meta: Element) -> int | None:
    """The first year of an epub/ppub/collection date, else of any publication date."""
    dated: list[tuple[str, int]] = []
    for date in meta.findall("pub-date"):
        m = re.search(r"\d{4}", inline_text(date.find("year")))
        if m:
            kind = (date.get("pub-type") or date.get("date-type") or "").lower()
            dated.append((kind, int(m.group(0))))
    preferred = [year for kind, year in dated if kind in _PREFERRED_DATES]
    years = preferred or [year for _, year in dated]
    return years[0] if years else None


def _authors(meta: Element) -> list[str]:
    """Authors as "Given Surname" (or a group's name), in order."""
    authors: list[str] = []
    for contrib in meta.findall("contrib-group/contrib"):
        if (contrib.get("contrib-type") or "author").lower() != "author":
            continue
        name = contrib.find("name")
        if name is None:
            name = contrib.find("name-alternatives/name")
        if name is not None:
            given = inline_text(name.find("given-names"))
            surname = inline_text(name.find("surname"))
            full = " ".join(p for p in (given, surname) if p)
        else:
            full = inline_text(contrib.find("string-name")) or inline_text(
                contrib.find("collab"))
        if full:
            authors.append(full)
    return authors
