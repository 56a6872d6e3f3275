"""Validate predictions against gold: mentions, concepts, relations, records, negation.

Documents are paired by id, and a prediction whose id has no gold twin is paired by
identical text. Mentions are scored per label, micro and macro, three ways: *exact*
(document, start, end, label, as a set per document like the BioCreative scorer), *overlap*
(one-to-one, see :mod:`extractor.evaluate.mentions`) and *untyped* (exact spans, labels
ignored). Concepts and relations use :mod:`extractor.evaluate.concepts` when it is
installed (the section carries a note otherwise). 95% confidence intervals come from a
bootstrap over documents (fixed seed, 1000 resamples). False positives and negatives are
listed with the sentence around them so a reader can see why.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

import numpy as np

from extractor.evaluate.mentions import Counts, Mention, evaluate_mentions
from extractor.evaluate.results import (
    Averages,
    Bootstrap,
    Documents,
    Example,
    FieldAccuracy,
    LabelScore,
    Negation,
    Score,
    ScoreTable,
    Skipped,
    ValidationResult,
)
from extractor.formats.gold import GoldDocument, LabelMap, apply_label_map
from extractor.formats.source_offsets import in_source_coordinates, source_map_of

SEED = 20240601
RESAMPLES = 1000
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def _f1(tp: np.ndarray, n_pred: np.ndarray, n_gold: np.ndarray) -> np.ndarray:
    """F1 = 2tp / (pred + gold), 0 where both are 0."""
    denom = n_pred + n_gold
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)


def bootstrap_f1(per_doc: np.ndarray, resamples: int = RESAMPLES, seed: int = SEED
                 ) -> tuple[float, float] | None:
    """95% percentile interval of F1 from a (documents × 3) array of (tp, pred, gold).

    Documents are resampled with replacement; None without documents.
    """
    n = per_doc.shape[0]
    if n == 0:
        return None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(resamples, n))
    sums = per_doc[idx].sum(axis=1)  # resamples × 3
    scores = _f1(sums[:, 0], sums[:, 1], sums[:, 2])
    lo, hi = np.percentile(scores, [2.5, 97.5])
    return round(float(lo), 4), round(float(hi), 4)


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding [start, end) (crudely: between . ! ? or newlines)."""
    left = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        left = m.end()
    after = _SENTENCE_END.search(text, max(end, left))
    right = after.end() if after else len(text)
    return text[left:right].strip()


def _source_stem(doc: GoldDocument) -> str | None:
    """The file name, without extension, of the file a prediction was extracted from."""
    path = doc.meta.get("source_path")
    return PurePath(path).stem if isinstance(path, str) else None


def pair_documents(gold: Sequence[GoldDocument], pred: Sequence[GoldDocument]
                   ) -> tuple[dict[str, GoldDocument], list[str]]:
    """Predictions keyed by the id of their gold document, and ids of unpaired predictions.

    A prediction pairs by id, else by the name of the file it was extracted from (a brat
    ``X.ann`` goes with the prediction made on ``X.txt``, whatever id the article's own
    identifiers gave it), else by identical text.
    """
    gold_ids = {d.id for d in gold}
    by_text = {d.text: d.id for d in gold}
    paired: dict[str, GoldDocument] = {}
    unpaired = []
    for doc in pred:
        stem = _source_stem(doc)
        key = doc.id if doc.id in gold_ids else stem if stem in gold_ids \
            else by_text.get(doc.text)
        if key is None or key in paired:
            unpaired.append(doc.id)
        else:
            paired[key] = doc
    return paired, unpaired


def on_another_text(pred: GoldDocument, gold: GoldDocument) -> bool:
    """Whether ``pred`` was made on a text other than the one ``gold`` is written on:
    neither the same text nor (with a source map) the same source file, so its offsets
    cannot line up."""
    if pred.text == gold.text:
        return False
    sha256 = pred.meta.get("source_sha256")
    return not (source_map_of(pred) and
                sha256 == hashlib.sha256(gold.text.encode("utf-8")).hexdigest())


