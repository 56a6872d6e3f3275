"""Page geometry for PDF text: running headers and footers, columns and reading order.

Works on the :class:`~extractor.parsers.pdf_lines.Line` objects of every page:

1. :func:`strip_page_furniture` removes running headers/footers (lines in the top or bottom
   margin that repeat on other pages, ignoring digits), page numbers, publisher watermark
   lines ("Downloaded from", "Brought to you by", DOI/URL-only lines) and rotated side text;
2. :func:`order_page` merges pieces of one visual line, stacks lines into column
   segments and orders the segments (left column before right column, unless a full-width
   item such as a title, table or caption separates them).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from extractor.document import BBox
from extractor.parsers.pdf_lines import Line, PageLines

# Share of the page height at the top and bottom where running headers/footers live.
_MARGIN = 0.11
_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?[\divxlc]{1,5}(?:\s*(?:of|/)\s*\d{1,5})?\s*$", re.IGNORECASE
)
_WATERMARK = re.compile(
    r"downloaded\s+from|brought\s+to\s+you\s+by|^\s*authenticated\s*$|download\s+date|"
    r"^\s*(?:https?://|www\.)\S+\s*$|^\s*doi:?\s*10\.\S+\s*$|all\s+rights\s+reserved|"
    r"^\s*(?:vol(?:ume)?\.?\s*\d+|article\s+id\b)|publishing\s+corporation|"
    r"for\s+personal\s+use\s+only|this\s+article\s+is\s+protected\s+by\s+copyright",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^a-z]+")
_PAGE_OF = re.compile(r"page\s*\d+\s*(?:of|/)\s*\d+", re.IGNORECASE)


@dataclass
class TableSlot:
    """Where a detected table sits in the reading order (``index`` into the table list)."""

    index: int
    page: int
    bbox: BBox

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def bottom(self) -> float:
        return self.bbox[3]


Item = Line | TableSlot


def _signature(text: str) -> str:
    """Letters only, lowercased: "Smith et al. Page 2 of 6" and "... Page 3 of 6" match."""
    return _LETTERS.sub("", _PAGE_OF.sub("", text.lower()))


def _in_margin(line: Line, height: float, share: float = _MARGIN) -> bool:
    return line.bottom < share * height or line.top > (1 - share) * height


def strip_page_furniture(pages: list[PageLines]) -> None:
    """Remove running headers/footers, page numbers, watermarks and side text in place."""
    for page in pages:
        lines = [ln for ln in page.lines if ln.text.strip()]
        rotated = sum(ln.rotated for ln in lines)
        # Rotated lines on an upright page are side watermarks or labels; a page that is
        # mostly rotated (a landscape table) keeps them all.
        if rotated * 2 < len(lines):
            lines = [ln for ln in lines if not ln.rotated]
        page.lines = lines
    counts: Counter[str] = Counter()
    for page in pages:
        sigs = {_signature(ln.text) for ln in page.lines if _in_margin(ln, page.height)}
        counts.update(s for s in sigs if len(s) >= 4)
    repeated = {s for s, n in counts.items() if n >= 2}
    for page in pages:
        kept = []
        for ln in page.lines:
            if _in_margin(ln, page.height) and len(ln.text) < 160 and (
                _signature(ln.text) in repeated
                or _PAGE_NUMBER.match(ln.text)
                or _WATERMARK.search(ln.text)
            ):
                continue
            kept.append(ln)
        page.lines = kept


# ---------------------------------------------------------------------------------------------
# reading order
# ---------------------------------------------------------------------------------------------

def merge_pieces(lines: list[Line]) -> list[Line]:
    """Join pieces of one visual line (same baseline, gap under 0.7 em).

    Column gutters are an em or wider, so columns are never joined.
    """
    out: list[Line] = []
    for ln in sorted(lines, key=lambda ln: (round(ln.top), ln.x0)):
        for prev in reversed(out[-4:]):
            overlap = min(prev.bottom, ln.bottom) - max(prev.top, ln.top)
            smaller = max(0.1, min(prev.height, ln.height))
            gap = ln.x0 - prev.x1
            em = max(prev.size, ln.size)
            if overlap > 0.5 * smaller and -0.3 * em <= gap <= 0.7 * em:
                sep = "" if (prev.text[-1:].isspace() or ln.text[:1].isspace()
                             or gap < 0.12 * em) else " "
                prev.text = prev.text + sep + ln.text
                prev.x1, prev.top = max(prev.x1, ln.x1), min(prev.top, ln.top)
                prev.bottom = max(prev.bottom, ln.bottom)
                # The larger piece sets the line's font (a superscript should not).
                if ln.size > prev.size + 0.5:
                    prev.size, prev.bold, prev.font = ln.size, ln.bold, ln.font
                else:
                    prev.bold = prev.bold and ln.bold
                break
        else:
            out.append(ln)
    return out


@dataclass
class _Stack:
    """Lines stacked in one column with line spacing between them (a column segment)."""

    items: list[Item]
    x0: float
    top: float
    x1: float
    bottom: float

    def add(self, it: Item) -> None:
        self.items.append(it)
        self.x0, self.x1 = min(self.x0, it.x0), max(self.x1, it.x1)
        self.top, self.bottom = min(self.top, it.top), max(self.bottom, it.bottom)


def _stacks(lines: list[Line]) -> list[_Stack]:
    """Group lines into stacks: a line joins the stack right above it when it lies within
    that stack's x-range (give or take an em) and the vertical gap is under an em."""
    stacks: list[_Stack] = []
    open_: list[_Stack] = []
    for ln in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        em = max(ln.size, 4.0)
        best, best_overlap = None, 0.0
        for st in open_:
            last = st.items[-1]
            if not (-0.3 * em <= ln.top - last.bottom < 1.0 * em):
                continue
            inside = ln.x0 >= st.x0 - 1.5 * em and ln.x1 <= st.x1 + 1.5 * em
            covers = len(st.items) == 1 and st.x0 >= ln.x0 - 1.5 * em and st.x1 <= ln.x1 + 1.5 * em
            overlap = min(ln.x1, st.x1) - max(ln.x0, st.x0)
            if (inside or covers) and overlap > best_overlap:
                best, best_overlap = st, overlap
        if best is None:
            best = _Stack([ln], ln.x0, ln.top, ln.x1, ln.bottom)
            stacks.append(best)
            open_.append(best)
        else:
            best.add(ln)
        # Stacks whose last line is far above can take no more lines.
        open_ = [st for st in open_ if ln.top - st.bottom < 3 * em]
    return stacks


