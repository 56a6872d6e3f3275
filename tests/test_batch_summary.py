"""A batch run's summary is a typed model (extractor/batch/summary.py), and summary.json
holds exactly it."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.batch.runner import BatchOptions, run_batch
from extractor.batch.summary import BatchSummary


def test_the_summary_is_typed_and_is_what_summary_json_holds(tmp_path: Path) -> None:
    in_dir, out = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    (in_dir / "case.txt").write_text("Nausea after dupilumab 300 mg.\n", encoding="utf-8")
    (in_dir / "empty.txt").write_text("", encoding="utf-8")
    summary = run_batch(BatchOptions(in_dir=in_dir, out_dir=out, workers=1))
    assert isinstance(summary, BatchSummary)
    assert (summary.files.total, summary.files.done, summary.files.error) == (2, 1, 1)
    assert summary.documents == 1 and summary.errors == 1
    assert summary.mentions_per_label["DRUG"] >= 1
    assert summary.run.peak_rss_mb_per_worker is not None
    stored = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert stored == summary.model_dump()
    assert BatchSummary.model_validate(stored) == summary
