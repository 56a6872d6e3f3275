"""Text lines with geometry and font from pypdfium2, fast (no per-character Python loops).

One ``FPDFText_GetText`` call gives the page text with pdfium's own ``\\r\\n`` line breaks;
for each line, pdfium's rectangle API (``FPDFText_CountRects`` on the line's character
range) gives its boxes, and a few sampled characters give its font size, weight and angle.
That costs a handful of C calls per line instead of several per character.

The same machinery yields *words* (runs of non-space characters, split again where their
boxes leave a gap) for the table detector; :class:`PdfPage` keeps one page and its text
page open so that lines and, on table pages only, words come from a single text page load.

Coordinates are converted to a top-left origin (``top`` grows downwards), like pdfplumber.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# pdfium writes U+0002 (and in some builds U+FFFE) for a hyphen it judged to end a line.
PDFIUM_HYPHENS = "\x02\ufffe"
_FONT_NAME_BUF = 128
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


# A gap between two boxes of one pdfium line wider than this many font sizes splits the
# line: pdfium sometimes joins the two columns (or table cells) that share a baseline.
_SPLIT_GAP_EM = 1.0
# Two characters of one word farther apart than this (points) are two words (pdfplumber's
# default ``x_tolerance`` for the same decision, so table cells split where they did before).
_WORD_GAP = 1.5
_NON_SPACE = re.compile(r"\S+")
# UTF-16 units that separate words: whitespace, CR/LF and pdfium's generated line breaks.
_SPACE_UNITS = np.array([9, 10, 13, 32, 160, 0x2002, 0x2003, 0x2009, 0x200A, 0x200B],
                        dtype=np.uint16)


class Piece(NamedTuple):
    """A run of text cut from pdfium's text: for a line or a word."""

    text: str
    box: Box
    chars: tuple[int, int]  # character indices [start, end)
    span: tuple[int, int]  # text indices [start, end)
    gap: float  # the widest gap between two of its boxes (points; 0 for one box)


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
    # Where the text is in pdfium's page text (text indices [start, end)).
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)
    # The widest gap between the pieces of text pdfium drew the line with (points).
    gap: float = field(default=0.0, compare=False, repr=False)
    # Its direction: quarter turns anticlockwise (1: written upwards), -1 when slanted.
    turns: int = field(default=0, compare=False, repr=False)
    # For reading order and paragraph building (filled in by the layout code).
    col: int = field(default=-1, compare=False)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class Word:
    """One word on a page (top-left origin), with its font size and weight."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    turns: int = 0  # direction: quarter turns anticlockwise (1: written upwards), -1: slanted


@dataclass
class PageLines:
    """All the lines of one page and the page's size (points, as shown)."""

    page: int
    width: float
    height: float
    lines: list[Line]
    media: Box = (0.0, 0.0, 612.0, 792.0)  # the media box, user space


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
        self._object_fonts: dict[int, tuple[float, bool, str, int]] = {}

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

    def font(self, index: int) -> tuple[float, bool, str, int]:
        """Font size, boldness, name and direction of character ``index``.

        The direction is the number of quarter turns anticlockwise the text is written at
        (0: upright, 1: upwards), or -1 when it is slanted.
        """
        size = float(pdfium_c.FPDFText_GetFontSize(self.tp, index))
        turns = 0
        # The nominal size ignores the text matrix (TeX output draws at "1 Tf" and scales).
        if pdfium_c.FPDFText_GetMatrix(self.tp, index, self._matrix):
            m = self._matrix
            size *= math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0
            turns = _quarter_turns(m.a, m.b)
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
        return size, cached[1], cached[0], turns

    def object_font(self, index: int) -> tuple[float, bool, str, int]:
        """:meth:`font` of character ``index``, cached per text object.

        All characters of a PDF text object share its font, size and matrix.
        """
        obj = ctypes.cast(pdfium_c.FPDFText_GetTextObject(self.tp, index), ctypes.c_void_p).value
        found = self._object_fonts.get(obj) if obj else None
        if found is None:
            found = self.font(index)
            if obj:
                self._object_fonts[obj] = found
        return found

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


def _quarter_turns(a: float, b: float) -> int:
    """Quarter turns anticlockwise of a text direction (a, b); -1 when it is slanted."""
    if a > 0 and abs(b) <= 0.1 * a:
        return 0
    if b > 0 and abs(a) <= 0.1 * b:
        return 1
    if a < 0 and abs(b) <= 0.1 * -a:
        return 2
    if b < 0 and abs(a) <= 0.1 * -b:
        return 3
    return -1


def _font_box(turns: int, size: float, first: pdfium_c.FS_RECTF, last: pdfium_c.FS_RECTF,
              top: float) -> Box:
    """A word's box from the font boxes (user space) of its first and last characters: along
    the text from one to the other, across it one font size from the descent edge."""
    x0, x1 = min(first.left, last.left), max(first.right, last.right)
    t0, t1 = top - max(first.top, last.top), top - min(first.bottom, last.bottom)
    # The descent edge from the first character: a word often ends with a raised mark
    # ("0a", "12*"), rarely starts with one.
    if turns == 0:  # upright: the descent is at the bottom
        return (x0, top - first.bottom - size, x1, top - first.bottom)
    if turns == 1:  # written upwards: the glyphs' tops point left, the descent is right
        return (first.right - size, t0, first.right, t1)
    if turns == 2:  # upside down: the descent is at the top
        return (x0, top - first.top, x1, top - first.top + size)
    return (first.left, t0, first.left + size, t1)  # written downwards


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


