"""Mention extraction against gold: the seeds' hand annotations, ADE-Corpus-V2 and PHEE (dev).

Run:  .venv/bin/python benchmarks/extraction.py [--corpus seeds|ade|phee|all] [--limit N]
          [--rules-only] [--override KEY=JSON ...] [--without COMPONENT ...]
      .venv/bin/python benchmarks/extraction.py --self-check   (gold scored against itself)

Per corpus it prints per-label precision/recall/F1, exact and overlap (see
extractor/evaluate/mentions.py), negation accuracy, and the pipeline's words per second next
to spaCy's bare tokenizer on the same texts.

* Seeds: the pipeline runs on the seed file's raw text (``Pipeline().nlp``), not on the parsed
  Document, because the gold offsets index the raw file (the parser drops chrome and reflows
  text). Predictions outside the annotated regions (menus, references; corpus/gold/texts.json)
  are ignored.
* ADE-Corpus-V2: the sentences with a relation of the development part the NER model is not
  trained on (``extractor.train.corpora.ade_is_dev``: PHEE's dev PMIDs, plus PMID % 10 == 1
  among the others); scored on DRUG, ADVERSE_EVENT and DOSE only.
* PHEE: the official development split (``dev.json``) only; scored on DRUG, DOSE, ROUTE,
  FREQUENCY, DURATION and ADVERSE_EVENT. Nothing here is tuned on these answers.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, shared_dir  # noqa: E402

from extractor.evaluate.mentions import Mention, evaluate_mentions, format_report  # noqa: E402
from extractor.formats import GoldDocument, read_ade, read_brat_dir, read_phee  # noqa: E402
from extractor.train.corpora import ade_is_dev, pmid_of, read_split  # noqa: E402

GOLD = REPO / "corpus" / "gold"
ADE_LABELS = ("DRUG", "ADVERSE_EVENT", "DOSE")
PHEE_LABELS = ("DRUG", "DOSE", "ROUTE", "FREQUENCY", "DURATION", "ADVERSE_EVENT")
ADE_NOTE = ("note: ADE-Corpus-V2 annotates only drugs, effects and doses that take part in a "
            "drug-AE or drug-dose relation;\n      other drug mentions are unannotated, so "
            "precision (DRUG above all) is a lower bound.")
PHEE_NOTE = ("note: PHEE annotates arguments of events only (a drug named outside an event is "
             "unannotated); the\n      Effect of a therapeutic event is not scored as an "
             "adverse event.")

Predictor = Callable[[Sequence[GoldDocument]], dict[str, list[Mention]]]


def seed_gold(limit: int | None = None) -> list[GoldDocument]:
    """The seeds' gold, read against ../shared/seeds (texts, SHA-256 and annotated regions
    from corpus/gold/texts.json)."""
    shared_dir("seeds")
    return read_brat_dir(GOLD)[:limit]


def _in_regions(m: Mention, regions: list[list[int]] | None) -> bool:
    return regions is None or any(a <= m.start and m.end <= b for a, b in regions)


class PipelinePredictor:
    """Runs the whole spaCy pipeline and times it against spaCy's bare tokenizer."""

    def __init__(self, overrides: dict[str, object] | None = None,
                 without: Sequence[str] = (), ner: bool = True) -> None:
        t0 = time.perf_counter()
        from extractor.pipeline import load_nlp

        self.nlp = load_nlp(overrides=overrides, ner=ner)
        for name in without:
            self.nlp.disable_pipe(name)
        # The fuzzy index loads on first need (~2 s); load it here so that the timing
        # below is of the pipeline's work, and the load time shows the whole one-time cost.
        linker = self.nlp.get_pipe("linker") if "linker" in self.nlp.pipe_names else None
        if hasattr(linker, "warm"):
            linker.warm()  # type: ignore[union-attr]
        self.load_s = time.perf_counter() - t0
        import spacy

        self.bare = spacy.blank("en").tokenizer

    def __call__(self, docs: Sequence[GoldDocument]) -> dict[str, list[Mention]]:
        texts = [d.text for d in docs]
        words = sum(len(t.split()) for t in texts)
        # Warm both first: a cold vocabulary makes spaCy's tokenizer ~15x slower on its
        # first pass. The tokenizer is timed warm on the same texts (the stricter baseline);
        # the pipeline is warmed on a few documents, then timed on all of them (its first
        # pass: every word new to the vocabulary costs a lexeme and a tokenizer-cache miss),
        # then timed again on a second pass, warm like the tokenizer.
        for t in texts:
            self.bare(t)
        t0 = time.perf_counter()
        for t in texts:
            self.bare(t)
        tok_s = time.perf_counter() - t0
        for _ in self.nlp.pipe(texts[:20]):
            pass
        t0 = time.perf_counter()
        out: dict[str, list[Mention]] = {}
        for doc, sdoc in zip(docs, self.nlp.pipe(texts, batch_size=64), strict=True):
            regions = doc.meta.get("regions")
            ments = [Mention(e.label_, e.start_char, e.end_char, bool(e._.negated))
                     for e in sdoc.ents]
            out[doc.id] = [m for m in ments
                           if _in_regions(m, regions)]  # type: ignore[arg-type]
        pipe_s = time.perf_counter() - t0
        print(f"speed: {words} words; pipeline {words / pipe_s:,.0f} words/s "
              f"({pipe_s:.2f} s); bare spaCy tokenizer {words / max(tok_s, 1e-9):,.0f} words/s; "
              f"ratio {tok_s / pipe_s:.3f}")
        t0 = time.perf_counter()
        for _ in self.nlp.pipe(texts, batch_size=64):
            pass
        warm_s = time.perf_counter() - t0
        print(f"       second pass (warm vocabulary): pipeline {words / warm_s:,.0f} words/s "
              f"({warm_s:.2f} s); ratio {tok_s / warm_s:.3f}")
        return out


