"""The NER model (models/ner), the rules and the default pipeline on the development splits.

Run:  .venv/bin/python benchmarks/ner.py [--corpus ade|phee|bc5cdr|all] [--limit N]
          [--model-dir DIR] [--components NAME ...] [--no-pairs] [--no-startup]
      .venv/bin/python benchmarks/ner.py --split held --tune   (choose resolve's policy)

Per corpus and label, exact and overlap precision/recall/F1 of three predictors:

* model: the trained model's candidates alone (resolved);
* rules: the extraction pipeline without its model component (``--rules-only``);
* default: the pipeline as models/pipeline.cfg configures it (rules + model, merged by
  ``resolve``), with the words per second of the whole pipeline and of the rules.

Then, unless ``--no-pairs``, the drug-effect pairs and the sentences reporting an adverse
drug effect on ADE's development abstracts with their ADE-NEG sentences
(benchmarks/ade_relations.py, rules and default), and, unless ``--no-startup``, the
start-up time of ``extractor extract -`` on one sentence (benchmarks/startup.py).

Splits (extractor/train/corpora.py): ``dev`` is each corpus's development split (ADE: by
the PMID rule there; only sentences with a relation are scored, as in
benchmarks/extraction.py). ``held`` is the held-back slice of the *training* data that
picks the best epoch, and on which ``--tune`` chooses, per label, whether the model's spans
win over the rules' (``model_first``), replace them (``model_only``) or only fill gaps
(``model_last``) in models/pipeline.cfg; the development split is only measured.

BC5CDR: Chemical is scored as DRUG, Disease as DISEASE (a predicted ADVERSE_EVENT or
CONDITION counts as DISEASE). Also printed: the model's size on disk and load time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, shared_dir  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

from extractor.evaluate.mentions import Mention, MentionReport, evaluate_mentions  # noqa: E402
from extractor.formats import GoldDocument  # noqa: E402
from extractor.nlp.resolve import (  # noqa: E402
    choose_entities,
    model_keys,
    propagate_abbreviations,
)

MODEL_DIR = REPO / "models" / "ner"
LABELS = {"ade": ("DRUG", "ADVERSE_EVENT", "DOSE"),
          "phee": ("DRUG", "DOSE", "ROUTE", "FREQUENCY", "DURATION", "ADVERSE_EVENT"),
          "bc5cdr": ("DRUG", "DISEASE")}
# gold corpus label → scored label (ADE and PHEE gold already carry toolkit labels)
GOLD_LABELS = {"Chemical": "DRUG", "Disease": "DISEASE"}
PRED_LABELS = {"bc5cdr": {"ADVERSE_EVENT": "DISEASE", "CONDITION": "DISEASE"}}
POLICIES = ("longest", "first", "only", "last")


def gold_docs(corpus: str, split: str, limit: int | None) -> list[GoldDocument]:
    """Development (or held-back training) documents of ``corpus``."""
    from extractor.train.corpora import read_split, training_docs
    from extractor.train.examples import is_holdout
    from extractor.train.settings import load_settings

    shared_dir("corpora")
    if split == "dev":
        docs = read_split(corpus, "dev")
    else:
        t = load_settings(REPO / "models" / "ner.cfg").training
        docs = [d for d in training_docs(corpus) if is_holdout(d, t.holdout_mod, t.holdout_rest)]
    if corpus == "ade":  # sentences with a relation only (as benchmarks/extraction.py)
        docs = [d for d in docs if d.entities]
    return docs[:limit]


def gold_mentions(docs: Sequence[GoldDocument]) -> dict[str, list[Mention]]:
    """Gold mentions keyed by document id, BC5CDR labels renamed."""
    return {d.id: [Mention(GOLD_LABELS.get(e.label, e.label), e.start, e.end)
                   for e in d.entities] for d in docs}


def mentions(corpus: str, spans: Iterable[Span]) -> list[Mention]:
    """Scored mentions of predicted spans (labels renamed for BC5CDR)."""
    rename = PRED_LABELS.get(corpus, {})
    return [Mention(rename.get(s.label_, s.label_), s.start_char, s.end_char) for s in spans]


def build(components: Sequence[str] | None) -> Language:
    """The extraction pipeline with the model restricted to ``components`` (None: the
    config's)."""
    from extractor.pipeline import load_nlp

    overrides: dict[str, object] = {"components.model.path": str(MODEL_DIR)}
    if components is not None:
        overrides["components.model.components"] = list(components)
    return load_nlp(overrides=overrides, ner=True)


def predict(corpus: str, nlp: Language, docs: Sequence[GoldDocument],
            disable: Sequence[str] = ()) -> dict[str, list[Mention]]:
    """``doc.ents`` of the pipeline (some components disabled) on every document."""
    with nlp.select_pipes(disable=list(disable)):
        out = nlp.pipe((d.text for d in docs), batch_size=64)
        return {d.id: mentions(corpus, sd.ents) for d, sd in zip(docs, out, strict=True)}


def upto_resolve(nlp: Language, docs: Sequence[GoldDocument]) -> list[Doc]:
    """The docs with their candidates (every component before ``resolve``)."""
    names = nlp.pipe_names
    later = names[names.index("resolve"):]
    with nlp.select_pipes(disable=later):
        return list(nlp.pipe((d.text for d in docs), batch_size=64))


def model_alone(corpus: str, sdocs: Sequence[Doc], docs: Sequence[GoldDocument]
                ) -> dict[str, list[Mention]]:
    """Only the model's candidates, resolved."""
    out = {}
    for d, sd in zip(docs, sdocs, strict=True):
        keys = sorted(model_keys(sd) or ())
        out[d.id] = mentions(corpus, (Span(sd, s, e, label=label) for s, e, label in keys))
    return out


def resolved(corpus: str, sdocs: Sequence[Doc], docs: Sequence[GoldDocument],
             policy: dict[str, list[str]]) -> dict[str, list[Mention]]:
    """What ``resolve`` chooses under a policy (model_first / model_only / model_last)."""
    return {d.id: mentions(corpus, propagate_abbreviations(sd, choose_entities(
        sd, policy["first"], policy["only"], policy["last"])))
        for d, sd in zip(docs, sdocs, strict=True)}


def table(corpus: str, reports: dict[str, MentionReport]) -> str:
    """Per label F1 exact (and overlap) of each predictor, side by side."""
    names = list(reports)
    lines = [f"{'label':<14} {'gold':>5} | " + " | ".join(f"{n:>22}" for n in names),
             f"{'':<14} {'':>5} | " + " | ".join(f"{'P':>6} {'R':>6} {'F1':>6}   "
                                                  for _ in names)]
    for label in LABELS[corpus]:
        cells = []
        for n in names:
            c = reports[n].exact.get(label)
            cells.append(f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}   " if c
                         else f"{'-':>22}")
        gold = next((r.exact[label].n_gold for r in reports.values() if label in r.exact), 0)
        lines.append(f"{label:<14} {gold:>5} | " + " | ".join(cells))
        over = [reports[n].overlap.get(label) for n in names]
        lines.append(f"{'  (overlap)':<14} {'':>5} | " + " | ".join(
            f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}   " if c else f"{'-':>22}"
            for c in over))
    micro = [reports[n].micro() for n in names]
    lines.append(f"{'micro':<14} {micro[0].n_gold:>5} | " + " | ".join(
        f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}   " for c in micro))
    return "\n".join(lines)


def _policy_report(corpus: str, sdocs: Sequence[Doc], docs: Sequence[GoldDocument],
                   gold: dict[str, list[Mention]], policy: dict[str, list[str]]
                   ) -> MentionReport:
    return evaluate_mentions(gold, resolved(corpus, sdocs, docs, policy), LABELS[corpus])


def tune(corpora: Sequence[str], split: str, limit: int | None,
         components: Sequence[str] | None) -> None:
    """Per label, the policy (longest / first / only / last) with the best summed exact F1
    over the corpora."""
    per: dict[str, list[tuple[str, Callable[[dict[str, list[str]]], MentionReport]]]] = {}
    tuned = {"ade": LABELS["ade"], "phee": LABELS["phee"],
             "bc5cdr": ("DRUG", "ADVERSE_EVENT", "CONDITION")}
    for corpus in corpora:
        docs = gold_docs(corpus, split, limit)
        gold = gold_mentions(docs)
        sdocs = upto_resolve(build(components), docs)
        score = partial(_policy_report, corpus, sdocs, docs, gold)
        for label in tuned[corpus]:
            per.setdefault(label, []).append((corpus, score))
    chosen: dict[str, list[str]] = {"first": [], "only": [], "last": []}
    for label, scorers in per.items():
        best = None
        for policy in POLICIES:
            trial = {k: [*v, label] if k == policy else v for k, v in chosen.items()}
            total = 0.0
            for name, scorer in scorers:
                rep = scorer(trial)
                scored = "DISEASE" if name == "bc5cdr" and label in (
                    "ADVERSE_EVENT", "CONDITION") else label
                total += rep.exact[scored].f1 if scored in rep.exact else 0.0
            print(f"  {label:<14} {policy:<8} summed exact F1 {total:.4f}")
            if best is None or total > best[0] + 1e-9:
                best = (total, policy)
        assert best is not None
        if best[1] != "longest":
            chosen[best[1]].append(label)
    print("\nchosen: " + "; ".join(f"model_{k} = {sorted(v)}" for k, v in chosen.items()))


def model_size() -> str:
    """Size on disk and load time of the shipped model."""
    from extractor.nlp.ner import load_components

    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    t0 = time.perf_counter()
    load_components(MODEL_DIR)
    return f"model {MODEL_DIR}: {size / 1e6:.1f} MB on disk, loads in " \
           f"{time.perf_counter() - t0:.2f} s"


def words_per_second(nlp: Language, docs: Sequence[GoldDocument],
                     disable: Sequence[str] = ()) -> float:
    """Whole-pipeline speed on the documents' texts (whitespace words per second)."""
    words = sum(len(d.text.split()) for d in docs)
    t0 = time.perf_counter()
    with nlp.select_pipes(disable=list(disable)):
        for _ in nlp.pipe((d.text for d in docs), batch_size=64):
            pass
    return words / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", choices=(*LABELS, "all"), default="all")
    ap.add_argument("--split", choices=("dev", "held"), default="dev")
    ap.add_argument("--limit", type=int, default=None, help="at most N documents per corpus")
    ap.add_argument("--tune", action="store_true", help="choose resolve's model policy")
    ap.add_argument("--model-dir", type=Path, default=None,
                    help="trained model folder (default models/ner)")
    ap.add_argument("--components", nargs="+", default=None,
                    help="which trained components run (default: models/pipeline.cfg's)")
    ap.add_argument("--no-pairs", action="store_true", help="skip the ADE pairs and sentences")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up timing")
    args = ap.parse_args(argv)
    if args.model_dir is not None:
        global MODEL_DIR
        MODEL_DIR = args.model_dir
    corpora = list(LABELS) if args.corpus == "all" else [args.corpus]
    if args.tune:
        tune(corpora, args.split, args.limit, args.components)
        return 0
    print(model_size())
    nlp = build(args.components)
    for corpus in corpora:
        docs = gold_docs(corpus, args.split, args.limit)
        gold = gold_mentions(docs)
        words = sum(len(d.text.split()) for d in docs)
        sdocs = upto_resolve(nlp, docs)
        reports = {
            "model": evaluate_mentions(gold, model_alone(corpus, sdocs, docs), LABELS[corpus]),
            "rules": evaluate_mentions(gold, predict(corpus, nlp, docs, ["model"]),
                                       LABELS[corpus]),
            "default": evaluate_mentions(gold, predict(corpus, nlp, docs), LABELS[corpus])}
        speed = words_per_second(nlp, docs)
        rules_speed = words_per_second(nlp, docs, ["model"])
        print(f"\n== {corpus} {args.split}: {len(docs)} documents, {words} words; "
              f"default pipeline {speed:,.0f} words/s, rules only {rules_speed:,.0f} "
              "words/s ==")
        print(table(corpus, reports))
    if not args.no_pairs and args.split == "dev" and "ade" in corpora:
        import ade_relations

        for flags in (["--rules-only"], []):  # rules only, then the default pipeline
            print()
            ade_relations.main(["--split", "dev", *flags])
    if not args.no_startup:
        import statistics

        import startup

        times = [startup.time_once() for _ in range(3)]
        print(f"\nstart-up, extractor extract - on one sentence: median "
              f"{statistics.median(times):.2f} s of {', '.join(f'{t:.2f}' for t in times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
