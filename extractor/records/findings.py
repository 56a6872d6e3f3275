"""The findings of a study record: which arm did better on which outcome, and where it says so.

Two sources, both about this study's own patients:

- **Results sentences** (the results section and the results part of the abstract; never the
  introduction, discussion or another study) that compare arms: "in the X group than in the
  placebo group", "X versus Y", "compared with Y", "between X and Y", an effect estimate, two
  arms with their values or a p-value, or groups it does not name with a p-value or words on
  significance ("did not differ between the two groups (p = 0.41)"). The finding takes the
  outcome the sentence is about (its subject, "the difference in ...", the object of "X
  reduced ...", else an outcome or event mention; blank when none), the arms it names
  (intervention first; placebo, vehicle, sham, control or usual care is the comparator), the
  first p-value and effect estimate (findings/effects.py), the arms' values ("12.3% vs
  20.1%", "23/100 (23%) and 40/98 (41%)", "from 8 to 1", "3.4 vs 5.1"), the timepoint, and
  the sentence as evidence.
- **Results tables** with arms as columns (records/table_roles.py): one finding per outcome
  row (per timepoint when the columns have several), its arms' cells parsed as the arm
  records read them, the p-value column and an effect column ("HR (95% CI)",
  "Difference"); the row is the evidence, with table provenance. A table with arms as rows
  gives one finding per measure column of each block, the block's rows its evidence.

Direction comes from the numbers when they say: an effect estimate against its null, or the
two arms' values, each with the significance its p-value or interval gives (not significant:
no_difference). Otherwise the sentence classifier (findings/classify.py) decides from the
sentence's words, with the finding's outcome, intervention and comparator; ``score`` is its
probability (blank where the numbers decided). A table row the numbers leave open keeps a
blank direction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.document import Cell, Table
from extractor.evidence import (
    ArmResult,
    Direction,
    Effect,
    Evidence,
    EvidenceDocument,
    Finding,
    Intervention,
    Mention,
    Provenance,
)
from extractor.findings.effects import (
    RATIOS,
    EffectMatch,
    PValue,
    Relation,
    crosses_null,
    find_alpha,
    find_effects,
    find_p_values,
    significance,
)
from extractor.numbers import NUMBER, Stat, fold, parse_stat
from extractor.records.fields import (
    GIVEN,
    TIMEPOINT_IN_SENTENCE,
    canonical_timepoint,
    mention_name,
)
from extractor.records.study_text import StudyText
from extractor.records.table_arms import (
    N_HEADER,
    STAT_NOTE,
    TEST_HEADER,
    arm_n_of,
    labelled_rows,
)
from extractor.records.table_roles import (
    BASELINE_CAPTION,
    COMPARISON,
    ArmRow,
    Layout,
    arm_row_blocks,
    grid,
    is_adverse_event_table,
    layout,
    names_adverse_events,
)
from extractor.roles import classify_heading

# --- where results are -----------------------------------------------------------------------
# A flat abstract's results part: from its "Results:" label to "Conclusions:" (or its end).
_ABSTRACT_RESULTS = re.compile(r"\b(?:RESULTS?|Results?|FINDINGS|Findings)\s*[:.]\s*")
_ABSTRACT_AFTER = re.compile(
    r"\b(?:CONCLUSIONS?|Conclusions?|INTERPRETATION|Interpretation|DISCUSSION|Discussion"
    r"|TRIAL REGISTRATION|Trial registration)\s*[:.]")
# Roles that show a document's structure is known: without any, all its text may be results.
_STRUCTURED = frozenset({"abstract", "introduction", "methods", "eligibility", "case",
                         "results", "discussion", "conclusion"})


def results_spans(evidence: EvidenceDocument,
                  roles: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """(start, end) of the text that reports this study's results: the results section (its
    tables and captions aside) and the results part of the abstract; for a document whose
    sections say nothing, the whole text. ``roles``: the document's (start, end, role) spans
    (``StudyText.roles``)."""
    spans = [(a, b) for a, b, role in roles if role == "results"]
    parts = [(s.start, s.end) for s in evidence.sections
             if s.role == "abstract" and classify_heading(s.title) == "results"]
    if not parts:
        for a, b, role in roles:
            if role == "abstract":
                parts += _labelled_results(evidence.text, a, b)
    spans += parts
    if not spans and not any(role in _STRUCTURED for _, _, role in roles):
        spans = [(a, b) for a, b, role in roles if role == "other"]
    return sorted(spans)


def _labelled_results(text: str, start: int, end: int) -> list[tuple[int, int]]:
    m = _ABSTRACT_RESULTS.search(text, start, end)
    if m is None:
        return []
    stop = _ABSTRACT_AFTER.search(text, m.end(), end)
    return [(m.end(), stop.start() if stop else end)]


# --- arms named in a sentence ----------------------------------------------------------------
# Arms that serve as the comparison: they are the comparator when the other arm is a drug.
_CONTROL = re.compile(
    r"\b(?:placebo|pbo|vehicle|sham|controls?|usual\s+care|standard\s+(?:of\s+)?care"
    r"|standard\s+(?:therapy|treatment)|no\s+treatment|untreated)\b", re.I)
# "the X group", "the X arm", "X-treated patients": a group named by what it received.
_GROUP = re.compile(
    r"\b(?:the\s+)?(?P<name>(?:[A-Za-z0-9][\w+./-]*\s+){0,2}?[A-Za-z0-9][\w+./-]*)"
    r"(?:-treated|\s+(?:group|arm|cohort)s?)\b", re.I)
# Words before "group" that end the phrase rather than name the group ("than the X group").
_GROUP_STOP = frozenset({"the", "than", "in", "with", "of", "and", "or", "to", "for", "between",
                         "among", "vs", "vs.", "versus", "compared", "both", "two", "all", "each",
                         "either", "these", "those", "other", "same", "a", "an", "per", "by"})
# Names that say which group without saying what it received.
_GENERIC_GROUP = frozenset({"treatment", "study", "age", "intervention", "active"})
# What joins two drugs of one arm.
_COMBINED = re.compile(r"\s*(?:\+|\bplus\b|\bin\s+combination\s+with\b|\bcombined\s+with\b)\s*",
                       re.I)
# Where the comparator follows: "than", "versus", "compared with", "relative to".
_CUE = re.compile(
    r"\b(?:than|versus|vs\.?|v\.|compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)"
    r"|relative\s+to|as\s+opposed\s+to)(?=\s)", re.I)
# Cues that may open a sentence, the comparator right after them: "Compared with Y, X ...".
_LEADING_CUE = re.compile(r"compared|in\s+comparison|relative", re.I)
# A comparison of arms that need not name them: "between the two groups", "in both arms".
_BETWEEN = re.compile(
    r"\b(?:between|among|across)\s+(?:the\s+)?(?:(?:two|three|four|all|treatment|study)\s+)*"
    r"(?:groups|arms|treatments)\b|\bbetween[- ]groups?\b|\bintergroup\b"
    r"|\bin\s+(?:both|all|either)\s+(?:(?:treatment|study)\s+)?(?:groups|arms)\b", re.I)
# Two arms named by "between A and B" ("between SC and EI on ...", "between groups A and B").
_PHRASE = r"[A-Za-z0-9][\w+./-]*(?:\s+[A-Za-z0-9][\w+./-]*){0,3}?"
_BETWEEN_ARMS = re.compile(
    rf"\bbetween\s+(?:the\s+)?(?:groups?\s+)?(?P<a>{_PHRASE})\s+and\s+(?:the\s+)?"
    rf"(?:groups?\s+)?(?P<b>{_PHRASE})(?=\s+(?:groups?|arms?|on|in|at|for|with|was|were|"
    rf"regarding|after|during)\b|\s*[,;.()]|$)", re.I)
# "between baseline and week 12" compares times, not arms.
_NOT_ARMS = re.compile(r"\b(?:baseline|weeks?|days?|months?|years?|visits?|before|after|"
                       r"pre|post|\d+|t\d+)\b", re.I)
# A sentence that reports a result, not who was enrolled or what they were like at baseline.
_RESULT_WORD = re.compile(
    r"\b(?:higher|lower|greater|less|fewer|more|larger|smaller|better|worse|superior|"
    r"inferior|similar|compar\w+|differ\w*|increas\w*|decreas\w*|reduc\w*|improv\w*|"
    r"lower\w*|rais\w*|declin\w*|worsen\w*|fell|rose|prolong\w*|shorten\w*|risk|rate|"
    r"incidence|odds|hazard|significan\w*)\b", re.I)
_NOT_A_RESULT = re.compile(
    r"\bbaseline\s+(?:characteristics|demographics|data)|\bdemographic|\brandomi[sz]ed\s+to"
    r"|\bwere\s+(?:assigned|allocated|enrolled|screened)\b|\bet\s+al\b|\bprevious(?:ly)?\s+"
    r"(?:reported|published|studies)|^\s*(?:figure|fig\.?|table)\s*\d", re.I)
# Abbreviations whose full stop ends no sentence ("67.3 vs. 78.1", "Smith et al. 2010").
_ABBREVIATION_END = re.compile(r"\b(?:vs|v|al|e\.g|i\.e|approx|ca|cf|resp|no|fig|figs)\.\s*$",
                               re.I)


@dataclass(frozen=True)
class _Arm:
    """An arm named in a sentence: its name and where the name is."""

    name: str
    start: int
    end: int

    @property
    def control(self) -> bool:
        return bool(_CONTROL.search(self.name))


def _arms_in(sentence: str, offset: int, drugs: Sequence[Mention],
             names: Sequence[str]) -> list[_Arm]:
    """The distinct arms a sentence names, in order: this study's drugs (mentions, or the
    record's intervention names), control arms, "between A and B" and "the X group"
    phrases."""
    found = [_Arm(mention_name(d), d.start - offset, d.end - offset) for d in drugs]
    low = sentence.lower()
    for name in names:
        for m in re.finditer(rf"\b{re.escape(name.lower())}\b", low):
            found.append(_Arm(name, m.start(), m.end()))
    for m in _CONTROL.finditer(sentence):
        found.append(_Arm(_control_name(m.group()), m.start(), m.end()))
    between = _BETWEEN_ARMS.search(sentence)
    if between and not _NOT_ARMS.search(between.group("a") + " " + between.group("b")):
        for key in ("a", "b"):
            if not any(between.start(key) <= a.start < between.end(key) for a in found):
                found.append(_Arm(between.group(key), between.start(key), between.end(key)))
    for m in _GROUP.finditer(sentence):
        words = m.group("name").lower().split()
        cut = max((i + 1 for i, w in enumerate(words) if w in _GROUP_STOP), default=0)
        words = words[cut:]
        inside = [a for a in found if m.start() <= a.start < m.end()]
        if words and not set(words) <= _GENERIC_GROUP and not inside:
            found.append(_Arm(" ".join(words), m.end("name") - len(" ".join(words)), m.end()))
    hits: list[_Arm] = []
    for arm in sorted(found, key=lambda a: (a.start, a.start - a.end)):
        if hits and arm.start < hits[-1].end:
            continue  # inside an arm already taken ("X" of "the X group")
        if hits and _COMBINED.fullmatch(sentence, hits[-1].end, arm.start):
            # "CZP plus MTX": one arm of two drugs
            hits[-1] = _Arm(f"{hits[-1].name} + {arm.name}", hits[-1].start, arm.end)
        else:
            hits.append(arm)
    distinct: list[_Arm] = []
    for arm in hits:
        if all(arm.name != a.name for a in distinct):
            distinct.append(arm)
    return distinct


def _control_name(text: str) -> str:
    word = " ".join(text.lower().split())
    return "placebo" if word == "pbo" else word.rstrip("s") if word == "controls" else word


def _pick_arms(arms: list[_Arm], sentence: str) -> tuple[_Arm | None, _Arm | None]:
    """The two arms compared, in the order the comparison states them: the arm after
    "than"/"versus"/"compared with" second, the nearest one before it first ("Compared with
    Y, X ..." puts X first), else in the order they are named."""
    if not arms:
        return None, None
    for cue in _CUE.finditer(sentence):
        # the first cue with an arm on each side ("1 vs 0" before the arms is no cue)
        after = [a for a in arms if a.start >= cue.end()]
        before = [a for a in arms if a.end <= cue.start()]
        if after and before:
            return before[-1], after[0]
        if len(after) > 1 and _LEADING_CUE.match(cue.group()):
            return after[1], after[0]  # "Compared with placebo, X reduced ..."
    return arms[0], (arms[1] if len(arms) > 1 else None)


# --- values in a sentence --------------------------------------------------------------------
# One arm's value as a sentence prints it: "23/100 (23%)", "12 (25.5%)", "12.3%", "5.1 ± 1.2",
# "from 8 to 1" (the value reached).
_SIGNED = rf"-?{NUMBER}"
_VALUE = re.compile(
    rf"(?<![\w.])(?:from\s+{_SIGNED}\s*%?\s+to\s+(?P<to>{_SIGNED}\s*%?)"
    rf"|(?P<stat>\d+\s*/\s*\d+(?:\s*\(\s*{NUMBER}\s*%\s*\))?"
    rf"|{NUMBER}\s*\(\s*{NUMBER}\s*%\s*\)"
    rf"|{_SIGNED}\s*(?:±|\+/-)\s*{NUMBER}"
    rf"|{_SIGNED}\s*%(?!\s*(?:CI|C\.I\.|CrI|confidence|credible))))")
# Two bare numbers compared: "3.4 vs 5.1", "67.3 vs. 64.3 min".
_NUMBER_PAIR = re.compile(
    rf"(?<![\w.%/])(?P<a>{_SIGNED})\s*(?:vs\.?|versus)\s*(?P<b>{_SIGNED})(?![\w.%/(±])")
_VALUE_KIND = {"count_total": "count", "count_percent": "count", "percent": "percent",
               "mean_sd": "mean", "number": "number"}


@dataclass(frozen=True)
class _Value:
    """One arm's value in a sentence: where its number is, what it states, as printed."""

    start: int
    end: int
    stat: Stat
    text: str


def _values(sentence: str, printed: str, taken: Sequence[tuple[int, int]]) -> list[_Value]:
    """The arm values of a folded sentence outside the p-values and effect estimates, each
    with its text as ``printed`` (the sentence before folding)."""
    out: list[_Value] = []
    for m in _VALUE.finditer(sentence):
        if any(a <= m.start() < b for a, b in taken):
            continue
        piece = m.group("to") or m.group("stat")
        start = m.start("to") if m.group("to") else m.start("stat")
        stat = parse_stat(piece)
        if stat is not None and stat.kind in _VALUE_KIND:
            out.append(_Value(start, start + len(piece), stat, printed[m.start():m.end()]))
    for m in _NUMBER_PAIR.finditer(sentence):
        if any(a <= m.start() < b for a, b in taken) or any(
                m.start() <= v.start < m.end() for v in out):
            continue
        for key in ("a", "b"):
            stat = parse_stat(m.group(key))
            if stat is not None:
                out.append(_Value(m.start(key), m.end(key), stat,
                                  printed[m.start(key):m.end(key)]))
    return sorted(out, key=lambda v: v.start)


def _arm_values(values: list[_Value], arms: list[_Arm]) -> dict[str, _Value]:
    """Values to arms in order ("12.3% vs 20.1%" after "X ... than placebo"; "respectively"),
    when the sentence gives one value of one kind per arm."""
    if len(arms) < 2:
        return {}
    kinds = [_VALUE_KIND[v.stat.kind] for v in values]
    for kind in dict.fromkeys(kinds):
        same = [v for v, k in zip(values, kinds, strict=True) if k == kind]
        if len(same) == len(arms):
            return {a.name: v for a, v in zip(arms, same, strict=True)}
    return {}


def arm_result(name: str | None, stat: Stat, text: str, n: int | None = None) -> ArmResult:
    """One arm's value for a finding, from what its cell or phrase states."""
    counted = stat.kind in ("count_percent", "count_total")
    return ArmResult(
        name=name, n=stat.total or n, value=None if counted else stat.value, sd=stat.sd,
        se=stat.se, ci_low=stat.low if stat.kind == "estimate_ci" else None,
        ci_high=stat.high if stat.kind == "estimate_ci" else None,
        events=stat.count if counted else None, percent=stat.percent, stat=stat.kind,
        low=stat.low if stat.kind != "estimate_ci" else None,
        high=stat.high if stat.kind != "estimate_ci" else None, text=text)


# --- outcome of a sentence -------------------------------------------------------------------
_LEAD = re.compile(
    r"^(?:(?:in|at|by|after|during|over|compared|relative|overall|however|similarly|moreover|"
    r"furthermore|in\s+addition|additionally|likewise|notably|finally|also|considering)\b"
    r"[^,]{0,80},\s*|(?:but|and|thus|hence|yet|so|however|also)\s+)+", re.I)
_VERB = (r"(?:was|were|did|had|has|have|is|are|decreased|increased|improved|reduced|fell|"
         r"rose|declined|differed|showed|remained|occurred|tended|favou?red|changed)")
_SUBJECT = re.compile(rf"(?P<s>[A-Za-z](?:[^,;:()]|\([^()]{{0,30}}\)){{1,80}}?)\s+{_VERB}\b",
                      re.I)
# "the difference in X", "a reduction in X", "mean changes from baseline in X"
_CHANGE_IN = re.compile(
    r"\b(?:differences?|changes?(?:\s+from\s+baseline)?|reductions?|improvements?|increases?|"
    r"decreases?|declines?)\s+(?:in|for|of)\s+(?:the\s+)?(?P<o>[^,;()]{2,80}?)(?=\s+(?:between|"
    r"among|was|were|at|in\s+(?:the|patients|all|both)|with|from|for|by|on|compared|versus|vs|"
    r"than)\b|\s*[,;(]|\.?$)", re.I)
_OBJECT = re.compile(
    r"\b(?:(?:reduced|decreased|lowered|increased|improved|raised|prolonged|shortened|worsened|"
    r"lessened|alleviated|relieved)|(?:had|showed|experienced|reported)\s+(?:significantly\s+)?"
    r"(?:fewer|more|less|lower|higher|greater|better|worse|smaller|larger))\s+(?:the\s+)?(?P<o>[^,;()]{2,80}?)(?=\s+(?:from|by|to|in|"
    r"compared|relative|versus|vs|more|than|at|among|over)\b|\s*[,;(]|$)", re.I)
_NOT_AN_OUTCOME = re.compile(
    r"^(?:there|this|these|that|it|we|they|patients|participants|subjects|both|all|no|none|"
    r"infants|children|women|men|adults|mothers|individuals|volunteers|people|before|after|"
    r"during|i\.e|e\.g|"
    r"although|though|while|whereas|because|since|when|if|figure|table|fig|"
    r"the\s+(?:difference|results?|groups?|two\s+groups|study|trial|analysis)|results?|"
    r"a\s+total|most|many|one|two|three|neither|each)\b", re.I)
# An outcome phrase ends where the arms it is measured in begin ("nausea in the X group").
_OUTCOME_END = re.compile(r"\s+(?:in|among|with|for|of\s+patients|between|on)\s+(?:the\s+)?"
                          r"(?:\w+\s+){0,3}?(?:groups?|arms?|patients|participants)\b.*$", re.I)
_MAX_OUTCOME_WORDS = 10


def _outcome(sentence: str, arms: list[_Arm], mentions: Sequence[Mention],
             offset: int) -> str | None:
    """The outcome a comparison is about: "the difference in X", the sentence's subject, the
    object of "X reduced ...", else its first outcome or event mention; None when unclear."""
    m = _CHANGE_IN.search(sentence)
    phrases = [m.group("o")] if m else []
    lead = _LEAD.match(sentence)
    start = lead.end() if lead else 0
    subject = _SUBJECT.match(sentence, start)
    if subject is not None:
        phrases.append(subject.group("s"))
    phrases += [o.group("o") for o in _OBJECT.finditer(sentence)]
    for phrase in phrases:
        phrase = _before_arms(_OUTCOME_END.sub("", " ".join(phrase.split())), arms)
        # "the data show that the extent of relief" is about "extent of relief"
        phrase = re.sub(r"^.*\b(?:that|whether)\s+", "", phrase, flags=re.I)
        phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I).strip(" .")
        if _usable_outcome(phrase, arms):
            return phrase
    for mention in mentions:
        if mention.label == "OUTCOME" and mention.value.get("measure"):
            return str(mention.value["measure"])
        if mention.label == "ADVERSE_EVENT":
            return mention_name(mention)
    return None


