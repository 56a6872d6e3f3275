"""Context of each entity: negation, speculation, history, and the AE-vs-condition role.

Runs after ``extractor_resolve`` (``doc.ents`` exist). One PhraseMatcher pass finds every
trigger phrase of ``models/context_rules.tsv``; each trigger then walks its scope over the
tokens of its sentence, forward or backward, and marks the entities it reaches. How far
each kind of trigger reaches, which labels and what it sets is data too: ``SCOPES`` below
(medspaCy ConText's rule fields), read by one loop over the triggers.

Scope (NegEx-like, implemented here because negspacy stops at the first entity/chunk):

* it never crosses a sentence start, a line break or a table-cell tab;
* it stops at a terminator ("but", "however", "which", ";", "patients with", ...), and at a
  new clause: "and"/","/"or" followed by a verb or pronoun ("no fever and developed a rash");
* it has a window of *free* tokens (tokens outside entities that are not list glue such as
  ",", "or", "such as"); every entity reached restarts a shorter window, so a coordinated
  list ("no X, such as A, B, C or D, were reported") is covered to its last item;
* text in parentheses is crossed without counting or stopping ("(range, 3-33 months)");
* DRUG/DOSE/FREQUENCY/ROUTE/DURATION are negated only right after the trigger (at most two
  free tokens, no preposition but "with" between): "no response to X" does not negate X.

Triggers that overlap an entity are ignored: the "no" of an OUTCOME "no response" negates
nothing else. Overlapping triggers resolve longest-first ("not ruled out" is speculation).

History also comes from tables: ``Document.text`` lays a table out one row per line, cells
separated by tabs, header row first. A block of consecutive tab lines is one table; the
entity's column is the number of tabs before it on its line, and the header line's cell in
that column decides: "previous"/"prior"/"failed"/"history" makes a DRUG (and its dose, ...)
historical; "adverse"/"side effect"/"toxicity" makes a condition an ADVERSE_EVENT;
"comorbid"/"disease"/"diagnosis"/"indication" keeps it a CONDITION. Only the first line of
a table block is taken as its header.

Role (CONDITION vs ADVERSE_EVENT), first rule that applies wins:

1. direct attribution to a drug -> ADVERSE_EVENT: "methotrexate-induced X", "X (baricitinib)"
   (also "X and Y (baricitinib)"), "X due to / associated with / after the first dose of DRUG"
   (``ae_link``: a DRUG within three free tokens after the link, doses and "therapy with"
   passed), or the entity's own text ("hepatotoxicity", "drug-induced ...");
2. the table column's header (adverse -> AE, comorbidity/disease -> CONDITION);
3. history ("history of X", "previous X") -> CONDITION;
4. an indication cue just before ("patients with", "for", "diagnosed with", "to treat") ->
   CONDITION;
5. an AE cue -> ADVERSE_EVENT: in the list after/before "adverse events/effects", "side
   effects", "toxicity"; after "developed", "experienced", "may cause"; before "leading to
   discontinuation"; before a weak link to a DRUG ("X after / during / following DRUG",
   ``ae_weak``); negated and before "were reported/observed" ("no X were reported");
6. otherwise the label is kept.

An ADVERSE_EVENT from the lexicon becomes a CONDITION only by rules 2-4.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from spacy.attrs import IS_SPACE, LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractor import resources
from extractor.nlp.extensions import doc_text  # (also registers the Span attributes)
from extractor.nlp.factories import factory
from extractor.nlp.status import (
    CITATION,
    FRONT_MATTER,
    PROBLEMS,
    Cue,
    Findings,
    SectionIndex,
    SentenceCues,
    status_of,
)

RULES_PATH = resources.context_rules()

# doc.user_data key: [start, end, rule] of each problem whose role a rule of this component
# decided (token offsets; rule: one of ROLE_RULES); extractor.nlp.problem_role reads them
ROLE_DECIDED = "extractor.role_decided"
# the role rules of the module docstring, 1 to 5
ROLE_RULES = ("attribution", "table", "history", "indication", "ae_cue")

# Kinds that describe a whole sentence (extractor/nlp/status.py), not a scope.
SENTENCE_KINDS = ("patient_cue", "background_cue", "eligibility_cue", "measurement_cue")

KINDS = (
    "neg_pre", "neg_post", "neg_pseudo", "hist_pseudo", "neg_outcome", "term",
    "spec_pre", "spec_post",
    "hist_pre", "hist_from", "hist_post", "hist_term",
    "ae_cue", "ae_verb", "ae_link", "ae_weak", "ae_lead", "ae_report", "cond_pre",
    "plan_pre", "plan_post", "hypo_pre", "hypo_post", "excl_pre", "excl_post",
    "measure_pre", "measure_post", "measure_back", "family_pre", "spec_rest", "ae_list",
    *SENTENCE_KINDS,
)

AE, COND, OUTCOME, DRUG = "ADVERSE_EVENT", "CONDITION", "OUTCOME", "DRUG"
CLINICAL = frozenset({AE, COND, OUTCOME})
# Labels whose history matters (outcomes at baseline are not "prior therapy").
HISTORY_LABELS = frozenset({DRUG, "DOSE", "FREQUENCY", "ROUTE", "DURATION", AE, COND})

# Tokens that join list items and do not count towards a scope window.
GLUE = frozenset({
    ",", "and", "or", "/", "&", "and/or", "such", "as", "including", "include", "includes",
    "included", "e.g.", "e.g", "eg", "i.e.", "i.e", "ie", "like", "either", "both", "—", "–",
    "-", "(", ")", "[", "]", "etc", "etc.", "any", "the", "a", "an",
})
# After "and"/","/"or" these start a new clause, which ends a scope.
CLAUSE_STARTS = frozenset({
    "was", "were", "is", "are", "had", "has", "have", "did", "does", "developed",
    "experienced", "showed", "presented", "received", "required", "achieved", "reported",
    "led", "resulted", "started", "continued", "then", "he", "she", "they", "it", "this",
    "these", "we", "who", "which",
})

# For DRUG-like labels, a preposition between trigger and entity blocks negation.
BLOCKING_PREPS = frozenset({
    "to", "after", "in", "on", "during", "for", "following", "of", "from", "by", "at",
    "than", "before", "since", "until", "versus", "vs", "vs.",
})


_STRINGS = StringStore()  # string hashes are the same in every StringStore


def hash_string(word: str) -> int:
    """spaCy's hash of ``word`` (what ``Token.lower`` holds for a lower-case word)."""
    return int(_STRINGS.add(word))


