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

Every executor keeps at most `in_flight(workers)` (twice its workers) jobs submitted and not
yet yielded, whatever the backend: `_capped` is the one loop that does it, over any backend's
submit / wait-for-one / cancel.  The process pool, Dask and the Ray sketch all go through it.

How many workers: `cores.workers_for` - never more concurrent checks than the cores this
process may use (affinity mask, cgroup CPU quota, IMSFLOW_CORES), divided by the processes a
job itself runs (`per_job`), and never more than there are jobs.  Each pool worker is told its
own share of the cores (IMSFLOW_CORES), so a pool or a multi-process search started inside a
job stays within it.

`dask` runs the jobs on a Dask cluster: the scheduler at `--dask-scheduler ADDRESS` (or Dask's
own `DASK_SCHEDULER_ADDRESS` / `scheduler-address` setting), or, with neither, a LocalCluster
of worker processes on this machine.  The model directory must then be readable at the same
path on every node, and every node needs the same imsflow (checked before the first job:
`fingerprint()`, imsflow's version and a digest of its source, must be the same on the
scheduler and every worker).  A job keeps module-level state
while it runs (reads.py), so a Dask worker process runs one job at a time whatever its thread
count: start workers with `dask worker ADDRESS --nthreads 1 --nworkers N`.
"""

from __future__ import annotations

import inspect
import logging
import multiprocessing
import os
import socket
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable, Iterable, Iterator, Protocol

from .. import cores
from ..errors import UsageError


class Executor(Protocol):
    name: str
    workers: int
    chosen: str  # how `workers` was chosen, for the summary ("2 usable cores", "3 Dask workers at ...")

    def map_unordered(self, fn: Callable[[dict], dict], jobs: Iterable[dict]) -> Iterator[tuple[int, dict]]:
        """Run fn(job) for every job; yield (index in `jobs` order, result) as each finishes.
        Pull jobs from the iterable no earlier than a worker can take them: at most
        `in_flight(self.workers)` submitted and not yet yielded."""

    def close(self) -> None:
        """Release the workers (also on interruption: pending jobs are cancelled)."""


def in_flight(workers: int) -> int:
    """Jobs an executor keeps submitted at once: one running and one queued per worker."""
    return 2 * max(1, workers)


def _capped(jobs: Iterable[dict], limit: int, submit, wait_any, result, cancel) -> Iterator[tuple[int, dict]]:
    """The loop every executor runs: submit up to `limit` jobs, then one more each time one
    finishes.  `submit(job)` -> handle; `wait_any(handles)` -> the finished ones (at least one);
    `result(handle)` -> the job's output; `cancel(handles)` on interruption or failure."""
    queue = iter(enumerate(jobs))
    running: dict = {}

    def submit_next() -> bool:
        try:
            i, job = next(queue)
        except StopIteration:
            return False
        running[submit(job)] = i
        return True

    for _ in range(limit):
        if not submit_next():
            break
    try:
        while running:
            for handle in wait_any(list(running)):
                i = running.pop(handle)
                yield i, result(handle)
                submit_next()
    except BaseException:
        if running:
            cancel(list(running))
        raise


class SerialExecutor:
    """Runs the jobs one after another in this process (tests, debugging, one-job runs)."""

    name = "serial"
    chosen = "in this process"

    def __init__(self, workers: int | None = None):
        self.workers = 1

    def map_unordered(self, fn, jobs):
        for i, job in enumerate(jobs):
            yield i, fn(job)

    def close(self) -> None:
        pass


def _take_share(share: int) -> None:
    """Pool worker initialiser: this worker's share of the cores (cores.py)."""
    os.environ[cores.CORES_ENV] = str(share)


class ProcessPool:
    """A pool of worker processes on this machine, one per usable core by default (cores.py);
    a larger --workers is capped at the usable cores, so CPU-bound checks never queue for a core."""

    name = "process"

    def __init__(self, workers: int | None = None, *, per_job: int = 1, jobs: int | None = None):
        self.workers, self.chosen = cores.workers_for(workers, per_job=per_job, jobs=jobs)
        # fork shares the already-imported imsflow with the workers (fast start on Linux);
        # elsewhere the platform default (spawn) re-imports it, which is equally correct.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context(method),
                                         initializer=_take_share,
                                         initargs=(cores.share_for(self.workers, per_job=per_job),))

    def map_unordered(self, fn, jobs):
        def wait_any(futures):
            return wait(futures, return_when=FIRST_COMPLETED)[0]

        def cancel(futures):
            for fut in futures:
                fut.cancel()

        return _capped(jobs, in_flight(self.workers), lambda job: self._pool.submit(fn, job), wait_any,
                       lambda fut: fut.result(), cancel)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# One job at a time per worker process: a job swaps module-level state while it runs
