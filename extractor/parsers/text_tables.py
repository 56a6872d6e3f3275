"""Tables in plain-text page dumps: cells separated by runs of spaces, empty cells lost.

A dumped web table keeps one line per row, cells separated by two or more spaces (or tabs,
or NBSP + space), but a cell that was empty in the page leaves no trace: a short row's cells
are shifted left. We learn a content profile for every column from the rows that kept the full
count of cells (shape features such as "integer", "number + unit", "ends with a parenthesis",
and the column's vocabulary), then align each short row to the columns by dynamic
programming: the order of cells is kept, empty cells are inserted where the row fits the
profiles best. Rows whose best alignment barely beats another one are reported in flags.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from extractor.parsers.builder import PlacedCell, normalize_inline

# Cell separators: a tab, or a run of 2+ blanks where NBSP counts as a blank.
_SEP = re.compile(r"\t+[ \t\u00a0]*|[ \u00a0]{2,}[\t ]*")
_NUMBER = re.compile(r"[<>≤≥~±+-]?\d+(?:[.,]\d+)?\s*%?")
_UNIT = re.compile(
    r"\d\s*(?:mg|g|mcg|µg|μg|ng|ml|l|kg|iu|ui|u|mmol|mol|%|h|d|days?|weeks?|months?|years?)\b",
    re.I,
)
_TOKEN = re.compile(r"[^\W\d_]{3,}")
# Function words carry no information about which column a cell belongs to.
_STOP = frozenset({
    "the", "and", "with", "for", "from", "that", "this", "was", "were", "into", "than", "then",
    "not", "but", "are", "has", "had", "have", "del", "las", "los", "con", "por", "para",
    "una", "que",
})
# Below this margin (best alignment score minus the best score with any one cell moved
# elsewhere) a short row's placement is reported as uncertain.
MIN_MARGIN = 0.08


def split_cells(line: str) -> list[str] | None:
    """The cells of a candidate table row, or None when the line is not one.

    A line whose every separator follows sentence punctuation is prose typed with two spaces
    after each full stop, not a table row.
    """
    stripped = line.strip(" \t\u00a0")
    if not stripped:
        return None
    seps = list(_SEP.finditer(stripped))
    if not seps:
        return None
    if all(stripped[m.start() - 1] in ".!?;:" for m in seps):
        return None
    cells = [c for c in (normalize_inline(p) for p in _SEP.split(stripped)) if c]
    if len(cells) < 2 or max(len(c) for c in cells) > 300:
        return None
    return cells


# -- column profiles ------------------------------------------------------------------------

def _features(text: str) -> tuple[float, ...]:
    """Shape of a cell as numbers in [0, 1]: what kind of content, not which words."""
    words = text.split()
    n_alpha = sum(ch.isalpha() for ch in text)
    return (
        float(bool(_NUMBER.fullmatch(text))),
        float(text[:1].isdigit()),
        float(any(ch.isdigit() for ch in text)),
        float(bool(_UNIT.search(text))),
        float("(" in text),
        float(text.endswith(")")),
        float("," in text),
        min(math.log1p(len(words)) / math.log(16), 1.0),
        float(text[:1].isupper()),
        n_alpha / len(text) if text else 0.0,
    )


_WEIGHTS = (2.0, 1.0, 1.0, 1.5, 1.0, 1.0, 0.7, 1.5, 0.5, 1.0)
_WEIGHT_VECTOR = np.array(_WEIGHTS)


def _tokens(text: str) -> set[str]:
    return {t for t in (w.lower() for w in _TOKEN.findall(text)) if t not in _STOP}


@dataclass(frozen=True)
class CellInfo:
    """A cell's text with its shape and words, computed once per cell."""

    text: str
    key: str
    shape: tuple[float, ...]
    tokens: frozenset[str]

    @classmethod
    def of(cls, text: str) -> CellInfo:
        return _cell_info(text)


@lru_cache(maxsize=8192)
def _cell_info(text: str) -> CellInfo:
    # Cached: a table's cells are profiled and aligned several times, and values repeat.
    return CellInfo(text, text.lower(), _features(text), frozenset(_tokens(text)))


