"""Table detection and structure recovery for born-digital PDFs.

Two cooperating detectors work on one page at a time, on a :class:`PageData` (words with
boxes, font size and weight, and ruling edges) read with pypdfium2:

* **lattice**: tables drawn with a full grid of ruling lines: pdfplumber's own grid
  functions (``pdfplumber.table``: merge edges, intersections, cells, tables) run on the
  page's edges; a grid is kept only when it really has rows, columns and text;
* **stream**: borderless tables found from word alignment.  Words are grouped into text
  lines, lines into *segments* (runs of words separated by small gaps); a run of lines
  with several segments (and no prose in between) is a table region; its columns are the
  x-ranges that the segments of nearly every line leave empty; rows are the text lines,
  with wrapped cell text merged back into its row.

The page data and the cheap prefilter that decides which pages get it are in
:mod:`~extractor.parsers.pdf_table_pages`.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium

from extractor.document import BBox
from extractor.parsers.builder import PlacedCell, normalize_inline
from extractor.parsers.pdf_lines import PdfPage, Word
from extractor.parsers.pdf_rules import Edge
from extractor.parsers.pdf_table_pages import (
    CAPTION,
    FIGURE_CAPTION,
    PageData,
    column_gutter,
    drawing_cells,
    read_page_data,
)

FILL_MIN = 0.4  # a table fills at least this share of its grid
GAP_BREAK = 3.5  # a vertical gap this many font sizes high ends a table region
_PLAIN_NUMBER = re.compile(r"^[-–−]?\d[\d.,]*%?$")
_NUMERIC = re.compile(r"^[\s\d.,%()+\-–−<>=±/*~$€£]+$")


@dataclass
class DetectedTable:
    """A table found on a page: its grid of cells and where it is."""

    page: int  # 1-based
    bbox: BBox  # (x0, top, x1, bottom), PDF points, top-left origin
    cells: list[PlacedCell]
    header_rows: int
    caption: str | None = None  # "Table 2. ..." text found just above/below, when present
    flags: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# words, lines, segments
# ---------------------------------------------------------------------------------------------

class _Segment:
    """A run of words on one line (its words must not change after construction)."""

    __slots__ = ("words", "x0", "x1")

    def __init__(self, words: list[Word], x1: float) -> None:
        self.words = words
        self.x0 = words[0].x0
        self.x1 = x1

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


class _Line:
    """A text line: its words left to right, extents, median font size and segments.

    The extents are computed once (the detectors read them many times); the words of a
    line do not change after construction.
    """

    __slots__ = ("words", "top", "bottom", "x0", "x1", "size", "text", "_segments", "_wide")

    def __init__(self, words: list[Word]) -> None:
        self.words = sorted(words, key=lambda w: w.x0)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        self.x0 = self.words[0].x0
        self.x1 = max(w.x1 for w in words)
        self.size = statistics.median(w.size for w in words)
        self.text = " ".join(w.text for w in self.words)
        self._segments: list[_Segment] | None = None
        self._wide: list[_Segment] | None = None

    @property
    def segments(self) -> list[_Segment]:
        """The line split at gaps wider than about two letter spaces (cell boundaries)."""
        if self._segments is None:
            self._segments = _split(self.words, 0.55)
        return self._segments

    @property
    def wide_segments(self) -> list[_Segment]:
        """The line split only at gaps wider than one font size (column gaps)."""
        if self._wide is None:
            self._wide = _split(self.words, 1.0)
        return self._wide


def _group_lines(words: list[Word]) -> list[_Line]:
    """Words to text lines: a word joins a line whose vertical extent mostly overlaps it."""
    groups: list[list[Word]] = []
    extents: list[list[float]] = []  # [top, bottom, largest font size] of each group so far
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        h = w.bottom - w.top
        for k in range(len(groups) - 1, max(-1, len(groups) - 4), -1):
            ext = extents[k]
            overlap = min(ext[1], w.bottom) - max(ext[0], w.top)
            if overlap <= 0:
                continue
            # Small type (a raised degree sign, an exponent) pokes out of its line more.
            small = w.size < 0.75 * ext[2] or ext[2] < 0.75 * w.size
            if overlap > (0.25 if small else 0.5) * min(h, ext[1] - ext[0]):
                groups[k].append(w)
                ext[0], ext[1] = min(ext[0], w.top), max(ext[1], w.bottom)
                ext[2] = max(ext[2], w.size)
                break
        else:
            groups.append([w])
            extents.append([w.top, w.bottom, w.size])
    lines = [_Line(g) for g in groups]
    lines.sort(key=lambda ln: ln.top)
    return lines


def _split(words: list[Word], em: float) -> list[_Segment]:
    """Split a line's words wherever the gap exceeds ``em`` times the font size."""
    segs: list[_Segment] = []
    run, x1 = [words[0]], words[0].x1
    for prev, w in zip(words, words[1:], strict=False):
        size = max(min(w.size, prev.size), 4.0)
        # Two bare numbers side by side are two values even when set with a single space.
        gap = w.x0 - prev.x1
        if gap > em * size or (gap > 0.15 * size and _PLAIN_NUMBER.match(prev.text)
                               and _PLAIN_NUMBER.match(w.text)):
            segs.append(_Segment(run, x1))
            run, x1 = [w], w.x1
        else:
            run.append(w)
            x1 = max(x1, w.x1)
    segs.append(_Segment(run, x1))
    return segs


