"""Text lines with geometry and font from pypdfium2, fast (no per-character Python loops).

One ``FPDFText_GetText`` call gives the page text with pdfium's own ``\\r\\n`` line breaks;
for each line, pdfium's rectangle API (``FPDFText_CountRects`` on the line's character
range) gives its boxes, and a few sampled characters give its font size, weight and angle.
That costs a handful of C calls per line instead of several per character.

Coordinates are converted to a top-left origin (``top`` grows downwards), like pdfplumber.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# pdfium writes U+0002 (and in some builds U+FFFE) for a hyphen it judged to end a line.
PDFIUM_HYPHENS = "\x02\ufffe"
_FONT_NAME_BUF = 128
# A gap between two boxes of one pdfium line wider than this many font sizes splits the
# line: pdfium sometimes joins the two columns (or table cells) that share a baseline.
_SPLIT_GAP_EM = 1.0


@dataclass
class Line:
    """One line of text on one page (after splitting at wide gaps)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    page: int
    rotated: bool = False
    font: str = ""
    # For reading order and paragraph building (filled in by the layout code).
    col: int = field(default=-1, compare=False)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class PageLines:
    """All the lines of one page and the page's size (points)."""

    page: int
    width: float
    height: float
    lines: list[Line]


class _TextPageReader:
    """Reads lines from one pdfium text page; holds the reusable ctypes out-parameters."""

    def __init__(self, textpage: pdfium.PdfTextPage, page_no: int, top: float) -> None:
        self.tp = textpage.raw
        self.page_no = page_no
        self.top = top
        self._l, self._t = ctypes.c_double(), ctypes.c_double()
        self._r, self._b = ctypes.c_double(), ctypes.c_double()
        self._flags = ctypes.c_int()
        self._name = ctypes.create_string_buffer(_FONT_NAME_BUF)
        self._matrix = pdfium_c.FS_MATRIX()
        self._font_cache: dict[bytes, tuple[str, bool]] = {}

    # -- pdfium helpers -----------------------------------------------------------------------
    def rects(self, start: int, count: int) -> list[tuple[float, float, float, float]]:
        """Boxes (x0, top, x1, bottom) pdfium computes for a character range."""
        n = pdfium_c.FPDFText_CountRects(self.tp, start, count)
        out = []
        for i in range(n):
            if pdfium_c.FPDFText_GetRect(self.tp, i, self._l, self._t, self._r, self._b):
                out.append((self._l.value, self.top - self._t.value,
                            self._r.value, self.top - self._b.value))
        return out

    def font(self, index: int) -> tuple[float, bool, str, bool]:
        """Font size, boldness, name and rotation (not upright) of character ``index``."""
        size = float(pdfium_c.FPDFText_GetFontSize(self.tp, index))
        rotated = False
        # The nominal size ignores the text matrix (TeX output draws at "1 Tf" and scales).
        if pdfium_c.FPDFText_GetMatrix(self.tp, index, self._matrix):
            m = self._matrix
            size *= math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0
            rotated = m.a <= 0 or abs(m.b) > 0.1 * abs(m.a)
        n = pdfium_c.FPDFText_GetFontInfo(self.tp, index, self._name, _FONT_NAME_BUF,
                                          self._flags)
        raw = self._name.raw[: max(0, min(n, _FONT_NAME_BUF) - 1)]
        cached = self._font_cache.get(raw)
        if cached is None:
            name = raw.decode("latin-1").split("+")[-1]  # drop the subset prefix "ABCDEF+"
            weight = pdfium_c.FPDFText_GetFontWeight(self.tp, index)
            lowered = name.lower()
            # TeX bold fonts are CMBX*; others say Bold/Black/Heavy/Semibold or "-Bd".
            bold = weight >= 600 or any(
                k in lowered for k in ("bold", "black", "heavy", "cmbx", "-bd", ",bd")
            )
            cached = (name, bold)
            self._font_cache[raw] = cached
        return size, cached[1], cached[0], rotated

    def solid_char(self, index: int, lo: int, hi: int) -> int:
        """``index`` or a nearby character in ``[lo, hi)`` that is drawn (not a space).

        Spaces pdfium generates have no font: their size reads as 1 and they have no matrix.
        """
        for k in (index, index + 1, index - 1, index + 2, index - 2, index + 3, index - 3):
            if lo <= k < hi and pdfium_c.FPDFText_GetUnicode(self.tp, k) > 32 and \
                    not pdfium_c.FPDFText_IsGenerated(self.tp, k):
                return k
        return index

    def char_index(self, text_index: int, step: int, limit: int) -> int:
        """The character index of a text index, moving by ``step`` over unmapped positions."""
        i = text_index
        while (i - limit) * step <= 0:
            c = pdfium_c.FPDFText_GetCharIndexFromTextIndex(self.tp, i)
            if c >= 0:
                return int(c)
            i += step
        return -1


def _page_text(tp: object, n_chars: int) -> np.ndarray:
    """The page text as UTF-16 code units (pdfium's text indices index this array)."""
    buf = (ctypes.c_ushort * (n_chars + 1))()
    n = pdfium_c.FPDFText_GetText(tp, 0, n_chars, buf)
    return np.frombuffer(memoryview(buf).cast("B"), dtype=np.uint16, count=max(0, n - 1)).copy()