def _h(words: frozenset[str]) -> frozenset[int]:
    """Lower-case words as spaCy string hashes (the walks compare token LOWER ids)."""
    return frozenset(hash_string(w) for w in words)


GLUE_H, CLAUSE_STARTS_H, BLOCKING_PREPS_H = _h(GLUE), _h(CLAUSE_STARTS), _h(BLOCKING_PREPS)
# Who an eligibility criterion is about ("patients receiving X were excluded").
PEOPLE_H = _h(frozenset({
    "patients", "patient", "participants", "participant", "subjects", "subject", "those",
    "individuals", "women", "men", "children", "adults", "infants", "neonates", "volunteers",
    "anyone", "people", "persons", "cases",
}))
CLAUSE_JOINERS_H = _h(frozenset({"and", ",", "or"}))
OPEN_H, CLOSE_H, TO_H = hash_string("("), hash_string(")"), hash_string("to")
HYPHEN_H = hash_string("-")
# A verb right after the entities a scope has reached starts the predicate: the subject
# was negated, the rest is not ("patients without X had Y").
PREDICATES = (CLAUSE_STARTS - {"was", "were", "is", "are", "did", "does", "then", "he", "she",
                               "they", "it", "this", "these", "we", "who", "which"}) | {
    "can", "may", "might", "could", "will", "would", "should", "must", "cause", "causes",
    "caused", "induced", "improved", "resolved", "worsened", "appeared", "occurred",
}
# In a negation scope, a copula starts the predicate unless it reports the (absent) thing:
# "no X was reported" goes on, "without any problems was commenced on Y" stops.
COPULAS_H = _h(frozenset({"was", "were", "is", "are", "has", "have", "had", "been"}))
REPORTING_H = _h(frozenset({
    "reported", "observed", "seen", "noted", "detected", "found", "identified", "documented",
    "recorded", "present", "evident", "noticed", "described", "experienced", "been", "not",
}))
PREDICATES_H = _h(PREDICATES)
# Walking backward, these end a scope (a copula does not: "X and Y were the commonest AEs").
BACK_STOPS_H = _h(CLAUSE_STARTS - {"was", "were", "is", "are"})
# After a drug in parentheses, a number: the share of an arm ("(drug, 12.2%; placebo, 5%)").
ARM_SHARE = re.compile(r"\s*[,:=]\s*[<>≤≥]?\s*\d")
# A laboratory value right after a drug name: the drug is an analyte ("folate 4 ng/mL").
LAB_VALUE = re.compile(
    r"\s*(?:level\s+)?(?:of|was|were|:|=)?\s*\(?\s*[<>≤≥]?\s*\d+(?:[.,·]\d+)?\s*"
    r"(?:mEq/L|mmol/L|mg/dL|mg/dl|mg/L|g/dL|g/L|µg/mL|μg/mL|ug/mL|µg/L|μg/L|ng/mL|ng/ml|"
    r"ng/dL|pg/mL|pg/ml|µmol/L|μmol/L|umol/L|nmol/L|pmol/L|IU/L|U/L|mIU/L|mIU/mL|µIU/mL|"
    r"μIU/mL|mU/L)(?![A-Za-z])"
)
# After "leading to", one of these makes the preceding condition an adverse event.
STOP_WORDS = re.compile(
    r"discontinu|interrupt|withdraw|cessation|stop|titrat|reduc|hospitali|switch|suspen|"
    r"dose|taper"
)
HEADER_HISTORY = re.compile(r"previous|prior|failed|history|past\b|before", re.I)
HEADER_AE = re.compile(r"adverse|side[- ]?effect|toxicit|\baes?\b|safety|complication", re.I)
HEADER_COND = re.compile(r"comorbid|disease|diagnos|indication|condition|underlying", re.I)
# Entities a "due to ... DRUG" link passes on its way to the drug.
PASSABLE = frozenset({"ROUTE", "DOSE", "FREQUENCY"})
# Words between a link and its drug that do not count ("after commencement of X therapy").
THERAPY_WORDS_H = _h(frozenset({
    "therapy", "treatment", "use", "administration", "of", "with", "the", "a", "an",
    "combination", "commencement", "initiation", "beginning", "start", "single", "dose",
    "doses", "high", "low", "high-dose", "low-dose", "intake", "exposure", "to", "by",
}))
# An entity whose own text says it is drug-caused ("hepatotoxicity", "lithium poisoning").
# ("-related"/"-associated" only after a treatment word: "age-related X" is no AE.)
AE_TEXT = re.compile(
    r"toxic|poisoning|overdose|intoxication|-induced|-triggered|-provoked|"
    r"(drug|treatment|therapy|medication|vaccine|injection)-(related|associated)"
)
# "methotrexate-induced", "drug-related" in one token before the entity.
AE_SUFFIX = re.compile(
    r"-(induced|triggered|provoked)$|"
    r"(drug|treatment|therapy|medication|vaccine|injection)-(related|associated)$"
)


