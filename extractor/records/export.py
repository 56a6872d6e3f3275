"""The evidence table a reviewer pastes into a review: one row per record, one column per field.

``evidence_rows`` flattens the records of EvidenceDocuments; several interventions, outcomes
or events of one record are joined with "; " in the same order in every column (the n-th
dose belongs to the n-th drug). With ``provenance`` each field gets a "<field> source" column
beside it: the table cell ("T1 r3 c9": table id, row, column), the table column ("T1 c2")
or the running text's offsets ("text 120-131") the value was read from (``places`` gives
them as Place objects), and a last "evidence" column quotes the sentences and cells that
state the record's fields (each once, in order). ``to_csv``, ``to_markdown``
and ``to_xlsx`` write the same rows and columns.

``finding_rows`` gives the other table a reviewer keeps: one row per finding of the study
records (FINDING_COLUMNS: outcome, intervention and comparator, direction, significance,
p value, effect with its interval, the arms' values, timepoint, and the sentence or table row
that says so, with where it is).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from extractor.evidence import (
    ArmResult,
    Duration,
    Effect,
    Evidence,
    EvidenceDocument,
    Finding,
    Mention,
    Record,
)
from extractor.records.table_roles import Role, layout

FIELDS = ("document", "record", "level", "n", "age", "sex", "condition", "drug", "dose",
          "frequency", "route", "duration", "outcomes", "adverse_events")
# fields that carry a value read from the document (the others identify the row)
SOURCED = FIELDS[3:]
_JOIN = "; "
_FIELD_ROLES: dict[str, tuple[Role, ...]] = {
    "n": (), "age": ("age", "age_sex"), "sex": ("sex", "age_sex"), "condition": ("condition",),
    "drug": ("drug", "combination_drug"), "dose": ("drug", "combination_drug"),
    "frequency": ("drug", "combination_drug"), "route": ("drug", "combination_drug"),
    "duration": ("duration",), "outcomes": ("efficacy", "outcome_value"),
    "adverse_events": ("adverse_event",),
}


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x)


def _duration(d: Duration) -> str:
    """"16 weeks", "8 months (ongoing)"; the cell text when it has no value and unit."""
    if d.value is None or d.unit is None:
        return d.text
    unit = d.unit if d.unit.endswith("s") or d.value == 1 else d.unit + "s"
    return f"{_num(d.value)} {unit}" + (" (ongoing)" if "ongoing" in d.text.lower() else "")


def _count(count: int | None, total: int | None, percent: float | None) -> str:
    """" 5/47 (10.6%)", " 5 (10.6%)", " (10.6%)" or "" for an arm-level count."""
    if count is None and percent is None:
        return ""
    head = "" if count is None else f"{count}/{total}" if total else str(count)
    tail = "" if percent is None else f"({_num(percent)}%)"
    return " " + " ".join(p for p in (head, tail) if p)


def _values(record: Record) -> dict[str, str]:
    p = record.population
    sex = ""
    if p.n == 1 and (p.male is not None or p.female is not None):
        sex = "male" if p.male else "female" if p.female else ""
    elif p.male is not None or p.female is not None:
        sex = f"{_num(p.male)} male / {_num(p.female)} female"
    ivs = record.interventions
    outcomes = []
    for o in record.outcomes:
        text = o.measure or ""
        if o.value is not None:
            text += f": {_num(o.value)}{'' if o.unit in (None, '%') else ' '}{o.unit or ''}"
        if o.timepoint:
            text += f" ({o.timepoint})"
        outcomes.append(text.strip() or o.text)
    events = [("no " if e.negated else "") + e.term + (f" ({e.drug})" if e.drug else "")
              + _count(e.count, e.arm_n, e.percent) for e in record.adverse_events]
    return {
        "record": record.id, "level": record.level, "n": _num(p.n),
        "age": _num(p.age_mean if p.age_mean is not None else p.age_median),
        "sex": sex, "condition": p.condition or "",
        "drug": _JOIN.join(iv.drug.name for iv in ivs),
        "dose": _JOIN.join(iv.dose.text if iv.dose else "" for iv in ivs) if any(
            iv.dose for iv in ivs) else "",
        "frequency": _JOIN.join(iv.frequency.text if iv.frequency else "" for iv in ivs)
        if any(iv.frequency for iv in ivs) else "",
        "route": _JOIN.join(iv.route.name if iv.route else "" for iv in ivs) if any(
            iv.route for iv in ivs) else "",
        "duration": _JOIN.join(dict.fromkeys(_duration(iv.duration) for iv in ivs
                                             if iv.duration)),
        "outcomes": _JOIN.join(outcomes), "adverse_events": _JOIN.join(events),
    }


@dataclass(frozen=True)
class Place:
    """Where a field's value was read: running text from ``start`` to ``end``, a table cell
    (``table``, ``row``, ``col``) or a table column (an arm's: ``row`` None).

    A study record's field found nowhere more precise is a text place without offsets: the
    study's text as a whole. ``str`` gives the name ``extractor table --provenance`` prints.
    """

    kind: Literal["text", "table"] = "text"
    start: int | None = None
    end: int | None = None
    table: str | None = None
    row: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        """"text 120-131", "text", "T1 r3 c9" or "T1 c2"."""
        if self.kind == "table":
            return f"{self.table}{'' if self.row is None else f' r{self.row}'} c{self.col}"
        return "text" if self.start is None else f"text {self.start}-{self.end}"


def _mention_place(m: Mention) -> Place:
    s = m.source
    if s.kind == "table":
        return Place("table", table=s.table, row=s.row, col=s.col)
    return Place("text", start=m.start, end=m.end)


def places(doc: EvidenceDocument) -> list[dict[str, list[Place]]]:
    """Where each SOURCED field of each record of ``doc`` (in order) was read, each place once:
    its mentions first, else the cells (patient) or column (arm) of the field's table role."""
    mentions = {m.id: m for m in doc.mentions}
    layouts = {t.id: layout(t) for t in doc.tables}
    out: list[dict[str, list[Place]]] = []
    for record in doc.records:
        by_field: dict[str, list[str | None]] = {
            "drug": [iv.drug.mention for iv in record.interventions],
            "outcomes": [o.mention for o in record.outcomes],
            "adverse_events": [e.mention for e in record.adverse_events],
        }
        src = record.source
        lay = layouts.get(src.table or "")
        fields: dict[str, list[Place]] = {}
        for field in SOURCED:
            found = [_mention_place(mentions[i]) for i in by_field.get(field, [])
                     if i in mentions]
            if not found and src.kind == "table" and lay is not None:
                if record.level == "patient" and src.row is not None:
                    found = [Place("table", table=src.table, row=src.row, col=c)
                             for c in lay.columns(*_FIELD_ROLES[field])]
                elif record.level == "arm" and src.col is not None:
                    found = [Place("table", table=src.table, col=src.col)]
            if not found and record.level == "study":
                # a study's fields are read from its text even where no mention holds them
                found = [Place("text")]
            fields[field] = list(dict.fromkeys(found))
        out.append(fields)
    return out


def _evidence(record: Record) -> str:
    """The sentences and cells stating the record's fields, each once, in text order."""
    found: list[Evidence | None] = [*record.population.evidence.values()]
    for iv in record.interventions:
        found += [iv.drug.evidence, *(f.evidence for f in (iv.dose, iv.frequency, iv.route,
                                                           iv.duration) if f is not None)]
    found += [o.evidence for o in record.outcomes]
    found += [e.evidence for e in record.adverse_events]
    spans = {(e.start, e.end): e.text for e in found if e is not None}
    return " | ".join(" ".join(spans[k].split()) for k in sorted(spans))


def evidence_rows(documents: Iterable[EvidenceDocument],
                  provenance: bool = False) -> list[dict[str, str]]:
    """One dict per record of ``documents``: FIELDS (and "<field> source" with provenance)."""
    rows: list[dict[str, str]] = []
    for doc in documents:
        where = places(doc) if provenance else []
        for k, record in enumerate(doc.records):
            row = {"document": doc.id, **_values(record)}
            if provenance:
                row = {c: v for f in FIELDS for c, v in
                       ((f, row[f]), *(((f"{f} source", _JOIN.join(map(str, where[k][f]))),)
                                       if f in SOURCED else ()))}
                row["evidence"] = _evidence(record)
            rows.append(row)
    return rows


FINDING_COLUMNS = ["document", "study", "outcome", "intervention", "comparator", "direction",
                   "significant", "p value", "effect", "arm values", "timepoint", "found by",
                   "score", "evidence", "evidence source"]


def _effect(e: Effect) -> str:
    """"HR 0.7 (95% CI 0.55 to 0.89)"; "RRR 25" without an interval."""
    text = f"{e.measure} {_num(e.value)}"
    if e.ci_low is not None and e.ci_high is not None:
        level = f"{_num(e.ci_level)}% " if e.ci_level is not None else ""
        text += f" ({level}CI {_num(e.ci_low)} to {_num(e.ci_high)})"
    return text


def _arm(a: ArmResult) -> str:
    """"placebo: 10/98 (10%)", "etoricoxib: 3.4 (1.5), n = 100"."""
    text = f"{a.name or 'arm'}: {' '.join((a.text or _num(a.value)).split())}"
    return text + (f", n = {a.n}" if a.n is not None and a.stat != "count_total" else "")


def _p(f: Finding) -> str:
    if f.p_value is None:
        return ""
    return f"p {f.p_relation or '='} {_num(f.p_value)}"


def _place(e: Evidence) -> str:
    s = e.source
    if s.kind == "table":
        return f"{s.table} r{s.row}" + (f" c{s.col}" if s.col is not None else "")
    return f"text {e.start}-{e.end}"


def finding_values(f: Finding) -> dict[str, str]:
    """A finding's fields as the findings table writes them (FINDING_COLUMNS from "outcome"
    on)."""
    return {
        "outcome": f.outcome or "", "intervention": f.intervention or "",
        "comparator": f.comparator or "", "direction": (f.direction or "").replace("_", " "),
        "significant": {True: "yes", False: "no", None: ""}[f.significant],
        "p value": _p(f), "effect": _effect(f.effect) if f.effect else "",
        "arm values": _JOIN.join(_arm(a) for a in f.arms),
        "timepoint": f.timepoint or "", "found by": f.found_by or "",
        "score": f"{f.score:.2f}" if f.score is not None else "",
        "evidence": " ".join(f.evidence.text.split()) if f.evidence else "",
        "evidence source": _place(f.evidence) if f.evidence else "",
    }


def finding_row(document: str, record: str, f: Finding) -> dict[str, str]:
    """The findings-table row (FINDING_COLUMNS) of one finding of a document's record."""
    return {"document": document, "study": record, **finding_values(f)}


def finding_rows(documents: Iterable[EvidenceDocument]) -> list[dict[str, str]]:
    """One dict per finding of the study records of ``documents`` (FINDING_COLUMNS)."""
    return [finding_row(doc.id, record.id, f)
            for doc in documents for record in doc.records for f in record.findings]


def columns(provenance: bool) -> list[str]:
    """The header of the evidence table."""
    header = [c for f in FIELDS for c in ((f, f"{f} source") if provenance and f in SOURCED
                                          else (f,))]
    return [*header, "evidence"] if provenance else header


def to_csv(rows: list[dict[str, str]], header: list[str]) -> str:
    """CSV text with a header line."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def to_markdown(rows: list[dict[str, str]], header: list[str]) -> str:
    """A Markdown (GitHub) table; "|" and line breaks in values are escaped."""
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(r.get(c, "")) for c in header) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def to_xlsx(rows: list[dict[str, str]], header: list[str], path: str | Path) -> None:
    """One sheet with the rows and columns of ``to_csv``: header bold and frozen.

    Values stay text, as in the CSV (a reviewer's spreadsheet then shows what the article
    wrote); an empty value is an empty cell. Control characters, which a workbook cannot
    hold, are dropped.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "evidence"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", row.get(c, "")) or None for c in header])
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    for k, name in enumerate(header, start=1):
        longest = max([len(name)] + [len(r.get(name, "")) for r in rows])
        sheet.column_dimensions[get_column_letter(k)].width = min(max(longest, 6), 60) + 2
    book.save(path)
