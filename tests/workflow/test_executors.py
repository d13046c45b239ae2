"""Where the matrix's jobs run: the cap on jobs in flight that every executor shares, a Dask
cluster behind the seam (a LocalCluster in this process), and the Ray sketch against a stand-in
for Ray's API (Ray is not a dependency)."""

import sys
import types

import pytest

from imsflow.cli import main
from imsflow.workflow import executor as executor_mod
from imsflow.workflow.matrix import MatrixRequest, run_matrix
from imsflow.workflow.text import summary


def verdicts(run) -> dict:
    return {(r.property, r.flow, tuple(sorted(r.variant.items()))): r.verdict.value for r in run.results}


# --- the cap on jobs in flight -------------------------------------------------------------------

class Backend:
    """A stand-in for a cluster: jobs finish when asked, and it records how many were out at once."""

    def __init__(self):
        self.out, self.most, self.cancelled = [], 0, []

    def submit(self, job):
        self.out.append(job)
        self.most = max(self.most, len(self.out))
        return job["n"]

    def wait_any(self, handles):
        done = min(handles)
        self.out = [j for j in self.out if j["n"] != done]
        return [done]


def test_capped_keeps_at_most_twice_the_workers_in_flight_and_pulls_lazily():
    backend, pulled = Backend(), []

    def jobs():
        for n in range(20):
            pulled.append(n)
            yield {"n": n}

    gen = executor_mod._capped(jobs(), executor_mod.in_flight(3), backend.submit, backend.wait_any,
                               lambda h: {"n": h}, backend.cancelled.extend)
    first = next(gen)
    assert first == (0, {"n": 0})
    assert len(pulled) <= 7  # 6 in flight, then one more once the first finished
    rest = list(gen)
    assert sorted([first] + rest) == [(n, {"n": n}) for n in range(20)]
    assert backend.most == 6


def test_capped_cancels_what_is_in_flight_when_interrupted():
    backend = Backend()
    gen = executor_mod._capped(({"n": n} for n in range(10)), 4, backend.submit, backend.wait_any,
                               lambda h: {"n": h}, backend.cancelled.extend)
    next(gen)
    gen.close()  # the matrix stops (a user error in a result, ^C)
    assert sorted(backend.cancelled) == [1, 2, 3]  # job 0 was yielded; its successor not yet pulled


def fake_ray(cpus: int):
    """Just enough of Ray's API for RayExecutor: tasks run when waited for."""
    ray = types.ModuleType("ray")
    state = {"pending": {}, "most": 0, "cancelled": []}

    class Ref:
        def __init__(self, value):
            self.value = value

    def remote(fn):
        def call(job):
            ref = Ref(fn(job))
            state["pending"][id(ref)] = ref
            state["most"] = max(state["most"], len(state["pending"]))
            return ref
        return types.SimpleNamespace(remote=call)

    def wait(refs, num_returns=1):
        done = refs[:num_returns]
        for r in done:
            state["pending"].pop(id(r))
        return done, refs[num_returns:]

    ray.init = lambda **kw: None
    ray.cluster_resources = lambda: {"CPU": float(cpus)}
    ray.remote, ray.wait, ray.get = remote, wait, lambda ref: ref.value
    ray.cancel = lambda ref: state["cancelled"].append(ref)
    ray.state = state
    return ray


def test_the_ray_sketch_caps_the_jobs_in_flight(monkeypatch):
    ray = fake_ray(cpus=2)
    monkeypatch.setitem(sys.modules, "ray", ray)
    ex = executor_mod.RayExecutor()
    assert ex.workers == 2
    got = dict(ex.map_unordered(_double, ({"n": n} for n in range(25))))
    assert got == {n: 2 * n for n in range(25)}
    assert ray.state["most"] == executor_mod.in_flight(2) == 4
    assert "ray" not in executor_mod.EXECUTORS  # a sketch: not on the command line


def _double(job):
    return 2 * job["n"]


# --- Dask ----------------------------------------------------------------------------------------

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_cluster():
    """A LocalCluster in this process (threads: quick to start), reached over TCP like a real one."""
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


def test_the_dask_executor_gives_the_verdicts_of_the_serial_one(gate_dir, gate_matrix, dask_cluster):
    run = run_matrix(MatrixRequest(model_dir=gate_dir, executor="dask", scheduler=dask_cluster, progress=False))
    assert verdicts(run) == verdicts(gate_matrix)
    assert [r.property for r in run.results] == [r.property for r in gate_matrix.results]  # plan order
    assert run.stats["executor"] == "dask" and run.stats["workers"] == 2
    assert f"2 Dask worker process(es) at {dask_cluster}" in summary(run)