def gold_predictor(docs: Sequence[GoldDocument]) -> dict[str, list[Mention]]:
    """The gold itself as predictions (every score must be 1.0): checks the harness."""
    return {d.id: [Mention(e.label, e.start, e.end, e.negated) for e in d.entities]
            for d in docs}


def run(name: str, docs: list[GoldDocument], predict: Predictor,
        labels: Sequence[str] | None, note: str = "") -> None:
    """Predict, score and print one corpus."""
    gold = {d.id: [Mention(e.label, e.start, e.end, e.negated) for e in d.entities]
            for d in docs}
    pred = predict(docs)
    report = evaluate_mentions(gold, pred, labels)
    print(format_report(report, f"\n== {name}: {len(docs)} documents =="))
    if note:
        print(note)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", choices=("seeds", "ade", "ade+neg", "phee", "all"), default="all")
    ap.add_argument("--limit", type=int, default=None, help="at most N documents per corpus")
    ap.add_argument("--phee-version", choices=("v1", "v2"), default="v2")
    ap.add_argument("--override", action="append", default=[], metavar="KEY=JSON",
                    help='a models/pipeline.cfg setting, e.g. components.resolve.model_first=[]')
    ap.add_argument("--without", action="append", default=[], metavar="COMPONENT",
                    help="run the pipeline without this component")
    ap.add_argument("--rules-only", dest="ner", action="store_false",
                    help="the rules alone, without the NER model (models/ner)")
    # the model runs by default; --ner (older commands) changes nothing
    ap.add_argument("--ner", dest="ner", action="store_true", default=True,
                    help=argparse.SUPPRESS)
    ap.add_argument("--self-check", action="store_true",
                    help="score the gold against itself instead of running the pipeline")
    args = ap.parse_args(argv)

    predict: Predictor
    if args.self_check:
        predict = gold_predictor
    else:
        try:
            overrides = {k: json.loads(v) for k, v in
                         (item.split("=", 1) for item in args.override)}
            pipeline = PipelinePredictor(overrides, args.without, args.ner)
        except Exception as err:  # the pipeline is assembled by several modules: say why
            print(f"the pipeline does not load: {type(err).__name__}: {err}", file=sys.stderr)
            return 2
        print(f"pipeline loaded in {pipeline.load_s:.1f} s")
        predict = pipeline
    wanted = ("seeds", "ade", "phee") if args.corpus == "all" else (args.corpus,)
    if "seeds" in wanted:
        run("seeds (hand-written gold, corpus/gold)", seed_gold(args.limit), predict, None)
    if "ade" in wanted:
        docs = [d for d in read_ade(shared_dir("corpora", "ade_corpus_v2"))
                if ade_is_dev(pmid_of(d), shared_dir())][:args.limit]
        run("ADE-Corpus-V2 dev", docs, predict, ADE_LABELS, ADE_NOTE)
    if "ade+neg" in wanted:  # the same sentences plus the dev part's ADE-NEG sentences
        docs = read_split("ade", "dev", shared_dir())[:args.limit]
        run("ADE-Corpus-V2 dev with ADE-NEG", docs, predict, ADE_LABELS, ADE_NOTE)
    if "phee" in wanted:
        path = shared_dir("corpora", "phee", args.phee_version, "json", "dev.json")
        run(f"PHEE {args.phee_version} dev", read_phee(path, limit=args.limit), predict,
            PHEE_LABELS, PHEE_NOTE)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {rss_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
