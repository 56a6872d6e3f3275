"""Static word vectors for the NER components, trained on the corpora's own training text.

No pretrained biomedical vectors can be downloaded here, so the vectors come from the
unlabelled text of the training splits (ADE-Corpus-V2 with its negative sentences, PHEE,
BC5CDR, NCBI disease) and the training articles of Evidence Inference 2.0 (full-text RCTs),
never from a development or test split. The text is tokenized by the extraction pipeline's
tokenizer and lowercased (the vectors are keyed on ``LOWER``), ``floret`` (fastText) trains
skip-gram vectors on one thread with a fixed seed, and spaCy keeps the ``rows`` most frequent
words as rows and maps every other word to its nearest row (``Vocab.prune_vectors``), so a
rare drug name still gets the vector of a close, frequent one.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import spacy
from spacy.language import Language
from spacy.vectors import Vectors

from extractor.errors import ExtractorError
from extractor.train.corpora import CORPORA, training_docs

Say = Callable[[str], None]


@dataclass(frozen=True)
class VectorSettings:
    """The ``[vectors]`` section of models/ner.cfg (``dims = 0``: no vectors)."""

    dims: int = 0
    rows: int = 20000
    min_count: int = 3
    epochs: int = 5
    window: int = 5
    minn: int = 3
    maxn: int = 6


def evidence_inference_texts(shared: Path) -> Iterator[str]:
    """The article texts of Evidence Inference 2.0's training split."""
    root = shared / "corpora" / "evidence_inference_v2"
    ids = (root / "splits" / "ev2_train_article_ids.txt").read_text(encoding="utf-8").split()
    for pmcid in ids:
        path = root / "txt" / f"PMC{pmcid}.txt"
        if path.is_file():
            yield path.read_text(encoding="utf-8", errors="replace")


def training_texts(shared: Path) -> Iterator[str]:
    """Every training-split text the vectors learn from, each distinct text once."""
    seen: set[str] = set()  # PHEE re-annotates ADE's sentences
    for corpus in CORPORA:
        for doc in training_docs(corpus, shared):
            if doc.text not in seen:
                seen.add(doc.text)
                yield doc.text
    yield from evidence_inference_texts(shared)


def write_tokens(texts: Iterable[str], tok_nlp: Language, out: Path) -> int:
    """Write the lowercased tokens of ``texts``, one text per line; returns the token count."""
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for doc in tok_nlp.pipe(texts, batch_size=64):
            words = [t.lower_ for t in doc if not t.is_space]
            n += len(words)
            fh.write(" ".join(words) + "\n")
    return n


def train_vectors(settings: VectorSettings, texts: Iterable[str], tok_nlp: Language,
                  say: Say) -> tuple[Vectors, str]:
    """Train the vectors (module docstring) and return them pruned to ``settings.rows``.
    floret has no seed argument: it uses fastText's fixed seed, and one thread makes the
    result repeatable. Also returns the SHA-256 of the token text it learned from."""
    try:
        import floret  # only the rebuild needs it: an extra
    except ImportError as exc:
        raise ExtractorError(f"training word vectors needs floret ({exc}): "
                             "pip install 'extractor[train]' (or dims = 0 in the config)",
                             code="missing_extra") from exc

    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "tokens.txt"
        n = write_tokens(texts, tok_nlp, text)
        digest = hashlib.sha256(text.read_bytes()).hexdigest()
        say(f"[vectors] {n:,} training tokens")
        model = floret.train_unsupervised(
            str(text), model="skipgram", mode="fasttext", dim=settings.dims,
            minCount=settings.min_count, epoch=settings.epochs, ws=settings.window,
            minn=settings.minn, maxn=settings.maxn, bucket=500000, thread=1, verbose=0)
        words = model.get_words()  # most frequent first
        table = np.asarray([model.get_word_vector(w) for w in words], dtype="float32")
    # a blank English vocabulary: prune_vectors ranks words through their lexemes' LOWER
    vocab = spacy.blank("en").vocab
    vocab.vectors = Vectors(strings=vocab.strings, data=table,
                            keys=[vocab.strings.add(w) for w in words], attr="LOWER")
    if len(words) > settings.rows:
        vocab.prune_vectors(settings.rows, batch_size=4096)
    # prune_vectors builds a new table keyed on ORTH; key it on LOWER again
    pruned = vocab.vectors
    vectors = Vectors(strings=vocab.strings, data=pruned.data, attr="LOWER")
    for key, row in pruned.key2row.items():
        vectors.add(key, row=row)
    say(f"[vectors] {len(words):,} words, {vectors.shape[0]:,} rows of {vectors.shape[1]}")
    return vectors, digest


def save_vectors(vectors: Vectors, path: Path) -> None:
    """Save ``vectors`` to ``path``, keeping their key attribute (spaCy writes it to
    vectors.cfg only for floret tables, and reads it back for every table)."""
    vectors.to_disk(path, exclude=["strings"])
    cfg = json.loads((path / "vectors.cfg").read_text(encoding="utf-8"))
    cfg["attr"] = vectors.attr
    (path / "vectors.cfg").write_text(json.dumps(cfg) + "\n", encoding="utf-8")
