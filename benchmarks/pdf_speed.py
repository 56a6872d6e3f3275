"""PDF parsing speed: raw pypdfium2 text extraction vs the full parser, on ../shared PDFs.

For every PDF in ../shared/articles/pdf, in one process, times
  (a) raw: open with pypdfium2 and ``get_textpage().get_text_range()`` on every page;
  (b) full: ``extractor.parsers.parse_all(path)`` (layout, headings, tables, Document);
  (c) text only: the same parser with table detection off (table detection costs b - c).
Each file is parsed once untimed first so imports and caches do not count.
Prints pages, seconds and pages/s per file and overall, and the full/raw ratio (goal <= 5).

Run: .venv/bin/python benchmarks/pdf_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import shared_dir  # noqa: E402

from extractor.parsers import parse_all  # noqa: E402
from extractor.parsers.pdf import parse_pdf  # noqa: E402
from extractor.parsers.source import read_input  # noqa: E402

GOAL = 5.0


def raw_text(path: Path) -> int:
    """Extract every page's text with pypdfium2; returns the page count."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return n
    finally:
        pdf.close()


def _text_only(path: Path) -> object:
    return parse_pdf(read_input(path), tables=False)


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` timed runs of ``fn()`` (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs per file; the best counts")
    args = ap.parse_args()
    files = sorted(shared_dir("articles", "pdf").glob("*.pdf"))
    totals = {"pages": 0, "raw": 0.0, "full": 0.0, "text": 0.0}
    print(f"{'file':<50} {'pages':>5} {'raw s':>7} {'full s':>7} {'text s':>7} "
          f"{'raw p/s':>8} {'full p/s':>8} {'ratio':>6}")
    for path in files:
        pages = raw_text(path)
        parse_all(path)  # warm-up: imports, fonts
        raw = best_of(partial(raw_text, path), args.repeat)
        full = best_of(partial(parse_all, path), args.repeat)
        text = best_of(partial(_text_only, path), args.repeat)
        totals["pages"] += pages
        totals["raw"] += raw
        totals["full"] += full
        totals["text"] += text
        print(f"{path.name[:50]:<50} {pages:>5} {raw:>7.3f} {full:>7.3f} {text:>7.3f} "
              f"{pages / raw:>8.1f} {pages / full:>8.1f} {full / raw:>6.1f}")
    n, raw, full, text = totals["pages"], totals["raw"], totals["full"], totals["text"]
    print(f"\n{'overall':<50} {n:>5} {raw:>7.3f} {full:>7.3f} {text:>7.3f} "
          f"{n / raw:>8.1f} {n / full:>8.1f} {full / raw:>6.1f}")
    print(f"full / raw = {full / raw:.1f}x (goal <= {GOAL:.0f}x); "
          f"text-only / raw = {text / raw:.1f}x; table detection = {full - text:.2f} s "
          f"({(full - text) / full:.0%} of the full parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
