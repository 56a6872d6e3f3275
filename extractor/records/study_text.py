"""The study's own text: what the study-level record and its findings may read.

The document text with everything that is not about this study blanked out (offsets kept):
back matter, and sections whose role says they are about other studies or general knowledge
(introduction, discussion, conclusion); with its sentences and table cells, for the evidence
of each record field.
"""

from __future__ import annotations

import bisect
import re

from extractor.evidence import Evidence, EvidenceDocument, Mention
from extractor.records.cell_evidence import cell_at, cell_evidence, cells_by_key
from extractor.roles import RoleIndex

# Section roles whose text is about other studies or general knowledge, not this study.
_NOT_THIS_STUDY_ROLES = frozenset({
    "introduction", "discussion", "conclusion", "references", "acknowledgements",
})

# Sections whose text says nothing about this study's design, population or results.
_BACK_MATTER = re.compile(
    r"^\s*(?:\d+[.)]?\s*)?(?:references?|bibliography|literature cited|works cited|"
    r"conflicts? of interests?|competing interests?|disclosures?|funding|acknowledge?ments?|"
    r"declaration|author contributions?|related (?:videos|content|articles))",
    re.IGNORECASE,
)

_SENTENCE_BREAK = re.compile(r"\n|\t|(?<=[.!?])\s+(?=[A-Z0-9(\"“])")


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of character ranges."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


class StudyText:
    """The study's own text (module docstring), its sentences and table cells, and the
    (start, end, role) spans of the whole document (``roles``)."""

    def __init__(self, evidence: EvidenceDocument) -> None:
        text = evidence.text
        # every character's role (tables and captions carved out of their sections), plus
        # back matter named by its title in a document whose sections carry no roles
        self.roles = RoleIndex(evidence).spans()
        by_role = self.roles if evidence.sections else []
        self.excluded = _merge_ranges(
            [(a, b) for a, b, role in by_role if role in _NOT_THIS_STUDY_ROLES]
            + [(s.start, s.end) for s in evidence.sections
               if s.role == "other" and _BACK_MATTER.match(s.title)])
        chars = list(text)
        for start, end in self.excluded:
            chars[start:end] = " " * (end - start)
        self.text = "".join(chars)
        self.raw = text
        self.sentence_starts = [0, *(m.end() for m in _SENTENCE_BREAK.finditer(text))]
        self._excluded_starts = [s for s, _ in self.excluded]
        self.cells = cells_by_key(evidence)

    def excludes(self, start: int) -> bool:
        """Whether an offset lies in back matter or a background section."""
        i = bisect.bisect_right(self._excluded_starts, start) - 1
        return i >= 0 and start < self.excluded[i][1]

    def sentence(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``pos``."""
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        end = self.sentence_starts[i + 1] if i + 1 < len(self.sentence_starts) else len(self.raw)
        return self.sentence_starts[i], end

    def span_evidence(self, start: int, end: int) -> Evidence:
        """The sentence holding ``start``..``end`` as evidence (surrounding space trimmed)."""
        s_start, s_end = self.sentence(start)
        s_end = max(s_end, end)
        piece = self.raw[s_start:s_end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        s_start, s_end = s_start + lead, s_end - trail
        return Evidence(start=s_start, end=s_end, text=self.raw[s_start:s_end])

    def mention_evidence(self, m: Mention) -> Evidence:
        """A mention's table cell, or the sentence holding it."""
        cell = cell_at(self.cells, m.source)
        if cell is not None:
            return cell_evidence(cell, m.source)
        return self.span_evidence(m.start, m.end)
