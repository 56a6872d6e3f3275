"""Patient and arm records from tables (issue 4).

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

- an *arms* table gives one ``Record(level="arm")`` per arm, id "T2-A1": columns with the
  same arm label under different timepoints are one arm. Its interventions are the drugs of
  its header ("CZP 200 mg + MTX (n = 393)"; the label itself for "Placebo"), n comes from
  "(n = 393)", and each body row is an outcome (measure from the row label, under its section
  row if any; value the first number of the cell, its text kept whole).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from extractor.document import Cell, Table
from extractor.evidence import (
    AdverseEvent,
    DrugRef,
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
from extractor.numbers import Stat, fold, parse_number, parse_stat, strip_marks
from extractor.records.study import (
    _dose,
    _duration,
    _frequency,
    _name,
    _route,
    canonical_measure,
    canonical_timepoint,
)
from extractor.records.table_roles import (
    COMPARISON,
    ArmRow,
    Layout,
    arm_row_blocks,
    grid,
    is_adverse_event_table,
    is_empty_value,
    layout,
    names_adverse_events,
    split_timepoint,
)

_DAYS_PER = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}
_UNIT_WORD = re.compile(r"\b(day|week|month|year)s?\b", re.I)
_LEADING_NUMBER = re.compile(r"^\s*[<>≤≥~]?\s*(-?\d+(?:[.,]\d+)?)")
_NUMBER = re.compile(r"[-–]?\d+(?:\.\d+)?")  # on numbers.fold text (unicode minus folded)
_N_IN_HEADER = re.compile(r"\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)")
# An arm header's count and the statistic its cells hold: not part of the arm's name.
_ARM_NOISE = re.compile(
    r"\(?\s*\b[nN]\s*=\s*[\d,]+\s*\)?|\b(?:n|no\.)\s*(?:/\s*N\s*)?\(\s*%\s*\)|"
    r"\bn\s*/\s*N\b|\bmean\s*\(\s*SD\s*\)|\bmedian\s*[(\[]\s*(?:IQR|range)\s*[)\]]|[,;:]\s*$",
    re.I)
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
_ATTRIBUTION = re.compile(r"\(([^()]*)\)\s*$")
_SEX = {"m": "male", "male": "male", "man": "male", "boy": "male", "men": "male",
        "f": "female", "female": "female", "woman": "female", "girl": "female",
        "women": "female"}
_NO_RESPONSE = {"none", "no", "nil", "-"}

Key = tuple[str, int, int]  # (table id, row, col) of a cell


class _Index:
    """The document's mentions by cell, and the relations between them."""

    def __init__(self, evidence: EvidenceDocument) -> None:
        self.by_cell: dict[Key, list[Mention]] = defaultdict(list)
        for m in evidence.mentions:
            s = m.source
            if s.kind == "table" and s.table is not None and s.row is not None \
                    and s.col is not None:
                self.by_cell[(s.table, s.row, s.col)].append(m)
        self.cells: dict[Key, Cell] = {
            (t.id, c.row, c.col): c for t in evidence.tables for c in t.cells}
        self.by_id = {m.id: m for m in evidence.mentions}
        self.modifiers: dict[str, list[Mention]] = defaultdict(list)
        self.ae_drugs: dict[str, list[Mention]] = defaultdict(list)
        for r in evidence.relations:
            head, tail = self.by_id.get(r.head), self.by_id.get(r.tail)
            if head is None or tail is None:
                continue
            if r.type == "adverse_event_of":
                self.ae_drugs[head.id].append(tail)
            elif r.type in ("dose_of", "frequency_of", "route_of"):
                self.modifiers[tail.id].append(head)

    @staticmethod
    def evidence(table: Table, cell: Cell) -> Evidence:
        """The cell as the evidence of a field."""
        return Evidence(start=cell.start, end=cell.end, text=cell.text,
                        source=Provenance(kind="table", table=table.id, row=cell.row,
                                          col=cell.col))

    def mention_evidence(self, m: Mention) -> Evidence:
        """A mention's cell (its own characters when it is not in a known cell)."""
        s = m.source
        cell = self.cells.get((s.table or "", s.row or 0, s.col or 0)) \
            if s.kind == "table" else None
        if cell is None:
            return Evidence(start=m.start, end=m.end, text=m.text, source=s)
        return Evidence(start=cell.start, end=cell.end, text=cell.text, source=s)

    def cell(self, table: Table, cell: Cell | None) -> list[Mention]:
        if cell is None:
            return []
        return sorted(self.by_cell.get((table.id, cell.row, cell.col), []),
                      key=lambda m: m.start)


# --- patient rows ----------------------------------------------------------------------------


