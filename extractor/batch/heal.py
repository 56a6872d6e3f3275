"""Quarantine for damaged output lines: what ``BatchLog.recover`` cannot trust is moved to
OUT_DIR/quarantine/ (appended, never overwritten) rather than deleted or crashed on.

A damaged line is kept as it was, so a person can see what happened; the input it came from
is processed again by the same run.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from pathlib import Path

QUARANTINE = "quarantine"
# Past this many lines of one file, the warnings are summed up in one more line.
_MAX_WARNINGS = 20

# (line number, the line's bytes, why it was moved)
Line = tuple[int, bytes, str]


@dataclass(frozen=True)
class LineRange:
    """The byte range ``[start, end)`` of an intact entry's lines."""

    start: int
    end: int


@dataclass
class Damage:
    """The untrusted lines of each output file."""

    manifest: list[Line] = field(default_factory=list)
    documents: list[Line] = field(default_factory=list)
    errors: list[Line] = field(default_factory=list)

    def count(self) -> int:
        """How many lines are damaged, in all."""
        return len(self.manifest) + len(self.documents) + len(self.errors)


def damaged_lines(path: Path, end: int, good: list[LineRange]) -> list[Line]:
    """The lines of ``path`` before byte ``end`` (the last one a manifest line names) that
    no intact range covers whole; lines after ``end`` were never committed and are not
    damage."""
    if not path.exists():
        return []
    ranges = sorted((r.start, r.end) for r in good if r.end > r.start)
    starts = [start for start, _ in ranges]
    found: list[Line] = []
    offset = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if offset >= end:
                break
            i = bisect.bisect_right(starts, offset) - 1
            if i < 0 or offset + len(line) > ranges[i][1]:
                found.append((number, line, "not recorded by an intact manifest line"))
            offset += len(line)
    return found


def quarantine(out_dir: Path, damage: Damage) -> list[str]:
    """Append the damaged lines to quarantine/<file> (durably); returns one warning per
    line (at most ``_MAX_WARNINGS`` per file, then a count)."""
    folder = out_dir / QUARANTINE
    folder.mkdir(exist_ok=True)
    warnings: list[str] = []
    for name, lines in (("manifest.jsonl", damage.manifest),
                        ("documents.jsonl", damage.documents),
                        ("errors.jsonl", damage.errors)):
        if not lines:
            continue
        with (folder / name).open("ab") as handle:
            for _, line, _ in lines:
                handle.write(line if line.endswith(b"\n") else line + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        for number, _, reason in lines[:_MAX_WARNINGS]:
            warnings.append(f"{out_dir / name} line {number}: {reason}; moved to "
                            f"{folder / name}")
        if len(lines) > _MAX_WARNINGS:
            warnings.append(f"{out_dir / name}: {len(lines) - _MAX_WARNINGS} more damaged "
                            f"lines moved to {folder / name}")
    return warnings
