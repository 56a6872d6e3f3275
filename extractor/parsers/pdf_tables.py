"""Table detection and structure recovery for born-digital PDFs.

Two cooperating detectors work on one page at a time (pdfplumber objects):

* **lattice**: tables drawn with a full grid of ruling lines, taken from pdfplumber's
  ``lines`` strategy and kept only when the grid really has rows, columns and text;
* **stream**: borderless tables found from word alignment.  Words are grouped into text
  lines, lines into *segments* (runs of words separated by small gaps); a run of lines
  with several segments (and no prose in between) is a table region; its columns are the
  x-ranges that the segments of nearly every line leave empty; rows are the text lines,
  with wrapped cell text merged back into its row.

:func:`candidate_pages` is a cheap pypdfium2-only prefilter so that the (slow) pdfplumber
work runs only on pages that may hold a table.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pypdfium2.raw as pdfium_c

from extractor.document import BBox
from extractor.parsers.builder import PlacedCell, normalize_inline

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pdfplumber
    import pypdfium2
    from pdfplumber.page import Page

CAPTION = re.compile(r"^\s*(?i:table|tab\.)\s*[A-Z]?[-.–]?\d+[A-Za-z]?\b")
FILL_MIN = 0.4  # a table fills at least this share of its grid
GAP_BREAK = 3.5  # a vertical gap this many font sizes high ends a table region
_LEADER = re.compile(r"^[.…·]{3,}$")
_PLAIN_NUMBER = re.compile(r"^[-–−]?\d[\d.,]*%?$")
_NUMERIC = re.compile(r"^[\s\d.,%()+\-–−<>=±/*~$€£]+$")


@dataclass
class DetectedTable:
    """A table found on a page: its grid of cells and where it is."""

    page: int  # 1-based
    bbox: BBox  # (x0, top, x1, bottom), PDF points, top-left origin (pdfplumber coords)
    cells: list[PlacedCell]
    header_rows: int
    caption: str | None = None  # "Table 2. ..." text found just above/below, when present
    flags: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# candidate pages (pypdfium2 only)
# ---------------------------------------------------------------------------------------------

def candidate_pages(doc: pypdfium2.PdfDocument) -> list[int]:
    """Cheap (pypdfium2 only, ~ms per page) guess of the 1-based pages that may hold tables.

    A page is a candidate when its text mentions a table caption ("Table 3"), when it
    has several text lines split into three or more runs by wide gaps, or several lines
    of short runs separated by a wide gap (two-column tables).  Meant to over-report:
    missing a table page loses the table, a false candidate only costs time.
    """
    pages: list[int] = []
    for index in range(len(doc)):
        page = doc[index]
        try:
            textpage = page.get_textpage()
            try:
                if _page_may_hold_table(textpage, page.get_width()):
                    pages.append(index + 1)
            finally:
                textpage.close()
        finally:
            page.close()
    return pages


def _page_may_hold_table(textpage: Any, width: float) -> bool:
    text = textpage.get_text_range()
    if any(CAPTION.match(line) for line in text.splitlines()):
        return True
    # Character boxes (not pdfium's text rects, which may bridge wide gaps when a PDF
    # writes space characters between columns); whitespace characters are skipped.
    boxes: list[tuple[float, float, float, float]] = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    handle = textpage.raw
    for i in range(pdfium_c.FPDFText_CountChars(handle)):
        if i >= len(text) or text[i].isspace():
            continue
        ok = pdfium_c.FPDFText_GetCharBox(handle, i, left, right, bottom, top)
        if ok and right.value > left.value:
            boxes.append((left.value, bottom.value, right.value, top.value))
    return _aligned_rows(boxes, width)


def _aligned_rows(boxes: list[tuple[float, float, float, float]], width: float) -> bool:
    """Whether enough text lines break into runs separated by wide gaps (column layout)."""
    rows: list[list[tuple[float, float, float, float]]] = []
    for r in sorted(boxes, key=lambda r: (-round((r[1] + r[3]) / 2), r[0])):
        mid, height = (r[1] + r[3]) / 2, max(r[3] - r[1], 1.0)
        if rows:
            last = rows[-1][-1]
            if abs((last[1] + last[3]) / 2 - mid) < 0.5 * max(height, last[3] - last[1]):
                rows[-1].append(r)
                continue
        rows.append([r])
    many = short_pairs = 0
    for row in rows:
        if len(row) < 2:
            continue
        row.sort(key=lambda r: r[0])
        char_w = statistics.median(r[2] - r[0] for r in row)
        runs = [[row[0][0], row[0][2]]]
        for r in row[1:]:
            if r[0] - runs[-1][1] > max(1.6 * char_w, 3.0):
                runs.append([r[0], r[2]])
            else:
                runs[-1][1] = max(runs[-1][1], r[2])
        if len(runs) >= 3:
            many += 1
        elif len(runs) == 2 and (all(b - a < 0.3 * width for a, b in runs)
                                 or runs[1][1] - runs[1][0] < 0.12 * width):
            short_pairs += 1
    return many >= 3 or short_pairs >= 4



# ---------------------------------------------------------------------------------------------
# words, lines, segments
# ---------------------------------------------------------------------------------------------

@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass
class _Segment:
    words: list[_Word]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class _Line:
    words: list[_Word]
    segments: list[_Segment] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def _words(page: Page) -> list[_Word]:
    out = []
    for w in page.extract_words(x_tolerance=1.5, y_tolerance=2.5, keep_blank_chars=False,
                                extra_attrs=["size", "fontname"]):
        if _LEADER.match(w["text"]):
            continue  # dot leaders join a row label to its values; they are not content
        name = str(w.get("fontname", "")).lower()
        out.append(_Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"],
                         float(w.get("size") or (w["bottom"] - w["top"])),
                         "bold" in name or "black" in name or "heavy" in name))
    return out


def _group_lines(words: list[_Word]) -> list[_Line]:
    """Words to text lines: a word joins a line whose vertical extent mostly overlaps it."""
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        h = w.bottom - w.top
        for line in reversed(lines[-3:]):
            overlap = min(line.bottom, w.bottom) - max(line.top, w.top)
            if overlap > 0.5 * min(h, line.bottom - line.top):
                line.words.append(w)
                break
        else:
            lines.append(_Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        line.segments = _split(line.words, 0.55)
    lines.sort(key=lambda ln: ln.top)
    return lines


def _split(words: list[_Word], em: float) -> list[_Segment]:
    """Split a line's words wherever the gap exceeds ``em`` times the font size."""
    segs = [_Segment([words[0]])]
    for w in words[1:]:
        prev = segs[-1].words[-1]
        size = max(min(w.size, prev.size), 4.0)
        # Two bare numbers side by side are two values even when set with a single space.
        numbers = bool(_PLAIN_NUMBER.match(prev.text) and _PLAIN_NUMBER.match(w.text))
        if w.x0 - prev.x1 > (0.15 if numbers else em) * size:
            segs.append(_Segment([w]))
        else:
            segs[-1].words.append(w)
    return segs


