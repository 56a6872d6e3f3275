"""`extractor batch`: outputs, local vs dask, reruns, changed files, bad files, query/table.

One local run over a small corpus is shared by most tests (the pipeline takes seconds to
load in each worker process).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from extractor.cli import main
from tests.batch_helpers import (
    CASE,
    assert_each_once,
    batch,
    copy_example,
    documents_by_file,
    jsonl,
    write_bad,
    write_good,
    write_same_article,
)

OUTPUTS = ("documents.jsonl", "errors.jsonl", "records.csv", "mentions.parquet",
           "records.parquet")


def cli(*args: str) -> Result:
    """``extractor ARGS`` in this process (batch runs use a subprocess: they spawn workers)."""
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, str]]:
    in_dir = tmp_path_factory.mktemp("in")
    good = write_good(in_dir, 4) + [copy_example(in_dir, "jak_methotrexate_alopecia.xml")]
    good += write_same_article(in_dir)
    bad = write_bad(in_dir)
    (in_dir / "notes.md").write_text("not an article extension\n", encoding="utf-8")
    (in_dir / ".hidden.txt").write_text(CASE.format(age=50, weeks=2), encoding="utf-8")
    return in_dir, good, bad


@pytest.fixture(scope="module")
def local_out(corpus: tuple[Path, list[str], dict[str, str]],
              tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "local"
    batch(corpus[0], out, "--workers", "2")
    return out


def test_every_input_once_and_bad_files_isolated(
        corpus: tuple[Path, list[str], dict[str, str]], local_out: Path) -> None:
    in_dir, good, bad = corpus
    assert_each_once(local_out, good + list(bad))
    docs = documents_by_file(local_out)
    # sorted by input path, whatever order the workers finished in
    assert list(docs) == sorted(good)
    assert all(d["mentions"] and d["source"]["path"] == str(in_dir / f)
               for f, d in docs.items())
    errors = {e["file"]: e for e in jsonl(local_out / "errors.jsonl")}
    assert {f: e["code"] for f, e in errors.items()} == bad
    assert all(e["stage"] == "parse" and e["reason"] for e in errors.values())


def test_summary_counts(corpus: tuple[Path, list[str], dict[str, str]],
                        local_out: Path) -> None:
    summary = json.loads((local_out / "summary.json").read_text())
    assert summary["files"] == {"total": 10, "processed": 10, "skipped": 0, "done": 7,
                                "error": 3}
    assert summary["documents"] == 7 and summary["errors"] == 3
    assert sum(summary["mentions_per_label"].values()) == summary["mentions"]
    assert summary["mentions_per_label"]["DRUG"] > 0
    assert summary["run"]["peak_rss_mb_per_worker"] > 0


def test_two_files_with_one_document_id_are_both_kept(local_out: Path) -> None:
    """Ids come from the article's DOI, so two files of one article share an id: every
    output is keyed by input file, and the report gives each its own page."""
    import duckdb

    twins = {f: d for f, d in documents_by_file(local_out).items()
             if f.endswith("article.html")}
    assert sorted(twins) == ["article.html", "mirror/article.html"]
    assert {d["id"] for d in twins.values()} == {"10.5555_invented.twin_1"}
    con = duckdb.connect(str(local_out / "evidence.duckdb"), read_only=True)
    try:
        for table in ("documents", "mentions", "records"):
            files = con.execute(f"SELECT DISTINCT file FROM {table} WHERE document = "
                                "'10.5555_invented.twin_1' ORDER BY file").fetchall()
            assert [f for (f,) in files] == sorted(twins), table
    finally:
        con.close()
    pages = list((local_out / "report" / "docs").glob("10.5555_invented.twin_1*.html"))
    assert len(pages) == 2


def test_database_and_parquet_match_jsonl(local_out: Path) -> None:
    import duckdb
    import pyarrow.parquet as pq

    docs = jsonl(local_out / "documents.jsonl")
    n_mentions = sum(len(d["mentions"]) for d in docs)
    n_relations = sum(len(d["relations"]) for d in docs)
    n_records = sum(len(d["records"]) for d in docs)
    def n_items(field: str, study: bool) -> int:
        return sum(len(r[field]) for d in docs for r in d["records"]
                   if (r["level"] == "study") == study)
    assert pq.read_table(local_out / "mentions.parquet").num_rows == n_mentions
    assert pq.read_table(local_out / "records.parquet").num_rows == n_records
    con = duckdb.connect(str(local_out / "evidence.duckdb"), read_only=True)
    try:
        def count(name: str) -> int:
            return int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # type: ignore[index]

        assert count("documents") == len(docs)
        assert count("mentions") == n_mentions
        assert count("relations") == n_relations
        assert count("records") == n_records
        assert count("evidence_table") == n_records
        # the study level counts each fact once; the arm/patient views hold the table rows
        for field in ("interventions", "adverse_events"):
            assert count(field) == n_items(field, study=True)
            assert count(f"arm_patient_{field}") == n_items(field, study=False)
        assert count("errors") == 3
        assert count("evidence_rows") == n_records
    finally:
        con.close()
    # records.csv: a header and one row per record
    lines = (local_out / "records.csv").read_text().splitlines()
    assert lines[0].startswith("document,record,level") and len(lines) == n_records + 1


def test_query_and_table_read_the_database(local_out: Path) -> None:
    result = cli("query", "SELECT label, count(*) AS n FROM mentions GROUP BY label "
                 "ORDER BY label", "--db", str(local_out), "--format", "json")
    assert result.exit_code == 0, result.output
    counts = {row["label"]: row["n"] for row in json.loads(result.stdout)}
    summary = json.loads((local_out / "summary.json").read_text())
    assert counts == {k: v for k, v in summary["mentions_per_label"].items() if v}

    table = cli("table", str(local_out))
    assert table.exit_code == 0, table.output
    assert table.stdout == (local_out / "records.csv").read_text()
    jsonl_table = cli("table", str(local_out / "documents.jsonl"), "--provenance")
    db_table = cli("table", str(local_out / "evidence.duckdb"), "--provenance")
    assert db_table.stdout == jsonl_table.stdout

    missing = cli("table", str(local_out.parent))
    assert missing.exit_code == 1 and "no evidence.duckdb" in missing.stderr

    bad = cli("query", "SELECT nope FROM mentions", "--db", str(local_out))
    assert bad.exit_code == 1 and bad.stderr.startswith("error: query:")
    assert "Traceback" not in bad.output


def test_rerun_processes_nothing(corpus: tuple[Path, list[str], dict[str, str]],
                                 local_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(local_out, out)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    batch(corpus[0], out, "--workers", "1")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["files"]["processed"] == 0 and summary["files"]["skipped"] == 10
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before


def test_dask_gives_identical_outputs(corpus: tuple[Path, list[str], dict[str, str]],
                                      local_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "dask"
    batch(corpus[0], out, "--engine", "dask", "--workers", "1")
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (local_out / name).read_bytes(), name


def test_outputs_built_in_small_batches_are_the_same(local_out: Path, tmp_path: Path) -> None:
    import duckdb
    import pyarrow.parquet as pq

    from extractor.batch.log import BatchLog
    from extractor.batch.sinks import build_outputs

    out = tmp_path / "out"
    shutil.copytree(local_out, out)
    log = BatchLog(out)
    built = build_outputs(out, log, log.recover(), batch_size=2)  # 7 documents: 4 batches
    assert built["rows"]["documents"] == 7 and built["rows"]["errors"] == 3
    assert (out / "records.csv").read_bytes() == (local_out / "records.csv").read_bytes()
    for name in ("mentions.parquet", "records.parquet"):
        assert pq.read_table(out / name).equals(pq.read_table(local_out / name))
    sql = "SELECT * FROM evidence_rows"
    with duckdb.connect(str(out / "evidence.duckdb"), read_only=True) as a, \
            duckdb.connect(str(local_out / "evidence.duckdb"), read_only=True) as b:
        assert a.execute(sql).fetchall() == b.execute(sql).fetchall()


def test_batch_writes_the_review_report(corpus: tuple[Path, list[str], dict[str, str]],
                                        local_out: Path) -> None:
    index = local_out / "report" / "index.html"
    html = index.read_text(encoding="utf-8")
    pages = sorted((local_out / "report" / "docs").glob("*.html"))
    assert len(pages) == len(jsonl(local_out / "documents.jsonl")) == len(corpus[1])
    for page in pages:  # the index links every document page
        assert f'href="docs/{page.name}"' in html
    for name in corpus[2]:  # and lists every failed file
        assert name in html