# ---------------------------------------------------------------------------------------------
# stream tables: regions
# ---------------------------------------------------------------------------------------------

def _is_prose_segment(seg: _Segment, body_width: float) -> bool:
    return len(seg.words) >= 6 and (seg.x1 - seg.x0) > 0.3 * body_width


def _cell_breaks(line: _Line) -> bool:
    """Two or more gaps far wider than the line's word spaces: a row of table cells set
    close together (justified running text spaces its words evenly)."""
    gaps = [w.x0 - p.x1 for p, w in zip(line.words, line.words[1:], strict=False)]
    wide = [g for g in gaps if g > 0.55 * line.size]
    rest = [g for g in gaps if g <= 0.55 * line.size]
    return (len(wide) >= 2 and len(rest) >= 2
            and min(wide) >= 3 * max(statistics.median(rest), 0.1 * line.size))


def _line_kind(line: _Line, body_width: float) -> str:
    wide = line.wide_segments
    if len(wide) >= 2 and not all(_is_prose_segment(s, body_width) for s in wide):
        return "table"
    if len(line.segments) >= 3 and _cell_breaks(line):
        return "table"
    if any(_is_prose_segment(s, body_width) for s in wide) or (
        line.x1 - line.x0 > 0.6 * body_width and len(line.words) >= 6
    ):
        return "prose"
    return "short"


def _looks_like_prose(lines: list[_Line]) -> bool:
    """Multi-column running text: most runs of words are long (table cells are short)."""
    segs = [seg for ln in lines for seg in ln.wide_segments]
    return sum(len(seg.words) >= 5 for seg in segs) > 0.5 * len(segs)


def _regions(lines: list[_Line], body_width: float, prose: Sequence[_Line] = (),
             mid: float | None = None) -> list[list[_Line]]:
    """Runs of table-like lines (short lines allowed inside), split at prose and big gaps.

    ``prose`` are extra lines of running text (a column of a two-column page, taken out of
    ``lines``; ``mid`` is the middle of that page's column gutter). A prose line ends a
    run only when it is beside the run's table lines horizontally: running text in the
    other column of the page does not end a table.
    """
    kinds = [_line_kind(ln, body_width) for ln in lines]
    order = sorted([(ln.top, i) for i, ln in enumerate(lines)]
                   + [(ln.top, -1 - j) for j, ln in enumerate(prose)])
    regions: list[list[_Line]] = []
    current: list[int] = []

    def close() -> None:
        while current and kinds[current[-1]] != "table":
            current.pop()
        if sum(kinds[i] == "table" for i in current) >= 2 and len(current) >= 3:
            region = [lines[i] for i in current]
            if not _looks_like_prose(region):
                regions.append(region)
        current.clear()

    def beside(line: _Line) -> bool:
        table = [lines[i] for i in current if kinds[i] == "table"]
        if not table:
            return True
        if mid is not None and _side(line, mid) != "both":
            # In one column of the page: beside a run of rows mostly in the same column
            # or across both (stray words of the other column do not count).
            same = sum(_side(ln, mid) in (_side(line, mid), "both") for ln in table)
            return same >= 0.5 * len(table)
        return (min(line.x1, max(ln.x1 for ln in table))
                - max(line.x0, min(ln.x0 for ln in table))) > 0

    for _, i in order:
        if i < 0:
            if current and beside(prose[-1 - i]):
                close()
            continue
        line = lines[i]
        if CAPTION.match(line.text) or (kinds[i] == "prose" and beside(line)):
            close()
            continue
        if kinds[i] == "prose":
            continue
        if current:
            prev = lines[current[-1]]
            gap = line.top - prev.bottom
            if gap > GAP_BREAK * max(prev.size, line.size):
                close()
        if not current and kinds[i] != "table":
            continue
        current.append(i)
    close()
    return regions