# ---------------------------------------------------------------------------------------------
# stream tables: regions
# ---------------------------------------------------------------------------------------------

def _is_prose_segment(seg: _Segment, body_width: float) -> bool:
    return len(seg.words) >= 6 and (seg.x1 - seg.x0) > 0.3 * body_width


def _line_kind(line: _Line, body_width: float) -> str:
    wide = _split(line.words, 1.0)
    if len(wide) >= 2 and not all(_is_prose_segment(s, body_width) for s in wide):
        return "table"
    if any(_is_prose_segment(s, body_width) for s in wide) or (
        line.x1 - line.x0 > 0.6 * body_width and len(line.words) >= 6
    ):
        return "prose"
    return "short"


def _looks_like_prose(lines: list[_Line]) -> bool:
    """Multi-column running text: most runs of words are long (table cells are short)."""
    segs = [seg for ln in lines for seg in _split(ln.words, 1.0)]
    return sum(len(seg.words) >= 5 for seg in segs) > 0.5 * len(segs)


def _regions(lines: list[_Line], body_width: float) -> list[list[_Line]]:
    """Runs of table-like lines (short lines allowed inside), split at prose and big gaps."""
    kinds = [_line_kind(ln, body_width) for ln in lines]
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

    for i, line in enumerate(lines):
        if kinds[i] == "prose" or CAPTION.match(line.text):
            close()
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
    words: list[_Word]


