"""The local engine: worker processes on this machine, each loading the pipeline once.

The parent hands one task (a chunk of files) at a time to each worker over a pipe and
knows which files every worker holds, so a worker that dies (a crash, the OOM killer) or
runs past the timeout is killed and replaced, and the run goes on. A failed chunk of
several files is retried one file per task, so only the file that fails is reported.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from extractor.batch.inputs import InputFile
from extractor.batch.work import ChunkResult, error_result, load_pipeline, process_chunk
from extractor.errors import EngineError

__all__ = ["EngineError", "failed_chunk", "run_local", "sigint_ignored"]


@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while worker processes start: they inherit the ignored signal (Python
    keeps an inherited SIG_IGN), so Ctrl-C, which the terminal sends to the whole process
    group, reaches only the parent, which stops them; no traceback from every worker."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _serve(conn: Connection, ner: bool) -> None:
    """A worker's loop: load the pipeline, say so, then process chunks until told to stop."""
    from threadpoolctl import threadpool_limits

    # one core per worker, as dask's nanny sets for its workers: N workers on N cores must
    # not each start a BLAS thread per core
    threadpool_limits(1)
    try:
        load_pipeline(ner)
    except Exception as err:
        last = traceback.format_exception_only(type(err), err)[-1].strip()
        conn.send(("failed", last))
        return
    conn.send(("ready", None))
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if chunk is None:
            return
        conn.send(("done", process_chunk(chunk, ner)))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    chunk: list[InputFile] | None = None
    started: float = 0.0


def failed_chunk(chunk: list[InputFile], stage: str, reason: str,
                 queue: deque[list[InputFile]]) -> ChunkResult | None:
    """A chunk whose worker died or timed out: retry its files one by one (at the front of
    the queue), or, for a single file, its error record. Shared with the dask engine."""
    if len(chunk) > 1:
        queue.extendleft([f] for f in reversed(chunk))
        return None
    return ChunkResult([error_result(chunk[0], stage, stage, reason)])


def run_local(chunks: list[list[InputFile]], workers: int, timeout: float,
              on_ready: Callable[[], None] | None = None,
              ner: bool = True) -> Iterator[ChunkResult]:
    """Process ``chunks`` on ``workers`` processes; yields each chunk's results when done.

    Work starts when every first worker has loaded the pipeline (as with dask; a worker
    loading would slow the others, and the rates would mix loading with processing);
    ``on_ready`` is called then.
    """
    ctx = mp.get_context("spawn")  # no fork: the parent may run threads (the progress bar)
    queue = deque(chunks)

    def start() -> _Worker:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_serve, args=(child, ner), daemon=True)
        with sigint_ignored():
            process.start()
        child.close()
        return _Worker(process, parent)

    target = max(1, min(workers, len(chunks)))
    pool: list[_Worker] = []
    warm = False
    try:
        while queue or any(w.chunk for w in pool):
            # (re)start workers while there is more work queued than idle workers to take it
            while len(pool) < target and len(queue) > sum(w.chunk is None for w in pool):
                pool.append(start())
            if not warm and pool and all(w.ready for w in pool):
                warm = True
                if on_ready is not None:
                    on_ready()
            for w in pool:
                if warm and w.ready and w.chunk is None and queue:
                    w.chunk, w.started = queue.popleft(), time.monotonic()
                    w.conn.send(w.chunk)
            wait([w.conn for w in pool] + [w.process.sentinel for w in pool], timeout=0.5)
            for w in list(pool):
                failure = None
                try:
                    while w.conn.poll():
                        kind, payload = w.conn.recv()
                        if kind == "ready":
                            w.ready = True
                        elif kind == "failed":
                            raise EngineError(f"a worker could not load the pipeline: {payload}")
                        else:
                            w.chunk = None
                            yield payload
                except (EOFError, OSError):
                    failure = ("worker", "the worker process died")
                if failure is None and not w.process.is_alive():
                    failure = ("worker", f"the worker process died (exit code "
                                         f"{w.process.exitcode})")
                if (failure is None and w.chunk is not None
                        and time.monotonic() - w.started > timeout):
                    failure = ("timeout", f"no result after {timeout:g} s")
                if failure is None:
                    continue
                w.process.kill()
                w.process.join()
                if w.chunk is not None:
                    result = failed_chunk(w.chunk, *failure, queue)
                    if result is not None:
                        yield result
                elif not w.ready:
                    raise EngineError(f"a worker died while loading the pipeline "
                                      f"(exit code {w.process.exitcode})")
                pool.remove(w)
    except BaseException:  # Ctrl-C, a write error in the parent: stop the workers now
        for w in pool:
            w.process.kill()
        raise
    finally:
        for w in pool:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in pool:
            w.process.join(timeout=5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
