"""The work of one task, run inside a worker: files in, EvidenceDocument lines or errors out.

Both engines call ``process_chunk`` in their worker processes; the pipeline is loaded once
per process (``pipeline``) and a chunk's documents go through spaCy's ``nlp.pipe`` together.
Nothing here writes to OUT_DIR: the parent is the single writer.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from extractor.batch.inputs import InputFile
from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.pipeline import Pipeline

Stage = str  # "parse", "extract", "timeout" or "worker"


@dataclass
class FileResult:
    """What became of one input: its EvidenceDocument JSON lines, or one error record."""

    file: str
    sha256: str
    documents: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    words: int = 0


@dataclass
class ChunkResult:
    """The results of one task, and the worker's pid and peak memory (for the summary)."""

    results: list[FileResult]
    pid: int | None = None
    peak_rss_mb: float | None = None


def error_result(f: InputFile, stage: Stage, code: str, reason: str) -> FileResult:
    """An error record: which file, at which stage, a short code and a one-line reason."""
    return FileResult(f.rel, f.sha256, error={"file": f.rel, "sha256": f.sha256,
                                              "stage": stage, "code": code, "reason": reason})


_PIPELINES: dict[bool, Pipeline] = {}


def pipeline(ner: bool = True) -> Pipeline:
    """This process's pipeline (with or without the NER model), loaded on first use and
    kept for every later task."""
    if ner not in _PIPELINES:
        _PIPELINES[ner] = Pipeline(ner=ner)
    return _PIPELINES[ner]


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS, where this overstates by 1024x)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parse(f: InputFile) -> tuple[list[Document], FileResult | None]:
    from extractor.parsers import parse_all

    try:
        return parse_all(f.path), None
    except ExtractorError as err:
        return [], error_result(f, "parse", err.code, err.reason)
    except Exception as err:  # a parser bug must not stop the batch: record it for the file
        return [], error_result(f, "parse", "internal", f"{type(err).__name__}: {err}")


# spaCy batches up to this many characters (and 16 documents) together: short texts gain
# from batching, while several long articles in one batch would multiply peak memory.
BATCH_CHARS = 100_000


def _spacy_batches(docs: list[Document]) -> Iterator[list[Document]]:
    batch: list[Document] = []
    chars = 0
    for doc in docs:
        if batch and (chars + len(doc.text) > BATCH_CHARS or len(batch) == 16):
            yield batch
            batch, chars = [], 0
        batch.append(doc)
        chars += len(doc.text)
    if batch:
        yield batch


def _extract(parsed: list[tuple[InputFile, list[Document]]],
             ner: bool) -> dict[str, list[str]]:
    """EvidenceDocument lines per file; raises if the pipeline fails on any document."""
    docs = [d for _, ds in parsed for d in ds]
    lines = iter([ev.model_dump_json() for batch in _spacy_batches(docs)
                  for ev in pipeline(ner).pipe(batch, batch_size=len(batch))])
    return {f.rel: [next(lines) for _ in ds] for f, ds in parsed}


def process_chunk(files: list[InputFile], ner: bool = True) -> ChunkResult:
    """Parse and extract ``files`` (spaCy batches across them; ``ner``: with the NER model);
    never raises for a bad file.

    When extraction fails on the chunk, each file is retried alone so that only the file
    that fails becomes an error record.
    """
    results: dict[str, FileResult] = {}
    parsed: list[tuple[InputFile, list[Document]]] = []
    for f in files:
        docs, error = _parse(f)
        if error is not None:
            results[f.rel] = error
        else:
            parsed.append((f, docs))
    try:
        extracted = _extract(parsed, ner)
    except Exception:
        extracted = {}
        for one in parsed:
            try:
                extracted.update(_extract([one], ner))
            except Exception as err:
                results[one[0].rel] = error_result(one[0], "extract", "internal",
                                                   f"{type(err).__name__}: {err}")
    for f, docs in parsed:
        if f.rel in extracted:
            # the hash of what was parsed: if the file changed since the walk, this is it
            sha = docs[0].source.sha256 if docs else f.sha256
            results[f.rel] = FileResult(f.rel, sha, extracted[f.rel],
                                        words=sum(len(d.text.split()) for d in docs))
    return ChunkResult([results[f.rel] for f in files], os.getpid(), _peak_rss_mb())


# Invented; runs once per worker so that the first batch's one-time costs are paid before
# any file's timeout starts.
_WARM_UP = b"A 40-year-old man took aspirin 100 mg daily for 2 weeks and developed nausea."


def load_pipeline(ner: bool = True) -> int:
    """Load and warm up the pipeline now (engines call it on each worker before timing
    tasks): components with a ``warm`` method (the linker's fuzzy index) load what they
    would otherwise load on first need, when it is on disk already (``warm(build=False)``:
    an index not built yet is built by the first document that needs it, under a lock, so
    a run that needs none does not wait a minute for it). Returns the worker's pid."""
    from extractor.parsers import parse_bytes

    nlp = pipeline(ner).nlp
    for _, component in nlp.pipeline:
        warm = getattr(component, "warm", None)
        if callable(warm):
            warm(build=False)
    pipeline(ner).extract(parse_bytes(_WARM_UP, "warm-up.txt", "text")[0])
    return os.getpid()


def plan_chunks(files: list[InputFile], workers: int, max_files: int = 16,
                max_bytes: int = 1 << 20) -> list[list[InputFile]]:
    """Group small files into tasks (spaCy batches across them) while keeping at least about
    four tasks per worker so that the workers share the load; a big file is a task alone.
    """
    per_task = max(1, min(max_files, -(-len(files) // max(1, 4 * workers))))
    chunks: list[list[InputFile]] = []
    current: list[InputFile] = []
    size = 0
    for f in files:
        if current and (len(current) >= per_task or size + f.size > max_bytes):
            chunks.append(current)
            current, size = [], 0
        current.append(f)
        size += f.size
    if current:
        chunks.append(current)
    return chunks
