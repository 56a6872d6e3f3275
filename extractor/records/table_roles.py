"""What a table's columns mean, and which way round the table is.

``layout(table)`` reads the header rows (several rows and spanning cells are joined per
column, top to bottom: "SALT score" over "Week 24" gives "SALT score Week 24") and gives each
column a role from its header text, falling back on the cells' content when the header is
missing or too short to say ("M"/"F" cells are sex, small integers next to them age, ...).

Orientation:

- ``patients``: one body row per patient (or per treatment episode), as in case series; the
  roles say which cell holds the drug, the dose, the adverse events, ...
- ``arms``: trial tables whose column headers are arms ("Placebo (n = 40)", "Etoricoxib
  90 mg") and whose rows are outcomes or baseline characteristics; columns that compare arms
  ("A vs B") are not arms.
- ``arm_rows``: the same turned round: one body row per arm ("Placebo", "Fluoxetine"),
  columns of measures, often in blocks that each open with a row of their own headers
  ("CGI-I | n | Much improved (%)"); see :func:`arm_row_blocks`.
- ``other``: none of these (a table of study characteristics, a list of references, ...).

Pure functions of the Document's table: the CLI uses them again to show which cell a value of
a stored record came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from extractor.document import Cell, Table
from extractor.numbers import parse_stat

Role = Literal[
    "case_id", "sex", "age", "age_sex", "comorbidity", "condition", "history", "drug",
    "combination_drug", "duration", "efficacy", "prior_efficacy", "reason", "adverse_event",
    "outcome_value", "other",
]
Orientation = Literal["patients", "arms", "arm_rows", "other"]

# First matching rule wins: the order matters ("Combination therapy duration" is a duration,
# "Previous failed systemic therapies" is history, "Reason for combination therapy" a reason).
_HEADER_RULES: list[tuple[Role, re.Pattern[str]]] = [
    ("adverse_event", re.compile(
        r"adverse|side[- ]?effects?|toxicit|\baes?\b|safety|complications?|tolerab", re.I)),
    ("history", re.compile(r"previous|prior|failed|\bhistory\b|\bpast\b|earlier", re.I)),
    ("reason", re.compile(r"\breason|\bcause|\bwhy\b|discontinu|switch|stopp|following treat",
                          re.I)),
    ("duration", re.compile(r"duration|\blength\b|follow[- ]?up|time on|\b(?:months|weeks)\b",
                            re.I)),
    ("prior_efficacy", re.compile(
        r"monotherapy\s+(?:efficacy|response)|(?:efficacy|response)\s+(?:to|of|on)\s+"
        r"monotherapy|before (?:combination|add)", re.I)),
    ("efficacy", re.compile(r"efficacy|response|outcome|improvement|result|effective", re.I)),
    ("age_sex", re.compile(r"\bage\b.*\b(?:sex|gender)\b|\b(?:sex|gender)\b.*\bage\b", re.I)),
    ("sex", re.compile(r"^\s*(?:sex|gender)\b", re.I)),
    ("age", re.compile(r"^\s*age\b|\bage\s*\(", re.I)),
    ("case_id", re.compile(
        r"^\s*(?:case|patient|pt|subject|no\.?|#|id|n[ºo°])\s*(?:no\.?|#|id|number)?\s*$",
        re.I)),
    ("comorbidity", re.compile(r"comorbid|concomitant (?:disease|condition)|medical history",
                               re.I)),
    ("condition", re.compile(r"disease|diagnos|indication|condition|\btype of\b|disorder",
                             re.I)),
    ("combination_drug", re.compile(
        r"combination|concomitant|add[- ]?on|added|\bplus\b|immunomodulat|co-?medication",
        re.I)),
    ("drug", re.compile(
        r"\bdrugs?\b|\bdoses?\b|dosage|therap(?:y|ies)|treatments?|regimen|medications?|"
        r"inhibitors?|\bagents?\b", re.I)),
]

_SEX_VALUE = re.compile(r"^\s*(?:m|f|male|female|man|woman|men|women|boy|girl)\s*$", re.I)
_AGE_SEX_VALUE = re.compile(r"^\s*\d{1,3}\s*(?:y(?:ears?|rs?)?)?\s*[/,]\s*[mf]\b", re.I)
_INT_VALUE = re.compile(r"^\s*\d{1,3}\s*$")
_NUMERIC = re.compile(
    r"^\s*[-−–]?\d+(?:[.,]\d+)?\s*%?\s*(?:[±(\[].*)?[*†‡§¶a-z]{0,2}\s*$", re.I)
_DOSE_VALUE = re.compile(r"\d\s*(?:mg|g|mcg|µg|μg|iu|units?|ml)\b", re.I)
_RESPONSE_VALUE = re.compile(r"response|remission|respon|improv|clear|easi|salt|pasi", re.I)
_ARM_CUE = re.compile(
    r"\(?\b[nN]\s*=\s*\d+|placebo|\bcontrol\b|\bvehicle\b|\bgroup\b|\barm\b|\bsham\b|"
    r"\b(?:standard|usual|best supportive)\s+(?:of\s+)?care\b|"
    r"\d\s*(?:mg|mcg|µg|g)\b|\bn\s*/\s*N\b|\bn\s*\(\s*%\s*\)", re.I)
# The caption, header or a section row of a table of adverse events.
_AE_TABLE = re.compile(
    r"adverse|side[- ]effects?|\bteaes?\b|\bs?aes?\b|toxicit|tolerab|undesirable effects?|"
    r"\bsafety\b(?!\s+(?:population|set|analysis))", re.I)
BASELINE_CAPTION = re.compile(r"baseline|characteristic|demograph", re.I)
_EFFICACY_CAPTION = re.compile(r"efficacy|effectiveness|\bresponses?\b|endpoints?", re.I)
# Columns that compare arms, or pool them, are not arms of their own.
COMPARISON = re.compile(
    r"\bvs\.?\b|\bversus\b|\bdifference\b|\bratio\b|p[- ]?value|\btotal\b|overall|"
    r"(?-i:\b(?:RD|RR|OR|HR|CI)\b)|\bodds\b|\bhazard\b|\brisk\s+(?:difference|reduction)|"
    r"\ball (?:subjects|patients|participants)\b", re.I)
# The AE grade a column counts: "Grade 3 or Grade 4 AEs", "Grade ≥3", "All AEs", "Any grade".
_GRADE_HEAD = re.compile(
    r"\b(?:all\s+(?:grades?|aes?|adverse\s+events?|events?)|any\s+grade)\b|"
    r"\b(?P<grade>grades?\s*(?:≥\s*)?[1-5](?:\s*(?:-|–|or|and|/|,)\s*(?:grade\s*)?[1-5])*)"
    r"(?:\s+(?:aes?|adverse\s+events?|events?))?\b", re.I)
_TIMEPOINT_HEAD = re.compile(
    r"\b(?:week|wk|month|day|year)s?\s*\d+|\d+\s*(?:weeks?|months?|days?)\b|baseline|"
    r"\bend of\b|final", re.I)
EMPTY_VALUES = frozenset({"", "-", "–", "—", "na", "n/a", "nr", "n.a.", "none", "no", "nil",
                          "not reported", "not applicable", "/"})
_PATIENT_ROLES = frozenset({"case_id", "sex", "age", "age_sex", "history", "drug",
                            "combination_drug", "adverse_event"})


@dataclass
class Layout:
    """The reading of one table: header text and role per column, body rows, orientation."""

    table: Table
    orientation: Orientation
    header_rows: int
    headers: list[str]
    roles: list[Role]
    # for arm tables: the column's arm label (header without its timepoint and grade), its
    # timepoint, and the AE grade its counts are of ("Grade 3 or 4"; None for all grades)
    arm_labels: list[str | None] = field(default_factory=list)
    timepoints: list[str | None] = field(default_factory=list)
    grades: list[str | None] = field(default_factory=list)

    def columns(self, *roles: Role) -> list[int]:
        """Columns whose role is one of ``roles``, left to right."""
        return [c for c, r in enumerate(self.roles) if r in roles]

    def body_rows(self) -> list[int]:
        """Row numbers below the header that hold at least one non-empty cell."""
        filled = {c.row for c in self.table.cells if c.row >= self.header_rows and c.text.strip()}
        return sorted(filled)


def grid(table: Table) -> dict[tuple[int, int], Cell]:
    """(row, col) -> the cell that covers that position (spanning cells cover several)."""
    out: dict[tuple[int, int], Cell] = {}
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                out.setdefault((r, c), cell)
    return out


def is_empty_value(text: str) -> bool:
    """Whether a cell says nothing ("", "-", "None", "NA", ...)."""
    return " ".join(text.split()).strip(" .").lower() in EMPTY_VALUES


def _header_count(table: Table) -> int:
    """The table's header rows; when the parser found none, the first row if it reads as one.

    A row right under the header with an empty first cell and no digits ("", "n (%)",
    "n (%)") belongs to the header: it says what the columns' cells hold.
    """
    if table.header_rows:
        count = table.header_rows
        while count < table.n_rows - 1 and _is_header_like(table, count):
            count += 1
        return count
    if table.n_rows < 2:
        return 0
    first = [c.text for c in table.cells if c.row == 0 and c.text.strip()]
    numeric = sum(bool(_NUMERIC.match(t)) for t in first)
    return 1 if first and numeric * 2 < len(first) else 0


def _is_header_like(table: Table, row: int) -> bool:
    cells = [c for c in table.cells if c.row == row]
    first = [c for c in cells if c.col == 0]
    rest = [c.text for c in cells if c.col > 0 and c.text.strip()]
    return bool(rest) and not (first and first[0].text.strip()) and \
        not any(re.search(r"\d", t) for t in rest)


def column_headers(table: Table, header_rows: int) -> list[str]:
    """Header text per column: the header cells over it, top to bottom, without repeats."""
    cells = grid(table)
    headers: list[str] = []
    for col in range(table.n_cols):
        parts: list[str] = []
        for row in range(header_rows):
            cell = cells.get((row, col))
            text = " ".join(cell.text.split()) if cell else ""
            if text and text not in parts:
                parts.append(text)
        headers.append(" ".join(parts))
    return headers


def header_role(header: str) -> Role | None:
    """The role a header text names, or None when it says nothing recognisable."""
    for role, pattern in _HEADER_RULES:
        if pattern.search(header):
            return role
    return None


def _share(values: Sequence[str], pattern: re.Pattern[str]) -> float:
    filled = [v for v in values if not is_empty_value(v)]
    return sum(bool(pattern.search(v)) for v in filled) / len(filled) if filled else 0.0


def content_role(values: Sequence[str]) -> Role | None:
    """A role from a column's body cells, for a header that is missing or uninformative."""
    filled = [v for v in values if not is_empty_value(v)]
    if not filled:
        return None
    if _share(filled, _SEX_VALUE) >= 0.8:
        return "sex"
    if _share(filled, _AGE_SEX_VALUE) >= 0.8:
        return "age_sex"
    if _share(filled, _DOSE_VALUE) >= 0.6:
        return "drug"
    if _share(filled, _RESPONSE_VALUE) >= 0.6:
        return "efficacy"
    return None


