"""Which gold format a file or folder holds, and one entry point that reads any of them.

Formats: ``brat`` (a folder of ``.ann``/``.txt`` pairs or one ``.ann``), ``bioc`` (BioC XML
or JSON), ``pubtator`` (``PMID|t|`` / ``PMID|a|`` lines), ``ade`` (ADE-Corpus-V2 folder or
one of its ``.rel`` files), ``phee`` (PHEE JSON lines), ``json`` (the toolkit's
EvidenceDocument JSONL or a folder of Document JSON). Readers of other modules are imported
inside the dispatch so that a missing optional reader only fails when it is asked for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from extractor.errors import ExtractorError
from extractor.formats.brat import TEXTS_INDEX
from extractor.formats.checks import OnProblem
from extractor.formats.gold import GoldDocument

FORMATS = ("brat", "bioc", "pubtator", "ade", "phee", "json")
_PUBTATOR_LINE = re.compile(r"^[^|\s]+\|[ta]\|", re.MULTILINE)
_HEAD_CHARS = 65536


def _head(path: Path) -> str:
    """The start of a file, enough to recognise its format."""
    try:
        with path.open("rb") as handle:
            return handle.read(_HEAD_CHARS).decode("utf-8", errors="replace")
    except OSError as err:
        raise ExtractorError(f"cannot read: {err}", path=str(path), code="not_found") from err


def _json_kind(head: str) -> str | None:
    """bioc / phee / json for the first JSON value of ``head`` (None when not recognised)."""
    stripped = head.lstrip()
    if not stripped.startswith("{"):
        return None
    if re.match(r'\{\s*"(source|date|key|infons|documents)"', stripped) and \
            '"documents"' in stripped:
        return "bioc"
    first = stripped.splitlines()[0]
    try:
        obj = json.loads(first)
    except ValueError:
        obj = None
    if isinstance(obj, dict):
        if "context" in obj and "annotations" in obj:
            return "phee"
        if "documents" in obj:
            return "bioc"
        if "text" in obj and "id" in obj:
            return "json"
        return None
    # A pretty-printed object: judge by its keys.
    if '"passages"' in stripped or '"documents"' in stripped:
        return "bioc"
    if '"context"' in stripped and '"annotations"' in stripped:
        return "phee"
    if '"text"' in stripped and '"id"' in stripped:
        return "json"
    return None


def detect_gold_format(path: str | Path) -> str:
    """The gold format of ``path`` (one of :data:`FORMATS`); ExtractorError when unknown."""
    path = Path(path)
    if not path.exists():
        raise ExtractorError("no such file or folder", path=str(path), code="not_found")
    if path.is_dir():
        if (path / "DRUG-AE.rel").exists():
            return "ade"
        if any(path.glob("*.ann")):
            return "brat"
        jsons = sorted(path.glob("*.json"))
        if jsons:
            return _json_kind(_head(jsons[0])) or "json"
        raise ExtractorError("folder holds no .ann, .json or ADE-Corpus-V2 files",
                             path=str(path), code="unsupported")
    suffix = path.suffix.lower()
    if suffix == ".ann":
        return "brat"
    if suffix == ".rel":
        return "ade"
    head = _head(path)
    if head.lstrip().startswith("<"):
        if "<collection" in head:
            return "bioc"
        raise ExtractorError("XML without a BioC <collection> root", path=str(path),
                             code="unsupported")
    kind = _json_kind(head)
    if kind:
        return kind
    if _PUBTATOR_LINE.search(head):
        return "pubtator"
    raise ExtractorError("unrecognised gold format (give --format)", path=str(path),
                         code="unsupported")


def _read_mixed(folder: Path, on_skip: Callable[[str], None] | None,
                on_problem: OnProblem | None) -> list[GoldDocument]:
    """A folder whose files may each be in another format: each file read in its own (a
    brat ``.txt`` goes with its ``.ann``); a file in no gold format is skipped and
    ``on_skip`` told which and why."""
    docs: list[GoldDocument] = []
    for child in sorted(folder.iterdir()):
        if child.is_dir() or child.name.startswith("."):
            continue
        if child.suffix.lower() == ".txt" and child.with_suffix(".ann").exists():
            continue  # the text of a brat pair
        if child.name == TEXTS_INDEX:
            continue  # where the brat pairs' texts are
        try:
            kind = detect_gold_format(child)
        except ExtractorError as err:
            if on_skip is not None:
                on_skip(f"{child}: skipped ({err.reason})")
            continue
        docs.extend(read_any(child, kind, on_problem=on_problem))
    return docs


def read_any(path: str | Path, fmt: str | None = None,
             on_skip: Callable[[str], None] | None = None,
             on_problem: OnProblem | None = None) -> list[GoldDocument]:
    """Gold documents from ``path`` in ``fmt`` (detected when None; in a folder, file by
    file, so that brat, BioC, PubTator and toolkit JSON may sit side by side; ``on_skip``
    is told of each file that is in no gold format).

    ADE and PHEE come with their default label maps applied (toolkit labels); the other
    formats keep the labels they carry. Malformed annotations (brat, BioC, PubTator,
    toolkit JSON) raise ExtractorError, or with ``on_problem`` are told to it one by one and
    scored as written or skipped (:func:`~extractor.formats.checks.check_documents`).
    """
    path = Path(path)
    if fmt is None and path.is_dir() and not (path / "DRUG-AE.rel").exists():
        docs = _read_mixed(path, on_skip, on_problem)
        if not docs:
            raise ExtractorError("folder holds no gold annotations in a known format",
                                 path=str(path), code="unsupported")
        return docs
    fmt = fmt or detect_gold_format(path)
    if fmt == "brat":
        from extractor.formats.brat import read_brat, read_brat_dir

        return read_brat_dir(path, on_problem=on_problem) if path.is_dir() \
            else [read_brat(path, on_problem=on_problem)]
    if fmt == "bioc":
        from extractor.formats.bioc_format import read_bioc  # type: ignore[import-not-found,unused-ignore]

        return list(read_bioc(path, on_problem=on_problem))
    if fmt == "pubtator":
        from extractor.formats.pubtator import read_pubtator  # type: ignore[import-not-found,unused-ignore]

        return list(read_pubtator(path, on_problem=on_problem))
    if fmt == "ade":
        from extractor.formats.ade import read_ade

        return read_ade(path if path.is_dir() else path.parent)
    if fmt == "phee":
        from extractor.formats.phee import read_phee

        return read_phee(path)
    if fmt == "json":
        from extractor.formats.toolkit_json import read_toolkit_json

        return read_toolkit_json(path, on_problem)
    raise ExtractorError(f"unknown gold format {fmt!r} (one of {', '.join(FORMATS)})",
                         path=str(path), code="unsupported")
