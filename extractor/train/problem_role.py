"""Train the problem-role classifier (``extractor/nlp/problem_role.py``), deterministically.

Run:  .venv/bin/python -m extractor.train.problem_role [--out extractor/nlp/data/problem_role]
          [--shared ../shared]

Data (training splits only, no abstract of any development split): each document goes
through the pipeline with the NER model up to the ADE sentence classifier, and every
CONDITION or ADVERSE_EVENT entity it finds gets a label from the gold it overlaps:

* ADE-Corpus-V2 (with ADE-NEG): a gold adverse effect -> adverse event; any other problem ->
  condition (the corpus annotates every effect of a sentence that reports one, and ADE-NEG
  sentences report none);
* BC5CDR: a disease mention whose concept a chemical induces in the abstract (CID) ->
  adverse event, another disease -> condition, no disease -> not used;
* PHEE: the effect of an adverse event -> adverse event; the effect of a potential
  therapeutic event, a treatment's or the subject's disorder -> condition; else not used.

The ADE sentence classifier's probability is a feature; the shipped classifier was trained on
these ADE sentences, so here each sentence is scored by a refit of it (same C) that did not
see the sentence's PMID (five folds by PMID), as it would score a new text.

Model selection: documents with ``PMID % 10 == 3`` are held back (as for the NER model);
the regularization C and the two thresholds (``low``, ``threshold`` >= ``MIN_THRESHOLD``:
below ``low`` a condition, from ``threshold`` an adverse event, between them the incoming
label) with the
best held-back adverse-event F1 are chosen (a problem whose role one of the context rules
``problem_role.KEEP`` decided keeps it, as in the pipeline), then the model is refitted on
every training document with that C. liblinear with a fixed seed gives the same weights on
every run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy
from spacy.tokens import Doc, Span

from extractor.formats import GoldDocument, GoldEntity
from extractor.linear import HashedLinearModel, feature_matrix
from extractor.nlp.ade_sentence import AdeSentenceModel, span_entities
from extractor.nlp.ade_sentence import sentence_features as ade_features
from extractor.nlp.problem_role import (
    AE,
    DEFAULT_PATH,
    KEEP,
    ProblemRoleModel,
    ade_scorer,
    doc_problem_rows,
    role_rules,
)
from extractor.train.ade_sentence import fit
from extractor.train.corpora import SHARED, pmid_of, training_docs
from extractor.train.examples import induced_concepts, is_holdout

BITS = 18
C_GRID = (1.0, 3.0, 10.0)
GRID = tuple(round(0.05 * i, 2) for i in range(2, 20))  # 0.10 .. 0.95
# the lowest threshold for a new adverse event: on the training corpora 0.35 is best, but in
# full texts it turns conditions into effects (the team's seeds, micro F1 0.928 -> 0.908;
# the key facts of benchmarks/facts.py 0.88 -> 0.87 with 0.6 or 0.75, kept with 0.9):
# problems in full texts are more often conditions than in ADE's sentences
MIN_THRESHOLD = 0.9
FOLDS = 5
HOLD_MOD, HOLD_REST = 10, 3
PHEE_AE = frozenset({"Adverse_event.Effect"})
PHEE_COND = frozenset({"Potential_therapeutic_event.Effect", "Treatment.Disorder",
                       "Subject.Disorder"})

CharSpan = tuple[int, int]


def gold_roles(corpus: str, doc: GoldDocument) -> tuple[list[CharSpan], list[CharSpan]]:
    """(adverse-event spans, condition spans) of a gold document; for ADE the condition
    spans are empty (every problem that is not a gold effect is a condition)."""
    def spans(ents: list[GoldEntity]) -> list[CharSpan]:
        return [(e.start, e.end) for e in ents]
    if corpus == "ade":
        return spans([e for e in doc.entities if e.label == AE]), []
    if corpus == "bc5cdr":
        induced = induced_concepts(doc)
        diseases = [e for e in doc.entities if e.label == "Disease"]
        return (spans([e for e in diseases if induced & set(e.ids)]),
                spans([e for e in diseases if not induced & set(e.ids)]))
    return (spans([e for e in doc.entities if e.label in PHEE_AE]),
            spans([e for e in doc.entities if e.label in PHEE_COND]))


def _overlaps(span: Span, spans: list[CharSpan]) -> bool:
    return any(span.start_char < b and a < span.end_char for a, b in spans)


def role_label(corpus: str, span: Span, ae: list[CharSpan], cond: list[CharSpan]) -> int | None:
    """1 (adverse event), 0 (condition) or None (the gold does not say) for one entity."""
    if _overlaps(span, ae):
        return 1
    if corpus == "ade" or _overlaps(span, cond):
        return 0
    return None


def corpus_docs(shared: Path) -> list[tuple[str, GoldDocument]]:
    """(corpus, document) of the training splits used (module docstring)."""
    return ([("ade", d) for d in training_docs("ade", shared)]
            + [("bc5cdr", d) for d in training_docs("bc5cdr", shared)]
            + [("phee", d) for d in training_docs("phee", shared, raw=True)])


def annotate(texts: list[str]) -> Iterator[Doc]:
    """The texts through the pipeline (NER model on) up to the ADE sentence classifier."""
    from extractor.pipeline import load_nlp

    nlp = load_nlp(ner=True)
    upto = nlp.pipe_names.index("ade_sentences") + 1
    keep = set(nlp.pipe_names[:upto])
    with nlp.select_pipes(enable=[n for n in nlp.pipe_names if n in keep]):
        yield from nlp.pipe(texts, batch_size=64)


def _fold(pmid: str) -> int:
    return int(pmid) % FOLDS if pmid.isdigit() else 0


def fold_ade_models(docs: list[tuple[str, GoldDocument]], sdocs: list[Doc],
                    ade: AdeSentenceModel) -> list[AdeSentenceModel]:
    """One refit of the ADE sentence classifier per PMID fold, without that fold's ADE
    sentences (same C, bits and threshold as ``ade``)."""
    rows, labels, folds = [], [], []
    for (corpus, doc), sdoc in zip(docs, sdocs, strict=True):
        if corpus != "ade":
            continue
        rows.append(ade_features(sdoc.text, span_entities(sdoc[0:len(sdoc)]), ade.bits))
        labels.append(any(r.type == "adverse_event_of" for r in doc.relations))
        folds.append(_fold(pmid_of(doc)))
    x, y, f = feature_matrix(rows, ade.bits), numpy.array(labels), numpy.array(folds)
    c = float(ade.info.get("C", 3.0))  # type: ignore[arg-type]
    models = []
    for k in range(FOLDS):
        weights, bias = fit(x[f != k], y[f != k], c)
        models.append(AdeSentenceModel(weights, bias, ade.threshold, ade.bits))
    return models


Rows = tuple[list[list[int]], numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]


def featurize(docs: list[tuple[str, GoldDocument]], sdocs: list[Doc],
              keep: Sequence[str] = KEEP) -> Rows:
    """Hashed rows, labels (1 adverse event), incoming labels (1 ADVERSE_EVENT), whether a
    context rule of ``keep`` decided the role, and held-back flags of every labelled
    problem entity."""
    ade = AdeSentenceModel.from_disk()
    folds = fold_ade_models(docs, sdocs, ade)
    rows: list[list[int]] = []
    y, incoming, decided, held = [], [], [], []
    for (corpus, doc), sdoc in zip(docs, sdocs, strict=True):
        model = folds[_fold(pmid_of(doc))]
        problems, feats = doc_problem_rows(sdoc, ade_scorer(model), BITS)
        ae, cond = gold_roles(corpus, doc)
        hold = is_holdout(doc, HOLD_MOD, HOLD_REST)
        ruled = {k for k, rule in role_rules(sdoc).items() if rule in keep}
        for span, row in zip(problems, feats, strict=True):
            label = role_label(corpus, span, ae, cond)
            if label is not None:
                rows.append(row)
                y.append(label)
                incoming.append(span.label_ == AE)
                decided.append((span.start, span.end) in ruled)
                held.append(hold)
    return (rows, numpy.array(y, dtype=bool), numpy.array(incoming, dtype=bool),
            numpy.array(decided, dtype=bool), numpy.array(held, dtype=bool))


def _f1(pred: numpy.ndarray, gold: numpy.ndarray) -> float:
    tp = int((pred & gold).sum())
    return 2 * tp / max(int(pred.sum()) + int(gold.sum()), 1)


def decide(prob: numpy.ndarray, incoming: numpy.ndarray, decided: numpy.ndarray, low: float,
           threshold: float) -> numpy.ndarray:
    """Adverse event or not under the component's rule (module docstring)."""
    return numpy.where(decided, incoming, (prob >= threshold) | ((prob >= low) & incoming))


