"""Train the trial-findings models (``models/findings/``): evidence retrieval and direction.

Run:  .venv/bin/python -m extractor.train.findings [--out models/findings] [--shared ../shared]
      (``make findings-model``; about 10 minutes on one core)

Data: the Evidence Inference 2.0 training split (``../shared/corpora/evidence_inference_v2``:
prompts, annotations and the articles' text files, parsed by the toolkit's text parser as
``infer`` parses them). The validation split is never read here; ``benchmarks/findings.py``
measures on it.

- Retrieval rows: every sentence of the article for each prompt, positive when it *hits* a
  gold evidence span (extractor/evaluate/findings.py), one negative in ``NEGATIVE_EVERY``
  kept (a fixed stride, so runs agree): subsampling moves only the bias, not the ranking.
- Direction rows: each annotator's evidence span with its label, and the sentence of the
  article that holds it (what ``infer`` will classify), with the same label. (Adding each
  row again with intervention and comparator exchanged and the label reversed lowered the
  held-back macro-F1 from 0.71 to 0.65: the arms are not worded symmetrically.)

Model selection: the articles with ``PMCID % 10 == 3`` are held back; the regularization
of each model and the number of sentences read (``top_k``) are the ones with the best
held-back macro-F1 of the whole pipeline (ties: the better evidence hit rate). The chosen
models are then refitted on every training article. Both are logistic regressions (lbfgs,
deterministic) over hashed features, stored as float16.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy

from extractor import resources
from extractor.evaluate.findings import evidence_hit, macro_f1
from extractor.findings import classify, retrieve
from extractor.findings.article import Article
from extractor.findings.classify import classification_features
from extractor.findings.infer import decide, rank_sentences
from extractor.formats.evidence_inference import (
    Annotation,
    Prompt,
    majority_label,
    read_annotations,
    read_prompts,
)
from extractor.linear import HashedLinearModel, feature_matrix, hash_features
from extractor.train.corpora import SHARED

CORPUS = Path("corpora") / "evidence_inference_v2"
HOLD_MOD, HOLD_REST = 10, 3
NEGATIVE_EVERY = 3
RETRIEVAL_C = (1.0, 3.0)
DIRECTION_C = (0.3, 1.0)
TOP_K = (1, 2)
DEFAULT_OUT = resources.models_dir() / "findings"
Say = Callable[[str], None]


@dataclass
class Split:
    """The prompts of a corpus split with their annotations and parsed articles."""

    prompts: list[Prompt]
    annotations: dict[str, list[Annotation]]
    articles: dict[str, Article]


def load_split(split: str, shared: Path = SHARED, say: Say = print) -> Split:
    """Prompts that have annotations, and their articles (parsed once each)."""
    from extractor.parsers import parse

    root = shared / CORPUS
    annotations = read_annotations(root / f"annotations_{split}.csv")
    prompts = [p for p in read_prompts(root / f"prompts_{split}.csv")
               if isinstance(p, Prompt) and p.prompt_id in annotations]
    articles: dict[str, Article] = {}
    for k, pmcid in enumerate(sorted({p.pmcid for p in prompts})):
        articles[pmcid] = Article(parse(root / "txt" / f"PMC{pmcid}.txt"))
        if k % 100 == 99:
            say(f"  parsed {k + 1} articles")
    return Split(prompts, annotations, articles)


def held_back(prompt: Prompt) -> bool:
    """Whether a training prompt's article is held back for model selection."""
    return int(prompt.pmcid) % HOLD_MOD == HOLD_REST


def retrieval_rows(split: Split, prompts: list[Prompt]) -> tuple[list[list[int]], list[bool]]:
    """Hashed retrieval rows and their labels (module docstring)."""
    rows: list[list[int]] = []
    labels: list[bool] = []
    for prompt in prompts:
        article = split.articles[prompt.pmcid]
        gold = [a.text for a in split.annotations[prompt.prompt_id]]
        terms = article.terms(prompt.outcome, prompt.intervention, prompt.comparator)
        for k, feats in enumerate(retrieve.prompt_features(article, terms)):
            hit = evidence_hit(article.sentences[k].text, gold)
            if hit or k % NEGATIVE_EVERY == 0:
                rows.append(hash_features(feats, retrieve.BITS))
                labels.append(hit)
    return rows, labels


