"""The Evidence Inference metrics: label macro-F1 and the evidence hit rate.

- Label: each prompt's predicted code (-1, 0, 1) against the annotators' majority code;
  F1 per class and their unweighted mean (macro-F1).
- Evidence: a prediction *hits* when at least half of its word tokens (a multiset) occur in
  one gold evidence span of the prompt (the rule the issue fixes; word tokens as in
  extractor/evaluate/text_agreement.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractor.evaluate.text_agreement import word_coverage

HIT_SHARE = 0.5


def evidence_hit(predicted: str, gold_spans: Iterable[str]) -> bool:
    """Whether ``predicted`` shares at least half of its words with one gold span."""
    return any(word_coverage(predicted, gold) >= HIT_SHARE for gold in gold_spans)


@dataclass(frozen=True)
class ClassScore:
    """Precision, recall and F1 of one label code."""

    code: int
    precision: float
    recall: float
    f1: float
    support: int


def class_scores(predicted: Sequence[int], gold: Sequence[int],
                 classes: Sequence[int] = (-1, 0, 1)) -> list[ClassScore]:
    """Per-class precision, recall, F1 and gold support."""
    out = []
    for c in classes:
        tp = sum(p == c and g == c for p, g in zip(predicted, gold, strict=True))
        n_pred = sum(p == c for p in predicted)
        n_gold = sum(g == c for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.append(ClassScore(c, precision, recall, f1, n_gold))
    return out


def macro_f1(predicted: Sequence[int], gold: Sequence[int],
             classes: Sequence[int] = (-1, 0, 1)) -> float:
    """The unweighted mean of the per-class F1."""
    scores = class_scores(predicted, gold, classes)
    return sum(s.f1 for s in scores) / len(scores)
