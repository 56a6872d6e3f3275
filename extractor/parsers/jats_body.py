"""Walking a JATS article's content (abstract, body, back, floats) into a DocumentBuilder.

JATS mixes block and inline content freely: a ``<p>`` may hold a ``<fig>``, a ``<list>`` or
a ``<table-wrap>``. Text is therefore read as a *flow* of strings and block elements; the
strings between two blocks become one paragraph, each block is handled on its own. Inline
markup (``<italic>``, ``<sup>``, ``<xref>``...) adds no spaces ("mg/m<sup>2</sup>" stays
"mg/m2"); elements that end a line in print (``<p>``, ``<break/>``, ``<td>``, list items)
add a space when they are read inline, so words never glue together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from extractor.document import BlockKind, Role
from extractor.parsers.builder import CellSpec, DocumentBuilder, PlacedCell, layout_rows
from extractor.roles import role_from_sec_type

Element = Any  # lxml.etree._Element (lxml ships no type stubs here)

# Never text of the article: image descriptions, ids, reference lists, MathML annotations
# (which repeat the formula as TeX), licence boilerplate.
DROP = frozenset({
    "alt-text", "long-desc", "object-id", "ref-list", "graphic", "inline-graphic",
    "annotation", "annotation-xml", "permissions", "processing-meta", "sec-meta",
    "kwd-group", "counts", "custom-meta-group", "self-uri",
})
# Elements that stand on their own: a paragraph's text is split around them.
BLOCK = frozenset({
    "fig", "fig-group", "table-wrap", "table-wrap-group", "table", "array", "list",
    "def-list", "disp-quote", "boxed-text", "supplementary-material", "speech", "statement",
    "verse-group", "preformat", "code", "chem-struct-wrap", "sec", "ref-list",
})
# Read inline, these still separate words (a space on each side).
SPACED = frozenset({
    "p", "break", "list", "list-item", "def-list", "def-item", "term", "def", "title",
    "label", "caption", "disp-formula", "attrib", "fn", "table", "thead", "tbody", "tfoot",
    "tr", "td", "th", "sec", "fig", "table-wrap", "disp-quote", "boxed-text", "speech",
    "speaker", "statement", "verse-line", "hr", "mtr", "mtd", "tex-math", "addr-line",
    "given-names", "surname", "prefix", "suffix", "name", "string-name", "aff", "contrib",
    "preformat", "code", "supplementary-material", "array",
})
# Inline markup that may sit directly in a container (``<sec>``) beside its paragraphs.
INLINE = frozenset({
    "italic", "bold", "sup", "sub", "sc", "underline", "monospace", "sans-serif", "roman",
    "overline", "strike", "xref", "ext-link", "uri", "email", "inline-formula",
    "named-content", "styled-content", "abbrev", "inline-supplementary-material", "target",
    "break", "hr", "private-char", "glyph-ref", "glyph-data", "ruby", "x", "math",
    "tex-math", "alternatives", "inline-graphic", "related-article", "related-object",
    "string-date", "milestone-start", "milestone-end", "underline-start", "underline-end",
    "fixed-case", "num", "index-term", "index-term-range-end",
})
SECTIONS = frozenset({"sec", "ack", "app", "notes", "glossary", "bio"})
# Containers whose own label/caption/title is a caption and whose children are blocks.
CAPTIONED = frozenset({
    "boxed-text", "disp-quote", "fig-group", "table-wrap-group", "speech", "statement",
    "verse-group", "fn-group", "app-group", "body", "back", "floats-group",
    "disp-formula-group", "chem-struct-wrap", "fig", "supplementary-material", "media",
})
METADATA = frozenset({
    "front", "front-stub", "article-meta", "journal-meta", "title-group", "contrib-group",
    "history", "pub-date", "article-id", "trans-abstract", "funding-group", "author-notes",
})
# Back matter is often untitled; these names let later steps recognise (and skip) it.
_DEFAULT_TITLES = {"ack": "Acknowledgments", "app": "Appendix"}
# Back-matter elements say what they are whatever their title.
_ELEMENT_ROLES: dict[str, Role] = {
    "ack": "acknowledgements", "app": "acknowledgements", "notes": "acknowledgements",
    "glossary": "acknowledgements", "bio": "acknowledgements",
}
# HTML caps colspan at 1000; an absurd span must not blow up the layout grid.
MAX_COLSPAN = 1000
# Superscript footnote marks: "a", "a,b", "b-d", "*", "\u2020\u2020"; and a trademark "TM",
# which would otherwise glue to the drug name it follows.
_MARK = r"(?:[A-Za-z]|[*\u2020\u2021\u00a7\u00b6#\u2016]+)"
_FOOTNOTE_MARK = re.compile(rf"{_MARK}(?:\s*[,\u2013-]\s*{_MARK})*|TM")
_WORD_START = re.compile(r"\w")
_WORD_END = re.compile(r"\w\Z")
_NOTE_REFS = frozenset({"bibr", "fn", "table-fn"})
_TEX_DOCUMENT = re.compile(r"\\begin\{document\}(.*?)\\end\{document\}", re.S)


def local_name(el: Element) -> str:
    """The element's name without namespace; "" for comments, PIs and entity references."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _pick_alternative(alt: Element) -> Element | None:
    """One rendering out of ``<alternatives>``: MathML, else TeX, else the first non-image."""
    kids = [c for c in alt if local_name(c)]
    for wanted in ("math", "tex-math"):
        for kid in kids:
            if local_name(kid) == wanted:
                return kid
    return next((k for k in kids if local_name(k) not in DROP), None)


