"""Batch processing: a folder of articles to JSONL, CSV, Parquet and DuckDB, resumable.

``run_batch`` (in ``runner``) is the entry point; ``inputs`` finds the files, ``version``
names the pipeline, ``log`` keeps the crash-safe append-only outputs and their manifest,
``work`` turns files into result lines (in a worker), ``local`` and ``dask_engine`` run the
work, ``sinks`` rebuilds the derived outputs (CSV, Parquet, DuckDB, summary).
"""
