"""Bibliographic metadata of an HTML article page: ``citation_*``, Dublin Core, Open Graph.

Publisher pages describe the article in ``<meta>`` tags (Highwire ``citation_*`` tags are
what Google Scholar reads, so nearly every journal has them). Pages made from JATS by
converters carry the same facts as ``class="citation_*"`` elements in the body instead;
those are the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, Tag

from extractor.document import Metadata
from extractor.parsers.builder import normalize_inline

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)")
_PMCID = re.compile(r"\bPMC\d{4,10}\b")
_PMCID_LABELLED = re.compile(r"\bPMCID:?\s*(PMC\d{4,10})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d|2100)\b")

_TITLE_KEYS = ("citation_title", "dc.title", "og:title", "twitter:title")
_YEAR_KEYS = (
    "citation_publication_date", "citation_date", "citation_online_date",
    "citation_cover_date", "citation_year", "dc.date.issued", "dc.date",
    "prism.publicationdate", "article:published_time",
)
_JOURNAL_KEYS = ("citation_journal_title", "prism.publicationname", "citation_conference_title")
_AUTHOR_KEYS = ("citation_author", "dc.creator", "dc.contributor")


def meta_tags(soup: BeautifulSoup) -> dict[str, list[str]]:
    """All ``<meta name|property=... content=...>`` values, keyed by the lower-cased name."""
    out: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        if not isinstance(tag, Tag):
            continue
        key = attr(tag, "name") or attr(tag, "property") or attr(tag, "itemprop")
        content = normalize_inline(attr(tag, "content"))
        if key and content:
            out.setdefault(key.strip().lower(), []).append(content)
    return out


def attr(tag: Tag, name: str) -> str:
    """An attribute as one string ('' when absent; multi-valued ones joined by spaces)."""
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _first(meta: dict[str, list[str]], keys: Iterable[str]) -> str | None:
    for key in keys:
        for value in meta.get(key, []):
            if value:
                return value
    return None


def clean_doi(value: str | None) -> str | None:
    """The bare DOI (``10.xxxx/...``) in a value such as ``doi:10.1/x`` or a doi.org URL."""
    if not value:
        return None
    match = _DOI.search(value)
    return match.group(1).rstrip(".,;)]") if match else None


def year_of(value: str | None) -> int | None:
    """The first plausible publication year (1800-2100) in a date string."""
    if not value:
        return None
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def _class_words(tag: Tag) -> set[str]:
    return {c.lower() for c in attr(tag, "class").split()}


def _body_fields(soup: BeautifulSoup) -> dict[str, list[str]]:
    """``class="citation_author"``-style fields that JATS-to-HTML converters put in the body."""
    wanted = {"citation_title", "citation-title", "article-title", "citation_author",
              "citation_pubdate", "citation_date", "doi", "citation_doi", "citation_journal_title"}
    out: dict[str, list[str]] = {}
    for tag in soup.find_all(class_=True):
        if not isinstance(tag, Tag):
            continue
        for word in _class_words(tag) & wanted:
            text = normalize_inline(tag.get_text(" "))
            if text:
                out.setdefault(word.replace("-", "_"), []).append(text)
    return out


def page_title(soup: BeautifulSoup) -> str | None:
    """The text of the page's ``<head><title>`` (often with the site's name appended)."""
    for tag in soup.find_all("title"):
        # A <title> outside <head> is a section title in converter output, not the page's.
        if isinstance(tag, Tag) and tag.find_parent("head") is not None:
            return normalize_inline(tag.get_text()) or None
    return None


def extract_metadata(soup: BeautifulSoup) -> Metadata:
    """Metadata from the page head, falling back to marked-up fields in the body.

    The title comes from meta tags only; the parser falls back to the article's heading,
    then to :func:`page_title`.
    """
    meta = meta_tags(soup)
    body = _body_fields(soup)
    identifiers = meta.get("dc.identifier", []) + meta.get("citation_id", [])

    title = _first(meta, _TITLE_KEYS) or _first(body, ("citation_title", "article_title"))

    doi = clean_doi(_first(meta, ("citation_doi", "prism.doi", "dc.identifier.doi")))
    if doi is None:
        doi = next((d for d in map(clean_doi, identifiers) if d), None)
    if doi is None:
        doi = clean_doi(_first(body, ("citation_doi", "doi")))

    pmid = _first(meta, ("citation_pmid", "dc.identifier.pmid"))
    pmid = pmid if pmid and pmid.strip().isdigit() else None
    if pmid is None:
        pmid = next((i.split(":", 1)[1].strip() for i in identifiers
                     if i.lower().startswith("pmid:") and i.split(":", 1)[1].strip().isdigit()),
                    None)

    pmcid = _first(meta, ("citation_pmcid",))
    pmcid_match = _PMCID.search(pmcid or "") or next(
        (m for m in (_PMCID.search(i) for i in identifiers) if m), None)
    if pmcid_match is None:
        # Only a labelled "PMCID: PMC123" in the page: bare PMC numbers are often references.
        pmcid_match = _PMCID_LABELLED.search(soup.get_text(" "))
    pmcid = pmcid_match.group(pmcid_match.lastindex or 0) if pmcid_match else None

    authors = next((meta[k] for k in _AUTHOR_KEYS if meta.get(k)), None) or body.get(
        "citation_author", [])
    year = year_of(_first(meta, _YEAR_KEYS)) or year_of(
        _first(body, ("citation_pubdate", "citation_date")))
    language = _first(meta, ("citation_language", "dc.language"))
    if language is None:
        html = soup.find("html")
        language = (attr(html, "lang") or attr(html, "xml:lang") or None) if isinstance(
            html, Tag) else None

    return Metadata(
        title=title,
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        journal=_first(meta, _JOURNAL_KEYS) or _first(body, ("citation_journal_title",)),
        year=year,
        authors=list(dict.fromkeys(authors)),
        article_type=_first(meta, ("citation_article_type", "dc.type")),
        language=language,
    )