@lru_cache(maxsize=4)
def load_rules(path: str | Path = RULES_PATH) -> dict[str, tuple[str, ...]]:
    """Trigger phrases per kind from the TSV rules file (cached)."""
    rules: dict[str, list[str]] = {k: [] for k in KINDS}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, phrase = line.partition("\t")
        if kind not in rules or not phrase.strip():
            raise ValueError(f"{path}:{n}: bad rule line {line!r}")
        rules[kind].append(phrase.strip().lower())
    return {k: tuple(v) for k, v in rules.items()}


# What each scope kind sets on the entities it reaches: a trigger finding (the first trigger
# to reach an entity is its evidence) or a role cue (rules 1, 4 and 5 above).
FINDINGS = ("negated", "uncertain", "historical", "planned", "hypothetical", "excluded",
            "measured", "family")
ROLE_CUES = ("direct_ae", "cond_cue", "ae_cue", "reported")
# Kinds that only stop or silence other triggers (handled while matching, never walked).
NON_SCOPE_KINDS = frozenset({"term", "neg_pseudo", "hist_pseudo", "hist_term",
                             *SENTENCE_KINDS})


@dataclass(frozen=True)
class Scope:
    """How far a trigger kind reaches and what it sets: medspaCy ConText's rule fields
    (direction, ``max_scope``, ``allowed_types``, ``terminated_by``) for this module's walks.

    A walk window is ``(max_scope, chain)``: free tokens crossed before the first entity,
    then after each entity reached (so coordinated lists are covered to their last item).
    Every walk stops at a ``term`` trigger, a sentence start, a line break or a new clause.
    """

    sets: str  # one of FINDINGS or ROLE_CUES
    forward: tuple[int, int] | None = None  # a walk from the trigger's end
    backward: tuple[int, int] | None = None  # a walk back from its start
    # "next": only the entity right after the trigger ("serum X"); "previous": right before
    # it, past a hyphen ("X levels", "X-resistant")
    adjacent: Literal["next", "previous"] | None = None
    allowed_types: frozenset[str] | None = None  # labels reached at any distance (None: all)
    # other labels only within (n, n for a trigger of 3+ tokens) free tokens of the trigger
    # and with no preposition between ("no X", not "no response to X"; "no exposure to X")
    near: tuple[int, int] | None = None
    terminated_by: frozenset[str] = frozenset()  # also stops at: "hist_term", the word "to"
    negation: bool = False  # a copula that does not report the thing ends the scope
    nearest_only_after: frozenset[str] = frozenset()  # first words: only the nearest entity
    # a condition around the trigger: "people_before" ("patients taking X were excluded";
    # without people the phrase is a negation), "drug_follows" (a DRUG within three free
    # tokens after it), "stop_word_after" (discontinuation etc. within five tokens)
    requires: Literal["people_before", "drug_follows", "stop_word_after"] | None = None