def on_gold_text(pred: GoldDocument, gold: GoldDocument) -> GoldDocument:
    """``pred`` in the coordinates of ``gold``'s text: a prediction on a reflowed text is
    moved onto the source file's characters when the gold is written on the file (its text
    is not the prediction's); where the gold annotates only some regions of the text
    (``meta["regions"]``, brat's ``texts.json``), predictions outside them are left out."""
    if pred.text != gold.text:
        pred = in_source_coordinates(pred, gold.text)
    regions = gold.meta.get("regions")
    if not isinstance(regions, list):
        return pred
    kept = [e for e in pred.entities if any(a <= e.start and e.end <= b for a, b in regions)]
    ids = {e.id for e in kept}
    relations = [r for r in pred.relations
                 if r.level == "concept" or (r.head in ids and r.tail in ids)]
    return GoldDocument(pred.id, pred.text, kept, relations, pred.meta)


def _passthrough_map(label_map: LabelMap) -> LabelMap:
    """``label_map`` that also keeps labels already in the target vocabulary."""
    targets = {part for v in label_map.entities.values() for part in v.split("|")}
    entities = {**{t: t for t in targets}, **label_map.entities}
    return LabelMap(entities, label_map.relations, label_map.attributes)


def _mentions(doc: GoldDocument, groups: Mapping[str, str]) -> list[Mention]:
    """Unique (label, start, end) mentions; labels folded into alternative groups."""
    seen: dict[tuple[str, int, int], Mention] = {}
    for ent in doc.entities:
        label = groups.get(ent.label, ent.label)
        seen.setdefault((label, ent.start, ent.end),
                        Mention(label, ent.start, ent.end, ent.negated))
    return list(seen.values())


def _label_score(per_doc: np.ndarray) -> LabelScore:
    """Scores with the bootstrap CI from a (documents × 3) array of (tp, pred, gold)."""
    tp, n_pred, n_gold = (int(x) for x in per_doc.sum(axis=0))
    return LabelScore.of(tp, n_pred, n_gold, ci95=bootstrap_f1(per_doc))


def _table(per_doc: Mapping[str, np.ndarray], labels: Iterable[str]) -> ScoreTable:
    """Per-label rows with CIs, then micro and macro, from per-document count arrays."""
    rows = {label: _label_score(per_doc[label]) for label in labels}
    if not per_doc:
        return ScoreTable(labels=rows)
    averaged = [rows[label] for label in per_doc]
    return ScoreTable(
        labels=rows, micro=_label_score(np.sum(np.stack(list(per_doc.values())), axis=0)),
        macro=Averages(**{k: round(sum(getattr(r, k) for r in averaged) / len(averaged), 4)
                          for k in ("precision", "recall", "f1")}))


def _counts_dict(counts: Mapping[str, Any]) -> dict[str, Score]:
    """Rows from a {key: Counts-like with tp/fp/fn} mapping."""
    out = {}
    for key, c in counts.items():
        tp, fp, fn = int(c.tp), int(c.fp), int(c.fn)
        out[key] = Score.of(tp, tp + fp, tp + fn)
    return out


def _record_fields(record: Mapping[str, Any]) -> dict[str, object]:
    """Comparable fields of one evidence record (names lower-cased, lists as sets)."""
    pop = record.get("population") or {}
    fields: dict[str, object] = {"level": record.get("level"), "design": record.get("design")}
    for key in ("n", "age_mean", "age_median", "male", "female"):
        fields[f"population.{key}"] = pop.get(key)
    arms = record.get("interventions") or []

    def names(values: Iterable[object]) -> frozenset[str] | None:
        found = frozenset(str(v).strip().lower() for v in values if v not in (None, ""))
        return found or None

    fields["interventions.drug"] = names((a.get("drug") or {}).get("name") for a in arms)
    fields["interventions.dose"] = names(
        ((a.get("dose") or {}).get("value"), (a.get("dose") or {}).get("unit")) for a in arms
        if a.get("dose"))
    fields["interventions.route"] = names((a.get("route") or {}).get("name") for a in arms)
    fields["adverse_events.term"] = names(e.get("term") for e in
                                          record.get("adverse_events") or [])
    fields["outcomes.measure"] = names(o.get("measure") for o in record.get("outcomes") or [])
    return fields