def _column_prose_segment(seg: _Segment, column_width: float) -> bool:
    """A run of words that fills much of a page column: a line of running text."""
    if len(seg.words) < 6 or seg.x1 - seg.x0 < 0.5 * column_width:
        return False
    return sum(bool(_PLAIN_NUMBER.match(w.text)) for w in seg.words) < 3


def _evenly_spaced(segs: list[_Segment], column_width: float) -> bool:
    """Runs of words that are one justified line of running text: its word spaces are
    stretched alike (a table row's gaps between cells are far wider than within them)."""
    words = [w for seg in segs for w in seg.words]
    gaps = [w.x0 - p.x1 for p, w in zip(words, words[1:], strict=False)]
    size = words[0].size
    numbers = sum(bool(_PLAIN_NUMBER.match(w.text)) for w in words)
    return (len(words) >= 6 and numbers < 3 and segs[-1].x1 - segs[0].x0 >= 0.5 * column_width
            and min(gaps) > 0 and max(gaps) <= min(2.0 * size, 2.5 * statistics.median(gaps)))


def _split_prose(lines: list[_Line], width: float
                 ) -> tuple[list[_Line], list[_Line], float | None]:
    """Take the running text of one column out of rows that also hold text in the other.

    On a two-column page a narrow table sits in one column beside running text in the
    other; grouped by height, each table row would take in the prose line next to it
    (and two rows of the table that the same prose line overlaps would become one).
    Returns the lines regrouped without that prose, the prose lines, and the middle of
    the page's column gutter (None when the page has no gutter).
    """
    spans = [(s.x0, s.x1) for ln in lines for s in ln.wide_segments]
    gutter = column_gutter(spans, width, len(lines))
    if gutter is None:
        return lines, [], None
    mid = (gutter[0] + gutter[1]) / 2
    col_w = (gutter[0] - min(ln.x0 for ln in lines), max(ln.x1 for ln in lines) - gutter[1])
    # A page set in two columns has full lines of running text on both sides; a table
    # whose column gap happens to be in the middle of the page has not.
    full: tuple[list[float], list[float]] = ([], [])  # where such lines start
    for ln in lines:
        for k, side in enumerate(([s for s in ln.wide_segments if s.x1 <= mid],
                                  [s for s in ln.wide_segments if s.x0 >= mid])):
            if (len(side) == 1 and _column_prose_segment(side[0], col_w[k])
                    and side[0].x1 - side[0].x0 >= 0.8 * col_w[k]):
                full[k].append(side[0].x0)
    if min(len(full[0]), len(full[1])) < 3:
        return lines, [], None
    # The column's margin: where most of its lines start (many start at an indent).
    margin = tuple(sorted(xs)[len(xs) // 5] for xs in full)
    prose_ids: set[int] = set()
    for ln in lines:
        left = [s for s in ln.wide_segments if s.x1 <= mid]
        right = [s for s in ln.wide_segments if s.x0 >= mid]
        if not left or not right or len(left) + len(right) != len(ln.wide_segments):
            continue
        for k, side in enumerate((left, right)):
            # Running text starts at its column's margin (or a paragraph indent in);
            # a long cell of a wide table starts at its own column.
            size = side[0].words[0].size
            if not -0.5 * size <= side[0].x0 - margin[k] <= 2.5 * size:
                continue
            if len(side) > 1 and _evenly_spaced(side, col_w[k]):
                prose_ids.update(id(x) for seg in side for x in seg.words)
                continue
            for seg in side:
                if _column_prose_segment(seg, col_w[k]):
                    prose_ids.update(id(x) for x in seg.words)
    if not prose_ids:
        return lines, [], mid
    # Only the lines that held prose change: their other words are regrouped on their own.
    kept: list[_Line] = []
    for ln in lines:
        rest = [w for w in ln.words if id(w) not in prose_ids]
        if len(rest) == len(ln.words):
            kept.append(ln)
        elif rest:
            kept.extend(_group_lines(rest))
    kept.sort(key=lambda ln: ln.top)
    words = [w for ln in lines for w in ln.words if id(w) in prose_ids]
    return kept, _group_lines(words), mid


def _side(line: _Line, mid: float) -> str:
    """Which column of a two-column page holds (nearly) all of a line's words."""
    left = sum(w.x1 <= mid for w in line.words)
    if left >= 0.7 * len(line.words):
        return "left"
    if len(line.words) - left >= 0.7 * len(line.words):
        return "right"
    return "both"


def _one_side(region: list[_Line], mid: float, body_width: float) -> list[_Line]:
    """A region whose table rows all lie in one column of the page, without the lines or
    words of the other column (short lines of running text that fell inside it)."""
    table = [w for ln in region if _line_kind(ln, body_width) == "table" for w in ln.words]
    left = sum(w.x1 <= mid for w in table)
    right = sum(w.x0 >= mid for w in table)
    if max(left, right) < 0.85 * len(table):
        return region
    keep = [w for ln in region for w in ln.words
            if (w.x1 <= mid if left >= right else w.x0 >= mid)]
    return _group_lines(keep) if keep else region


# ---------------------------------------------------------------------------------------------
# stream tables: columns, rows, cells
# ---------------------------------------------------------------------------------------------

def _columns(lines: list[_Line]) -> list[tuple[float, float]]:
    """Column x-ranges: maximal ranges covered by segments, cut where almost no line has text."""
    x0 = min(ln.x0 for ln in lines)
    x1 = max(ln.x1 for ln in lines)
    step = 0.5
    n = int((x1 - x0) / step) + 2
    cover = [0] * n
    for ln in lines:
        for seg in ln.segments:
            a, b = int((seg.x0 - x0) / step), int((seg.x1 - x0) / step)
            for k in range(a, min(b + 1, n)):
                cover[k] += 1
    multi = sum(len(ln.segments) >= 2 for ln in lines)
    tol = max(0, int(0.12 * multi))
    cols: list[tuple[float, float]] = []
    start: int | None = None
    for k in range(n):
        if cover[k] > tol:
            if start is None:
                start = k
        elif start is not None:
            cols.append((x0 + start * step, x0 + k * step))
            start = None
    if start is not None:
        cols.append((x0 + start * step, x1))
    # Too-narrow gaps between columns are word spaces that happen to align.
    merged: list[tuple[float, float]] = []
    for c in cols:
        if merged and c[0] - merged[-1][1] < 2.0:
            merged[-1] = (merged[-1][0], c[1])
        else:
            merged.append(c)
    return merged


def _col_range(x0: float, x1: float, cols: list[tuple[float, float]]) -> tuple[int, int]:
    """First and last column a text span overlaps (nearest column when it overlaps none)."""
    hit = [k for k, (a, b) in enumerate(cols) if min(b, x1) - max(a, x0) > 0]
    if not hit:
        mid = (x0 + x1) / 2
        k = min(range(len(cols)), key=lambda k: min(abs(cols[k][0] - mid), abs(cols[k][1] - mid)))
        return k, k
    return hit[0], hit[-1]


@dataclass
class _RowCell:
    col: int
    colspan: int
    words: list[Word]


def _line_cells(line: _Line, cols: list[tuple[float, float]]) -> list[_RowCell]:
    cells: list[_RowCell] = []
    for seg in line.segments:
        a, b = _col_range(seg.x0, seg.x1, cols)
        if a != b:
            # A segment over several columns: split at column gaps if its words allow it.
            parts: dict[int, list[Word]] = {}
            for w in seg.words:
                k, _ = _col_range(w.x0, w.x1, cols)
                parts.setdefault(k, []).append(w)
            if all(_col_range(w.x0, w.x1, cols)[0] == _col_range(w.x0, w.x1, cols)[1]
                   for w in seg.words) and len(parts) > 1:
                for k, ws in parts.items():
                    cells.append(_RowCell(k, 1, ws))
                continue
        cells.append(_RowCell(a, b - a + 1, list(seg.words)))
    # Two segments in one column (a stray gap inside a cell): join them.
    joined: list[_RowCell] = []
    for c in sorted(cells, key=lambda c: c.col):
        if joined and joined[-1].col + joined[-1].colspan > c.col:
            joined[-1].words.extend(c.words)
            end = max(joined[-1].col + joined[-1].colspan, c.col + c.colspan)
            joined[-1].colspan = end - joined[-1].col
        else:
            joined.append(c)
    return joined


def _is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text)) and any(ch.isdigit() for ch in text)