def _interventions_of_cell(mentions: list[Mention], index: _Index,
                           header_mentions: list[Mention]) -> list[Intervention]:
    """One Intervention per current drug of a drug cell, with its cell's dose/frequency/route."""
    drugs = [m for m in mentions if m.label == "DRUG" and not m.historical and not m.negated]
    mods = [m for m in mentions if m.label in ("DOSE", "FREQUENCY", "ROUTE")]
    if not drugs:
        # "4 mg once daily" under "Baricitinib dose": the header names the drug
        header_drugs = [m for m in header_mentions if m.label == "DRUG"]
        if not mods or not header_drugs:
            return []
        drugs = header_drugs[:1]
    owned: dict[str, list[Mention]] = {d.id: [] for d in drugs}
    related = {h.id: d.id for d in drugs for h in index.modifiers.get(d.id, [])}
    for mod in mods:
        owner = related.get(mod.id)
        if owner is None:
            # no relation: the modifier belongs to the last drug before it (else the first)
            before = [d for d in drugs if d.start <= mod.start]
            owner = (before[-1] if before else drugs[0]).id
        owned[owner].append(mod)
    out: list[Intervention] = []
    for d in drugs:
        by_label = {m.label: m for m in reversed(owned[d.id])}  # the first of each label
        dose, freq, route = by_label.get("DOSE"), by_label.get("FREQUENCY"), by_label.get("ROUTE")
        iv = Intervention(
            drug=DrugRef(name=_name(d), mention=d.id, evidence=index.mention_evidence(d)),
            dose=_dose(dose) if dose else None,
            frequency=_frequency(freq) if freq else None,
            route=_route(route) if route else None,
        )
        for fld, m in ((iv.dose, dose), (iv.frequency, freq), (iv.route, route)):
            if fld is not None and m is not None:
                fld.evidence = index.mention_evidence(m)
        out.append(iv)
    return out


def _duration_of_cell(text: str, header: str, mentions: list[Mention]) -> Duration | None:
    """"8 (ongoing)" months or "0.5", in the unit of the header unless the cell names one."""
    for m in mentions:
        if m.label == "DURATION" and m.value.get("value") is not None:
            return _duration(m)
    if is_empty_value(text):
        return None
    number = _LEADING_NUMBER.match(text)
    if not number:
        return None
    value = float(number.group(1).replace(",", "."))
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


def _value_outcome(text: str, header: str) -> Outcome | None:
    """A number under a measure header: "31.2" under "EASI" / "Baseline"."""
    number = _LEADING_NUMBER.match(text)
    if not number:
        return None
    measure, timepoint = split_timepoint(header)
    tp = canonical_timepoint(timepoint) if timepoint else None
    if tp is None and timepoint:
        tp = " ".join(timepoint.lower().split())
    unit = "%" if "%" in text or "%" in header else None
    outcome = Outcome(measure=measure, value=float(number.group(1).replace(",", ".")),
                      unit=unit, timepoint=tp, text=" ".join(text.split()))
    return _with_stat(outcome, parse_stat(text, header))


def _with_stat(outcome: Outcome, stat: Stat | None) -> Outcome:
    """``outcome`` with the numbers its cell states ("12 (30.0)", "5.1 (1.2)", "6 [4-8]")."""
    if stat is None:
        return outcome
    outcome.value = stat.value
    outcome.stat = stat.kind
    outcome.count = stat.count if stat.kind in ("count_percent", "count_total") else None
    outcome.percent, outcome.total = stat.percent, stat.total
    outcome.sd, outcome.se, outcome.low, outcome.high = stat.sd, stat.se, stat.low, stat.high
    return outcome


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