def test_the_dask_executor_caps_the_jobs_in_flight(dask_cluster):
    pulled = []

    def jobs():
        for n in range(12):
            pulled.append(n)
            yield {"n": n}

    ex = executor_mod.executor_named("dask", 1, scheduler=dask_cluster)
    try:
        assert ex.workers == 1  # --workers 1 on a cluster of 2
        gen = ex.map_unordered(_double, jobs())
        first = next(gen)
        assert len(pulled) <= executor_mod.in_flight(1) + 1
        got = dict([first] + list(gen))
    finally:
        ex.close()
    assert got == {n: 2 * n for n in range(12)}


def test_the_dask_executor_without_an_address_starts_a_local_cluster(gate_dir, gate_matrix, monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    monkeypatch.setattr(executor_mod.DaskExecutor, "local_cluster", {"processes": False})
    run = run_matrix(MatrixRequest(model_dir=gate_dir, executor="dask", workers=1, progress=False))
    assert verdicts(run) == verdicts(gate_matrix)
    assert "a Dask LocalCluster on this machine" in summary(run)


def test_the_cli_runs_the_matrix_on_a_dask_scheduler(gate_dir, dask_cluster, capsys):
    code = main(["matrix", "--model", gate_dir, "--executor", "dask", "--dask-scheduler", dask_cluster,
                 "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "24 verdicts" in out and "(dask; 2 Dask worker process(es)" in out


@pytest.mark.parametrize("argv,names", [
    (["--executor", "dask", "--dask-scheduler", "tcp://127.0.0.1:1"], ["--dask-scheduler tcp://127.0.0.1:1", "answers"]),
    (["--executor", "dask", "--dask-scheduler", "nosuch.invalid:8786"], ["--dask-scheduler nosuch.invalid:8786"]),
    (["--executor", "dask", "--dask-scheduler", "smoke://signals"], ["not a Dask scheduler address", "smoke"]),
    (["--executor", "dask", "--dask-scheduler", "tcp://127.0.0.1"], ["--dask-scheduler", "port"]),
    (["--executor", "dask", "--dask-scheduler", ""], ["--dask-scheduler"]),
    (["--dask-scheduler", "tcp://127.0.0.1:8786"], ["--dask-scheduler", "only with --executor dask"]),
], ids=["refused", "unknown-host", "unknown-scheme", "no-port", "empty", "without-dask"])
def test_a_bad_dask_scheduler_is_exit_2_naming_the_option(gate_dir, argv, names, capsys):
    code = main(["matrix", "--model", gate_dir, "--no-progress"] + argv)
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    for name in names:
        assert name in err, err


def test_the_dask_executor_without_dask_installed_is_exit_2(gate_dir, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    code = main(["matrix", "--model", gate_dir, "--executor", "dask", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "--executor dask" in err and "pip install 'dask[distributed]'" in err


def test_diff_takes_the_dask_executor_too(gate_dir, dask_cluster, capsys):
    code = main(["diff", "--model", gate_dir, "--set", "trust=any", "--against", "trust=client",
                 "--executor", "dask", "--dask-scheduler", dask_cluster, "--no-progress"])
    assert code in (0, 1), capsys.readouterr().err


def test_a_dask_scheduler_without_workers_is_exit_2(gate_dir, capsys, monkeypatch):
    import logging

    monkeypatch.setattr(executor_mod.DaskExecutor, "workers_timeout", 0.3)
    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=":0", silence_logs=logging.ERROR) as empty:
        code = main(["matrix", "--model", gate_dir, "--executor", "dask", "--dask-scheduler",
                     empty.scheduler_address, "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "has no worker" in err and "--dask-scheduler" in err


def test_a_cluster_running_another_imsflow_is_exit_2(gate_dir, dask_cluster, capsys, monkeypatch):
    """The scheduler and workers run in other threads of this process here: they report another
    fingerprint, as a node with another imsflow installed would."""
    monkeypatch.setattr(executor_mod, "fingerprint", _another_imsflow_off_the_main_thread)
    code = main(["matrix", "--model", gate_dir, "--executor", "dask", "--dask-scheduler", dask_cluster,
                 "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "runs another imsflow" in err and "imsflow 0.0.9 0123456789ab" in err


_REAL_FINGERPRINT = executor_mod.fingerprint


def _another_imsflow_off_the_main_thread():
    import threading

    if threading.current_thread() is threading.main_thread():
        return _REAL_FINGERPRINT()
    return "imsflow 0.0.9 0123456789ab"
