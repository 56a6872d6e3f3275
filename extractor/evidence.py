"""The EvidenceDocument model: a Document plus mentions, relations and evidence records.

The contract: README.md ("The EvidenceDocument"), schemas/evidence.schema.json. Mention
offsets index ``Document.text`` like everything else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extractor.document import Document

Label = Literal[
    "DRUG", "DOSE", "FREQUENCY", "ROUTE", "DURATION", "ADVERSE_EVENT", "CONDITION", "OUTCOME"
]
LABELS: tuple[str, ...] = (
    "DRUG", "DOSE", "FREQUENCY", "ROUTE", "DURATION", "ADVERSE_EVENT", "CONDITION", "OUTCOME"
)
RelationType = Literal[
    "dose_of", "frequency_of", "route_of", "duration_of", "adverse_event_of", "outcome_of",
    "treats",
]
# Assertion status of a mention. Drugs: given to this study's patients, explicitly not given,
# planned, an eligibility (exclusion/inclusion) criterion, hypothetical or recommended,
# background (literature, other patients, general statements), history (before the study or
# case), measured (a level or assay, not an administration). Problems (ADVERSE_EVENT,
# CONDITION): present, absent, possible, history, family.
Status = Literal[
    "given", "not_given", "planned", "excluded", "hypothetical", "background", "history",
    "measured", "present", "absent", "possible", "family",
]
DRUG_STATUSES: tuple[str, ...] = (
    "given", "not_given", "planned", "excluded", "hypothetical", "background", "history",
    "measured",
)
PROBLEM_STATUSES: tuple[str, ...] = ("present", "absent", "possible", "history", "family")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Normalized(_Model):
    """A canonical lower-case name and vocabulary IDs (drugbank, mesh, hpo, icd10cm, ...)."""

    name: str | None = None
    ids: dict[str, str] = Field(default_factory=dict)
    score: float | None = Field(
        default=None, description="Similarity of a fuzzy match (1.0 or absent for exact)."
    )


class Provenance(_Model):
    """Where a mention or record comes from: running text, or a table (cell or row)."""

    kind: Literal["text", "table"] = "text"
    table: str | None = None
    row: int | None = None
    col: int | None = None


class Evidence(_Model):
    """Where a record field comes from: a character range of ``Document.text`` (the sentence
    or cell that states it) and, for a table, the cell."""

    start: int
    end: int
    text: str
    source: Provenance = Field(default_factory=Provenance)


class StatusEvidence(_Model):
    """What decided a mention's status: the rule (``trigger:neg_pre``, ``section:introduction``,
    ``default``, ...) and, for a trigger, its words and offsets in ``Document.text``."""

    rule: str
    text: str | None = None
    start: int | None = None
    end: int | None = None


class Mention(_Model):
    id: str
    label: Label
    text: str
    start: int
    end: int
    negated: bool = False
    uncertain: bool = False
    historical: bool = Field(
        default=False, description="Past or failed therapy / prior history, not current."
    )
    status: Status | None = Field(
        default=None,
        description="Assertion status (drugs: given, not_given, planned, excluded, "
        "hypothetical, background, history, measured; problems: present, absent, possible, "
        "history, family); None for other labels. ``negated`` is true exactly for "
        "not_given/absent.",
    )
    status_evidence: StatusEvidence | None = None
    section: str | None = Field(
        default=None, description="Role of the section holding the mention (Section.role)."
    )
    normalized: Normalized = Field(default_factory=Normalized)
    value: dict[str, float | bool | str | list[float] | None] = Field(
        default_factory=dict,
        description="Parsed value: DOSE {value, value_max, unit}, FREQUENCY {per_day, prn, "
        "single}, DURATION {value, value_max, unit, days}, ROUTE {route}, OUTCOME {measure, "
        "value, unit, timepoint, baseline, p_value, ci, stat}.",
    )
    source: Provenance = Field(default_factory=Provenance)
    found_by: list[str] = Field(
        default_factory=list, description="Which rules or model produced it, e.g. lexicon:drug."
    )


class Relation(_Model):
    type: RelationType
    head: str = Field(description="Mention id of the dose/route/... or adverse event/outcome.")
    tail: str = Field(description="Mention id of the drug (or intervention) it belongs to.")


class DrugRef(_Model):
    name: str
    mention: str | None = None
    evidence: Evidence | None = None


class Dose(_Model):
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    text: str
    evidence: Evidence | None = None


class Frequency(_Model):
    per_day: float | None = None
    text: str
    evidence: Evidence | None = None


class Route(_Model):
    name: str
    text: str
    evidence: Evidence | None = None


class Duration(_Model):
    value: float | None = None
    unit: str | None = None
    days: float | None = None
    text: str
    evidence: Evidence | None = None


class Intervention(_Model):
    drug: DrugRef
    dose: Dose | None = None
    frequency: Frequency | None = None
    route: Route | None = None
    duration: Duration | None = None


class Outcome(_Model):
    measure: str | None = None
    value: float | None = None
    unit: str | None = None
    timepoint: str | None = None
    text: str
    mention: str | None = None
    evidence: Evidence | None = None
    stat: str | None = Field(
        default=None, description="What the value is, as the cell states it (numbers.Stat "
        "kinds): count_percent, count_total, mean_sd, mean_se, median_iqr, median_range, "
        "mean_range, estimate_ci, interval, number, percent, range.")
    count: int | None = Field(default=None, description="Patients with the outcome (n of n (%)).")
    percent: float | None = None
    total: int | None = Field(default=None, description="Denominator of an x/y cell.")
    sd: float | None = None
    se: float | None = None
    low: float | None = Field(default=None, description="Lower end of an IQR, range or CI.")
    high: float | None = Field(default=None, description="Upper end of an IQR, range or CI.")


class AdverseEvent(_Model):
    term: str
    drug: str | None = None
    negated: bool = False
    text: str
    mention: str | None = None
    count: int | None = Field(default=None, description="Patients with the event (arm level).")
    percent: float | None = Field(default=None, description="Share of the arm, in percent.")
    arm_n: int | None = Field(default=None, description="Patients in the arm the count is of.")
    evidence: Evidence | None = None


EffectMeasure = Literal[
    "RR", "OR", "HR", "IRR", "MD", "SMD", "RD", "ARR", "RRR", "NNT", "percent_change",
    "difference", "other",
]
Direction = Literal["increased", "decreased", "no_difference"]


class Effect(_Model):
    """An effect estimate of the intervention against the comparator ("RR 0.75 (95% CI
    0.60-0.93)")."""

    measure: EffectMeasure
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = Field(default=None, description="Confidence level in percent.")
    text: str | None = Field(default=None, description="The estimate as printed.")