_MAX_STACKS = 300  # beyond this (a page of scattered labels) fall back to top-to-bottom


def _order_stacks(stacks: list[_Stack]) -> list[_Stack]:
    """Topological order of stacks (Breuel's rules for reading order):

    a comes before b when they overlap horizontally and a is above b, or when a lies
    entirely left of b and no third stack between them vertically reaches across both
    (a full-width title, table or figure caption separates the column above from below).
    """
    n = len(stacks)
    if n <= 1 or n > _MAX_STACKS:
        return sorted(stacks, key=lambda s: (s.top, s.x0))
    x0 = np.array([s.x0 for s in stacks])
    x1 = np.array([s.x1 for s in stacks])
    top = np.array([s.top for s in stacks])
    bot = np.array([s.bottom for s in stacks])
    tol = 2.0
    overlap_x = (np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])) > 1
    above = overlap_x & (bot[:, None] <= top[None, :] + tol)
    left = x1[:, None] <= x0[None, :] + tol
    # sep[c, a, b]: stack c reaches across a and b and sits between them vertically.
    reach = (x0[:, None, None] < x1[None, :, None]) & (x1[:, None, None] > x0[None, None, :])
    upper = np.minimum(bot[:, None], bot[None, :]) - tol
    lower = np.maximum(top[:, None], top[None, :]) + tol
    between = (top[:, None, None] >= upper[None]) & (bot[:, None, None] <= lower[None])
    sep = reach & between
    idx = np.arange(n)
    sep[idx, idx, :] = False
    sep[idx, :, idx] = False
    # Left-before-right only for stacks side by side or the left one higher: a stack
    # entirely below another one on its right starts a new region (the body under a
    # half-width abstract) unless it continues a column that is beside it (see below).
    beside = left & (top[:, None] < bot[None, :]) & ~sep.any(axis=0)
    for j in sorted(range(n), key=lambda k: top[k]):
        p = _column_predecessor(stacks, j)
        if p is not None:  # a column's next segment follows whatever its previous one did
            beside[j] |= beside[p] & ~above[:, j]
    before = above | beside
    np.fill_diagonal(before, False)
    before &= ~before.T  # contradictory pairs (odd overlaps) constrain nothing
    indegree = before.sum(axis=0)
    done = np.zeros(n, dtype=bool)
    order: list[_Stack] = []
    keys = [(s.top, s.x0) for s in stacks]
    for _ in range(n):
        free = [i for i in range(n) if not done[i] and indegree[i] == 0]
        if not free:  # a cycle: take the top-most remaining stack
            free = [i for i in range(n) if not done[i]]
        i = min(free, key=lambda k: keys[k])
        done[i] = True
        order.append(stacks[i])
        indegree = indegree - before[i]
    return order


def _column_predecessor(stacks: list[_Stack], j: int) -> int | None:
    """The stack right above stack ``j`` in the same column (same x-range), if any."""
    st = stacks[j]
    em = max((it.size for it in st.items if isinstance(it, Line)), default=10.0)
    best, best_gap = None, 0.0
    for i, other in enumerate(stacks):
        gap = st.top - other.bottom
        if i == j or gap < -1 or gap > 4 * em:
            continue
        # The same left edge: the next stretch of the same column (a stack that spans
        # both columns has no left-of-right relations to pass on).
        if abs(other.x0 - st.x0) < 1.5 * em and (best is None or gap < best_gap):
            best, best_gap = i, gap
    return best


def order_page(lines: list[Line], slots: list[TableSlot], width: float,
               rotated_page: bool = False) -> list[Item]:
    """The page's lines and table slots in reading order.

    Lines are joined into visual lines, stacked into column segments, and the segments
    ordered (see :func:`_order_stacks`); each line's ``col`` is set to its segment number.
    """
    if rotated_page:
        return [*lines, *slots]
    merged = merge_pieces(lines)
    stacks = _stacks(merged)
    stacks += [_Stack([s], s.x0, s.top, s.x1, s.bottom) for s in slots]
    ordered: list[Item] = []
    for k, st in enumerate(_order_stacks(stacks)):
        for it in st.items:
            if isinstance(it, Line):
                it.col = k
            ordered.append(it)
    return ordered
