"""Train each NER component with fixed seeds and save the model folder.

Output (``--out``, models/ner by default): one spaCy pipeline per component in
``<out>/<component>/`` (a blank-English ``nlp`` holding one ``ner``; its tokenizer is not
used: the extraction pipeline hands it its own tokens) and ``<out>/meta.json`` (settings,
seed, SHA-256 of every input file, per-epoch held-back scores, conversion counts).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import chain
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch
from spacy.vectors import Vectors
from thinc.api import Adam

from extractor.formats import GoldDocument
from extractor.nlp.vectors import VECTORS_DIR
from extractor.train.corpora import SHARED, Paths, training_docs
from extractor.train.examples import Conversion, ExampleMaker, is_holdout, keep_negative
from extractor.train.settings import Component, CorpusOptions, ModelShape, Settings, Training
from extractor.train.vectors import Say, save_vectors, train_vectors, training_texts

log = logging.getLogger(__name__)


@dataclass
class Gold:
    """Gold documents of one named source for one component."""

    corpus: str
    docs: list[GoldDocument]
    options: CorpusOptions


def ner_config(shape: ModelShape, static_vectors: bool = False) -> dict[str, Any]:
    """The ``ner`` factory config: its own hash-embedding CNN tok2vec, with the shared
    static vectors as one more embedding input when ``static_vectors``."""
    return {"model": {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner", "extra_state_tokens": False, "hidden_width": shape.hidden_width,
        "maxout_pieces": 2, "use_upper": True, "nO": None,
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": shape.width,
                      "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                      "rows": list(shape.rows),
                      "include_static_vectors": static_vectors},
            "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2",
                       "width": shape.width, "depth": shape.depth,
                       "window_size": shape.window_size,
                       "maxout_pieces": shape.maxout_pieces},
        },
    }}


def tokenizer_nlp() -> Language:
    """A blank pipeline with the extraction pipeline's tokenizer (and nothing else)."""
    import extractor.nlp.components  # noqa: F401  (registers the lexicon's factories)
    from extractor.nlp.tokenizer import build_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    return nlp


def _evaluate(nlp: Language, examples: Sequence[Example]) -> float:
    if not examples:
        return 0.0
    return float(nlp.evaluate(examples).get("ents_f") or 0.0)


def train_component(comp: Component, sources: Sequence[Gold], training: Training,
                    shape: ModelShape, tok_nlp: Language, say: Say,
                    vectors: Vectors | None = None) -> tuple[Language, dict]:
    """Train one component; the epoch with the best held-back F1 is kept."""
    fix_random_seed(training.seed)
    nlp = spacy.blank("en")
    if vectors is not None:
        nlp.vocab.vectors = vectors
    ner = cast(EntityRecognizer, nlp.add_pipe(
        "ner", config=ner_config(shape, static_vectors=vectors is not None)))
    for label in comp.model_labels:
        ner.add_label(label)
    maker = ExampleMaker(tok_nlp, nlp.vocab)
    stats = Conversion()
    train: list[Example] = []
    held: list[Example] = []
    for src in sources:
        for doc in src.docs:
            if not doc.entities and not keep_negative(doc, src.options.negatives):
                continue
            ex = maker.make(doc, comp.labels, src.options, stats)
            (held if is_holdout(doc, training.holdout_mod, training.holdout_rest)
             else train).append(ex)
    if not train:
        raise ValueError(f"component {comp.name!r}: no training documents")
    say(f"[{comp.name}] {len(train)} training / {len(held)} held-back documents, "
        f"{stats.entities} entities, {stats.masked_tokens} masked tokens")
    optimizer = Adam(training.learn_rate)
    nlp.initialize(lambda: train, sgd=optimizer)
    rng = random.Random(training.seed)
    epochs: list[dict[str, float]] = []
    best, best_bytes, since = -1.0, b"", 0
    for epoch in range(1, training.max_epochs + 1):
        t0 = time.perf_counter()
        order = list(train)
        rng.shuffle(order)
        losses: dict[str, float] = {}
        sizes = compounding(training.batch_start, training.batch_stop, 1.001)
        for batch in minibatch(order, size=sizes):
            nlp.update(batch, drop=training.dropout, sgd=optimizer, losses=losses)
        # without held-back documents (a tiny user gold) every epoch counts as better,
        # so the last one is kept
        score = _evaluate(nlp, held) if held else float(epoch)
        epochs.append({"epoch": epoch, "loss": round(losses.get("ner", 0.0), 2),
                       "held_f1": round(score, 4), "seconds": round(time.perf_counter() - t0, 1)})
        say(f"[{comp.name}] epoch {epoch}: loss {losses.get('ner', 0.0):.1f}, "
            f"held-back F1 {score:.3f} ({time.perf_counter() - t0:.0f} s)")
        if score > best:
            best, best_bytes, since = score, ner.to_bytes(), 0
        else:
            since += 1
            if since >= training.patience:
                break
    ner.from_bytes(best_bytes)
    info = {"labels": comp.model_labels, "label_map": comp.labels,
            "corpora": [s.corpus for s in sources], "epochs": epochs,
            "best_held_f1": round(best, 4), "conversion": stats.as_dict(),
            "train_documents": len(train), "held_documents": len(held)}
    return nlp, info


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corpus_files(shared: Path) -> dict[str, Path]:
    """The input files of the public corpora (hashed into meta.json)."""
    p = Paths(shared)
    return {"ade/DRUG-AE.rel": p.ade / "DRUG-AE.rel", "ade/DRUG-DOSE.rel": p.ade / "DRUG-DOSE.rel",
            "ade/ADE-NEG.txt": p.ade / "ADE-NEG.txt", "phee/v2/train.json": p.phee("train"),
            "phee/v2/dev.json": p.phee("dev"), "bc5cdr/train": p.bc5cdr("train"),
            "bc5cdr/dev": p.bc5cdr("dev"), "ncbi/train": p.ncbi("train"),
            "ncbi/dev": p.ncbi("dev")}