class PdfPage:
    """One pypdfium2 page and its text page, open until :meth:`close` (or ``with`` exit).

    Reading lines and words from one object loads the text page once; ``page`` (the
    pypdfium2 page) stays available for reading vector graphics.
    """

    def __init__(self, pdf: pdfium.PdfDocument, index: int) -> None:
        self.number = index + 1
        self.page = pdf[index]
        try:
            self.width, self.height = self.page.get_size()
            # Text coordinates are in user space; pdfplumber measures "top" from the media
            # box top, and so do we.
            x0, y0, x1, y1 = self.page.get_mediabox()
            self.media: Box = (x0, y0, x1, y1)
            self.top = y1
            self.textpage = self.page.get_textpage()
        except BaseException:
            self.page.close()
            raise
        self._reader = _TextPageReader(self.textpage, self.number, self.top)
        n_chars = pdfium_c.FPDFText_CountChars(self._reader.tp)
        self._units = _page_text(self._reader.tp, n_chars) if n_chars > 0 else \
            np.zeros(0, dtype=np.uint16)

    def __enter__(self) -> PdfPage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the text page and the page."""
        self.textpage.close()
        self.page.close()

    def lines(self) -> PageLines:
        """The page's visual lines with boxes, font size and boldness."""
        reader, units = self._reader, self._units
        lines: list[Line] = []
        for ts, te in _line_spans(units):
            c0 = reader.char_index(ts, 1, te - 1)
            c1 = reader.char_index(te - 1, -1, ts)
            if c0 < 0 or c1 < c0:
                continue
            for text, box, (ca, cb), span, gap in _pieces(reader, units, ts, te, c0, c1 + 1,
                                                          _new_piece):
                size, bold, name, turns = reader.object_font(
                    reader.solid_char((ca + cb) // 2, ca, cb))
                if bold and cb - ca > 1:  # a heading is bold throughout, not just in the middle
                    bold = reader.object_font(reader.solid_char(ca, ca, cb))[1]
                if size < 2.0:  # an odd text matrix (or no font): the box height is a fair estimate
                    size = box[3] - box[1]
                lines.append(Line(text, *box, size=size, bold=bold, page=self.number,
                                  rotated=turns != 0, font=name, span=span, gap=gap,
                                  turns=turns))
        return PageLines(page=self.number, width=self.width, height=self.height, lines=lines,
                         media=self.media)

    def words(self, skip: Sequence[Line] = ()) -> list[Word]:
        """The page's words: runs of non-space text, split where their boxes leave a gap.

        A handful of C calls per word (its character range, its boxes, one character's
        font box) and none per character; fonts are looked up once per text object.
        pdfium's soft-hyphen marks become "-". Words that start inside the text of a line
        in ``skip`` (lines of this page) are not read.
        """
        reader, units, top = self._reader, self._units, self.top
        if not len(units):
            return []
        tp = reader.tp
        gaps = np.concatenate(([True], np.isin(units, _SPACE_UNITS), [True])).astype(np.int8)
        change = np.diff(gaps)
        starts, ends = np.flatnonzero(change == -1), np.flatnonzero(change == 1)
        if skip:
            spans = np.array(sorted(ln.span for ln in skip))
            k = np.searchsorted(spans[:, 0], starts, side="right") - 1
            keep = (k < 0) | (starts >= spans[np.maximum(k, 0), 1])
            starts, ends = starts[keep], ends[keep]
        # Without surrogate pairs a text index is a string index: decode the page once.
        text = _decode(units) if not ((units >= 0xD800) & (units < 0xE000)).any() else None
        first, last = pdfium_c.FS_RECTF(), pdfium_c.FS_RECTF()
        loose_box = pdfium_c.FPDFText_GetLooseCharBox
        pieces: list[tuple[str, Box | None, int, int]]
        words: list[Word] = []
        char_at = pdfium_c.FPDFText_GetCharIndexFromTextIndex
        for ts, te in zip(starts.tolist(), ends.tolist(), strict=True):
            c0, c1 = char_at(tp, ts), char_at(tp, te - 1)  # nearly always mapped
            if c0 < 0:
                c0 = reader.char_index(ts, 1, te - 1)
            if c1 < 0:
                c1 = reader.char_index(te - 1, -1, ts)
            if c0 < 0 or c1 < c0:
                continue
            if pdfium_c.FPDFText_CountRects(tp, c0, c1 - c0 + 1) == 1:  # the usual case
                word = text[ts:te] if text is not None else _decode(units[ts:te])
                pieces = [(word, None, c0, c1 + 1)]
            else:
                pieces = [(p.text, p.box, *p.chars)
                          for p in _pieces(reader, units, ts, te, c0, c1 + 1, _new_word)]
            for word, rect, ca, cb in pieces:
                mid = (ca + cb - 1) // 2  # the first character may be a bracket or symbol
                size, bold, _, turns = reader.object_font(mid)
                # Like pdfminer, a word runs from its first character's origin to its last
                # one's advance and is one font size high, from the font's descent up:
                # pdfium's boxes hug the glyphs, which widens the gaps between rows and
                # after punctuation. The font boxes of the end characters give all that.
                if size >= 2.0 and turns >= 0 and loose_box(tp, ca, first) and \
                        first.top > first.bottom and (cb - 1 == ca or loose_box(tp, cb - 1, last)) \
                        and last.top > last.bottom:
                    box = _font_box(turns, size, first, last if cb - 1 > ca else first, top)
                else:  # slanted text or an odd font: pdfium's box
                    box = rect or _union(reader.rects(ca, cb - ca) or [(0.0, 0.0, 0.0, 0.0)])
                    size = size if size >= 2.0 else box[3] - box[1]
                for mark in PDFIUM_HYPHENS:
                    if mark in word:
                        word = word.replace(mark, "-")
                words.append(Word(word, box[0], box[2], box[1], box[3], size, bold, turns))
        return words


def estimated_words(line: Line) -> list[Word]:
    """A line's words placed by character count, without asking pdfium.

    Good enough for running text, where only the line's extent and word count matter;
    the words share the line's font size and weight and sit one font size high on its
    bottom, like the words :meth:`PdfPage.words` reads.
    """
    text = line.text
    for mark in PDFIUM_HYPHENS:
        text = text.replace(mark, "-")
    stripped = text.strip()
    if not stripped:
        return []
    lead = len(text) - len(text.lstrip())
    per_char = (line.x1 - line.x0) / len(stripped)
    x0, top = line.x0 - lead * per_char, line.bottom - line.size
    return [Word(m.group(), x0 + m.start() * per_char, x0 + m.end() * per_char, top,
                 line.bottom, line.size, line.bold) for m in _NON_SPACE.finditer(text)]


def read_page(pdf: pdfium.PdfDocument, index: int) -> PageLines:
    """Lines of page ``index`` (0-based) with boxes, font size and boldness."""
    with PdfPage(pdf, index) as page:
        return page.lines()


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


def _new_word(prev: tuple[float, float, float, float],
              box: tuple[float, float, float, float]) -> bool:
    """True when ``box`` is not the next part of the word ``prev`` ends with.

    A raised run of smaller glyphs (a superscript: "10" "9", "2" "nd") is a word of its
    own, as in pdfplumber, which puts characters on other baselines on other lines.
    """
    if box[0] - prev[2] > _WORD_GAP:
        return True
    overlap = min(prev[3], box[3]) - max(prev[1], box[1])
    if overlap <= 0 or box[0] < prev[0]:
        return True
    h_prev, h_box = prev[3] - prev[1], box[3] - box[1]
    return h_box < 0.75 * h_prev and prev[3] - box[3] > 0.25 * h_prev


def _pieces(reader: _TextPageReader, units: np.ndarray, ts: int, te: int, c0: int, c1: int,
            new_piece: Callable[[Box, Box], bool]) -> list[Piece]:
    """A text range cut into pieces wherever ``new_piece(previous box, box)`` says so.

    pdfium joins lines it thinks belong together: a hyphenated word's two halves (even
    across columns), a footnote sharing a baseline, table cells. For lines the cut goes
    wherever the next box starts another baseline, goes backwards or leaves a gutter-wide
    gap (:func:`_new_piece`); for words, at any gap wider than a letter space.
    """
    boxes = reader.rects(c0, c1 - c0)
    if not boxes:
        return []
    cuts = [j for j in range(1, len(boxes)) if new_piece(boxes[j - 1], boxes[j])]
    # (first box, first char, first text index) of every piece.
    starts = [(0, c0, ts)]
    for j in cuts:
        c = _first_char_of_rect(reader, c0, c1, j)
        t = int(pdfium_c.FPDFText_GetTextIndexFromCharIndex(reader.tp, c))
        if c > starts[-1][1] and starts[-1][2] < t < te:
            starts.append((j, c, t))
    ends = [(j, c, t) for j, c, t in starts[1:]] + [(len(boxes), c1, te)]
    out: list[Piece] = []
    for (j0, ca, ta), (j1, cb, tb) in zip(starts, ends, strict=True):
        text = _decode(units[ta:tb])
        if text.strip():
            gap = max((b[0] - a[2] for a, b in zip(boxes[j0:j1 - 1], boxes[j0 + 1:j1],
                                                     strict=True)), default=0.0)
            out.append(Piece(text, _union(boxes[j0:j1]), (ca, cb), (ta, tb), max(gap, 0.0)))
    return out


def read_pages(pdf: pdfium.PdfDocument) -> list[PageLines]:
    """:func:`read_page` for every page."""
    return [read_page(pdf, i) for i in range(len(pdf))]
