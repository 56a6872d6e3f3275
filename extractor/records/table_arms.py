"""Arm records from trial tables: arms as columns, or arms as rows.

- an *arms* table (``table_roles.layout`` orientation "arms") gives one
  ``Record(level="arm")`` per arm, id "T2-A1": columns with the same arm label under
  different timepoints or subgroups are one arm. Its interventions are the drugs of its
  header ("CZP 200 mg + MTX (n = 393)"; "placebo" for a placebo column, "vehicle" for a
  vehicle one; none for "Control", "Standard care" or an arm code such as "SD48W", whose
  label stays in ``population.text``), n comes from "(n = 393)" or
  "N=47" (else from the denominator most of its "x/y" cells share), and each body row is an
  outcome: measure from the row label under its section row if any, value and statistic
  from the cell (numbers.parse_stat with the row label, section and header as the hint:
  "n (%)", "mean (SD)", "median [IQR]", "x/y (z%)").
- in an adverse-event table (caption or first header; or, in an efficacy-and-safety
  table, the rows under an AE section row) a body row is an event instead: the arm's
  ``adverse_events`` get term, count, percent and arm_n ("12 (25.5)", "3/47 (6.4)", "0").
  Rows counting discontinuations, withdrawals or dose reductions stay outcomes; generic or
  graded rows ("All", ">2 times ULN") keep their section in the term.
- an *arm_rows* table ("Placebo | 99 | −1.71 (0.12)", blocks with their own header rows)
  gives one arm record per row label across blocks, n from its "n" column.

Every filled field carries its cell as ``evidence`` (a table Provenance with row and col).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document import Cell, Table
from extractor.evidence import (
    AdverseEvent,
    DrugRef,
    Intervention,
    Mention,
    Outcome,
    Population,
    Provenance,
    Record,
)
from extractor.numbers import fold, parse_number, parse_stat, strip_marks
from extractor.records.cell_evidence import cell_at
from extractor.records.fields import canonical_timepoint, mention_name
from extractor.records.table_cells import CellIndex, interventions_of_cell, with_stat
from extractor.records.table_roles import (
    COMPARISON,
    ArmRow,
    Layout,
    arm_row_blocks,
    grid,
    is_adverse_event_table,
    names_adverse_events,
)

_NUMBER = re.compile(r"[-–]?\d+(?:\.\d+)?")  # on numbers.fold text (unicode minus folded)
_N_IN_HEADER = re.compile(r"\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)")
# What an arm header says its cells hold ("n (%)", "n/N (%)", "mean (SD)"): not the arm.
STAT_NOTE = re.compile(
    r"[,;]?\s*(?:\b(?:n|no\.)\s*(?:/\s*N\s*)?\(\s*%\s*\)|\bn\s*/\s*N\b|\bmean\s*\(\s*SD\s*\)|"
    r"\bmedian\s*[(\[]\s*(?:IQR|range)\s*[)\]])", re.I)
# A footnote letter after a row label ("Worsening SIB c"); capitals are names ("hepatitis B").
_FOOTNOTE_LETTER = re.compile(r"\s+[a-h]$")
# Rows of an AE table that count something else than patients with an event.
_NOT_AN_EVENT = re.compile(
    r"discontinu|withdr[ae]w|dose\s+(?:reduc|modif|interrupt|delay)|interrupt", re.I)
# Row labels that say "how many" rather than which event: they keep their section row.
_GENERIC_ROW = re.compile(
    r"(?:all|any|total|overall|treatment[- ]related|drug[- ]related|serious|severe|grade\s*\S+|"
    r"(?:(?:probably|possibly|definitely|likely|un|not)\s*)?related)\W*$", re.I)
_PLACEBO = re.compile(r"\b(?:placebo|pbo)\b", re.I)
_VEHICLE = re.compile(r"\bvehicle\b", re.I)
# A row label about events in general, not one event ("Any TEAE", "Patients with any
# serious adverse event", "Grade 3 or 4 AEs"): no event is called by these words.
_AGGREGATE_ROW = re.compile(
    r"^(?:any|all|total|overall|at least one|number of)\b|\b(?:t?e?aes?|saes?|adverse\s+"
    r"(?:events?|reactions?|experiences?|effects?)|side[- ]effects?)\b", re.I)
# A grade of the event in the row above: a threshold or a range of a value
# ("Hemoglobin level: <8.5 g/dL", "Platelet count: 25–49 × 10^9/L", ">2 times ULN").
_GRADE_ROW = re.compile(
    r"[<>≤≥]\s*\d|\d\s*[-–]\s*[\d.]+\s*(?:[munµ]?g\s*/|[×x]\s*10|cells|%|/|times)|"
    r"\btimes\s+uln\b|\bgrade\s*\d", re.I)  # not "(week 1–6)": a time, not a grade
# Columns of an arm-rows table that hold the arm's size, or compare arms (not its values).
N_HEADER = re.compile(r"^(?:n|no\.?|number(?: of (?:patients|participants|subjects))?)$", re.I)
TEST_HEADER = re.compile(r"^p\b|p[- ]?value|\btest\b", re.I)


# --- arms as columns -------------------------------------------------------------------------


def _arm_interventions(label: str, header_cells: list[Cell], table: Table,
                       index: CellIndex) -> list[Intervention]:
    out: list[Intervention] = []
    seen: set[str] = set()
    for cell in header_cells:
        for iv in interventions_of_cell(index.cell(table, cell), index, []):
            if iv.drug.name not in seen:
                seen.add(iv.drug.name)
                out.append(iv)
    evidence = index.evidence(table, header_cells[-1]) if header_cells else None
    placebo = _PLACEBO.search(label)
    if placebo and "placebo" not in seen:
        # "PBO + MTX": placebo is the arm's first "drug"
        out.insert(0, Intervention(drug=DrugRef(name="placebo", evidence=evidence)))
    if not out and _VEHICLE.search(label):
        # an inert product given like a drug, as placebo is; other arms without a drug in
        # their header ("Control", "Standard care", an arm code such as "SD48W") get no
        # intervention: their label stays in the record's population text
        out.append(Intervention(drug=DrugRef(name="vehicle", evidence=evidence)))
    return out


@dataclass
class BodyRow:
    """One labelled body row of an arms table: its label, the section row above it."""

    row: int
    label: str
    section: str
    grade_of: str | None = None  # the row above, when this row is a grade of it

    @property
    def measure(self) -> str:
        return f"{self.section}: {self.label}" if self.section else self.label


def labelled_rows(lay: Layout, cells: dict[tuple[int, int], Cell]) -> list[BodyRow]:
    """The body rows with a label, each with the section row it falls under."""
    table = lay.table
    out: list[BodyRow] = []
    section = ""
    for row in lay.body_rows():
        first = cells.get((row, 0))
        label = " ".join(first.text.split()) if first else ""
        values = [cells.get((row, c)) for c in range(1, table.n_cols)]
        if label and all(v is None or v is first or not v.text.strip() for v in values):
            section = label.rstrip(":")
            continue
        if not label:
            continue  # a continuation line of the row above
        above = out[-1] if out and out[-1].section == section else None
        grade_of = None
        if _GRADE_ROW.search(label) and above is not None and not _GRADE_ROW.search(above.label):
            grade_of = above.label  # "Hemoglobin <8.5 g/dL" under "Anemia"
        elif above is not None and above.grade_of is not None and _GRADE_ROW.search(label):
            grade_of = above.grade_of
        out.append(BodyRow(row, label, section, grade_of))
    return out


def arm_n_of(label: str) -> int | None:
    """The arm size a column label states ("Placebo (n = 40)" -> 40), else None."""
    m = _N_IN_HEADER.search(label)
    value = parse_number(m.group(1)) if m else None
    return int(value) if value is not None else None


def _n_cell(header_cells: list[Cell]) -> Cell | None:
    """The header cell that states the arm's n ("(n = 47)"), if one does."""
    return next((c for c in header_cells if _N_IN_HEADER.search(c.text)), None)