# Words that lead from an outcome to the arm it was measured in ("rate for fluoxetine").
_ARM_LEAD = re.compile(r"(?:\s+(?:for|in|with|on|among|of|the|receiving|treated|given|"
                       r"patients|participants|subjects))+\s*$", re.I)


def _before_arms(phrase: str, arms: list[_Arm]) -> str:
    """``phrase`` up to the first arm it names ("response rate for fluoxetine" -> "response
    rate")."""
    low = phrase.lower()
    found = (re.search(rf"\b{re.escape(a.name.lower())}\b", low) for a in arms)
    cut = min((m.start() for m in found if m is not None), default=len(phrase))
    return _ARM_LEAD.sub("", phrase[:cut]) if cut < len(phrase) else phrase


# A phrase ending in one of these was cut inside a clause ("TEAEs that", "proportion of").
_OPEN_END = re.compile(r"\b(?:that|who|which|whom|of|in|and|or|the|a|an|to|as|with|for|by|"
                       r"on|at|from)$", re.I)


def _usable_outcome(phrase: str, arms: list[_Arm]) -> bool:
    low = phrase.lower()
    return bool(phrase) and phrase[0].isalpha() and not _NOT_AN_OUTCOME.match(phrase) \
        and not _OPEN_END.search(phrase) \
        and len(phrase.split()) <= _MAX_OUTCOME_WORDS and bool(re.search(r"[a-z]{3}", low)) \
        and not any(re.search(rf"\b{re.escape(a.name.lower())}\b", low) or low in a.name.lower()
                    for a in arms) and not _CONTROL.search(low)


