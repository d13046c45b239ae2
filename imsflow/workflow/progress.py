"""A progress bar on stderr for runs of many jobs: a redrawn bar on a terminal; otherwise (when
asked for with --progress, e.g. in CI logs) one line per tenth of the work and at least one every
half minute; nothing when not wanted."""

from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class ProgressBar:
    def __init__(self, total: int, label: str, *, enabled: bool | None = None, stream=None, width: int = 28):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.enabled = self.tty if enabled is None else enabled
        self.width = width
        self.start = time.perf_counter()
        self.done = 0
        self._last_tenth = -1
        self._last_line = self.start

    def line(self, note: str = "") -> str:
        frac = self.done / self.total
        filled = int(round(frac * self.width))
        elapsed = time.perf_counter() - self.start
        left = f", ~{_clock(elapsed / frac - elapsed)} left" if 0 < frac < 1 else ""
        text = (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                f"{frac:4.0%} {_clock(elapsed)} elapsed{left}")
        return f"{text}  {note}" if note else text

    def advance(self, note: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r" + self.line(note)[:150].ljust(100))
            self.stream.flush()
            return
        tenth = (10 * self.done) // self.total
        now = time.perf_counter()
        if tenth != self._last_tenth or now - self._last_line >= 30:
            self._last_tenth, self._last_line = tenth, now
            self.stream.write(self.line(note) + "\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\r" + self.line().ljust(100) + "\n")
            self.stream.flush()
