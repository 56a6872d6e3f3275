"""Cross-format agreement: the same article as JATS, PDF and HTML.

For each article in ../shared/articles present in several formats, prints
- whether the format's Document has the JATS Document's id (ids come from the article's
  own identifiers, so the formats of one article should share one);
- word coverage: the share of the JATS <body> words (read straight from the XML with lxml,
  independent of our JATS parser) that the PDF's / HTML's Document text contains;
- table agreement: for the i-th JATS table and the i-th table of the other format, whether
  the grids have the same shape, the share of JATS cells whose text equals the other
  format's cell at the same (row, col), and the share equal to some cell anywhere in that
  table (whitespace and case ignored).

Run: .venv/bin/python benchmarks/cross_format.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import shared_dir  # noqa: E402

from extractor import Document, parse  # noqa: E402
from extractor.evaluate.table_structure import normalize_content  # noqa: E402
from extractor.evaluate.text_agreement import word_coverage  # noqa: E402

PAIRS = ["PMC4737013", "PMC4736318", "PMC4745277", "PMC4736431"]
GOAL = 0.95


def jats_body_text(path: Path) -> str:
    """The text of the article <body>, from the XML itself."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    body = root.find(".//body")
    return " ".join(body.itertext()) if body is not None else ""


def table_agreement(ref: Document, other: Document) -> list[tuple[str, bool, float, float]]:
    """Per ref table: (id, same shape, share of cells equal in place, share equal anywhere)."""
    rows = []
    for i, table in enumerate(ref.tables):
        if i >= len(other.tables):
            rows.append((table.id, False, 0.0, 0.0))
            continue
        cand = other.tables[i]
        cand_cells = {(c.row, c.col): normalize_content(c.text) for c in cand.cells}
        anywhere = set(cand_cells.values())
        ref_cells = [(c.row, c.col, normalize_content(c.text)) for c in table.cells]
        ref_cells = [c for c in ref_cells if c[2]]
        n = len(ref_cells) or 1
        in_place = sum(cand_cells.get((row, col)) == text for row, col, text in ref_cells)
        found = sum(text in anywhere for _, _, text in ref_cells)
        shape = (table.n_rows, table.n_cols) == (cand.n_rows, cand.n_cols)
        rows.append((table.id, shape, in_place / n, found / n))
    return rows


def main() -> int:
    root = shared_dir("articles")
    below_goal = 0
    print(f"{'article':<12} {'format':<6} {'same id':<8} {'coverage':>8}  "
          "tables (id: same shape, cells equal in place / anywhere)")
    for pmc in PAIRS:
        jats_path = root / "jats" / f"{pmc}.xml"
        reference = jats_body_text(jats_path)
        jats_doc = parse(jats_path)
        others = [("pdf", root / "pdf" / f"{pmc}.pdf"),
                  ("html", root / "html" / f"{pmc}_scholarly.html")]
        for fmt, path in others:
            if not path.exists():
                continue
            doc = parse(path)
            cov = word_coverage(reference, doc.text)
            below_goal += cov < GOAL
            tables = ", ".join(f"{tid}: {'yes' if shape else 'no'} {same:.2f}/{found:.2f}"
                               for tid, shape, same, found in table_agreement(jats_doc, doc))
            same = "yes" if doc.id == jats_doc.id else f"no ({doc.id})"
            print(f"{pmc:<12} {fmt:<6} {same:<8} {cov:>8.3f}  {tables or '-'}")
    print(f"\ngoal: coverage >= {GOAL} ({below_goal} pair(s) below)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
