"""Ruling lines of a PDF page from pypdfium2's path objects (for the table detector).

Every straight, axis-parallel segment of every painted path on the page (inside form
XObjects too) becomes an :class:`Edge`, whether the path is stroked or filled: a thin
filled rectangle is a rule, and a rectangle's four sides are edges, as pdfplumber does it.
A path whose bounds are thin is taken as one rule without reading its points, and long
paths made of curves (drawings, glyph outlines) are skipped.
Points are mapped through the object's matrix (and those of the forms that hold it) and
given a top-left origin like the text.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# A segment whose ends differ by at most this much across its direction is axis-parallel.
_AXIS_TOLERANCE = 1.0
_MIN_LENGTH = 1.0  # shorter pieces are dots and glyph-like marks, not rules
# Paths with more segments than this are drawings (maps, plots), not table rules; reading
# them point by point would cost more than the whole table detection.
_MAX_SEGMENTS = 4000
# Longer paths are skipped when one of their first this many segments is a curve.
_CHECK_CURVES = 24
# A path whose bounds are at most this thin is one rule (its bounds include the stroke
# width, so a hairline reads about a point thick; a filled thin rectangle is a rule too).
_THIN = 2.5
_SMALL = 6.0
_MAX_FORM_DEPTH = 8

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Edge:
    """An axis-parallel ruling segment, top-left origin; ``x0 == x1`` or ``top == bottom``."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.bottom - self.top <= self.x1 - self.x0


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying ``inner`` first, then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer  # noqa: N806 - the usual names of a PDF matrix
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


class _PathReader:
    """Walks a page's objects and collects edges; holds the reusable ctypes out-parameters."""

    def __init__(self, top: float) -> None:
        self.top = top
        self.edges: list[Edge] = []
        self.budget = 20 * _MAX_SEGMENTS  # segments read on the whole page, at most
        self._m = pdfium_c.FS_MATRIX()
        self._x, self._y = ctypes.c_float(), ctypes.c_float()
        self._l, self._b = ctypes.c_float(), ctypes.c_float()
        self._r, self._t = ctypes.c_float(), ctypes.c_float()

    def matrix(self, obj: object, outer: Matrix) -> Matrix:
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, self._m):
            return outer
        m = self._m
        return _compose((m.a, m.b, m.c, m.d, m.e, m.f), outer)

    def walk(self, objects: list[object], outer: Matrix, depth: int) -> None:
        for obj in objects:
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                n = pdfium_c.FPDFPath_CountSegments(obj)
                if n > 1 and not self.by_bounds(obj, outer, n):
                    self.path(obj, self.matrix(obj, outer), n)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
                n = pdfium_c.FPDFFormObj_CountObjects(obj)
                inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(max(0, n))]
                self.walk(inner, self.matrix(obj, outer), depth + 1)

    def by_bounds(self, obj: object, outer: Matrix, n: int) -> bool:
        """Handle a path from its bounds alone when they say enough: a line or thin
        rectangle (``n`` segments at most 5) is one rule, a dot or small mark is nothing.
        False when its segments must be read (an axis with ticks is thin but not a rule)."""
        if not pdfium_c.FPDFPageObj_GetBounds(obj, self._l, self._b, self._r, self._t):
            return True
        left, bottom, right, top = self._l.value, self._b.value, self._r.value, self._t.value
        a, b, c, d, e, f = outer  # the bounds are in the coordinates of the enclosing form
        if b == 0.0 and c == 0.0:  # no rotation (nearly always): scale and shift
            x0, x1 = sorted((a * left + e, a * right + e))
            y0, y1 = sorted((d * bottom + f, d * top + f))
        else:
            corners = [(x, y) for x in (left, right) for y in (bottom, top)]
            xs = [a * x + c * y + e for x, y in corners]
            ys = [b * x + d * y + f for x, y in corners]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if x1 - x0 < _MIN_LENGTH and y1 - y0 < _MIN_LENGTH:
            return True
        simple = n <= 5  # a move and at most four lines: a line or a rectangle
        if simple and y1 - y0 <= _THIN:
            y = self.top - (y0 + y1) / 2
            self.edges.append(Edge(x0, y, x1, y))
            return True
        if simple and x1 - x0 <= _THIN:
            x = (x0 + x1) / 2
            self.edges.append(Edge(x, self.top - y1, x, self.top - y0))
            return True
        # Smaller than any table cell both ways: a plot marker or a glyph, not a grid.
        return x1 - x0 < _SMALL and y1 - y0 < _SMALL

    def path(self, obj: object, m: Matrix, n: int) -> None:
        if n > _MAX_SEGMENTS or n > self.budget:
            return
        if n > _CHECK_CURVES and self.curved(obj):
            return
        self.budget -= n
        a, b, c, d, e, f = m
        start = cur = (0.0, 0.0)
        for i in range(n):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            if not pdfium_c.FPDFPathSegment_GetPoint(seg, self._x, self._y):
                continue
            x, y = self._x.value, self._y.value
            pt = (a * x + c * y + e, b * x + d * y + f)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = pt
            elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
                self.segment(cur, pt)
            cur = pt
            if pdfium_c.FPDFPathSegment_GetClose(seg):
                self.segment(cur, start)
                cur = start

    def curved(self, obj: object) -> bool:
        """Whether a long path starts with curves: a drawing or glyph outlines (table grids
        are straight lines); judged from its first few segments only."""
        for i in range(_CHECK_CURVES):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                return True
        return False

    def segment(self, p: tuple[float, float], q: tuple[float, float]) -> None:
        dx, dy = abs(p[0] - q[0]), abs(p[1] - q[1])
        if dy <= _AXIS_TOLERANCE and dx >= _MIN_LENGTH:
            y = self.top - (p[1] + q[1]) / 2
            self.edges.append(Edge(min(p[0], q[0]), y, max(p[0], q[0]), y))
        elif dx <= _AXIS_TOLERANCE and dy >= _MIN_LENGTH:
            x = (p[0] + q[0]) / 2
            self.edges.append(Edge(x, self.top - max(p[1], q[1]), x, self.top - min(p[1], q[1])))


def read_edges(page: pdfium.PdfPage, top: float) -> list[Edge]:
    """Axis-parallel ruling segments of ``page``; ``top`` is the media box top (user space)."""
    reader = _PathReader(top)
    handle = page.raw
    n = pdfium_c.FPDFPage_CountObjects(handle)
    reader.walk([pdfium_c.FPDFPage_GetObject(handle, i) for i in range(max(0, n))],
                _IDENTITY, 0)
    return reader.edges
