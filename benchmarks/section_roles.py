"""Section roles on real files: which roles each document gets, and how much text is "other".

For every article in ../shared/articles, the seeds in ../shared/seeds and corpus/examples,
prints per document the roles in reading order with their share of the text, the share with
role "other", and for the cross-format pairs (the same article as JATS, PDF, HTML) whether the
body roles (introduction to discussion/conclusion) come in the same order in each format.

Run: .venv/bin/python benchmarks/section_roles.py [--sections]
(--sections also lists every section with its level, role and title)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, shared_dir  # noqa: E402

from extractor import Document, ExtractorError, parse_all  # noqa: E402
from extractor.roles import RoleIndex  # noqa: E402

PAIRS = ["PMC4737013", "PMC4736318", "PMC4745277", "PMC4736431"]
SUFFIXES = {".xml", ".nxml", ".html", ".pdf", ".txt"}
# Roles of the article's own parts, in the order an article has them (for the format check).
BODY = ("abstract", "introduction", "methods", "eligibility", "case", "results", "discussion",
        "conclusion")


def _files() -> list[Path]:
    roots = [shared_dir("articles"), shared_dir("seeds"), REPO / "corpus" / "examples"]
    return sorted(p for root in roots for p in root.rglob("*") if p.suffix in SUFFIXES
                  and "groundtruth" not in p.parts and "reference_tables" not in p.parts
                  and p.name != "README.md")


def _order(doc: Document) -> list[str]:
    """The body roles of the document in reading order, each once."""
    seen: list[str] = []
    for _, _, role in RoleIndex(doc).spans():
        if role in BODY and role not in seen:
            seen.append(role)
    return seen


def _shares(doc: Document) -> Counter[str]:
    chars: Counter[str] = Counter()
    for start, end, role in RoleIndex(doc).spans():
        chars[role] += end - start
    return chars


def main() -> int:
    show_sections = "--sections" in sys.argv
    orders: dict[str, dict[str, list[str]]] = {}
    others: list[float] = []
    for path in _files():
        try:
            docs = parse_all(path)
        except ExtractorError as err:
            print(f"{path.name}: FAILED {err}")
            continue
        for doc in docs:
            n = max(1, len(doc.text))
            chars = _shares(doc)
            roles = " ".join(f"{r}:{100 * c / n:.0f}" for r, c in
                             sorted(chars.items(), key=lambda rc: -rc[1]))
            other = 100 * chars["other"] / n
            others.append(other)
            name = path.name if len(docs) == 1 else f"{path.name}#{doc.id}"
            print(f"{name:<60} {doc.source.format:<4} other {other:5.1f}%  {roles}")
            print(f"{'':<60} order: {' > '.join(_order(doc)) or '-'}")
            if show_sections:
                for s in doc.sections:
                    print(f"{'':<64}{'  ' * (s.level - 1)}[{s.role}] {s.title[:60]}")
            stem = path.stem.split("_")[0]
            if stem in PAIRS:
                orders.setdefault(stem, {})[doc.source.format] = _order(doc)
    print()
    same = 0
    for stem, by_format in sorted(orders.items()):
        agree = len({tuple(o) for o in by_format.values()}) == 1
        same += agree
        print(f"{stem}: {'same' if agree else 'DIFFERENT'} " +
              "; ".join(f"{fmt}: {' > '.join(o)}" for fmt, o in sorted(by_format.items())))
    print(f"\n{len(others)} documents; mean share of text with role 'other' "
          f"{sum(others) / max(1, len(others)):.1f}%, over 5%: {sum(o > 5 for o in others)}; "
          f"cross-format pairs with the same body-role order: {same}/{len(orders)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
