"""Helpers for the batch tests: invented input files and reading a batch's outputs back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES

# Invented case reports (no third-party text).
CASE = ("A {age}-year-old woman with psoriasis received methotrexate 15 mg weekly and folic "
        "acid 5 mg daily for {weeks} weeks. She developed nausea and elevated transaminases; "
        "methotrexate was stopped and the nausea resolved. No rash was observed.\n")
HTML = ("<html><head><title>Invented case {n}</title></head><body><h1>Invented case {n}</h1>"
        "<p>A 47-year-old man received adalimumab 40 mg subcutaneously every 2 weeks for "
        "rheumatoid arthritis and developed a severe injection-site reaction.</p></body></html>")
# A paragraph repeated to make a file that takes the pipeline many seconds.
SLOW = ("A 61-year-old man with gout received allopurinol 300 mg daily and colchicine 0.5 mg "
        "twice daily for 3 months; he reported diarrhoea and a mild rash.\n\n")


def write_good(folder: Path, n: int = 3) -> list[str]:
    """``n`` invented good inputs (text and HTML, one in a subfolder); their relative paths."""
    names = []
    for i in range(n):
        rel = f"sub/case{i}.html" if i % 3 == 2 else f"case{i}.txt"
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = HTML.format(n=i) if rel.endswith(".html") else CASE.format(age=30 + i, weeks=4 + i)
        path.write_text(text, encoding="utf-8")
        names.append(rel)
    return names


def write_same_article(folder: Path) -> list[str]:
    """Two invented pages of one article (one DOI, so one document id) at different paths
    and with different text; their relative paths."""
    names = ["article.html", "mirror/article.html"]
    for n, rel in enumerate(names):
        page = HTML.format(n=n).replace(
            "<head>", '<head><meta name="citation_doi" content="10.5555/Invented.Twin/1">')
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(page, encoding="utf-8")
    return names


def write_bad(folder: Path) -> dict[str, str]:
    """Bad inputs and the error code each must give."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nnot a pdf\n")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 40)
    return {"empty.txt": "empty", "corrupt.pdf": "corrupt", "junk.txt": "unsupported_format"}


def copy_example(folder: Path, name: str) -> str:
    """One of the team's example documents (corpus/examples), copied into ``folder``."""
    (folder / name).write_bytes((EXAMPLES / name).read_bytes())
    return name


def batch(in_dir: Path, out_dir: Path, *args: str,
          check: bool = True) -> subprocess.CompletedProcess[str]:
    """``extractor batch IN_DIR -o OUT_DIR --quiet ARGS`` in a subprocess."""
    cmd = [sys.executable, "-m", "extractor.cli", "batch", str(in_dir), "-o", str(out_dir),
           "--quiet", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=300)


def jsonl(path: Path) -> list[dict[str, Any]]:
    """Every line of a JSONL file parsed; a torn or invalid line fails the test."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{path.name}: torn last line"
    return [json.loads(line) for line in data.splitlines()]


def documents_by_file(out_dir: Path) -> dict[str, dict[str, Any]]:
    """documents.jsonl keyed by input file (relative path), as the DuckDB table records it;
    the table and the JSONL must list the same documents in the same order."""
    import duckdb

    con = duckdb.connect(str(out_dir / "evidence.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT file, id, sha256 FROM documents").fetchall()
    finally:
        con.close()
    docs = jsonl(out_dir / "documents.jsonl")
    assert [(d["id"], d["source"]["sha256"]) for d in docs] == [r[1:] for r in rows]
    return {r[0]: d for r, d in zip(rows, docs, strict=True)}


def assert_each_once(out_dir: Path, inputs: list[str]) -> None:
    """Every input in exactly one of documents.jsonl / errors.jsonl, once, in every output
    (each test input holds one article)."""
    import duckdb
    import pyarrow.parquet as pq

    docs = list(documents_by_file(out_dir))
    errors = [e["file"] for e in jsonl(out_dir / "errors.jsonl")]
    assert sorted(docs + errors) == sorted(inputs)
    assert docs == sorted(docs)
    con = duckdb.connect(str(out_dir / "evidence.duckdb"), read_only=True)
    try:
        assert [r[0] for r in con.execute("SELECT file FROM errors").fetchall()] == errors
    finally:
        con.close()
    records = pq.read_table(out_dir / "records.parquet").column("file").to_pylist()
    assert set(records) <= set(docs)
