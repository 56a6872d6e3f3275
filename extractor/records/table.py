"""Patient and arm records from tables (issues 4 and 13).

Each table is read by ``table_roles.layout``. Then:

- a *patients* table gives one ``Record(level="patient")`` per body row, id "T1-R3" (table
  id, row number in the table). Fields come from the row's mentions (the same extraction
  pipeline as the running text; ``Mention.source`` names the cell), picked by column role:

  * interventions: the current drugs of the drug and combination-drug columns, each with the
    dose, frequency and route of its own cell ("Methotrexate 15mg/week (orally)"). A cell
    with a dose but no drug ("4 mg once daily" under "Baricitinib dose") takes the drug
    named in its header. Drugs of history columns ("Previous failed systemic therapies") and
    of reason columns ("switched to ...") are not interventions of the record.
  * duration (every intervention of the row): the duration column, "8 (ongoing)" or "0.5",
    in the unit its header names ("(months)").
  * outcomes: response phrases of efficacy columns ("Complete response"; "None" there is
    "no response"), and numbers under measure headers ("SALT score" / "Week 24").
  * adverse_events: the AE column cut into its events, "X and Y (drug), Z (drug2)" giving
    X and Y attributed to drug and Z to drug2 (an ``adverse_event_of`` relation wins over the
    parentheses); "None" gives no event. Terms take the normalized name of the mention that
    covers them, else their own words.
  * population: n = 1, sex, age, condition (the disease column), and the row's descriptive
    cells as text.

- an *arms* or *arm_rows* table (a trial's arms as columns or as rows) gives one
  ``Record(level="arm")`` per arm: see records/table_arms.py.

Every filled field carries the cell it comes from as its ``evidence``; the pieces the
builders share are in records/table_cells.py.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from extractor.document import Cell
from extractor.evidence import (
    AdverseEvent,
    Duration,
    Evidence,
    EvidenceDocument,
    Intervention,
    Mention,
    Outcome,
    Population,
    Provenance,
    Record,
)
from extractor.numbers import fold, parse_number, parse_stat
from extractor.records.fields import (
    canonical_measure,
    canonical_timepoint,
    duration_of,
    mention_name,
)
from extractor.records.table_arms import arm_records, arm_row_records
from extractor.records.table_cells import CellIndex, interventions_of_cell, with_stat
from extractor.records.table_roles import (
    Layout,
    grid,
    is_empty_value,
    layout,
    split_timepoint,
)

_DAYS_PER = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}
_UNIT_WORD = re.compile(r"\b(day|week|month|year)s?\b", re.I)
_LEADING_NUMBER = re.compile(r"^\s*[<>≤≥~]?\s*(-?\d+(?:[.,]\d+)*)")
_ATTRIBUTION = re.compile(r"\(([^()]*)\)\s*$")
_SEX = {"m": "male", "male": "male", "man": "male", "boy": "male", "men": "male",
        "f": "female", "female": "female", "woman": "female", "girl": "female",
        "women": "female"}
_NO_RESPONSE = {"none", "no", "nil", "-"}


# --- patient rows ----------------------------------------------------------------------------


def _duration_of_cell(text: str, header: str, mentions: list[Mention]) -> Duration | None:
    """"8 (ongoing)" months or "0.5", in the unit of the header unless the cell names one."""
    for m in mentions:
        if m.label == "DURATION" and m.value.get("value") is not None:
            return duration_of(m)
    if is_empty_value(text):
        return None
    value = _leading_number(text)
    if value is None:
        return None
    unit_match = _UNIT_WORD.search(text) or _UNIT_WORD.search(header)
    unit = unit_match.group(1).lower() if unit_match else None
    days = round(value * _DAYS_PER[unit], 2) if unit else None
    return Duration(value=value, unit=unit, days=days, text=text.strip())


def _efficacy_outcomes(text: str, header: str, mentions: list[Mention]) -> list[Outcome]:
    """Response phrases of an efficacy cell ("Complete response"; "None" is no response)."""
    timepoint = canonical_timepoint(header)
    found = [m for m in mentions if m.label == "OUTCOME"]
    if found:
        return [Outcome(measure=str(m.value.get("measure") or canonical_measure(m.text)),
                        value=_num(m.value.get("value")),
                        unit=str(m.value["unit"]) if m.value.get("unit") else None,
                        timepoint=timepoint, text=m.text, mention=m.id) for m in found]
    clean = " ".join(text.split())
    if not clean:
        return []
    if clean.strip(" .").lower() in _NO_RESPONSE:
        return [Outcome(measure="no response", timepoint=timepoint, text=clean)]
    return [Outcome(measure=canonical_measure(clean), timepoint=timepoint, text=clean)]


def _num(x: object) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _leading_number(text: str) -> float | None:
    """The number a cell opens with ("8 (ongoing)", "< 5", "1,234 IU"): a comma before
    three digits groups thousands, before others it is a decimal comma ("0,5", "2,75")."""
    m = _LEADING_NUMBER.match(fold(text))
    if not m:
        return None
    number = parse_number(m.group(1))
    if number is None:
        try:
            number = float(m.group(1).replace(",", "."))
        except ValueError:  # "1.2.3": no number a reader could trust
            return None
    return number


def _value_outcome(text: str, header: str) -> Outcome | None:
    """A number under a measure header: "31.2" under "EASI" / "Baseline"."""
    value = _leading_number(text)
    if value is None:
        return None
    measure, timepoint = split_timepoint(header)
    tp = canonical_timepoint(timepoint) if timepoint else None
    if tp is None and timepoint:
        tp = " ".join(timepoint.lower().split())
    unit = "%" if "%" in text or "%" in header else None
    outcome = Outcome(measure=measure, value=value, unit=unit, timepoint=tp,
                      text=" ".join(text.split()))
    return with_stat(outcome, parse_stat(text, header))


def _split_top(text: str, separators: str) -> list[tuple[int, int]]:
    """(start, end) of the parts of ``text`` between separators outside parentheses."""
    parts: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if depth == 0 and ch in separators:
            parts.append((start, i))
            start = i + 1
    parts.append((start, len(text)))
    return [(s, e) for s, e in parts if text[s:e].strip()]


def _adverse_events(cell: Cell, mentions: list[Mention], index: CellIndex) -> list[AdverseEvent]:
    """The events of an AE cell, each with the drug it is attributed to."""
    if is_empty_value(cell.text):
        return []
    events: list[AdverseEvent] = []
    text = cell.text
    for seg_start, seg_end in _split_top(text, ",;"):
        segment = text[seg_start:seg_end]
        attribution = _ATTRIBUTION.search(segment)
        drug: str | None = None
        body_end = seg_end
        if attribution:
            a_start = seg_start + attribution.start(1)
            a_end = seg_start + attribution.end(1)
            named = [m for m in mentions if m.label == "DRUG"
                     and a_start <= m.start - cell.start < a_end]
            drug = mention_name(named[0]) if named else attribution.group(1).strip().lower() or None
            body_end = seg_start + attribution.start()
        for t_start, t_end in _terms(text, seg_start, body_end, mentions, cell.start):
            term_text = " ".join(text[t_start:t_end].split()).strip(" .")
            if not term_text or is_empty_value(term_text):
                continue
            covering = [m for m in mentions if m.label in ("ADVERSE_EVENT", "CONDITION")
                        and m.start - cell.start < t_end and m.end - cell.start > t_start]
            mention = covering[0] if covering else None
            linked = index.ae_drugs.get(mention.id, []) if mention else []
            term = mention_name(mention) if mention else term_text.lower()
            for d in dict.fromkeys(mention_name(x) for x in linked) or [drug]:
                events.append(AdverseEvent(term=term, drug=d, text=term_text,
                                           mention=mention.id if mention else None))
    return events


def _terms(text: str, start: int, end: int, mentions: list[Mention],
           offset: int) -> Iterable[tuple[int, int]]:
    """The "X and Y" parts of an AE segment; an "and" inside one mention does not split it."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in re.finditer(r"\s+(?:and|&)\s+", text[start:end]):
        cut_start, cut_end = start + m.start(), start + m.end()
        inside = any(x.start - offset < cut_start and x.end - offset > cut_end
                     for x in mentions)
        if not inside:
            pieces.append((pos, cut_start))
            pos = cut_end
    pieces.append((pos, end))
    return pieces


