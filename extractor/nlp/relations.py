"""Rule-based relations between the entities of a Doc (factory ``extractor_relations_v1``).

Sets ``Doc._.relations`` to ``(type, head, tail)`` triples over ``doc.ents``; the tail is
always a DRUG. Everything is decided inside one sentence (``doc.sents`` when the sentence
component ran, else the whole Doc), from character gaps between entities, so the rules do not
depend on how the tokenizer splits "4mg/day" or "(baricitinib)". Every lookup is a bisection
over the sentence's sorted entities, so a Doc without sentence boundaries stays linear.

Modifiers (``dose_of``, ``frequency_of``, ``route_of``, ``duration_of``), head = the modifier:
  1. A ROUTE right before a drug belongs to it ("oral prednisone", "subcutaneous methotrexate").
  2. The drug just before, when only dose words separate them ("baricitinib 4mg/day",
     "upadacitinib at a dose of 15mg/day", "Methotrexate 15mg/week (orally)").
  3. The drug just after, when only "of"/"with"/"regimen"-like words separate them
     ("a 6-month regimen of dupilumab", "for 6 months with upadacitinib").
  4. Otherwise the nearest drug before, else the nearest after. A rule never skips over
     another drug, so a modifier cannot cross a drug.
  Decision on coordinated pairs: a DURATION belongs to every drug of the coordinated group it
  closes or opens ("dupilumab 300mg every 14 days and cyclosporine 100mg twice a day for
  6 months" -> both; "for 6 months with upadacitinib 30mg/day and prednisone 10mg" -> both),
  because a regimen's length describes the combination. Doses, frequencies and routes never
  spread: each belongs to one drug.

Conditions as effects: in a sentence the ADE classifier flags, a CONDITION the context left
unlabelled (not history or absent, not treated, not right after "with", "for", "diagnosed")
is an adverse-event candidate for the explicit rules below (never the nearest-drug
fallback); one a relation names as a drug's effect becomes an ADVERSE_EVENT (ADE train pair
F1 0.272 -> 0.311, dev 0.289 -> 0.336; seeds unchanged).

Treatment (``treats``), head = the problem (CONDITION or ADVERSE_EVENT), tail = the drug the
text says was given for it: "Y (was) treated / managed / controlled with X", "Y responded to
X", "treatment of Y with X", "X (therapy) for Y", "X was started for Y", "X in the treatment
of Y". A (problem, drug) pair in a ``treats`` relation is never an adverse event of that drug.

Adverse events (``adverse_event_of``), head = ADVERSE_EVENT. A relation says what the text
says causes what: a drug the text says was not given, was planned, was an eligibility
criterion or was measured is never a cause; a drug of a general statement ("X is known to
cause Y", status ``background`` or ``hypothetical``) is, and the evidence records then keep
only the events of drugs these patients were given (records/study.py). A pair is blocked,
whatever else the sentence says, when the text says the problem delayed, stopped or changed
the drug ("X was withheld because of Y", "Y led to the discontinuation of X"): the event
happened before or regardless of the drug. Otherwise the first rule that fires:
  1. Attribution in parentheses: "(baricitinib)" after a run of AEs links every AE of that run
     since the last boundary (previous attribution, tab/cell, ";", another drug):
     "Hypercolesterolemia and hypertriglyceridemia (baricitinib), gout (methotrexate)".
  2. The nearest drug before the AE, when the gap ties them: "X-induced Y", "X toxicity"
     (nothing between), "X caused / led to / was followed by Y", "after X was stopped Y
     resolved" (dechallenge), "on rechallenge with X, Y recurred".
  3. The nearest drug after the AE, when the gap ties them: "Y due to / secondary to /
     attributed to / associated with / after / following / during / in patients treated
     with X", "Y resolved after withdrawal of X" (dechallenge), "Y on / from / of X".
  4. An AE coordinated with one linked by rules 2-3 ("X-induced A and B") shares its drugs.
  Rules 2, 3 and 5 also link a drug that names the linked one again in parentheses
  ("after all-trans retinoic acid (ATRA)" -> both mentions).
  5. Otherwise, when the sentence reads as reporting an adverse effect (an AE cue such as
     "developed", "experienced", "adverse", "side effect", or, where the ADE sentence
     classifier ran (``extractor.nlp.ade_sentence``), its verdict) and the AE is not
     historical: the nearest eligible drug before it with the drugs coordinated with it ("on
     X and Y developed Z" -> both: the text names a regimen), else the first eligible drug
     after it unless the AE led to it ("..., leading to a switch to X").

Outcomes (``outcome_of``), head = OUTCOME: every current (not historical, not negated) drug of
the sentence; failing that, the study's main intervention (the most frequent current DRUG of
the Doc by normalized name, its first mention).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc, Span

from extractor.nlp import relation_cues as cues

# ADE_SENTENCES: the doc.spans key of the sentences the ADE sentence classifier flags (absent
# when it did not run); importing the module also registers its factory
from extractor.nlp.ade_sentence import ADE_SENTENCES
from extractor.nlp.extensions import doc_text  # (also registers Doc._.relations)
from extractor.nlp.factories import component

Relation = tuple[str, Span, Span]

MODIFIER_RELATIONS = {
    "DOSE": "dose_of",
    "FREQUENCY": "frequency_of",
    "ROUTE": "route_of",
    "DURATION": "duration_of",
}
PROBLEM_LABELS = ("CONDITION", "ADVERSE_EVENT")
# Drug statuses (Span._.status) that allow a drug to cause an adverse event in the text:
# given, a general statement's drug, or not decided (no context component ran).
CAUSAL_STATUSES = frozenset({"given", "background", "hypothetical", None})

class _Ent:
    """An entity with what the rules read, looked up once (Span attributes and ``span._``
    extensions are slow to read again and again)."""

    __slots__ = ("span", "label_", "start", "end", "start_char", "end_char", "historical",
                 "current", "can_cause", "name")

    def __init__(self, span: Span) -> None:
        self.span = span
        self.label_ = span.label_
        self.start, self.end = span.start, span.end
        self.start_char, self.end_char = span.start_char, span.end_char
        self.historical = self.current = self.can_cause = False
        self.name = ""
        if self.label_ in ("DRUG", "ADVERSE_EVENT", "CONDITION"):
            ext = span._
            self.historical = bool(ext.historical) or ext.status not in (
                None, "present", "given", "background", "hypothetical")
            negated = bool(ext.negated)
            self.current = not self.historical and not negated
            if self.label_ == "DRUG":
                self.name = str(ext.norm_name or span.text.lower())  # drug_name(span)
                self.can_cause = not negated and ext.status in CAUSAL_STATUSES


class _Sentence:
    """A sentence's character range, its entities (in text order) and the lookups over them."""

    __slots__ = ("start", "end", "ents", "ends", "drugs", "drug_starts", "drug_chars", "ade")

    def __init__(self, start: int, end: int, ents: list[_Ent]) -> None:
        self.start, self.end, self.ents = start, end, ents
        # entities do not overlap, so their end offsets are sorted like their starts
        self.ends = [e.end_char for e in ents]
        self.drugs = [e for e in ents if e.label_ == "DRUG"]
        self.drug_starts = [d.start for d in self.drugs]
        self.drug_chars = [d.start_char for d in self.drugs]
        self.ade: bool | None = None  # the ADE sentence classifier's verdict, when it ran

    def gap(self, text: str, start: int, end: int) -> str:
        """Text between two character offsets with the sentence's entities blanked out."""
        return _gap(text, self.ents, self.ends, start, end)