_HISTORY = frozenset({"hist_term"})
SCOPES: dict[str, Scope] = {
    "neg_pre": Scope("negated", forward=(8, 5), allowed_types=CLINICAL, near=(2, 5),
                     negation=True),
    "neg_outcome": Scope("negated", forward=(6, 4), allowed_types=frozenset({OUTCOME}),
                         negation=True),
    "neg_post": Scope("negated", backward=(3, 3), nearest_only_after=frozenset({"was", "is"})),
    "spec_pre": Scope("uncertain", forward=(4, 3)),
    "spec_post": Scope("uncertain", backward=(2, 2)),
    "spec_rest": Scope("uncertain", forward=(40, 40)),
    "hist_pre": Scope("historical", forward=(6, 5), terminated_by=_HISTORY),
    "hist_from": Scope("historical", forward=(6, 5), terminated_by=_HISTORY | {"to"}),
    "hist_post": Scope("historical", backward=(6, 5), terminated_by=_HISTORY),
    "plan_pre": Scope("planned", forward=(4, 3)),
    "plan_post": Scope("planned", backward=(3, 2)),
    "hypo_pre": Scope("hypothetical", forward=(5, 3)),
    "hypo_post": Scope("hypothetical", backward=(3, 2)),
    "excl_pre": Scope("excluded", forward=(8, 5)),
    "excl_post": Scope("excluded", backward=(6, 5), requires="people_before"),
    "measure_pre": Scope("measured", adjacent="next"),
    "measure_post": Scope("measured", adjacent="previous"),
    "measure_back": Scope("measured", backward=(3, 3)),
    "family_pre": Scope("family", forward=(4, 3)),
    "ae_cue": Scope("ae_cue", forward=(6, 5), backward=(3, 2)),
    "ae_list": Scope("ae_cue", forward=(40, 40)),
    "ae_verb": Scope("ae_cue", forward=(4, 3)),
    "ae_link": Scope("direct_ae", backward=(3, 2), requires="drug_follows"),
    "ae_weak": Scope("ae_cue", backward=(3, 2), requires="drug_follows"),
    "ae_lead": Scope("ae_cue", backward=(5, 2), requires="stop_word_after"),
    "ae_report": Scope("reported", backward=(3, 3)),
    "cond_pre": Scope("cond_cue", forward=(3, 2)),
}
# a kind without a scope would do nothing, a scope that sets nothing known would fail later
if (set(SCOPES) | NON_SCOPE_KINDS != set(KINDS)
        or {s.sets for s in SCOPES.values()} - {*FINDINGS, *ROLE_CUES}):
    raise RuntimeError("context: SCOPES disagree with KINDS, FINDINGS or ROLE_CUES")


@dataclass
class _Trigger:
    kind: str
    start: int
    end: int
    text: str


