"""The study-level evidence record of an EvidenceDocument (id "S1", level "study").

Built from the mentions, the relations and the text, never from the spaCy Doc, so it can be
rebuilt from a stored EvidenceDocument:

- design: the first study-design phrase of the body text ("retrospective observational study",
  "randomized controlled trial", "case series", ...); plural phrases ("further prospective
  studies") and back matter (references, conflicts of interest, ...) are ignored.
- population: n (the first "a total of N patients" / "a series of N patients" /
  "enrolled|evaluated|identified N patients" phrase, else the largest "N patients"; 1 for a
  case report), mean/median age, sex counts
  ("7 men and 11 women"), condition (the most frequent current CONDITION name).
- interventions: one per distinct current DRUG name (not historical, not negated), most
  mentioned first, each with the most frequent dose/frequency/route/duration linked to it.
- outcomes: OUTCOME mentions of the running text (table rows become patient/arm records
  later). The pattern rules normally parse each measure's value, change and timepoint into
  ``Mention.value`` (extractor/nlp/outcome.py); the record takes them as they are, its text
  covering measure and value. A "from 8.00 to 1.00" result becomes the change (-7.0, unit
  "change"). For mentions without parsed values (another NER source), a value-only mention
  ("87.5%") is merged into its measure ("EASI 75") in the same sentence, in order when the
  sentence says "respectively", else with the nearest measure, and timepoints ("week 16",
  "after 16 weeks") come from the nearest one in the sentence. p-values and confidence
  intervals stay mentions, they are not outcomes of their own; a measure without a value is
  listed once, and not at all when another sentence gives its value.
- adverse_events: every ADVERSE_EVENT mention that is not history, one per linked drug, kept
  once per (term, drug, negated): observed and explicitly absent events both; an event with
  no drug is left out when the same (term, negated) is attributed to a drug elsewhere.
- findings: the comparisons of arms that results sentences and results tables report
  (records/findings.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from extractor.evidence import (
    AdverseEvent,
    Dose,
    DrugRef,
    Duration,
    Evidence,
    EvidenceDocument,
    Frequency,
    Intervention,
    Mention,
    Outcome,
    Population,
    Record,
    Route,
)
from extractor.records.fields import (
    GIVEN,
    TIMEPOINT,
    TIMEPOINT_IN_SENTENCE,
    as_float,
    as_str,
    canonical_measure,
    canonical_timepoint,
    dose_of,
    duration_of,
    frequency_of,
    mention_name,
    route_of,
)
from extractor.records.findings import build_findings
from extractor.records.population import KINDS, NUM, best_n, find_counts, to_int
from extractor.records.study_text import StudyText
from extractor.records.table import table_records as build_table_records

STUDY_ID = "S1"
# Statuses of a problem mention that make it one of this study's (present or explicitly
# absent) events; None: a mention from a source that sets no status.
_OBSERVED = frozenset({"present", "absent", None})
T = TypeVar("T")
F = TypeVar("F", Dose, Frequency, Route, Duration)  # a field that carries its evidence

_AGE = re.compile(r"\b(mean|median|average)\s+age\b[^\d;\n]{0,40}?(\d+(?:\.\d+)?)", re.I)
_MALE = re.compile(
    rf"\b{NUM}\s+(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s+)?(?:were\s+)?(?:men|males?|boys)\b", re.I
)
_FEMALE = re.compile(
    rf"\b{NUM}\s+(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s+)?(?:were\s+)?(?:women|females?|girls)\b",
    re.I,
)


def _design_rct(m: re.Match[str]) -> str:
    return "randomized controlled trial" if "control" in m.group(0).lower() else "randomized trial"


def _design_timing(m: re.Match[str]) -> str:
    words = m.group(0).lower()
    parts = [m.group(1).lower()]
    if words.endswith("series"):
        return f"{parts[0]} case series"
    parts += [w for w in ("observational", "cohort") if w in words]
    return " ".join([*parts, "study"])


_DESIGNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(
        r"\brandomi[sz]ed\b(?:[\s,-]+(?:double|single|triple)[\s-]?blind(?:ed)?|"
        r"[\s,-]+placebo[\s-]controlled|[\s,-]+controlled|[\s,-]+multicent(?:er|re)|"
        r"[\s,-]+clinical|[\s,-]+phase\s+\w+)*[\s,-]+(?:trial|study)\b", re.I), _design_rct),
    (re.compile(r"\bmeta-analysis\b", re.I), lambda m: "meta-analysis"),
    (re.compile(r"\bsystematic review\b", re.I), lambda m: "systematic review"),
    (re.compile(r"\bopen[\s-]label\b(?:[\s,-]+[\w-]+){0,3}?[\s,-]+(?:trial|study|extension)\b",
                re.I), lambda m: "open-label trial"),
    (re.compile(r"\bcase[\s-]series\b", re.I), lambda m: "case series"),
    (re.compile(r"\bcase[\s-]report\b|\bwe (?:report|present|describe) (?:a|the|an) "
                r"(?:case(?![\s-]series)|patient)\b", re.I), lambda m: "case report"),
    (re.compile(r"\bcase[\s-]control (?:study|analysis)\b", re.I),
     lambda m: "case-control study"),
    (re.compile(r"\bcross[\s-]sectional (?:study|survey|analysis)\b", re.I),
     lambda m: "cross-sectional study"),
    (re.compile(
        r"\b(retrospective|prospective)\b(?:[\s,-]+(?:observational|multicent(?:er|re)|"
        r"single[\s-]cent(?:er|re)|real[\s-]world|chart|cohort|comparative|longitudinal|"
        r"descriptive|case))*[\s,-]+(?:study|review|analysis|cohort|evaluation|series)\b",
        re.I),
     _design_timing),
    (re.compile(r"\b(?:cohort|observational|real[\s-]world) study\b", re.I),
     lambda m: re.sub(r"[\s-]+", " ", m.group(0).lower()).replace("real world", "real-world")),
]

_DESIGN_HINT = re.compile(
    r"\b(?:randomi[sz]ed|meta-analysis|systematic|open[\s-]label|case|cross[\s-]sectional|"
    r"retrospective|prospective|cohort|observational|real[\s-]world|"
    r"we\s+(?:report|present|describe))\b",
    re.IGNORECASE,
)
# "further prospective studies", "previous case reports": other studies than this one
_NOT_THIS_STUDY = re.compile(
    r"\b(?:further|future|previous|prior|other|larger)\s+(?:[\w-]+\s+)?$", re.IGNORECASE
)

_STAT = re.compile(r"\s*(?:p\s*[<>=≤≥]|p-?\s?values?\b|\d+(?:\.\d+)?\s*%\s*ci\b|ci\b)", re.I)
_STAT_MEASURES = {"p", "p-value", "p value", "ci", "95% ci"}
_BARE_VALUE = re.compile(r"\s*[<>≤≥~]?\s*(-?\d+(?:\.\d+)?)\s*(%)?\s*")
_CHANGE = re.compile(
    r"[^.;\n]{0,60}?\b(?:decreased|dropped|fell|declined|reduced|improved|increased|rose|"
    r"changed|went|moved)\s+from\s+(?:a\s+(?:mean|median)\s+(?:of\s+)?)?(-?\d+(?:\.\d+)?)\s*%?"
    r"\s*(?:at baseline\s*)?(?:to|→)\s*(-?\d+(?:\.\d+)?)",
    re.IGNORECASE,
)
# A value with no measure is kept only when its sentence talks about a result.
_RESULT_CUE = re.compile(
    r"\b(?:achiev\w*|respon\w*|improv\w*|reduc\w*|remission|clear\w*|score\w*|decreas\w*|"
    r"increas\w*|chang\w*|resol\w*|regrowth|efficacy|effective\w*|success\w*)", re.I)
_MAX_PAIR_GAP = 80  # characters between a value and the measure it is merged into


# --- helpers ---------------------------------------------------------------------------------


# --- design and population -------------------------------------------------------------------


def find_design(body_text: str) -> str | None:
    """The study design named first in the body text, canonical and lower-case."""
    # every design phrase starts with one of these words: try the patterns only there
    for hint in _DESIGN_HINT.finditer(body_text):
        before = body_text[max(0, hint.start() - 30):hint.start()]
        if _NOT_THIS_STUDY.search(before):
            continue
        for pattern, canonical in _DESIGNS:
            m = pattern.match(body_text, hint.start())
            if m:
                return canonical(m)
    return None


def build_population(evidence: EvidenceDocument, body: StudyText, design: str | None) -> Population:
    """Counts by kind, n, age, sex counts and condition of the study population, each with
    the sentence that states it."""
    counts = find_counts(body.text)
    fields: dict[str, int | None] = {f"n_{kind}": None for kind in KINDS}
    proof: dict[str, Evidence] = {}
    for kind, count in counts.items():
        fields[f"n_{kind}"] = count.value
        proof[f"n_{kind}"] = body.span_evidence(count.start, count.end)
    if fields["n_cases"] is None and design == "case report":
        fields["n_cases"] = 1
    n = None
    best = best_n(counts)
    if best is not None:
        n = best[1].value
        proof["n"] = proof[f"n_{best[0]}"]
    elif fields["n_cases"] is not None:
        n = fields["n_cases"]
    age_mean = age_median = None
    for m in _AGE.finditer(body.text):
        age = float(m.group(2))
        if not 0 < age < 120:
            continue
        key = "age_median" if m.group(1).lower() == "median" else "age_mean"
        if key not in proof:
            proof[key] = body.span_evidence(m.start(), m.end())
            if key == "age_median":
                age_median = age
            else:
                age_mean = age
    sexes: dict[str, int | None] = {}
    for key, pattern in (("male", _MALE), ("female", _FEMALE)):
        found = pattern.search(body.text)
        sexes[key] = to_int(found.group(1)) if found else None
        if found:
            proof[key] = body.span_evidence(found.start(), found.end())
    conditions: Counter[str] = Counter()
    first: dict[str, Mention] = {}
    for c in evidence.mentions:
        if c.label == "CONDITION" and c.status in ("present", None) and not c.negated \
                and not c.historical and not body.excludes(c.start):
            conditions[mention_name(c)] += 1
            first.setdefault(mention_name(c), c)
    condition = conditions.most_common(1)[0][0] if conditions else None
    if condition is not None:
        proof["condition"] = body.mention_evidence(first[condition])
    return Population(
        n=n, **fields, age_mean=age_mean, age_median=age_median,
        male=sexes["male"], female=sexes["female"], condition=condition,
        text=proof["n"].text if "n" in proof else None, evidence=proof,
    )


# --- interventions ---------------------------------------------------------------------------


def _mode(items: Sequence[tuple[Hashable, T]]) -> T | None:
    """The most frequent item by key; the first seen wins a tie."""
    if not items:
        return None
    counts = Counter(k for k, _ in items)
    best = max(counts.values())
    return next(v for k, v in items if counts[k] == best)


def build_interventions(evidence: EvidenceDocument, body: StudyText) -> list[Intervention]:
    """One Intervention per distinct drug given to this study's patients, most mentioned
    first; each field with the sentence or cell that states it."""
    by_id = {m.id: m for m in evidence.mentions}
    drugs: dict[str, list[Mention]] = {}
    for m in evidence.mentions:
        if m.label == "DRUG" and m.status in GIVEN and not m.historical and not m.negated \
                and not body.excludes(m.start):
            drugs.setdefault(mention_name(m), []).append(m)
    linked: dict[str, list[Mention]] = {}
    for r in evidence.relations:
        if r.type in ("dose_of", "frequency_of", "route_of", "duration_of") and r.head in by_id:
            linked.setdefault(r.tail, []).append(by_id[r.head])
    order = sorted(drugs, key=lambda name: (-len(drugs[name]), drugs[name][0].start))
    interventions: list[Intervention] = []
    for name in order:
        mods = [h for d in drugs[name] for h in linked.get(d.id, [])
                if not body.excludes(h.start)]

        def pick(label: str, mods: list[Mention] = mods) -> list[Mention]:
            return [h for h in mods if h.label == label]

        def proven(m: Mention, field: F) -> F:
            field.evidence = body.mention_evidence(m)
            return field

        # an amount, when the text gives one, is the dose; else a dose word ("high-dose")
        dose_mentions = ([d for d in pick("DOSE") if d.value.get("value") is not None]
                         or pick("DOSE"))
        doses = [((d.value.get("value"), d.value.get("value_max"), d.value.get("unit"))
                  if d.value.get("value") is not None else (d.text.lower(),),
                  proven(d, dose_of(d))) for d in dose_mentions]
        freqs = [((f.value.get("per_day"),) if f.value else (f.text.lower(),),
                  proven(f, frequency_of(f))) for f in pick("FREQUENCY")]
        routes = [((route_of(r).name,), proven(r, route_of(r))) for r in pick("ROUTE")]
        durs = [((d.value.get("days"), d.value.get("value"), d.value.get("unit"))
                 if d.value else (d.text.lower(),), proven(d, duration_of(d)))
                for d in pick("DURATION")]
        first = drugs[name][0]
        interventions.append(Intervention(
            drug=DrugRef(name=name, mention=first.id, evidence=body.mention_evidence(first)),
            dose=_mode(doses),
            frequency=_mode(freqs),
            route=_mode(routes),
            duration=_mode(durs),
        ))
    return interventions


# --- outcomes --------------------------------------------------------------------------------


@dataclass
class _Item:
    """One OUTCOME mention, parsed: a measure, a value, or both."""

    mention: Mention
    measure: str | None
    value: float | None
    unit: str | None
    timepoint: str | None
    start: int
    end: int
    used: bool = False  # a value merged into a measure, or consumed by a change phrase


def _change(value: float, baseline: float, unit: str | None) -> tuple[float, str]:
    """A "from baseline to value" result as its change, unit "change" (or "change (%)")."""
    return round(value - baseline, 6), f"change ({unit})" if unit else "change"


def _parse_outcome(m: Mention, upstream: bool) -> _Item | None:
    """A parsed item, or None for a statistic (p-value, CI) that no measure claimed.

    ``upstream``: the pattern rules parsed the values (``measure`` keys present); otherwise
    measure, number or timepoint are read from the mention text.
    """
    v = m.value
    measure = as_str(v.get("measure"))
    value = as_float(v.get("value"))
    unit = as_str(v.get("unit"))
    timepoint = as_str(v.get("timepoint"))
    if (measure or "").lower() in _STAT_MEASURES or _STAT.match(m.text):
        return None
    if measure is None and value is None and ("p_value" in v or "ci" in v):
        return None
    start, end = m.start, m.end
    v_start, v_end = as_float(v.get("value_start")), as_float(v.get("value_end"))
    if v_start is not None and v_end is not None:
        # the text of the outcome covers its value too ("EASI 75 ... 87.5%")
        start, end = min(start, int(v_start)), max(end, int(v_end))
    baseline = as_float(v.get("baseline"))
    if value is not None and baseline is not None:
        value, unit = _change(value, baseline, unit)
    if not upstream and measure is None and value is None:
        bare = _BARE_VALUE.fullmatch(m.text)
        tp = canonical_timepoint(m.text)
        if bare:
            value, unit = float(bare.group(1)), bare.group(2) or unit
        elif tp and TIMEPOINT.fullmatch(m.text.strip()):
            timepoint = timepoint or tp
        elif timepoint is None or m.normalized.name:
            measure = canonical_measure(m.normalized.name or m.text)
    return _Item(m, measure, value, unit, timepoint, start, end)


def _merge(measure: _Item, value: _Item) -> _Item:
    value.used = True
    start, end = min(measure.start, value.start), max(measure.end, value.end)
    return _Item(measure.mention, measure.measure, value.value, value.unit or measure.unit,
                 value.timepoint or measure.timepoint, start, end)


def _sentence_outcomes(items: list[_Item], text: str, s_start: int, s_end: int) -> list[_Item]:
    sentence = text[s_start:s_end]
    timepoints = [(s_start + m.start(), canonical_timepoint(m.group(0)))
                  for m in TIMEPOINT_IN_SENTENCE.finditer(sentence)]
    timepoints += [(i.start, i.timepoint) for i in items
                   if i.measure is None and i.value is None and i.timepoint]
    results = [i for i in items if i.measure is not None or i.value is not None]
    measures = [i for i in results if i.measure is not None and i.value is None]
    values = [i for i in results if i.measure is None and i.value is not None]
    out: list[_Item] = [i for i in results if i.measure is not None and i.value is not None]
    paired: set[int] = set()
    # "pp-NRS dropped from 8.00 to 1.00": the change, and the two numbers are used up
    for mi in measures:
        ch = _CHANGE.match(text, mi.end, s_end)
        if ch:
            for vi in values:
                if mi.end <= vi.start < ch.end():
                    vi.used = True
            change, unit = _change(float(ch.group(2)), float(ch.group(1)), None)
            out.append(_Item(mi.mention, mi.measure, change, unit, mi.timepoint,
                             mi.start, ch.end()))
            paired.add(id(mi))
    free_measures = [m for m in measures if id(m) not in paired]
    free_values = [v for v in values if not v.used]
    if "respectively" in sentence.lower() and free_measures and \
            len(free_measures) == len(free_values):
        for mi, vi in zip(free_measures, free_values, strict=True):
            out.append(_merge(mi, vi))
            paired.add(id(mi))
    for vi in free_values:
        if vi.used:
            continue

        def distance(mi: _Item, vi: _Item = vi) -> int:
            return max(mi.start - vi.end, vi.start - mi.end, 0)

        near = [mi for mi in free_measures if distance(mi) <= _MAX_PAIR_GAP]
        if near:
            mi = min(near, key=distance)
            out.append(_merge(mi, vi))
            paired.add(id(mi))
        elif _RESULT_CUE.search(sentence):
            out.append(vi)
    out += [mi for mi in free_measures if id(mi) not in paired]
    for item in out:
        if item.timepoint is None and timepoints:
            pos, tp = min(timepoints, key=lambda t: abs(t[0] - item.start))
            item.timepoint = tp
    return sorted(out, key=lambda i: i.start)


def build_outcomes(evidence: EvidenceDocument, body: StudyText) -> list[Outcome]:
    """Study outcomes from the running text's OUTCOME mentions (see the module docstring)."""
    mentions = [m for m in evidence.mentions if m.label == "OUTCOME"
                and m.source.kind == "text" and not body.excludes(m.start)]
    # The pattern rules already pair values, changes and timepoints with their measure; the
    # sentence-level pairing below is for mentions that come without parsed values.
    upstream = any("measure" in m.value for m in mentions)
    by_sentence: dict[tuple[int, int], list[_Item]] = {}
    for m in mentions:
        item = _parse_outcome(m, upstream)
        if item is not None:
            by_sentence.setdefault(body.sentence(m.start), []).append(item)
    items: list[_Item] = []
    for (s_start, s_end), group in sorted(by_sentence.items()):
        if upstream:
            items += [i for i in group if i.measure is not None or i.value is not None]
        else:
            items += _sentence_outcomes(group, evidence.text, s_start, s_end)
    valued = {(i.measure or "").lower() for i in items if i.value is not None}
    # a measure named without a value is listed once, with a timepoint when one mention has it
    timed: dict[str, str] = {}
    for i in items:
        if i.value is None and i.timepoint is not None:
            timed.setdefault((i.measure or "").lower(), i.timepoint)
    outcomes: list[Outcome] = []
    seen: set[tuple[object, ...]] = set()
    for i in items:
        measure = (i.measure or "").lower()
        if i.value is None:
            if measure in valued:
                continue  # "EASI-75" assessed, when a sentence gives its value
            i.timepoint = timed.get(measure)
        key = (measure, i.value, i.unit, i.timepoint)
        if key in seen:
            continue
        seen.add(key)
        outcomes.append(Outcome(measure=i.measure, value=i.value, unit=i.unit,
                                timepoint=i.timepoint, text=evidence.text[i.start:i.end],
                                mention=i.mention.id,
                                evidence=body.span_evidence(i.start, i.end)))
    return outcomes


