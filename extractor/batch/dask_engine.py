"""The dask engine: the same tasks on a ``dask.distributed`` cluster.

Without ``scheduler`` a LocalCluster of ``workers`` single-threaded processes is started;
with it, the command connects to a running scheduler (``dask scheduler`` and ``dask worker
ADDR`` on any machines that see IN_DIR at the same path and have this package installed).
Each worker process loads the pipeline once (``work.pipeline`` is a module global).

A worker that dies on a task ends it with ``KilledWorker`` (the scheduler's
``allowed-failures`` is set to 0 for a LocalCluster; a cluster of your own uses its own
setting). The timeout is measured from submission, with no more tasks in flight than the
cluster has threads, so a task starts almost at once; on a timeout the task is cancelled
and its worker restarted (this needs the worker's nanny, the default of ``dask worker``).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from extractor.batch.inputs import InputFile
from extractor.batch.local import EngineError, failed_chunk, sigint_ignored
from extractor.batch.work import ChunkResult, load_pipeline, process_chunk
from extractor.errors import ExtractorError


def _connect(workers: int, scheduler: str | None) -> tuple[Any, Any]:
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="30s"), None
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), sigint_ignored():
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.CRITICAL)
    return Client(cluster), cluster


def _restart_worker_of(client: Any, key: str) -> None:
    """Restart the worker that is running ``key`` (a stuck task cannot be stopped else)."""
    try:
        for address, keys in client.processing().items():
            if key in keys:
                client.restart_workers([address])
    except Exception:  # no nanny, or the worker went away meanwhile: nothing more to do
        logging.getLogger(__name__).warning("could not restart the worker running %s", key)


def _reason(exc: BaseException | None) -> str:
    """One line for an error record (dask's KilledWorker message is a paragraph)."""
    if type(exc).__name__ == "KilledWorker":
        return "the worker process died (KilledWorker)"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}"


def run_dask(chunks: list[list[InputFile]], workers: int, timeout: float,
             scheduler: str | None = None,
             on_ready: Callable[[], None] | None = None,
             ner: bool = True) -> Iterator[ChunkResult]:
    """Process ``chunks`` on a dask cluster; yields each chunk's results when done.
    ``on_ready`` is called once every worker has loaded the pipeline."""
    try:
        from distributed import wait
        from distributed.client import FIRST_COMPLETED
    except ImportError as exc:  # an extra: the default local engine needs none of it
        raise ExtractorError(f"--engine dask needs dask.distributed ({exc}): "
                             "pip install 'extractor[dask]'", code="missing_extra") from exc

    try:
        client, cluster = _connect(workers, scheduler)
    except OSError as err:
        raise EngineError(f"cannot reach the dask scheduler {scheduler}: {err}") from err
    try:
        try:
            client.run(load_pipeline, ner)  # every worker loads now, outside the tasks' timeout
        except Exception as err:
            raise EngineError(f"the dask workers could not load the pipeline: "
                              f"{type(err).__name__}: {err}") from err
        if on_ready is not None:
            on_ready()
        slots = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
        queue = deque(chunks)
        inflight: dict[Any, tuple[list[InputFile], float]] = {}
        while queue or inflight:
            while queue and len(inflight) < max(1, slots):
                chunk = queue.popleft()
                future = client.submit(process_chunk, chunk, ner, pure=False)
                inflight[future] = (chunk, time.monotonic())
            try:
                done = wait(list(inflight), timeout=0.5, return_when=FIRST_COMPLETED).done
            except TimeoutError:
                done = set()
            for future in [f for f in inflight if f in done]:
                chunk, _ = inflight.pop(future)
                if future.status == "finished":
                    yield future.result()
                    continue
                result = failed_chunk(chunk, "worker", _reason(future.exception()), queue)
                if result is not None:
                    yield result
            now = time.monotonic()
            for future, (chunk, started) in list(inflight.items()):
                if now - started > timeout:
                    del inflight[future]
                    _restart_worker_of(client, future.key)
                    future.cancel()
                    result = failed_chunk(chunk, "timeout", f"no result after {timeout:g} s",
                                          queue)
                    if result is not None:
                        yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
