"""The in-memory gold-annotation model every corpus reader produces.

A :class:`GoldDocument` is a text with entities (possibly discontinuous character spans,
labelled with the toolkit's labels once a label map is applied), attributes on entities
(``Negated``, ``Uncertain``, ``Historical``, or valued ones such as ``Severity=High``) and
binary relations (head → tail, e.g. ``dose_of`` DOSE → DRUG). Readers keep corpus-specific
facts (PMID, document-level offsets) in ``meta``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from extractor import resources
from extractor.errors import ExtractorError

LABELS = ("DRUG", "DOSE", "FREQUENCY", "ROUTE", "DURATION", "ADVERSE_EVENT", "CONDITION",
          "OUTCOME")
RELATION_TYPES = ("dose_of", "frequency_of", "route_of", "duration_of", "adverse_event_of",
                  "outcome_of")
# The head label each relation type expects (the tail is always a DRUG).
RELATION_HEADS = {"dose_of": "DOSE", "frequency_of": "FREQUENCY", "route_of": "ROUTE",
                  "duration_of": "DURATION", "adverse_event_of": "ADVERSE_EVENT",
                  "outcome_of": "OUTCOME"}

LABEL_MAPS = resources.label_maps_dir()


@dataclass(frozen=True)
class GoldEntity:
    """One annotated mention; ``spans`` are (start, end) fragments in text order."""

    id: str
    label: str
    spans: tuple[tuple[int, int], ...]
    text: str
    attributes: Mapping[str, str | bool] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # Normalized concept ids (e.g. MeSH "D003920"); empty when the corpus gives none.
    ids: tuple[str, ...] = ()

    @property
    def start(self) -> int:
        """Start of the first fragment."""
        return self.spans[0][0]

    @property
    def end(self) -> int:
        """End of the last fragment."""
        return self.spans[-1][1]

    @property
    def negated(self) -> bool:
        """True when the mention carries the Negated attribute."""
        return bool(self.attributes.get("Negated", False))

    @property
    def uncertain(self) -> bool:
        """True when the mention carries the Uncertain attribute."""
        return bool(self.attributes.get("Uncertain", False))

    @property
    def historical(self) -> bool:
        """True when the mention carries the Historical attribute."""
        return bool(self.attributes.get("Historical", False))


@dataclass(frozen=True)
class GoldRelation:
    """A typed, directed relation between two entities of the same document.

    With ``level="mention"`` (the default) ``head`` and ``tail`` are entity ids. With
    ``level="concept"`` they are concept ids: document-level relations such as BC5CDR's CID
    ("chemical D008750 induces disease D003866 somewhere in this abstract").
    """

    id: str
    type: str
    head: str
    tail: str
    level: str = "mention"


@dataclass
class GoldDocument:
    """A text and its gold entities and relations."""

    id: str
    text: str
    entities: list[GoldEntity] = field(default_factory=list)
    relations: list[GoldRelation] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)

    def entity(self, entity_id: str) -> GoldEntity:
        """The entity with this id (KeyError when absent)."""
        for ent in self.entities:
            if ent.id == entity_id:
                return ent
        raise KeyError(entity_id)

    def span_text(self, entity: GoldEntity) -> str:
        """The entity's text as the document gives it (fragments joined by one space)."""
        return " ".join(self.text[s:e] for s, e in entity.spans)

    def check(self) -> list[str]:
        """Inconsistencies: offsets out of range, text mismatch, dangling relation ends."""
        problems = []
        ids = {e.id for e in self.entities}
        for ent in self.entities:
            if any(not 0 <= s < e <= len(self.text) for s, e in ent.spans):
                problems.append(f"{self.id} {ent.id}: span {ent.spans} outside the text")
            elif self.span_text(ent) != ent.text:
                problems.append(f"{self.id} {ent.id}: {ent.text!r} != text "
                                f"{self.span_text(ent)!r}")
        for rel in self.relations:
            if rel.level == "concept":
                continue
            for end in (rel.head, rel.tail):
                if end not in ids:
                    problems.append(f"{self.id} {rel.id}: unknown entity {end}")
        return problems


@dataclass(frozen=True)
class LabelMap:
    """Corpus labels → toolkit labels (entities, relations, attributes); unmapped ones drop."""

    entities: Mapping[str, str]
    relations: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, name_or_path: str | Path) -> LabelMap:
        """A map from ``corpus/label_maps/<name>.json`` or from a JSON file path."""
        path = Path(name_or_path)
        if not path.suffix:
            path = LABEL_MAPS / f"{name_or_path}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ExtractorError(f"cannot read label map: {err}", path=str(path),
                                 code="malformed") from err
        return cls(dict(data.get("entities", {})), dict(data.get("relations", {})),
                   dict(data.get("attributes", {})))


def apply_label_map(doc: GoldDocument, label_map: LabelMap) -> GoldDocument:
    """A copy of ``doc`` with mapped labels; unmapped entities and their relations dropped."""
    kept: list[GoldEntity] = []
    for ent in doc.entities:
        label = label_map.entities.get(ent.label)
        if label is None:
            continue
        attrs = {label_map.attributes.get(k, k): v for k, v in ent.attributes.items()}
        kept.append(GoldEntity(ent.id, label, ent.spans, ent.text, attrs, ent.notes, ent.ids))
    ids = {e.id for e in kept}
    rels = []
    for rel in doc.relations:
        # With a relation map, unmapped relation types drop; without one they are kept.
        rtype = label_map.relations.get(rel.type) if label_map.relations else rel.type
        if rtype is None:
            continue
        # Concept-level relations name concept ids, not entities: they survive the map.
        if rel.level == "concept" or (rel.head in ids and rel.tail in ids):
            rels.append(GoldRelation(rel.id, rtype, rel.head, rel.tail, rel.level))
    return GoldDocument(doc.id, doc.text, kept, rels, dict(doc.meta))


def label_counts(docs: Iterable[GoldDocument]) -> dict[str, int]:
    """Number of entities per label over ``docs``."""
    counts: dict[str, int] = {}
    for doc in docs:
        for ent in doc.entities:
            counts[ent.label] = counts.get(ent.label, 0) + 1
    return counts

