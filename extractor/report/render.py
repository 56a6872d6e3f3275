"""An EvidenceDocument's text as HTML: every mention a ``<mark>``, every table an HTML table.

Everything taken from the article is escaped with :func:`html.escape` (attribute values too).
Tables replace their span of ``Document.text`` with a grid built from the cells' row, column
and spans; each cell's text is its slice of ``Document.text``, so mentions found in a cell are
marked inside it. Mentions are nested when one lies inside another; one that crosses another
mention, a table edge or a cell edge cannot be nested and is listed below the text instead,
so every mention still has exactly one mark. The HTML is built as a list of strings joined
once, and nothing is done per mention in the browser, so long documents stay fast.

Each finding of the records (a comparison of arms on an outcome) highlights its evidence: a
sentence becomes a ``<span class="finding">`` around its marks, a table row a
``<tr class="finding">``, each with a tooltip of the finding's outcome, arms, direction,
significance, p value and effect. A sentence that would cross a mark or a table edge stays
unhighlighted (the findings table still quotes it).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from extractor.document import Cell, Table
from extractor.evidence import EvidenceDocument, Finding, Mention
from extractor.records.export import finding_values


@dataclass
class Rendered:
    """The document text as HTML pieces, and where each mention and cell ended up."""

    html: list[str] = field(default_factory=list)
    mention_ids: dict[str, str] = field(default_factory=dict)  # mention id -> element id
    cells: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (table, row, col)
    columns: dict[tuple[str, int], list[str]] = field(default_factory=dict)  # (table, col)
    not_inline: list[Mention] = field(default_factory=list)
    findings: dict[int, str] = field(default_factory=dict)  # finding number -> element id


def tooltip(m: Mention) -> str:
    """What hovering a mention shows: label and context flags, normalization, IDs, finder."""
    flags = [f for f, on in (("negated", m.negated), ("uncertain", m.uncertain),
                             ("historical", m.historical)) if on]
    lines = [" · ".join([m.label, *flags])]
    if m.status:
        why = m.status_evidence
        lines.append(f"status: {m.status}" + (f" ({why.rule}" + (f": {why.text!r}" if why.text
                                                                  else "") + ")" if why else ""))
    if m.section:
        lines.append(f"section: {m.section}")
    if m.normalized.name:
        score = m.normalized.score
        lines.append(f"normalized: {m.normalized.name}"
                     + (f" (fuzzy {score:.2f})" if score is not None and score < 1 else ""))
    if m.normalized.ids:
        lines.append("ids: " + ", ".join(f"{k} {v}" for k, v in m.normalized.ids.items()))
    if m.value:
        lines.append("value: " + ", ".join(f"{k}={v}" for k, v in m.value.items()
                                           if v not in (None, "", [])))
    if m.found_by:
        lines.append("found by: " + ", ".join(m.found_by))
    return "\n".join(lines)


def finding_tooltip(f: Finding) -> str:
    """What hovering a finding's evidence shows: outcome, arms, direction, p, effect."""
    v = finding_values(f)
    lines = [f"finding: {v['outcome'] or '(outcome not stated)'}"]
    if v["intervention"] or v["comparator"]:
        lines.append(f"{v['intervention'] or '?'} vs {v['comparator'] or '?'}")
    if v["direction"]:
        lines.append(f"direction: {v['direction']}"
                     + (f" (classifier {v['score']})" if v["score"] else ""))
    if v["significant"]:
        lines.append(f"significant: {v['significant']}")
    lines += [f"{k}: {v[k]}" for k in ("p value", "effect", "arm values", "timepoint") if v[k]]
    return "\n".join(lines)


def _finding_open(tag: str, f: Finding, element_id: str) -> str:
    """The opening tag of a finding's evidence (a sentence's span, a table row)."""
    return (f'<{tag} class="finding" id="{escape(element_id)}" '
            f'data-direction="{escape(f.direction or "")}" title="{escape(finding_tooltip(f))}">')


@dataclass(frozen=True)
class _Sentence:
    """A finding's sentence, to wrap around the marks inside it."""

    start: int
    end: int
    finding: Finding
    number: int


def mark_id(m: Mention, out: Rendered) -> str:
    """A fresh element id for ``m``'s mark (``m-<id>``; a repeated mention id gets a suffix)."""
    base = "m-" + "_".join(m.id.split())  # ids go in space-separated data-targets
    eid = base if m.id not in out.mention_ids else f"{base}-{len(out.mention_ids)}"
    out.mention_ids.setdefault(m.id, eid)
    return eid


