"""HTML article pages (publisher sites, XHTML made from JATS) to one Document.

Steps: decode the bytes (declared charset as a hint), parse with lxml through
BeautifulSoup, read the metadata from the head, note the data tables and their captions,
drop page chrome, choose the element that holds the article, then walk it once: headings
open sections, block elements become blocks, inline markup joins into their text
(``mg/m<sup>2</sup>`` gives ``mg/m2``), data tables become Tables.
"""

from __future__ import annotations

import codecs
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag
from bs4.builder import XMLParsedAsHTMLWarning

from extractor.document import BlockKind, Document, Role
from extractor.errors import ExtractorError
from extractor.parsers.builder import DocumentBuilder, normalize_inline
from extractor.parsers.html_clean import HEADINGS, choose_root, names, remove_chrome, words
from extractor.parsers.html_meta import extract_metadata, page_title
from extractor.parsers.html_tables import (
    BLOCK_TAGS,
    inline_text,
    is_data_table,
    join_label,
    read_table,
    string_text,
    table_furniture,
)
from extractor.parsers.source import RawInput, decode_report

_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG Encoding); so do we.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii",
              "iso_8859-1", "cp819", "windows-1252", "cp1252"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]")
_ALNUM = re.compile(r"\w")

_HEADING_TAGS = [*HEADINGS, "title"]
_LIST_ITEMS = frozenset({"li", "list-item"})
_CAPTIONS = frozenset({"figcaption", "caption"})
_FOOTNOTES = frozenset({"fn", "fn-group", "table-wrap-foot"})
_FIGURE_WORDS = frozenset({"fig", "figure", "table", "tbl"})
_CAPTION_WORDS = frozenset({"caption", "legend", "title", "label"})
_TITLE_NAMES = frozenset({"citation-title", "citation_title", "article-title", "articletitle"})
# Words in the class/id of a section's container that say what it is (publisher and JATS-made
# pages: class="section methods", class="ref-list", class="sec-intro").
_CLASS_ROLES: dict[str, Role] = {
    "abstract": "abstract", "intro": "introduction", "introduction": "introduction",
    "background": "introduction", "methods": "methods", "cases": "case", "results": "results",
    "discussion": "discussion", "conclusion": "conclusion", "conclusions": "conclusion",
    "ack": "acknowledgements", "acknowledgements": "acknowledgements",
    "acknowledgments": "acknowledgements", "references": "references",
    "bibliography": "references",
}


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares (``<meta charset>``, http-equiv, XML declaration)."""
    head = data[:8192]
    match = _XML_ENCODING.match(head) or _CHARSET.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _soup(text: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        try:
            return BeautifulSoup(text, "lxml")
        except RecursionError as err:
            raise ExtractorError("HTML nesting too deep", code="malformed") from err
        # The boundary with lxml/bs4: whatever they raise on hostile input is a bad file.
        except Exception as err:
            raise ExtractorError(f"cannot parse HTML ({type(err).__name__})",
                                 code="malformed") from err


class Locator:
    """XPath-like locations (``/html/body/div[2]/p[3]``) of elements in the source page.

    Step names are computed before chrome is removed, so the indexes count the original
    siblings; a path is built on demand by walking up the parents.
    """

    def __init__(self, soup: BeautifulSoup) -> None:
        self._steps: dict[int, str] = {}
        self._alive: list[Tag] = []  # keeps ids unique while the map is in use
        for parent in [soup, *soup.find_all(True)]:
            children = [c for c in parent.children if isinstance(c, Tag)]
            counts = Counter(c.name for c in children)
            seen: Counter[str] = Counter()
            for child in children:
                seen[child.name] += 1
                name = child.name
                self._steps[id(child)] = name if counts[name] == 1 else f"{name}[{seen[name]}]"
                self._alive.append(child)

    def path(self, tag: Tag) -> str:
        steps: list[str] = []
        node: Tag | None = tag
        while node is not None and not isinstance(node, BeautifulSoup):
            steps.append(self._steps.get(id(node), node.name))
            node = node.parent
        return "/" + "/".join(reversed(steps))


@dataclass
class _Frame:
    tag: Tag
    children: Iterator[object]
    block: bool
    kind: BlockKind


def _is_metadata_field(tag: Tag) -> bool:
    # class="citation_author" etc.: front-matter fields that converters put in the body;
    # they are read into Metadata and would only clutter the text.
    return any(n.startswith(("citation_", "citation-")) or n == "contrib-group"
               or n in ("doi", "email") for n in names(tag))


def _is_figure(tag: Tag) -> bool:
    """A figure, or a table's placeholder on pages that keep the table itself elsewhere."""
    if tag.name in ("figure", "fig", "table-wrap"):
        return True
    found = words(tag)
    return (tag.name in ("div", "section") and bool(found & _FIGURE_WORDS)
            and not found & _CAPTION_WORDS)


