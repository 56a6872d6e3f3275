"""Assembling a Document: every parser appends blocks, sections and tables through one builder.

The builder owns ``Document.text`` and is the only place offsets are computed, so the
invariant ``text[start:end] == block/cell text`` holds for every parser by construction.
Layout of ``text``: blocks are separated by a blank line; a table is its caption, then one
line per row with cells separated by a tab, then its footnotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.document import (
    BBox,
    Block,
    BlockKind,
    Cell,
    Document,
    Format,
    Metadata,
    Role,
    Section,
    Source,
    Table,
)
from extractor.parsers.source import RawInput
from extractor.roles import fold_flat_abstract, section_role
from extractor.source_map import Anchor, align, compress

BLOCK_SEP = "\n\n"
ROW_SEP = "\n"
CELL_SEP = "\t"

_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
     "\ufb05": "st", "\ufb06": "st"}
)
# Soft hyphen, zero-width space/joiners, BOM: invisible, and they split words for the NLP.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")


def normalize_inline(text: str) -> str:
    """Collapse all whitespace (tabs, newlines, NBSP) to single spaces, repair ligatures."""
    text = _INVISIBLE.sub("", text.translate(_LIGATURES))
    return _SPACE.sub(" ", text).strip()


_UNSAFE_ID = re.compile(r"[^a-z0-9._-]+")


def article_id(metadata: Metadata) -> str | None:
    """A document id from the article's own identifiers, the same for its JATS, PDF and
    HTML: the DOI first (publisher PDFs and pages print it; only PMC's XML carries the
    PMCID), then the PMCID, then the PMID; None without any.

    Ids are file-name safe (``parse -o DIR`` writes ``<id>.<format>.json``): the DOI is
    lower-cased (DOIs ignore case) with every run of characters other than letters,
    digits, ``.``, ``_`` and ``-`` written ``_`` (``10.1155/2016/2087525`` →
    ``10.1155_2016_2087525``); the metadata keeps the DOI as printed.
    """
    if metadata.doi and (doi := _UNSAFE_ID.sub("_", metadata.doi.strip().lower()).strip("_")):
        return doi
    if metadata.pmcid and (digits := re.sub(r"\D", "", metadata.pmcid)):
        return f"PMC{digits}"
    if metadata.pmid and (digits := re.sub(r"\D", "", metadata.pmid)):
        return f"PMID{digits}"
    return None


@dataclass
class CellSpec:
    """One table cell before layout: its text, spans and (PDF) box; header marks a ``th``."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None
    header: bool = False