def score_records(pairs: Sequence[tuple[list[Any], list[Any]]]) -> dict[str, FieldAccuracy]:
    """Per-field accuracy over gold records, each paired with its most similar prediction.

    Within a document, gold records are paired greedily (one-to-one, same level) with the
    predicted record agreeing on the most fields; a field counts when the gold record has a
    value for it, and is correct when the paired prediction has the same value.
    """
    correct: dict[str, int] = {}
    total: dict[str, int] = {}
    for gold, pred in pairs:
        g_fields = [_record_fields(r) for r in gold]
        p_fields = [_record_fields(r) for r in pred]
        candidates = sorted(
            (-sum(v is not None and p.get(k) == v for k, v in g.items()), gi, pi)
            for gi, g in enumerate(g_fields) for pi, p in enumerate(p_fields)
            if g["level"] == p["level"])
        match: dict[int, int] = {}
        used: set[int] = set()
        for _, gi, pi in candidates:
            if gi not in match and pi not in used:
                match[gi] = pi
                used.add(pi)
        for gi, g in enumerate(g_fields):
            p = p_fields[match[gi]] if gi in match else {}
            for key, value in g.items():
                if value is None:
                    continue
                total[key] = total.get(key, 0) + 1
                correct[key] = correct.get(key, 0) + (p.get(key) == value)
    return {key: FieldAccuracy(correct=correct[key], total=total[key],
                               accuracy=round(correct[key] / total[key], 4))
            for key in sorted(total)}


def _records_section(gold: Sequence[GoldDocument], paired: Mapping[str, GoldDocument]
                     ) -> dict[str, FieldAccuracy] | None:
    """Per-field accuracy of evidence records, when both sides carry records."""
    def records(doc: GoldDocument) -> list[Any]:
        found = doc.meta.get("records")
        return list(found) if isinstance(found, list) else []

    pairs = [(records(g), records(paired[g.id])) for g in gold if g.id in paired]
    pairs = [(g, p) for g, p in pairs if g]
    if not pairs or not any(p for _, p in pairs):
        return None
    return score_records(pairs)


def unknown_labels(gold_docs: Sequence[GoldDocument], pred_docs: Sequence[GoldDocument],
                   label_map: LabelMap | None = None) -> list[str]:
    """Gold labels that would be scored as a label of their own: after the label map, not
    a toolkit label and carried by no prediction (a typo, or a corpus label that needs
    ``--label-map``). One problem per label, naming where it first occurs."""
    from extractor.evidence import LABELS
    from extractor.formats.checks import location

    if label_map is not None:
        lm = _passthrough_map(label_map)
        gold_docs = [apply_label_map(d, lm) for d in gold_docs]
        pred_docs = [apply_label_map(d, lm) for d in pred_docs]
    known = set(LABELS) | {e.label for d in pred_docs for e in d.entities}
    first: dict[str, str] = {}
    for doc in gold_docs:
        for ent in doc.entities:
            parts = ent.label.split("|")  # a mapped "A|B" may be either
            if not any(part in known for part in parts) and ent.label not in first:
                first[ent.label] = location(doc, ent.id)
    return [f"{place}: unknown label {label!r} (not a toolkit label, and no prediction "
            "has it; give --label-map?)" for label, place in first.items()]