# (reads.recording), so two jobs in two threads of one Dask worker would mix their reads.
_ONE_JOB = threading.Lock()


class OneAtATime:
    """fn, run under this process's job lock (picklable: Dask ships it to remote workers)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, job):
        with _ONE_JOB:
            return self.fn(job)


def _import_distributed(option: str):
    try:
        import dask  # noqa: F401
        import distributed
    except ImportError:
        raise UsageError(f"{option} needs Dask's 'distributed' package, which is not installed",
                         hint="pip install 'dask[distributed]' (imsflow's own set-up, scripts/setup.sh, installs it)") from None
    return distributed


_FINGERPRINT: list = []


def fingerprint() -> str:
    """imsflow's version and a digest of its source files (what a remote worker must share)."""
    if not _FINGERPRINT:
        import hashlib
        from pathlib import Path

        import imsflow

        root = Path(imsflow.__file__).parent
        digest = hashlib.sha256()
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".c") and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
        version = getattr(imsflow, "__version__", "")
        _FINGERPRINT.append(f"imsflow {version} {digest.hexdigest()[:12]}".replace("  ", " "))
    return _FINGERPRINT[0]


class DaskExecutor:
    """The jobs on a Dask cluster (module docstring): a scheduler's address, or a LocalCluster
    of `workers` processes on this machine (one thread each) when there is none."""

    name = "dask"
    connect_timeout = 10.0  # seconds to reach the scheduler
    workers_timeout = 30.0  # seconds to wait for a scheduler that has no worker yet
    local_cluster: dict = {}  # LocalCluster options over the defaults (tests: processes=False)

    def __init__(self, workers: int | None = None, *, scheduler: str | None = None, per_job: int = 1,
                 jobs: int | None = None):
        distributed = _import_distributed("--executor dask")
        import dask

        option = "--dask-scheduler"
        if scheduler is None:
            scheduler = dask.config.get("scheduler-address", None)
            option = "DASK_SCHEDULER_ADDRESS (Dask's scheduler-address setting)"
        self._cluster = None
        self._distributed = distributed
        self.address = scheduler or None
        if scheduler:
            self._client = self._connect(distributed, str(scheduler), option)
            count = self._worker_count(option, scheduler)
            self._same_imsflow(option, scheduler)
            self.workers = min(workers, count) if workers else count
            self.chosen = f"{count} Dask worker process(es) at {scheduler}"
            if workers and workers < count:
                self.chosen += f", --workers {workers}"
        else:
            self.workers, why = cores.workers_for(workers, per_job=per_job, jobs=jobs)
            self.chosen = f"a Dask LocalCluster on this machine; {why}"
            # No memory limit, as in the process pool: Dask's default (the machine's memory over the
            # workers) would kill and retry a worker on a configuration of a few million states.
            options = dict(n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR, memory_limit=0)
            options.update(self.local_cluster or {})
            if options["processes"]:  # each worker process is told its share of the cores
                options["env"] = {cores.CORES_ENV: str(cores.share_for(self.workers, per_job=per_job))}
            self._cluster = distributed.LocalCluster(**options)
            self._client = distributed.Client(self._cluster, set_as_default=False)

    def _connect(self, distributed, address: str, option: str):
        hint = ("give the address the scheduler prints (tcp://HOST:PORT; `dask scheduler` starts one), "
                "or leave it out to run a Dask cluster on this machine")
        try:
            scheme, location = distributed.comm.parse_address(address)
            known = list(distributed.comm.registry.backends)
            if scheme not in known:
                raise ValueError(f"unknown scheme {scheme!r}; Dask knows {', '.join(known)}")
            if scheme in ("tcp", "tls", "ws", "wss"):
                host, port = distributed.comm.parse_host_port(location)
        except (ValueError, TypeError) as exc:
            raise UsageError(f"{option} {address}: not a Dask scheduler address ({exc})", hint=hint) from None
        if scheme in ("tcp", "tls", "ws", "wss"):
            # A refused port or an unknown host answers at once: no need to wait out Dask's retries.
            try:
                socket.create_connection((host, port), timeout=self.connect_timeout).close()
            except OSError as exc:
                raise UsageError(f"{option} {address}: no Dask scheduler answers there "
                                 f"({exc.strerror or exc})", hint=hint) from None
        quiet = [logging.getLogger(n) for n in ("distributed", "tornado")]
        levels = [q.level for q in quiet]
        for q in quiet:
            q.setLevel(logging.CRITICAL)
        try:
            return distributed.Client(address, timeout=self.connect_timeout, set_as_default=False)
        except Exception as exc:  # an unreachable host, a refused port, an address Dask cannot parse
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UsageError(f"{option} {address}: no Dask scheduler answered within {self.connect_timeout:g} s "
                             f"({detail})", hint=hint) from None
        finally:
            for q, level in zip(quiet, levels):
                q.setLevel(level)

    def _worker_count(self, option: str, address: str) -> int:
        try:
            self._client.wait_for_workers(1, timeout=self.workers_timeout)
        except Exception:
            self._client.close()
            raise UsageError(f"{option} {address}: the Dask scheduler has no worker "
                             f"(none joined within {self.workers_timeout:g} s)",
                             hint="start workers with `dask worker ADDRESS --nthreads 1 --nworkers N`") from None
        return max(1, len(self._client.scheduler_info().get("workers", {})))

    def _same_imsflow(self, option: str, address: str) -> None:
        """The scheduler (it unpickles the task graph) and every worker must run this very imsflow:
        another version would fail on the first job, or worse, check another model semantics."""
        mine = fingerprint()
        try:
            theirs = {"the scheduler": self._client.run_on_scheduler(fingerprint)}
            theirs.update(self._client.run(fingerprint))
        except Exception as exc:  # imsflow missing there, or too old to have fingerprint()
            theirs = {"the cluster": f"cannot run imsflow ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"}
        odd = [f"{who}: {fp}" for who, fp in theirs.items() if fp != mine]
        if odd:
            self.close()
            raise UsageError(f"{option} {address}: the Dask cluster runs another imsflow than this one "
                             f"({'; '.join(odd[:3])}; here: {mine})",
                             hint="install the same imsflow on the scheduler and every worker") from None

    def map_unordered(self, fn, jobs):
        client, task = self._client, OneAtATime(fn)
        finished = self._distributed.as_completed(loop=client.loop)  # every future submitted, as each completes

        def submit(job):
            fut = client.submit(task, job, pure=False)
            finished.add(fut)
            return fut

        return _capped(jobs, in_flight(self.workers), submit, lambda _: [next(finished)],
                       lambda fut: fut.result(), client.cancel)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


