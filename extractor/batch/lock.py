"""One batch per output folder: an exclusive lock on OUT_DIR/batch.lock.

The lock is an ``fcntl.flock`` on the file, so the kernel drops it the moment its owner
exits, however it exits (``kill -9`` included): a lock left by a dead process is stale by
construction and the next batch simply takes it. The file itself holds the owner's pid,
host and start time, so that a second batch can say who holds the folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from extractor.errors import ExtractorError

LOCK = "batch.lock"


def _holder(path: Path) -> str:
    """Who holds the lock, in words (the file may be empty for an instant while its new
    owner writes it)."""
    for _ in range(20):
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info["started"]))
            return f"pid {info['pid']} on {info['host']}, since {started}"
        except (OSError, ValueError, KeyError, TypeError):
            time.sleep(0.01)
    return "another process"


class FolderLock:
    """An exclusive lock on a batch output folder, held from ``acquire`` to ``release``
    (or for a ``with`` block)."""

    def __init__(self, out_dir: str | Path, wait: bool = False,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.path = Path(out_dir) / LOCK
        self.wait = wait
        self.on_wait = on_wait
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise ExtractorError (code ``locked``) naming its holder; with
        ``wait``, block until the holder is done (``on_wait`` is told who it is)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(self.path)
                if not self.wait:
                    raise ExtractorError(
                        f"another batch is writing to this folder ({holder}); wait for it "
                        "to finish, or rerun with --wait", path=str(self.path.parent),
                        code="locked") from None
                if self.on_wait is not None:
                    self.on_wait(holder)
                fcntl.flock(fd, fcntl.LOCK_EX)
            info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode() + b"\n", 0)
            os.fsync(fd)
        except BaseException:
            os.close(fd)  # closing drops the lock if we had it
            raise
        self.fd = fd

    def release(self) -> None:
        """Give the lock up (the file stays: removing it would race with a new owner)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> Any:
        self.release()