def _term(body: BodyRow, mentions: list[Mention]) -> str:
    """The event a row of an AE table names: the normalized name of the event mention of its
    label, else the label; a generic or graded label ("All", ">2 times ULN") keeps its section."""
    events = [m for m in mentions if m.label in ("ADVERSE_EVENT", "CONDITION")]
    label = _FOOTNOTE_LETTER.sub("", strip_marks(body.label))
    if events and " ".join(events[0].text.split()) == label:
        return mention_name(events[0])
    if body.section and (_GENERIC_ROW.match(label) or not label[:1].isalpha()):
        return f"{strip_marks(body.section)}: {label}".lower()
    return label.lower()


def _arm_event(body: BodyRow, cell: Cell, hint: str, arm_n: int | None, index: CellIndex,
               table: Table) -> AdverseEvent | None:
    """The count and percentage of one AE-table cell ("12 (25.5)", "3/47 (6.4)", "0")."""
    stat = parse_stat(cell.text, hint)
    if stat is None or stat.count is None:
        return None
    label_cell = index.cells.get((table.id, body.row, 0))
    # no patient of the arm had it: absent in this arm (``negated`` means absent)
    return AdverseEvent(
        term=_term(body, index.cell(table, label_cell)), negated=stat.count == 0,
        text=" ".join(cell.text.split()), count=stat.count, percent=stat.percent,
        arm_n=stat.total or arm_n, evidence=index.evidence(table, cell))


