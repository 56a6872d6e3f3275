"""The crash-safe outputs of a batch: documents.jsonl and errors.jsonl, and manifest.jsonl.

The parent process is the only writer. For each finished file it appends the file's lines
to documents.jsonl / errors.jsonl and fsyncs them, and only then appends one manifest line
(fsynced too) that records the file, its sha256, the pipeline version and the byte range
its lines occupy. The manifest is therefore the commit record: on start, ``recover`` cuts
both JSONL files back to the end of the last committed range, which drops a torn line and
any lines whose manifest line never made it to disk.

``compact`` rewrites the three files (to keep only current entries, sorted by file) through
``*.next`` files: the new manifest is written last and ends with a ``complete`` marker, so a
crash before the marker rolls back (the ``.next`` files are deleted) and a crash after it
rolls forward (the renames are finished on the next start).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from extractor.batch.work import FileResult

DOCUMENTS = "documents.jsonl"
ERRORS = "errors.jsonl"
MANIFEST = "manifest.jsonl"
_NEXT = ".next"


@dataclass(frozen=True)
class Entry:
    """One committed file: its key (file, sha256, version) and where its lines are."""

    file: str
    sha256: str
    version: str
    status: str  # "done" or "error"
    documents: int
    docs_start: int
    docs_end: int
    errors_start: int
    errors_end: int


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _append(path: Path, data: bytes) -> int:
    """Append ``data`` durably; returns the file's new size."""
    with path.open("ab") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        return handle.tell()


def _read_manifest(path: Path) -> tuple[list[Entry], int, bool]:
    """The entries, the byte length of the intact part, and whether a marker ended it."""
    entries: list[Entry] = []
    good = 0
    complete = False
    if not path.exists():
        return entries, good, complete
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break  # torn last line: never committed
            try:
                item = json.loads(line)
            except ValueError:
                break
            good += len(line)
            if "complete" in item:
                complete = item["complete"] == len(entries)
            else:
                entries.append(Entry(**item))
    return entries, good, complete


class BatchLog:
    """The append-only outputs of OUT_DIR and their manifest."""

    def __init__(self, out_dir: str | Path) -> None:
        self.dir = Path(out_dir)
        self.documents = self.dir / DOCUMENTS
        self.errors = self.dir / ERRORS
        self.manifest = self.dir / MANIFEST
        self.entries: list[Entry] = []

    def _paths(self) -> tuple[Path, Path, Path]:
        return self.documents, self.errors, self.manifest

    def recover(self) -> list[Entry]:
        """Finish or undo an interrupted compaction, then cut every file back to what the
        manifest records as durable. Returns the committed entries (in log order)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        nxt = self.manifest.with_name(MANIFEST + _NEXT)
        if nxt.exists() and _read_manifest(nxt)[2]:
            for path in self._paths():  # roll forward, the manifest last
                pending = path.with_name(path.name + _NEXT)
                if pending.exists():
                    os.replace(pending, path)
        else:
            for path in self._paths():  # roll back
                path.with_name(path.name + _NEXT).unlink(missing_ok=True)
        _fsync_dir(self.dir)
        entries, good, _ = _read_manifest(self.manifest)
        ends = {self.documents: max((e.docs_end for e in entries), default=0),
                self.errors: max((e.errors_end for e in entries), default=0),
                self.manifest: good}
        for path, end in ends.items():
            size = path.stat().st_size if path.exists() else 0
            if size < end:  # a file was removed or cut by hand: the record is not trustworthy
                for p in self._paths():
                    p.unlink(missing_ok=True)
                self.entries = []
                return []
            if size > end or not path.exists():
                with path.open("ab") as handle:
                    handle.truncate(end)
                    os.fsync(handle.fileno())
        self.entries = entries
        return list(entries)

    def commit(self, results: list[FileResult], version: str) -> list[Entry]:
        """Append the results' lines durably, then their manifest lines."""
        docs_end = self.entries[-1].docs_end if self.entries else 0
        errors_end = self.entries[-1].errors_end if self.entries else 0
        doc_bytes = b"".join(line.encode() + b"\n" for r in results for line in r.documents)
        err_bytes = b"".join(json.dumps(r.error, ensure_ascii=False).encode() + b"\n"
                             for r in results if r.error is not None)
        if doc_bytes:
            _append(self.documents, doc_bytes)
        if err_bytes:
            _append(self.errors, err_bytes)
        new: list[Entry] = []
        for r in results:
            d = sum(len(line.encode()) + 1 for line in r.documents)
            e = len(json.dumps(r.error, ensure_ascii=False).encode()) + 1 if r.error else 0
            new.append(Entry(r.file, r.sha256, version, "error" if r.error else "done",
                             len(r.documents), docs_end, docs_end + d, errors_end,
                             errors_end + e))
            docs_end += d
            errors_end += e
        _append(self.manifest, b"".join(json.dumps(asdict(x)).encode() + b"\n" for x in new))
        self.entries.extend(new)
        return new

    def read_lines(self, entry: Entry, errors: bool = False) -> list[bytes]:
        """The committed lines of one entry (its documents, or its error record)."""
        path, start, end = ((self.errors, entry.errors_start, entry.errors_end) if errors
                            else (self.documents, entry.docs_start, entry.docs_end))
        if end == start:
            return []
        with path.open("rb") as handle:
            handle.seek(start)
            return handle.read(end - start).splitlines()

    def compact(self, keep: list[Entry]) -> None:
        """Rewrite the outputs to hold exactly ``keep``, in that order (crash-safe)."""
        if keep == self.entries:
            return
        new: list[Entry] = []
        docs_next = self.documents.with_name(DOCUMENTS + _NEXT)
        errors_next = self.errors.with_name(ERRORS + _NEXT)
        with docs_next.open("wb") as docs, errors_next.open("wb") as errs:
            for e in keep:
                d0, e0 = docs.tell(), errs.tell()
                docs.writelines(line + b"\n" for line in self.read_lines(e))
                errs.writelines(line + b"\n" for line in self.read_lines(e, errors=True))
                new.append(replace(e, docs_start=d0, docs_end=docs.tell(), errors_start=e0,
                                   errors_end=errs.tell()))
            for handle in (docs, errs):
                handle.flush()
                os.fsync(handle.fileno())
        manifest_next = self.manifest.with_name(MANIFEST + _NEXT)
        with manifest_next.open("wb") as handle:
            handle.writelines(json.dumps(asdict(x)).encode() + b"\n" for x in new)
            handle.write(json.dumps({"complete": len(new)}).encode() + b"\n")  # commit point
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_dir(self.dir)
        for path in self._paths():
            os.replace(path.with_name(path.name + _NEXT), path)
        _fsync_dir(self.dir)
        self.entries = new
