"""A progress bar on stderr for runs of many jobs: a redrawn bar on a terminal; otherwise (when
asked for with --progress, e.g. in CI logs) one line per tenth of the work and at least one every
half minute; nothing when not wanted.

It counts runs and the states they explored, and estimates the time left from what the runs
cost, not from how many there are: runs of one flow cost alike and runs of different flows do
not (an F1 run explores dozens of states, an F6 run with faults hundreds of thousands), so a bar
that counted runs sat at "86 % ~0:01 left" while the big ones ran.  Each job may carry a group
(its flow); a job still to run is estimated at the mean cost of its group's finished runs (or
of all finished runs, when none of its group has finished), and the checking time still to do
is divided by the rate at which the workers have been getting through checking time so far.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class ProgressBar:
    def __init__(self, total: int, label: str, *, enabled: bool | None = None, stream=None, width: int = 28,
                 groups=None, clock=time.perf_counter):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.enabled = self.tty if enabled is None else enabled
        self.width = width
        self.clock = clock
        self.start = clock()
        self.done = 0
        self.states = 0
        self.groups = list(groups) if groups is not None else [None] * total
        self.pending = Counter(self.groups)  # group -> jobs not yet done
        self.costs: dict = defaultdict(list)  # group -> checking seconds of its finished runs
        self._last_tenth = -1
        self._last_line = self.start

    def left(self) -> float | None:
        """Estimated wall-clock seconds still to go, or None before anything is known."""
        elapsed = self.clock() - self.start
        spent = sum(sum(c) for c in self.costs.values())
        finished = sum(len(c) for c in self.costs.values())
        if finished == 0 or spent <= 0 or elapsed <= 0:
            frac = self.done / self.total
            return elapsed / frac - elapsed if 0 < frac < 1 else None
        overall = spent / finished
        to_do = sum(n * (sum(self.costs[g]) / len(self.costs[g]) if self.costs[g] else overall)
                    for g, n in self.pending.items() if n > 0)
        rate = spent / elapsed  # checking seconds done per wall-clock second (about the busy workers)
        return to_do / rate

    def line(self, note: str = "") -> str:
        frac = self.done / self.total
        filled = int(round(frac * self.width))
        elapsed = self.clock() - self.start
        left = self.left() if self.done < self.total else None
        eta = f", ~{_clock(left)} left" if left is not None else ""
        text = (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} runs "
                f"{frac:4.0%}, {self.states:,} states; {_clock(elapsed)} elapsed{eta}")
        return f"{text}  {note}" if note else text

    def advance(self, note: str = "", *, job: int | None = None, states: int = 0, seconds: float | None = None) -> None:
        """One job done: `job` its index (for its group), `states` it explored, `seconds` of
        checking it took (None: it was answered without running, at no cost)."""
        self.done += 1
        self.states += states
        group = self.groups[job] if job is not None and job < len(self.groups) else None
        if self.pending[group] > 0:
            self.pending[group] -= 1
        elif self.pending:
            # No index given: count it against the group with the most left (the estimate only).
            self.pending[max(self.pending, key=self.pending.get)] -= 1
        if seconds is not None:
            self.costs[group].append(max(seconds, 1e-6))
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r" + self.line(note)[:150].ljust(100))
            self.stream.flush()
            return
        tenth = (10 * self.done) // self.total
        now = self.clock()
        if tenth != self._last_tenth or now - self._last_line >= 30:
            self._last_tenth, self._last_line = tenth, now
            self.stream.write(self.line(note) + "\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\r" + self.line().ljust(100) + "\n")
            self.stream.flush()