# --- direction from the numbers --------------------------------------------------------------
_DIRECTIONS: dict[int, Direction] = {-1: "decreased", 0: "no_difference", 1: "increased"}
_DIFFERENCE = frozenset({"MD", "SMD", "RD", "difference"})
_REDUCTION = frozenset({"RRR", "ARR"})  # positive: the outcome is rarer with the intervention


def effect_direction(effect: Effect) -> Direction | None:
    """Which way an effect estimate of the intervention against the comparator points."""
    if effect.measure in RATIOS:
        null, value = 1.0, effect.value
    elif effect.measure in _DIFFERENCE:
        null, value = 0.0, effect.value
    elif effect.measure in _REDUCTION:
        null, value = 0.0, -effect.value
    else:
        return None  # a change within one arm, an NNT: no comparison's sign
    if value == null:
        return "no_difference"
    return "increased" if value > null else "decreased"


def _comparable(arm: ArmResult) -> float | None:
    """What two arms are compared on: their percentages when given (or their events over
    their n), else their values."""
    if arm.percent is None and arm.events is not None and arm.n:
        return arm.events / arm.n
    return arm.percent if arm.percent is not None else arm.value


def numeric_direction(significant: bool | None, effect: Effect | None,
                      intervention: ArmResult | None,
                      comparator: ArmResult | None) -> Direction | None:
    """The direction the numbers give, from their ``significant`` (what the p-values and
    intervals say): no_difference when they are not significant; when they are, the effect
    estimate's side of its null, else the intervention arm's value against the
    comparator's. None when they do not say."""
    if significant is None:
        return None
    if not significant:
        return "no_difference"
    if effect is not None and (found := effect_direction(effect)) not in (None,
                                                                           "no_difference"):
        return found
    if intervention is None or comparator is None:
        return None
    a, b = _comparable(intervention), _comparable(comparator)
    if a is None or b is None or a == b:
        return None
    return "increased" if a > b else "decreased"