def mark_open(m: Mention, element_id: str) -> str:
    """The opening ``<mark>`` tag of a mention (close it with ``</mark>``)."""
    return (f'<mark class="mention" id="{escape(element_id)}" data-label="{escape(m.label)}" '
            f'data-negated="{"true" if m.negated else "false"}" title="{escape(tooltip(m))}">')


class _Writer:
    """Writes text spans with nested marks and zero-width anchors into ``out``."""

    def __init__(self, text: str, out: Rendered, anchors: list[tuple[int, str]]) -> None:
        self.text = text
        self.out = out
        self.anchors = anchors  # (offset, html), sorted
        self.next_anchor = 0

    def _plain(self, lo: int, hi: int) -> None:
        """Escaped text[lo:hi], with the anchors that fall inside it."""
        html = self.out.html
        anchors = self.anchors
        while self.next_anchor < len(anchors) and anchors[self.next_anchor][0] < lo:
            self.next_anchor += 1  # a section starting inside a table: no anchor
        while self.next_anchor < len(anchors) and anchors[self.next_anchor][0] < hi:
            at, anchor = anchors[self.next_anchor]
            html.append(escape(self.text[lo:at], quote=False))
            html.append(anchor)
            lo = at
            self.next_anchor += 1
        html.append(escape(self.text[lo:hi], quote=False))

    def span(self, lo: int, hi: int, mentions: list[Mention],
             sentences: Sequence[_Sentence] = ()) -> None:
        """text[lo:hi] with ``mentions`` (inside it, sorted by start then longest) marked,
        and the findings' ``sentences`` (inside it) wrapped around their marks."""
        html = self.out.html
        pos = lo
        stack: list[tuple[int, str]] = []  # ends and closing tags of the open elements
        # a sentence opens before a mark that starts with it, so that it holds the mark
        items: list[Mention | _Sentence] = sorted([*mentions, *sentences],
                       key=lambda x: (x.start, -x.end, isinstance(x, Mention)))
        for item in items:
            while stack and stack[-1][0] <= item.start:
                end, closing = stack.pop()
                self._plain(pos, end)
                html.append(closing)
                pos = end
            if stack and item.end > stack[-1][0]:
                if isinstance(item, Mention):
                    self.out.not_inline.append(item)  # crosses an open element: cannot nest
                continue
            self._plain(pos, item.start)
            pos = item.start
            if isinstance(item, Mention):
                html.append(mark_open(item, mark_id(item, self.out)))
                stack.append((item.end, "</mark>"))
            else:
                self.out.findings[item.number] = f"f-{item.number}"
                html.append(_finding_open("span", item.finding, f"f-{item.number}"))
                stack.append((item.end, "</span>"))
        while stack:
            end, closing = stack.pop()
            self._plain(pos, end)
            html.append(closing)
            pos = end
        self._plain(pos, hi)


def _regions(doc: EvidenceDocument) -> list[tuple[int, int, Table | None]]:
    """[lo, hi) spans covering the text: running text, or a table (ones that fit, in order)."""
    n = len(doc.text)
    out: list[tuple[int, int, Table | None]] = []
    pos = 0
    for t in sorted(doc.tables, key=lambda t: t.start):
        if not (pos <= t.start < t.end <= n):
            continue  # offsets out of range or overlapping an earlier table: shown as text
        if t.start > pos:
            out.append((pos, t.start, None))
        out.append((t.start, t.end, t))
        pos = t.end
    if pos < n or not out:
        out.append((pos, n, None))
    return out


def _cell_of(cells: list[Cell], starts: list[int], m: Mention) -> Cell | None:
    i = bisect_right(starts, m.start) - 1
    if i >= 0 and cells[i].start <= m.start and m.end <= cells[i].end:
        return cells[i]
    return None