def _is_continuation(prev: list[_RowCell], cur: list[_RowCell], gap: float, size: float,
                     in_header: bool) -> bool:
    """Whether a line continues the wrapped cells of the row above instead of starting one."""
    if gap > 0.8 * size:
        return False
    size_prev = statistics.median(w.size for c in prev for w in c.words) if prev else size
    if cur and all(w.size <= 0.75 * size_prev for c in cur for w in c.words):
        # Only small type (a superscript or subscript pdfium set apart): part of the row.
        return True
    if any(_is_numeric(" ".join(w.text for w in c.words))
           and not (in_header and all(w.size < 0.9 * size_prev for w in c.words)) for c in cur):
        return False  # a row of numbers (an exponent in small type may sit in a header)
    if in_header:
        # Wrapped header text; a spanning cell marks a new level of the header instead.
        return not any(c.colspan > 1 for c in (*prev, *cur))
    prev_cols = {c.col for c in prev}
    cur_cols = {c.col for c in cur}
    if cur_cols < prev_cols:
        first = cur[0].words[0].text
        prev_text = " ".join(w.text for w in prev[0].words) if prev[0].col == cur[0].col else ""
        return first[:1].islower() or prev_text.endswith((",", "-", "(", "and", "of", "/"))
    return False


def _stream_table(lines: list[_Line], page_no: int,
                  rules: Sequence[tuple[float, float, float]] = ()) -> DetectedTable | None:
    cols = _columns(lines)
    if len(cols) < 2:
        return None
    line_cells = [_line_cells(ln, cols) for ln in lines]
    # Header zone: lines above the first line whose non-first columns are mostly numeric.
    first_data = 0
    for i, cells in enumerate(line_cells):
        # Exponents set apart in small type ("× 10" over a raised "9") are no values.
        big = max(w.size for c in cells for w in c.words)
        cells = [c for c in cells if any(w.size >= 0.9 * big for w in c.words)]
        values = [c for c in cells if c.col > 0]
        texts = [" ".join(w.text for w in c.words) for c in values]
        numeric = sum(_is_numeric(t) for t in texts)
        # A numbered stub ("1", "2", ...) counts too: rows of text values beside it.
        if cells and cells[0].col == 0 and _is_numeric(" ".join(w.text for w in cells[0].words)):
            numeric, n_cells = numeric + 1, len(texts) + 1
        else:
            n_cells = len(texts)
        if values and numeric >= max(1, n_cells / 2):
            first_data = i
            break
    rows: list[list[_RowCell]] = []
    row_lines: list[list[_Line]] = []
    for i, (line, cells) in enumerate(zip(lines, line_cells, strict=True)):
        if rows:
            prev_line = row_lines[-1][-1]
            gap = line.top - prev_line.bottom
            ruled = any(prev_line.bottom - 1 <= y <= line.top + 1 and a < line.x1 and b > line.x0
                        for y, a, b in rules)
            if not ruled and _is_continuation(rows[-1], cells, gap, line.size, i < first_data):
                by_col = {c.col: c for c in rows[-1]}
                for c in cells:
                    if c.col in by_col:
                        by_col[c.col].words.extend(c.words)
                    else:
                        rows[-1].append(c)
                rows[-1].sort(key=lambda c: c.col)
                row_lines[-1].append(line)
                continue
        rows.append(cells)
        row_lines.append([line])
    placed: list[PlacedCell] = []
    for r, cells in enumerate(rows):
        for c in cells:
            text = normalize_inline(" ".join(w.text for w in c.words))
            bbox = (min(w.x0 for w in c.words), min(w.top for w in c.words),
                    max(w.x1 for w in c.words), max(w.bottom for w in c.words))
            placed.append(PlacedCell(r, c.col, text, 1, c.colspan, bbox))
    header_rows = 0
    for r, lns in enumerate(row_lines):
        if lines.index(lns[0]) < first_data:
            header_rows = r + 1
    # Leading bold rows are headers too (when the body is not bold as well).
    bold = [all(w.bold for c in row for w in c.words) for row in rows]
    if not all(bold):
        header_rows = max(header_rows, bold.index(False))
    bbox = (min(ln.x0 for ln in lines), min(ln.top for ln in lines),
            max(ln.x1 for ln in lines), max(ln.bottom for ln in lines))
    return DetectedTable(page_no, bbox, placed, header_rows)
