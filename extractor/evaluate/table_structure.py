"""Table-structure scoring with the ICDAR 2013 cell-adjacency-relation metric.

Göbel et al. (ICDAR 2011/2013 table competitions) compare two tables by their *adjacency
relations*: for each non-empty cell, its nearest non-empty neighbour to the right in the
same row and its nearest non-empty neighbour below in the same column.  A relation is
``(content_a, content_b, direction)`` with contents normalized (whitespace and special
characters removed, lowercased), so the score is independent of exact row/column indices
and of bounding boxes; it rewards getting which text sits next to which.

Relations are multisets (a table can repeat the same pair); ``correct`` is the size of
the multiset intersection.  Scores are summed over tables (micro average).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor.evaluate.mentions import Counts

Relation = tuple[str, str, str]


@dataclass(frozen=True)
class GridCell:
    """A cell for scoring: grid position, spans (>= 1) and text."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def normalize_content(text: str) -> str:
    """Lowercase and keep letters/digits only (the competition ignores spaces and symbols)."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def adjacency_relations(cells: Iterable[GridCell]) -> Counter[Relation]:
    """The multiset of horizontal ("H") and vertical ("V") adjacency relations of a table.

    A spanning cell takes part in every row (for "H") and column (for "V") it covers; the
    same neighbour reached from two covered rows counts once.
    """
    owner: dict[tuple[int, int], int] = {}
    texts: list[str] = []
    spans: list[GridCell] = []
    for cell in cells:
        norm = normalize_content(cell.text)
        if not norm:
            continue  # blank cells are not considered
        idx = len(texts)
        texts.append(norm)
        spans.append(cell)
        for r in range(cell.row, cell.row + max(1, cell.rowspan)):
            for c in range(cell.col, cell.col + max(1, cell.colspan)):
                owner.setdefault((r, c), idx)
    if not owner:
        return Counter()
    max_row = max(r for r, _ in owner)
    max_col = max(c for _, c in owner)
    rels: Counter[Relation] = Counter()
    for idx, cell in enumerate(spans):
        right: set[int] = set()
        for r in range(cell.row, cell.row + max(1, cell.rowspan)):
            c = cell.col + max(1, cell.colspan)
            while c <= max_col and (r, c) not in owner:
                c += 1
            if c <= max_col and owner[(r, c)] != idx:
                right.add(owner[(r, c)])
        below: set[int] = set()
        for c in range(cell.col, cell.col + max(1, cell.colspan)):
            r = cell.row + max(1, cell.rowspan)
            while r <= max_row and (r, c) not in owner:
                r += 1
            if r <= max_row and owner[(r, c)] != idx:
                below.add(owner[(r, c)])
        for other in right:
            rels[(texts[idx], texts[other], "H")] += 1
        for other in below:
            rels[(texts[idx], texts[other], "V")] += 1
    return rels


@dataclass
class Score:
    """Micro-averaged counts: correct, predicted and ground-truth relations."""

    correct: int = 0
    predicted: int = 0
    truth: int = 0
    details: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Accumulate another score's counts."""
        self.correct += other.correct
        self.predicted += other.predicted
        self.truth += other.truth

    @property
    def precision(self) -> float:
        return Counts(self.correct, self.predicted, self.truth).precision

    @property
    def recall(self) -> float:
        return Counts(self.correct, self.predicted, self.truth).recall

    @property
    def f1(self) -> float:
        return Counts(self.correct, self.predicted, self.truth).f1


def compare_tables(
    predicted: Iterable[GridCell] | None, truth: Iterable[GridCell] | None
) -> Score:
    """Score one predicted table against one GT table; ``None`` stands for no table."""
    pred = adjacency_relations(predicted or [])
    gold = adjacency_relations(truth or [])
    correct = sum((pred & gold).values())
    return Score(correct=correct, predicted=sum(pred.values()), truth=sum(gold.values()))


BBox = tuple[float, float, float, float]


@dataclass
class PageTable:
    """A table reduced to what matching and scoring need (box: x0, top, x1, bottom)."""

    page: int
    bbox: BBox
    cells: list[GridCell]


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match_and_score(
    predicted: list[PageTable], truth: list[PageTable], min_iou: float = 0.1
) -> tuple[Score, list[tuple[int, int]]]:
    """Pair predicted and GT tables on the same page greedily by box IoU (>= ``min_iou``).

    Paired tables are compared cell by cell (relations); an unpaired prediction counts all
    its relations as wrong, an unpaired GT table all its relations as missed.  Returns the
    summed score and the (predicted index, truth index) pairs.
    """
    candidates = sorted(
        ((iou(p.bbox, g.bbox), i, j)
         for i, p in enumerate(predicted) for j, g in enumerate(truth)
         if p.page == g.page),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for overlap, i, j in candidates:
        if overlap < min_iou or i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    total = Score()
    for i, j in pairs:
        total.add(compare_tables(predicted[i].cells, truth[j].cells))
    for i, p in enumerate(predicted):
        if i not in used_p:
            total.add(compare_tables(p.cells, None))
    for j, g in enumerate(truth):
        if j not in used_g:
            total.add(compare_tables(None, g.cells))
    return total, pairs