def _adverse_events(cell: Cell, mentions: list[Mention], index: _Index) -> list[AdverseEvent]:
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
            drug = _name(named[0]) if named else attribution.group(1).strip().lower() or None
            body_end = seg_start + attribution.start()
        for t_start, t_end in _terms(text, seg_start, body_end, mentions, cell.start):
            term_text = " ".join(text[t_start:t_end].split()).strip(" .")
            if not term_text or is_empty_value(term_text):
                continue
            covering = [m for m in mentions if m.label in ("ADVERSE_EVENT", "CONDITION")
                        and m.start - cell.start < t_end and m.end - cell.start > t_start]
            mention = covering[0] if covering else None
            linked = index.ae_drugs.get(mention.id, []) if mention else []
            term = _name(mention) if mention else term_text.lower()
            for d in dict.fromkeys(_name(x) for x in linked) or [drug]:
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
                    index: _Index, header_mentions: dict[int, list[Mention]]) -> Record | None:
    table = lay.table

    def cell_at(col: int) -> Cell | None:
        return cells.get((row, col))

    def text_at(col: int) -> str:
        cell = cell_at(col)
        return " ".join(cell.text.split()) if cell else ""

    interventions: list[Intervention] = []
    for col in lay.columns("drug", "combination_drug"):
        interventions += _interventions_of_cell(index.cell(table, cell_at(col)), index,
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


def _population(lay: Layout, row: int, cells: dict[tuple[int, int], Cell], index: _Index,
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
        number = _LEADING_NUMBER.match(text_at(col))
        if number and age is None:
            age = float(number.group(1).replace(",", "."))
            cite("age_mean", col)
    for col in lay.columns("condition"):
        found = [m for m in index.cell(lay.table, cells.get((row, col)))
                 if m.label == "CONDITION" and not m.negated]
        text = text_at(col)
        if condition is None and (found or (text and not is_empty_value(text))):
            # an abbreviation without a mention ("AT") stays as written
            condition = _name(found[0]) if found else text
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


def _patient_records(lay: Layout, index: _Index) -> list[Record]:
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


# --- arm columns -----------------------------------------------------------------------------


def _arm_interventions(label: str, header_cells: list[Cell], table: Table,
                       index: _Index) -> list[Intervention]:
    out: list[Intervention] = []
    seen: set[str] = set()
    for cell in header_cells:
        for iv in _interventions_of_cell(index.cell(table, cell), index, []):
            if iv.drug.name not in seen:
                seen.add(iv.drug.name)
                out.append(iv)
    evidence = index.evidence(table, header_cells[-1]) if header_cells else None
    placebo = _PLACEBO.search(label)
    if placebo and "placebo" not in seen:
        # "PBO + MTX": placebo is the arm's first "drug"
        out.insert(0, Intervention(drug=DrugRef(name="placebo", evidence=evidence)))
    if not out:
        # no drug found in the header: its words name the arm ("Vehicle", "Standard care"),
        # a combination one name per part ("BTH1677/Bevacizumab")
        name = " ".join(_ARM_NOISE.sub(" ", label).split()).strip(" ,;:").lower()
        for part in dict.fromkeys(p.strip(" ,;:") for p in re.split(r"\s*[/+]\s*", name)):
            if part:
                out.append(Intervention(drug=DrugRef(name=part, evidence=evidence)))
    return out


@dataclass
class _BodyRow:
    """One labelled body row of an arms table: its label, the section row above it."""

    row: int
    label: str
    section: str

    @property
    def measure(self) -> str:
        return f"{self.section}: {self.label}" if self.section else self.label


def _labelled_rows(lay: Layout, cells: dict[tuple[int, int], Cell]) -> list[_BodyRow]:
    """The body rows with a label, each with the section row it falls under."""
    table = lay.table
    out: list[_BodyRow] = []
    section = ""
    for row in lay.body_rows():
        first = cells.get((row, 0))
        label = " ".join(first.text.split()) if first else ""
        values = [cells.get((row, c)) for c in range(1, table.n_cols)]
        if label and all(v is None or v is first or not v.text.strip() for v in values):
            section = label.rstrip(":")
            continue
        if label:  # (no label: a continuation line of the row above)
            out.append(_BodyRow(row, label, section))
    return out


def _arm_n(label: str) -> int | None:
    m = _N_IN_HEADER.search(label)
    value = parse_number(m.group(1)) if m else None
    return int(value) if value is not None else None


def _n_cell(header_cells: list[Cell]) -> Cell | None:
    """The header cell that states the arm's n ("(n = 47)"), if one does."""
    return next((c for c in header_cells if _N_IN_HEADER.search(c.text)), None)


def _term(body: _BodyRow, mentions: list[Mention]) -> str:
    """The event a row of an AE table names: the normalized name of the event mention of its
    label, else the label; a generic or graded label ("All", ">2 times ULN") keeps its section."""
    events = [m for m in mentions if m.label in ("ADVERSE_EVENT", "CONDITION")]
    label = _FOOTNOTE_LETTER.sub("", strip_marks(body.label))
    if events and " ".join(events[0].text.split()) == label:
        return _name(events[0])
    if body.section and (_GENERIC_ROW.match(label) or not label[:1].isalpha()):
        return f"{strip_marks(body.section)}: {label}".lower()
    return label.lower()


def _arm_event(body: _BodyRow, cell: Cell, hint: str, arm_n: int | None, index: _Index,
               table: Table) -> AdverseEvent | None:
    """The count and percentage of one AE-table cell ("12 (25.5)", "3/47 (6.4)", "0")."""
    stat = parse_stat(cell.text, hint)
    if stat is None or stat.count is None:
        return None
    label_cell = index.cells.get((table.id, body.row, 0))
    return AdverseEvent(
        term=_term(body, index.cell(table, label_cell)), negated=False,
        text=" ".join(cell.text.split()), count=stat.count, percent=stat.percent,
        arm_n=stat.total or arm_n, evidence=index.evidence(table, cell))


def _same_event(a: AdverseEvent, b: AdverseEvent) -> bool:
    """The same event and counts again (a table listing an event under two headings)."""
    return (a.term, a.count, a.percent, a.arm_n) == (b.term, b.count, b.percent, b.arm_n)


def _cell_outcome(body: _BodyRow, cell: Cell, hint: str, timepoint: str | None,
                  index: _Index, table: Table) -> Outcome | None:
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
    return _with_stat(outcome, stat)


def _shared_denominator(outcomes: list[Outcome], index: _Index) -> tuple[int | None,
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
    src = first.evidence.source if first.evidence else None
    cell = index.cells.get((src.table or "", src.row or 0, src.col or 0)) if src else None
    return top, cell


def _arm_records(lay: Layout, index: _Index) -> list[Record]:
    table = lay.table
    cells = grid(table)
    arms: dict[str, list[int]] = {}
    for col, label in enumerate(lay.arm_labels):
        if label:
            arms.setdefault(label, []).append(col)
    baseline = bool(re.search(r"baseline|characteristic|demograph", table.caption or "", re.I))
    ae_table = is_adverse_event_table(lay)
    rows = _labelled_rows(lay, cells)
    records: list[Record] = []
    for k, (label, cols) in enumerate(arms.items(), start=1):
        spanned = [cells[(r, c)] for c in cols for r in range(lay.header_rows) if (r, c) in cells]
        header_cells = list({(x.row, x.col): x for x in spanned}.values())
        arm_n = _arm_n(label)
        outcomes: list[Outcome] = []
        events: list[AdverseEvent] = []
        for body in rows:
            # a whole AE table, or the rows under an AE section of a mixed results table
            adverse = ae_table or names_adverse_events(body.section)
            for col in cols:
                cell = cells.get((body.row, col))
                if cell is None or cell.row != body.row:
                    continue
                # the cells of an AE table count patients: "12 (25.5)" is n (%)
                hint = f"{'n (%) ' if adverse else ''}{body.measure} | {lay.headers[col]}"
                if adverse and not _NOT_AN_EVENT.search(body.measure):
                    event = _arm_event(body, cell, hint, arm_n, index, table)
                    if event is not None and not any(_same_event(event, e) for e in events):
                        events.append(event)
                    continue
                tp = lay.timepoints[col]
                timepoint = canonical_timepoint(tp) if tp else ("baseline" if baseline else None)
                outcome = _cell_outcome(body, cell, hint, timepoint, index, table)
                if outcome is not None:
                    outcomes.append(outcome)
        n_cell = _n_cell(header_cells)
        if arm_n is None:
            arm_n, n_cell = _shared_denominator(outcomes, index)
        population = Population(n=arm_n, text=label)
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


# Columns of an arm-rows table that hold the arm's size, or compare arms (not its values).
_N_HEADER = re.compile(r"^(?:n|no\.?|number(?: of (?:patients|participants|subjects))?)$", re.I)
_TEST_HEADER = re.compile(r"^p\b|p[- ]?value|\btest\b", re.I)


def _clean_label(text: str) -> str:
    """A header or label without footnote marks and letters ("CGI-I response d")."""
    return _FOOTNOTE_LETTER.sub("", strip_marks(text))


def _arm_row_records(lay: Layout, index: _Index) -> list[Record]:
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
                if _N_HEADER.match(header):
                    n = parse_number(strip_marks(cell.text))
                    if population.n is None and n is not None and n.is_integer():
                        population.n = int(n)
                        population.evidence["n"] = index.evidence(table, cell)
                    continue
                if COMPARISON.search(header) or _TEST_HEADER.search(header):
                    continue
                column = _BodyRow(arm_row.row, header, _clean_label(arm_row.block))
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


def table_records(evidence: EvidenceDocument) -> list[Record]:
    """Patient records of case tables and arm records of trial tables, table by table."""
    index = _Index(evidence)
    records: list[Record] = []
    for table in evidence.tables:
        lay = layout(table)
        if lay.orientation == "patients":
            records += _patient_records(lay, index)
        elif lay.orientation == "arms":
            records += _arm_records(lay, index)
        elif lay.orientation == "arm_rows":
            records += _arm_row_records(lay, index)
    return records