# --- adverse events --------------------------------------------------------------------------


def build_adverse_events(evidence: EvidenceDocument, body: StudyText) -> list[AdverseEvent]:
    """Observed and explicitly absent adverse events of this study's patients, once per
    (term, drug, negated). A drug is named only when a relation ties the event to a drug
    these patients were given; otherwise the drug stays blank."""
    by_id = {m.id: m for m in evidence.mentions}
    drugs_of: dict[str, list[str]] = {}
    for r in evidence.relations:
        tail = by_id.get(r.tail)
        if r.type == "adverse_event_of" and tail is not None and tail.status in GIVEN \
                and not tail.negated:
            drugs_of.setdefault(r.head, []).append(mention_name(tail))
    # a problem a drug treats ("X improved with Y") is no adverse event of Y; unless a
    # relation ties it to a drug as its cause, it is left out
    treated = {r.head for r in evidence.relations if r.type == "treats"}
    events: list[AdverseEvent] = []
    seen: set[tuple[str, str | None, bool]] = set()
    for m in evidence.mentions:
        if m.label != "ADVERSE_EVENT" or m.status not in _OBSERVED or m.historical \
                or body.excludes(m.start) or (m.id in treated and m.id not in drugs_of):
            continue
        term = mention_name(m)
        drugs: Iterable[str | None] = dict.fromkeys(drugs_of.get(m.id, [])) or [None]
        for drug in drugs:
            key = (term, drug, m.negated)
            if key not in seen:
                seen.add(key)
                events.append(AdverseEvent(term=term, drug=drug, negated=m.negated,
                                           text=m.text, mention=m.id,
                                           evidence=body.mention_evidence(m)))
    # an event without a drug adds nothing when the same event is attributed elsewhere
    attributed = {(e.term, e.negated) for e in events if e.drug is not None}
    return [e for e in events if e.drug is not None or (e.term, e.negated) not in attributed]