def _column_values(table: Table, header_rows: int) -> list[list[str]]:
    values: list[list[str]] = [[] for _ in range(table.n_cols)]
    for cell in table.cells:
        if cell.row >= header_rows and cell.colspan == 1:
            values[cell.col].append(cell.text)
    return values


def _patient_roles(headers: list[str], values: list[list[str]]) -> list[Role]:
    roles: list[Role] = []
    for col, (header, vals) in enumerate(zip(headers, values, strict=True)):
        role = header_role(header) if len(header.strip()) > 2 or header.strip() in ("#",) \
            else None
        if role is None and col == 0 and (not header.strip() or _share(vals, _INT_VALUE) > 0.8):
            role = "case_id"
        role = role or content_role(vals)
        if role is None and _share(vals, _INT_VALUE) >= 0.8 and "age" not in roles \
                and "sex" in roles:
            role = "age"  # bare ages just after a sex column
        if role is None and header.strip() and _share(vals, _NUMERIC) >= 0.8:
            role = "outcome_value"  # "SALT score Week 24", "EASI Baseline"
        roles.append(role or "other")
    # Only the first drug column is "the" drug; later ones are what was combined with it.
    seen_drug = False
    for col, role in enumerate(roles):
        if role == "drug":
            if seen_drug:
                roles[col] = "combination_drug"
            seen_drug = True
    return roles