def _tex(text: str) -> str:
    """The formula out of PMC's TeX (a whole LaTeX document wrapped around it)."""
    m = _TEX_DOCUMENT.search(text)
    return (m.group(1) if m else text).strip().strip("$")


def flow(el: Element, mode: str) -> Iterator[str | Element]:
    """The content of ``el`` (not its tail) as strings and block elements, in order.

    ``mode``: "container" (anything not inline markup is a block: children of ``<sec>``),
    "paragraph" (only BLOCK elements are blocks), "inline" (nothing is: all text).
    """
    if el.text and local_name(el):
        yield el.text
    for child in el:
        name = local_name(child)
        if name and name not in DROP:
            if mode == "container":
                is_block = name not in INLINE
            else:
                is_block = mode == "paragraph" and name in BLOCK
            if is_block:
                yield child
            else:
                yield from _inline(child, name, "inline" if mode == "inline" else "paragraph")
        if child.tail:
            yield child.tail


def _is_marker(el: Element, name: str) -> bool:
    """A citation or footnote mark set against its word: "melanoma<sup><xref>3</xref></sup>",
    "fibers<xref ref-type="bibr">1</xref>", "baseline<sup>a</sup>" (not "m<sup>2</sup>")."""
    if name == "sup":
        if any(local_name(c) == "xref" for c in el):
            return True
        return bool(_FOOTNOTE_MARK.fullmatch("".join(el.itertext()).strip()))
    if name != "xref":
        return False
    if _child(el, "sup") is not None:
        return True
    # Publishers superscript these when rendering: "[<xref>1</xref>]" needs no space.
    return (el.get("ref-type") or "") in _NOTE_REFS and bool(_WORD_END.search(_before(el)))


def _before(el: Element) -> str:
    """The text just before ``el`` inside its parent."""
    prev = el.getprevious()
    if prev is None:
        parent = el.getparent()
        return (parent.text or "") if parent is not None else ""
    return prev.tail or "".join(t for t in prev.itertext() if isinstance(t, str))


def _inline(el: Element, name: str, mode: str) -> Iterator[str | Element]:
    spaced = name in SPACED
    marker = not spaced and _is_marker(el, name)
    if spaced or marker:
        # A mark glued to its word would hide the word ("ipilimumab3") from later matching.
        yield " "
    if name == "alternatives":
        pick = _pick_alternative(el)
        if pick is not None:
            yield from _inline(pick, local_name(pick), mode)
    elif name == "tex-math":
        yield _tex("".join(el.itertext()))
    elif name == "math":
        # Whitespace between MathML elements is layout, not content ("x<2", not "x< 2").
        yield from (p for p in flow(el, mode) if not isinstance(p, str) or p == " "
                    or not p.isspace())
    else:
        yield from flow(el, mode)
    if spaced or (marker and _WORD_START.match(el.tail or "")):
        yield " "


def inline_text(el: Element | None) -> str:
    """All the text of ``el`` as one line (blocks included, read inline)."""
    if el is None:
        return ""
    return " ".join("".join(p for p in flow(el, "inline") if isinstance(p, str)).split())


