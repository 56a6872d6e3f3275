"""The report's pages: one per document (text, tables, records) and the index of documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from extractor.evidence import LABELS, EvidenceDocument
from extractor.records.export import finding_values
from extractor.report.assets import page
from extractor.report.evidence_table import records_table
from extractor.report.render import Rendered, render_not_inline, render_text

HINT = ("Hover a mention for its normalization, IDs and the rule or model that found it; "
        "NEG marks a negated mention; click a record value to see its source. Sentences and "
        "table rows that report a finding are underlined: hover them for the finding.")
# The findings card's columns (export.finding_values), and the one that links to the evidence.
_FINDING_SHOWN = ("outcome", "intervention", "comparator", "direction", "significant",
                  "p value", "effect", "arm values", "timepoint")


def _e(value: object) -> str:
    return escape(str(value))


def ordered_labels(labels: Iterable[str]) -> list[str]:
    """The toolkit's labels in their usual order, then any others alphabetically."""
    present = set(labels)
    return [x for x in LABELS if x in present] + sorted(present - set(LABELS))


def filter_bar(counts: Mapping[str, int], negated: int | None) -> list[str]:
    """The sticky bar: a checkbox, colour and count per label, and the negation filter."""
    html = ['<nav class="filters" id="filters"><span class="group-title">Labels</span>']
    for label in ordered_labels(counts):
        html.append(
            f'<label><input type="checkbox" class="label-filter" data-label="{_e(label)}" '
            f'checked><span class="swatch" data-label="{_e(label)}"></span>{_e(label)} '
            f'<span class="count">{counts[label]}</span></label>')
    html.append('<button type="button" class="all-labels" data-on="true">all</button>'
                '<button type="button" class="all-labels" data-on="false">none</button>')
    if negated is not None:
        html.append(
            '<label><span class="group-title">Negation</span><select id="neg-filter">'
            '<option value="all">all mentions</option>'
            f'<option value="hide">hide negated ({negated})</option>'
            '<option value="only">negated only</option></select></label>')
    html.append("</nav>")
    return html


def _meta_line(doc: EvidenceDocument) -> str:
    md = doc.metadata
    parts = [f"id {doc.id}", doc.source.format, doc.source.path,
             md.journal, str(md.year) if md.year else None,
             f"doi {md.doi}" if md.doi else None, f"PMID {md.pmid}" if md.pmid else None,
             f"{len(doc.text):,} characters"]
    return "".join(f"<span>{_e(p)}</span>" for p in parts if p)


def _sections(doc: EvidenceDocument) -> list[str]:
    if not doc.sections:
        return []
    html = [f'<details class="toc"><summary>Sections ({len(doc.sections)})</summary><ol>']
    html += [f'<li style="margin-left:{(s.level - 1) * 1.2}rem"><a href="#sec-{i}">'
             f"{_e(s.title)}</a></li>" for i, s in enumerate(doc.sections)]
    html.append("</ol></details>")
    return html


def findings_table(doc: EvidenceDocument, out: Rendered) -> list[str]:
    """The findings of ``doc``'s records, each linked to its highlighted sentence or row."""
    findings = [f for record in doc.records for f in record.findings]
    if not findings:
        return []
    html = [f'<section class="card" id="findings"><h2>Findings ({len(findings)})</h2>'
            '<div class="scroll"><table class="data findings"><thead><tr>',
            *(f"<th>{_e(c)}</th>" for c in _FINDING_SHOWN), "<th>evidence</th></tr></thead>"
            "<tbody>"]
    for number, f in enumerate(findings, start=1):
        values = finding_values(f)
        target = out.findings.get(number)
        where = (f'<a class="src" href="#{_e(target)}" data-targets="{_e(target)}">'
                 f'{_e(values["found by"] or "source")}</a>' if target
                 else _e(values["evidence source"]))
        html.append("<tr>" + "".join(f'<td data-field="{_e(c)}">{_e(values[c])}</td>'
                                     for c in _FINDING_SHOWN) + f"<td>{where}</td></tr>")
    html.append("</tbody></table></div></section>")
    return html


def document_page(doc: EvidenceDocument, index_href: str = "../index.html") -> str:
    """The review page of one document: records linked to their sources, and the text."""
    rendered = render_text(doc)
    not_inline = render_not_inline(rendered.not_inline, rendered)
    records = records_table(doc, rendered)  # after every mark has its element id
    counts: Counter[str] = Counter(m.label for m in doc.mentions)
    negated = sum(m.negated for m in doc.mentions)
    title = doc.metadata.title or doc.id
    body = [
        f'<header class="top"><div class="crumb"><a href="{_e(index_href)}">← All documents'
        f'</a></div><h1>{_e(title)}</h1><p class="meta">{_meta_line(doc)}</p></header>',
        *filter_bar(counts, negated),
        "<main>",
        f'<section class="card" id="records"><h2>Evidence records ({len(doc.records)})</h2>'
        f'<p class="note">{_e(HINT)}</p>', *records, "</section>",
        *findings_table(doc, rendered),
        f'<section class="card" id="text"><h2>Text · {len(doc.mentions)} mentions, '
        f"{len(doc.tables)} table(s)</h2>", *_sections(doc),
        '<div class="doc-text">', *rendered.html, "</div></section>",
    ]
    if not_inline:
        body += ['<section class="card" id="not-inline"><h2>Mentions not shown in place</h2>'
                 '<p class="note">They overlap another mention or a table or cell edge.</p>',
                 *not_inline, "</section>"]
    warnings = [*doc.warnings, *(f"{t.id}: {f}" for t in doc.tables for f in t.flags)]
    if warnings:
        body += ['<section class="card" id="warnings"><h2>Parser warnings</h2><ul>',
                 *(f"<li>{_e(w)}</li>" for w in warnings), "</ul></section>"]
    body.append("</main>")
    return page(f"{title} · evidence review", body, body_class="doc")


