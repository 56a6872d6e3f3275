"""extractor_context on PHEE (dev split, v1 JSON): negation, speculation and the AE role.

Gold entities are placed by hand so that only the context component is measured:

* every event's Effect span becomes an entity labelled CONDITION; its gold negated /
  uncertain flags are the event's Negated / Speculated attributes;
* for Adverse_event events the Effect's gold role is ADVERSE_EVENT; every
  Treatment.Disorder span (the disease a drug was given for) is a CONDITION, gold
  CONDITION; Treatment.Drug spans are DRUGs (they anchor "due to X", "(X)").

The component then runs on the tokenized, sentence-split text, and the flags and labels
are compared. negspacy's Negex (en_clinical termset) runs on the same entities as the
baseline for negation. PHEE marks negation and speculation per event, so the Effect span
stands for the event: a cue that scopes over the trigger only ("did not develop X") is
still counted on X. Usage::

    .venv/bin/python benchmarks/context_phee.py
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import spacy
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpora" / "phee" / "v1" / "json" / "dev.json"


def _spans(arg: dict | None) -> list[tuple[int, int]]:
    """(start, end) of each argument, first to last fragment."""
    if not arg:
        return []
    out = []
    for texts, starts in zip(arg["text"], arg["start"], strict=True):
        out.append((starts[0], starts[-1] + len(texts[-1])))
    return out


def _gold(record: dict) -> list[tuple[int, int, str, str, bool, bool]]:
    """(start, end, input label, gold label, negated, speculated) per entity."""
    items: dict[tuple[int, int], tuple[int, int, str, str, bool, bool]] = {}
    for ann in record["annotations"]:
        for ev in ann["events"]:
            neg = bool((ev.get("Negated") or {}).get("value"))
            spec = bool((ev.get("Speculated") or {}).get("value"))
            treatment = ev.get("Treatment") or {}
            for s, e in _spans(treatment.get("Drug")):
                items.setdefault((s, e), (s, e, "DRUG", "DRUG", False, False))
            for s, e in _spans(treatment.get("Disorder")):
                items[(s, e)] = (s, e, "CONDITION", "CONDITION", False, False)
            gold = "ADVERSE_EVENT" if ev["event_type"] == "Adverse_event" else "EFFECT"
            for s, e in _spans(ev.get("Effect")):
                items[(s, e)] = (s, e, "CONDITION", gold, neg, spec)
    return list(items.values())


def _prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (tp {tp}, fp {fp}, fn {fn})"


def main() -> int:
    """Score the context component (and negspacy's negation) on PHEE dev."""
    if not DEV.exists():
        print(f"{DEV} is absent (../shared is not beside this clone)")
        return 1
    warnings.filterwarnings("ignore")
    from negspacy.negation import Negex  # noqa: F401  (registers "negex")
    from negspacy.termsets import termset

    import extractor.nlp.sentences  # noqa: F401
    from extractor.nlp.context import ContextComponent
    from extractor.nlp.tokenizer import build_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    sentences = nlp.add_pipe("extractor_sentences")
    t0 = time.perf_counter()
    context = ContextComponent(nlp)
    load_s = time.perf_counter() - t0
    negex = nlp.add_pipe("negex", config={"neg_termset": termset("en_clinical").get_patterns(),
                                          "ent_types": ["CONDITION"]})

    records = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    counts = {k: [0, 0, 0] for k in ("neg", "negex", "spec")}
    role = {"ADVERSE_EVENT": [0, 0], "CONDITION": [0, 0]}  # gold label -> [right, total]
    context_s = 0.0
    n_ents = 0
    for rec in records:
        doc: Doc = sentences(nlp.make_doc(rec["context"]))
        spans, gold = [], {}
        for s, e, label, gold_label, neg, spec in _gold(rec):
            span = doc.char_span(s, e, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
                gold[(span.start, span.end)] = (gold_label, neg, spec)
        doc.ents = filter_spans(spans)
        n_ents += len(doc.ents)
        t = time.perf_counter()
        doc = context(doc)
        context_s += time.perf_counter() - t
        ents: list[Span] = list(doc.ents)
        for ent in ents:
            gold_label, neg, spec = gold[(ent.start, ent.end)]
            if gold_label in role:
                role[gold_label][0] += ent.label_ == gold_label
                role[gold_label][1] += 1
            if gold_label == "DRUG":
                continue
            for key, pred, truth in (("neg", ent._.negated, neg), ("spec", ent._.uncertain, spec)):
                counts[key][0] += pred and truth
                counts[key][1] += pred and not truth
                counts[key][2] += truth and not pred
        # negspacy on fresh spans with the input labels (its attribute is ``_.negex``)
        doc.ents = [Span(doc, e.start, e.end,
                         label="DRUG" if e.label_ == "DRUG" else "CONDITION") for e in ents]
        doc = negex(doc)
        for ent in doc.ents:
            gold_label, neg, _spec = gold[(ent.start, ent.end)]
            if gold_label == "DRUG":
                continue
            pred = bool(ent._.negex)
            counts["negex"][0] += pred and neg
            counts["negex"][1] += pred and not neg
            counts["negex"][2] += neg and not pred

    print(f"PHEE v1 dev: {len(records)} sentences, {n_ents} entities; "
          f"context component loads in {load_s * 1000:.0f} ms, runs in "
          f"{context_s * 1000 / len(records):.2f} ms/sentence")
    print(f"negation     extractor_context  {_prf(*counts['neg'])}")
    print(f"negation     negspacy (en_clin.) {_prf(*counts['negex'])}")
    print(f"speculation  extractor_context  {_prf(*counts['spec'])}")
    for label, (right, total) in role.items():
        print(f"role {label:13s} kept/assigned correctly: {right}/{total} "
              f"({right / total if total else 0:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
