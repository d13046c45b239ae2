"""The explorer's memory budget: a share of the memory this machine can give, not a state count.

A state count says nothing about whether a search fits: a seed state costs about 250 bytes in
the native store and about 1.6 KB as Python tuples, and a flow with faults has ten times the
states of one without.  Memory is what runs out, so the default budget is a share of the memory
available now (MemAvailable, or the cgroup's limit when that is lower), split between the
searches that run at the same time.  The budget is printed with every summary, and a search that
reaches it gives `inconclusive` verdicts with the command that lifts it (`--max-memory none`).
"""

from __future__ import annotations

import os

SHARE = 0.5  # of the available memory: the rest is for the verdicts, the tables and everything else


def available_bytes() -> int | None:
    """Memory available to this process now: MemAvailable, capped by a cgroup limit; None when
    neither can be read (not Linux)."""
    found = []
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except OSError:
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = open(path).read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:
            used = _cgroup_used(path)
            found.append(max(int(text) - used, 0))
    return min(found) if found else None


def _cgroup_used(limit_path: str) -> int:
    usage = limit_path.replace("memory.max", "memory.current").replace("limit_in_bytes", "usage_in_bytes")
    try:
        return int(open(usage).read().strip())
    except (OSError, ValueError):
        return 0


def default_memory_budget(concurrent: int = 1) -> int | None:
    """The default budget of one search, in bytes: SHARE of the available memory, split between
    `concurrent` searches; None when the available memory cannot be read."""
    free = available_bytes()
    if free is None:
        return None
    return int(free * SHARE / max(concurrent, 1))


def describe(max_bytes: int | None) -> str:
    if max_bytes is None:
        return "no memory budget"
    return f"{max_bytes / 2**30:.1f} GiB"


def rss_bytes() -> int:
    """This process's resident memory (the Python search's measure; 0 when unreadable)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