def _patient_record(lay: Layout, row: int, cells: dict[tuple[int, int], Cell],
                    index: CellIndex, header_mentions: dict[int, list[Mention]]) -> Record | None:
    table = lay.table

    def cell_at(col: int) -> Cell | None:
        return cells.get((row, col))

    def text_at(col: int) -> str:
        cell = cell_at(col)
        return " ".join(cell.text.split()) if cell else ""

    interventions: list[Intervention] = []
    for col in lay.columns("drug", "combination_drug"):
        interventions += interventions_of_cell(index.cell(table, cell_at(col)), index,
                                                header_mentions.get(col, []))
    def evidence_at(col: int) -> Evidence | None:
        cell = cell_at(col)
        return index.evidence(table, cell) if cell is not None else None

    duration = None
    for col in lay.columns("duration"):
        if duration is None:
            duration = _duration_of_cell(text_at(col), lay.headers[col],
                                         index.cell(table, cell_at(col)))
            if duration is not None:
                duration.evidence = evidence_at(col)
    for iv in interventions:
        iv.duration = duration
    outcomes: list[Outcome] = []
    for col in lay.columns("efficacy"):
        for outcome in _efficacy_outcomes(text_at(col), lay.headers[col],
                                          index.cell(table, cell_at(col))):
            outcome.evidence = evidence_at(col)
            outcomes.append(outcome)
    for col in lay.columns("outcome_value"):
        value = _value_outcome(text_at(col), lay.headers[col])
        if value:
            value.evidence = evidence_at(col)
            outcomes.append(value)
    events: list[AdverseEvent] = []
    for col in lay.columns("adverse_event"):
        cell = cell_at(col)
        if cell is not None:
            for event in _adverse_events(cell, index.cell(table, cell), index):
                event.evidence = index.evidence(table, cell)
                events.append(event)
    if not (interventions or outcomes or events):
        return None  # a section row, a footnote row, or an empty one
    return Record(
        id=f"{table.id}-R{row}", level="patient",
        source=Provenance(kind="table", table=table.id, row=row),
        population=_population(lay, row, cells, index, text_at),
        interventions=interventions, outcomes=outcomes, adverse_events=events,
    )


