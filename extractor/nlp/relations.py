"""Rule-based relations between the entities of a Doc (factory ``extractor_relations``).

Sets ``Doc._.relations`` to ``(type, head, tail)`` triples over ``doc.ents``; the tail is
always a DRUG. Everything is decided inside one sentence (``doc.sents`` when the sentence
component ran, else the whole Doc), from character gaps between entities, so the rules do not
depend on how the tokenizer splits "4mg/day" or "(baricitinib)".

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

Adverse events (``adverse_event_of``), head = ADVERSE_EVENT, first rule that fires:
  1. Attribution in parentheses: "(baricitinib)" after a run of AEs links every AE of that run
     since the last boundary (previous attribution, tab/cell, ";", another drug):
     "Hypercolesterolemia and hypertrigliceridemia (baricitinib), gout (methotrexate)".
  2. Explicit cues: "X-induced Y", "X caused/led to Y", "Y due to / secondary to /
     attributed to / after the first dose of / N months into X".
  3. Otherwise, when the sentence has an AE cue ("developed", "experienced", "adverse",
     "side effect", ...) and the AE is not historical: the nearest drug before it with the
     drugs coordinated with it ("on X and Y developed Z" -> both: the text names a regimen),
     else the first drug after it unless the AE led to it ("..., leading to a switch to X").

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
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.nlp.extensions import doc_text  # (also registers Doc._.relations)

Relation = tuple[str, Span, Span]

MODIFIER_RELATIONS = {
    "DOSE": "dose_of",
    "FREQUENCY": "frequency_of",
    "ROUTE": "route_of",
    "DURATION": "duration_of",
}

# Gap (entity texts removed) between a drug and a modifier after it that still reads as
# "the drug's own dose": "at a dose of", "(", "," ...
_TIGHT_AFTER_DRUG = re.compile(
    r"[\s,:;()\[\]/+-]*(?:(?:at|a|an|the|of|in|dose|doses|dosage|doses of|mean|median|starting|"
    r"initial|total|was|were|given|administered|daily|usual|standard|reduced|increased|"
    r"maintenance|then|up|to)\b[\s,:()\[\]/-]*)*",
    re.IGNORECASE,
)
# Gap between a modifier and a drug after it: "of", "with", "of combination therapy with".
_LEADS_TO_DRUG = re.compile(
    r"[\s,(-]*(?:(?:of|with|the|combination|combined|therapy|treatment|regimen|course|"
    r"monotherapy|add-on|oral|topical)\b[\s,(-]*)*",
    re.IGNORECASE,
)
_ROUTE_BEFORE_DRUG = re.compile(r"[\s(-]*", re.IGNORECASE)
# Drugs joined only by a connector form one coordinated group.
_COORDINATION = re.compile(
    r"[\s,;]*(?:(?:and|plus|or|with|together with|combined with|in combination with)\b|[+&/])?"
    r"[\s,]*",
    re.IGNORECASE,
)
_PAREN_CONNECTORS = re.compile(r"[\s,;/+&]*(?:(?:and|or|plus)\b[\s,;/+&]*)*", re.IGNORECASE)
_PAREN_GROUP = re.compile(r"\(([^()]{1,120})\)")
# Boundaries that end the run of AEs an attribution in parentheses can cover.
_SEGMENT_BREAK = re.compile(r"[\t;\n]|\.\s")

# Drug -> AE cues (drug first): "methotrexate-induced hepatitis", "X led to Y".
_DRUG_THEN_AE_ADJ = re.compile(
    r"\s*-?\s*(?:induced|associated|related|mediated|attributed|caused|triggered)\s*"
    r"(?:[\w-]+\s+){0,3}",
    re.IGNORECASE,
)
_DRUG_THEN_AE_VERB = re.compile(
    r"\b(?:caused|causing|induced|inducing|led to|leading to|resulted in|resulting in|"
    r"triggered|provoked|precipitated)\b",
    re.IGNORECASE,
)
# AE -> drug cues (AE first): "nausea after the first dose of dupilumab", "Y due to X".
_AE_THEN_DRUG = re.compile(
    r"\b(?:due to|secondary to|caused by|induced by|attributed to|attributable to|"
    r"associated with|related to|after|following|into|upon|on starting|while on|"
    r"during treatment with|during therapy with|with the use of)\b",
    re.IGNORECASE,
)
_AE_SENTENCE_CUE = re.compile(
    r"\b(?:adverse|side[- ]effects?|toxicit\w*|developed|experienced|presented with|suffered|"
    r"induced|caused|due to|secondary to|attributed|after|following|into|intoleran\w*|"
    r"reported|observed|occurred|complicat\w*|led to|leading to|discontinu\w*)",
    re.IGNORECASE,
)
# Between an AE and a drug after it: the drug is the AE's consequence, not its cause.
_CONSEQUENCE = re.compile(
    r"\b(?:lead(?:ing)? to|led to|result(?:ed|ing)? in|switch\w*|replac\w*|initiat\w*|"
    r"start\w*|discontinu\w*|stop\w*|withdr[ae]w\w*|interrupt\w*|changed to|treated with|"
    r"managed with)",
    re.IGNORECASE,
)
_MAX_CUE_GAP = 80  # characters between an AE and its drug for a cue to count
_MAX_PAREN_GAP = 100  # characters between an AE and the "(drug)" that attributes it


class _Ent:
    """An entity with what the rules read, looked up once (Span attributes and ``span._``
    extensions are slow to read again and again)."""

    __slots__ = ("span", "label_", "start", "end", "start_char", "end_char", "historical",
                 "current", "name")

    def __init__(self, span: Span) -> None:
        self.span = span
        self.label_ = span.label_
        self.start, self.end = span.start, span.end
        self.start_char, self.end_char = span.start_char, span.end_char
        self.historical = self.current = False
        self.name = ""
        if self.label_ in ("DRUG", "ADVERSE_EVENT"):
            ext = span._
            self.historical = bool(ext.historical)
            self.current = not self.historical and not ext.negated
            if self.label_ == "DRUG":
                self.name = str(ext.norm_name or span.text.lower())  # drug_name(span)


class _Sentence:
    """A sentence's character range and its entities (in text order)."""

    __slots__ = ("start", "end", "ents")

    def __init__(self, start: int, end: int, ents: list[_Ent]) -> None:
        self.start, self.end, self.ents = start, end, ents


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