class _Walker:
    """Scope walks over one Doc (per-doc token arrays computed once)."""

    def __init__(self, doc: Doc, ents: list[Span], terms: set[int], hist_terms: set[int]):
        self.doc = doc
        self.n = len(doc)
        arr = doc.to_array([SENT_START, IS_SPACE, LOWER])
        sent_start = arr[:, 0] == 1
        spaces = np.nonzero(arr[:, 1])[0]
        # Token LOWER hashes as Python ints: comparisons without creating Token objects.
        self.lower: list[int] = arr[:, 2].tolist()
        # Line breaks and tabs (table cells) are hard boundaries, like sentence starts.
        self.space_tokens = [i for i in spaces.tolist()
                             if "\n" in (t := doc[i].text) or "\t" in t]
        self.breaks = set(self.space_tokens)
        self.sent_starts = set(np.flatnonzero(sent_start).tolist())
        self.tok2ent: dict[int, int] = {}
        for k, e in enumerate(ents):
            for i in range(e.start, e.end):
                self.tok2ent[i] = k
        self.ents = ents
        self.terms = terms
        self.hist_terms = hist_terms

    def _free(self, i: int) -> bool:
        return self.lower[i] not in GLUE_H

    def _clause_break(self, i: int) -> bool:
        return self.lower[i] in CLAUSE_JOINERS_H and i + 1 < self.n and \
            self.lower[i + 1] in CLAUSE_STARTS_H

    def _paren_end(self, i: int, limit: int) -> int:
        """Index of the ")" closing the "(" at i, or -1 (within ``limit`` and the line)."""
        depth = 0
        for j in range(i, min(self.n, i + 40, limit)):
            if j in self.breaks:
                return -1
            t = self.lower[j]
            if t == OPEN_H:
                depth += 1
            elif t == CLOSE_H:
                depth -= 1
                if depth == 0:
                    return j
        return -1

    def forward(self, start: int, first: int, chain: int, stop_at_to: bool = False,
                history: bool = False, negation: bool = False) -> list[tuple[int, int, bool]]:
        """Entities reached walking forward from token ``start``.

        Returns (entity index, free tokens before it, preposition passed) triples.
        """
        out: list[tuple[int, int, bool]] = []
        count, total, prep = 0, 0, False
        limit = first
        i = start
        while i < self.n:
            if i in self.breaks or (i > start and i in self.sent_starts) or i in self.terms:
                break
            if history and i in self.hist_terms:
                break
            k = self.tok2ent.get(i)
            if k is not None:
                out.append((k, total, prep))
                i = self.ents[k].end
                count, limit = 0, chain
                continue
            low = self.lower[i]
            if low == OPEN_H:
                close = self._paren_end(i, self.n)
                if close > 0:
                    aside = range(i + 1, close)
                    if any(j in self.terms for j in aside):
                        break  # "(despite X ...)": a clause of its own ends the scope
                    for j in aside:
                        kk = self.tok2ent.get(j)
                        if kk is not None and (not out or out[-1][0] != kk):
                            out.append((kk, total, prep))
                    i = close + 1
                    continue
            if self._clause_break(i) or (stop_at_to and low == TO_H):
                break
            if out and low in PREDICATES_H:
                break
            if negation and i > start and low in COPULAS_H and i + 1 < self.n \
                    and self.lower[i + 1] not in REPORTING_H:
                break
            if low in BLOCKING_PREPS_H:
                prep = True
            if self._free(i):
                count += 1
                total += 1
                if count > limit:
                    break
            i += 1
        return out

    def backward(self, end: int, first: int, chain: int, nearest_only: bool = False,
                 history: bool = False) -> list[int]:
        """Entities reached walking backward from the token before ``end``."""
        out: list[int] = []
        count, limit = 0, first
        i = end - 1
        while i >= 0:
            if i in self.breaks or i in self.terms or (history and i in self.hist_terms):
                break
            k = self.tok2ent.get(i)
            if k is not None:
                out.append(k)
                if nearest_only:
                    break
                i = self.ents[k].start - 1
                count, limit = 0, chain
                if self.ents[k].start in self.sent_starts:
                    break
                continue
            if self.lower[i] in BACK_STOPS_H:
                break
            if self._free(i):
                count += 1
                if count > limit:
                    break
            if i in self.sent_starts:
                break
            i -= 1
        return out


class _TableIndex:
    """Header cell of the table column holding a character offset (see module docstring).

    Built from the whitespace tokens alone (tabs and newlines live only there), so the
    Doc's text is never rebuilt: lines start after each "\n", cells are split by "\t".
    """

    def __init__(self, doc: Doc, space_tokens: list[int]) -> None:
        self.doc = doc
        self.line_starts: list[int] = [0]
        self.line_tabs: list[list[int]] = [[]]
        for i in space_tokens:
            tok = doc[i]
            for pos, ch in enumerate(tok.text):
                if ch == "\n":
                    self.line_starts.append(tok.idx + pos + 1)
                    self.line_tabs.append([])
                elif ch == "\t":
                    self.line_tabs[-1].append(tok.idx + pos)
        # For each line of a table block, the index of the block's first (header) line.
        self.header_line: list[int] = []
        first = -1
        for n, tabs in enumerate(self.line_tabs):
            if not tabs:
                first = -1
            elif first < 0:
                first = n
            self.header_line.append(first)
        self._cells: dict[int, list[str]] = {}
        self.has_tables = any(self.line_tabs)

    def _header_cells(self, n: int) -> list[str]:
        if n not in self._cells:
            tabs = self.line_tabs[n]
            last = self.doc[-1]
            end = self.line_starts[n + 1] - 1 if n + 1 < len(self.line_starts) else \
                last.idx + len(last.text)
            bounds = [self.line_starts[n], *(t + 1 for t in tabs)]
            stops = [*tabs, end]
            cells = []
            for a, b in zip(bounds, stops, strict=True):
                span = self.doc.char_span(a, b, alignment_mode="expand")
                cells.append(span.text if span is not None else "")
            self._cells[n] = cells
        return self._cells[n]

    def header_of(self, offset: int) -> str | None:
        n = bisect.bisect_right(self.line_starts, offset) - 1
        first = self.header_line[n]
        if first < 0 or first == n:  # not in a table, or on the header line itself
            return None
        col = bisect.bisect_left(self.line_tabs[n], offset)
        cells = self._header_cells(first)
        return cells[col] if col < len(cells) else None


