"""Every file in ../shared/articles parses; JATS table counts equal their table-wrap counts.

Run: .venv/bin/python benchmarks/parse_articles.py
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import shared_dir  # noqa: E402

from extractor import ExtractorError, parse_all  # noqa: E402

_WRAP = re.compile(rb"<table-wrap[\s>]")


def main() -> int:
    root = shared_dir("articles")
    files = sorted(p for p in root.rglob("*") if p.suffix in {".xml", ".nxml", ".html", ".pdf"}
                   and "groundtruth" not in p.parts)
    failures = mismatches = 0
    print(f"{'file':<62} {'fmt':<5} {'docs':>4} {'chars':>8} {'sect':>4} {'tables':>6} "
          f"{'wraps':>5} {'sec':>6}")
    for path in files:
        t0 = time.perf_counter()
        try:
            docs = parse_all(path)
        except ExtractorError as err:
            failures += 1
            print(f"{path.relative_to(root)!s:<62} FAILED: {err}")
            continue
        elapsed = time.perf_counter() - t0
        tables = sum(len(d.tables) for d in docs)
        wraps = ""
        if docs[0].source.format == "jats":
            n_wraps = len(_WRAP.findall(path.read_bytes()))
            wraps = str(n_wraps)
            mismatches += n_wraps != tables
        print(f"{path.relative_to(root)!s:<62} {docs[0].source.format:<5} {len(docs):>4} "
              f"{sum(len(d.text) for d in docs):>8} {sum(len(d.sections) for d in docs):>4} "
              f"{tables:>6} {wraps:>5} {elapsed:>6.2f}")
    print(f"\n{len(files)} files, {len(files) - failures} parsed, {failures} failed; "
          f"JATS files whose table count differs from their table-wrap count: {mismatches}")
    return 1 if failures or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