# ---------------------------------------------------------------------------------------------
# ruled tables
# ---------------------------------------------------------------------------------------------

def _inside(w: Word, box: BBox, pad: float = 1.0) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def _lattice(cells: list[BBox], words: list[Word], page_no: int,
             bbox: BBox) -> DetectedTable | None:
    """A fully ruled grid, or None when its cells hide unruled rows or columns.

    Tables ruled only around the header or with shaded row bands give grid cells that
    hold several aligned rows or columns of text; those are left to the text-based path.
    """
    xs = sorted({round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells})
    ys = sorted({round(c[1], 1) for c in cells} | {round(c[3], 1) for c in cells})
    x_at = {x: i for i, x in enumerate(xs)}
    y_at = {y: i for i, y in enumerate(ys)}
    spans = [(x_at[round(c[0], 1)], y_at[round(c[1], 1)], x_at[round(c[2], 1)],
              y_at[round(c[3], 1)]) for c in cells]
    # Which cell covers each slot between neighbouring grid lines. Two cells that overlap
    # share a slot: nested or overlapping boxes are not a clean grid.
    owner: dict[tuple[int, int], int] = {}
    for k, (c0, r0, c1, r1) in enumerate(spans):
        for r in range(r0, r1):
            for c in range(c0, c1):
                j = owner.setdefault((r, c), k)
                if j != k and _overlap(cells[j], cells[k]):
                    return None
    inner: list[list[Word]] = [[] for _ in cells]
    for w in words:  # each word to the cell that holds its centre
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        k = owner.get((bisect.bisect_right(ys, cy) - 1, bisect.bisect_right(xs, cx) - 1), -1)
        if k >= 0 and _inside(w, cells[k], 0.0):
            inner[k].append(w)
    placed = []
    for box, (c0, r0, c1, r1), ws in zip(cells, spans, inner, strict=True):
        text = ""
        if ws:
            lines = _group_lines(ws)
            if any(len(ln.wide_segments) > 1 for ln in lines):
                return None
            if sum(_is_numeric(ln.text) for ln in lines) > 1:
                return None
            text = normalize_inline(" ".join(ln.text for ln in lines))
        placed.append(PlacedCell(r0, c0, text, max(1, r1 - r0), max(1, c1 - c0), box))
    return DetectedTable(page_no, bbox, placed, 1, flags=["ruled"])