def _own_headers(table: Table, header_rows: int) -> list[str]:
    """Per column, the text of the header cells over that column alone: "Total (n = 130)"
    under a spanning "Children" is a pooled column, "Placebo" under "Overall" is an arm."""
    own = [""] * table.n_cols
    for cell in table.cells:
        if cell.row < header_rows and cell.colspan == 1 and cell.col < table.n_cols:
            own[cell.col] = " ".join((own[cell.col] + " " + cell.text).split())
    return own


def is_adverse_event_table(lay: Layout) -> bool:
    """Whether an arms table as a whole counts adverse events: its caption or the header of
    its first column says so (a baseline table does not, whatever its population is, and
    an efficacy-and-safety table holds events only under its AE section rows)."""
    caption = lay.table.caption or ""
    if BASELINE_CAPTION.search(caption) or _EFFICACY_CAPTION.search(caption):
        return False  # an "efficacy and safety" table: its AE section rows say which
    return bool(_AE_TABLE.search(caption) or _AE_TABLE.search(lay.headers[0]))


def names_adverse_events(text: str) -> bool:
    """Whether a section row's label ("Adverse events", "Serious AEs") heads event rows."""
    return bool(_AE_TABLE.search(text))


def split_grade(header: str) -> tuple[str, str | None]:
    """("Drug (N = 59)", "grade 3 or 4") from "Drug (N = 59) Grade 3 or 4 AEs"; a column of
    all grades ("All AEs", "Any grade") gives the label and None."""
    m = _GRADE_HEAD.search(header)
    if not m:
        return header, None
    rest = " ".join((header[:m.start()] + " " + header[m.end():]).split()).strip(" ,;:-")
    if not rest:
        return header, None
    grade = " ".join(m.group("grade").lower().split()) if m.group("grade") else None
    return rest, grade


