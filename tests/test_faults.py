"""The fault suite (issue 17): hostile arguments, damaged outputs, full and read-only disks,
Ctrl-C and concurrent batches. Each failure must be one line with the documented exit status
(0 ok, 1 bad input, 2 internal error, 130 interrupted) and no traceback; outputs must heal.

Real processes and real files throughout: a second batch is a second process, a full disk
is /dev/full, a read-only folder is a read-only mount (as root) or a folder without write
permission.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import extractor
from extractor.errors import ExtractorError
from tests.batch_helpers import CASE, SLOW, assert_each_once, jsonl

CLI = [sys.executable, "-m", "extractor.cli"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``extractor ARGS`` in a subprocess."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def one_line(proc: subprocess.CompletedProcess[str], code: int) -> str:
    """The single stderr line of a command that failed with exit status ``code``."""
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nothing can be written to: a read-only tmpfs for root (who ignores file
    modes), a folder without write permission for anyone else."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# ---- the Python API: bad input of any kind is an ExtractorError with a code --------------


@pytest.mark.parametrize("make, code", [
    (lambda d: str(d), "is_directory"),
    (lambda d: str(d / "loop"), "not_found"),
    (lambda d: str(d / ("x" * 300 + ".txt")), "bad_argument"),
    (lambda d: "\ud800.txt", "bad_argument"),
    (lambda d: 42, "bad_argument"),
    (lambda d: None, "bad_argument"),
])
def test_parse_refuses_bad_paths(tmp_path: Path, make: Callable[[Path], Any],
                                 code: str) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop")
    with pytest.raises(ExtractorError) as caught:
        extractor.parse(make(tmp_path))
    assert caught.value.code == code
    assert "\n" not in str(caught.value)


def test_extract_refuses_hostile_arguments(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    cases = {str(tmp_path): "is_directory",  # not read as the article text "/tmp/..."
             str(tmp_path / "loop"): "not_found",
             "Nausea after aspirin \ud800 100 mg.": "bad_argument",
             "y" * 300 + ".txt": "bad_argument",
             b"bytes": "bad_argument"}
    for arg, code in cases.items():
        with pytest.raises(ExtractorError) as caught:
            extractor.extract(arg)  # type: ignore[arg-type]
        assert caught.value.code == code, arg


def test_mostly_utf8_file_stays_utf8(tmp_path: Path) -> None:
    from extractor.parsers.source import decode_report

    good = "Fièvre à 39 °C après méthotrexate; élévation des transaminases, réglée.\n" * 3
    data = good.encode().replace("réglée".encode(), b"r\xe9gl\xe9e", 1)  # two Latin-1 bytes
    text, encoding, warnings = decode_report(data)
    assert encoding == "utf-8"
    assert "méthotrexate" in text and "r\ufffdgl\ufffde" in text
    assert warnings == ["2 invalid UTF-8 byte sequence(s) replaced by U+FFFD; the rest is UTF-8"]
    # text that is really cp1252 is still read as cp1252
    assert decode_report("Café naïve résumé".encode("cp1252"))[:2] == ("Café naïve résumé",
                                                                       "cp1252")


# ---- the command line: one line, the documented exit status -------------------------------


def test_parse_write_errors(tmp_path: Path, readonly_dir: Path) -> None:
    src = tmp_path / "case.txt"
    src.write_text(CASE.format(age=50, weeks=3), encoding="utf-8")
    line = one_line(run("parse", str(src), "-o", "/dev/full"), 1)
    assert line == "error: /dev/full: No space left on device"
    line = one_line(run("parse", str(src), "-o", str(readonly_dir / "doc.json")), 1)
    assert line.startswith(f"error: {readonly_dir / 'doc.json'}: ")
    assert line.endswith(("Read-only file system", "Permission denied"))


def test_newline_in_a_file_name_stays_on_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "two\nlines.txt"
    bad.write_bytes(b"")
    line = one_line(run("parse", str(bad)), 1)
    assert line == f"error: {tmp_path}/two\\nlines.txt: file is empty"


def test_extract_max_seconds_and_full_disk(tmp_path: Path) -> None:
    long_line = tmp_path / "long.txt"  # one line of about 400,000 characters
    long_line.write_text(SLOW.replace("\n", " ") * 3000, encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text(CASE.format(age=33, weeks=2), encoding="utf-8")
    started = time.monotonic()
    proc = run("extract", str(long_line), str(short), "--max-seconds", "1", "-o", "/dev/full")
    assert time.monotonic() - started < 60
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: {long_line}: no result after 1 s (--max-seconds)",
        "error: /dev/full: No space left on device"]


def test_report_into_a_read_only_folder(tmp_path: Path, readonly_dir: Path) -> None:
    evidence = tmp_path / "ev.jsonl"
    evidence.write_text(extractor.extract(CASE.format(age=41, weeks=5)).model_dump_json() + "\n",
                        encoding="utf-8")
    line = one_line(run("report", str(evidence), "-o", str(readonly_dir / "report")), 1)
    assert line.startswith(f"error: {readonly_dir / 'report'}")


# ---- batch: one per folder, Ctrl-C, outputs that heal --------------------------------------


def _inputs(folder: Path, n: int) -> list[str]:
    folder.mkdir()
    names = [f"case{i}.txt" for i in range(n)]
    for i, name in enumerate(names):
        (folder / name).write_text(CASE.format(age=20 + i, weeks=i + 1), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return [*names, "empty.txt"]


_HOLD = ("import sys, time\nfrom extractor.batch.lock import FolderLock\n"
         "FolderLock(sys.argv[1]).acquire()\nprint('held', flush=True)\ntime.sleep(600)\n")


def _holder(out: Path) -> subprocess.Popen[str]:
    """Another process holding OUT's batch lock (until killed)."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(out)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def _lock_pid(out: Path) -> int | None:
    """The pid batch.lock names (None while its new owner is writing it)."""
    try:
        return int(json.loads((out / "batch.lock").read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


def test_one_batch_per_folder_then_outputs_heal(tmp_path: Path) -> None:
    in_dir, out = tmp_path / "in", tmp_path / "out"
    inputs = _inputs(in_dir, 4)
    holder = _holder(out)
    try:
        # a second batch stops at once, naming the holder
        started = time.monotonic()
        line = one_line(run("batch", str(in_dir), "-o", str(out), "--quiet"), 1)
        assert time.monotonic() - started < 10
        assert f"another batch is writing to this folder (pid {holder.pid} on " in line
        assert line.startswith(f"error: {out}: ") and line.endswith("rerun with --wait")
        # --wait waits; the holder dies (kill -9) and its lock is taken over
        waiting = subprocess.Popen([*CLI, "batch", str(in_dir), "-o", str(out), "--quiet",
                                    "--wait", "--workers", "1", "--no-report"],
                                   stderr=subprocess.PIPE, text=True)
        assert waiting.stderr is not None
        assert waiting.stderr.readline().startswith(f"waiting for the batch of pid {holder.pid}")
    finally:
        holder.kill()
        holder.wait()
    # the waiting batch takes the dead holder's lock; a batch started now stops, naming it
    deadline = time.monotonic() + 30
    while _lock_pid(out) != waiting.pid:
        assert time.monotonic() < deadline, "the waiting batch did not take the lock"
        time.sleep(0.05)
    line = one_line(run("batch", str(in_dir), "-o", str(out), "--quiet"), 1)
    assert waiting.poll() is None, "the first batch ended before the second one started"
    assert f"(pid {waiting.pid} on " in line
    assert waiting.wait(timeout=120) == 0, waiting.stderr.read()
    assert_each_once(out, inputs)
    before = (out / "documents.jsonl").read_bytes()

    # damage every output: a garbage line and a changed byte in documents.jsonl, a changed
    # byte in errors.jsonl, a manifest line with unknown keys, a garbage database
    docs = before.splitlines(keepends=True)
    docs[1] = docs[1].replace(b'"case1', b'"caseX', 1)
    docs.insert(3, b"garbage\n")
    (out / "documents.jsonl").write_bytes(b"".join(docs))
    errors = out / "errors.jsonl"
    errors.write_bytes(errors.read_bytes().replace(b'"empty"', b'"emptY"'))
    manifest = (out / "manifest.jsonl").read_bytes().splitlines(keepends=True)
    manifest[0] = manifest[0].replace(b'{"file"', b'{"unknown": true, "file"')
    (out / "manifest.jsonl").write_bytes(b"".join(manifest))
    (out / "evidence.duckdb").write_bytes(b"not a database")

    proc = run("batch", str(in_dir), "-o", str(out), "--quiet", "--workers", "1",
               "--no-report")
    assert proc.returncode == 0, proc.stderr
    warnings = proc.stderr.splitlines()
    assert warnings and all(w.startswith("warning: ") for w in warnings)
    assert f"warning: {out}/documents.jsonl line 4: not recorded by an intact manifest " \
           f"line; moved to {out}/quarantine/documents.jsonl" in warnings
    assert any(w.startswith(f"warning: {out}/manifest.jsonl line 1: not a manifest record "
                            "(unknown keys ['unknown'])") for w in warnings)
    assert any("its input empty.txt is redone" in w for w in warnings)
    assert b"garbage\n" in (out / "quarantine" / "documents.jsonl").read_bytes()
    summary = json.loads((out / "summary.json").read_text())
    # case0 (its manifest line), case1 (a byte), case3 (the garbage line shifted it), empty.txt
    assert summary["files"]["processed"] == 4
    assert (out / "documents.jsonl").read_bytes() == before
    assert_each_once(out, inputs)
    jsonl(out / "quarantine" / "manifest.jsonl")  # the record of what was moved


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path) -> None:
    in_dir, out = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    for i in range(4):
        (in_dir / f"slow{i}.txt").write_text(SLOW * 200, encoding="utf-8")
    proc = subprocess.Popen([*CLI, "batch", str(in_dir), "-o", str(out), "--quiet",
                             "--workers", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    # wait until the workers run: Ctrl-C reaches them too (the terminal signals the group)
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2:
        assert time.monotonic() < deadline and proc.poll() is None, "no workers started"
        time.sleep(0.1)
    time.sleep(1)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.splitlines() == ["interrupted, rerun to resume"]


def _children(pid: int) -> list[int]:
    """The pids of ``pid``'s child processes (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_batch_into_a_read_only_folder(tmp_path: Path, readonly_dir: Path) -> None:
    in_dir = tmp_path / "in"
    _inputs(in_dir, 1)
    line = one_line(run("batch", str(in_dir), "-o", str(readonly_dir / "out"), "--quiet"), 1)
    assert line.startswith(f"error: {readonly_dir / 'out'}")
    assert line.endswith(("Read-only file system", "Permission denied"))


def test_a_bug_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    # no real bug to trigger on purpose: one is planted where `query` runs its SQL
    from click.testing import CliRunner

    import extractor.batch.database as database
    from extractor.cli import main

    def broken(*_args: object) -> None:
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(database, "query", broken)
    result = CliRunner().invoke(main, ["query", "SELECT 1"])
    assert result.exit_code == 2
    assert result.stderr == ("error: internal error (ZeroDivisionError: division by zero); "
                             "rerun with --debug\n")