# --- findings from sentences -----------------------------------------------------------------


def _sentence_finding(body: StudyText, start: int, end: int, mentions: Sequence[Mention],
                      names: Sequence[str], alpha: float | None) -> Finding | None:
    """The finding of one results sentence, or None when it compares no arms."""
    evidence = _trimmed(body.raw, start, end)
    sentence = fold(evidence.text)
    offset = evidence.start
    if _NOT_A_RESULT.search(sentence):
        return None
    inside = [m for m in mentions if evidence.start <= m.start and m.end <= evidence.end]
    drugs = [m for m in inside if m.label == "DRUG" and m.status in GIVEN and not m.negated]
    arms = _arms_in(sentence, offset, drugs, names)
    effects = find_effects(sentence)
    p_values = find_p_values(sentence, alpha)
    first, second = _pick_arms(arms, sentence)
    # values go to the arms in the order the comparison names them, or, with
    # "respectively", in the order of the sentence
    respectively = re.search(r"\brespectively\b", sentence, re.I)
    stated = [a for a in (first, second) if a is not None]
    if respectively:
        stated.sort(key=lambda a: a.start)
    # a control arm compared with a drug arm is the comparator, whatever the order
    intervention, comparator = first, second
    if first is not None and second is not None and first.control and not second.control:
        intervention, comparator = second, first
    reports = bool(effects or p_values or _RESULT_WORD.search(sentence))
    significant = significance(sentence, alpha)
    # two arms compared, or a comparison of groups it does not name that says whether the
    # difference is significant ("did not differ between the two groups (p = 0.4)")
    compares = bool(effects) or (comparator is not None and bool(
        _CUE.search(sentence) or _BETWEEN.search(sentence) or _BETWEEN_ARMS.search(sentence)
        or p_values or respectively)) or (
        _BETWEEN.search(sentence) is not None and (significant is not None or bool(p_values)))
    if not (reports and compares):
        return None
    taken = [(e.start, e.end) for e in effects] + [(p.start, p.end) for p in p_values]
    by_arm = _arm_values(_values(sentence, evidence.text, taken), stated)
    results = [arm_result(a.name, by_arm[a.name].stat, by_arm[a.name].text)
               for a in (intervention, comparator) if a is not None and a.name in by_arm]
    effect = effects[0].effect if effects else None
    # the numbers decide only where the words do not contradict them ("no significant
    # difference between the groups in the change from baseline (p < 0.01 within each)")
    numbers_say = significance(sentence, alpha, words=False)
    numbers_say = numbers_say if numbers_say == significant else None
    arm_i = results[0] if len(results) == 2 else None
    arm_c = results[1] if len(results) == 2 else None
    timepoint = TIMEPOINT_IN_SENTENCE.search(sentence)
    p = _first_p(p_values)
    outcome = _outcome(sentence, arms, inside, offset)
    intervention_name = intervention.name if intervention else None
    comparator_name = comparator.name if comparator else None
    direction = numeric_direction(numbers_say, effect, arm_i, arm_c)
    score = None
    if direction is None:
        # the numbers leave it open: the sentence classifier reads the words (imported here:
        # it brings scipy, which a document without a results comparison never needs)
        from extractor.findings.classify import direction_of

        code, score = direction_of(evidence.text, outcome, intervention_name, comparator_name)
        direction = _DIRECTIONS[code]
    return Finding(
        outcome=outcome, intervention=intervention_name, comparator=comparator_name,
        direction=direction, score=score, significant=significant,
        p_value=p.value if p else None, p_relation=_relation(p),
        effect=_effect_text(effect, effects, evidence.text), arms=results,
        timepoint=canonical_timepoint(timepoint.group()) if timepoint else None,
        found_by="sentence", evidence=evidence)


