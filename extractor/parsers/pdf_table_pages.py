"""Which PDF pages may hold tables, and the page data the table detectors read.

:func:`page_may_hold_table` judges a page from the lines the PDF parser has read anyway (no
pdfium calls): a "Table N" caption, rows of numbers, or rows of text broken into aligned
runs, where the two halves of a two-column page do not count. :func:`read_page_data` then
reads what the detectors need from the still open page: words with boxes, font size and
weight (:meth:`PdfPage.words`) and ruling edges (:func:`read_edges`). Words of running
text are estimated from their lines instead of read one by one (they are most of a
page's words and only have to look like prose), and a page whose text is sideways is
turned upright (:class:`Frame`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from extractor.parsers.pdf_lines import Box, Line, PageLines, PdfPage, Word, estimated_words
from extractor.parsers.pdf_rules import Edge, read_edges

CAPTION = re.compile(r"^\s*(?i:table|tab\.)\s*[A-Z]?[-.–]?\d+[A-Za-z]?\b")
# A figure's caption ("Figure 2", "Fig. 1.", "FIGURE 3") or the title a chart prints over
# itself ("Funnel plot ...", "PRISMA 2009 Flow Diagram").
FIGURE_CAPTION = re.compile(
    r"^\s*(?i:fig(?:ure)?s?\.?)\s*[A-Z]?\d+[A-Za-z]?\b|"
    r"(?i:flow\s*(?:diagram|chart)|funnel\s+plot|forest\s+plot|kaplan[-–\s]+meier|"
    r"survival\s+curves?|scatter\s*plot|box\s*plot)")
# Cells of a drawing rather than a table: punctuation alone (pieces of rotated axis
# labels and ticks), and a flow diagram's box counts ("(n = 4109)").
_PUNCTUATION_CELL = re.compile(r"^[.,()]$")  # not "-", "–" or "•": tables have those
_LONE_LETTER_CELL = re.compile(r"^[A-Za-z]$")
_FLOW_COUNT_CELL = re.compile(r"^\(?\s*n\s*=\s*[\d,]+\s*\)?\s*:?$", re.I)
_FLOW_WORDS = re.compile(
    r"\b(?:records?|screened|identified|excluded|assessed|eligibility|included|duplicates|"
    r"full[- ]text|enrolled|randomi[sz]ed|allocated|lost to follow[- ]up|analy[sz]ed)\b", re.I)
_LEADER = re.compile(r"^[.…·]{3,}$")
# Whitespace-separated tokens that are a number or a numeric range/percentage, with no
# trailing punctuation (reference lists are full of "12," and "2001." and are not tables).
_VALUES = re.compile(r"(?<!\S)[(\[]?[-–−+<>±]?\d(?:[\d.,–−-]*\d)?%?[)\]]?(?!\S)")
# The label of a list item or reference ("1.", "[12]", "•", "a)"), not a table column.
_LIST_LABEL = re.compile(r"^\s*(?:[•·▪◦*–-]|\(?\d{1,3}[.)]|\[\d{1,3}\]|[a-z][.)])\s*$")
_RUN_GAP_EM = 0.8  # pieces of a row closer than this many font sizes are one run of text
# Line width per character and font size of running text (about 0.37 to 0.53 in the
# articles and ICDAR files; table rows with wide gaps read as one line go far above).
_PROSE_SPACING = (0.33, 0.55)
_PROSE_GAP_EM = 0.5  # word spaces are about a quarter of the font size


@dataclass(frozen=True)
class Frame:
    """A page turned so that its text reads upright: its media box (user space) and the
    turn, in degrees clockwise (what a /Rotate entry does, but chosen from the text).

    Boxes in the PDF parser are (x0, top, x1, bottom) with ``x`` as in user space and ``top``
    measured down from the media box top ("user" boxes). :meth:`to_upright` gives a box on
    the turned page (top-left origin), where a sideways table's rows are horizontal;
    :meth:`to_user` undoes it.
    """

    rotation: int = 0
    media: Box = (0.0, 0.0, 612.0, 792.0)

    @classmethod
    def for_text(cls, turns: Sequence[int], media: Box) -> Frame:
        """The frame that makes most of the text upright, given each text's direction
        (quarter turns anticlockwise, -1 for slanted text)."""
        counts = [0, 0, 0, 0]
        for t in turns:
            if t >= 0:
                counts[t] += 1
        best = max(range(4), key=lambda k: counts[k])
        return cls(90 * best if 2 * counts[best] > len(turns) else 0, media)

    @property
    def size(self) -> tuple[float, float]:
        """Width and height of the turned page."""
        w, h = self.media[2] - self.media[0], self.media[3] - self.media[1]
        return (h, w) if self.rotation in (90, 270) else (w, h)

    def to_upright(self, box: Box) -> Box:
        """A user box on the turned page."""
        if self.rotation == 0:
            return box
        mx0, my0, mx1, my1 = self.media
        x0, t0, x1, t1 = box
        h = my1 - my0
        if self.rotation == 90:
            return (h - t1, x0 - mx0, h - t0, x1 - mx0)
        if self.rotation == 180:
            return (mx1 - x1, h - t1, mx1 - x0, h - t0)
        return (t0, mx1 - x1, t1, mx1 - x0)  # 270

    def to_user(self, box: Box) -> Box:
        """A box on the turned page as a user box."""
        if self.rotation == 0:
            return box
        mx0, my0, mx1, my1 = self.media
        x0, t0, x1, t1 = box
        h = my1 - my0
        if self.rotation == 90:
            return (t0 + mx0, h - x1, t1 + mx0, h - x0)
        if self.rotation == 180:
            return (mx1 - x1, h - t1, mx1 - x0, h - t0)
        return (mx1 - t1, x0, mx1 - t0, x1)  # 270


@dataclass
class PageData:
    """What the detectors need from a page: its words and ruling edges.

    Coordinates are those of the page turned so that most of its text reads upright
    (top-left origin; a sideways table's rows are then horizontal); ``frame`` maps boxes
    back to the user space boxes of the rest of the parser.
    """

    page: int  # 1-based
    width: float
    height: float
    words: list[Word]
    edges: list[Edge]
    frame: Frame = field(default_factory=Frame)


def read_page_data(page: PdfPage, lines: PageLines | None = None) -> PageData:
    """Words (dot leaders left out: they join a row label to its values) and edges.

    With the page's ``lines`` (as read from ``page``), the words of lines of running text
    are estimated from the line instead of read one by one: prose only has to look like
    prose to the detectors, and it is most of a page's words.
    """
    edges = read_edges(page.page, page.top)
    prose = _paragraph_lines(lines, edges) if lines else []
    words = page.words(skip=prose) + [w for ln in prose for w in estimated_words(ln)]
    words = [w for w in words if not _LEADER.match(w.text)]
    frame = Frame.for_text([w.turns for w in words], page.media)
    if frame.rotation:  # a sideways table: detect it as if the page were turned
        words = [Word(w.text, b[0], b[2], b[1], b[3], w.size, w.bold, 0)
                 for w in words for b in (frame.to_upright((w.x0, w.top, w.x1, w.bottom)),)]
        edges = [Edge(*frame.to_upright((e.x0, e.top, e.x1, e.bottom))) for e in edges]
    return PageData(page.number, *frame.size, words, edges, frame)


def _paragraph_lines(page: PageLines, edges: Sequence[Edge]) -> list[Line]:
    """Lines of running text with another such line right above or below them.

    A lone line that looks like prose may be a table row pdfium read as one piece; a
    paragraph has several in a row (pdfium gives a column's lines in reading order).
    """
    verticals = [e for e in edges if not e.horizontal]
    lines = page.lines
    ok = [_running_text(ln, page.width, verticals) for ln in lines]

    def next_to(i: int, j: int) -> bool:
        if not (0 <= j < len(lines) and ok[j]):
            return False
        a, b = lines[i], lines[j]
        return (min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 * (a.x1 - a.x0)
                and max(a.top, b.top) - min(a.bottom, b.bottom) < 1.5 * a.size)

    return [ln for i, ln in enumerate(lines) if ok[i] and (next_to(i, i - 1) or next_to(i, i + 1))]


def _running_text(line: Line, page_width: float, verticals: Sequence[Edge]) -> bool:
    """A line of running text: many words, no gap wider than a few spaces, ordinary letter
    spacing, few numbers, no rule crossing it. Table rows that pdfium reads as one line
    have gaps (or wide spacing where pdfium's boxes hide them) or numbers; a ruled table's
    cells are cut by vertical rules."""
    text = line.text.strip()
    tokens = text.split()
    if len(tokens) < 8 or line.rotated or line.x1 - line.x0 < 0.25 * page_width:
        return False
    if line.gap > _PROSE_GAP_EM * line.size:
        return False
    spacing = (line.x1 - line.x0) / (len(text) * max(line.size, 1.0))
    if not _PROSE_SPACING[0] <= spacing <= _PROSE_SPACING[1]:
        return False
    if len(_VALUES.findall(text)) >= 3:
        return False
    return not any(line.x0 + 1 < e.x0 < line.x1 - 1 and e.top < line.bottom - 1
                   and e.bottom > line.top + 1 for e in verticals)


# ---------------------------------------------------------------------------------------------
# candidate pages (from the lines the parser has read anyway)
# ---------------------------------------------------------------------------------------------

def drawing_cells(texts: Sequence[str]) -> bool:
    """Whether a grid's filled cells read as a chart or a flow diagram, not a table.

    A chart's rotated axis title and tick marks come out as cells holding one letter or a
    lone dot, comma or parenthesis ("R", "o", ")", "."), which a table's cells almost never
    are (a dash or a bullet alone is common in tables and does not count); a
    flow diagram (CONSORT, PRISMA) is boxes of "Records screened" and "(n = 3657)".
    """
    filled = [" ".join(t.split()) for t in texts if t.strip()]
    if not filled:
        return False
    marks = sum(bool(_PUNCTUATION_CELL.match(t)) for t in filled)
    letters = sum(bool(_LONE_LETTER_CELL.match(t)) for t in filled)
    if marks >= 2 and (marks + letters) >= 0.2 * len(filled):
        return True
    counts = sum(bool(_FLOW_COUNT_CELL.match(t)) for t in filled)
    flow_words = sum(bool(_FLOW_WORDS.search(t)) for t in filled)
    return counts >= 2 and flow_words >= 2


def candidate_pages(pages: Sequence[PageLines]) -> list[int]:
    """The 1-based numbers of the pages that :func:`page_may_hold_table` accepts."""
    return [p.page for p in pages if page_may_hold_table(p)]


def page_may_hold_table(page: PageLines) -> bool:
    """Cheap guess (no pdfium calls) whether a page may hold a table.

    Yes when a line starts with a table caption ("Table 3"), when several lines are
    mostly numeric values, or when several rows of text break into aligned runs: three
    or more runs, or two short ones. A row of a two-column page that splits exactly at
    the page's column gutter is prose, not a table row (within one column of such a page,
    two runs are enough). Meant to over-report: missing a table page loses the table, a
    false candidate only costs time.
    """
    lines = [ln for ln in page.lines if ln.text.strip()]
    if any(CAPTION.match(ln.text) for ln in lines):
        return True
    frame = Frame.for_text([ln.turns for ln in lines], page.media)
    if frame.rotation:  # sideways text: judge its rows as if the page were turned
        lines = [replace(ln, x0=b[0], top=b[1], x1=b[2], bottom=b[3]) for ln in lines
                 for b in (frame.to_upright(ln.bbox),)]
    if sum(_numeric_line(ln.text) for ln in lines) >= 3:
        return True
    width = frame.size[0]
    gutter = _gutter(lines, width)
    many = pairs = 0
    for row in _rows(lines):
        runs = _runs(row)
        if len(runs) < 2:
            continue
        if gutter is not None and not any(a < gutter[0] and b > gutter[1] for a, b, _ in runs):
            for side in ([r for r in runs if r[1] <= gutter[1]],
                         [r for r in runs if r[1] > gutter[1]]):
                if len(side) >= 3 or (len(side) == 2 and not _LIST_LABEL.match(side[0][2])):
                    many += 1
            continue
        if _LIST_LABEL.match(runs[0][2]):
            runs = runs[1:]
        if len(runs) >= 3:
            many += 1
        elif len(runs) == 2 and (all(b - a < 0.3 * width for a, b, _ in runs)
                                 or runs[1][1] - runs[1][0] < 0.12 * width):
            pairs += 1
    return many >= 3 or pairs >= 4


def _numeric_line(text: str) -> bool:
    """Mostly numbers (some PDFs write a table row as one run with spaces between cells)."""
    n = len(_VALUES.findall(text))
    return n >= 3 and 2 * n >= len(text.split())


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines side by side (vertical extents mostly overlapping) form a row."""
    rows: list[list[Line]] = []
    extents: list[tuple[float, float]] = []
    for ln in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        for k in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            top, bottom = extents[k]
            if min(bottom, ln.bottom) - max(top, ln.top) > 0.5 * min(ln.height, bottom - top):
                rows[k].append(ln)
                extents[k] = (min(top, ln.top), max(bottom, ln.bottom))
                break
        else:
            rows.append([ln])
            extents.append((ln.top, ln.bottom))
    return rows


def _runs(row: list[Line]) -> list[tuple[float, float, str]]:
    """A row's runs of text (x0, x1, text): its lines joined where the gap is small."""
    runs: list[tuple[float, float, str]] = []
    for ln in sorted(row, key=lambda ln: ln.x0):
        if runs and ln.x0 - runs[-1][1] <= _RUN_GAP_EM * ln.size:
            x0, x1, text = runs[-1]
            runs[-1] = (x0, max(x1, ln.x1), f"{text} {ln.text}")
        else:
            runs.append((ln.x0, ln.x1, ln.text))
    return runs


def _gutter(lines: list[Line], width: float) -> tuple[float, float] | None:
    """The x-range in the middle of the page that (almost) no line crosses, if any."""
    return column_gutter([(ln.x0, ln.x1) for ln in lines], width)


def column_gutter(spans: Sequence[tuple[float, float]], width: float,
                  n_lines: int | None = None) -> tuple[float, float] | None:
    """The x-range in the middle 40% of a page ``width`` wide that (almost) none of the
    horizontal ``spans`` (x0, x1) of its lines or runs of text crosses, if any: the gutter
    between the two columns of a two-column page.

    At most a tenth of the page's ``n_lines`` (default: one per span) may cross it; of
    several such ranges, the one crossed least wins (a table's column gap inside one
    page column is crossed by that column's running text)."""
    n = int(width) + 2
    if not spans or n < 10:
        return None
    steps = np.zeros(n + 1)
    x0 = np.clip(np.array([a for a, _ in spans]).astype(int), 0, n)
    x1 = np.clip(np.array([b for _, b in spans]).astype(int) + 1, 0, n)
    np.add.at(steps, x0, 1)
    np.add.at(steps, x1, -1)
    cover = np.cumsum(steps)[:n]
    lo, hi = int(0.3 * width), int(0.7 * width)
    limit = max(1.0, 0.1 * (len(spans) if n_lines is None else n_lines))
    free = np.flatnonzero(cover[lo:hi] <= limit)
    if not len(free):
        return None
    # Narrower than 4 pt: word spaces that happen to align, not a column gutter.
    runs = [r for r in np.split(free, np.flatnonzero(np.diff(free) > 1) + 1) if len(r) >= 4]
    if not runs:
        return None
    best = min(runs, key=lambda r: (float(cover[lo + r].min()), -len(r)))
    return float(lo + best[0]), float(lo + best[-1] + 1)
