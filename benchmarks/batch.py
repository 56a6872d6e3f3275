"""`extractor batch` at scale: documents per second, words per second, peak memory per worker
and the speed-up from 1 to 2 workers, for the local and the dask engine.

Run:  .venv/bin/python benchmarks/batch.py [--n 1000] [--workers 1,2] [--engines local,dask]
          [--rules-only]

The corpus (built in a temporary folder, nothing is copied into the repository): the real
articles of ../shared/articles (JATS, HTML, PDF), then plain-text documents of eight
sentences each, alternating the ADE-Corpus-V2 sentences and PHEE's development split
(``phee/v2/json/dev.json``), up to ``--n`` documents. Each configuration runs
``extractor batch`` from scratch into its own OUT_DIR; the rates come from its
summary.json and leave out the pipeline's loading time in the workers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import shared_dir  # noqa: E402

ARTICLE_GLOBS = ("jats/*.xml", "jats/*.nxml", "html/*.html", "pdf/*.pdf")
PER_DOCUMENT = 8  # sentences per generated document


def _ade_sentences() -> Iterator[str]:
    folder = shared_dir("corpora", "ade_corpus_v2")
    seen: set[str] = set()
    with (folder / "DRUG-AE.rel").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split("|")
            if len(parts) > 2 and parts[1] not in seen:
                seen.add(parts[1])
                yield parts[1]
    with (folder / "ADE-NEG.txt").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) == 3:
                yield parts[2]


def _phee_dev_sentences() -> Iterator[str]:
    # the development split only: the test split is held out
    with (shared_dir("corpora", "phee", "v2", "json") / "dev.json").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)["context"]


def build_corpus(folder: Path, n: int) -> int:
    """Write the articles and then sentence documents into ``folder``; returns how many
    files (each is one document, except a PMC file of several articles)."""
    articles = shared_dir("articles")
    files = 0
    for pattern in ARTICLE_GLOBS:
        for path in sorted(articles.glob(pattern)):
            if files < n:
                (folder / f"article_{path.name}").write_bytes(path.read_bytes())
                files += 1
    mixed = (s for pair in zip_longest(_ade_sentences(), _phee_dev_sentences()) for s in pair
             if s)
    batch: list[str] = []
    for sentence in mixed:
        if files >= n:
            break
        batch.append(sentence)
        if len(batch) == PER_DOCUMENT:
            (folder / f"doc{files:05d}.txt").write_text(" ".join(batch) + "\n",
                                                         encoding="utf-8")
            files += 1
            batch = []
    return files


def run(in_dir: Path, out_dir: Path, engine: str, workers: int,
        ner: bool) -> dict[str, object]:
    """One ``extractor batch`` run from scratch (no report); its summary.json."""
    cmd = [sys.executable, "-m", "extractor.cli", "batch", str(in_dir), "-o", str(out_dir),
           "--engine", engine, "--workers", str(workers), "--quiet", "--no-report",
           *([] if ner else ["--rules-only"])]
    subprocess.run(cmd, check=True)
    summary: dict[str, object] = json.loads((out_dir / "summary.json").read_text())
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="documents (files) to build")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--engines", default="local,dask", help="engines, comma-separated")
    parser.add_argument("--rules-only", dest="ner", action="store_false",
                    help="the rules alone, without the NER model (models/ner)")
    # the model runs by default; --ner (older commands) changes nothing
    parser.add_argument("--ner", dest="ner", action="store_true", default=True,
                    help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        in_dir = Path(tmp) / "in"
        in_dir.mkdir()
        files = build_corpus(in_dir, args.n)
        print(f"{files} files in {in_dir}", file=sys.stderr)
        for engine in args.engines.split(","):
            base = None
            for workers in counts:
                summary = run(in_dir, Path(tmp) / f"out-{engine}-{workers}", engine, workers,
                              args.ner)
                r = summary["run"]
                assert isinstance(r, dict)
                dps = float(r["documents_per_second"])
                base = base or dps
                rows.append({"engine": engine, "workers": workers,
                             "documents": summary["documents"], "errors": summary["errors"],
                             "seconds": r["processing_seconds"], "docs_per_s": dps,
                             "words_per_s": r["words_per_second"],
                             "peak_rss_mb_per_worker": r["peak_rss_mb_per_worker"],
                             "speed_up": round(dps / base, 2) if base else None})
    header = ["engine", "workers", "documents", "errors", "seconds", "docs_per_s",
              "words_per_s", "peak_rss_mb_per_worker", "speed_up"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
