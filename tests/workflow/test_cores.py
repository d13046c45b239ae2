"""How many checks the matrix runs at once: the usable cores (affinity mask, cgroup CPU quota,
IMSFLOW_CORES), never more workers than those, each pool worker told its share, and the
chosen count in the summary.  The machine is faked: os.cpu_count, sched_getaffinity and the
cgroup files are monkeypatched."""

import math
import os

import pytest

from imsflow import cores
from imsflow.workflow import executor as executor_mod
from imsflow.workflow.matrix import MatrixRequest, run_matrix
from imsflow.workflow.text import summary


@pytest.fixture
def machine(monkeypatch, tmp_path):
    """An 8-core machine with no affinity mask, no cgroup limit and no IMSFLOW_CORES; the test
    narrows it with `affinity`, `cgroup_v1`, `cgroup_v2`."""
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.delenv(cores.CORES_ENV, raising=False)
    root = tmp_path / "cgroup"
    root.mkdir()
    proc = tmp_path / "proc_self_cgroup"
    proc.write_text("0::/\n")
    monkeypatch.setattr(cores, "CGROUP_ROOT", str(root))
    monkeypatch.setattr(cores, "PROC_CGROUP", str(proc))

    class Machine:
        def affinity(self, n):
            monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(n)), raising=False)

        def cgroup_v2(self, path, cpu_max, parent_max=None):
            proc.write_text(f"0::{path}\n")
            d = root / path.strip("/")
            d.mkdir(parents=True, exist_ok=True)
            (d / "cpu.max").write_text(cpu_max + "\n")
            if parent_max is not None:
                (d.parent / "cpu.max").write_text(parent_max + "\n")

        def cgroup_v1(self, quota, period=100000):
            proc.write_text("4:memory:/x\n2:cpu,cpuacct:/\n0::/\n")
            d = root / "cpu,cpuacct"
            d.mkdir()
            (d / "cpu.cfs_quota_us").write_text(f"{quota}\n")
            (d / "cpu.cfs_period_us").write_text(f"{period}\n")

    return Machine()


def test_every_core_is_usable_without_limits(machine):
    c = cores.usable()
    assert (c.count, c.machine) == (8, 8)
    assert c.describe() == "8 usable cores"


def test_an_affinity_mask_limits_the_cores(machine):
    machine.affinity(3)
    assert cores.usable().count == 3
    assert cores.usable().describe() == "3 usable cores of 8 (affinity 3)"


def test_a_cgroup_v2_quota_limits_the_cores_rounded_up(machine):
    machine.cgroup_v2("/batch/job7", "150000 100000")  # 1.5 CPUs
    assert cores.cgroup_quota() == 1.5
    assert cores.usable().count == math.ceil(1.5)
    machine.cgroup_v2("/batch/job7", "max 100000", parent_max="100000 100000")  # the parent's 1 CPU counts
    assert cores.usable().count == 1
    assert "cgroup quota 1" in cores.usable().describe()


def test_a_cgroup_v1_quota_limits_the_cores(machine):
    machine.cgroup_v1(300000)
    assert cores.usable().count == 3


def test_no_cgroup_v1_quota_is_no_limit(machine):
    machine.cgroup_v1(-1)
    assert cores.cgroup_quota() is None and cores.usable().count == 8


def test_the_least_limit_wins_and_imsflow_cores_narrows_it(machine, monkeypatch):
    machine.affinity(4)
    machine.cgroup_v2("/", "600000 100000")
    assert cores.usable().count == 4
    monkeypatch.setenv(cores.CORES_ENV, "2")
    assert cores.usable().count == 2
    monkeypatch.setenv(cores.CORES_ENV, "junk")  # not a number: ignored
    assert cores.usable().count == 4


def test_workers_never_exceed_the_usable_cores(machine):
    machine.affinity(4)
    assert cores.workers_for(None) == (4, "4 usable cores of 8 (affinity 4)")
    workers, why = cores.workers_for(16)
    assert workers == 4 and why.startswith("--workers 16 capped at 4")
    assert cores.workers_for(2)[0] == 2  # fewer is the user's choice
    assert cores.workers_for(None, jobs=3)[0] == 3  # no idle workers for jobs that do not exist
    # A job that itself runs 2 processes (a nested pool, a parallel search): half as many at once.
    workers, why = cores.workers_for(None, per_job=2)
    assert workers == 2 and "2 processes per job" in why
    assert cores.workers_for(None, per_job=16)[0] == 1
    assert cores.share_for(2) == 2 and cores.share_for(4) == 1 and cores.share_for(3, per_job=2) == 2


def test_each_pool_worker_is_told_its_share_of_the_cores():
    """A pool or a parallel search started inside a job asks cores.usable() and stays inside its
    worker's share, so pools inside pools never oversubscribe the machine."""
    pool = executor_mod.executor_named("process", None, jobs=4)
    try:
        got = dict(pool.map_unordered(_cores_seen, [{} for _ in range(4)]))
    finally:
        pool.close()
    share = max(1, cores.usable().count // pool.workers)
    assert pool.workers == min(4, cores.usable().count)
    assert {g for g in got.values()} == {(str(share), share)}


def _cores_seen(job):
    return os.environ.get(cores.CORES_ENV), cores.usable().count


def test_the_summary_prints_the_chosen_worker_count(gate_dir, monkeypatch):
    monkeypatch.setenv(cores.CORES_ENV, "1")
    run = run_matrix(MatrixRequest(model_dir=gate_dir, executor="process", workers=4, progress=False))
    assert run.stats["workers"] == 1
    line = summary(run)
    assert "on 1 worker(s) (process; --workers 4 capped at 1: 1 usable core of" in line, line


def test_jobs_that_run_several_processes_each_get_fewer_workers(machine, monkeypatch):
    """A job that says it runs 2 processes (a parallel search) halves the matrix's workers."""
    from imsflow.workflow.matrix import execute

    machine.affinity(4)
    made = {}

    class Spy(executor_mod.SerialExecutor):
        name = "spy"

        def __init__(self, workers=None, *, per_job=1, jobs=None):
            super().__init__(workers)
            made["workers"], made["chosen"] = cores.workers_for(workers, per_job=per_job, jobs=jobs)

        def map_unordered(self, fn, jobs):  # what the jobs would give, without running them
            for i, job in enumerate(jobs):
                yield i, {"n": job["n"], "stats": {}}

    monkeypatch.setitem(executor_mod.EXECUTORS, "spy", Spy)
    jobs = [{"flow": "F1", "n": n, "processes": 2} for n in range(6)]
    assert [out["n"] for out in execute(jobs, executor="spy", progress=False)] == list(range(6))
    assert made["workers"] == 2 and "2 processes per job" in made["chosen"]