def label_caption(el: Element) -> str:
    """``<label>`` and ``<caption>`` as one line: "Table 1: Patient characteristics"."""
    label = inline_text(_child(el, "label"))
    caption = inline_text(_child(el, "caption"))
    if label and caption:
        sep = " " if label[-1] in ".:;-\u2013\u2014|" else ": "
        return label + sep + caption
    return label or caption


def _child(el: Element, name: str) -> Element | None:
    return next((c for c in el if local_name(c) == name), None)


def _heads(el: Element, *names: str) -> tuple[Element, ...]:
    """The first child of each given name that ``el`` has (its label, title, caption)."""
    found = (_child(el, name) for name in names)
    return tuple(h for h in found if h is not None)


def _span(value: str | None) -> int:
    """A row/col span attribute: 0 stays 0 ("to the end of the group"), junk becomes 1."""
    try:
        n = int((value or "").strip())
    except ValueError:
        return 1
    return n if n >= 0 else 1


class BodyWalker:
    """Appends an article's content to a builder; remembers which table-wraps it placed."""

    def __init__(self, builder: DocumentBuilder) -> None:
        self.b = builder
        self.placed: set[str] = set()

    def where(self, el: Element) -> str:
        """An XPath to ``el`` in its document."""
        return str(el.getroottree().getpath(el))

    # -- dispatch -------------------------------------------------------------------------
    def block(self, el: Element, level: int) -> None:
        """Append one block-level element (section, paragraph, list, table, figure...)."""
        name = local_name(el)
        if not name or name in DROP or name in METADATA:
            return
        if name in SECTIONS or (name == "app-group" and _child(el, "title") is not None):
            self.section(el, level)
        elif name == "abstract":
            self.abstract(el, level)
        elif name in ("p", "preformat", "code", "disp-formula", "attrib", "verse-line"):
            self.paragraph(el, "paragraph" if name == "p" else "other", level)
        elif name in ("list", "def-list"):
            self.list(el, level)
        elif name == "table-wrap":
            self.table_wrap(el, level)
        elif name in ("table", "array"):
            self.table_wrap(el, level, bare=True)
        elif name in CAPTIONED:
            self.captioned(el, level)
        elif name == "fn":
            self.paragraph(el, "footnote", level)
        elif name == "title":
            self.b.add_block(inline_text(el), "heading", location=self.where(el))
        elif name in ("label", "caption"):
            self.b.add_block(inline_text(el), "caption", location=self.where(el))
        elif name in ("sub-article", "response"):
            self.sub_article(el, level)
        elif any(local_name(d) in BLOCK or local_name(d) == "p" for d in el.iterdescendants()):
            self.container(el, level)
        else:
            self.paragraph(el, "paragraph", level)

    def _flush(self, buf: list[str], kind: BlockKind, el: Element) -> None:
        if buf:
            self.b.add_block("".join(buf), kind, location=self.where(el))
            buf.clear()

    def container(self, el: Element, level: int, skip: tuple[Element, ...] = ()) -> None:
        """Append the children of a container (``<sec>``, ``<body>``...) as blocks."""
        buf: list[str] = []
        for piece in flow(el, "container"):
            if isinstance(piece, str):
                buf.append(piece)
            elif not any(piece is s for s in skip):
                self._flush(buf, "paragraph", el)
                self.block(piece, level)
        self._flush(buf, "paragraph", el)

    def paragraph(self, el: Element, kind: BlockKind, level: int) -> None:
        """Append running text; blocks inside it (figures, lists, tables) split it."""
        buf: list[str] = []
        for piece in flow(el, "paragraph"):
            if isinstance(piece, str):
                buf.append(piece)
            else:
                self._flush(buf, kind, el)
                self.block(piece, level)
        self._flush(buf, kind, el)

    # -- structure ------------------------------------------------------------------------
    def section(self, el: Element, level: int) -> None:
        """A nested section: its label and title open it, its children fill it."""
        heads = _heads(el, "label", "title")
        title = " ".join(inline_text(h) for h in heads)
        if not title and not inline_text(el):
            return  # an empty untitled section would only be a zero-length marker
        name = local_name(el)
        title = title or _DEFAULT_TITLES.get(name, "")
        role = _ELEMENT_ROLES.get(name) or role_from_sec_type(el.get("sec-type"))
        self.b.open_section(title, level, location=self.where(el), role=role)
        self.container(el, level + 1, skip=heads)
        self.b.close_section()

    def abstract(self, el: Element, level: int) -> None:
        """An abstract as a section titled "Abstract"; another kind (e.g. a PLoS "Author
        summary") is titled by its own title. Structured abstracts keep nested sections."""
        own = _child(el, "title")
        own_title = inline_text(own)
        kind = (el.get("abstract-type") or "").strip().lower()
        if kind in ("", "abstract"):
            title = "Abstract"
        else:
            title = own_title or kind.replace("-", " ").capitalize()
        self.b.open_section(title, level, location=self.where(el), role="abstract")
        if own_title and own_title.lower() != title.lower():
            self.b.add_block(own_title, "heading", location=self.where(own))
        self.container(el, level + 1, skip=(own,) if own is not None else ())
        self.b.close_section()

    def captioned(self, el: Element, level: int) -> None:
        """A box, quote or group: its caption (if any), then its children."""
        heads = _heads(el, "label", "caption", "title")
        caption = label_caption(el)
        title = inline_text(_child(el, "title"))
        text = " ".join(t for t in (caption, title) if t)
        self.b.add_block(text, "caption", location=self.where(el))
        self.container(el, level, skip=heads)

    def list(self, el: Element, level: int) -> None:
        """Each item one ``list_item`` block; nested lists follow their item."""
        buf: list[str] = []
        for piece in flow(el, "container"):
            if isinstance(piece, str):
                buf.append(piece)
                continue
            self._flush(buf, "list_item", el)
            name = local_name(piece)
            if name in ("list-item", "def-item"):
                self.paragraph(piece, "list_item", level)
            elif name in ("title", "label"):
                self.b.add_block(inline_text(piece), "heading", location=self.where(piece))
            else:
                self.block(piece, level)
        self._flush(buf, "list_item", el)

    def sub_article(self, el: Element, level: int) -> None:
        """A sub-article (e.g. a peer review report) as a section of the parent article."""
        title = inline_text(el.find("front-stub/title-group/article-title"))
        # A review report or reply is about the article, not part of it.
        self.b.open_section(title, level, location=self.where(el), role="other")
        for part in el:
            if local_name(part) in ("body", "back", "floats-group", "sub-article", "response"):
                self.block(part, level + 1)
        self.b.close_section()

    # -- tables ---------------------------------------------------------------------------
    def table_wrap(self, wrap: Element, level: int = 1, bare: bool = False) -> None:
        """A ``<table-wrap>`` (or a bare ``<table>``/``<array>``) as one Table.

        Several ``<table>`` elements in one wrap (a table printed in parts) are stacked
        into one grid, in order, so no part is lost; the table is flagged.
        """
        where = self.where(wrap)
        self.placed.add(where)
        if bare:
            tables = [wrap] if local_name(wrap) == "table" else (_tables_of(wrap) or [wrap])
            caption, footnotes = "", []
        else:
            tables, caption, footnotes = _tables_of(wrap), label_caption(wrap), _footnotes(wrap)
        cells, header_rows = _stack(tables)
        flags = []
        if len(tables) > 1:
            flags.append(f"{len(tables)} <table> elements in one table-wrap were stacked "
                         "into one grid; header rows of the later parts sit in the body")
        table_id = wrap.get("id") or None
        done = self.b.add_table(cells, table_id=table_id, caption=caption or None,
                                header_rows=header_rows, footnotes=footnotes,
                                location=where, flags=flags)
        if done is None:
            # No cells (an image-only table): keep caption, any loose text and notes.
            self.b.add_block(caption, "caption", location=where)
            for table in [wrap] if bare else tables:
                self.b.add_block(inline_text(table), "other", location=self.where(table))
            for note in footnotes:
                self.b.add_block(note, "footnote", location=where)
            self.b.warnings.append(f"table {table_id or where} has no cells (image only?)")
        if not bare:
            # Anything else in the wrap (a stray paragraph, loose text) is article text too.
            parts = tuple(c for c in wrap if local_name(c) in _WRAP_PARTS)
            self.container(wrap, level, skip=parts)