def _gap(text: str, ents: list[_Ent], start: int, end: int) -> str:
    """Text of doc between two character offsets with the entities inside it blanked out."""
    if end <= start:
        return ""
    parts: list[str] = []
    pos = start
    for e in ents:
        if e.end_char <= start or e.start_char >= end:
            continue
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


def _coordinated(text: str, ents: list[_Ent], drugs: list[_Ent], i: int, step: int) -> list[_Ent]:
    """Drugs coordinated with drugs[i], walking in direction ``step`` (+1 forward, -1 back)."""
    group: list[_Ent] = []
    j = i
    while 0 <= j + step < len(drugs):
        a, b = (drugs[j], drugs[j + step]) if step > 0 else (drugs[j + step], drugs[j])
        if not _full(_COORDINATION, _gap(text, ents, a.end_char, b.start_char)):
            break
        j += step
        group.append(drugs[j])
    return group


def _modifier_targets(text: str, ents: list[_Ent], drugs: list[_Ent], mod: _Ent) -> list[_Ent]:
    starts = [d.start for d in drugs]
    k = bisect.bisect_left(starts, mod.end)  # first drug after the modifier
    prev = k - 1 if k - 1 >= 0 and drugs[k - 1].end <= mod.start else None
    nxt = k if k < len(drugs) else None
    gap_prev = _gap(text, ents, drugs[prev].end_char, mod.start_char) if prev is not None else ""
    gap_next = _gap(text, ents, mod.end_char, drugs[nxt].start_char) if nxt is not None else ""

    if mod.label_ == "ROUTE" and nxt is not None and _full(_ROUTE_BEFORE_DRUG, gap_next):
        chosen = nxt
    elif prev is not None and _full(_TIGHT_AFTER_DRUG, gap_prev):
        chosen = prev
    elif nxt is not None and _full(_LEADS_TO_DRUG, gap_next):
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
        targets += _coordinated(text, ents, drugs, chosen, step)
    return targets


# --- adverse events --------------------------------------------------------------------------


def _paren_attributions(
    text: str, sent: _Sentence, drugs: list[_Ent]
) -> list[tuple[int, int, list[_Ent]]]:
    """(open paren offset, close paren offset, drugs) for "(drug)"/"(drug and drug)" groups.

    An apposition ("a JAK inhibitor (baricitinib)") attributes nothing: the drug before the
    parentheses ends the run of AEs (see ``_ae_by_parentheses``)."""
    lo, hi = sent.start, sent.end
    found: list[tuple[int, int, list[_Ent]]] = []
    for m in _PAREN_GROUP.finditer(text, lo, hi):
        inner = [d for d in drugs if m.start(1) <= d.start_char and d.end_char <= m.end(1)]
        if not inner or not _full(_PAREN_CONNECTORS, _gap(text, inner, m.start(1), m.end(1))):
            continue
        found.append((m.start(), m.end(), inner))
    return found


