"""Train the ADE sentence classifier (``extractor/nlp/ade_sentence.py``), deterministically.

Run:  .venv/bin/python -m extractor.train.ade_sentence [--out extractor/nlp/data/ade_sentence]
          [--shared ../shared]

Data: the ADE-Corpus-V2 training part (``corpora.training_docs("ade")``: no abstract of any
development split), its sentences with a DRUG-AE pair as positives and the other sentences
(ADE-NEG, and those with only a drug-dose pair) as negatives. Each sentence goes through the
rules-only pipeline up to the context component, so the model sees the entities the pipeline
will give it, not the gold ones.

Model selection: the sentences of PMIDs with ``PMID % 10 == 3`` (the held-back rule of the
NER training, models/ner.cfg) are held back; the regularization C and the decision threshold
are the pair with the best held-back F1; the model is then refitted on every training
sentence with that C. The liblinear solver with a fixed seed gives the same weights on every
run (weights are stored as float16; the threshold is chosen on the stored precision).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy
from scipy.sparse import csr_matrix

from extractor import resources
from extractor.formats import GoldDocument
from extractor.linear import feature_matrix
from extractor.nlp.ade_sentence import AdeSentenceModel, sentence_features, span_entities
from extractor.train.corpora import SHARED, pmid_of, training_docs

BITS = 18
C_GRID = (1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(0.2 + 0.025 * i, 3) for i in range(21))  # 0.2 .. 0.7
HOLD_MOD, HOLD_REST = 10, 3
DEFAULT_OUT = resources.ade_sentence_model()


def featurize(docs: list[GoldDocument]) -> tuple[csr_matrix, numpy.ndarray]:
    """Binary, L2-normalized feature rows of the sentences and their labels."""
    from extractor.pipeline import load_nlp

    nlp = load_nlp()
    upto = nlp.pipe_names.index("context") + 1  # entities and their negation, nothing after
    keep = set(nlp.pipe_names[:upto])
    with nlp.select_pipes(enable=[n for n in nlp.pipe_names if n in keep]):
        rows = [sentence_features(sdoc.text, span_entities(sdoc[0:len(sdoc)]), BITS)
                for sdoc in nlp.pipe((d.text for d in docs), batch_size=64)]
    x = feature_matrix(rows, BITS)
    y = numpy.array([any(r.type == "adverse_event_of" for r in d.relations) for d in docs])
    return x, y


def fit(x: csr_matrix, y: numpy.ndarray, c: float) -> tuple[numpy.ndarray, float]:
    """Logistic-regression weights (as stored: float16) and bias."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, solver="liblinear", max_iter=5000, random_state=0)
    model.fit(x, y)
    weights = model.coef_[0].astype(numpy.float16)
    return weights, float(model.intercept_[0])


def _f1(pred: numpy.ndarray, gold: numpy.ndarray) -> float:
    tp = int((pred & gold).sum())
    return 2 * tp / max(int(pred.sum()) + int(gold.sum()), 1)


def select(x: csr_matrix, y: numpy.ndarray, held: numpy.ndarray) -> tuple[float, float, float]:
    """(C, threshold, held-back F1) with the best held-back F1."""
    best = (0.0, 0.5, -1.0)
    for c in C_GRID:
        weights, bias = fit(x[~held], y[~held], c)
        z = x[held] @ weights.astype(numpy.float64) + bias
        prob = 1.0 / (1.0 + numpy.exp(-z))
        for t in THRESHOLDS:
            f1 = _f1(prob >= t, y[held])
            print(f"  C={c:g} threshold={t:.3f}: held-back F1 {f1:.3f}")
            if f1 > best[2]:
                best = (c, t, f1)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    docs = training_docs("ade", args.shared)
    if not docs:
        print(f"no ADE training sentences under {args.shared}", file=sys.stderr)
        return 1
    x, y = featurize(docs)
    held = numpy.array([int(pmid_of(d)) % HOLD_MOD == HOLD_REST for d in docs])
    c, threshold, f1 = select(x, y, held)
    print(f"chosen: C={c:g}, threshold={threshold:.3f} (held-back F1 {f1:.3f})")
    weights, bias = fit(x, y, c)
    info = {"trained_on": "ADE-Corpus-V2 training part with ADE-NEG "
            f"({len(docs)} sentences, {int(y.sum())} with a drug-AE pair)",
            "C": c, "held_back_f1": round(f1, 4), "features": "extractor.nlp.ade_sentence"}
    AdeSentenceModel(weights, bias, threshold, BITS, info).to_disk(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