_WRAP_PARTS = frozenset({
    "label", "caption", "table", "array", "alternatives", "table-wrap-foot", "attrib",
})


def _stack(tables: list[Element]) -> tuple[list[PlacedCell], int]:
    """Lay out each table and stack them top to bottom; header rows are the first one's."""
    cells: list[PlacedCell] = []
    header_rows = 0
    for i, table in enumerate(tables):
        rows, n_head = _table_rows(table)
        base = max((c.row + c.rowspan for c in cells), default=0)
        for cell in layout_rows(rows):
            cell.row += base
            cells.append(cell)
        if i == 0:
            header_rows = n_head
    return cells, header_rows


def _tables_of(wrap: Element) -> list[Element]:
    """The ``<table>``s of a table-wrap: not those nested in a cell, one per alternatives."""
    found: list[Element] = []
    for t in wrap.iter("{*}table", "{*}array"):
        if t is wrap:
            continue
        between = []
        for ancestor in t.iterancestors():
            if ancestor is wrap:
                break
            between.append(local_name(ancestor))
        if any(h in ("table", "td", "th", "table-wrap") for h in between):
            continue  # a table in a cell is that cell's text; a nested wrap is its own table
        parent = t.getparent()
        if local_name(parent) == "alternatives":
            first = next(c for c in parent if local_name(c) in ("table", "array"))
            if first is not t:
                continue
        if local_name(t) == "array" and t.find("{*}table") is not None:
            continue  # its inner table is found on its own
        found.append(t)
    return found