def _overlap(a: BBox, b: BBox) -> bool:
    """Whether two boxes overlap by more than a point both ways."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


def _box(b: Sequence[float]) -> BBox:
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _edge_dict(e: Edge) -> dict[str, Any]:
    """An edge as the dict pdfplumber's table functions expect."""
    return {"x0": e.x0, "x1": e.x1, "top": e.top, "bottom": e.bottom, "doctop": e.top,
            "width": e.x1 - e.x0, "height": e.bottom - e.top, "object_type": "line",
            "orientation": "h" if e.horizontal else "v"}


def _ruled_regions(edges: Sequence[Edge]) -> list[tuple[BBox, list[BBox]]]:
    """Boxes (and grid cells) of tables drawn with ruling lines.

    pdfplumber's ``lines`` strategy with its default tolerances (snap and join 3 pt,
    edges of 3 pt or more, intersections within 3 pt), on our edges.
    """
    if len(edges) < 4:  # a grid cell needs two edges of each direction
        return []
    from pdfplumber import table as grid  # a slow import: only pages with rules pay for it

    merged = grid.merge_edges([_edge_dict(e) for e in edges], 3, 3, 3, 3)
    merged = [e for e in merged if e["width" if e["orientation"] == "h" else "height"] >= 3]
    cells_all = grid.intersections_to_cells(grid.edges_to_intersections(merged, 3, 3))
    out: list[tuple[BBox, list[BBox]]] = []
    for group in grid.cells_to_tables(cells_all):
        cells: list[BBox] = [_box(c) for c in group]
        xs = {round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells}
        ys = {round(c[1], 1) for c in cells} | {round(c[3], 1) for c in cells}
        if len(cells) >= 2 and (len(xs) >= 3 or len(ys) >= 3):
            bbox = (min(c[0] for c in cells), min(c[1] for c in cells),
                    max(c[2] for c in cells), max(c[3] for c in cells))
            out.append((bbox, cells))
    return out


