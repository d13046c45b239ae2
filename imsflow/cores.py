"""How many CPU-bound processes this process may run at once without oversubscribing.

`os.cpu_count()` counts the machine's cores, not the ones this process may use: a CPU
affinity mask (`taskset`, a batch scheduler, `docker --cpuset-cpus`) and a cgroup CPU quota
(`docker --cpus`, Kubernetes limits, systemd's CPUQuota) both make it smaller.  `usable()`
takes the least of the three, and of the share `IMSFLOW_CORES` gives this process: a process
pool sets it in each of its workers to that worker's share of the cores (`share_for`), so
whatever a worker runs (a nested pool, a search over several processes) stays inside it and
the machine never runs more checks than it has cores.  `IMSFLOW_CORES=N` also lets a user
leave cores free for other work.

A quota is rounded up (a quota of 1.5 CPUs lets two processes run three quarters of the time
each, which still checks more than one process alone); an affinity mask is exact.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

CORES_ENV = "IMSFLOW_CORES"
CGROUP_ROOT = "/sys/fs/cgroup"
PROC_CGROUP = "/proc/self/cgroup"  # this process's cgroup paths (tests point both elsewhere)


@dataclass
class Cores:
    count: int  # usable cores: the least of what follows
    machine: int  # os.cpu_count()
    limits: dict = field(default_factory=dict)  # what made it smaller: "affinity", "cgroup", IMSFLOW_CORES

    def describe(self) -> str:
        """'2 usable cores' or '2 usable cores of 8 (affinity 4, cgroup quota 2)'."""
        text = f"{self.count} usable core{'s' if self.count != 1 else ''}"
        shown = [f"{name} {value:g}" for name, value in self.limits.items() if value < self.machine]
        if shown:
            text += f" of {self.machine} ({', '.join(shown)})"
        return text


def affinity() -> int | None:
    """Cores in this process's CPU affinity mask (None where the platform has none)."""
    try:
        return len(os.sched_getaffinity(0)) or None
    except (AttributeError, OSError):
        return None


def _read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def _own_cgroups() -> dict:
    """Controller ('' for cgroup v2) -> this process's cgroup path, from /proc/self/cgroup."""
    text = _read(PROC_CGROUP) or ""
    out = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(",") if parts[1] else [""]:
                out[controller] = parts[2]
    return out


def _dirs_up(base: str, path: str) -> list:
    """base/path and each of its parents up to base (a limit anywhere above applies too); when
    the path is not visible (a container shows its own cgroup as the root), base alone."""
    out = []
    rel = path.strip("/")
    while True:
        d = os.path.join(base, rel) if rel else base
        if os.path.isdir(d):
            out.append(d)
        if not rel:
            break
        rel = os.path.dirname(rel)
    return out or [base]


def cgroup_quota(root: str | None = None) -> float | None:
    """The CPU quota of this process's cgroups in CPUs (e.g. 1.5), or None when unlimited.

    cgroup v2: `cpu.max` ("max 100000" or "150000 100000"); cgroup v1: `cpu.cfs_quota_us` over
    `cpu.cfs_period_us` (-1: none).  The tightest limit along the path to the root counts."""
    root = root or CGROUP_ROOT
    own = _own_cgroups()
    quotas = []
    for d in _dirs_up(root, own.get("", "/")) + _dirs_up(os.path.join(root, "unified"), own.get("", "/")):
        text = _read(os.path.join(d, "cpu.max"))
        if text:
            fields = text.split()
            if len(fields) == 2 and fields[0] != "max":
                try:
                    quota, period = int(fields[0]), int(fields[1])
                except ValueError:
                    continue
                if quota > 0 and period > 0:
                    quotas.append(quota / period)
    v1_path = own.get("cpu", own.get("cpuacct", "/"))
    for name in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
        for d in _dirs_up(os.path.join(root, name), v1_path) if os.path.isdir(os.path.join(root, name)) else ():
            quota, period = _read(os.path.join(d, "cpu.cfs_quota_us")), _read(os.path.join(d, "cpu.cfs_period_us"))
            try:
                q, p = int(quota), int(period)
            except (TypeError, ValueError):
                continue
            if q > 0 and p > 0:
                quotas.append(q / p)
    return min(quotas) if quotas else None


def granted() -> int | None:
    """The share IMSFLOW_CORES gives this process (None: unset or not a positive integer)."""
    raw = os.environ.get(CORES_ENV, "").strip()
    try:
        n = int(raw)
    except ValueError:
        return None
    return n if n >= 1 else None


def usable() -> Cores:
    machine = os.cpu_count() or 1
    limits = {}
    mask = affinity()
    if mask is not None:
        limits["affinity"] = mask
    quota = cgroup_quota()
    if quota is not None:
        limits["cgroup quota"] = quota
    share = granted()
    if share is not None:
        limits[CORES_ENV] = share
    count = min([machine] + [max(1, math.ceil(v)) for v in limits.values()])
    return Cores(max(1, count), machine, limits)


def workers_for(requested: int | None, *, per_job: int = 1, jobs: int | None = None) -> tuple[int, str]:
    """(workers, why): how many jobs of `per_job` CPU-bound processes each to run at once.

    Never more than the usable cores allow (a larger `--workers` is capped, and `why` says so),
    never more than there are jobs, at least one."""
    cores = usable()
    per_job = max(1, per_job)
    room = max(1, cores.count // per_job)
    why = cores.describe()
    if per_job > 1:
        why += f", {per_job} processes per job"
    if requested is not None and requested > room:
        why = f"--workers {requested} capped at {room}: {why}"
        workers = room
    else:
        workers = requested or room
    if jobs is not None and 0 < jobs < workers:
        workers = jobs
    return max(1, workers), why


def share_for(workers: int, *, per_job: int = 1) -> int:
    """The cores each of `workers` workers may use itself (what IMSFLOW_CORES is set to there)."""
    return max(per_job, usable().count // max(1, workers))