def _sentence_groups(doc: Doc, ents: list[_Ent], text: str) -> list[_Sentence]:
    """The entities split by sentence (the whole Doc when no sentence boundaries are set)."""
    if not ents:
        return []
    if not doc.has_annotation("SENT_START"):
        return [_Sentence(0, len(text), ents)]
    # token arrays instead of doc.sents: no Span objects for sentences without entities
    arr = doc.to_array([SENT_START, IDX])
    starts: list[int] = numpy.flatnonzero(arr[:, 0] == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    idx = arr[:, 1]
    groups: dict[int, list[_Ent]] = {}
    for ent in ents:
        groups.setdefault(bisect.bisect_right(starts, ent.start) - 1, []).append(ent)
    sentences = []
    for k in sorted(groups):
        end = int(idx[starts[k + 1]]) if k + 1 < len(starts) else len(text)
        sentences.append(_Sentence(int(idx[starts[k]]), end, groups[k]))
    return sentences


def _mark_ade_sentences(doc: Doc, sentences: list[_Sentence]) -> None:
    """Set each sentence's classifier verdict from ``doc.spans[ADE_SENTENCES]`` (if present)."""
    if ADE_SENTENCES not in doc.spans:
        return
    flagged = sorted((s.start_char, s.end_char) for s in doc.spans[ADE_SENTENCES])
    starts = [a for a, _ in flagged]
    for sent in sentences:
        k = bisect.bisect_right(starts, sent.start) - 1
        sent.ade = k >= 0 and flagged[k][1] > sent.start


def _gap(text: str, ents: list[_Ent], ends: list[int], start: int, end: int) -> str:
    """Text between two character offsets with the entities inside it blanked out.

    ``ends`` are the entities' end offsets (sorted): the first entity reaching past ``start``
    is found by bisection, so a call costs the entities inside the gap, not all of them."""
    if end <= start:
        return ""
    parts: list[str] = []
    pos = start
    for i in range(bisect.bisect_right(ends, start), len(ents)):
        e = ents[i]
        if e.start_char >= end:
            break
        if e.start_char > pos:
            parts.append(text[pos:e.start_char])
        parts.append(" ")
        pos = max(pos, e.end_char)
    if pos < end:
        parts.append(text[pos:end])
    return "".join(parts)


def _full(pattern: re.Pattern[str], text: str) -> bool:
    return pattern.fullmatch(text) is not None


def drug_name(span: Span) -> str:
    """The canonical name of a drug span: its normalized name, else its lower-case text."""
    return str(span._.norm_name or span.text.lower())


def main_intervention(doc: Doc) -> Span | None:
    """First mention of the most frequent current DRUG (by normalized name) of the Doc."""
    main = _main_intervention([_Ent(e) for e in doc.ents if e.label_ == "DRUG"])
    return main.span if main is not None else None


def _main_intervention(ents: list[_Ent]) -> _Ent | None:
    drugs = [e for e in ents if e.label_ == "DRUG" and e.current]
    if not drugs:
        return None
    counts = Counter(d.name for d in drugs)
    best = max(counts.values())
    # the earliest name among equally frequent ones
    return next(d for d in drugs if counts[d.name] == best)


# --- modifiers -------------------------------------------------------------------------------


def _coordinated(text: str, sent: _Sentence, drugs: list[_Ent], i: int, step: int) -> list[_Ent]:
    """Drugs coordinated with drugs[i], walking in direction ``step`` (+1 forward, -1 back)."""
    group: list[_Ent] = []
    j = i
    while 0 <= j + step < len(drugs):
        a, b = (drugs[j], drugs[j + step]) if step > 0 else (drugs[j + step], drugs[j])
        if not _full(cues.COORDINATION, sent.gap(text, a.end_char, b.start_char)):
            break
        j += step
        group.append(drugs[j])
    return group


def _modifier_targets(text: str, sent: _Sentence, mod: _Ent) -> list[_Ent]:
    drugs = sent.drugs
    k = bisect.bisect_left(sent.drug_starts, mod.end)  # first drug after the modifier
    prev = k - 1 if k - 1 >= 0 and drugs[k - 1].end <= mod.start else None
    nxt = k if k < len(drugs) else None
    gap_prev = sent.gap(text, drugs[prev].end_char, mod.start_char) if prev is not None else ""
    gap_next = sent.gap(text, mod.end_char, drugs[nxt].start_char) if nxt is not None else ""

    if mod.label_ == "ROUTE" and nxt is not None and _full(cues.ROUTE_BEFORE_DRUG, gap_next):
        chosen = nxt
    elif prev is not None and _full(cues.TIGHT_AFTER_DRUG, gap_prev):
        chosen = prev
    elif nxt is not None and _full(cues.LEADS_TO_DRUG, gap_next):
        chosen = nxt
    elif prev is not None:
        chosen = prev
    elif nxt is not None:
        chosen = nxt
    else:
        return []
    targets = [drugs[chosen]]
    if mod.label_ == "DURATION":
        # after the drug: the group it closes (backwards); before: the group it opens
        step = -1 if chosen == prev else 1
        targets += _coordinated(text, sent, drugs, chosen, step)
    return targets


# --- treatment and adverse events --------------------------------------------------------------


def _nearest_drugs(sent: _Sentence, ent: _Ent) -> tuple[int | None, int | None]:
    """Indexes (into sent.drugs) of the nearest drug ending before ``ent`` and the nearest
    starting after it (None when there is none)."""
    k = bisect.bisect_left(sent.drug_chars, ent.end_char)
    before = k - 1 if k - 1 >= 0 and sent.drugs[k - 1].end_char <= ent.start_char else None
    after = k if k < len(sent.drugs) else None
    return before, after


def _treated_by(text: str, sent: _Sentence, problem: _Ent) -> list[_Ent]:
    """The drugs the text says treat ``problem`` (module docstring, ``treats``)."""
    before, after = _nearest_drugs(sent, problem)
    found = []
    if before is not None:
        drug = sent.drugs[before]
        gap = sent.gap(text, drug.end_char, problem.start_char)
        if len(gap) <= cues.MAX_TREAT_GAP and _full(cues.DRUG_FOR_PROBLEM, gap):
            found.append(drug)
    if after is not None:
        drug = sent.drugs[after]
        gap = sent.gap(text, problem.end_char, drug.start_char)
        lead = text[max(sent.start, problem.start_char - 60):problem.start_char]
        stopped = cues.DRUG_STOPPED.match(text, drug.end_char) is not None
        if not stopped and (cues.SUCCESSFUL_TREATMENT.search(gap) or (
                len(gap) <= cues.MAX_TREAT_GAP and (
                    _full(cues.PROBLEM_TREATED_WITH, gap)
                    or (_full(cues.WITH_DRUG, gap) and cues.TREATMENT_OF.search(lead))))):
            found += [drug, *_coordinated(text, sent, sent.drugs, after, 1)]
    return _with_appositions(text, sent, found)


def _blocked(text: str, sent: _Sentence, ae: _Ent, drug: _Ent) -> bool:
    """The text says the problem delayed, stopped or changed the drug (not caused by it)."""
    if drug.end_char <= ae.start_char:
        return cues.DRUG_STOPPED_BECAUSE.search(text, drug.end_char, ae.start_char) is not None
    gap = text[ae.end_char:drug.start_char]
    return cues.AE_STOPPED_DRUG.search(gap) is not None and not cues.AE_DECHALLENGE.search(gap)


def _paren_attributions(text: str, sent: _Sentence) -> list[tuple[int, int, list[_Ent]]]:
    """(open paren offset, close paren offset, drugs) for "(drug)"/"(drug and drug)" groups.

    An apposition ("a JAK inhibitor (baricitinib)") attributes nothing: the drug before the
    parentheses ends the run of AEs (see ``_ae_by_parentheses``)."""
    found: list[tuple[int, int, list[_Ent]]] = []
    for m in cues.PAREN_GROUP.finditer(text, sent.start, sent.end):
        lo = bisect.bisect_left(sent.drug_chars, m.start(1))
        inner = []
        for d in sent.drugs[lo:]:
            if d.start_char >= m.end(1):
                break
            if d.end_char <= m.end(1):
                inner.append(d)
        if not inner or not _full(cues.PAREN_CONNECTORS, _gap(
                text, inner, [d.end_char for d in inner], m.start(1), m.end(1))):
            continue
        found.append((m.start(), m.end(), inner))
    return found


def _ae_by_parentheses(text: str, sent: _Sentence, aes: list[_Ent]) -> dict[int, list[_Ent]]:
    """AE index -> the drugs of the parenthesized attribution that closes its run."""
    links: dict[int, list[_Ent]] = {}
    seg_start = sent.start
    ae_chars = [ae.start_char for ae in aes]
    for open_at, close_at, inner in _paren_attributions(text, sent):
        start = seg_start
        for brk in cues.SEGMENT_BREAK.finditer(text, seg_start, open_at):
            start = brk.end()
        # another drug before the parentheses ends the run too
        k = bisect.bisect_left(sent.drug_chars, open_at) - 1
        while k >= 0 and sent.drugs[k] in inner:
            k -= 1
        if k >= 0 and sent.drugs[k].start_char >= start:
            start = max(start, sent.drugs[k].end_char)
        for i in range(bisect.bisect_left(ae_chars, start), len(aes)):
            ae = aes[i]
            if ae.end_char > open_at:
                break
            if i not in links and open_at - ae.end_char <= cues.MAX_PAREN_GAP:
                links[i] = [d for d in inner if d.can_cause]
        seg_start = close_at
    return links


def _cause_before(text: str, sent: _Sentence, ae: _Ent, drug: _Ent) -> bool:
    """Rule 2: the gap from ``drug`` (before) to ``ae`` ties them."""
    raw = text[drug.end_char:ae.start_char]
    if len(raw) > cues.MAX_CUE_GAP:
        return False
    gap = sent.gap(text, drug.end_char, ae.start_char)
    if _full(cues.DRUG_THEN_AE_ADJ, gap) or _full(cues.ADJACENT, gap):
        return True
    if cues.DRUG_THEN_AE_VERB.search(raw) or cues.DRUG_DECHALLENGE.search(raw):
        return True
    # "on rechallenge with X, Y recurred": the recurrence may follow the AE's span
    lead_start = max(sent.start, drug.start_char - cues.MAX_CUE_GAP)
    return (cues.RECURRED.search(text, drug.end_char, min(sent.end, ae.end_char + 40)) is not None
            and cues.RECHALLENGE.search(text, lead_start, drug.start_char) is not None)


def _population(text: str, sent: _Sentence, problem: _Ent) -> bool:
    """The problem is the patients' condition ("... in patients with Y")."""
    lead = text[max(sent.start, problem.start_char - 60):problem.start_char]
    return cues.POPULATION_LEAD.search(lead) is not None and not cues.CHANGE_IN.search(lead)


def _cause_after(text: str, ae: _Ent, drug: _Ent) -> bool:
    """Rule 3: the gap from ``ae`` to ``drug`` (after) ties them."""
    gap = text[ae.end_char:drug.start_char]
    if len(gap) > cues.MAX_CUE_GAP or "\t" in gap:
        return False
    return (cues.AE_DECHALLENGE.search(gap) is not None or cues.AE_THEN_DRUG.search(gap) is not None
            or _full(cues.AE_TIGHT_DRUG, gap))


def _explicit_cause(
    text: str, sent: _Sentence, ae: _Ent, blocked: set[tuple[int, int]]
) -> list[_Ent]:
    """Rules 2 and 3: the drug an explicit cue ties to ``ae``, with the drugs coordinated
    with it ("caused by X and Y", "X and Y induced Z")."""
    before, after = _nearest_drugs(sent, ae)
    for k, step in ((before, -1), (after, 1)):
        if k is None:
            continue
        drug = sent.drugs[k]
        if not _may_cause(ae, drug, blocked):
            continue
        if (_cause_before(text, sent, ae, drug) if step < 0 else _cause_after(text, ae, drug)):
            group = [drug, *_coordinated(text, sent, sent.drugs, k, step)]
            return [d for d in _with_appositions(text, sent, group)
                    if _may_cause(ae, d, blocked)]
    return []


def _with_appositions(text: str, sent: _Sentence, group: list[_Ent]) -> list[_Ent]:
    """``group`` and, after each of its drugs, a drug that names it again in parentheses."""
    out = list(group)
    for drug in group:
        k = bisect.bisect_left(sent.drug_chars, drug.end_char)
        if k < len(sent.drugs) and sent.drugs[k] not in out and _full(
                cues.APPOSITION, text[drug.end_char:sent.drugs[k].start_char]):
            out.append(sent.drugs[k])
    return out


def _may_cause(ae: _Ent, drug: _Ent, blocked: set[tuple[int, int]]) -> bool:
    return drug.can_cause and (id(ae), id(drug)) not in blocked


def _fallback_drugs(text: str, sent: _Sentence, ae: _Ent,
                    blocked: set[tuple[int, int]]) -> list[_Ent]:
    """Rule 5: the drug(s) an AE of a sentence reporting one is attributed to when no
    explicit pattern says which.

    The regimen named before the AE ("a patient on X and Y developed Z": the drug just before
    and the drugs coordinated with it, since the text does not single one out); failing
    that the first drug after it, unless the AE is what led to it ("... leading to the
    initiation of another JAK inhibitor")."""
    drugs = sent.drugs
    k = bisect.bisect_left(sent.drug_chars, ae.end_char)
    i = k - 1
    while i >= 0 and not drugs[i].can_cause:
        i -= 1
    if i >= 0:
        group = [drugs[i], *_coordinated(text, sent, drugs, i, -1)]
        return [d for d in _with_appositions(text, sent, group) if _may_cause(ae, d, blocked)]
    for d in drugs[k:]:
        if d.start_char < ae.end_char:
            continue
        gap = text[ae.end_char:d.start_char]
        if cues.CONSEQUENCE.search(gap) and not cues.AE_THEN_DRUG.search(gap):
            return []
        if _may_cause(ae, d, blocked):
            return [x for x in _with_appositions(text, sent, [d]) if _may_cause(ae, x, blocked)]
    return []


def _reports_ae(text: str, sent: _Sentence) -> bool:
    """Whether the sentence reads as reporting an adverse effect (rule 5's gate)."""
    if sent.ade is not None:
        return sent.ade
    return cues.AE_SENTENCE_CUE.search(text, sent.start, sent.end) is not None


def _adverse_events(
    text: str, sent: _Sentence, aes: list[_Ent], blocked: set[tuple[int, int]]
) -> Iterable[tuple[_Ent, _Ent]]:
    """(AE, drug) pairs of one sentence (module docstring, rules 1-5)."""
    links = _ae_by_parentheses(text, sent, aes)
    explicit: dict[int, list[_Ent]] = {}
    population = [_population(text, sent, ae) for ae in aes]
    for i, ae in enumerate(aes):
        if i not in links and not population[i]:
            drugs = _explicit_cause(text, sent, ae, blocked)
            if drugs:
                explicit[i] = drugs
    # rule 4: coordinated AEs share an explicit attribution, forwards then backwards
    for i, j in [(i, i - 1) for i in range(1, len(aes))] + [
            (i, i + 1) for i in range(len(aes) - 2, -1, -1)]:
        if i in links or i in explicit or j not in explicit:
            continue
        a, b = sorted((aes[i], aes[j]), key=lambda e: e.start_char)
        if _full(cues.AE_COORDINATION, text[a.end_char:b.start_char]):
            explicit[i] = [d for d in explicit[j] if _may_cause(aes[i], d, blocked)]
    links.update(explicit)
    gate: bool | None = None
    for i, ae in enumerate(aes):
        if i not in links:
            # a condition is an effect only when the text ties it to the drug: no fallback
            if ae.historical or population[i] or ae.label_ == "CONDITION":
                continue
            if gate is None:
                gate = _reports_ae(text, sent)
            if not gate:
                continue
            links[i] = _fallback_drugs(text, sent, ae, blocked)
        for drug in links[i]:
            yield ae, drug


# --- the component ---------------------------------------------------------------------------


def _sentence_relations(
    text: str, sent: _Sentence, main: _Ent | None
) -> Iterable[tuple[str, _Ent, _Ent]]:
    ents = sent.ents
    drugs = sent.drugs
    for mod in ents:
        rel = MODIFIER_RELATIONS.get(mod.label_)
        if rel and drugs:
            for drug in _modifier_targets(text, sent, mod):
                yield rel, mod, drug
    problems = [e for e in ents if e.label_ in PROBLEM_LABELS]
    if problems and drugs:
        blocked: set[tuple[int, int]] = set()
        treated: set[int] = set()
        for problem in problems:
            for drug in _treated_by(text, sent, problem):
                blocked.add((id(problem), id(drug)))
                treated.add(id(problem))
                yield "treats", problem, drug
        # in a sentence the classifier says reports an adverse drug effect, a condition the
        # context left unlabelled (no indication cue made it one) may be the effect
        aes = [e for e in problems if e.label_ == "ADVERSE_EVENT" or (
            sent.ade and not e.historical and id(e) not in treated
            and not cues.CONDITION_LEAD.search(text, max(sent.start, e.start_char - 40),
                                               e.start_char))]
        for ae in aes:
            before, after = _nearest_drugs(sent, ae)
            for k in (before, after):
                if k is not None and _blocked(text, sent, ae, drugs[k]):
                    blocked.add((id(ae), id(drugs[k])))
        for ae, drug in _adverse_events(text, sent, aes, blocked):
            yield "adverse_event_of", ae, drug
    current = [d for d in drugs if d.current]
    for ent in ents:
        if ent.label_ != "OUTCOME":
            continue
        if current:
            for drug in current:
                yield "outcome_of", ent, drug
        elif main is not None:
            yield "outcome_of", ent, main


def extract_relations(doc: Doc) -> list[Relation]:
    """All relations of ``doc`` (see the module docstring for the rules), in text order."""
    text = doc_text(doc)  # Doc.text is rebuilt from the tokens on every access
    ents = [_Ent(e) for e in doc.ents]
    main = _main_intervention(ents)
    relations: list[Relation] = []
    seen: set[tuple[str, int, int, int, int]] = set()
    sentences = _sentence_groups(doc, ents, text)
    _mark_ade_sentences(doc, sentences)
    for sent in sentences:
        for rel, head, tail in _sentence_relations(text, sent, main):
            key = (rel, head.start, head.end, tail.start, tail.end)
            if key not in seen:
                seen.add(key)
                relations.append((rel, head.span, tail.span))
    return relations


@component("relations")
def relations_component(doc: Doc) -> Doc:
    """Set ``Doc._.relations`` from ``doc.ents``; a condition a relation names as a drug's
    adverse effect becomes an ADVERSE_EVENT."""
    relations = extract_relations(doc)
    effects = {(h.start, h.end) for rel, h, _t in relations
               if rel == "adverse_event_of" and h.label_ == "CONDITION"}
    if effects:
        ents = [Span(doc, e.start, e.end, label="ADVERSE_EVENT")
                if (e.start, e.end) in effects else e for e in doc.ents]
        doc.ents = ents
        by_range = {(e.start, e.end): e for e in doc.ents}
        relations = [(rel, by_range.get((h.start, h.end), h), t) for rel, h, t in relations]
    doc._.relations = relations
    return doc
