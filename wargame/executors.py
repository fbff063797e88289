"""Executors: run chunks of episodes serially, in local worker processes, or on a Dask cluster.

Each takes a top-level function ``work(payload, start, stop)`` (picklable, so process pools and
Dask can ship it), one payload string every chunk shares, and the chunks to do; it yields
``(chunk index, result)`` as chunks finish, in any order. At most two chunks per worker are in
flight, so results stream back steadily and memory does not grow with the number of chunks.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from wargame.errors import Problem, WargameError

Chunk = tuple[int, int, int]  # index, start, stop
Work = Callable[[str, int, int], Any]


def _serial(
    work: Work, payload: str, todo: list[Chunk], workers: int, scheduler: str | None
) -> Iterator[tuple[int, Any]]:
    for i, a, b in todo:
        yield i, work(payload, a, b)


def _process(
    work: Work, payload: str, todo: list[Chunk], workers: int, scheduler: str | None
) -> Iterator[tuple[int, Any]]:
    # at most 2 chunks per worker queued, so results stream back in steady order
    pending: dict[Any, int] = {}
    queue = deque(todo)
    workers = min(workers, len(todo))
    pool = process_pool(workers)
    finished = False
    try:
        while queue or pending:
            while queue and len(pending) < 2 * workers:
                i, a, b = queue.popleft()
                pending[pool.submit(work, payload, a, b)] = i
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
        finished = True
    finally:
        if not finished:  # interrupted or failed: stop the workers now, not after their chunks
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that ignore Ctrl-C and exit when their parent dies.

    Mesa's import forces the global start method to "spawn"; we choose ours explicitly. The one
    place worker processes are made: ``wargame batch`` and ``wargame serve``'s explorer both use it.
    """
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)


def _worker_start() -> None:
    """In a worker: Ctrl-C reaches the whole process group; the main process handles it (and stops
    the workers), so the workers ignore it rather than each printing a traceback. And a worker
    whose parent is killed outright (SIGKILL, the OOM killer) exits at once: otherwise it finishes
    its chunk and then waits for work forever, since it holds its own queue's pipe open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    # the sentinel is a pipe the parent holds open while it lives: readable (at EOF) once it dies
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


SCHEDULER_TIMEOUT = "10s"  # how long to try reaching a Dask scheduler before saying it cannot be reached


class ExecutorUnavailableError(WargameError):
    """The executor cannot start (Dask missing, its scheduler unreachable): no episode has run."""


def _dask(
    work: Work, payload: str, todo: list[Chunk], workers: int, scheduler: str | None
) -> Iterator[tuple[int, Any]]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ExecutorUnavailableError(
            Problem("--executor", "dask", "Dask is not installed: pip install 'peninsula-wargame[dask]'")
        ) from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        else:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
    except OSError as err:
        raise ExecutorUnavailableError(
            Problem("--scheduler", str(scheduler), f"cannot reach the Dask scheduler: {err}")
        ) from None
    try:
        # bounded like the process pool: results are dropped as soon as they are saved, so the
        # cluster's memory does not grow with the run count; the payload is shipped once
        shared = client.scatter(payload, broadcast=True)
        queue = deque(todo)
        window = as_completed()
        index: dict[Any, int] = {}

        def submit() -> None:
            i, a, b = queue.popleft()
            future = client.submit(work, shared, a, b, pure=False)
            index[future] = i
            window.add(future)

        for _ in range(min(len(queue), 2 * workers)):
            submit()
        for future in window:
            i = index.pop(future)
            result = future.result()
            future.release()
            if queue:
                submit()
            yield i, result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


_EXECUTORS = {"serial": _serial, "process": _process, "dask": _dask}
EXECUTORS = tuple(_EXECUTORS)


def execute(
    executor: str, work: Work, payload: str, todo: list[Chunk], workers: int, scheduler: str | None = None
) -> Generator[tuple[int, Any], None, None]:
    """``(chunk index, work(payload, start, stop))`` for every chunk in ``todo``, as they finish.
    Closing the generator early (an interrupt, an error) stops the workers."""
    if todo:
        yield from _EXECUTORS[executor](work, payload, todo, workers, scheduler)
