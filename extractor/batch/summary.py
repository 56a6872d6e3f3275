"""The summary of a batch run as a typed model: what ``run_batch`` returns, the CLI prints
and OUT_DIR/summary.json holds (``model_dump()``, the layout it has always had)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileCounts(_Model):
    """Input files: found, processed by this run, skipped as done, and their states."""

    total: int
    processed: int
    skipped: int  # done by an earlier run with the same pipeline version
    done: int
    error: int


class RunStats(_Model):
    """Time and speed of this run (rates over the time after the workers loaded)."""

    documents: int
    words: int
    seconds: float
    startup_seconds: float  # until the workers had loaded the pipeline
    processing_seconds: float
    documents_per_second: float
    words_per_second: float
    peak_rss_mb_per_worker: float | None  # None: no worker reported it


class BatchSummary(_Model):
    """One run: its settings, the files, the row count of each output table, the run."""

    in_dir: str
    engine: str
    workers: int
    pipeline_version: str
    files: FileCounts
    documents: int
    mentions: int
    mentions_per_label: dict[str, int]
    relations: int
    records: int
    errors: int
    quarantined_lines: int
    run: RunStats
