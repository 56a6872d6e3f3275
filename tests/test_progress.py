"""On a terminal, the long steps of extract and batch say what they are doing (make run);
in a log or a pipe they print only their results."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES

CLI = [sys.executable, "-m", "extractor.cli"]


def on_terminal(*args: str) -> str:
    """Everything the command wrote to its stderr, a pseudo-terminal (it must succeed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([*CLI, *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the command closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=600) == 0
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_extract_says_it_loads_the_pipeline_on_a_terminal_only(tmp_path: Path) -> None:
    source = str(EXAMPLES / "trial_summary_pagedump.txt")
    shown = on_terminal("extract", source, "-o", str(tmp_path / "a.jsonl"))
    assert "loading the extraction pipeline for 1 document(s)" in shown
    logged = subprocess.run([*CLI, "extract", source, "-o", str(tmp_path / "b.jsonl")],
                            capture_output=True, text=True, timeout=600, check=True)
    assert "loading" not in logged.stderr and "document(s) written" in logged.stderr
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_batch_says_its_workers_are_starting(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "case.txt").write_text("Nausea after dupilumab 300 mg.\n",
                                              encoding="utf-8")
    shown = on_terminal("batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                        "--workers", "1", "--no-report")
    assert "files: starting the workers" in shown