def split_timepoint(header: str) -> tuple[str, str | None]:
    """("Placebo (n = 40)", "Week 12") from "Week 12 Placebo (n = 40)"."""
    m = _TIMEPOINT_HEAD.search(header)
    if not m:
        return header, None
    rest = (header[:m.start()] + " " + header[m.end():]).strip(" ,;:-")
    return " ".join(rest.split()) or header, m.group(0)


def _arm_layout(table: Table, header_rows: int, headers: list[str]) -> Layout | None:
    """The arms reading of a table, or None when its columns are not arms."""
    if header_rows == 0 or table.n_cols < 2:
        return None
    labels: list[str | None] = [None]
    timepoints: list[str | None] = [None]
    grades: list[str | None] = [None]
    n_arms = 0
    values = _column_values(table, header_rows)
    own = _own_headers(table, header_rows)
    for col in range(1, table.n_cols):
        header = headers[col]
        label, timepoint = split_timepoint(header)
        label, grade = split_grade(label)
        filled = [v for v in values[col] if not is_empty_value(v)]
        numeric = _share(filled, re.compile(r"\d")) >= 0.6 if filled else False
        is_arm = bool(header) and not COMPARISON.search(own[col] or header) and numeric and \
            header_role(label) not in ("adverse_event", "history") and \
            (bool(_ARM_CUE.search(label)) or len(label.split()) <= 4)
        labels.append(label if is_arm else None)
        timepoints.append(timepoint if is_arm else None)
        grades.append(grade if is_arm else None)
        n_arms += is_arm
    cued = sum(bool(lbl and _ARM_CUE.search(lbl)) for lbl in labels)
    first_col = [v for v in values[0] if not is_empty_value(v)]
    labelled_rows = _share(first_col, re.compile(r"[A-Za-z]{2}")) >= 0.8
    if n_arms >= 2 and cued >= 1 and labelled_rows:
        roles: list[Role] = ["other"]
        roles += ["outcome_value" if lbl else "other" for lbl in labels[1:]]
        return Layout(table, "arms", header_rows, headers, roles, labels, timepoints, grades)
    return None