def _table(t: Table, index: int, mentions: list[Mention], writer: _Writer,
           rows: dict[int, tuple[int, Finding]]) -> None:
    """An HTML table from ``t``'s cells, the cells' mentions marked inside them; ``rows``:
    the finding (and its number) whose evidence a row is."""
    out = writer.out
    n = len(writer.text)
    cells = sorted((c for c in t.cells if 0 <= c.start <= c.end <= n), key=lambda c: c.start)
    starts = [c.start for c in cells]
    in_cell: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        cell = _cell_of(cells, starts, m)
        if cell is None:
            out.not_inline.append(m)
        else:
            in_cell[id(cell)].append(m)
    n_rows = max([t.n_rows, *(c.row + c.rowspan for c in t.cells)])
    n_cols = max([t.n_cols, *(c.col + c.colspan for c in t.cells)])
    at: dict[tuple[int, int], Cell] = {}
    for c in t.cells:
        at.setdefault((c.row, c.col), c)
    covered: set[tuple[int, int]] = set()
    html = out.html
    text = writer.text
    # the caption is usually the paragraph just before the table: not shown twice then
    shown = t.caption and t.caption.strip() not in text[max(0, t.start - len(t.caption) - 200):
                                                         t.start]
    caption = escape(f"Table {t.id}" + (f": {t.caption}" if shown else ""), quote=False)
    html.append(f'<div class="table-wrap"><table class="cells"><caption>{caption}</caption>')
    for row in range(n_rows):
        if row in rows:
            number, finding = rows[row]
            out.findings[number] = f"f-{number}"
            html.append(_finding_open("tr", finding, f"f-{number}"))
        else:
            html.append("<tr>")
        for col in range(n_cols):
            if (row, col) in covered:
                continue
            cell = at.get((row, col))
            if cell is None:
                html.append('<td class="empty"></td>')
                continue
            element_id = f"t{index}-r{row}-c{col}"
            for r in range(row, row + cell.rowspan):
                for k in range(col, col + cell.colspan):
                    covered.add((r, k))
                    out.cells[(t.id, r, k)] = element_id
                    ids = out.columns.setdefault((t.id, k), [])
                    if element_id not in ids:
                        ids.append(element_id)
            tag = "th" if row < t.header_rows else "td"
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            html.append(f'<{tag} id="{element_id}"{spans}>')
            if cell.start <= cell.end <= n and writer.text[cell.start:cell.end] == cell.text:
                writer.span(cell.start, cell.end, in_cell.pop(id(cell), []))
            else:
                html.append(escape(cell.text, quote=False))
            html.append(f"</{tag}>")
        html.append("</tr>")
    html.append("</table>")
    if t.flags:
        html.append(f'<p class="flags">{escape("; ".join(t.flags), quote=False)}</p>')
    html.append("</div>")
    for lost in in_cell.values():  # cells whose grid position another cell already took
        out.not_inline.extend(lost)


def render_text(doc: EvidenceDocument) -> Rendered:
    """The document text with marks and tables, and the ids of what was rendered."""
    out = Rendered()
    n = len(doc.text)
    anchors = sorted((s.start, f'<span class="anchor" id="sec-{i}"></span>')
                     for i, s in enumerate(doc.sections) if 0 <= s.start <= n)
    writer = _Writer(doc.text, out, anchors)
    regions = _regions(doc)
    los = [lo for lo, _, _ in regions]
    per_region: list[list[Mention]] = [[] for _ in regions]
    for m in sorted(doc.mentions, key=lambda m: (m.start, -m.end)):
        i = bisect_right(los, m.start) - 1
        if 0 <= m.start < m.end <= n and i >= 0 and m.end <= regions[i][1]:
            per_region[i].append(m)
        else:
            out.not_inline.append(m)  # empty, out of range, or crossing a table edge
    sentences, table_rows = _finding_places(doc)
    table_index = {id(t): k for k, t in enumerate(doc.tables)}
    for (lo, hi, table), mentions in zip(regions, per_region, strict=True):
        if table is None:
            out.html.append('<div class="prose">')
            writer.span(lo, hi, mentions, [s for s in sentences if lo <= s.start < s.end <= hi])
            out.html.append("</div>")
        else:
            _table(table, table_index[id(table)], mentions, writer,
                   table_rows.get(table.id, {}))
    return out


def _finding_places(doc: EvidenceDocument) -> tuple[list[_Sentence],
                                                    dict[str, dict[int, tuple[int, Finding]]]]:
    """Where the findings' evidence is: sentences of the text, and table rows by table id.
    Findings are numbered from 1 in record order; of several findings on the same words the
    first is shown."""
    sentences: dict[tuple[int, int], _Sentence] = {}
    rows: dict[str, dict[int, tuple[int, Finding]]] = defaultdict(dict)
    findings = [f for record in doc.records for f in record.findings]
    for number, f in enumerate(findings, start=1):
        e = f.evidence
        if e is None:
            continue
        if e.source.kind == "table" and e.source.table and e.source.row is not None:
            rows[e.source.table].setdefault(e.source.row, (number, f))
        elif 0 <= e.start < e.end <= len(doc.text):
            sentences.setdefault((e.start, e.end), _Sentence(e.start, e.end, f, number))
    return list(sentences.values()), rows


def render_not_inline(mentions: list[Mention], out: Rendered) -> list[str]:
    """Mentions that could not be marked in place, each marked once in a list."""
    if not mentions:
        return []
    html = ['<ul class="not-inline">']
    for m in sorted(mentions, key=lambda m: m.start):
        html.append(f"<li>{mark_open(m, mark_id(m, out))}{escape(m.text, quote=False)}</mark> "
                    f'<span class="note">offsets {m.start}-{m.end}</span></li>')
    html.append("</ul>")
    return html