def direction_rows(split: Split, prompts: list[Prompt]) -> tuple[list[list[int]], list[int]]:
    """Hashed direction rows and their label codes (module docstring)."""
    rows: list[list[int]] = []
    labels: list[int] = []
    for prompt in prompts:
        article = split.articles[prompt.pmcid]
        terms = article.terms(prompt.outcome, prompt.intervention, prompt.comparator)
        for ann in split.annotations[prompt.prompt_id]:
            texts = [ann.text] + [s.text for s in article.sentences
                                  if evidence_hit(s.text, [ann.text])][:1]
            for text in texts:
                rows.append(hash_features(classification_features(text, terms), classify.BITS))
                labels.append(ann.label_code)
    return rows, labels


def fit(rows: list[list[int]], labels: list[int] | list[bool], bits: int, c: float,
        info: dict[str, object]) -> HashedLinearModel:
    """A logistic regression on hashed rows, as a :class:`HashedLinearModel`."""
    from sklearn.linear_model import LogisticRegression

    y = numpy.asarray(labels, dtype=int)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(feature_matrix(rows, bits), y)
    classes = tuple(int(k) for k in model.classes_)
    weights, bias = model.coef_, model.intercept_
    if len(classes) == 2:  # binary: one row, the positive class
        classes = (classes[1],)
    stored = HashedLinearModel(weights.astype(numpy.float16), bias.astype(numpy.float32),
                               classes, bits, info)
    return stored


def score(split: Split, prompts: list[Prompt], retrieval: HashedLinearModel,
          direction: HashedLinearModel, top_k: int) -> tuple[float, float]:
    """(macro-F1 against the majority label, evidence hit rate) of the pipeline."""
    predicted, gold, hits = [], [], 0
    for prompt in prompts:
        article = split.articles[prompt.pmcid]
        anns = split.annotations[prompt.prompt_id]
        terms = article.terms(prompt.outcome, prompt.intervention, prompt.comparator)
        scores = rank_sentences(article, terms, retrieval)
        code, _ = decide(article, terms, scores, top_k, direction)
        predicted.append(code)
        gold.append(majority_label(anns))
        hits += evidence_hit(article.sentences[int(scores.argmax())].text,
                             [a.text for a in anns])
    return macro_f1(predicted, gold), hits / max(len(prompts), 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    if not (args.shared / CORPUS).is_dir():
        print(f"no Evidence Inference corpus under {args.shared}", file=sys.stderr)
        return 1
    print("reading the training split")
    split = load_split("train", args.shared)
    fit_on = [p for p in split.prompts if not held_back(p)]
    held = [p for p in split.prompts if held_back(p)]
    print(f"{len(split.prompts)} prompts, {len(split.articles)} articles; "
          f"{len(held)} prompts held back")
    r_rows, r_labels = retrieval_rows(split, fit_on)
    d_rows, d_labels = direction_rows(split, fit_on)
    best = (-1.0, -1.0, 0.0, 0.0, 0)
    for rc in RETRIEVAL_C:
        retrieval = fit(r_rows, r_labels, retrieve.BITS, rc, {})
        for dc in DIRECTION_C:
            direction = fit(d_rows, d_labels, classify.BITS, dc, {})
            for k in TOP_K:
                f1, hit = score(split, held, retrieval, direction, k)
                print(f"  retrieval C={rc:g} direction C={dc:g} top_k={k}: "
                      f"held-back macro-F1 {f1:.3f}, evidence hits {hit:.3f}")
                if (f1, hit) > best[:2]:
                    best = (f1, hit, rc, dc, k)
    f1, hit, rc, dc, k = best
    print(f"chosen: retrieval C={rc:g}, direction C={dc:g}, top_k={k} "
          f"(held-back macro-F1 {f1:.3f}, evidence hits {hit:.3f})")
    every = split.prompts
    trained_on = (f"Evidence Inference 2.0 training split ({len(every)} prompts, "
                  f"{len(split.articles)} articles)")
    r_rows, r_labels = retrieval_rows(split, every)
    d_rows, d_labels = direction_rows(split, every)
    fit(r_rows, r_labels, retrieve.BITS, rc, {
        "trained_on": trained_on, "C": rc, "features": "extractor.findings.retrieve",
        "held_back_hits": round(hit, 4)}).to_disk(args.out / "retrieval")
    fit(d_rows, d_labels, classify.BITS, dc, {
        "trained_on": trained_on, "C": dc, "features": "extractor.findings.classify",
        "top_k": k, "held_back_macro_f1": round(f1, 4)}).to_disk(args.out / "direction")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