# Row labels that name a trial arm (a drug name alone does not: a table of a case's drugs
# is not a trial table).
_ARM_ROW_CUE = re.compile(
    r"placebo|\bcontrol\b|\bvehicle\b|\bsham\b|\b(?:standard|usual|best supportive)\s+"
    r"(?:of\s+)?care\b|\bgroup\b|\barm\b|\([nN]\s*=\s*\d+\)", re.I)


@dataclass
class ArmRow:
    """One body row of an ``arm_rows`` table: its arm label and the headers it sits under
    (those of the header rows, or of the block header row above it)."""

    row: int
    label: str
    block: str  # the block's title (first cell of its header row), "" when none
    headers: list[str]


def _stat_cell(text: str) -> bool:
    return parse_stat(text) is not None or bool(re.fullmatch(r"\s*\d+\s*/\s*\d+.*", text))


def arm_row_blocks(table: Table, header_rows: int, headers: list[str]) -> list[ArmRow]:
    """The arm rows of a table read as ``arm_rows``, each with its headers: a body row
    whose cells after the first hold no statistic is the header row of the block below."""
    cells = grid(table)
    block, current = headers[0] if headers else "", list(headers)
    out: list[ArmRow] = []
    for row in sorted({c.row for c in table.cells if c.row >= header_rows and c.text.strip()}):
        texts = [" ".join(cells[(row, c)].text.split()) if (row, c) in cells else ""
                 for c in range(table.n_cols)]
        if not texts[0] or not any(texts[1:]):
            continue  # a continuation line, or a section row ("Control group:")
        if not any(_stat_cell(t) for t in texts[1:]):
            block, current = texts[0], texts
            continue
        out.append(ArmRow(row, texts[0], block, current))
    return out


def _arm_row_layout(table: Table, header_rows: int, headers: list[str],
                    roles: list[Role]) -> Layout | None:
    """The ``arm_rows`` reading of a table, or None when its rows are not arms."""
    if header_rows == 0 or table.n_cols < 2:
        return None
    if any(_ARM_CUE.search(h) and not COMPARISON.search(h) for h in headers[1:]):
        return None  # arms are the columns (a column comparing arms names them too)
    rows = arm_row_blocks(table, header_rows, headers)
    labels = [r.label for r in rows]
    if len(rows) < 2 or not any(_ARM_ROW_CUE.search(lbl) for lbl in labels):
        return None
    if any(len(lbl.split()) > 6 for lbl in labels):
        return None
    return Layout(table, "arm_rows", header_rows, headers, roles)


def layout(table: Table) -> Layout:
    """Roles, header text and orientation of ``table``."""
    header_rows = _header_count(table)
    headers = column_headers(table, header_rows)
    values = _column_values(table, header_rows)
    roles = _patient_roles(headers, values)
    body = {c.row for c in table.cells if c.row >= header_rows and c.text.strip()}
    patient_roles = {r for r in roles if r in _PATIENT_ROLES}
    named = {r for r in patient_roles if r in ("case_id", "sex", "age", "age_sex")}
    treated = {r for r in patient_roles if r in ("drug", "combination_drug")}
    if len(body) >= 1 and len(patient_roles) >= 3 and (named or treated):
        return Layout(table, "patients", header_rows, headers, roles)
    arms = _arm_layout(table, header_rows, headers)
    if arms is not None:
        return arms
    return _arm_row_layout(table, header_rows, headers, roles) or \
        Layout(table, "other", header_rows, headers, roles)
