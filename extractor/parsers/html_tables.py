"""HTML tables: telling data tables from layout tables, rows with spans, captions, footnotes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import NavigableString, Tag

from extractor.parsers.builder import CellSpec, PlacedCell, layout_rows, normalize_inline
from extractor.parsers.html_clean import HEADINGS, names, words
from extractor.parsers.html_meta import attr

# Elements that start a new line when rendered: their text is kept apart by a space.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "br",
    "title", "label", *HEADINGS,
    # JATS element names that converters leave in their HTML.
    "sec", "fig", "table-wrap", "table-wrap-foot", "fn", "fn-group", "back", "floats-group",
    "list", "list-item", "disp-quote", "boxed-text",
})
_SPAN_CAP = {"colspan": 1000, "rowspan": 65534}  # the HTML spec's own limits
_CAPTION_WORDS = frozenset({"caption", "title", "label", "legend", "heading"})
_FOOT_WORDS = frozenset({"foot", "footer", "footnote", "footnotes", "fn", "notes", "note"})
_WRAPPER_NAME = re.compile(r"^(?:t|tab|table|tbl)[-_]?\d+$|table")
_LONG_CELL = 300  # characters: a "cell" this long is page layout holding prose


def string_text(node: NavigableString) -> str:
    """A text node's text, less the line-break indentation a pretty-printer put before a
    ``<sup>``/``<sub>`` (``4 g/m\\n    <sup>2</sup>`` is ``4 g/m2``, not ``4 g/m 2``)."""
    text = str(node)
    after = node.next_sibling
    if isinstance(after, Tag) and after.name in ("sup", "sub"):
        stripped = text.rstrip()
        if "\n" in text[len(stripped):]:
            return stripped
    return text


def inline_text(tag: Tag) -> str:
    """The element's text as one line: inline markup joins without spaces
    (``mg/m<sup>2</sup>`` -> ``mg/m2``); block elements and ``<br>`` are kept apart."""
    parts: list[str] = []
    for node in tag.descendants:
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not comments, doctypes, script text
                parts.append(string_text(node))
        elif isinstance(node, Tag) and node.name in BLOCK_TAGS:
            parts.append(" ")
    return normalize_inline("".join(parts))


def own_rows(table: Tag) -> tuple[list[Tag], list[Tag], list[Tag]]:
    """The table's own ``<tr>`` (not those of nested tables): head, body and foot rows."""
    head: list[Tag] = []
    body: list[Tag] = []
    foot: list[Tag] = []
    for tr in table.find_all("tr"):
        if not isinstance(tr, Tag) or tr.find_parent("table") is not table:
            continue
        group = tr.parent.name if tr.parent is not None else ""
        (head if group == "thead" else foot if group == "tfoot" else body).append(tr)
    return head, body, foot


def _cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.find_all(["td", "th"], recursive=False) if isinstance(c, Tag)]


def is_data_table(table: Tag) -> bool:
    """False for layout tables: role=presentation, nested tables, a single cell, prose cells,
    or a header-less, caption-less box of at most two columns (a 'Received: ...' box)."""
    if attr(table, "role").lower() in ("presentation", "none"):
        return False
    if table.find("table") is not None:
        return False
    head, body, foot = own_rows(table)
    rows = [_cells(tr) for tr in head + body + foot]
    cells = [c for row in rows for c in row]
    if len(cells) <= 1:
        return False
    for cell in cells:
        if cell.find(list(HEADINGS)) is not None or cell.find(["ul", "ol"]) is not None:
            return False
        paras = cell.find_all("p")
        if len(paras) >= 3 or any(len(p.get_text(strip=True)) > _LONG_CELL for p in paras):
            return False
    has_header = bool(head) or any(c.name == "th" for c in cells)
    has_caption = table.find("caption") is not None or find_wrapper(table) is not None
    width = max(len(row) for row in rows)
    return has_header or has_caption or width > 2


def _span(cell: Tag, name: str) -> int:
    match = re.match(r"\s*(\d+)", attr(cell, name))
    value = int(match.group(1)) if match else 1
    return min(max(value, 1), _SPAN_CAP[name])


def find_wrapper(table: Tag) -> Tag | None:
    """The figure/table-wrap element around a table that holds its label, caption, notes."""
    table_length = len(normalize_inline(table.get_text()))
    node = table.parent
    for _ in range(3):
        if node is None or node.name in ("body", "html", "[document]"):
            return None
        if len(node.find_all("table")) != 1:
            return None
        holds_more = len(normalize_inline(node.get_text())) > table_length
        if node.name in ("figure", "table-wrap", "fig") or any(
                _WRAPPER_NAME.search(n) for n in names(node)):
            if holds_more:
                return node
        elif holds_more:  # a plain container with other text: not this table's wrapper
            return None
        node = node.parent
    return None