def _footnotes(wrap: Element) -> list[str]:
    """The notes under a table: each ``fn``/``p`` of its foot (label and text), loose text."""
    notes: list[str] = []
    for part in wrap:
        if local_name(part) == "attrib":
            notes.append(inline_text(part))
        elif local_name(part) == "table-wrap-foot":
            notes.extend(_notes_in(part))
    return [n for n in notes if n]


def _notes_in(foot: Element) -> list[str]:
    notes: list[str] = []
    buf: list[str] = []
    for piece in flow(foot, "container"):
        if isinstance(piece, str):
            buf.append(piece)
            continue
        notes.append("".join(buf))
        buf.clear()
        if local_name(piece) == "fn-group":
            notes.extend(_notes_in(piece))
        else:
            notes.append(inline_text(piece))
    notes.append("".join(buf))
    return [" ".join(n.split()) for n in notes if n.strip()]


def _cell_rows(elements: list[Element]) -> list[list[Element]]:
    """Rows as lists of ``td``/``th``; a stray cell outside any ``tr`` is a row of its own."""
    rows: list[list[Element]] = []
    for el in elements:
        name = local_name(el)
        if name == "tr":
            rows.append([c for c in el if local_name(c) in ("td", "th")])
        elif name in ("td", "th"):
            rows.append([el])
    return rows


def _rows_of(table: Element) -> tuple[list[list[Element]], list[list[Element]]]:
    """Rows split as (head, body); ``tfoot`` rows go last, as HTML renders them."""
    head: list[list[Element]] = []
    body: list[list[Element]] = []
    foot: list[list[Element]] = []
    for group in table:
        name = local_name(group)
        if name in ("tr", "td", "th"):
            body.extend(_cell_rows([group]))
        elif name in ("thead", "tbody", "tfoot"):
            {"thead": head, "tbody": body, "tfoot": foot}[name].extend(_cell_rows(list(group)))
    return head, body + foot


def _row_specs(rows: list[list[Element]]) -> list[list[CellSpec]]:
    specs: list[list[CellSpec]] = []
    for i, cells in enumerate(rows):
        left = len(rows) - i  # a rowspan stops at the end of its row group (0: up to it)
        row = []
        for cell in cells:
            rowspan = _span(cell.get("rowspan")) or left
            colspan = _span(cell.get("colspan")) or 1
            row.append(CellSpec(inline_text(cell), rowspan=min(rowspan, left),
                                colspan=min(colspan, MAX_COLSPAN),
                                header=local_name(cell) == "th"))
        if row:
            specs.append(row)
    return specs


def _table_rows(table: Element) -> tuple[list[list[CellSpec]], int]:
    """A table's rows as cell specs, and how many of them are header rows."""
    head, body = _rows_of(table)
    head_specs = _row_specs(head)
    body_specs = _row_specs(body)
    n_head = len(head_specs)
    if not head:
        # No thead: leading rows made only of th cells are the header.
        for row in body_specs:
            if not all(c.header for c in row):
                break
            n_head += 1
        if n_head == len(body_specs):
            n_head = min(n_head, 1)  # an all-th table is a grid of labels, not all header
    return head_specs + body_specs, n_head
