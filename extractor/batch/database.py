"""Reading a batch's evidence.duckdb: for ``extractor query`` and ``extractor table``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractor.batch.sinks import DATABASE
from extractor.errors import ExtractorError
from extractor.records.export import columns


def resolve_database(path: str | Path) -> Path:
    """``path`` itself (an .duckdb file) or OUT_DIR/evidence.duckdb; an ExtractorError
    naming the path when there is none."""
    p = Path(path)
    db = p / DATABASE if p.is_dir() else p
    if not db.is_file():
        raise ExtractorError("no evidence.duckdb here (run `extractor batch` first)",
                             path=str(path), code="not_found")
    return db


def query(path: str | Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``sql`` on the database, read-only; returns the column names and rows.

    A bad query is an ExtractorError with DuckDB's first line of explanation.
    """
    import duckdb

    db = resolve_database(path)
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as err:
        raise ExtractorError(f"cannot open the database ({err})", path=str(db),
                             code="corrupt") from err
    try:
        result = con.execute(sql)
        names = [d[0] for d in result.description or []]
        return names, result.fetchall()
    except duckdb.Error as err:
        raise ExtractorError(str(err).splitlines()[0], path="query", code="sql") from err
    finally:
        con.close()


def evidence_rows_from_database(path: str | Path, provenance: bool) -> list[dict[str, str]]:
    """The evidence table rows a batch stored (as ``evidence_rows`` gives them)."""
    header = columns(provenance)
    sql = "SELECT " + ", ".join(f'"{c}"' for c in header) + " FROM evidence_rows"
    _, rows = query(path, sql)
    return [dict(zip(header, row, strict=True)) for row in rows]