def _limit_threads(n: int) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", str(n))
    from threadpoolctl import threadpool_limits

    threadpool_limits(n)


def train_model(settings: Settings, out: str | os.PathLike[str], *, shared: Path = SHARED,
                extra: Sequence[tuple[Component, Sequence[Gold]]] = (),
                say: Say = log.info) -> dict[str, Any]:
    """Train every component of ``settings`` (on the corpora under ``shared``) and each
    ``extra`` (component, gold) pair; write the model to ``out``; return the meta."""
    _limit_threads(settings.training.threads)
    tok_nlp = tokenizer_nlp()
    jobs: list[tuple[Component, list[Gold]]] = []
    for comp in settings.components:
        options = {c: settings.corpora.get(c, CorpusOptions()) for c in comp.corpora}
        sources = [Gold(c, training_docs(c, shared, options[c].raw_labels), options[c])
                   for c in comp.corpora]
        jobs.append((comp, sources))
    jobs.extend((c, list(g)) for c, g in extra)
    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    meta: dict[str, Any] = {
        "seed": settings.training.seed, "training": asdict(settings.training),
        "model": asdict(settings.model), "components": {},
        "data": {name: _sha256(p) for name, p in corpus_files(shared).items()
                 if settings.components and p.exists()},
    }
    t_all = time.perf_counter()
    vectors = None
    if settings.vectors.dims and jobs:
        t0 = time.perf_counter()
        texts = chain(training_texts(shared) if settings.components else (),
                      (d.text for _, golds in extra for g in golds for d in g.docs))
        vectors, digest = train_vectors(settings.vectors, texts, tok_nlp, say)
        save_vectors(vectors, tmp / VECTORS_DIR)
        meta["vectors"] = {**asdict(settings.vectors), "text_sha256": digest,
                           "shape": list(vectors.shape),
                           "words": len(vectors.key2row),
                           "train_seconds": round(time.perf_counter() - t0, 1)}
    for comp, sources in jobs:
        t0 = time.perf_counter()
        nlp, info = train_component(comp, sources, settings.training, settings.model,
                                    tok_nlp, say, vectors)
        # the vectors are saved once, beside the components (the loader shares them)
        nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings)
        nlp.to_disk(tmp / comp.name, exclude=["tokenizer"])
        info["train_seconds"] = round(time.perf_counter() - t0, 1)
        meta["components"][comp.name] = info
    meta["train_seconds"] = round(time.perf_counter() - t_all, 1)
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return meta
