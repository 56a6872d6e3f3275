"""Evidence Inference 2.0 prompts and annotations (DeYoung et al., BioNLP 2020).

A prompt is an (Outcome, Intervention, Comparator) triple asked of one article
(``prompts_*.csv``: PromptID, PMCID, Outcome, Intervention, Comparator). Annotators label
whether the intervention significantly increased (1), significantly decreased (-1) or made
no significant difference (0) to the outcome against the comparator, and mark the evidence
span (``annotations_*.csv``; the end offset is exclusive, see the corpus README). The label
strings vary upstream ("significantly increase"), so everything keys on the label code.

The prompt reader is also the ``extractor infer --prompts`` reader: a malformed row is an
error naming its line, never an exception, so one bad row costs only itself.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LABELS: dict[int, str] = {
    -1: "significantly decreased", 0: "no significant difference", 1: "significantly increased",
}
PROMPT_COLUMNS = ("PromptID", "PMCID", "Outcome", "Intervention", "Comparator")


@dataclass(frozen=True)
class Prompt:
    """One question asked of an article."""

    prompt_id: str
    pmcid: str
    outcome: str
    intervention: str
    comparator: str


@dataclass(frozen=True)
class PromptError:
    """A row of a prompts file that is not a prompt: its line and why."""

    line: int
    prompt_id: str
    reason: str


@dataclass(frozen=True)
class Annotation:
    """One annotator's label and evidence span for a prompt."""

    prompt_id: str
    pmcid: str
    label_code: int
    text: str
    start: int
    end: int
    valid: bool


def read_prompts(path: str | os.PathLike[str]) -> Iterator[Prompt | PromptError]:
    """The prompts of a CSV file in file order, a :class:`PromptError` for each bad row.

    Raises ``ValueError`` only when the header lacks a required column (nothing can be read).
    """
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in PROMPT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: no column {', '.join(missing)} in the header "
                             f"(expected {', '.join(PROMPT_COLUMNS)})")
        for row in reader:
            line = reader.line_num
            values = {c: (row.get(c) or "").strip() for c in PROMPT_COLUMNS}
            empty = [c for c in PROMPT_COLUMNS if not values[c]]
            if None in row or empty:
                why = (f"empty {', '.join(empty)}" if empty else "more fields than the header")
                yield PromptError(line, values["PromptID"], why)
                continue
            pmcid = values["PMCID"].upper().removeprefix("PMC")
            if not pmcid.isdigit():
                yield PromptError(line, values["PromptID"], f"PMCID {values['PMCID']!r} is "
                                  "not a PubMed Central id")
                continue
            yield Prompt(values["PromptID"], pmcid, values["Outcome"],
                         values["Intervention"], values["Comparator"])


def read_annotations(path: str | os.PathLike[str]) -> dict[str, list[Annotation]]:
    """The annotations of a corpus CSV file by PromptID, in file order."""
    out: dict[str, list[Annotation]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ann = Annotation(row["PromptID"], row["PMCID"], int(row["Label Code"]),
                             row["Annotations"], int(row["Evidence Start"]),
                             int(row["Evidence End"]),
                             row["Valid Label"] == "True" and row["Valid Reasoning"] == "True")
            out.setdefault(ann.prompt_id, []).append(ann)
    return out


def majority_label(annotations: list[Annotation]) -> int:
    """The annotators' majority label code; a tie goes to the first annotator's label."""
    counts = Counter(a.label_code for a in annotations)
    best = max(counts.values())
    return next(a.label_code for a in annotations if counts[a.label_code] == best)


def article_path(directory: str | os.PathLike[str], pmcid: str,
                 extensions: tuple[str, ...]) -> Path | None:
    """The article ``PMC<pmcid>.<ext>`` in ``directory`` (first extension found), or None."""
    for ext in extensions:
        path = Path(directory) / f"PMC{pmcid}{ext}"
        if path.is_file():
            return path
    return None