# --- records ---------------------------------------------------------------------------------


def table_records(evidence: EvidenceDocument) -> list[Record]:
    """Patient records of case tables and arm records of trial tables (records/table.py).

    Their ids go into the study record's ``summarizes``.
    """
    return build_table_records(evidence)


def build_study_record(evidence: EvidenceDocument) -> Record:
    """The study-level record (id "S1") of ``evidence``."""
    body = StudyText(evidence)
    design = find_design(body.text)
    if design is None and (evidence.metadata.article_type or "").lower() in (
        "case-report", "case report"
    ):
        design = "case report"
    interventions = build_interventions(evidence, body)
    return Record(
        id=STUDY_ID, level="study", design=design,
        population=build_population(evidence, body, design),
        interventions=interventions,
        outcomes=build_outcomes(evidence, body),
        adverse_events=build_adverse_events(evidence, body),
        findings=build_findings(evidence, body, interventions),
    )


def build_records(evidence: EvidenceDocument) -> list[Record]:
    """The study record first, then the table-row records it summarizes.

    No double counting: the study record is built from the same mentions as before (a drug
    given in 22 table rows is still one intervention of the study, an event is kept once per
    (term, drug)); its population n comes from the text, never from adding up rows. The
    per-row and per-arm details live only in the table records, which the study record names
    in ``summarizes`` instead of repeating.
    """
    rows = table_records(evidence)
    study = build_study_record(evidence)
    study.summarizes = [r.id for r in rows]
    return [study, *rows]