def _grow(bbox: BBox, words: list[Word]) -> BBox:
    """Widen a ruled box over words on its rows just outside it (an unruled stub column)."""
    x0, top, x1, bottom = bbox
    row_words = [w for w in words if top <= (w.top + w.bottom) / 2 <= bottom]
    changed = True
    while changed:
        changed = False
        for w in row_words:
            if w.x1 < x0 and x0 - w.x1 < 2.5 * w.size:
                x0, changed = w.x0, True
            elif w.x0 > x1 and w.x0 - x1 < 2.5 * w.size:
                x1, changed = w.x1, True
    return (x0, top, x1, bottom)


def _h_rules(edges: Sequence[Edge]) -> list[tuple[float, float, float]]:
    """Horizontal ruling lines as (y, x0, x1)."""
    return [(e.top, e.x0, e.x1) for e in edges if e.horizontal and e.x1 - e.x0 > 10]


# ---------------------------------------------------------------------------------------------
# public entry point
# ---------------------------------------------------------------------------------------------

def _caption_for(lines: list[_Line], bbox: BBox) -> str | None:
    above = [ln for ln in lines if ln.bottom <= bbox[1] + 1 and bbox[1] - ln.bottom < 40]
    for ln in sorted(above, key=lambda ln: -ln.top):
        if CAPTION.match(ln.text):
            return normalize_inline(ln.text)
    below = [ln for ln in lines if ln.top >= bbox[3] - 1 and ln.top - bbox[3] < 25]
    for ln in sorted(below, key=lambda ln: ln.top):
        if CAPTION.match(ln.text):
            return normalize_inline(ln.text)
    return None


FIGURE_REACH = 60.0  # points above or below a grid where a figure caption claims it
# A short caption can end just left of a centred drawing; a caption in the other column of
# a two-column page lies beyond the gutter, which is wider than this.
FIGURE_SIDE = 12.0


def _figures(tables: list[DetectedTable], lines: list[_Line]) -> list[DetectedTable]:
    """The uncaptioned grids that are parts of a figure: their cells read as a chart or a
    flow diagram, or a figure caption or chart title lies inside them or within
    FIGURE_REACH above or below, over the same columns (a caption in the page's other
    column does not count). A grid within reach of such a part is a part too: a drawing
    often comes out as several grids stacked above its one caption."""
    zones: list[BBox] = [ln_box for ln in lines if FIGURE_CAPTION.search(ln.text)
                         for ln_box in ((ln.x0, ln.top, ln.x1, ln.bottom),)]
    open_ = [t for t in tables if t.caption is None]
    found = [t for t in open_ if drawing_cells([c.text for c in t.cells])]
    zones += [t.bbox for t in found]
    grew = True
    while grew:
        grew = False
        for t in open_:
            if any(t is f for f in found) or not any(_near(t.bbox, z) for z in zones):
                continue
            found.append(t)
            zones.append(t.bbox)
            grew = True
    return found