def _trimmed(text: str, start: int, end: int) -> Evidence:
    """``text[start:end]`` without its surrounding space, as evidence."""
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return Evidence(start=start, end=end, text=text[start:end])


def _first_p(p_values: list[PValue]) -> PValue | None:
    """The first p-value with a number, else the first statement of one ("NS")."""
    return next((p for p in p_values if p.value is not None), p_values[0] if p_values else None)


def _relation(p: PValue | None) -> Relation | None:
    return p.relation if p is not None and p.value is not None else None


def _effect_text(effect: Effect | None, effects: list[EffectMatch], text: str) -> Effect | None:
    """The effect with its text as printed (the match ran on the folded sentence)."""
    if effect is None:
        return None
    return effect.model_copy(update={"text": text[effects[0].start:effects[0].end]})


def sentence_findings(evidence: EvidenceDocument, body: StudyText,
                      interventions: Sequence[Intervention], alpha: float | None
                      ) -> list[Finding]:
    """The findings of the results sentences (see the module docstring); ``alpha`` the
    significance level the article states (``find_alpha``), None for 0.05."""
    spans = results_spans(evidence, body.roles)
    if not spans:
        return []
    names = [iv.drug.name for iv in interventions]
    mentions = sorted(evidence.mentions, key=lambda m: m.start)
    found: list[Finding] = []
    text = evidence.text
    starts = [s for s in body.sentence_starts
              if not _ABBREVIATION_END.search(text, max(0, s - 12), s)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(evidence.text)
        # the part of the sentence inside results ("Results: ..." starts at its label)
        inside = next(((max(a, start), min(b, end)) for a, b in spans if a < end and start < b),
                      None)
        if inside is None or not evidence.text[inside[0]:inside[1]].strip():
            continue
        finding = _sentence_finding(body, *inside, mentions, names, alpha)
        if finding is not None:
            found.append(finding)
    return found


# --- findings from results tables ------------------------------------------------------------
_P_HEADER = re.compile(r"^p\b|\bp[- ]?values?\b|\bp\s*[(<=]", re.I)
_ARM_HEADING = re.compile(r"^\s*(?:(?:study\s+)?(?:arms?|groups?|treatments?|interventions?|"
                          r"regimens?|randomi[sz]ation))?\s*$", re.I)
_N_NOTE = re.compile(r"[,;]?\s*\(?\s*\b[nN]\s*=\s*\d[\d,]*\s*\)?")


def _p_of_cell(text: str, alpha: float | None) -> PValue | None:
    """The p-value a p column's cell states ("0.03", "<0.001", "NS", "p = 0.2")."""
    found = find_p_values(text, alpha)
    if not found:
        clean = text.strip()
        found = find_p_values(("p " if clean[:1] in "<>≤≥‹" else "p = ") + clean, alpha)
    return found[0] if found else None


def _effect_of_cell(header: str, text: str) -> Effect | None:
    """The estimate a comparison column's cell states, named by its header ("HR (95% CI)"
    over "0.80 (0.70-0.90)")."""
    found = find_effects(f"{header} {text}")
    if not found or found[0].end <= len(header):
        return None
    return found[0].effect.model_copy(update={"text": " ".join(text.split())})


def _is_control(label: str) -> bool:
    return bool(_CONTROL.search(label))


def _row_evidence(table: Table, row_cells: list[Cell], text: str, row: int) -> Evidence:
    start = min(c.start for c in row_cells)
    end = max(c.end for c in row_cells)
    return Evidence(start=start, end=end, text=text[start:end],
                    source=Provenance(kind="table", table=table.id, row=row))


def _table_findings(lay: Layout, text: str, alpha: float | None) -> list[Finding]:
    """One finding per outcome row (and timepoint) of an arms table."""
    table = lay.table
    cells = grid(table)
    comparisons = [c for c in range(1, table.n_cols)
                   if c < len(lay.arm_labels) and lay.arm_labels[c] is None
                   and (COMPARISON.search(lay.headers[c]) or _P_HEADER.search(lay.headers[c]))]
    ae_table = is_adverse_event_table(lay)
    found: list[Finding] = []
    for body in labelled_rows(lay, cells):
        adverse = ae_table or names_adverse_events(body.section)
        if body.grade_of is not None:
            continue  # a grade of the event above: counted there
        by_time: dict[str | None, list[int]] = {}
        for col, label in enumerate(lay.arm_labels):
            if label:
                by_time.setdefault(lay.timepoints[col], []).append(col)
        extra = _comparison(cells, body.row, comparisons, lay.headers, alpha)
        for timepoint, cols in by_time.items():
            finding = _row_finding(lay, cells, body.row, cols, body.measure, adverse,
                                   text, extra)
            if finding is not None:
                # a column's timepoint, else the one the caption gives the whole table
                finding.timepoint = canonical_timepoint(timepoint or table.caption or "")
                found.append(finding)
    return found


def _comparison(cells: dict[tuple[int, int], Cell], row: int, columns: list[int],
                headers: list[str], alpha: float | None) -> tuple[PValue | None,
                                                                  Effect | None, list[Cell]]:
    """The p-value and effect estimate of a row's comparison columns, with their cells."""
    p: PValue | None = None
    effect: Effect | None = None
    used: list[Cell] = []
    for col in columns:
        cell = cells.get((row, col))
        if cell is None or cell.row != row or not cell.text.strip():
            continue
        if _P_HEADER.search(headers[col]):
            p = p or _p_of_cell(cell.text, alpha)
        else:
            found = _effect_of_cell(headers[col], cell.text)
            effect = effect or found
            if found is None and p is None:
                # "X vs placebo" over bare p-values ("0.002", "<0.001")
                p = _p_of_cell(cell.text, alpha) if re.fullmatch(
                    rf"\s*[<>≤≥]?\s*{NUMBER}\s*", fold(cell.text)) else None
        used.append(cell)
    return p, effect, used


# What one comparison in a table has besides its arms: a p-value, an effect, their cells.
_Extra = tuple[PValue | None, Effect | None, list[Cell]]


def _row_finding(lay: Layout, cells: dict[tuple[int, int], Cell], row: int, cols: list[int],
                 measure: str, adverse: bool, text: str, extra: _Extra) -> Finding | None:
    """The finding of one row over the arm columns ``cols`` (one timepoint)."""
    pieces = []
    for col in cols:
        cell = cells.get((row, col))
        if cell is not None and cell.row == row:
            hint = f"{'n (%) ' if adverse else ''}{measure} | {lay.headers[col]}"
            pieces.append((lay.arm_labels[col] or "", cell, hint))
    label_cell = cells.get((row, 0))
    return _cells_finding(lay.table, text, measure, pieces, extra,
                          [label_cell] if label_cell is not None else [], row)


def _cells_finding(table: Table, text: str, measure: str, pieces: list[tuple[str, Cell, str]],
                   extra: _Extra, labels: list[Cell], row: int,
                   col: int | None = None) -> Finding | None:
    """The finding of arms' cells in a table: ``pieces`` are (arm label, cell, the hint that
    says what the cell holds); None with fewer than two arms' values."""
    arms: list[ArmResult] = []
    arm_cells: list[Cell] = []
    for label, cell, hint in pieces:
        stat = parse_stat(cell.text, hint)
        if stat is None:
            continue
        name = STAT_NOTE.sub("", _N_NOTE.sub("", label)).strip() or label
        arms.append(arm_result(name, stat, " ".join(cell.text.split()), arm_n_of(label)))
        arm_cells.append(cell)
    if len(arms) < 2:
        return None
    p, effect, used = extra
    controls = [a for a in arms if _is_control(a.name or "")]
    comparator = controls[0] if controls and len(controls) < len(arms) else arms[-1]
    intervention = next(a for a in arms if a is not comparator)
    votes = {x for x in (p.significant if p else None,
                         _ci_significant(effect)) if x is not None}
    significant = votes.pop() if len(votes) == 1 else None
    evidence = _row_evidence(table, [*labels, *arm_cells, *used], text, row)
    evidence.source.col = col
    return Finding(
        outcome=STAT_NOTE.sub("", measure).strip() or measure,  # "Pain score, mean (SD)"
        intervention=intervention.name, comparator=comparator.name,
        direction=numeric_direction(significant, effect, intervention, comparator),
        significant=significant, p_value=p.value if p else None, p_relation=_relation(p),
        effect=effect, arms=arms, found_by="table", evidence=evidence)


def _arm_row_findings(lay: Layout, text: str, alpha: float | None) -> list[Finding]:
    """One finding per measure column of each block of an arms-as-rows table: its arm rows'
    cells, and the block's p-value column; the evidence spans the block's rows."""
    table = lay.table
    cells = grid(table)
    blocks: dict[str, list[ArmRow]] = {}
    for arm_row in arm_row_blocks(table, lay.header_rows, lay.headers):
        blocks.setdefault(arm_row.block, []).append(arm_row)
    found: list[Finding] = []
    for block, rows in blocks.items():
        headers = rows[0].headers
        tests = [c for c in range(1, len(headers)) if TEST_HEADER.search(headers[c])]
        p = next((q for r in rows for c in tests if (cell := cells.get((r.row, c))) is not None
                  and (q := _p_of_cell(cell.text, alpha)) is not None), None)
        p_cells = [cells[(r.row, c)] for r in rows for c in tests if (r.row, c) in cells]
        # the block's title names the measure ("Itch score", "CGI-I"), unless it only heads
        # the arm column ("Group")
        title = "" if _ARM_HEADING.match(block) else STAT_NOTE.sub("", block).strip()
        for col in range(1, len(headers)):
            header = headers[col]
            if not header or col in tests or N_HEADER.match(header) or COMPARISON.search(header):
                continue
            measure = f"{title}: {header}" if title else header
            pieces = [(r.label, cells[(r.row, col)], measure) for r in rows
                      if (r.row, col) in cells]
            labels = [cells[(r.row, 0)] for r in rows if (r.row, 0) in cells]
            finding = _cells_finding(table, text, measure, pieces, (p, None, p_cells), labels,
                                     rows[0].row, col)
            if finding is not None:
                found.append(finding)
    return found


def _ci_significant(effect: Effect | None) -> bool | None:
    crosses = crosses_null(effect) if effect is not None else None
    return None if crosses is None else not crosses


def table_findings(evidence: EvidenceDocument, alpha: float | None) -> list[Finding]:
    """The findings of the results tables with arms as columns or as rows (not baseline
    tables); ``alpha`` as for :func:`sentence_findings`."""
    found: list[Finding] = []
    for table in evidence.tables:
        lay = layout(table)
        if BASELINE_CAPTION.search(table.caption or ""):
            continue
        if lay.orientation == "arms":
            found += _table_findings(lay, evidence.text, alpha)
        elif lay.orientation == "arm_rows":
            found += _arm_row_findings(lay, evidence.text, alpha)
    return found


def build_findings(evidence: EvidenceDocument, body: StudyText | None = None,
                   interventions: Sequence[Intervention] = ()) -> list[Finding]:
    """The findings of the study record: results sentences first, then results tables.

    ``body`` is the study record's view of the text (built here when not given);
    ``interventions`` the record's drugs, whose names mark arms in a sentence.
    """
    body = body if body is not None else StudyText(evidence)
    alpha = find_alpha(evidence.text)  # the level the methods state, for every finding
    return [*sentence_findings(evidence, body, interventions, alpha),
            *table_findings(evidence, alpha)]