def _decode(units: np.ndarray) -> str:
    return units.tobytes().decode("utf-16-le", errors="replace")


def _line_spans(units: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) text-index ranges of pdfium's lines (separated by CR LF)."""
    if not len(units):
        return []
    breaks = np.flatnonzero((units[:-1] == 13) & (units[1:] == 10))
    spans, start = [], 0
    for b in breaks.tolist():
        spans.append((start, b))
        start = b + 2
    spans.append((start, len(units)))
    return [(s, e) for s, e in spans if e > s]


def _union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def read_page(pdf: pdfium.PdfDocument, index: int) -> PageLines:
    """Lines of page ``index`` (0-based) with boxes, font size and boldness."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        # Text coordinates are in user space; pdfplumber measures "top" from the media box top.
        top = page.get_mediabox()[3]
        textpage = page.get_textpage()
        try:
            lines = _read_lines(textpage, index + 1, top)
        finally:
            textpage.close()
    finally:
        page.close()
    return PageLines(page=index + 1, width=width, height=height, lines=lines)


def _read_lines(textpage: pdfium.PdfTextPage, page_no: int, top: float) -> list[Line]:
    reader = _TextPageReader(textpage, page_no, top)
    n_chars = pdfium_c.FPDFText_CountChars(reader.tp)
    if n_chars <= 0:
        return []
    units = _page_text(reader.tp, n_chars)
    lines: list[Line] = []
    for ts, te in _line_spans(units):
        c0 = reader.char_index(ts, 1, te - 1)
        c1 = reader.char_index(te - 1, -1, ts)
        if c0 < 0 or c1 < c0:
            continue
        lines.extend(_make_lines(reader, units, ts, te, c0, c1 + 1))
    return lines


def _new_piece(prev: tuple[float, float, float, float],
               box: tuple[float, float, float, float]) -> bool:
    """True when ``box`` does not continue the visual line ``prev`` ends with."""
    h_prev, h_box = prev[3] - prev[1], box[3] - box[1]
    size = max(h_prev, h_box, 0.1)  # box height ~ font size; the larger ignores small marks
    if box[0] - prev[2] > _SPLIT_GAP_EM * size:  # a gap as wide as a column gutter
        return True
    overlap = min(prev[3], box[3]) - max(prev[1], box[1])
    if overlap >= 0.3 * max(0.1, min(h_prev, h_box)):
        return False
    # Another baseline: pdfium joined two visual lines when the text goes back to the left
    # (the next line of a hyphenated word) or when two full-height boxes do not touch.
    # Accents and superscripts are small boxes slightly off the baseline: no split.
    return box[0] < prev[2] - size or (overlap <= 0 and min(h_prev, h_box) >= 0.5 * size)


def _first_char_of_rect(reader: _TextPageReader, c0: int, c1: int, j: int) -> int:
    """Index of the first character of rect ``j`` of range ``[c0, c1)`` (binary search).

    Counting the rects of a prefix is one C call; rect ``j`` starts at the shortest
    prefix that already has ``j + 1`` rects. (This overwrites pdfium's cached rects.)
    """
    lo, hi = 1, c1 - c0
    while lo < hi:
        mid = (lo + hi) // 2
        if pdfium_c.FPDFText_CountRects(reader.tp, c0, mid) >= j + 1:
            hi = mid
        else:
            lo = mid + 1
    return c0 + lo - 1


def _make_lines(reader: _TextPageReader, units: np.ndarray, ts: int, te: int,
                c0: int, c1: int) -> list[Line]:
    """One pdfium line as one or more visual Lines.

    pdfium joins lines it thinks belong together: a hyphenated word's two halves (even
    across columns), a footnote sharing a baseline, table cells. Split wherever the next box
    starts another baseline, goes backwards or leaves a gutter-wide gap.
    """
    boxes = reader.rects(c0, c1 - c0)
    if not boxes:
        return []
    cuts = [j for j in range(1, len(boxes)) if _new_piece(boxes[j - 1], boxes[j])]
    # (first box, first char, first text index) of every piece.
    starts = [(0, c0, ts)]
    for j in cuts:
        c = _first_char_of_rect(reader, c0, c1, j)
        t = int(pdfium_c.FPDFText_GetTextIndexFromCharIndex(reader.tp, c))
        if c > starts[-1][1] and starts[-1][2] < t < te:
            starts.append((j, c, t))
    ends = [(j, c, t) for j, c, t in starts[1:]] + [(len(boxes), c1, te)]
    out: list[Line] = []
    for (j0, ca, ta), (j1, cb, tb) in zip(starts, ends, strict=True):
        text = _decode(units[ta:tb])
        if not text.strip():
            continue
        size, bold, name, rotated = reader.font(reader.solid_char((ca + cb) // 2, ca, cb))
        if bold and cb - ca > 1:  # a heading is bold throughout, not just in the middle
            bold = reader.font(reader.solid_char(ca, ca, cb))[1]
        box = _union(boxes[j0:j1])
        if size < 2.0:  # an odd text matrix (or no font): the box height is a fair estimate
            size = box[3] - box[1]
        out.append(Line(text, *box, size=size, bold=bold,
                        page=reader.page_no, rotated=rotated, font=name))
    return out


def read_pages(pdf: pdfium.PdfDocument) -> list[PageLines]:
    """:func:`read_page` for every page."""
    return [read_page(pdf, i) for i in range(len(pdf))]
