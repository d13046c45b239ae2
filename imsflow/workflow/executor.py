"""Where the matrix's jobs run: a small seam, so one machine's process pool can later be
swapped for a cluster without touching the matrix or the diff.

An executor takes a top-level function and an iterable of *plain-data* jobs (dicts of strings,
numbers and lists: a model directory, a flow id, variant settings) and yields
`(job index, result)` as results arrive, in any order.  The iterable may be lazy: an executor
pulls the next job only when it has room for it, so the caller can still decide, from the
results already in, that a later job need not run (the matrix does; see reads.py).  Nothing else crosses the seam: no
compiled system, no model object, no open file - each worker re-loads the model from its
directory (and keeps it cached for its next job).  That is what makes the same interface fit a
process pool, Ray and Dask.

Adding Ray or Dask (for users who outgrow one machine) is one class here plus one entry in
`EXECUTORS`, for example:

    class RayExecutor:
        name = "ray"
        def __init__(self, workers=None):
            import ray; ray.init(ignore_reinit_error=True); self.workers = workers or ...
        def map_unordered(self, fn, jobs):
            remote = ray.remote(fn)
            pending = {remote.remote(job): i for i, job in enumerate(jobs)}
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                yield pending.pop(done[0]), ray.get(done[0])
        def close(self): pass

(Dask: `client.map(fn, jobs)` then `distributed.as_completed`.)  The model directory must then
be readable at the same path on every node.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable, Iterable, Iterator, Protocol

from ..errors import UsageError


class Executor(Protocol):
    name: str
    workers: int

    def map_unordered(self, fn: Callable[[dict], dict], jobs: Iterable[dict]) -> Iterator[tuple[int, dict]]:
        """Run fn(job) for every job; yield (index in `jobs` order, result) as each finishes.
        Pull jobs from the iterable no earlier than a worker can take them."""

    def close(self) -> None:
        """Release the workers (also on interruption: pending jobs are cancelled)."""


class SerialExecutor:
    """Runs the jobs one after another in this process (tests, debugging, one-job runs)."""

    name = "serial"

    def __init__(self, workers: int | None = None):
        self.workers = 1

    def map_unordered(self, fn, jobs):
        for i, job in enumerate(jobs):
            yield i, fn(job)

    def close(self) -> None:
        pass


class ProcessPool:
    """A pool of worker processes on this machine, one per core by default.

    At most `2 * workers` jobs are in flight at once, so a long matrix does not queue
    thousands of futures, and an interruption cancels what has not started."""

    name = "process"

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        # fork shares the already-imported imsflow with the workers (fast start on Linux);
        # elsewhere the platform default (spawn) re-imports it, which is equally correct.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context(method))

    def map_unordered(self, fn, jobs):
        queue = iter(enumerate(jobs))
        running = {}

        def submit_next() -> bool:
            try:
                i, job = next(queue)
            except StopIteration:
                return False
            running[self._pool.submit(fn, job)] = i
            return True

        for _ in range(2 * self.workers):
            if not submit_next():
                break
        try:
            while running:
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for fut in done:
                    i = running.pop(fut)
                    yield i, fut.result()
                    submit_next()
        except BaseException:
            for fut in running:
                fut.cancel()
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


EXECUTORS = {"process": ProcessPool, "serial": SerialExecutor}


def executor_named(name: str = "process", workers: int | None = None) -> Executor:
    try:
        cls = EXECUTORS[name]
    except KeyError:
        raise UsageError(f"unknown executor {name!r}", known=list(EXECUTORS)) from None
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: needs at least one worker")
    return cls(workers)