def _cue(doc: Doc, t: _Trigger | None) -> Cue | None:
    """A trigger as status evidence, with character offsets into the text."""
    if t is None:
        return None
    if t.end <= t.start:  # not a phrase of the text (a table header)
        return Cue(f"trigger:{t.kind}", t.text)
    return Cue(f"trigger:{t.kind}", doc[t.start:t.end].text, doc[t.start].idx,
               doc[t.end - 1].idx + len(doc[t.end - 1]))


class _SentenceCueIndex:
    """The sentence-level cues (patient, background, eligibility) of each sentence."""

    def __init__(self, doc: Doc, w: _Walker, cues: list[_Trigger]) -> None:
        self.starts = sorted(w.sent_starts | {0})
        found: dict[int, dict[str, _Trigger]] = {}
        for t in cues:
            found.setdefault(self._index(t.start), {}).setdefault(t.kind, t)
        self.doc = doc
        self.found = found
        self._cache: dict[int, SentenceCues] = {}

    def _index(self, token: int) -> int:
        return bisect.bisect_right(self.starts, token) - 1

    def at(self, token: int) -> SentenceCues:
        """Cues of the sentence holding ``token`` (a citation marker is a background cue)."""
        i = self._index(token)
        if i not in self._cache:
            kinds = self.found.get(i, {})
            background = _cue(self.doc, kinds.get("background_cue"))
            if background is None:
                end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.doc)
                sentence = self.doc[self.starts[i]:end]
                m = CITATION.search(sentence.text)
                if m:
                    start = sentence.start_char + m.start()
                    background = Cue("citation", m.group(0), start, start + len(m.group(0)))
            self._cache[i] = SentenceCues(_cue(self.doc, kinds.get("patient_cue")), background,
                                          _cue(self.doc, kinds.get("eligibility_cue")),
                                          _cue(self.doc, kinds.get("measurement_cue")))
        return self._cache[i]