def _is_aggregate(body: BodyRow) -> bool:
    """Whether an AE-table row counts patients with any event of a kind ("Any TEAE",
    "Serious AEs: All", "Drug-related") rather than naming one event: an outcome."""
    label = _clean_label(body.label)
    return bool(_AGGREGATE_ROW.search(label) or _GENERIC_ROW.match(label))


def _same_event(a: AdverseEvent, b: AdverseEvent) -> bool:
    """The same event and counts again (a table listing an event under two headings)."""
    return (a.term, a.count, a.percent, a.arm_n) == (b.term, b.count, b.percent, b.arm_n)


def _cell_outcome(body: BodyRow, cell: Cell, hint: str, timepoint: str | None,
                  index: CellIndex, table: Table) -> Outcome | None:
    """One outcome cell of an arm: its statistic read with the row label and header."""
    text = " ".join(cell.text.split())
    number = _NUMBER.search(fold(text))
    if not number:
        return None
    stat = parse_stat(text, hint)
    percent_row = body.label.startswith("%") or "(%)" in body.label
    unit = "%" if "%" in text or (percent_row and stat is not None
                                  and stat.kind in ("number", "percent")) else None
    outcome = Outcome(measure=body.measure, value=float(number.group(0).replace("–", "-")),
                      unit=unit, timepoint=timepoint, text=text,
                      evidence=index.evidence(table, cell))
    return with_stat(outcome, stat)


def _shared_denominator(outcomes: list[Outcome], index: CellIndex) -> tuple[int | None,
                                                                          Cell | None]:
    """An arm's n from its "x/y" cells when most of them share the largest denominator
    (a header without "(n = 94)" over cells "86/94", "83/94", ...), with the first such cell."""
    totals = [o.total for o in outcomes if o.total is not None]
    if not totals:
        return None, None
    top = max(totals)
    if totals.count(top) * 2 < len(totals):
        return None, None
    first = next(o for o in outcomes if o.total == top)
    return top, cell_at(index.cells, first.evidence.source) if first.evidence else None