@dataclass
class TableParts:
    """What the walker needs to emit one data table."""

    cells: list[PlacedCell]
    header_rows: int
    caption: str | None
    footnotes: list[str]
    consumed: list[Tag] = field(default_factory=list)  # caption/notes elements shown elsewhere
    flags: list[str] = field(default_factory=list)


def _caption_parts(table: Tag, wrapper: Tag | None) -> tuple[str | None, list[Tag]]:
    label = caption = None
    consumed: list[Tag] = []
    own = table.find("caption")
    if isinstance(own, Tag) and own.find_parent("table") is table:
        caption = inline_text(own)
        consumed.append(own)
    if wrapper is not None:
        for child in wrapper.find_all(True, recursive=False):
            if child is table or not isinstance(child, Tag) or child.find("table") is not None:
                continue
            if child.name == "label" and label is None:
                label = inline_text(child)
            elif child.name in ("caption", "figcaption") or (
                    words(child) & _CAPTION_WORDS and not words(child) & _FOOT_WORDS):
                text = inline_text(child)
                caption = f"{caption} {text}" if caption else text
            else:
                continue
            consumed.append(child)
    return join_label(label, caption), consumed


def join_label(label: str | None, caption: str | None) -> str | None:
    """``Table 1`` + ``Doses`` -> ``Table 1: Doses`` (no repeat if the caption has it)."""
    if label and caption and not caption.lower().startswith(label.lower()):
        return label + (" " if label[-1] in ".:" else ": ") + caption
    return caption or label or None


def _footnote_parts(wrapper: Tag | None) -> tuple[list[str], list[Tag]]:
    notes: list[str] = []
    consumed: list[Tag] = []
    if wrapper is None:
        return notes, consumed
    for child in wrapper.find_all(True, recursive=False):
        if not isinstance(child, Tag) or child.find("table") is not None:
            continue
        if child.name in ("table-wrap-foot", "fn", "tfoot") or words(child) & _FOOT_WORDS:
            items = child.find_all(["fn", "p", "li"])
            leaves = [i for i in items if isinstance(i, Tag) and i.find(["fn", "p", "li"]) is None]
            notes.extend(inline_text(i) for i in (leaves or [child]))
            consumed.append(child)
    return [n for n in notes if n], consumed


def read_table(table: Tag) -> TableParts:
    """Cells on the grid, header rows, caption and footnotes of a data table."""
    head, body, foot = own_rows(table)
    flags: list[str] = []
    footnotes: list[str] = []
    rows: list[Tag] = head + body
    for tr in foot:
        cells = _cells(tr)
        if len(cells) == 1:  # a full-width <tfoot> row is a note, not data
            footnotes.append(inline_text(cells[0]))
        else:
            rows.append(tr)
    specs: list[list[CellSpec]] = []
    for r, tr in enumerate(rows):
        row: list[CellSpec] = []
        for cell in _cells(tr):
            rowspan = min(_span(cell, "rowspan"), len(rows) - r)  # no rows past the table
            if rowspan < _span(cell, "rowspan") and "rowspan_clamped" not in flags:
                flags.append("rowspan_clamped")
            row.append(CellSpec(inline_text(cell), rowspan, _span(cell, "colspan"),
                                header=cell.name == "th"))
        specs.append(row)
    placed = layout_rows(specs)
    if head:
        header_rows = len(head)
    else:
        header_rows = 0
        for row in specs:
            if not row or not all(spec.header for spec in row):
                break
            header_rows += 1
        if header_rows == len(specs):  # every row all-<th>: no header structure to trust
            header_rows = min(1, header_rows)
    widths = {r: 0 for r in range(len(specs))}
    for pc in placed:
        for r in range(pc.row, pc.row + pc.rowspan):
            widths[r] = widths.get(r, 0) + pc.colspan
    if len(set(widths.values())) > 1:
        flags.append("ragged_rows")
    wrapper = find_wrapper(table)
    caption, consumed = _caption_parts(table, wrapper)
    notes, consumed_notes = _footnote_parts(wrapper)
    return TableParts(placed, header_rows, caption, [f for f in footnotes if f] + notes,
                      consumed + consumed_notes, flags)


def table_furniture(table: Tag) -> list[Tag]:
    """The caption/label/footnote elements of a data table (read before chrome removal)."""
    wrapper = find_wrapper(table)
    return _caption_parts(table, wrapper)[1] + _footnote_parts(wrapper)[1]