class ContextComponent:
    """spaCy component setting ``negated``, ``uncertain``, ``historical`` and AE roles."""

    def __init__(self, nlp: Language, rules_path: str | Path = RULES_PATH,
                 scopes: Mapping[str, Scope] = SCOPES) -> None:
        self.rules = load_rules(str(rules_path))
        self.scopes = scopes  # one Scope per kind of trigger that walks (SCOPES' kinds)
        self.vocab = nlp.vocab
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for kind, phrases in self.rules.items():
            if phrases:
                self.matcher.add(kind, [nlp.make_doc(p) for p in phrases])

    def _triggers(self, doc: Doc, ents: list[Span]
                  ) -> tuple[list[_Trigger], set[int], set[int], list[_Trigger]]:
        """Scope triggers (overlaps resolved longest-first), terminator and history-stop
        positions (kept even inside a longer trigger: "in patients with" is both a stop
        and an indication cue), and sentence cues. Anything overlapping an entity is
        dropped."""
        ent_tokens = {i for e in ents for i in range(e.start, e.end)}
        spans: list[Span] = []
        cues: list[_Trigger] = []
        pseudo: set[int] = set()
        hist_pseudo: set[int] = set()
        terms: set[int] = set()
        hist_terms: set[int] = set()
        for match_id, start, end in self.matcher(doc):
            if any(i in ent_tokens for i in range(start, end)):
                continue
            kind = self.vocab.strings[match_id]
            if kind == "term":
                terms.add(start)
            elif kind == "hist_term":
                hist_terms.add(start)
            elif kind == "neg_pseudo":
                pseudo.update(range(start, end))
            elif kind == "hist_pseudo":
                hist_pseudo.update(range(start, end))
            elif kind in SENTENCE_KINDS:
                cues.append(_Trigger(kind, start, end, doc[start:end].text.lower()))
            else:
                if kind == "hist_post":  # "A prior to starting B": a forward history stops
                    hist_terms.add(start)
                spans.append(Span(doc, start, end, label=kind))
        # A pseudo-negation silences every negation trigger it overlaps ("is not only").
        spans = [sp for sp in spans if not (sp.label_.startswith("neg_")
                                            and any(i in pseudo for i in range(sp.start, sp.end)))]
        # ... and a time anchor of the case silences history ("prior to admission")
        spans = [sp for sp in spans if not (sp.label_.startswith("hist_") and any(
            i in hist_pseudo for i in range(sp.start, sp.end)))]
        # Longest range wins; a phrase listed under several kinds keeps all of them
        # ("possibly related to" is both speculation and a drug link).
        kept = {(sp.start, sp.end) for sp in filter_spans(spans)}
        triggers = [_Trigger(sp.label_, sp.start, sp.end, sp.text.lower())
                    for sp in spans if (sp.start, sp.end) in kept]
        return triggers, terms, hist_terms, cues

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        if not ents:
            return doc
        triggers, terms, hist_terms, cues = self._triggers(doc, ents)
        w = _Walker(doc, ents, terms, hist_terms)
        n = len(ents)
        labels = [e.label_ for e in ents]  # Span.label_ looks the string up on every read
        # per finding and entity, the trigger that set it (None: not set); per role cue
        # and entity, whether a trigger reached it
        found: dict[str, list[_Trigger | None]] = {f: [None] * n for f in FINDINGS}
        cued: dict[str, list[bool]] = {c: [False] * n for c in ROLE_CUES}
        for t in triggers:
            scope = self.scopes[t.kind]
            if scope.requires is not None and not self._holds(scope.requires, doc, w, t):
                continue
            reached = self._reach(w, t, scope, labels)
            if scope.sets in cued:
                for k in reached:
                    cued[scope.sets][k] = True
            else:
                marks = found[scope.sets]
                for k in reached:
                    if marks[k] is None:
                        marks[k] = t
        negated, historical = found["negated"], found["historical"]

        self._attributions(doc, w, ents, labels, cued["direct_ae"])
        self._lab_values(doc, ents, labels, found["measured"])
        table: _TableIndex | None = _TableIndex(doc, w.space_tokens)
        if table is not None and not table.has_tables:
            table = None
        sections = SectionIndex(doc._.sections)
        sentences = _SentenceCueIndex(doc, w, cues)
        new_ents = []
        relabelled = False
        # the problems a role rule decided: the problem-role model keeps their label
        decided_roles: list[list[int | str]] = doc.user_data.setdefault(ROLE_DECIDED, [])
        for k, e in enumerate(ents):
            label = labels[k]
            header = table.header_of(e.start_char) if table is not None else None
            if header is not None and label in HISTORY_LABELS and HEADER_HISTORY.search(header):
                historical[k] = historical[k] or _Trigger("table_header", e.start, e.start,
                                                          header)
            # Set only what is true: the defaults are False, and each set costs.
            if found["uncertain"][k]:
                e._.uncertain = True
            if historical[k] and label in HISTORY_LABELS:
                e._.historical = True
            if label in PROBLEMS:
                role = self._role(k, header, found, cued)
                if role is not None:
                    label, rule = role
                    decided_roles.append([e.start, e.end, rule])
            section = sections.role_at(e.start_char)
            if section is not None:
                e._.section = "other" if section == FRONT_MATTER else section
            decided = None
            if label == DRUG or label in PROBLEMS:  # the labels that get a status
                findings = Findings(**{f: _cue(doc, found[f][k]) for f in FINDINGS})
                decided = status_of(label, findings, section, sentences.at(e.start))
            if decided is None:
                if negated[k]:
                    e._.negated = True
            else:
                status, cue = decided
                e._.status = status
                e._.status_evidence = cue.as_dict()
                if status in ("not_given", "absent"):
                    e._.negated = True
            if label != labels[k]:
                relabelled = True
                e = Span(doc, e.start, e.end, label=label)
            new_ents.append(e)
        # Span extension values are keyed by character offsets, so relabelled spans keep them.
        if relabelled:
            doc.ents = new_ents
        return doc

    @staticmethod
    def _lab_values(doc: Doc, ents: list[Span], labels: list[str],
                    measured: list[_Trigger | None]) -> None:
        """A drug followed by a laboratory value ("bicarbonate of 23 mEq/L") is measured."""
        text = doc_text(doc)
        for k, e in enumerate(ents):
            if labels[k] == DRUG and measured[k] is None:
                m = LAB_VALUE.match(text, e.end_char, e.end_char + 40)
                if m:
                    start = e.end + 1 if e.end < len(doc) else e.end
                    measured[k] = _Trigger("lab_value", start, start, m.group(0).strip())

    @staticmethod
    def _people_before(w: _Walker, start: int) -> bool:
        """A people noun ("patients", "women", "those") earlier in the sentence."""
        i = start - 1
        while i >= 0 and i not in w.breaks:
            if w.lower[i] in PEOPLE_H:
                return True
            if i in w.sent_starts:
                break
            i -= 1
        return False

    @staticmethod
    def _drug_follows(w: _Walker, start: int) -> bool:
        """A DRUG entity within three free tokens after ``start`` (same sentence part);
        a route, dose or frequency on the way is passed ("a single oral dose of X")."""
        free = 0
        i = start
        while i < min(w.n, start + 10):
            k = w.tok2ent.get(i)
            if k is not None:
                label = w.ents[k].label_
                if label in PASSABLE:
                    i = w.ents[k].end
                    continue
                return label == DRUG
            if i in w.breaks or i in w.terms or (i > start and i in w.sent_starts):
                return False
            if w.lower[i] not in THERAPY_WORDS_H and w._free(i):
                free += 1
                if free > 3:
                    return False
            i += 1
        return False

    @staticmethod
    def _attributions(doc: Doc, w: _Walker, ents: list[Span], labels: list[str],
                      direct_ae: list[bool]) -> None:
        """Rule 1 from the tokens themselves: "X (drug)", "drug-induced X"."""
        for k, e in enumerate(ents):
            label = labels[k]
            if label == DRUG:
                # "X and Y (baricitinib)" / "gout (methotrexate)"; not "X (drug, 12%;
                # placebo, 3%)", which gives the share of each arm, not a cause
                if e.start > 0 and w.lower[e.start - 1] == OPEN_H and not ARM_SHARE.match(
                        doc_text(doc), e.end_char):
                    for j in w.backward(e.start - 1, 2, 2):
                        direct_ae[j] = True
                continue
            if label not in PROBLEMS:
                continue
            if AE_TEXT.search(e.text.lower()):
                direct_ae[k] = True
            for i in range(max(0, e.start - 2), e.start + 1):
                if AE_SUFFIX.search(doc.vocab.strings[w.lower[i]]):
                    direct_ae[k] = True

    @staticmethod
    def _role(k: int, header: str | None, found: dict[str, list[_Trigger | None]],
              cued: dict[str, list[bool]]) -> tuple[str, str] | None:
        """CONDITION or ADVERSE_EVENT for a disorder and the rule that decided it (rules 1-5
        in the module docstring, named in ROLE_RULES); None when no rule applies (rule 6)."""
        if cued["direct_ae"][k]:
            return AE, "attribution"
        if header is not None:
            if HEADER_AE.search(header):
                return AE, "table"
            if HEADER_COND.search(header):
                return COND, "table"
        if found["historical"][k]:
            return COND, "history"
        if cued["cond_cue"][k]:
            return COND, "indication"
        if cued["ae_cue"][k] or (cued["reported"][k] and found["negated"][k]):
            return AE, "ae_cue"
        return None

    def _holds(self, condition: str, doc: Doc, w: _Walker, t: _Trigger) -> bool:
        """Whether a scope's ``requires`` condition holds around trigger ``t``."""
        if condition == "people_before":
            return self._people_before(w, t.start)
        if condition == "drug_follows":
            return self._drug_follows(w, t.end)
        # "stop_word_after" (Scope.requires allows no other value)
        return bool(STOP_WORDS.search(doc[t.end:min(len(doc), t.end + 5)].text.lower()))

    @staticmethod
    def _reach(w: _Walker, t: _Trigger, scope: Scope, labels: list[str]) -> list[int]:
        """The entities (indices) trigger ``t`` reaches under ``scope``."""
        if scope.adjacent is not None:
            if scope.adjacent == "next":
                at = t.end
            elif t.start > 1 and w.lower[t.start - 1] == HYPHEN_H:  # "X-resistant"
                at = t.start - 2
            else:
                at = t.start - 1
            k = w.tok2ent.get(at)
            return [] if k is None else [k]
        reached: list[int] = []
        if scope.forward is not None:
            near = None
            if scope.near is not None:
                near = scope.near[1] if t.end - t.start >= 3 else scope.near[0]
            for k, free, prep in w.forward(t.end, *scope.forward,
                                           stop_at_to="to" in scope.terminated_by,
                                           history="hist_term" in scope.terminated_by,
                                           negation=scope.negation):
                if (scope.allowed_types is None or labels[k] in scope.allowed_types
                        or (near is not None and free <= near and not prep)):
                    reached.append(k)
        if scope.backward is not None:
            nearest = t.text.split()[0] in scope.nearest_only_after
            reached += w.backward(t.start, *scope.backward, nearest_only=nearest,
                                  history="hist_term" in scope.terminated_by)
        return reached


@factory("context", default_config={"rules_path": None})
def make_context(nlp: Language, name: str, rules_path: str | None) -> ContextComponent:
    """Factory for the pipeline config (``rules_path`` defaults to models/context_rules.tsv)."""
    return ContextComponent(nlp, rules_path or RULES_PATH)