@dataclass
class IndexRow:
    """What the index shows of one document page."""

    href: str
    doc_id: str
    title: str
    fmt: str
    chars: int
    records: int
    counts: Counter[str] = field(default_factory=Counter)
    negated: Counter[str] = field(default_factory=Counter)
    warnings: int = 0

    @classmethod
    def of(cls, doc: EvidenceDocument, href: str) -> IndexRow:
        """The index row of ``doc``, whose page is at ``href``."""
        return cls(href, doc.id, doc.metadata.title or "", doc.source.format, len(doc.text),
                   len(doc.records), Counter(m.label for m in doc.mentions),
                   Counter(m.label for m in doc.mentions if m.negated),
                   len(doc.warnings) + sum(len(t.flags) for t in doc.tables))


def _count(n: int, neg: int) -> str:
    return (str(n) if n else '<span class="note">0</span>') + (
        f' <span class="neg" title="negated">({neg} neg)</span>' if neg else "")


def index_page(rows: Sequence[IndexRow], errors: Sequence[Mapping[str, Any]],
               summary: Mapping[str, Any] | None, source: str) -> str:
    """The index: every document with its mention counts per label, and every error."""
    labels = ordered_labels({*LABELS, *(k for r in rows for k in r.counts)})
    total, total_neg = Counter[str](), Counter[str]()
    for r in rows:
        total.update(r.counts)
        total_neg.update(r.negated)
    body = [f'<header class="top"><h1>Evidence review report</h1><p class="meta">'
            f"<span>{len(rows)} document(s)</span><span>{len(errors)} error(s)</span>"
            f"<span>from {_e(source)}</span></p></header><main>"]
    run: list[str] = []
    if summary:
        # one level deep (files, run, ...); per-label counts are in the documents table
        flat = [(k, v) for k, v in summary.items() if not isinstance(v, dict)] + [
            (f"{k} {k2}", v2) for k, v in summary.items()
            if isinstance(v, dict) and not set(v) <= set(LABELS) for k2, v2 in v.items()]
        run = ['<section class="card" id="summary"><h2>Run summary</h2><div class="stats">']
        run += [f'<div><span class="k">{_e(k.replace("_", " "))}</span>'
                f'<span class="v">{_e(v)}</span></div>' for k, v in flat
                if isinstance(v, str | int | float | bool)]
        run.append("</div></section>")
    body.append(f'<section class="card" id="documents"><h2>Documents ({len(rows)})</h2>'
                '<div class="scroll"><table class="data docs"><thead><tr><th>document</th>'
                '<th>format</th><th class="num">records</th>')
    body += [f'<th class="num"><span class="swatch" data-label="{_e(label)}"></span> '
             f"{_e(label.replace('_', ' ').lower())}</th>" for label in labels]
    body.append('<th class="num">warnings</th></tr></thead><tbody>')
    for r in rows:
        title = f'<div class="note">{_e(r.title)}</div>' if r.title else ""
        body.append(f'<tr><td><a href="{_e(r.href)}">{_e(r.doc_id)}</a>{title}</td>'
                    f'<td>{_e(r.fmt)}</td><td class="num">{r.records}</td>')
        body += [f'<td class="num" data-label="{_e(label)}">'
                 f"{_count(r.counts[label], r.negated[label])}</td>" for label in labels]
        body.append(f'<td class="num">{r.warnings}</td></tr>')
    body.append('<tr><th>total</th><th></th>'
                f'<th class="num">{sum(r.records for r in rows)}</th>')
    body += [f'<th class="num">{_count(total[label], total_neg[label])}</th>'
             for label in labels]
    body.append(f'<th class="num">{sum(r.warnings for r in rows)}</th></tr>'
                "</tbody></table></div></section>")
    body.append(f'<section class="card" id="errors"><h2>Errors ({len(errors)})</h2>')
    if errors:
        body.append('<div class="scroll"><table class="data errors"><thead><tr><th>file</th>'
                    "<th>stage</th><th>code</th><th>reason</th></tr></thead><tbody>")
        body += ["<tr>" + "".join(f"<td>{_e(e.get(k, ''))}</td>" for k in
                                  ("file", "stage", "code", "reason")) + "</tr>"
                 for e in errors]
        body.append("</tbody></table></div>")
    else:
        body.append('<p class="note">No file failed.</p>')
    body += ["</section>", *run, "</main>"]
    return page("Evidence review report", body, body_class="index")