def _population(lay: Layout, row: int, cells: dict[tuple[int, int], Cell], index: CellIndex,
                text_at: Callable[[int], str]) -> Population:
    sex: str | None = None
    age: float | None = None
    condition: str | None = None
    evidence: dict[str, Evidence] = {}

    def cite(name: str, col: int) -> None:
        cell = cells.get((row, col))
        if cell is not None and name not in evidence:
            evidence[name] = index.evidence(lay.table, cell)

    for col in lay.columns("sex", "age_sex"):
        for word in re.findall(r"[A-Za-z]+", text_at(col)):
            if sex is None and word.lower() in _SEX:
                sex = _SEX[word.lower()]
                cite("male", col)
                cite("female", col)
    for col in lay.columns("age", "age_sex"):
        number = _leading_number(text_at(col))
        if number is not None and age is None:
            age = number
            cite("age_mean", col)
    for col in lay.columns("condition"):
        found = [m for m in index.cell(lay.table, cells.get((row, col)))
                 if m.label == "CONDITION" and not m.negated]
        text = text_at(col)
        if condition is None and (found or (text and not is_empty_value(text))):
            # an abbreviation without a mention ("AT") stays as written
            condition = mention_name(found[0]) if found else text
            cite("condition", col)
    for col in lay.columns("case_id"):
        cite("n", col)  # one patient: the row, named by its case number
    described = [f"{lay.headers[c]}: {text_at(c)}"
                 for c in lay.columns("case_id", "sex", "age", "age_sex", "condition",
                                      "comorbidity")
                 if text_at(c)]
    return Population(n=1, age_mean=age, male=int(sex == "male") if sex else None,
                      female=int(sex == "female") if sex else None, condition=condition,
                      text="; ".join(described) or None, evidence=evidence)


def _patient_records(lay: Layout, index: CellIndex) -> list[Record]:
    table = lay.table
    cells = grid(table)
    header_mentions: dict[int, list[Mention]] = defaultdict(list)
    for (row, col), cell in cells.items():
        if row < lay.header_rows:
            header_mentions[col] += index.cell(table, cell)
    records = []
    for row in lay.body_rows():
        record = _patient_record(lay, row, cells, index, header_mentions)
        if record is not None:
            records.append(record)
    return records


def table_records(evidence: EvidenceDocument) -> list[Record]:
    """Patient records of case tables and arm records of trial tables, table by table."""
    index = CellIndex(evidence)
    records: list[Record] = []
    for table in evidence.tables:
        lay = layout(table)
        if lay.orientation == "patients":
            records += _patient_records(lay, index)
        elif lay.orientation == "arms":
            records += arm_records(lay, index)
        elif lay.orientation == "arm_rows":
            records += arm_row_records(lay, index)
    return records
