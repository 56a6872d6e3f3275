"""``run_batch``: one batch run from IN_DIR to OUT_DIR, resumable and incremental.

A file is done when the manifest has an entry for its path with the same sha256 and
pipeline version; only the other files are processed. At the end the outputs are compacted
to the current inputs (sorted by path: inputs removed from IN_DIR, or no longer selected
by ``glob``, leave the outputs) and the derived outputs are rebuilt.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.batch.inputs import InputFile, find_inputs
from extractor.batch.lock import FolderLock
from extractor.batch.log import BatchLog, Entry
from extractor.batch.sinks import build_outputs, write_summary
from extractor.batch.summary import BatchSummary, FileCounts, RunStats
from extractor.batch.version import pipeline_version
from extractor.batch.work import ChunkResult, plan_chunks


@dataclass
class BatchOptions:
    """What ``extractor batch`` was asked to do."""

    in_dir: Path
    out_dir: Path
    workers: int = 1
    engine: str = "local"  # or "dask"
    scheduler: str | None = None
    glob: str | None = None
    timeout: float = 300.0
    retry_errors: bool = False
    ner: bool = True  # run the NER model (False: --rules-only)


def default_workers() -> int:
    """The CPUs this process may run on (all of them where that cannot be asked)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# Called with (files done, files to do, documents so far): at the start, when the workers
# are ready (done 0 again), and after each committed task.
Progress = Callable[[int, int, int], None]


def _todo(files: list[InputFile], entries: list[Entry], version: str,
          retry_errors: bool) -> list[InputFile]:
    latest = {e.file: e for e in entries}  # later entries supersede earlier ones
    todo = []
    for f in files:
        e = latest.get(f.rel)
        if (e is None or e.sha256 != f.sha256 or e.version != version
                or (retry_errors and e.status == "error")):
            todo.append(f)
    return todo


def _engine(options: BatchOptions, chunks: list[list[InputFile]],
            on_ready: Callable[[], None]) -> Iterator[ChunkResult]:
    if options.engine == "dask":
        from extractor.batch.dask_engine import run_dask

        return run_dask(chunks, options.workers, options.timeout, options.scheduler, on_ready,
                        options.ner)
    from extractor.batch.local import run_local

    return run_local(chunks, options.workers, options.timeout, on_ready, options.ner)


def run_batch(options: BatchOptions, progress: Progress | None = None, *, lock: bool = True,
              warn: Callable[[str], None] | None = None) -> BatchSummary:
    """Process the new and changed files of IN_DIR into OUT_DIR; returns the run summary
    (also written to OUT_DIR/summary.json).

    With ``lock`` (the default) the run holds OUT_DIR's lock (``lock.FolderLock``) and raises
    ExtractorError (code ``locked``) when another batch holds it; pass False when the caller
    holds it already. ``warn`` is told of each damaged output line moved to quarantine/.
    """
    if lock:
        with FolderLock(options.out_dir):
            return run_batch(options, progress, lock=False, warn=warn)
    started = time.monotonic()
    log = BatchLog(options.out_dir)
    log.recover()
    for message in log.warnings:
        if warn is not None:
            warn(message)
    files = find_inputs(options.in_dir, options.glob, exclude=options.out_dir)
    version = pipeline_version(ner=options.ner)
    todo = _todo(files, log.entries, version, options.retry_errors)
    done = documents = words = 0
    peak: dict[int, float] = {}
    ready = [started]  # when the workers had loaded the pipeline

    def on_ready() -> None:
        ready[0] = time.monotonic()
        if progress:
            progress(0, len(todo), 0)

    if progress:
        progress(0, len(todo), 0)
    if todo:
        for chunk in _engine(options, plan_chunks(todo, options.workers), on_ready):
            log.commit(chunk.results, version)
            done += len(chunk.results)
            documents += sum(len(r.documents) for r in chunk.results)
            words += sum(r.words for r in chunk.results)
            if chunk.pid is not None and chunk.peak_rss_mb is not None:
                peak[chunk.pid] = max(peak.get(chunk.pid, 0.0), chunk.peak_rss_mb)
            if progress:
                progress(done, len(todo), documents)
    processing = time.monotonic() - ready[0]
    latest = {e.file: e for e in log.entries}
    keep = [latest[f.rel] for f in files if f.rel in latest]
    log.compact(keep)
    built = build_outputs(options.out_dir, log, log.entries)
    elapsed = time.monotonic() - started
    summary = BatchSummary(
        in_dir=str(options.in_dir), engine=options.engine, workers=options.workers,
        pipeline_version=version,
        files=FileCounts(total=len(files), processed=done, skipped=len(files) - len(todo),
                         done=sum(e.status == "done" for e in keep),
                         error=sum(e.status == "error" for e in keep)),
        documents=built["rows"]["documents"],
        mentions=built["rows"]["mentions"],
        mentions_per_label=built["mentions_per_label"],
        relations=built["rows"]["relations"],
        records=built["rows"]["records"],
        errors=built["rows"]["errors"],
        quarantined_lines=log.quarantined,
        run=RunStats(documents=documents, words=words, seconds=round(elapsed, 3),
                     startup_seconds=round(ready[0] - started, 3),
                     processing_seconds=round(processing, 3),
                     documents_per_second=round(documents / processing, 3) if processing else 0,
                     words_per_second=round(words / processing, 1) if processing else 0,
                     peak_rss_mb_per_worker=round(max(peak.values()), 1) if peak else None))
    write_summary(options.out_dir, summary.model_dump())
    return summary
