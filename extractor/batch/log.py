"""The crash-safe outputs of a batch: documents.jsonl and errors.jsonl, and manifest.jsonl.

The parent process is the only writer. For each finished file it appends the file's lines
to documents.jsonl / errors.jsonl and fsyncs them, and only then appends one manifest line
(fsynced too) that records the file, its sha256, the pipeline version and the byte range
its lines occupy. The manifest is therefore the commit record: on start, ``recover`` cuts
both JSONL files back to the end of the last committed range, which drops a torn line and
any lines whose manifest line never made it to disk.

Each manifest line also holds a digest of its file's lines, so damage that is not a crash (a
garbage line, one changed byte, a line with unknown keys, two batches that wrote at once) is
found on start too: ``recover`` moves every line it cannot trust to ``quarantine/`` (one
warning per line, naming the file and the line), drops the entries they belonged to, so that
their inputs are processed again, and rewrites the outputs without them (``heal``).

``compact`` rewrites the three files (to keep only current entries, sorted by file) through
``*.next`` files: the new manifest is written last and ends with a ``complete`` marker, so a
crash before the marker rolls back (the ``.next`` files are deleted) and a crash after it
rolls forward (the renames are finished on the next start).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from extractor.batch.heal import Damage, LineRange, damaged_lines, quarantine
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
    digest: str = ""  # of its documents' and error's bytes; empty in older manifests


def digest(docs: bytes, errors: bytes) -> str:
    """The digest an entry keeps of its lines (documents, then error record)."""
    h = hashlib.blake2b(docs, digest_size=16)
    h.update(b"\0")
    h.update(errors)
    return h.hexdigest()


_KINDS = {f.name: f.type for f in fields(Entry)}  # "str" or "int"
_KEYS = frozenset(_KINDS)
_KEYS_BEFORE_DIGESTS = _KEYS - {"digest"}


def parse_entry(line: bytes) -> Entry | str:
    """A manifest line as an Entry, or why it is not one (a ``complete`` marker gives "")."""
    try:
        item = json.loads(line)
    except ValueError:
        return "not JSON"
    if not isinstance(item, dict):
        return "not a JSON object"
    keys = item.keys()
    if keys != _KEYS and keys != _KEYS_BEFORE_DIGESTS:
        if keys == {"complete"}:
            return ""
        unknown, missing = keys - _KEYS, _KEYS_BEFORE_DIGESTS - keys
        return f"unknown keys {sorted(unknown)}" if unknown else f"missing keys {sorted(missing)}"
    for name, value in item.items():
        kind = _KINDS[name]
        if type(value) is not (int if kind == "int" else str):  # (a bool is no number)
            return f"{name} is not {'a number' if kind == 'int' else 'text'}"
    entry = Entry(**item)
    if (entry.status not in ("done", "error") or not 0 <= entry.docs_start <= entry.docs_end
            or not 0 <= entry.errors_start <= entry.errors_end):
        return "inconsistent values"
    return entry


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _append(path: Path, data: bytes) -> int:
    """Append ``data`` durably; returns the file's new size. A failure (a full disk) is an
    OSError that names the file."""
    try:
        with path.open("ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            return handle.tell()
    except OSError as err:
        if err.filename is not None:
            raise
        raise OSError(err.errno, err.strerror, str(path)) from err


def _read_manifest(path: Path) -> tuple[list[Entry], int, bool]:
    """The entries of a ``.next`` manifest, the byte length of its intact part, and whether
    a marker ended it (anything unreadable ends it: it is then rolled back)."""
    entries: list[Entry] = []
    good = 0
    complete = False
    if not path.exists():
        return entries, good, complete
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break  # torn last line: never committed
            entry = parse_entry(line)
            if isinstance(entry, str) and entry:
                break
            good += len(line)
            if isinstance(entry, Entry):
                entries.append(entry)
            else:
                complete = json.loads(line)["complete"] == len(entries)
    return entries, good, complete


def _read_lines(path: Path) -> list[bytes]:
    """The complete lines of the manifest (a torn last line, never committed, is left out)."""
    if not path.exists():
        return []
    lines = path.read_bytes().splitlines(keepends=True)
    return lines if not lines or lines[-1].endswith(b"\n") else lines[:-1]


class _Reader:
    """Byte ranges of one output file, through one open handle (a start reads every
    committed range: one open per file, not per entry)."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("rb") if path.exists() else None
        self.size = os.fstat(self.handle.fileno()).st_size if self.handle else 0

    def read(self, start: int, end: int) -> bytes | None:
        """The bytes of ``[start, end)``, or None when the file is shorter."""
        if end == start:
            return b""
        if self.handle is None or self.size < end:
            return None
        self.handle.seek(start)
        return self.handle.read(end - start)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