def _class_role(heading: Tag, container: Tag) -> Role | None:
    """The role the class/id names of a heading or its section's container declare."""
    found = {_CLASS_ROLES[w] for w in words(heading) | words(container) if w in _CLASS_ROLES}
    return found.pop() if len(found) == 1 else None


def _kind_of(tag: Tag, inherited: BlockKind) -> BlockKind:
    if tag.name in _LIST_ITEMS:
        return "list_item"
    if tag.name in _CAPTIONS:
        return "caption"
    found = words(tag)
    if tag.name in _FOOTNOTES or found & {"footnote", "footnotes", "fn"}:
        return "footnote"
    if found & {"caption", "figcaption"}:
        return "caption"
    return inherited


class _Walker:
    """One pass over the article root, feeding the builder in document order."""

    def __init__(self, builder: DocumentBuilder, locator: Locator, root: Tag,
                 data_tables: set[int], consumed: set[int]) -> None:
        self.b = builder
        self.loc = locator
        self.root = root
        self.data_tables = data_tables
        self.consumed = consumed
        self.title = self._find_title()
        self.levels = self._heading_levels()
        self.buf: list[str] = []
        self.buf_tag: Tag | None = None
        self.block_tags: list[Tag] = []  # the enclosing block elements, innermost last
        self.open: list[tuple[int, int]] = []  # (level, id of the element that ends it)

    # -- before the walk ----------------------------------------------------------------
    def _find_title(self) -> Tag | None:
        h1 = self.root.find("h1")
        if isinstance(h1, Tag) and inline_text(h1):
            return h1
        wanted = normalize_inline(self.b.metadata.title or "").lower()
        for h in self.root.find_all(_HEADING_TAGS):
            if not isinstance(h, Tag):
                continue
            if set(names(h)) & _TITLE_NAMES or (wanted and inline_text(h).lower() == wanted):
                return h
        return None

    def _number(self, h: Tag) -> int:
        if h.name != "title":
            return int(h.name[1])
        # A JATS <title> has no number: its depth in nested section containers gives one
        # (a top-level section's title ranks with an <h2>).
        depth = 0
        for parent in h.parents:
            if parent is self.root:
                break
            if parent.find(_HEADING_TAGS, recursive=False) is not None:
                depth += 1
        return 1 + max(depth, 1)

    def _heading_levels(self) -> dict[int, int]:
        headings = [h for h in self.root.find_all(_HEADING_TAGS)
                    if isinstance(h, Tag) and h is not self.title]
        numbers = {id(h): self._number(h) for h in headings}
        top = min(numbers.values(), default=1)
        return {key: n - top + 1 for key, n in numbers.items()}

    def _section_end(self, heading: Tag) -> Tag:
        """The element whose end closes the heading's section: the nearest ancestor that
        holds more than the heading (a wrapper around the heading alone does not count)."""
        node = heading
        while node.parent is not None and node is not self.root:
            parent = node.parent
            if parent is self.root:
                return parent
            for child in parent.children:
                if child is node:
                    continue
                if (isinstance(child, Tag) and child.get_text(strip=True)) or (
                        type(child) is NavigableString and child.strip()):
                    return parent
            node = parent
        return self.root

    # -- text -----------------------------------------------------------------------------
    def _flush(self, kind: BlockKind) -> None:
        text = normalize_inline("".join(self.buf))
        tag = self.buf_tag
        self.buf, self.buf_tag = [], None
        # Text without a letter or digit ("[]", "|") is leftover markup, not content.
        if text and _ALNUM.search(text):
            self.b.add_block(text, kind, location=self.loc.path(tag) if tag else None)

    def _add(self, text: str) -> None:
        if self.buf_tag is None and text.strip() and self.block_tags:
            self.buf_tag = self.block_tags[-1]
        self.buf.append(text)

    # -- special elements -----------------------------------------------------------------
    def _heading(self, tag: Tag) -> None:
        text = inline_text(tag)
        if not text:
            return
        where = self.loc.path(tag)
        if tag is self.title:
            self.b.add_block(text, "title", location=where)
            return
        level = self.levels.get(id(tag), 1)
        while self.open and self.open[-1][0] >= level:  # mirrors the builder's rule
            self.open.pop()
        end = self._section_end(tag)
        self.b.open_section(text, level, location=where, role=_class_role(tag, end))
        self.open.append((level, id(end)))

    def _figure(self, tag: Tag, frame: _Frame) -> bool:
        """A figure's label and caption as one caption block; False if it has neither."""
        found = [c for c in tag.find_all(True) if isinstance(c, Tag) and (
            c.name in _CAPTIONS or words(c) & {"caption", "legend"})]
        ids = {id(c) for c in found}
        outer = [c for c in found if not any(id(p) in ids for p in c.parents)]
        caption = " ".join(t for t in (inline_text(c) for c in outer) if t) or None
        label_tag = next((c for c in tag.find_all(True) if isinstance(c, Tag) and (
            c.name == "label" or "label" in words(c))), None)
        label = None  # a label inside the caption is already part of its text
        if label_tag is not None and not any(id(p) in ids for p in label_tag.parents):
            label = inline_text(label_tag) or None
        text = join_label(label, caption)
        if not text:
            return False
        self._flush(frame.kind)
        self.b.add_block(text, "caption", location=self.loc.path(tag))
        return True

    def _table(self, tag: Tag) -> None:
        parts = read_table(tag)
        self.b.add_table(parts.cells, caption=parts.caption, header_rows=parts.header_rows,
                         footnotes=parts.footnotes, location=self.loc.path(tag),
                         flags=parts.flags)

    def _special(self, tag: Tag, frame: _Frame) -> bool:
        """Handle elements that are not simply walked into; True when done with ``tag``."""
        if tag is self.title or (tag.name in HEADINGS or (
                tag.name == "title" and tag.find_parent("head") is None)):
            self._flush(frame.kind)
            self._heading(tag)
            return True
        if _is_metadata_field(tag):
            return True
        if tag.name == "br":
            self._add(" ")
            return True
        if tag.name == "table" and id(tag) in self.data_tables:
            self._flush(frame.kind)
            self._table(tag)
            return True
        if tag.name in ("td", "th"):  # a layout table's cell: its text, set apart
            self._add(" ")
            return False
        if _is_figure(tag) and tag.find("table") is None:
            return self._figure(tag, frame)
        return False

    # -- the walk -------------------------------------------------------------------------
    def run(self) -> None:
        if self.title is None and self.b.metadata.title:
            self.b.add_block(self.b.metadata.title, "title")
        stack = [_Frame(self.root, iter(list(self.root.children)), True, "paragraph")]
        self.block_tags.append(self.root)
        while stack:
            frame = stack[-1]
            node = next(frame.children, None)
            if node is None:
                stack.pop()
                self._leave(frame)
                continue
            if isinstance(node, NavigableString):
                if type(node) is NavigableString:  # not comments or script text
                    self._add(string_text(node))
                continue
            if not isinstance(node, Tag) or id(node) in self.consumed:
                continue
            if self._special(node, frame):
                continue
            block = node.name in BLOCK_TAGS and node.name not in ("td", "th")
            if block:
                self._flush(frame.kind)
                self.block_tags.append(node)
            stack.append(_Frame(node, iter(list(node.children)), block,
                                _kind_of(node, frame.kind)))
        self._flush("paragraph")

    def _leave(self, frame: _Frame) -> None:
        ends_section = bool(self.open) and self.open[-1][1] == id(frame.tag)
        if frame.block or ends_section:
            self._flush(frame.kind)
        if frame.block:
            self.block_tags.pop()
        while self.open and self.open[-1][1] == id(frame.tag):
            self.open.pop()
            self.b.close_section()


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    text, encoding, warnings = decode_report(data, declared_charset(data))
    sample = text[:8192]
    if sample and len(_CONTROL.findall(sample)) > 0.05 * len(sample):
        raise ExtractorError("binary data, not an HTML page", code="unsupported_format")
    return text.replace("\x00", ""), encoding, warnings


