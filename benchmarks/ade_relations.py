"""Adverse-event attribution on ADE-Corpus-V2: drug-to-effect pairs and ADE sentences.

Run:  .venv/bin/python benchmarks/ade_relations.py [--split dev|train] [--rules-only] [--classifier]
          [--gold-entities] [--without COMPONENT ...] [--limit N] [--errors N]

The corpus part (``extractor.train.corpora.read_split("ade", split)``) is its sentences with
a DRUG-AE or DRUG-DOSE relation plus the ADE-NEG sentences of the same abstracts, each run
through the default pipeline (``extractor.pipeline.Pipeline``, with the NER model; ``--rules-only``
without it) as its own text, as ``benchmarks/extraction.py`` does. It prints:

* pairs: a predicted pair is an ``adverse_event_of`` relation (head ADVERSE_EVENT, tail DRUG)
  of a sentence whose effect is not negated (the corpus pairs are asserted effects); it
  matches a gold DRUG-AE pair of that sentence when both spans match exactly, or, in the
  overlap variant, when each span overlaps its gold span (one-to-one).
  Also the ceiling the entity spans allow: gold pairs whose two spans are both entities.
* sentences: predicted positive when the sentence has a non-negated ``adverse_event_of``
  relation or the ADE sentence classifier (``--classifier``, or in the pipeline config;
  extractor/nlp/ade_sentence.py) flags it; gold positive when it has a DRUG-AE pair.

``--gold-entities`` scores the attribution alone: the sentence's gold drug and effect spans
replace the pipeline's entities before the context component (statuses, negation and
relations then run on them). The corpus annotates only drugs in a relation, so there the
sentences hold no distracting drug and precision is an upper bound.

Tune with ``--split train`` (``--errors N`` prints N false positives and negatives of each
kind); report ``--split dev``, whose answers are not read one by one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import shared_dir  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from spacy.util import filter_spans  # noqa: E402

from extractor.formats import GoldDocument  # noqa: E402
from extractor.nlp.ade_sentence import ADE_SENTENCES  # noqa: E402
from extractor.nlp.ade_sentence import FACTORY as ADE_FACTORY  # noqa: E402
from extractor.train.corpora import read_split  # noqa: E402

CharSpan = tuple[int, int]
Pair = tuple[CharSpan, CharSpan]  # (adverse effect, drug)


@dataclass
class Counts:
    """True positives, false positives, false negatives, and their scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        """Add one sentence's counts."""
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    def line(self, name: str) -> str:
        """``name  P R F1 (tp/fp/fn)`` as printed."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return (f"{name:<34} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn})")


@dataclass
class Prediction:
    """What the pipeline says about one sentence."""

    pairs: set[Pair] = field(default_factory=set)
    positive: bool = False
    entities: set[tuple[str, CharSpan]] = field(default_factory=set)


def gold_pairs(doc: GoldDocument) -> set[Pair]:
    """The sentence's DRUG-AE pairs as (effect span, drug span)."""
    spans = {e.id: (e.spans[0][0], e.spans[-1][1]) for e in doc.entities}
    return {(spans[r.head], spans[r.tail]) for r in doc.relations
            if r.type == "adverse_event_of"}


def _overlaps(a: CharSpan, b: CharSpan) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def overlap_matches(pred: Iterable[Pair], gold: set[Pair]) -> int:
    """Pairs matched one-to-one when each span overlaps its gold span (greedy, exact first)."""
    left = set(gold)
    matched = 0
    pending = []
    for p in sorted(pred):
        if p in left:
            left.discard(p)
            matched += 1
        else:
            pending.append(p)
    for ae, drug in pending:
        hit = next((g for g in sorted(left) if _overlaps(ae, g[0]) and _overlaps(drug, g[1])),
                   None)
        if hit is not None:
            left.discard(hit)
            matched += 1
    return matched


def predict(docs: list[GoldDocument], ner: bool, gold_entities: bool,
            classifier: bool, without: tuple[str, ...] = ()) -> tuple[list[Prediction], float,
                                                                 float]:
    """Run the pipeline (less the components ``without``) over the sentences: predictions,
    load seconds, run seconds."""
    t0 = time.perf_counter()
    from extractor.pipeline import Pipeline

    nlp = Pipeline(ner=ner).nlp
    for name in without:
        nlp.disable_pipe(name)
    factories = {nlp.get_pipe_meta(n).factory for n in nlp.pipe_names}
    if classifier and ADE_FACTORY not in factories:
        nlp.add_pipe(ADE_FACTORY, before="relations")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sdocs = (_with_gold_entities(nlp, docs) if gold_entities
             else nlp.pipe((d.text for d in docs), batch_size=64))
    out = []
    for sdoc in sdocs:
        pred = Prediction()
        pred.entities = {(e.label_, (e.start_char, e.end_char)) for e in sdoc.ents}
        for rel, head, tail in sdoc._.relations or []:
            if rel != "adverse_event_of" or head._.negated:
                continue
            pred.pairs.add(((head.start_char, head.end_char), (tail.start_char, tail.end_char)))
            pred.positive = True
        pred.positive = pred.positive or bool(sdoc.spans.get(ADE_SENTENCES))
        out.append(pred)
    return out, load_s, time.perf_counter() - t0