@dataclass
class ColumnProfile:
    """What the cells of one column look like: mean shape, vocabulary, exact values."""

    shape: tuple[float, ...] = ()
    vocab: Counter[str] = field(default_factory=Counter)
    values: set[str] = field(default_factory=set)
    n: int = 0

    @classmethod
    def learn(cls, cells: list[str]) -> ColumnProfile:
        """Profile the non-empty cells of one column."""
        cells = [c for c in cells if c]
        prof = cls(n=len(cells))
        if not cells:
            return prof
        infos = [CellInfo.of(c) for c in cells]
        prof.shape = tuple(float(x) for x in np.mean([c.shape for c in infos], axis=0))
        for c in infos:
            prof.vocab.update(c.tokens)
            prof.values.add(c.key)
        return prof

    def similarity(self, cell: CellInfo) -> float:
        """How well ``cell`` fits this column, in [0, 1]."""
        return float(similarity_matrix([cell], [self])[0, 0])

    def _combine(self, cell: CellInfo, shape: float) -> float:
        """Mix the shape similarity with the words the cell shares with the column."""
        if not self.n:
            return 0.0
        if cell.key in self.values:
            return 0.4 * shape + 0.6
        toks = cell.tokens
        if not toks:
            return shape
        overlap = sum(1 for t in toks if t in self.vocab) / len(toks)
        return 0.6 * shape + 0.4 * overlap


def similarity_matrix(cells: list[CellInfo], profiles: list[ColumnProfile]) -> np.ndarray:
    """``[i, j]``: how well cell ``i`` fits column ``j``, in [0, 1]."""
    width = len(_WEIGHTS)
    cell_shapes = np.array([c.shape for c in cells], dtype=float).reshape(len(cells), width)
    col_shapes = np.array([p.shape if p.n else (0.0,) * width for p in profiles], dtype=float)
    dist = np.abs(cell_shapes[:, None, :] - col_shapes[None, :, :]) @ _WEIGHT_VECTOR
    shape = 1.0 - dist / _WEIGHT_VECTOR.sum()
    return np.array([[p._combine(c, float(shape[i, j])) for j, p in enumerate(profiles)]
                     for i, c in enumerate(cells)], dtype=float).reshape(len(cells),
                                                                         len(profiles))


# -- alignment ------------------------------------------------------------------------------

@dataclass
class Alignment:
    """Where each cell of a row goes, and how sure we are (smallest per-cell margin)."""

    columns: list[int]
    margin: float


def align_row(cells: list[str], profiles: list[ColumnProfile],
              skip_cost: list[float] | None = None) -> Alignment:
    """Place ``cells`` (in order) on ``len(profiles)`` columns, maximizing total similarity.

    Forward/backward dynamic programming gives the best score with any cell forced to any
    column, hence each cell's margin over its best alternative.
    """
    m, n = len(cells), len(profiles)
    if m >= n:
        return Alignment(list(range(m)), math.inf)
    skip = skip_cost or [0.0] * n
    infos = [CellInfo.of(c) for c in cells]
    sim = similarity_matrix(infos, profiles).tolist()
    neg = -math.inf
    # fwd[i][j]: best score placing the first i cells in the first j columns.
    fwd = [[neg] * (n + 1) for _ in range(m + 1)]
    fwd[0][0] = 0.0
    for j in range(1, n + 1):
        fwd[0][j] = fwd[0][j - 1] - skip[j - 1]
    for i in range(1, m + 1):
        for j in range(i, n + 1):
            fwd[i][j] = max(fwd[i][j - 1] - skip[j - 1], fwd[i - 1][j - 1] + sim[i - 1][j - 1])
    # bwd[i][j]: best score placing cells i.. in columns j..
    bwd = [[neg] * (n + 1) for _ in range(m + 1)]
    bwd[m][n] = 0.0
    for j in range(n - 1, -1, -1):
        bwd[m][j] = bwd[m][j + 1] - skip[j]
    for i in range(m - 1, -1, -1):
        for j in range(n - (m - i), -1, -1):
            bwd[i][j] = max(bwd[i][j + 1] - skip[j], bwd[i + 1][j + 1] + sim[i][j])
    best = fwd[m][n]
    # Backtrack the best path.
    cols: list[int] = []
    i, j = m, n
    while i > 0:
        if fwd[i][j] == fwd[i - 1][j - 1] + sim[i - 1][j - 1]:
            cols.append(j - 1)
            i -= 1
        j -= 1
    cols.reverse()
    margin = math.inf
    for i, chosen in enumerate(cols):
        alt = max(
            (fwd[i][j] + sim[i][j] + bwd[i + 1][j + 1] for j in range(n) if j != chosen),
            default=neg,
        )
        margin = min(margin, best - alt)
    return Alignment(cols, margin)


