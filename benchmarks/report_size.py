"""Review report of a 100-page-sized document: render time, page size, browser load time.

Builds one long plain-text article (~300,000 characters, about what a 100-page PDF gives)
from the team's example documents in corpus/examples, repeated; runs the real pipeline on
it; writes the report with ``extractor.report.write_report``; then opens the page in
headless Chromium (Debian's chromium, as in the tests) and times the load until every
mention mark is in the DOM, and one click on a record value.

Run: .venv/bin/python benchmarks/report_size.py [--chars 300000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractor.parsers import parse, parse_bytes  # noqa: E402
from extractor.pipeline import Pipeline  # noqa: E402
from extractor.report import build_report  # noqa: E402
from tests import browser  # noqa: E402

EXAMPLES = sorted((REPO / "corpus" / "examples").glob("*.html")) + sorted(
    (REPO / "corpus" / "examples").glob("*.txt"))


def long_text(chars: int) -> str:
    """The example articles' texts, repeated until ``chars`` characters."""
    texts = [parse(p).text for p in EXAMPLES]
    parts: list[str] = []
    while sum(map(len, parts)) < chars:
        parts.append(texts[len(parts) % len(texts)])
    return "\n\n".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=300_000)
    args = ap.parse_args()
    text = long_text(args.chars)
    start = time.perf_counter()
    pipeline = Pipeline()
    doc = next(pipeline.pipe(parse_bytes(text.encode(), "long_article.txt", "text")))
    extract_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "long.jsonl"
        jsonl.write_text(doc.model_dump_json() + "\n", encoding="utf-8")
        start = time.perf_counter()
        page = build_report(jsonl).pages[0]
        render_s = time.perf_counter() - start
        size_mb = page.stat().st_size / 1e6
        print(f"document: {len(doc.text):,} characters, {len(doc.mentions):,} mentions, "
              f"{len(doc.tables)} tables, {len(doc.records)} records "
              f"(pipeline load + extraction {extract_s:.1f} s)")
        print(f"report: rendered in {render_s:.2f} s, page {size_mb:.1f} MB")
        if browser.missing():
            print(f"browser: skipped ({browser.missing()})")
            return
        with browser.chromium() as driver:
            driver.get("about:blank")  # browser started and warm, not timed
            start = time.perf_counter()
            driver.get(page.as_uri())  # returns after the load event
            assert driver.current_url == page.as_uri(), driver.current_url
            marks = driver.execute_script(
                "return document.querySelectorAll('mark.mention').length")
            load_s = time.perf_counter() - start
            start = time.perf_counter()
            driver.execute_script(
                "const a = document.querySelectorAll('table.records a.src');"
                "a[a.length - 1].click();")
            click_s = time.perf_counter() - start
            errors = browser.console_errors(driver)
        print(f"browser: loaded in {load_s:.2f} s with {marks:,} marks; record click "
              f"{click_s * 1000:.0f} ms; console errors: {len(errors)}")


if __name__ == "__main__":
    main()
