"""ICDAR 2013 table competition (developer part): detection + structure benchmark.

Runs ``extractor.parsers.pdf_tables`` the way the PDF parser does (every page's lines
with pypdfium2, ``page_may_hold_table`` on them, then words and ruling edges read with
pypdfium2 and the detectors on the candidate pages only) on every PDF in
``shared/corpora/icdar2013_tables`` and scores it with the cell-adjacency-relation metric
(``extractor.evaluate.table_structure``).  The same run scores pdfplumber's default
``page.extract_tables()`` on all pages as a baseline.

Matching: on each page, predicted tables and GT regions are paired greedily by
intersection-over-union of their boxes (IoU >= 0.1); every unpaired prediction counts
all its relations as false positives, every unpaired GT region all its relations as
misses.  Usage::

    .venv/bin/python benchmarks/icdar_tables.py [--quiet] [--all-pages]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.evaluate.icdar2013 import GTRegion, load_regions, main_documents  # noqa: E402
from extractor.evaluate.table_structure import (  # noqa: E402
    GridCell,
    PageTable,
    Score,
    match_and_score,
)
from extractor.parsers.pdf_lines import PdfPage  # noqa: E402
from extractor.parsers.pdf_table_pages import page_may_hold_table, read_page_data  # noqa: E402
from extractor.parsers.pdf_tables import detect_tables  # noqa: E402

DATA = ROOT.parent / "shared" / "corpora" / "icdar2013_tables"


@dataclass
class DocResult:
    score: Score
    found: int
    missed: int
    invented: int


def score_document(preds: Sequence[PageTable], gt: Sequence[GTRegion],
                   heights: dict[int, float]) -> DocResult:
    """Pair predictions with GT regions page by page and sum their relation counts."""
    truth = [PageTable(g.page, g.top_left_bbox(heights[g.page]), g.cells) for g in gt]
    total, pairs = match_and_score(list(preds), truth)
    found_tables = {gt[j].table_id for _, j in pairs}
    all_tables = {g.table_id for g in gt}
    return DocResult(total, len(found_tables), len(all_tables - found_tables),
                     len(preds) - len(pairs))


def ours(data: bytes, all_pages: bool) -> tuple[list[PageTable], list[int]]:
    """Our pipeline; returns the predictions and the candidate pages."""
    pdf = pypdfium2.PdfDocument(data)
    pages, page_data = [], []
    try:
        for i in range(len(pdf)):
            with PdfPage(pdf, i) as page:
                lines = page.lines()
                candidate = page_may_hold_table(lines)
                if candidate:
                    pages.append(i + 1)
                if candidate or all_pages:
                    page_data.append(read_page_data(page, lines))
    finally:
        pdf.close()
    preds = []
    for t in (t for d in page_data for t in detect_tables(d)):
        cells = [GridCell(c.row, c.col, c.text, c.rowspan, c.colspan) for c in t.cells]
        preds.append(PageTable(t.page, t.bbox, cells))
    return preds, pages


def baseline(pl: pdfplumber.PDF) -> list[PageTable]:
    """pdfplumber defaults: ``find_tables()`` (what ``extract_tables()`` extracts), all pages."""
    preds = []
    for n, page in enumerate(pl.pages, start=1):
        for table in page.find_tables():
            cells = [GridCell(r, c, text or "")
                     for r, row in enumerate(table.extract())
                     for c, text in enumerate(row) if text]
            preds.append(PageTable(n, table.bbox, cells))
    return preds


def _line(name: str, s: Score) -> str:
    return (f"{name:<10} P {s.precision:5.3f}  R {s.recall:5.3f}  F1 {s.f1:5.3f}"
            f"  ({s.correct}/{s.predicted} pred, {s.truth} gt)")


def run(quiet: bool = False, all_pages: bool = False) -> None:
    """Score both methods on every developer document and print the results."""
    docs = main_documents(DATA)
    if not docs:
        raise SystemExit(f"no ICDAR 2013 data under {DATA}")
    totals = {"ours": Score(), "pdfplumber": Score()}
    counts = {k: [0, 0, 0] for k in totals}
    timing = {"ours": 0.0, "pdfplumber": 0.0}
    n_pages = 0
    gt_pages = flagged_gt_pages = flagged_pages = 0
    for pdf_path, str_xml, reg_xml in docs:
        gt = load_regions(str_xml, reg_xml)
        data = pdf_path.read_bytes()
        line = [f"{pdf_path.stem:<8}"]
        for name in totals:
            with pdfplumber.open(io.BytesIO(data)) as pl:
                heights = {i: p.height for i, p in enumerate(pl.pages, start=1)}
                t0 = time.perf_counter()
                if name == "ours":
                    preds, cand = ours(data, all_pages)
                else:
                    preds = baseline(pl)
                timing[name] += time.perf_counter() - t0
            res = score_document(preds, gt, heights)
            totals[name].add(res.score)
            for k, v in enumerate((res.found, res.missed, res.invented)):
                counts[name][k] += v
            line.append(f"{name} F1 {res.score.f1:4.2f} (P {res.score.precision:4.2f} "
                        f"R {res.score.recall:4.2f}; miss {res.missed} inv {res.invented})")


        n_pages += len(heights)
        pages_gt = {g.page for g in gt}
        gt_pages += len(pages_gt)
        flagged_gt_pages += len(pages_gt & set(cand))
        flagged_pages += len(cand)
        if pages_gt - set(cand):
            line.append(f"CANDIDATE MISSED pages {sorted(pages_gt - set(cand))}")
        if not quiet:
            print("  ".join(line))
    print()
    for name, s in totals.items():
        f, m, i = counts[name]
        print(_line(name, s) + f"  tables found {f}, missed {m}, invented {i}"
              f"  {timing[name] / n_pages:.3f} s/page")
    print(f"candidate_pages: recall {flagged_gt_pages}/{gt_pages} GT table pages; "
          f"flagged {flagged_pages} of {n_pages} pages "
          f"({flagged_pages - flagged_gt_pages} without a GT table)")


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quiet", action="store_true", help="only the totals")
    ap.add_argument("--all-pages", action="store_true",
                    help="run the detectors on every page, not only candidate pages")
    args = ap.parse_args(argv)
    run(quiet=args.quiet, all_pages=args.all_pages)


if __name__ == "__main__":
    main()
