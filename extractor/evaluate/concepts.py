"""Concept (normalized id) and relation scoring, as the BioCreative V CDR kit scores them.

*Concepts*: per document, the set of (label, concept id) pairs its mentions carry; a predicted
pair is a true positive when the gold document has it. Repeated mentions of one concept count
once, mentions without an id (PubTator ``-1``) do not count, and a composite id
(``D058186|D017093``) contributes each of its ids.

*Relations*: per document, the set of (type, head, tail). Document-level relations
(``level="concept"``, e.g. CID) compare concept ids; mention-level ones compare the spans and
labels of their two entities, so the entity ids of the two sides need not agree.

Concept ids are compared after dropping a ``MESH:`` prefix (the kit's gold writes ``D003866``,
tools often ``MESH:D003866``). Documents are matched by id; one side's missing document
counts as empty.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from extractor.evaluate.mentions import Counts as MentionCounts
from extractor.formats.gold import GoldDocument

Key = tuple[object, ...]


@dataclass
class Counts:
    """True positives, false positives and false negatives of one label or relation type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def _mention_counts(self) -> MentionCounts:
        return MentionCounts(self.tp, self.tp + self.fp, self.tp + self.fn)

    @property
    def precision(self) -> float:
        """tp / (tp + fp), 0 when nothing was predicted."""
        return self._mention_counts.precision

    @property
    def recall(self) -> float:
        """tp / (tp + fn), 0 when there is no gold."""
        return self._mention_counts.recall

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        return self._mention_counts.f1


def normalize_id(concept: str) -> str:
    """A concept id without surrounding blanks and without a ``MESH:`` prefix."""
    concept = concept.strip()
    return concept[5:] if concept.upper().startswith("MESH:") else concept


def _score(gold: dict[str, set[Key]], pred: dict[str, set[Key]]) -> dict[str, Counts]:
    """Counts per group (first element of each key) over matched documents."""
    out: dict[str, Counts] = {}
    for doc_id in gold.keys() | pred.keys():
        g, p = gold.get(doc_id, set()), pred.get(doc_id, set())
        for key in g & p:
            out.setdefault(str(key[0]), Counts()).tp += 1
        for key in p - g:
            out.setdefault(str(key[0]), Counts()).fp += 1
        for key in g - p:
            out.setdefault(str(key[0]), Counts()).fn += 1
    return dict(sorted(out.items()))


def concept_sets(docs: Iterable[GoldDocument],
                 labels: Collection[str] | None = None) -> dict[str, set[Key]]:
    """Document id → set of (label, concept id)."""
    out: dict[str, set[Key]] = {}
    for doc in docs:
        keys = out.setdefault(doc.id, set())
        for ent in doc.entities:
            if labels is not None and ent.label not in labels:
                continue
            keys.update((ent.label, normalize_id(c)) for c in ent.ids
                        if normalize_id(c) not in ("", "-1"))
    return out


def score_concepts(gold: Sequence[GoldDocument], pred: Sequence[GoldDocument],
                   labels: Collection[str] | None = None) -> dict[str, Counts]:
    """Per label, concept-id counts (BioCreative CDR "ID" evaluation); ``labels`` filters."""
    return _score(concept_sets(gold, labels), concept_sets(pred, labels))


def relation_sets(docs: Iterable[GoldDocument]) -> dict[str, set[Key]]:
    """Document id → set of comparable relation keys (see the module docstring)."""
    out: dict[str, set[Key]] = {}
    for doc in docs:
        keys = out.setdefault(doc.id, set())
        by_id = {e.id: e for e in doc.entities}
        for rel in doc.relations:
            if rel.level == "concept":
                keys.add((rel.type, "concept", normalize_id(rel.head), normalize_id(rel.tail)))
                continue
            head, tail = by_id.get(rel.head), by_id.get(rel.tail)
            if head is None or tail is None:  # dangling: check_documents reports these
                continue
            keys.add((rel.type, "mention", head.label, head.spans, tail.label, tail.spans))
    return out


def score_relations(gold: Sequence[GoldDocument],
                    pred: Sequence[GoldDocument]) -> dict[str, Counts]:
    """Per relation type, counts over the per-document relation sets (CDR "relation" evaluation)."""
    return _score(relation_sets(gold), relation_sets(pred))