class RayExecutor:
    """A sketch for Ray, not offered on the command line (Ray is not a dependency and is not
    tested here beyond a stand-in for its API): register it with `EXECUTORS["ray"] = RayExecutor`.
    It caps the jobs in flight like every executor (`_capped`)."""

    name = "ray"

    def __init__(self, workers: int | None = None, **_):
        import ray

        self._ray = ray
        ray.init(ignore_reinit_error=True)
        count = int(ray.cluster_resources().get("CPU", 1))
        self.workers = min(workers, count) if workers else count
        self.chosen = f"{count} CPUs of the Ray cluster"

    def map_unordered(self, fn, jobs):
        ray = self._ray
        remote = ray.remote(fn)  # a Ray worker process runs one task at a time

        def wait_any(refs):
            return ray.wait(refs, num_returns=1)[0]

        def cancel(refs):
            for ref in refs:
                ray.cancel(ref)

        return _capped(jobs, in_flight(self.workers), lambda job: remote.remote(job), wait_any, ray.get, cancel)

    def close(self) -> None:
        pass


EXECUTORS = {"process": ProcessPool, "serial": SerialExecutor, "dask": DaskExecutor}


def check_options(name: str, scheduler: str | None) -> None:
    if scheduler is not None and name != "dask":
        raise UsageError(f"--dask-scheduler {scheduler}: only with --executor dask (not --executor {name})")


def executor_named(name: str = "process", workers: int | None = None, **options) -> Executor:
    """The executor `name` with `workers` (None: its default).  `options`, each passed on only to
    an executor that takes it: `per_job` (CPU-bound processes one job runs), `jobs` (how many
    there are), `scheduler` (the Dask scheduler's address)."""
    try:
        cls = EXECUTORS[name]
    except KeyError:
        raise UsageError(f"unknown executor {name!r}", known=list(EXECUTORS)) from None
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: needs at least one worker")
    check_options(name, options.get("scheduler"))
    accepted = inspect.signature(cls).parameters
    takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    given = {k: v for k, v in options.items() if v is not None and (takes_all or k in accepted)}
    executor = cls(workers, **given)
    if not hasattr(executor, "chosen"):
        executor.chosen = ""
    return executor