def parse_html(raw: RawInput) -> list[Document]:
    """Parse an HTML article page into one Document (raises ExtractorError on bad input)."""
    text, encoding, decoded = _decode(raw.data)
    soup = _soup(text)
    builder = DocumentBuilder(raw, "html", encoding=encoding, metadata=extract_metadata(soup))
    builder.warnings.extend(decoded)
    fallback_title = page_title(soup)
    locator = Locator(soup)
    # Tables and their captions are found before chrome removal, so that a table's
    # "table-footer" notes are not mistaken for the page footer.
    tables = [t for t in soup.find_all("table") if isinstance(t, Tag) and is_data_table(t)]
    furniture = [f for t in tables for f in table_furniture(t)]
    remove_chrome(soup, keep={id(f) for f in furniture})
    root = choose_root(soup)
    if root is None:
        raise ExtractorError("no article text found in the HTML", code="empty")
    walker = _Walker(builder, locator, root, {id(t) for t in tables},
                     {id(f) for f in furniture})
    if builder.metadata.title is None:
        heading = inline_text(walker.title) if walker.title is not None else ""
        builder.metadata.title = heading or fallback_title
    try:
        walker.run()
    except RecursionError as err:  # bs4 helpers recurse on absurdly deep nesting
        raise ExtractorError("HTML nesting too deep", code="malformed") from err
    doc = builder.build()
    if not any(b.kind != "title" for b in doc.blocks) and not doc.tables:
        raise ExtractorError("no article text found in the HTML", code="empty")
    return [doc]


__all__ = ["declared_charset", "parse_html"]
