"""The public corpora under ../shared as training and development gold, split by PMID.

Splits: PHEE v2 ``train.json`` / ``dev.json``; BC5CDR ``CDR_TrainingSet`` /
``CDR_DevelopmentSet``; NCBI disease ``NCBItrainset`` / ``NCBIdevelopset``. ADE-Corpus-V2 has
no split of its own, so its development part is defined here (:func:`ade_is_dev`): the PMIDs
of PHEE's dev split (PHEE re-annotates the ADE sentences, so the two dev parts hold the same
abstracts) plus, among PMIDs PHEE does not use, those with ``int(PMID) % 10 == 1``. Any
training document whose PMID is in a development split of any corpus is dropped, so no
development abstract is seen in training through another corpus.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from extractor import resources
from extractor.formats import GoldDocument, read_ade, read_phee
from extractor.formats.pubtator import read_pubtator

SHARED = resources.shared_dir()
CORPORA = ("ade", "phee", "bc5cdr", "ncbi")


@dataclass(frozen=True)
class Paths:
    """Where each corpus lives under a ``shared`` folder."""

    shared: Path

    @property
    def ade(self) -> Path:
        """ADE-Corpus-V2 folder."""
        return self.shared / "corpora" / "ade_corpus_v2"

    def phee(self, split: str) -> Path:
        """PHEE v2 JSON-lines file of ``split`` (train or dev; never test)."""
        if split not in ("train", "dev"):
            raise ValueError("only PHEE's train and dev splits are used")
        return self.shared / "corpora" / "phee" / "v2" / "json" / f"{split}.json"

    def bc5cdr(self, split: str) -> Path:
        """BC5CDR PubTator file of ``split``."""
        name = "CDR_TrainingSet" if split == "train" else "CDR_DevelopmentSet"
        return self.shared / "corpora" / "bc5cdr" / f"{name}.PubTator.txt"

    def ncbi(self, split: str) -> Path:
        """NCBI disease file of ``split``."""
        name = "NCBItrainset" if split == "train" else "NCBIdevelopset"
        return self.shared / "corpora" / "ncbi_disease" / f"{name}_corpus.txt"


def pmid_of(doc: GoldDocument) -> str:
    """The PubMed id of a corpus document (sentence ids are ``PMID_n``)."""
    return str(doc.meta.get("pmid") or doc.id.split("_", 1)[0])


@cache
def _phee_pmids(shared: Path, split: str) -> frozenset[str]:
    path = Paths(shared).phee(split)
    ids = (json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()
           if line.strip())
    return frozenset(str(i).split("_", 1)[0] for i in ids)


def ade_is_dev(pmid: str, shared: Path = SHARED) -> bool:
    """The ADE development rule (module docstring)."""
    if pmid in _phee_pmids(shared, "dev"):
        return True
    return pmid not in _phee_pmids(shared, "train") and int(pmid) % 10 == 1


def _pubtator(path: Path) -> list[GoldDocument]:
    # NCBI's files have one document twice and one mention whose text keeps a trailing
    # space its offsets exclude; the offsets are right, so read unchecked and keep the first
    docs, seen = [], set()
    for doc in read_pubtator(path, check=False):
        if doc.id not in seen:
            seen.add(doc.id)
            docs.append(doc)
    return docs


def read_split(corpus: str, split: str, shared: Path = SHARED,
               raw: bool = False) -> list[GoldDocument]:
    """Gold documents of one corpus split (``train`` or ``dev``), corpus labels kept for
    BC5CDR and NCBI, toolkit labels for ADE and PHEE (their readers' default maps; with
    ``raw`` PHEE keeps its argument roles)."""
    paths = Paths(shared)
    if corpus == "ade":
        docs = read_ade(paths.ade, include_negative=True)
        want_dev = split == "dev"
        return [d for d in docs if ade_is_dev(pmid_of(d), shared) == want_dev]
    if corpus == "phee":
        return read_phee(paths.phee(split), label_map=None if raw else "phee")
    if corpus == "bc5cdr":
        return _pubtator(paths.bc5cdr(split))
    if corpus == "ncbi":
        return _pubtator(paths.ncbi(split))
    raise ValueError(f"unknown corpus {corpus!r} (known: {', '.join(CORPORA)})")


@cache
def dev_pmids(shared: Path = SHARED) -> frozenset[str]:
    """PMIDs of every development split."""
    return frozenset(pmid_of(d) for c in CORPORA for d in read_split(c, "dev", shared))


def training_docs(corpus: str, shared: Path = SHARED, raw: bool = False) -> list[GoldDocument]:
    """The training split of ``corpus`` without any document of a development abstract
    (``raw``: see :func:`read_split`)."""
    held = dev_pmids(shared)
    return [d for d in read_split(corpus, "train", shared, raw) if pmid_of(d) not in held]