def _ae_by_parentheses(
    text: str, sent: _Sentence, drugs: list[_Ent], aes: list[_Ent]
) -> dict[int, list[_Ent]]:
    """AE index -> the drugs of the parenthesized attribution that closes its run."""
    links: dict[int, list[_Ent]] = {}
    seg_start = sent.start
    for open_at, close_at, inner in _paren_attributions(text, sent, drugs):
        start = seg_start
        for brk in _SEGMENT_BREAK.finditer(text, seg_start, open_at):
            start = brk.end()
        for d in drugs:  # another drug before the parentheses ends the run too
            if start <= d.start_char and d.end_char <= open_at and d not in inner:
                start = d.end_char
        for i, ae in enumerate(aes):
            if (i not in links and start <= ae.start_char and ae.end_char <= open_at
                    and open_at - ae.end_char <= _MAX_PAREN_GAP):
                links[i] = inner
        seg_start = close_at
    return links


def _ae_by_cue(text: str, ents: list[_Ent], drugs: list[_Ent], ae: _Ent) -> _Ent | None:
    starts = [d.start for d in drugs]
    k = bisect.bisect_left(starts, ae.end)
    if k - 1 >= 0 and drugs[k - 1].end <= ae.start:
        before = drugs[k - 1]
        gap = text[before.end_char:ae.start_char]
        if len(gap) <= _MAX_CUE_GAP and (
            _full(_DRUG_THEN_AE_ADJ, gap) or _DRUG_THEN_AE_VERB.search(gap)
        ):
            return before
    if k < len(drugs):
        after = drugs[k]
        gap = text[ae.end_char:after.start_char]
        if len(gap) <= _MAX_CUE_GAP and "\t" not in gap and _AE_THEN_DRUG.search(gap):
            return after
    return None


def _fallback_drugs(text: str, ents: list[_Ent], drugs: list[_Ent], ae: _Ent) -> list[_Ent]:
    """The drug(s) a cued AE is attributed to when no explicit pattern says which.

    The regimen named before the AE ("a patient on X and Y developed Z": the drug just before
    and the drugs coordinated with it, since the text does not single one out); failing
    that the first drug after it, unless the AE is what led to it ("... leading to the
    initiation of another JAK inhibitor")."""
    before = [i for i, d in enumerate(drugs) if d.end <= ae.start]
    if before:
        i = before[-1]
        return [drugs[i], *_coordinated(text, ents, drugs, i, -1)]
    after = drugs[0]  # no drug before: all are after
    if _CONSEQUENCE.search(text, ae.end_char, after.start_char):
        return []
    return [after]


# --- the component ---------------------------------------------------------------------------


def _sentence_relations(
    text: str, sent: _Sentence, main: _Ent | None
) -> Iterable[tuple[str, _Ent, _Ent]]:
    ents = sent.ents
    drugs = [e for e in ents if e.label_ == "DRUG"]
    aes = [e for e in ents if e.label_ == "ADVERSE_EVENT"]
    for mod in ents:
        rel = MODIFIER_RELATIONS.get(mod.label_)
        if rel and drugs:
            for drug in _modifier_targets(text, ents, drugs, mod):
                yield rel, mod, drug
    if aes and drugs:
        by_paren = _ae_by_parentheses(text, sent, drugs, aes)
        sentence_cue: bool | None = None
        for i, ae in enumerate(aes):
            if i in by_paren:
                for drug in by_paren[i]:
                    yield "adverse_event_of", ae, drug
                continue
            cued = _ae_by_cue(text, ents, drugs, ae)
            if cued is not None:
                yield "adverse_event_of", ae, cued
                continue
            if ae.historical:
                continue
            if sentence_cue is None:
                sentence_cue = _AE_SENTENCE_CUE.search(text[sent.start:sent.end]) is not None
            if sentence_cue:
                for drug in _fallback_drugs(text, ents, drugs, ae):
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
    for sent in _sentence_groups(doc, ents, text):
        for rel, head, tail in _sentence_relations(text, sent, main):
            key = (rel, head.start, head.end, tail.start, tail.end)
            if key not in seen:
                seen.add(key)
                relations.append((rel, head.span, tail.span))
    return relations


@Language.component("extractor_relations")
def relations_component(doc: Doc) -> Doc:
    """Set ``Doc._.relations`` from ``doc.ents``."""
    doc._.relations = extract_relations(doc)
    return doc