def select(rows: list[list[int]], y: numpy.ndarray, incoming: numpy.ndarray,
           decided: numpy.ndarray, held: numpy.ndarray) -> tuple[float, float, float, float]:
    """(C, low, threshold, held-back F1) with the best held-back adverse-event F1."""
    x = feature_matrix(rows, BITS)
    print(f"held back: {int(held.sum())} problems; incoming labels' F1 "
          f"{_f1(incoming[held], y[held]):.3f}")
    best = (0.0, 0.5, 0.5, -1.0)
    for c in C_GRID:
        weights, bias = fit(x[~held], y[~held], c)
        z = x[held] @ weights.astype(numpy.float64) + bias
        prob = 1.0 / (1.0 + numpy.exp(-z))
        for i, low in enumerate(GRID):
            for threshold in GRID[i:]:
                if threshold < MIN_THRESHOLD:
                    continue
                f1 = _f1(decide(prob, incoming[held], decided[held], low, threshold), y[held])
                if f1 > best[3]:
                    best = (c, low, threshold, f1)
        print(f"  C={c:g}: best so far C={best[0]:g} low={best[1]:.2f} "
              f"threshold={best[2]:.2f} F1 {best[3]:.3f}")
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    docs = corpus_docs(args.shared)
    if not docs:
        print(f"no training documents under {args.shared}", file=sys.stderr)
        return 1
    sdocs = list(annotate([d.text for _, d in docs]))
    rows, y, incoming, decided, held = featurize(docs, sdocs)
    c, low, threshold, f1 = select(rows, y, incoming, decided, held)
    print(f"chosen: C={c:g}, low={low:.2f}, threshold={threshold:.2f} (held-back F1 {f1:.3f})")
    weights, bias = fit(feature_matrix(rows, BITS), y, c)
    info = {"trained_on": f"{len(rows)} problems ({int(y.sum())} adverse events) of "
            "ADE-Corpus-V2 with ADE-NEG, BC5CDR and PHEE v2 training documents",
            "C": c, "held_back_f1": round(f1, 4), "features": "extractor.nlp.problem_role"}
    linear = HashedLinearModel(weights.reshape(1, -1), numpy.array([bias]), (0, 1), BITS, info)
    ProblemRoleModel(linear, low, threshold).to_disk(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
