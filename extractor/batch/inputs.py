"""The input files of a batch: walk IN_DIR, sorted relative paths, content hashes."""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path

# The extensions the parsers know (pipeline._PATH_LIKE names the same set).
ARTICLE_EXTENSIONS = (".xml", ".nxml", ".html", ".htm", ".xhtml", ".pdf", ".txt", ".text")


@dataclass(frozen=True)
class InputFile:
    """One file to process: its path relative to IN_DIR (the key), its absolute path (which
    the Documents' ``source.path`` records), size and sha256."""

    rel: str
    path: str
    size: int
    sha256: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _selected(rel: str, glob: str | None) -> bool:
    if glob is None:
        return rel.lower().endswith(ARTICLE_EXTENSIONS)
    # "*.pdf" should match in subfolders too, as users expect of a find-like filter
    return fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(rel.rsplit("/", 1)[-1], glob)


def find_inputs(in_dir: str | Path, glob: str | None = None,
                exclude: str | Path | None = None) -> list[InputFile]:
    """Every regular file under ``in_dir`` (recursively, hidden files and folders skipped)
    with a known article extension, or matching ``glob``; sorted by relative path. Files
    under ``exclude`` (the batch's own OUT_DIR, when it lies inside IN_DIR) are left out.

    An unreadable file is still listed (size 0, empty hash) so that the worker reports it
    as an error record instead of the walk failing.
    """
    root = Path(in_dir).absolute()  # workers elsewhere (dask) do not share our cwd
    skip = Path(exclude).resolve() if exclude is not None else None
    found: list[InputFile] = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or not path.is_file():
            continue
        if skip is not None and path.resolve().is_relative_to(skip):
            continue
        if not _selected(rel, glob):
            continue
        try:
            found.append(InputFile(rel, str(path), path.stat().st_size, _sha256(path)))
        except OSError:
            found.append(InputFile(rel, str(path), 0, ""))
    return sorted(found, key=lambda f: f.rel)
