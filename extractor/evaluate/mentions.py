"""Mention-level precision, recall and F1 per label, exact and overlap, plus negation accuracy.

*Exact*: a predicted mention is a true positive when a gold mention of the same document has
the same label, start and end. *Overlap*: same label and at least one shared character; the
matching is one-to-one (greedy, largest overlap first), so one long prediction covering two
gold mentions counts once, and P/R stay proportions of real mentions. Micro averages pool
the counts of all labels. Negation accuracy is measured on the overlap-matched pairs: the
share of pairs whose ``negated`` flags agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class MentionLike(Protocol):
    """Anything with a label and character offsets (gold entities, predicted mentions)."""

    @property
    def label(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class Mention:
    """A plain mention, for predictions and tests."""

    label: str
    start: int
    end: int
    negated: bool = False


@dataclass
class Counts:
    """True positives, predictions and gold mentions of one label (or all of them)."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        """tp / predictions (0 when there are none)."""
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        """tp / gold mentions (0 when there are none)."""
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class MentionReport:
    """Per-label counts for both matching modes, and negation agreement."""

    exact: dict[str, Counts] = field(default_factory=dict)
    overlap: dict[str, Counts] = field(default_factory=dict)
    negation_agree: int = 0
    negation_pairs: int = 0
    negated_gold_matched: int = 0
    negated_gold_found: int = 0

    @property
    def labels(self) -> list[str]:
        """Labels seen in gold or predictions, sorted."""
        return sorted(set(self.exact) | set(self.overlap))

    def micro(self, mode: str = "exact") -> Counts:
        """Counts pooled over every label (``mode`` is "exact" or "overlap")."""
        table = self.exact if mode == "exact" else self.overlap
        total = Counts()
        for c in table.values():
            total.tp += c.tp
            total.n_pred += c.n_pred
            total.n_gold += c.n_gold
        return total

    @property
    def negation_accuracy(self) -> float | None:
        """Share of overlap-matched pairs with the same negated flag (None without pairs)."""
        return self.negation_agree / self.negation_pairs if self.negation_pairs else None


def _negated(m: object) -> bool:
    return bool(getattr(m, "negated", False))


def _overlap_pairs(gold: Sequence[MentionLike], pred: Sequence[MentionLike]
                   ) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs of the same label, largest overlap first."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g.label == p.label:
                shared = min(g.end, p.end) - max(g.start, p.start)
                if shared > 0:
                    candidates.append((-shared, gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def evaluate_mentions(gold: Mapping[str, Sequence[MentionLike]],
                      pred: Mapping[str, Sequence[MentionLike]],
                      labels: Iterable[str] | None = None) -> MentionReport:
    """Score predictions against gold, both keyed by document id.

    A document missing from ``pred`` has no predictions. ``labels`` restricts scoring to
    those labels (mentions with other labels are ignored on both sides); by default every
    label that occurs is scored.
    """
    keep = set(labels) if labels is not None else None
    report = MentionReport()
    for doc_id in sorted(set(gold) | set(pred)):
        g_list = [m for m in gold.get(doc_id, ()) if keep is None or m.label in keep]
        p_list = [m for m in pred.get(doc_id, ()) if keep is None or m.label in keep]
        for table in (report.exact, report.overlap):
            for m in g_list:
                table.setdefault(m.label, Counts()).n_gold += 1
            for m in p_list:
                table.setdefault(m.label, Counts()).n_pred += 1
        p_keys = {(m.label, m.start, m.end) for m in p_list}
        for key in {(m.label, m.start, m.end) for m in g_list} & p_keys:
            report.exact[key[0]].tp += 1
        for gi, pi in _overlap_pairs(g_list, p_list):
            g, p = g_list[gi], p_list[pi]
            report.overlap[g.label].tp += 1
            report.negation_pairs += 1
            report.negation_agree += _negated(g) == _negated(p)
            if _negated(g):
                report.negated_gold_matched += 1
                report.negated_gold_found += _negated(p)
    return report


def format_report(report: MentionReport, title: str = "") -> str:
    """A plain-text table: per label P/R/F1 exact and overlap, gold and predicted counts."""
    head = (f"{'label':<14} {'gold':>6} {'pred':>6} | {'P':>5} {'R':>5} {'F1':>5} (exact) | "
            f"{'P':>5} {'R':>5} {'F1':>5} (overlap)")
    lines = [title] if title else []
    lines += [head, "-" * len(head)]

    def row(name: str, e: Counts, o: Counts) -> str:
        return (f"{name:<14} {e.n_gold:>6} {e.n_pred:>6} | {e.precision:>5.3f} "
                f"{e.recall:>5.3f} {e.f1:>5.3f}         | {o.precision:>5.3f} "
                f"{o.recall:>5.3f} {o.f1:>5.3f}")

    for label in report.labels:
        lines.append(row(label, report.exact.get(label, Counts()),
                         report.overlap.get(label, Counts())))
    lines.append(row("micro", report.micro("exact"), report.micro("overlap")))
    acc = report.negation_accuracy
    if acc is not None:
        lines.append(f"negation accuracy on {report.negation_pairs} overlap-matched mentions: "
                     f"{acc:.3f}; negated gold mentions matched {report.negated_gold_matched},"
                     f" predicted negated {report.negated_gold_found}")
    return "\n".join(lines)
