"""`extractor batch` under failure: kill -9 of the whole run, then resume; a worker that
dies on a file; a file that runs past the timeout."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batch_helpers import CASE, SLOW, assert_each_once, batch, documents_by_file, jsonl


def _manifest_lines(out: Path) -> int:
    path = out / "manifest.jsonl"
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _wait_for(condition, what: str, limit: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_kill_9_then_resume(tmp_path: Path) -> None:
    in_dir, out = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    names = [f"case{i:02d}.txt" for i in range(12)]
    for i, name in enumerate(names):  # a fraction of a second of work each
        (in_dir / name).write_text(CASE.format(age=20 + i, weeks=i + 1) * 10, encoding="utf-8")
    cmd = [sys.executable, "-m", "extractor.cli", "batch", str(in_dir), "-o", str(out),
           "--quiet", "--workers", "1"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: _manifest_lines(out) > 0 or proc.poll() is not None,
                  "the first committed files")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, mid-run
        proc.wait()
    committed = [json.loads(line)["file"] for line in (out / "manifest.jsonl").open("rb")]
    assert 1 < len(committed) < len(names), "the run was not interrupted mid-way"
    assert not (out / "summary.json").exists()
    # the kill may also land in the middle of a write: add a torn line as such a kill leaves
    with (out / "documents.jsonl").open("ab") as handle:
        handle.write(b'{"id": "case99", "source": {"pa')
    # meanwhile a finished file changes, another is removed and a new one arrives
    changed, removed = committed[0], committed[-1]
    (in_dir / changed).write_text(CASE.format(age=71, weeks=9), encoding="utf-8")
    (in_dir / removed).unlink()
    (in_dir / "new.txt").write_text(CASE.format(age=44, weeks=3), encoding="utf-8")

    batch(in_dir, out, "--workers", "1")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["files"]["processed"] == len(names) - len(committed) + 2
    names = sorted([n for n in names if n != removed] + ["new.txt"])
    assert_each_once(out, names)
    assert "71-year-old" in documents_by_file(out)[changed]["text"]

    batch(in_dir, out, "--workers", "1")  # a rerun adds nothing
    assert json.loads((out / "summary.json").read_text())["files"]["processed"] == 0
    assert_each_once(out, names)


def test_dead_worker_and_timeout_are_errors(tmp_path: Path) -> None:
    import psutil

    in_dir, out = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    (in_dir / "a.txt").write_text(CASE.format(age=33, weeks=5), encoding="utf-8")
    for name in ("b_slow.txt", "c_slow.txt"):  # each takes the pipeline well over 3 s
        (in_dir / name).write_text(SLOW * 8000, encoding="utf-8")
    # two workers: a.txt and b_slow.txt first, then c_slow.txt goes to a.txt's worker
    cmd = [sys.executable, "-m", "extractor.cli", "batch", str(in_dir), "-o", str(out),
           "--quiet", "--workers", "2", "--timeout", "3"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _manifest_lines(out) > 0 or proc.poll() is not None, "a.txt")
        time.sleep(0.3)  # c_slow.txt is handed out just after a.txt is committed
        # both workers now hold a slow file: kill one as the OOM killer would; the other
        # runs past the timeout
        workers = [p for p in psutil.Process(proc.pid).children(recursive=True)
                   if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2
        workers[0].kill()
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, stderr
    errors = {e["stage"]: e for e in jsonl(out / "errors.jsonl")}
    assert sorted(errors) == ["timeout", "worker"]
    assert {e["file"] for e in errors.values()} == {"b_slow.txt", "c_slow.txt"}
    assert "died" in errors["worker"]["reason"] and "3 s" in errors["timeout"]["reason"]
    assert list(documents_by_file(out)) == ["a.txt"]
    assert_each_once(out, ["a.txt", "b_slow.txt", "c_slow.txt"])


@pytest.mark.parametrize("n_files, size, where", [
    (12, "64k", ""),  # the JSONL outputs fill the disk
    (2, "200k", "evidence.duckdb.tmp: cannot write the database"),  # the database does
])
def test_full_disk_mid_run_is_one_line_then_resumes(tmp_path: Path, n_files: int, size: str,
                                                    where: str) -> None:
    """A real full disk (a small tmpfs as OUT_DIR; root only): the batch stops with one
    line and exit 1, and once there is room a rerun finishes with every input once."""
    in_dir, out = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    out.mkdir()
    names = [f"case{i:02d}.txt" for i in range(n_files)]
    for i, name in enumerate(names):  # about 10 KB of documents.jsonl each
        (in_dir / name).write_text(CASE.format(age=20 + i, weeks=i + 1), encoding="utf-8")
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(out)],
            capture_output=True).returncode:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        full = batch(in_dir, out, "--workers", "1", "--no-report", check=False)
        assert full.returncode == 1 and "Traceback" not in full.stderr
        lines = full.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {out}/{where}")
        assert lines[0].endswith(("No space left on device", "No space left on device)"))
        subprocess.run(["mount", "-o", "remount,size=16m", str(out)], check=True)
        batch(in_dir, out, "--workers", "1", "--no-report")
        assert_each_once(out, names)
    finally:
        subprocess.run(["umount", str(out)], check=True)