@dataclass
class TextTable:
    """A recovered table: a full grid (empty strings where the dump lost a cell)."""

    grid: list[list[str]]
    header_rows: int
    flags: list[str]
    spans: set[int] = field(default_factory=set)  # rows that are one label across all columns

    @property
    def n_cols(self) -> int:
        return max(len(row) for row in self.grid)

    def placed_cells(self) -> list[PlacedCell]:
        """Every grid position as a cell (empty ones included, so columns stay aligned)."""
        n_cols = self.n_cols
        return [PlacedCell(r, 0, row[0], colspan=n_cols) if r in self.spans
                else PlacedCell(r, c, text)
                for r, row in enumerate(self.grid) for c, text in enumerate(row)]


def _looks_like_header(first: list[str], body: list[list[str]]) -> bool:
    """A first row of labels (no bare numbers) above rows that do hold numbers."""
    if not body or any(_NUMBER.fullmatch(c) for c in first):
        return False
    return any(_NUMBER.fullmatch(c) for row in body for c in row) or len(body) >= 2


def recover_table(rows: list[list[str]], line_numbers: list[int] | None = None) -> TextTable:
    """Turn split rows (cells in order, empties lost) into a full grid.

    ``line_numbers`` (1-based source lines of the rows) only serve the flags' wording.
    """
    lines = line_numbers or list(range(1, len(rows) + 1))
    header_rows = 1 if len(rows) >= 2 and _looks_like_header(rows[0], rows[1:]) else 0
    body = rows[header_rows:]
    n_cols = max(len(r) for r in rows)
    flags: list[str] = []
    full = [r for r in body if len(r) == n_cols]
    grid: list[list[str]] = []
    # A one-cell row inside a table of 3+ columns is a group label ("Adverse events, n (%)").
    labels = {k for k, r in enumerate(body) if len(r) == 1 and n_cols >= 3}
    spans = {header_rows + k for k in labels}
    if header_rows:
        head = rows[0] + [""] * (n_cols - len(rows[0]))
        if len(rows[0]) < n_cols:
            flags.append(f"header (line {lines[0]}) has {len(rows[0])} names for {n_cols} "
                         "columns; names left-aligned")
        grid.append(head)
    if len(full) < 2:
        # Too little evidence to learn columns from: keep cells in order, pad on the right.
        short = [lines[header_rows + k] for k, r in enumerate(body)
                 if len(r) < n_cols and k not in labels]
        if short:
            flags.append("columns could not be inferred; short rows padded on the right "
                         f"(lines {_ranges(short)})")
        grid.extend(r if k in labels else r + [""] * (n_cols - len(r))
                    for k, r in enumerate(body))
        return TextTable(grid, header_rows, flags, spans)
    data = [k for k in range(len(body)) if k not in labels]
    profiles = [ColumnProfile.learn([r[j] for r in full]) for j in range(n_cols)]
    first = {k: align_row(body[k], profiles) for k in data}
    # Second pass: learn from every confidently placed row too, and prefer leaving empty the
    # columns the first pass found empty most often.
    placed = [_place(body[k], a.columns, n_cols) for k, a in first.items()
              if a.margin >= MIN_MARGIN]
    profiles = [ColumnProfile.learn([r[j] for r in placed]) for j in range(n_cols)]
    empty_rate = [sum(1 for r in placed if not r[j]) / len(placed) for j in range(n_cols)]
    skip = [0.05 * (1.0 - e) for e in empty_rate]
    uncertain = []
    for k, r in enumerate(body):
        if k in labels:
            grid.append(r)
            continue
        a = align_row(r, profiles, skip)
        grid.append(_place(r, a.columns, n_cols))
        if a.margin < MIN_MARGIN:
            uncertain.append(lines[header_rows + k])
    if uncertain:
        flags.append(f"uncertain column placement of short rows (lines {_ranges(uncertain)})")
    return TextTable(grid, header_rows, flags, spans)


def _place(cells: list[str], columns: list[int], n_cols: int) -> list[str]:
    row = [""] * n_cols
    for text, col in zip(cells, columns, strict=True):
        row[col] = text
    return row


def _ranges(numbers: list[int], limit: int = 12) -> str:
    """Line numbers for a flag, the list cut short when long."""
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown if len(numbers) <= limit else f"{shown}, ... {len(numbers)} rows in all"