def arm_records(lay: Layout, index: CellIndex) -> list[Record]:
    table = lay.table
    cells = grid(table)
    arms: dict[str, list[int]] = {}
    for col, label in enumerate(lay.arm_labels):
        if label:
            arms.setdefault(label, []).append(col)
    baseline = bool(re.search(r"baseline|characteristic|demograph", table.caption or "", re.I))
    ae_table = is_adverse_event_table(lay)
    rows = labelled_rows(lay, cells)
    records: list[Record] = []
    for k, (label, cols) in enumerate(arms.items(), start=1):
        spanned = [cells[(r, c)] for c in cols for r in range(lay.header_rows) if (r, c) in cells]
        header_cells = list({(x.row, x.col): x for x in spanned}.values())
        arm_n = arm_n_of(label)
        outcomes: list[Outcome] = []
        events: list[AdverseEvent] = []
        for body in rows:
            # a whole AE table, or the rows under an AE section of a mixed results table
            adverse = ae_table or names_adverse_events(body.section)
            for col in cols:
                cell = cells.get((body.row, col))
                if cell is None or cell.row != body.row:
                    continue
                grade = lay.grades[col] if col < len(lay.grades) else None
                # the cells of an AE table count patients: "12 (25.5)" is n (%)
                hint = f"{'n (%) ' if adverse else ''}{body.measure} | {lay.headers[col]}"
                if adverse and body.grade_of is not None:
                    continue  # its event's row above counts these patients already
                if adverse and not _NOT_AN_EVENT.search(body.measure) \
                        and not _is_aggregate(body):
                    event = _arm_event(body, cell, hint, arm_n, index, table)
                    if event is not None and grade:
                        event.term = f"{event.term} ({grade})"  # "neutropenia (grade 3-4)"
                    if event is not None and not any(_same_event(event, e) for e in events):
                        events.append(event)
                    continue
                tp = lay.timepoints[col]
                timepoint = canonical_timepoint(tp) if tp else ("baseline" if baseline else None)
                outcome = _cell_outcome(body, cell, hint, timepoint, index, table)
                if outcome is not None and grade:
                    outcome.measure = f"{outcome.measure} ({grade})"
                if outcome is not None:
                    outcomes.append(outcome)
        n_cell = _n_cell(header_cells)
        if arm_n is None:
            arm_n, n_cell = _shared_denominator(outcomes, index)
        population = Population(n=arm_n, text=STAT_NOTE.sub("", label).strip() or label)
        if arm_n is not None and n_cell is not None:
            population.evidence["n"] = index.evidence(table, n_cell)
        records.append(Record(
            id=f"{table.id}-A{k}", level="arm",
            source=Provenance(kind="table", table=table.id, col=cols[0]),
            population=population,
            interventions=_arm_interventions(label, header_cells, table, index),
            outcomes=outcomes, adverse_events=events,
        ))
    return records


# --- arms as rows ----------------------------------------------------------------------------


def _clean_label(text: str) -> str:
    """A header or label without footnote marks and letters ("CGI-I response d")."""
    return _FOOTNOTE_LETTER.sub("", strip_marks(text))


def arm_row_records(lay: Layout, index: CellIndex) -> list[Record]:
    """One arm record per distinct row label of an ``arm_rows`` table ("Placebo" in every
    block is one arm): its n from an "n" column, each other cell an outcome (or, in an AE
    table, an event) named by the block title and the column header."""
    table = lay.table
    adverse = is_adverse_event_table(lay)
    arms: dict[str, list[ArmRow]] = {}
    for arm_row in arm_row_blocks(table, lay.header_rows, lay.headers):
        arms.setdefault(strip_marks(arm_row.label).lower(), []).append(arm_row)
    records: list[Record] = []
    for k, rows in enumerate(arms.values(), start=1):
        population = Population(text=rows[0].label)
        outcomes: list[Outcome] = []
        events: list[AdverseEvent] = []
        label_cells: list[Cell] = []
        for arm_row in rows:
            label_cell = index.cells.get((table.id, arm_row.row, 0))
            if label_cell is not None:
                label_cells.append(label_cell)
            for col in range(1, table.n_cols):
                cell = index.cells.get((table.id, arm_row.row, col))
                header = _clean_label(arm_row.headers[col]) if col < len(arm_row.headers) \
                    else ""
                if cell is None or not cell.text.strip() or not header:
                    continue
                if N_HEADER.match(header):
                    n = parse_number(strip_marks(cell.text))
                    if population.n is None and n is not None and n.is_integer():
                        population.n = int(n)
                        population.evidence["n"] = index.evidence(table, cell)
                    continue
                if COMPARISON.search(header) or TEST_HEADER.search(header):
                    continue
                column = BodyRow(arm_row.row, header, _clean_label(arm_row.block))
                hint = f"{'n (%) ' if adverse else ''}{column.measure}"
                if adverse and not _NOT_AN_EVENT.search(column.measure):
                    event = _arm_event(column, cell, hint, population.n, index, table)
                    if event is not None:
                        event.term = header.lower()
                        events.append(event)
                    continue
                outcome = _cell_outcome(column, cell, hint, None, index, table)
                if outcome is not None:
                    outcomes.append(outcome)
        if population.n is None:
            population.n, n_cell = _shared_denominator(outcomes, index)
            if population.n is not None and n_cell is not None:
                population.evidence["n"] = index.evidence(table, n_cell)
        records.append(Record(
            id=f"{table.id}-A{k}", level="arm",
            source=Provenance(kind="table", table=table.id, row=rows[0].row),
            population=population,
            interventions=_arm_interventions(rows[0].label, label_cells, table, index),
            outcomes=outcomes, adverse_events=events,
        ))
    return records
