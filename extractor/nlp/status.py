"""Assertion status of drug and problem mentions, with the evidence that decided it.

The context component (extractor/nlp/context.py) walks every trigger of
``models/context_rules.tsv`` over its scope and records, per entity, which trigger reached it
(negation, speculation, history, plan, hypothesis, eligibility, measurement, family). This
module turns those findings, the role of the section holding the entity (``Doc._.sections``,
from the parsers' ``Section.role``) and the cues of its sentence into one status, first rule
that applies wins (ConText's idea, Harkema et al. 2009, J Biomed Inform 42:839, with the
article's own structure as one more context):

Drugs (``DRUG``):
  1. measured      a level or assay right next to the drug ("serum X", "X concentrations"),
                   a laboratory value after it, or a sentence about a drug screen
  2. excluded      an eligibility criterion: an exclusion/inclusion trigger's scope, the
                   eligibility section, or a sentence that states a criterion
  3. not_given     negated ("no X was given")
  4. planned       "X was planned", "scheduled to receive X"
  5. hypothetical  "should be treated with X", "X can be considered", "if ... X"
  6. history       before the study or case ("previously treated with X")
  7. background    a sentence about the literature or general knowledge (a background cue and
                   no cue of the study's own patients), or any sentence of the introduction,
                   discussion, conclusion or back matter without a patient cue
  8. given         otherwise: the methods, case, results, abstract, tables, or a bare text

Problems (``ADVERSE_EVENT``, ``CONDITION``): excluded (eligibility), absent (negated),
family, history, possible (speculated), background (as for drugs), else present.

``negated`` is then true exactly for ``not_given`` and ``absent``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

DRUG = "DRUG"
PROBLEMS = frozenset({"ADVERSE_EVENT", "CONDITION"})
# Sections whose sentences are about other patients or general knowledge unless they say
# otherwise ("in our patient ...").
BACKGROUND_SECTIONS = frozenset({
    "introduction", "discussion", "conclusion", "references", "acknowledgements",
})
ELIGIBILITY_SECTIONS = frozenset({"eligibility"})
BODY_SECTIONS = frozenset({"methods", "case", "results"})
# The role ``SectionIndex.role_at`` gives text of no role in an article with a body.
FRONT_MATTER = "front_matter"
# A citation marker in the sentence: "[12]", "[3, 4]", "[5-7]", "(Smith et al., 2010)".
CITATION = re.compile(r"\[\d+(?:\s*[,–-]\s*\d+)*\]|\bet al\b")


@dataclass(frozen=True)
class Cue:
    """What decided (part of) a status: a rule name and, for a trigger, its text and
    character offsets."""

    rule: str
    text: str | None = None
    start: int | None = None
    end: int | None = None

    def as_dict(self) -> dict[str, object]:
        """The form stored in ``Span._.status_evidence`` (evidence.StatusEvidence)."""
        return {"rule": self.rule, "text": self.text, "start": self.start, "end": self.end}


@dataclass
class Findings:
    """The triggers that reached one entity (None where none did)."""

    negated: Cue | None = None
    uncertain: Cue | None = None
    historical: Cue | None = None
    planned: Cue | None = None
    hypothetical: Cue | None = None
    excluded: Cue | None = None
    measured: Cue | None = None
    family: Cue | None = None


@dataclass(frozen=True)
class SentenceCues:
    """Sentence-level cues: the first patient, background, eligibility and measurement cue
    (or None)."""

    patient: Cue | None = None
    background: Cue | None = None
    eligibility: Cue | None = None
    measurement: Cue | None = None


class SectionIndex:
    """Role of the section holding a character offset, from ``Doc._.sections``
    (sorted, non-overlapping (start, end, role) ranges)."""

    def __init__(self, sections: list[tuple[int, int, str]] | None) -> None:
        self._ranges = sorted(sections or [])
        self._starts = [s[0] for s in self._ranges]
        # with a recognised body, text of no role is front or back matter (authors,
        # affiliations, correspondence, running heads), not a statement about the study
        self.has_body = any(r[2] in BODY_SECTIONS for r in self._ranges)

    def role_at(self, offset: int) -> str | None:
        """The role at ``offset``, or None outside every range (or without sections);
        "front_matter" for text of role "other" in an article with a body."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self._ranges[i][1]:
            role = self._ranges[i][2]
            return FRONT_MATTER if role == "other" and self.has_body else role
        return None


def _background(section: str | None, sentence: SentenceCues) -> Cue | None:
    """Why a sentence is about something other than this study's patients, or None."""
    if section == FRONT_MATTER:
        return Cue("section:front_matter")
    if sentence.patient is not None:
        return None
    if sentence.background is not None:
        return sentence.background
    if section in BACKGROUND_SECTIONS:
        return Cue(f"section:{section}")
    return None


def _eligibility(findings: Findings, section: str | None, sentence: SentenceCues) -> Cue | None:
    if findings.excluded is not None:
        return findings.excluded
    if section in ELIGIBILITY_SECTIONS:
        return Cue(f"section:{section}")
    return sentence.eligibility


# The rules in order, first that applies wins (module docstring): status and the cue getter.
_Rule = tuple[str, Callable[[Findings, "str | None", SentenceCues], "Cue | None"]]
DRUG_RULES: tuple[_Rule, ...] = (
    ("measured", lambda f, _s, c: f.measured or c.measurement),
    ("excluded", lambda f, s, c: _eligibility(f, s, c)),
    ("not_given", lambda f, _s, _c: f.negated),
    ("planned", lambda f, _s, _c: f.planned),
    ("hypothetical", lambda f, _s, _c: f.hypothetical),
    ("history", lambda f, _s, _c: f.historical),
    ("background", lambda _f, s, c: _background(s, c)),
)
PROBLEM_RULES: tuple[_Rule, ...] = (
    ("excluded", lambda f, s, c: _eligibility(f, s, c)),
    ("absent", lambda f, _s, _c: f.negated),
    ("family", lambda f, _s, _c: f.family),
    ("history", lambda f, _s, _c: f.historical),
    ("possible", lambda f, _s, _c: f.uncertain),
    ("background", lambda _f, s, c: _background(s, c)),
)


def _decide(rules: tuple[_Rule, ...], default: str, findings: Findings, section: str | None,
            sentence: SentenceCues) -> tuple[str, Cue]:
    for status, rule in rules:
        cue = rule(findings, section, sentence)
        if cue is not None:
            return status, cue
    return default, Cue(f"section:{section}" if section else "default")


def drug_status(findings: Findings, section: str | None,
                sentence: SentenceCues) -> tuple[str, Cue]:
    """Status of a DRUG mention and the cue that decided it (module docstring, rules 1-8)."""
    return _decide(DRUG_RULES, "given", findings, section, sentence)


def problem_status(findings: Findings, section: str | None,
                   sentence: SentenceCues) -> tuple[str, Cue]:
    """Status of an ADVERSE_EVENT or CONDITION mention and the cue that decided it."""
    return _decide(PROBLEM_RULES, "present", findings, section, sentence)


def status_of(label: str, findings: Findings, section: str | None,
              sentence: SentenceCues) -> tuple[str, Cue] | None:
    """Status for a drug or problem label; None for the other labels."""
    if label == DRUG:
        return drug_status(findings, section, sentence)
    if label in PROBLEMS:
        return problem_status(findings, section, sentence)
    return None
