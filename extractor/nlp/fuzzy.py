"""Fuzzy normalization: scispacy's CandidateGenerator over a knowledge base built locally
from the lexicons (extractor/nlp/kb.py).

scispacy's own index builder (``create_tfidf_ann_index``) insists on scipy<1.11, so this
module follows the same recipe itself: a character-3-gram tf-idf (sklearn
``TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3))``) over every alias, and an
nmslib HNSW index over the sparse vectors with cosine similarity. The index is built once
per machine, on first use, and cached under ``$EXTRACTOR_CACHE`` or ~/.cache/extractor in a
folder keyed by a hash of the aliases, so a changed lexicon gets a fresh index. The build
(about 50-60 s on two busy cores) runs under a file lock with a message on stderr: parallel
batch workers wait for the one that builds, then all load the same files (~2.5 s).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import joblib
import nmslib
import numpy
from rapidfuzz.distance import OSA
from scispacy.candidate_generation import CandidateGenerator
from scispacy.linking_utils import Entity, KnowledgeBase
from sklearn.feature_extraction.text import TfidfVectorizer

from extractor.nlp.kb import DRUG, Concept, Lexicon, load_lexicon
from extractor.resources import cache_dir

# Long names (chemical nomenclature, full ICD phrases) are never misspelled in a way a
# character 3-gram search would fix, and they triple the index; leave them out.
MAX_ALIAS_LENGTH = 40
# HNSW parameters: scispacy uses M=100, efConstruction=2000 for 3M UMLS aliases; ~80k short
# aliases keep full recall on the misspelling list with far smaller values (and build in
# seconds rather than minutes).
_INDEX_PARAMS = {
    "M": 16,
    "indexThreadQty": max(1, min(8, os.cpu_count() or 1)),
    "efConstruction": 100,
    "post": 0,
}
_EF_SEARCH = 100
# For the stderr estimate: 83k aliases took 47-60 s with 2 index threads on a shared
# two-core machine (createIndex is nearly all of it).
_SECONDS_PER_ALIAS_THREAD = 0.0013
# remembered fuzzy answers per process (cleared when full: bounded memory in long batches)
_MEMO_SIZE = 50_000


def edit_similarity(a: str, b: str) -> float:
    """1 - (optimal-string-alignment edit distance / longer length): a transposition
    ("lymphopenai") counts as one edit, like a substitution or an insertion (rapidfuzz's
    C++ implementation; the pure-Python loop cost more than the NER model on long texts)."""
    return float(OSA.normalized_similarity(a, b))


@dataclass
class FuzzyMatch:
    """The best concept for a mention: its concept, matched alias and cosine similarity."""

    concept: Concept
    alias: str
    score: float


def _fuzzy_entries(lexicon: Lexicon) -> tuple[list[tuple[str, str]], dict[str, Concept]]:
    """(alias, concept id) pairs for the index, and concept id -> Concept."""
    pairs: list[tuple[str, str]] = []
    concepts: dict[str, Concept] = {}
    for name, concept in lexicon.names():
        if len(name) > MAX_ALIAS_LENGTH or concept.label == DRUG and not _indexable_drug(concept):
            continue
        cid = f"{concept.label}:{concept.name}"
        concepts.setdefault(cid, concept)
        pairs.append((name.lower(), cid))
    pairs.sort()
    return pairs, concepts


def _indexable_drug(concept: Concept) -> bool:
    # Drugs without a DrugBank id are mostly chemical classes and research compounds; a
    # misspelled mention is far likelier to be a marketed drug or a curated class.
    return "drugbank" in concept.ids or concept.source.startswith("curated")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_index(folder: Path, aliases: list[str]) -> None:
    """Build the index into ``folder`` unless it is there, once per machine.

    An exclusive ``flock`` on ``<folder>.lock`` makes concurrent processes (batch workers)
    wait for the one that builds instead of each building a copy; the waiters then find
    the finished folder. The folder appears by an atomic rename, so it is complete when
    it exists.
    """
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(folder.name + ".lock"), "ab") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say("waiting for another process to finish the fuzzy drug-name index...")
            fcntl.flock(lock, fcntl.LOCK_EX)
        if folder.is_dir():
            return
        for stale in folder.parent.glob(folder.name + ".tmp*"):  # a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        threads = int(_INDEX_PARAMS["indexThreadQty"])
        estimate = max(1, round(len(aliases) * _SECONDS_PER_ALIAS_THREAD / threads))
        _say(f"building the fuzzy drug-name index (one time, ~{estimate} s)...")
        start = time.monotonic()
        build_index(folder, aliases)
        _say(f"built the fuzzy drug-name index in {time.monotonic() - start:.0f} s: {folder}")


def build_index(folder: Path, aliases: list[str]) -> None:
    """Vectorize ``aliases`` and build the HNSW index into ``folder`` (written beside it,
    then renamed into place). Callers hold the lock: see ``ensure_index``."""
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 3), min_df=1, dtype=numpy.float32
    )
    vectors = vectorizer.fit_transform(aliases)
    index = nmslib.init(
        method="hnsw", space="cosinesimil_sparse", data_type=nmslib.DataType.SPARSE_VECTOR
    )
    index.addDataPointBatch(vectors)
    index.createIndex(_INDEX_PARAMS, print_progress=False)
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    index.saveIndex(str(tmp / "nmslib_index.bin"), save_data=True)
    joblib.dump(vectorizer, tmp / "tfidf_vectorizer.joblib")
    (tmp / "concept_aliases.json").write_text(json.dumps(aliases), encoding="utf-8")
    tmp.rename(folder)


def _index_folder(pairs: list[tuple[str, str]]) -> Path:
    """Where the index of these (alias, concept id) pairs is cached on this machine."""
    digest = hashlib.sha256("\n".join(f"{a}\t{c}" for a, c in pairs).encode()).hexdigest()
    return cache_dir() / f"fuzzy-{digest[:24]}"


def index_is_built(lexicon: Lexicon) -> bool:
    """Whether this machine has built the fuzzy index of ``lexicon`` already."""
    return _index_folder(_fuzzy_entries(lexicon)[0]).is_dir()


class FuzzyLinker:
    """Nearest lexicon aliases of a mention by character-3-gram tf-idf cosine similarity."""

    def __init__(self, lexicon: Lexicon, folder: Path | None = None) -> None:
        pairs, self.concepts = _fuzzy_entries(lexicon)
        self.folder = folder or _index_folder(pairs)
        ensure_index(self.folder, sorted({a for a, _ in pairs}))
        index = nmslib.init(
            method="hnsw", space="cosinesimil_sparse", data_type=nmslib.DataType.SPARSE_VECTOR
        )
        index.loadIndex(str(self.folder / "nmslib_index.bin"), load_data=True)
        index.setQueryTimeParams({"efSearch": _EF_SEARCH})
        stored = json.loads((self.folder / "concept_aliases.json").read_text(encoding="utf-8"))
        by_concept: dict[str, list[str]] = {}
        for alias, cid in pairs:
            by_concept.setdefault(cid, []).append(alias)
        kb = KnowledgeBase(
            [
                Entity(
                    concept_id=cid,
                    canonical_name=self.concepts[cid].name,
                    aliases=names,
                    types=[self.concepts[cid].label],
                )
                for cid, names in by_concept.items()
            ]
        )
        self._memo: dict[tuple[str, str], FuzzyMatch | None] = {}
        self.generator = CandidateGenerator(
            ann_index=index,
            tfidf_vectorizer=joblib.load(self.folder / "tfidf_vectorizer.joblib"),
            ann_concept_aliases_list=stored,
            kb=kb,
        )

    def best(self, texts: list[str], labels: list[str], k: int = 10) -> list[FuzzyMatch | None]:
        """For each text, its most similar concept of the given label (DRUG or CONDITION).

        The tf-idf neighbours are candidates only; they are ranked by edit similarity
        (``edit_similarity``), which separates a typo from a different word far better
        than 3-gram cosine does on short strings. The caller applies the threshold.
        Answers are remembered per (text, label): a batch repeats its adverse events.
        """
        keys = [(" ".join(t.lower().split()), label) for t, label in zip(texts, labels,
                                                                         strict=True)]
        missing = sorted({key for key in keys if key not in self._memo})
        if missing:
            if len(self._memo) + len(missing) > _MEMO_SIZE:
                self._memo.clear()
            queries = [q for q, _ in missing]
            for (query, label), candidates in zip(missing, self.generator(queries, k),
                                                  strict=True):
                self._memo[query, label] = self._rank(query, label, candidates)
        return [self._memo[key] for key in keys]

    def _rank(self, query: str, label: str, candidates: list) -> FuzzyMatch | None:
        best: FuzzyMatch | None = None
        for cand in candidates:
            concept = self.concepts[cand.concept_id]
            if concept.label != label:
                continue
            for alias in cand.aliases:
                score = edit_similarity(query, alias)
                if best is None or score > best.score:
                    best = FuzzyMatch(concept, alias, score)
        return best


@lru_cache(maxsize=1)
def get_fuzzy_linker() -> FuzzyLinker:
    """The process-wide fuzzy linker (built or loaded on first use)."""
    return FuzzyLinker(load_lexicon())