def _with_gold_entities(nlp: Language, docs: list[GoldDocument]) -> Iterator[Doc]:
    """Each sentence through the pipeline with the gold DRUG and ADVERSE_EVENT spans as its
    entities from the context component on (status, negation, relations run on them)."""
    after = nlp.pipe_names.index("context")
    for doc in docs:
        sdoc = nlp.make_doc(doc.text)
        for _name, proc in nlp.pipeline[:after]:
            sdoc = proc(sdoc)
        spans = {}
        for e in doc.entities:
            if e.label in ("DRUG", "ADVERSE_EVENT"):
                span = sdoc.char_span(e.spans[0][0], e.spans[-1][1], e.label,
                                      alignment_mode="expand")
                if span is not None:
                    spans[(span.start, span.end)] = span
        sdoc.ents = filter_spans(list(spans.values()))
        for _name, proc in nlp.pipeline[after:]:  # (enabled components only)
            sdoc = proc(sdoc)
        yield sdoc


def _show(doc: GoldDocument, pairs: Iterable[Pair]) -> str:
    t = doc.text
    return "; ".join(f"{t[a[0]:a[1]]!r} <- {t[d[0]:d[1]]!r}" for a, d in sorted(pairs))


def report(docs: list[GoldDocument], preds: list[Prediction], errors: int) -> None:
    """Score and print pairs and sentences (and ``errors`` examples of each error kind)."""
    exact, overlap, sentences = Counts(), Counts(), Counts()
    reachable = 0
    n_gold = 0
    shown = {"pair fp": 0, "pair fn": 0, "sentence fp": 0, "sentence fn": 0}
    for doc, pred in zip(docs, preds, strict=True):
        gold = gold_pairs(doc)
        n_gold += len(gold)
        tp = len(pred.pairs & gold)
        exact.add(tp, len(pred.pairs) - tp, len(gold) - tp)
        otp = overlap_matches(pred.pairs, gold)
        overlap.add(otp, len(pred.pairs) - otp, len(gold) - otp)
        reachable += sum(1 for ae, drug in gold if ("ADVERSE_EVENT", ae) in pred.entities
                         and ("DRUG", drug) in pred.entities)
        is_gold = bool(gold)
        sentences.add(int(pred.positive and is_gold), int(pred.positive and not is_gold),
                      int(is_gold and not pred.positive))
        if errors:
            for kind, wrong in (("pair fp", pred.pairs - gold), ("pair fn", gold - pred.pairs)):
                if wrong and shown[kind] < errors:
                    shown[kind] += 1
                    print(f"[{kind}] {doc.id}: {_show(doc, wrong)}\n    {doc.text}")
            kind = ("sentence fp" if pred.positive and not is_gold else
                    "sentence fn" if is_gold and not pred.positive else "")
            if kind and shown[kind] < errors:
                shown[kind] += 1
                print(f"[{kind}] {doc.id}: predicted {_show(doc, pred.pairs)}\n    {doc.text}")
    n_pos = sum(1 for d in docs if gold_pairs(d))
    print(f"\n{len(docs)} sentences ({n_pos} with a DRUG-AE pair), {n_gold} gold pairs; "
          f"{reachable} gold pairs ({reachable / max(n_gold, 1):.3f}) have both spans "
          "as entities (the ceiling of exact pair recall)")
    print(exact.line("drug-AE pairs, exact spans"))
    print(overlap.line("drug-AE pairs, overlapping spans"))
    print(sentences.line("sentences reporting an ADE"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "train"), default="dev")
    ap.add_argument("--rules-only", dest="ner", action="store_false",
                    help="the rules alone, without the NER model (models/ner)")
    # the model runs by default; --ner (older commands) changes nothing
    ap.add_argument("--ner", dest="ner", action="store_true", default=True,
                    help=argparse.SUPPRESS)
    ap.add_argument("--classifier", action="store_true",
                    help="add the ADE sentence classifier before the relations if the "
                    "pipeline config lacks it")
    ap.add_argument("--gold-entities", action="store_true",
                    help="attribution alone: the gold drug and effect spans as the entities")
    ap.add_argument("--without", action="append", default=[], metavar="COMPONENT",
                    help="run the pipeline without this component (e.g. problem_roles)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N sentences")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="print N examples of each error kind (tune on --split train only)")
    args = ap.parse_args(argv)
    docs = read_split("ade", args.split, shared_dir())[:args.limit]
    preds, load_s, run_s = predict(docs, args.ner, args.gold_entities, args.classifier,
                                   tuple(args.without))
    print(f"ADE-Corpus-V2 {args.split} with ADE-NEG; pipeline "
          f"{'rules + NER model' if args.ner else 'rules only'}"
          f"{', ADE sentence classifier' if args.classifier else ''}"
          f"{', gold entities' if args.gold_entities else ''}"
          f"{''.join(f', without {n}' for n in args.without)} "
          f"(loaded in {load_s:.1f} s, ran in {run_s:.1f} s)")
    report(docs, preds, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