@dataclass
class PlacedCell:
    """A cell whose grid position is known."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None


def layout_rows(rows: list[list[CellSpec]]) -> list[PlacedCell]:
    """Place HTML-model rows (``<tr>`` of cells with row/col spans) on a grid.

    Follows the HTML table algorithm: a cell goes to the first column of its row not
    already covered by a rowspan from above. Spans are clamped to at least 1.
    """
    occupied: set[tuple[int, int]] = set()
    placed: list[PlacedCell] = []
    for r, row in enumerate(rows):
        c = 0
        for spec in row:
            while (r, c) in occupied:
                c += 1
            rs, cs = max(1, spec.rowspan), max(1, spec.colspan)
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, c + dc))
            placed.append(PlacedCell(r, c, spec.text, rs, cs, spec.bbox))
            c += cs
    return placed


@dataclass
class _OpenSection:
    title: str
    start: int
    level: int
    role: Role
    last_child: Role | None = None  # role of the latest section opened inside this one


@dataclass
class DocumentBuilder:
    """Accumulates text, blocks, sections and tables, then builds the Document."""

    raw: RawInput
    format: Format
    encoding: str | None = None
    metadata: Metadata = field(default_factory=Metadata)
    warnings: list[str] = field(default_factory=list)
    _parts: list[str] = field(default_factory=list)
    _length: int = 0
    _blocks: list[Block] = field(default_factory=list)
    _sections: list[Section] = field(default_factory=list)
    _open: list[_OpenSection] = field(default_factory=list)
    _last_top: Role | None = None  # role of the latest top-level section
    _tables: list[Table] = field(default_factory=list)
    # The decoded file, for a format whose offsets users annotate (plain text): each piece
    # added with a ``source`` span is aligned to it, giving Document.source_map.
    source_text: str | None = None
    _origins: list[tuple[int, int, int, int]] = field(default_factory=list)

    # -- text -------------------------------------------------------------------------------
    def _append(self, piece: str) -> tuple[int, int]:
        start = self._length
        self._parts.append(piece)
        self._length += len(piece)
        return start, self._length

    def _separate(self, sep: str = BLOCK_SEP) -> None:
        if self._length:
            self._append(sep)

    def _origin(self, start: int, end: int, source: tuple[int, int] | None) -> None:
        if source is not None:
            self._origins.append((start, end, *source))

    def _source_map(self, text: str) -> list[Anchor]:
        """Anchors of each piece's characters aligned to its source span (source_map.py)."""
        if self.source_text is None:
            return []
        pairs = ((start + i, source_start + at)
                 for start, end, source_start, source_end in self._origins
                 for i, at in enumerate(align(text[start:end],
                                              self.source_text[source_start:source_end])))
        return compress(pairs)

    def add_block(
        self,
        text: str,
        kind: BlockKind = "paragraph",
        *,
        page: int | None = None,
        bbox: BBox | None = None,
        location: str | None = None,
        normalize: bool = True,
        source: tuple[int, int] | None = None,
    ) -> Block | None:
        """Append a block of running text; returns None (adds nothing) when it is blank.

        ``source`` is the span of the source text the block was read from (plain text).
        """
        if normalize:
            text = normalize_inline(text)
        if not text.strip():
            return None
        self._separate()
        start, end = self._append(text)
        self._origin(start, end, source)
        block = Block(kind=kind, start=start, end=end, page=page, bbox=bbox, location=location)
        self._blocks.append(block)
        return block

    # -- sections ---------------------------------------------------------------------------
    def open_section(
        self,
        title: str,
        level: int | None = None,
        *,
        page: int | None = None,
        bbox: BBox | None = None,
        location: str | None = None,
        role: Role | None = None,
        source: tuple[int, int] | None = None,
    ) -> None:
        """Start a section with a heading; an open section of the same or deeper level closes.

        ``level`` defaults to one below the innermost open section (nested XML sections).
        ``role`` is one the markup declares (JATS ``sec-type``, an abstract element); else
        the role comes from the title, the enclosing section and the section before it.
        """
        level = level if level is not None else len(self._open) + 1
        while self._open and self._open[-1].level >= level:
            self.close_section()
        title = normalize_inline(title)
        parent = self._open[-1] if self._open else None
        previous = parent.last_child if parent else self._last_top
        resolved = section_role(title, parent.role if parent else None, previous, role)
        if parent:
            parent.last_child = resolved
        else:
            self._last_top = resolved
        block = self.add_block(title, "heading", page=page, bbox=bbox, location=location,
                               source=source)
        start = block.start if block else self._length
        self._open.append(_OpenSection(title=title, start=start, level=level, role=resolved))

    def close_section(self) -> None:
        """Close the innermost open section at the current end of the text."""
        if not self._open:
            return
        sec = self._open.pop()
        self._sections.append(
            Section(title=sec.title, start=sec.start, end=self._length, level=sec.level,
                    role=sec.role)
        )

    # -- tables -----------------------------------------------------------------------------
    def add_table(
        self,
        cells: list[PlacedCell],
        *,
        table_id: str | None = None,
        caption: str | None = None,
        header_rows: int = 0,
        page: int | None = None,
        bbox: BBox | None = None,
        footnotes: list[str] | None = None,
        location: str | None = None,
        flags: list[str] | None = None,
        source: tuple[int, int] | None = None,
    ) -> Table | None:
        """Append a table (caption, rows, footnotes) to the text; returns None if it has no cells.

        Cell text is normalized to one line; each cell's offsets point at its text in the row
        line, empty cells get ``start == end``. ``source`` is the span of the source text
        holding the caption, rows and footnotes (plain text).
        """
        if not cells:
            return None
        begin = self._length
        table_id = table_id or f"T{len(self._tables) + 1}"
        caption = normalize_inline(caption) if caption else None
        if caption:
            self.add_block(caption, "caption", page=page, bbox=bbox, location=location)
        n_rows = max(c.row + c.rowspan for c in cells)
        n_cols = max(c.col + c.colspan for c in cells)
        by_row: dict[int, list[PlacedCell]] = {}
        for c in cells:
            by_row.setdefault(c.row, []).append(c)
        self._separate()
        table_start = self._length
        out: list[Cell] = []
        first_row = True
        for r in sorted(by_row):
            if not first_row:
                self._append(ROW_SEP)
            first_row = False
            for i, c in enumerate(sorted(by_row[r], key=lambda x: x.col)):
                if i:
                    self._append(CELL_SEP)
                text = normalize_inline(c.text)
                start, end = self._append(text)
                out.append(
                    Cell(row=c.row, col=c.col, rowspan=c.rowspan, colspan=c.colspan,
                         text=text, start=start, end=end, bbox=c.bbox)
                )
        table = Table(
            id=table_id, caption=caption, page=page, bbox=bbox, n_rows=n_rows, n_cols=n_cols,
            header_rows=min(header_rows, n_rows), cells=out, start=table_start,
            end=self._length, location=location, flags=list(flags or []),
            footnotes=[f for f in (normalize_inline(x) for x in footnotes or []) if f],
        )
        for note in table.footnotes:
            self.add_block(note, "footnote", page=page, location=location)
        # One piece from the caption to the last footnote: they are in source order.
        self._origin(begin, self._length, source)
        self._tables.append(table)
        return table

    # -- result -----------------------------------------------------------------------------
    def build(self, doc_id: str | None = None) -> Document:
        """Close open sections and return the Document; its id is ``doc_id``, else the
        article's own (:func:`article_id`), else the file stem."""
        while self._open:
            self.close_section()
        sections = fold_flat_abstract(sorted(self._sections, key=lambda s: (s.start, -s.end)))
        text = "".join(self._parts)
        return Document(
            id=doc_id or article_id(self.metadata) or self.raw.stem,
            source=Source(path=self.raw.path, format=self.format, sha256=self.raw.sha256,
                          encoding=self.encoding),
            metadata=self.metadata,
            text=text,
            source_map=[list(a) for a in self._source_map(text)],
            sections=sections,
            blocks=self._blocks,
            tables=self._tables,
            warnings=self.warnings,
        )
