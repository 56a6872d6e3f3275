"""The evidence records of one document as an HTML table whose values link to their source.

Rows and the source of each value come from :func:`extractor.records.export.evidence_rows`
with provenance (the same table ``extractor table --provenance`` prints): a source is a
mention's text offsets ("text 120-131"), a table cell ("T1 r3 c9") or a table column
("T1 c2"). Each resolves to the element the document page rendered for it; when a value has
one part per source ("dupilumab; upadacitinib" from two mentions) each part links to its
own source, otherwise the value is followed by one link per source.
"""

from __future__ import annotations

import re
from html import escape

from extractor.evidence import EvidenceDocument
from extractor.records.export import _JOIN, FIELDS, SOURCED, evidence_rows
from extractor.report.render import Rendered

_TEXT = re.compile(r"text (\d+)-(\d+)")
_CELL = re.compile(r"(.+) r(\d+) c(\d+)")
_COLUMN = re.compile(r"(.+) c(\d+)")
SHOWN = tuple(f for f in FIELDS if f != "document")


def _targets(place: str, by_span: dict[tuple[int, int], str], out: Rendered) -> list[str]:
    """Element ids of the source ``place`` names (empty when it was not rendered)."""
    if m := _TEXT.fullmatch(place):
        found = by_span.get((int(m[1]), int(m[2])))
        return [found] if found else []
    if m := _CELL.fullmatch(place):
        cell = out.cells.get((m[1], int(m[2]), int(m[3])))
        return [cell] if cell else []
    if m := _COLUMN.fullmatch(place):
        return out.columns.get((m[1], int(m[2])), [])
    return []


def _link(text: str, targets: list[str], place: str, chip: bool = False) -> str:
    return (f'<a class="src{" chip" if chip else ""}" href="#{escape(targets[0])}" '
            f'data-targets="{escape(" ".join(targets))}" title="source: {escape(place)}">'
            f"{escape(text, quote=False)}</a>")


def _value(value: str, sources: str, by_span: dict[tuple[int, int], str],
           out: Rendered) -> str:
    places = [p for p in sources.split(_JOIN) if p]
    targets = [_targets(p, by_span, out) for p in places]
    parts = value.split(_JOIN)
    if value and places and len(parts) == len(places) and all(targets):
        return escape(_JOIN, quote=False).join(
            _link(part, t, place) if part else "" for part, t, place in
            zip(parts, targets, places, strict=True))
    chips = [_link("↗", t, place, chip=True) for t, place in zip(targets, places, strict=True)
             if t] if value else []
    return escape(value, quote=False) + "".join(chips)


def records_table(doc: EvidenceDocument, out: Rendered) -> list[str]:
    """HTML of ``doc``'s evidence table; ``out`` tells where its mentions and cells are."""
    rows = evidence_rows([doc], provenance=True)
    if not rows:
        return ['<p class="note">No evidence records.</p>']
    by_span = {(m.start, m.end): out.mention_ids[m.id] for m in doc.mentions
               if m.id in out.mention_ids}
    html = ['<div class="scroll"><table class="data records"><thead><tr>']
    html += [f"<th>{escape(f.replace('_', ' '))}</th>" for f in SHOWN]
    html.append("</tr></thead><tbody>")
    for row in rows:
        html.append("<tr>")
        for f in SHOWN:
            cell = (_value(row[f], row.get(f"{f} source", ""), by_span, out) if f in SOURCED
                    else escape(row[f], quote=False))
            html.append(f'<td data-field="{f}">{cell}</td>')
        html.append("</tr>")
    html.append("</tbody></table></div>")
    return html