class ArmResult(_Model):
    """One arm's value for the outcome of a finding."""

    name: str | None = None
    n: int | None = Field(default=None, description="Patients in the arm.")
    value: float | None = Field(default=None, description="Mean, median, rate or count.")
    sd: float | None = None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    events: int | None = Field(default=None, description="Patients with the outcome.")
    percent: float | None = None
    stat: str | None = Field(
        default=None, description="What the value is, as printed (numbers.Stat kinds, as "
        "Outcome.stat): count_percent, count_total, mean_sd, median_iqr, percent, ...")
    low: float | None = Field(default=None, description="Lower end of an IQR or range.")
    high: float | None = Field(default=None, description="Upper end of an IQR or range.")
    text: str | None = Field(default=None, description="The value as printed.")


class Finding(_Model):
    """One reported comparison: how the intervention did against the comparator on an
    outcome, with the sentence or table cell that says so. Fields the article does not
    state stay blank."""

    outcome: str | None = None
    intervention: str | None = None
    comparator: str | None = None
    direction: Direction | None = Field(
        default=None, description="The outcome under the intervention relative to the "
        "comparator: increased, decreased, or no (significant) difference.")
    significant: bool | None = None
    p_value: float | None = None
    p_relation: Literal["=", "<", "<=", ">", ">="] | None = Field(
        default=None, description="How the p-value was stated (p<0.001: '<', 0.001).")
    effect: Effect | None = None
    arms: list[ArmResult] = Field(default_factory=list)
    timepoint: str | None = None
    score: float | None = Field(
        default=None, description="The classifier's confidence in the direction, 0-1.")
    found_by: str | None = Field(
        default=None, description="'sentence' (a results sentence) or 'table' (a results "
        "table row).")
    evidence: Evidence | None = None


class Population(_Model):
    n: int | None = Field(
        default=None, description="The best declared count: randomised, else enrolled, else "
        "analysed, else the number of cases; never screened alone.")
    n_randomised: int | None = None
    n_analysed: int | None = None
    n_enrolled: int | None = None
    n_screened: int | None = None
    n_cases: int | None = Field(default=None, description="Patients of a case report/series.")
    age_mean: float | None = None
    age_median: float | None = None
    male: int | None = None
    female: int | None = None
    condition: str | None = None
    text: str | None = None
    evidence: dict[str, Evidence] = Field(
        default_factory=dict, description="Per field name (n, n_randomised, age_mean, ...) "
        "the sentence or table cell that states it.")


class Record(_Model):
    id: str
    level: Literal["study", "arm", "patient"]
    source: Provenance = Field(default_factory=Provenance)
    design: str | None = None
    population: Population = Field(default_factory=Population)
    interventions: list[Intervention] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    findings: list[Finding] = Field(
        default_factory=list, description="Reported comparisons of arms on outcomes.")
    summarizes: list[str] = Field(
        default_factory=list, description="Ids of the records a study record summarizes."
    )


class EvidenceDocument(Document):
    mentions: list[Mention] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    records: list[Record] = Field(default_factory=list)


def read_evidence_jsonl(path: str | os.PathLike[str]
                        ) -> Iterator[tuple[int, EvidenceDocument | str]]:
    """Each non-blank line of a JSON Lines file (as ``extract`` and ``batch`` write them)
    with its number: the EvidenceDocument, or, for a line that is not one, the reason (the
    first line of the validation error), so that a reader reports it and goes on.
    Undecodable bytes are replaced: one bad byte costs its line, not the file."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, EvidenceDocument.model_validate_json(line)
            except ValueError as err:
                yield number, str(err).splitlines()[0]
