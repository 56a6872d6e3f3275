"""PHEE (pharmacovigilance event extraction) JSON lines as gold documents.

Each line is one sentence with events; every event argument becomes an entity labelled by
its role path (``Treatment.Drug``, ``Treatment.Dosage``, ``Adverse_event.Effect``,
``Subject.Age`` ...), duplicates across events merged. Relations link, inside one event,
each Dosage/Route/Freq/Duration/Time_elapsed to each Drug of the same Treatment (type =
the argument's path) and the Effect to each Drug (type ``<event type>.Effect``). An event's
Negated / Speculated / Severity go to its Effect as attributes. The label map
(``corpus/label_maps/phee.json``) turns these into the toolkit's labels; by default the
Effect of a Potential_therapeutic_event is not an adverse event and is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.formats.gold import (
    GoldDocument,
    GoldEntity,
    GoldRelation,
    LabelMap,
    apply_label_map,
)

_TREATMENT_LINKED = ("Dosage", "Route", "Freq", "Duration", "Time_elapsed")
_ATTRIBUTES = ("Negated", "Speculated", "Severity")


def _fragments(arg: dict[str, Any]) -> Iterator[tuple[tuple[tuple[int, int], ...], str]]:
    """(spans, joined text) for each argument instance of a PHEE argument dict."""
    for texts, starts in zip(arg.get("text", []), arg.get("start", []), strict=True):
        spans = tuple((s, s + len(t)) for t, s in zip(texts, starts, strict=True))
        yield spans, " ".join(texts)


class _Sentence:
    def __init__(self, doc_id: str, text: str) -> None:
        self.doc = GoldDocument(doc_id, text, meta={"pmid": doc_id.split("_")[0]})
        self.ids: dict[tuple[str, tuple[tuple[int, int], ...]], str] = {}
        self.attrs: dict[str, dict[str, str | bool]] = {}
        self.rels: set[tuple[str, str, str]] = set()

    def add(self, label: str, arg: dict[str, Any]) -> list[str]:
        out = []
        for spans, text in _fragments(arg):
            key = (label, spans)
            if key not in self.ids:
                self.ids[key] = f"T{len(self.ids) + 1}"
                self.attrs[self.ids[key]] = {}
                self.doc.entities.append(GoldEntity(self.ids[key], label, spans, text))
            out.append(self.ids[key])
        return out

    def relate(self, rtype: str, heads: list[str], tails: list[str]) -> None:
        for h in heads:
            for t in tails:
                if (rtype, h, t) not in self.rels:
                    self.rels.add((rtype, h, t))
                    self.doc.relations.append(GoldRelation(f"R{len(self.rels)}", rtype, h, t))

    def event(self, ev: dict[str, Any]) -> None:
        etype = ev.get("event_type", "Event")
        self.add(f"{etype}.Trigger", ev.get("Trigger", {}))
        drugs: list[str] = []
        treatment = ev.get("Treatment")
        if treatment:
            self.add("Treatment", treatment)
            drugs = self.add("Treatment.Drug", treatment.get("Drug", {}))
            for sub, value in treatment.items():
                if isinstance(value, dict) and sub != "Drug":
                    ids = self.add(f"Treatment.{sub}", value)
                    if sub in _TREATMENT_LINKED:
                        self.relate(f"Treatment.{sub}", ids, drugs)
        subject = ev.get("Subject")
        if subject:
            self.add("Subject", subject)
            for sub, value in subject.items():
                if isinstance(value, dict):
                    self.add(f"Subject.{sub}", value)
        effects = self.add(f"{etype}.Effect", ev.get("Effect", {}))
        self.relate(f"{etype}.Effect", effects, drugs)
        for name in _ATTRIBUTES:
            value = (ev.get(name) or {}).get("value")
            if value:
                for ent_id in effects:
                    self.attrs[ent_id][name] = value

    def finish(self) -> GoldDocument:
        self.doc.entities = [GoldEntity(e.id, e.label, e.spans, e.text, self.attrs[e.id])
                             for e in self.doc.entities]
        return self.doc


def read_phee(path: str | Path, *, label_map: LabelMap | str | None = "phee",
              limit: int | None = None) -> list[GoldDocument]:
    """Gold documents from one PHEE JSON-lines file (``v1/json/dev.json`` ...)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ExtractorError(f"cannot read PHEE file: {err}", path=str(path),
                             code="not_found") from err
    docs: list[GoldDocument] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if limit is not None and len(docs) >= limit:
            break
        try:
            row = json.loads(line)
            sent = _Sentence(str(row["id"]), row["context"])
            for ann in row.get("annotations", []):
                for ev in ann.get("events", []):
                    sent.event(ev)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise ExtractorError(f"{path}:{lineno}: malformed PHEE record ({err!r})",
                                 code="malformed") from err
        docs.append(sent.finish())
    if label_map is None:
        return docs
    lm = LabelMap.load(label_map) if isinstance(label_map, str) else label_map
    return [apply_label_map(d, lm) for d in docs]