def _near(box: BBox, zone: BBox) -> bool:
    """Whether ``zone`` is over the same columns as ``box`` (a horizontal gap of at most
    FIGURE_SIDE) and the vertical gap between them is at most FIGURE_REACH (none when one
    holds the other)."""
    if zone[2] < box[0] - FIGURE_SIDE or zone[0] > box[2] + FIGURE_SIDE:
        return False
    return max(zone[1] - box[3], box[1] - zone[3], 0.0) <= FIGURE_REACH


def _plausible(table: DetectedTable) -> bool:
    """Reject grids that are not tables: chart labels, boxed paragraphs, lone columns.

    A table fills most of its grid and has several rows with two or more filled cells;
    axis labels and legends of a chart give sparse grids, a framed paragraph one column.
    """
    filled = [c for c in table.cells if c.text]
    if not filled:
        return False
    n_rows = max(c.row + c.rowspan for c in table.cells)
    n_cols = max(c.col + c.colspan for c in table.cells)
    area = sum(c.rowspan * c.colspan for c in filled)
    per_row: dict[int, int] = {}
    for c in filled:
        per_row[c.row] = per_row.get(c.row, 0) + 1
    wide_rows = sum(1 for n in per_row.values() if n >= 2)
    long_cells = sum(1 for c in filled if len(c.text.split()) >= 8)
    return (n_cols >= 2 and wide_rows >= 2 and area >= FILL_MIN * n_rows * n_cols
            and long_cells <= 0.5 * len(filled))


def tables_on_page(data: PageData) -> list[DetectedTable]:
    """All tables on one page, top to bottom."""
    words, page_no = data.words, data.page
    if not words:
        return []
    rules = _h_rules(data.edges)
    tables: list[DetectedTable] = []
    rest = list(words)
    for bbox, cells in _ruled_regions(data.edges):
        bbox = _grow(bbox, rest)
        inner = [w for w in rest if _inside(w, bbox)]
        if not inner:
            continue
        table = _lattice(cells, inner, page_no, bbox)
        if table is None:
            table = _stream_table(_group_lines(inner), page_no, rules)
        if table is not None and _plausible(table):
            tables.append(table)
            rest = [w for w in rest if not _inside(w, bbox)]
    all_lines = _group_lines(words)
    if rest:
        lines = all_lines if len(rest) == len(words) else _group_lines(rest)
        body_width = max(ln.x1 for ln in all_lines) - min(ln.x0 for ln in all_lines)
        lines, prose, mid = _split_prose(lines, data.width)
        for region in _regions(lines, body_width, prose, mid):
            if mid is not None:
                region = _one_side(region, mid, body_width)
            table = _stream_table(region, page_no, rules)
            if table is not None and _plausible(table):
                tables.append(table)
    for t in tables:
        t.caption = _caption_for(all_lines, t.bbox)
    figures = _figures(tables, all_lines)
    tables = [t for t in tables if not any(t is f for f in figures)]
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))


def detect_tables(data: PageData, warnings: list[str] | None = None) -> list[DetectedTable]:
    """:func:`tables_on_page` with boxes in user space (like the parser's lines); a page the
    detectors choke on yields no tables and a line in ``warnings``.

    Table detection is best effort: a damaged or odd page loses its tables, not the
    document (the running text is the PDF parser's job).
    """
    try:
        tables = tables_on_page(data)
    except Exception as err:  # noqa: BLE001 - see the docstring
        if warnings is not None:
            warnings.append(f"table detection failed on page {data.page} "
                            f"({type(err).__name__}); its tables are missing")
        return []
    frame = data.frame
    if frame.rotation:
        for t in tables:
            t.bbox = frame.to_user(t.bbox)
            for c in t.cells:
                if c.bbox is not None:
                    c.bbox = frame.to_user(c.bbox)
    return tables


def find_tables(pdf: pdfium.PdfDocument, pages: Iterable[int]) -> list[DetectedTable]:
    """Tables on the given 1-based pages of an open document, in page order.

    Pages outside the document are ignored; a page that cannot be read or analysed
    yields no tables rather than an error.
    """
    out: list[DetectedTable] = []
    for n in sorted(set(pages)):
        if not 1 <= n <= len(pdf):
            continue
        try:
            with PdfPage(pdf, n - 1) as page:
                data = read_page_data(page, page.lines())
        except pdfium.PdfiumError:
            continue
        out.extend(detect_tables(data))
    return out
