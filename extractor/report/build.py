"""Write the review report of a batch folder or of one JSONL file of EvidenceDocuments.

A batch folder holds ``documents.jsonl`` (one EvidenceDocument per line), ``errors.jsonl``
(one ``{file, stage, code, reason}`` object per failed file) and ``summary.json``; a JSONL
file from ``extractor extract`` has only the documents. Documents are read one line at a
time and their pages written as they come, so a large batch never sits in memory. A line
that is not an EvidenceDocument becomes an error row of the index, never a crash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.evidence import EvidenceDocument, read_evidence_jsonl
from extractor.report.pages import IndexRow, document_page, index_page


@dataclass
class Report:
    """What was written: the index page, the document pages, and the errors it lists."""

    index: Path
    pages: list[Path] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: list[dict[str, Any]] = field(default_factory=list)  # of the documents JSONL


def _problem(where: str, code: str, reason: str) -> dict[str, Any]:
    return {"file": where, "stage": "report", "code": code, "reason": reason}


def _jsonl(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered non-blank lines of ``path`` (undecodable bytes replaced, never fatal)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def _errors(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for number, line in _jsonl(path):
        try:
            record = json.loads(line)
        except ValueError as err:
            record = _problem(f"{path}:{number}", "malformed", f"not JSON ({err})")
        out.append(record if isinstance(record, dict) else
                   _problem(f"{path}:{number}", "malformed", "not a JSON object"))
    return out


def _summary(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _page_name(doc: EvidenceDocument, used: set[str]) -> str:
    """A file name from the document id: safe characters, unique in the report."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", doc.id).strip("._")[:80] or "document"
    name = f"{stem}.{doc.source.format}"
    k = 1
    while name.lower() in used:  # the same article as HTML and PDF keeps both pages
        k += 1
        name = f"{stem}.{doc.source.format}-{k}"
    used.add(name.lower())
    return name


def default_destination(source: Path) -> Path:
    """``SOURCE/report`` for a batch folder, ``report/`` beside a JSONL file."""
    return source / "report" if source.is_dir() else source.parent / "report"


def build_report(source: Path, dest: Path | None = None) -> Report:
    """Write ``index.html`` and ``docs/<id>.<format>.html`` for ``source`` into ``dest``.

    Raises ExtractorError when ``source`` is neither a JSONL file nor a folder holding
    ``documents.jsonl``.
    """
    source = Path(source)
    if source.is_dir():
        documents = source / "documents.jsonl"
        if not documents.is_file():
            raise ExtractorError("no documents.jsonl in this folder (is it a batch output?)",
                                 path=str(source), code="not_found")
        errors_path, summary_path = source / "errors.jsonl", source / "summary.json"
    elif source.is_file():
        documents, errors_path, summary_path = source, None, None
    else:
        raise ExtractorError("no such file or folder", path=str(source), code="not_found")
    dest = Path(dest) if dest is not None else default_destination(source)
    docs_dir = dest / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    report = Report(dest / "index.html")
    if errors_path is not None and errors_path.is_file():
        report.errors = _errors(errors_path)
    rows: list[IndexRow] = []
    used: set[str] = set()
    for number, doc in read_evidence_jsonl(documents):
        if isinstance(doc, str):
            report.bad_lines.append(_problem(f"{documents}:{number}", "malformed",
                                             f"not an EvidenceDocument ({doc})"))
            continue
        page_path = docs_dir / f"{_page_name(doc, used)}.html"
        page_path.write_text(document_page(doc), encoding="utf-8")
        report.pages.append(page_path)
        rows.append(IndexRow.of(doc, f"docs/{page_path.name}"))
    written = {p.name for p in report.pages}
    for stale in docs_dir.glob("*.html"):  # pages of documents no longer in the source
        if stale.name not in written:
            stale.unlink()
    summary = _summary(summary_path) if summary_path is not None else None
    report.index.write_text(index_page(rows, [*report.errors, *report.bad_lines], summary,
                                       str(source)), encoding="utf-8")
    return report


def write_report(source: Path, dest: Path | None = None) -> Path:
    """Write the HTML review report of ``source`` (a batch folder or a JSONL file).

    ``dest`` defaults to ``SOURCE/report`` (folder) or ``report/`` beside the file. Returns
    the path of ``index.html``.
    """
    return build_report(source, dest).index