class BatchLog:
    """The append-only outputs of OUT_DIR and their manifest."""

    def __init__(self, out_dir: str | Path) -> None:
        self.dir = Path(out_dir)
        self.documents = self.dir / DOCUMENTS
        self.errors = self.dir / ERRORS
        self.manifest = self.dir / MANIFEST
        self.entries: list[Entry] = []
        self.warnings: list[str] = []  # what ``recover`` moved to quarantine/
        self.quarantined = 0  # how many lines

    def _paths(self) -> tuple[Path, Path, Path]:
        return self.documents, self.errors, self.manifest

    def recover(self) -> list[Entry]:
        """Finish or undo an interrupted compaction, then cut every file back to what the
        manifest records as durable; when some committed line is damaged, move what cannot
        be trusted to quarantine/ (``warnings`` says what) and rewrite the outputs without
        it. Returns the intact committed entries (in log order)."""
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
        lines = _read_lines(self.manifest)
        entries, damage = self._check(lines)
        if damage.count():
            self.warnings = quarantine(self.dir, damage)
            self.quarantined = damage.count()
            self.entries = entries
            self._rewrite(entries)
            return list(self.entries)
        if any(not e.digest for e in entries):  # an older manifest: add the digests once
            self._rewrite(entries)
            return list(self.entries)
        ends = {self.documents: max((e.docs_end for e in entries), default=0),
                self.errors: max((e.errors_end for e in entries), default=0),
                self.manifest: sum(len(line) for line in lines)}
        for path, end in ends.items():
            size = path.stat().st_size if path.exists() else 0
            if size > end or not path.exists():  # lines never committed: cut off
                with path.open("ab") as handle:
                    handle.truncate(end)
                    os.fsync(handle.fileno())
        self.entries = entries
        return list(entries)

    def _check(self, lines: list[bytes]) -> tuple[list[Entry], Damage]:
        """The entries whose lines are intact, and every line that cannot be trusted: bad
        manifest lines, lines of entries that do not match their digest, and lines of the
        JSONL files that no intact entry accounts for (up to the last recorded byte)."""
        damage = Damage()
        good: list[Entry] = []
        docs_end = errors_end = 0
        docs, errs = _Reader(self.documents), _Reader(self.errors)
        try:
            for number, line in enumerate(lines, 1):
                entry = parse_entry(line)
                if isinstance(entry, str):
                    if entry:
                        damage.manifest.append((number, line,
                                                f"not a manifest record ({entry})"))
                    continue
                docs_end = max(docs_end, entry.docs_end)
                errors_end = max(errors_end, entry.errors_end)
                reason = _verify(entry, docs.read(entry.docs_start, entry.docs_end),
                                 errs.read(entry.errors_start, entry.errors_end))
                if reason:
                    damage.manifest.append((number, line, f"its input {entry.file} is "
                                                          f"redone: {reason}"))
                    continue
                good.append(entry)
        finally:
            docs.close()
            errs.close()
        if damage.count():  # the lines no intact entry accounts for go to quarantine too
            damage.documents = damaged_lines(
                self.documents, docs_end, [LineRange(e.docs_start, e.docs_end) for e in good])
            damage.errors = damaged_lines(
                self.errors, errors_end, [LineRange(e.errors_start, e.errors_end)
                                          for e in good])
        return good, damage

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
            d = b"".join(line.encode() + b"\n" for line in r.documents)
            e = (json.dumps(r.error, ensure_ascii=False).encode() + b"\n" if r.error
                 else b"")
            new.append(Entry(r.file, r.sha256, version, "error" if r.error else "done",
                             len(r.documents), docs_end, docs_end + len(d), errors_end,
                             errors_end + len(e), digest(d, e)))
            docs_end += len(d)
            errors_end += len(e)
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
        if keep != self.entries:
            self._rewrite(keep)

    def _rewrite(self, keep: list[Entry]) -> None:
        new: list[Entry] = []
        docs_next = self.documents.with_name(DOCUMENTS + _NEXT)
        errors_next = self.errors.with_name(ERRORS + _NEXT)
        with docs_next.open("wb") as docs, errors_next.open("wb") as errs:
            for e in keep:
                d0, e0 = docs.tell(), errs.tell()
                d = b"".join(line + b"\n" for line in self.read_lines(e))
                r = b"".join(line + b"\n" for line in self.read_lines(e, errors=True))
                docs.write(d)
                errs.write(r)
                new.append(replace(e, docs_start=d0, docs_end=docs.tell(), errors_start=e0,
                                   errors_end=errs.tell(), digest=digest(d, r)))
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


def _verify(entry: Entry, docs: bytes | None, errors: bytes | None) -> str:
    """Why ``entry``'s lines (``docs``, ``errors``: None when past a file's end) cannot be
    trusted, or "" when they can."""
    if docs is None or errors is None:
        return "its lines are past the end of the outputs (a file was cut)"
    if entry.digest:
        return "" if digest(docs, errors) == entry.digest else "its lines were changed"
    return _validate_lines(docs, errors, entry.documents)


def _validate_lines(docs: bytes, errors: bytes, n_documents: int) -> str:
    """Why the lines of an entry without a digest (an older manifest) are not valid, or ""."""
    from pydantic import ValidationError

    from extractor.evidence import EvidenceDocument

    lines = docs.splitlines()
    if len(lines) != n_documents or (docs and not docs.endswith(b"\n")):
        return "its lines do not match its record"
    try:
        for line in lines:
            EvidenceDocument.model_validate_json(line)
        records = [json.loads(line) for line in errors.splitlines()]
    except (ValidationError, ValueError):
        return "a line is not valid"
    if any(not isinstance(r, dict) or "file" not in r for r in records):
        return "an error line is not an error record"
    return ""
