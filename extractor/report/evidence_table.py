"""The evidence records of one document as an HTML table whose values link to their source.

Rows come from :func:`extractor.records.export.evidence_rows` and the source of each value
from :func:`extractor.records.export.places` (the places ``extractor table --provenance``
prints): a mention's text offsets, a table cell or a table column. Each resolves to the
element the document page rendered for it; when a value has one part per place
("dupilumab; upadacitinib" from two mentions) each part links to its own place, otherwise the
value is followed by one link per place.
"""

from __future__ import annotations

from html import escape

from extractor.evidence import EvidenceDocument
from extractor.records.export import _JOIN, FIELDS, SOURCED, Place, evidence_rows, places
from extractor.report.render import Rendered

SHOWN = tuple(f for f in FIELDS if f != "document")


def _targets(place: Place, by_span: dict[tuple[int, int], str], out: Rendered) -> list[str]:
    """Element ids of the source at ``place`` (empty when it was not rendered)."""
    found: str | None = None
    if place.kind == "text" and place.start is not None and place.end is not None:
        found = by_span.get((place.start, place.end))
    elif place.kind == "table" and place.table is not None and place.col is not None:
        if place.row is None:  # an arm's column: all its cells
            return out.columns.get((place.table, place.col), [])
        found = out.cells.get((place.table, place.row, place.col))
    return [found] if found else []


def _link(text: str, targets: list[str], place: Place, chip: bool = False) -> str:
    return (f'<a class="src{" chip" if chip else ""}" href="#{escape(targets[0])}" '
            f'data-targets="{escape(" ".join(targets))}" title="source: {escape(str(place))}">'
            f"{escape(text, quote=False)}</a>")


def _value(value: str, where: list[Place], by_span: dict[tuple[int, int], str],
           out: Rendered) -> str:
    targets = [_targets(p, by_span, out) for p in where]
    parts = value.split(_JOIN)
    if value and where and len(parts) == len(where) and all(targets):
        return escape(_JOIN, quote=False).join(
            _link(part, t, place) if part else "" for part, t, place in
            zip(parts, targets, where, strict=True))
    chips = [_link("↗", t, place, chip=True) for t, place in zip(targets, where, strict=True)
             if t] if value else []
    return escape(value, quote=False) + "".join(chips)


def records_table(doc: EvidenceDocument, out: Rendered) -> list[str]:
    """HTML of ``doc``'s evidence table; ``out`` tells where its mentions and cells are."""
    rows = evidence_rows([doc])
    if not rows:
        return ['<p class="note">No evidence records.</p>']
    by_span = {(m.start, m.end): out.mention_ids[m.id] for m in doc.mentions
               if m.id in out.mention_ids}
    html = ['<div class="scroll"><table class="data records"><thead><tr>']
    html += [f"<th>{escape(f.replace('_', ' '))}</th>" for f in SHOWN]
    html.append("</tr></thead><tbody>")
    for row, where in zip(rows, places(doc), strict=True):
        html.append("<tr>")
        for f in SHOWN:
            cell = (_value(row[f], where[f], by_span, out) if f in SOURCED
                    else escape(row[f], quote=False))
            html.append(f'<td data-field="{f}">{cell}</td>')
        html.append("</tr>")
    html.append("</tbody></table></div>")
    return html