def validate(gold_docs: Sequence[GoldDocument], pred_docs: Sequence[GoldDocument],
             label_map: LabelMap | None = None, *, max_examples: int | None = None
             ) -> ValidationResult:
    """Every metric of gold vs predictions (``.to_json()``: what ``validate --json`` writes).

    ``label_map`` maps corpus labels to the toolkit's; it is applied to both sides, and
    labels already in the toolkit's vocabulary pass through. A mapped value ``A|B`` (a
    corpus label that may be either) matches a prediction labelled A or B.
    ``max_examples`` caps the false positive / negative lists.
    """
    if label_map is not None:
        lm = _passthrough_map(label_map)
        gold_docs = [apply_label_map(d, lm) for d in gold_docs]
        pred_docs = [apply_label_map(d, lm) for d in pred_docs]
    groups = {part: e.label for d in gold_docs for e in d.entities if "|" in e.label
              for part in e.label.split("|")}
    paired, unpaired = pair_documents(gold_docs, pred_docs)
    other_text = [g.id for g in gold_docs if g.id in paired and on_another_text(paired[g.id], g)]
    paired = {g.id: on_gold_text(paired[g.id], g) for g in gold_docs if g.id in paired}
    empty = GoldDocument("", "")
    labels = sorted({groups.get(e.label, e.label) for d in [*gold_docs, *paired.values()]
                     for e in d.entities})
    per_doc: dict[str, dict[str, list[list[int]]]] = {
        mode: {label: [] for label in labels} for mode in ("exact", "overlap")}
    untyped: list[list[int]] = []
    negation = [0, 0]
    false_pos: list[Example] = []
    false_neg: list[Example] = []
    for g_doc in gold_docs:
        p_doc = paired.get(g_doc.id, empty)
        g, p = _mentions(g_doc, groups), _mentions(p_doc, groups)
        report = evaluate_mentions({g_doc.id: g}, {g_doc.id: p})
        for mode, table in (("exact", report.exact), ("overlap", report.overlap)):
            for label in labels:
                c = table.get(label, Counts())
                per_doc[mode][label].append([c.tp, c.n_pred, c.n_gold])
        g_spans = {(m.start, m.end) for m in g}
        p_spans = {(m.start, m.end) for m in p}
        untyped.append([len(g_spans & p_spans), len(p_spans), len(g_spans)])
        negation[0] += report.negation_agree
        negation[1] += report.negation_pairs
        g_keys = {(m.label, m.start, m.end) for m in g}
        p_keys = {(m.label, m.start, m.end) for m in p}
        for keys, other, doc, sink in ((p_keys, g_keys, p_doc, false_pos),
                                       (g_keys, p_keys, g_doc, false_neg)):
            for label, start, end in sorted(keys - other, key=lambda k: (k[1], k[2], k[0])):
                sink.append(Example(document=g_doc.id, label=label, start=start, end=end,
                                    text=doc.text[start:end],
                                    sentence=sentence_at(doc.text, start, end)))
    pred_aligned = [GoldDocument(g.id, paired[g.id].text, paired[g.id].entities,
                                 paired[g.id].relations, paired[g.id].meta)
                    for g in gold_docs if g.id in paired]
    try:
        from extractor.evaluate.concepts import (  # type: ignore[import-not-found,unused-ignore]
            score_concepts,
            score_relations,
        )
    except ImportError:
        concepts: dict[str, Score] | Skipped = Skipped(
            skipped="extractor.evaluate.concepts is not available")
        relations = concepts
    else:
        concepts = _counts_dict(score_concepts(list(gold_docs), pred_aligned))
        relations = _counts_dict(score_relations(list(gold_docs), pred_aligned))
    return ValidationResult(
        documents=Documents(gold=len(gold_docs), pred=len(pred_docs), paired=len(paired),
                            pred_on_another_text=other_text, unpaired_pred=unpaired,
                            gold_without_pred=[d.id for d in gold_docs if d.id not in paired]),
        mentions=_table({k: np.array(v, dtype=np.int64).reshape(-1, 3)
                         for k, v in per_doc["exact"].items()}, labels),
        mentions_overlap=_table({k: np.array(v, dtype=np.int64).reshape(-1, 3)
                                 for k, v in per_doc["overlap"].items()}, labels),
        mentions_untyped=_label_score(np.array(untyped, dtype=np.int64).reshape(-1, 3)),
        negation=Negation(pairs=negation[1], agree=negation[0],
                          accuracy=round(negation[0] / negation[1], 4) if negation[1] else None),
        bootstrap=Bootstrap(resamples=RESAMPLES, seed=SEED),
        concepts=concepts, relations=relations,
        records=_records_section(gold_docs, paired),
        false_positives=false_pos[:max_examples], false_negatives=false_neg[:max_examples])
