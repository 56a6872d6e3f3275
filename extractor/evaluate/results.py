"""The validation result as typed models: what :func:`extractor.evaluate.validate.validate`
returns, what the CLI prints, and (``ValidationResult.to_json()``) what ``validate --json``
writes and the ``--html`` page shows.

A score table keeps its per-label rows apart from the micro and macro averages; its JSON
lays them side by side (``{"DRUG": {...}, "micro": {...}, "macro": {...}}``), the layout
``--json`` has always written.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

from extractor.evaluate.mentions import Counts


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


S = TypeVar("S", bound="Score")


class Score(_Model):
    """True and false positives and negatives with precision, recall and F1 (4 decimals)."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls: type[S], tp: int, n_pred: int, n_gold: int, **extra: Any) -> S:
        """The scores of ``tp`` true positives among ``n_pred`` predictions and ``n_gold``
        gold items (``extra``: the fields of a subclass)."""
        c = Counts(tp, n_pred, n_gold)
        return cls(tp=tp, fp=n_pred - tp, fn=n_gold - tp, precision=round(c.precision, 4),
                   recall=round(c.recall, 4), f1=round(c.f1, 4), **extra)


class LabelScore(Score):
    """A :class:`Score` with the bootstrap 95% interval of its F1 (None: no documents)."""

    ci95: tuple[float, float] | None


class Averages(_Model):
    """Macro averages: the mean of the per-label precision, recall and F1."""

    precision: float
    recall: float
    f1: float


class ScoreTable(_Model):
    """Per-label scores with their micro and macro averages (None: no labels)."""

    labels: dict[str, LabelScore]
    micro: LabelScore | None = None
    macro: Averages | None = None

    @model_serializer(mode="wrap")
    def _side_by_side(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        return {**data["labels"], **{k: data[k] for k in ("micro", "macro") if data[k]}}


class Skipped(_Model):
    """A section that was not scored, and why."""

    skipped: str


class Documents(_Model):
    """How the gold and predicted documents paired."""

    gold: int
    pred: int
    paired: int
    pred_on_another_text: list[str]  # gold ids whose prediction was made on another text
    unpaired_pred: list[str]
    gold_without_pred: list[str]


class Negation(_Model):
    """Agreement on negation over the overlap-matched mentions (accuracy None: none)."""

    pairs: int
    agree: int
    accuracy: float | None


class Bootstrap(_Model):
    """How the confidence intervals were computed."""

    resamples: int
    seed: int
    unit: str = "document"
    statistic: str = "f1"
    interval: str = "95% percentile"


class FieldAccuracy(_Model):
    """How many gold records' values of one field the paired prediction has."""

    correct: int
    total: int
    accuracy: float


class Example(_Model):
    """A false positive or negative, with the sentence around it."""

    document: str
    label: str
    start: int
    end: int
    text: str
    sentence: str


class ValidationResult(_Model):
    """Every metric of gold against predictions (extractor/evaluate/validate.py)."""

    documents: Documents
    mentions: ScoreTable  # exact span and label
    mentions_overlap: ScoreTable
    mentions_untyped: LabelScore  # exact spans, labels ignored
    negation: Negation
    bootstrap: Bootstrap
    concepts: dict[str, Score] | Skipped
    relations: dict[str, Score] | Skipped
    records: dict[str, FieldAccuracy] | None = None  # when both sides carry records
    false_positives: list[Example]
    false_negatives: list[Example]

    def to_json(self) -> dict[str, Any]:
        """The result as ``validate --json`` writes it (no ``records`` key when None)."""
        return self.model_dump(mode="json", exclude={"records"} if self.records is None
                               else None)