def _line_cells(line: _Line, cols: list[tuple[float, float]]) -> list[_RowCell]:
    cells: list[_RowCell] = []
    for seg in line.segments:
        a, b = _col_range(seg.x0, seg.x1, cols)
        if a != b:
            # A segment over several columns: split at column gaps if its words allow it.
            parts: dict[int, list[_Word]] = {}
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
    if any(_is_numeric(" ".join(w.text for w in c.words)) for c in cur):
        return False
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
        values = [c for c in cells if c.col > 0]
        texts = [" ".join(w.text for w in c.words) for c in values]
        if values and sum(_is_numeric(t) for t in texts) >= max(1, len(texts) / 2):
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

def _inside(w: _Word, box: BBox, pad: float = 1.0) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def _lattice(cells: list[BBox], words: list[_Word], page_no: int,
             bbox: BBox) -> DetectedTable | None:
    """A fully ruled grid, or None when its cells hide unruled rows or columns.

    Tables ruled only around the header or with shaded row bands give grid cells that
    hold several aligned rows or columns of text; those are left to the text-based path.
    """
    for i, a in enumerate(cells):  # nested or overlapping boxes: not a clean grid
        for b in cells[i + 1:]:
            if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1:
                return None
    xs = sorted({round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells})
    ys = sorted({round(c[1], 1) for c in cells} | {round(c[3], 1) for c in cells})
    placed = []
    for c in cells:
        inner = [w for w in words if _inside(w, c, 0.0)]
        if inner:
            lines = _group_lines(inner)
            if any(len(_split(ln.words, 1.0)) > 1 for ln in lines):
                return None
            if sum(_is_numeric(ln.text) for ln in lines) > 1:
                return None
        text = normalize_inline(" ".join(ln.text for ln in _group_lines(inner))) if inner else ""
        col, row = xs.index(round(c[0], 1)), ys.index(round(c[1], 1))
        colspan = max(1, xs.index(round(c[2], 1)) - col)
        rowspan = max(1, ys.index(round(c[3], 1)) - row)
        placed.append(PlacedCell(row, col, text, rowspan, colspan, c))
    return DetectedTable(page_no, bbox, placed, 1, flags=["ruled"])


def _box(b: Sequence[float]) -> BBox:
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _ruled_regions(page: Page) -> list[tuple[BBox, list[BBox]]]:
    """Boxes (and grid cells) of tables drawn with ruling lines, per pdfplumber."""
    out: list[tuple[BBox, list[BBox]]] = []
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    for table in page.find_tables(settings):
        cells: list[BBox] = [_box(c) for c in table.cells]
        xs = {round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells}
        ys = {round(c[1], 1) for c in cells} | {round(c[3], 1) for c in cells}
        if len(cells) >= 2 and (len(xs) >= 3 or len(ys) >= 3):
            out.append((_box(table.bbox), cells))
    return out


def _grow(bbox: BBox, words: list[_Word]) -> BBox:
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


def _h_rules(page: Page) -> list[tuple[float, float, float]]:
    """Horizontal ruling lines as (y, x0, x1)."""
    rules = []
    for e in page.edges:
        if e.get("orientation") == "h" and e["x1"] - e["x0"] > 10:
            rules.append((float(e["top"]), float(e["x0"]), float(e["x1"])))
    return rules


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


def tables_on_page(page: Page, page_no: int) -> list[DetectedTable]:
    """All tables on one pdfplumber page, top to bottom."""
    words = _words(page)
    if not words:
        return []
    rules = _h_rules(page)
    tables: list[DetectedTable] = []
    rest = list(words)
    for bbox, cells in _ruled_regions(page):
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
        lines = _group_lines(rest)
        body_width = max(ln.x1 for ln in all_lines) - min(ln.x0 for ln in all_lines)
        for region in _regions(lines, body_width):
            table = _stream_table(region, page_no, rules)
            if table is not None and _plausible(table):
                tables.append(table)
    for t in tables:
        t.caption = _caption_for(all_lines, t.bbox)
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))


def find_tables(pdf: pdfplumber.PDF, pages: Iterable[int]) -> list[DetectedTable]:
    """Tables on the given 1-based pages, in reading order.

    Pages outside the document are ignored; a page that pdfplumber cannot analyse
    yields no tables rather than an error (the running text is the PDF parser's job).
    """
    out: list[DetectedTable] = []
    for n in sorted(set(pages)):
        if not 1 <= n <= len(pdf.pages):
            continue
        page = pdf.pages[n - 1]
        try:
            out.extend(tables_on_page(page, n))
        except Exception:  # noqa: BLE001 - a damaged page loses its tables, not the document
            continue
        finally:
            page.flush_cache()
    return out
