"""Drive SPIN on an exported model: `spin -a`, `gcc`, `./pan`, and read the answers back.

Anything pan prints that is not a finished search - an error, a warning, a truncation (e.g.
"too many processes -- current max is 6 procs (-DNFAIR=2)") - raises SpinError: it is a
failure of the cross-check, never a verdict.  The liveness binary is compiled with enough
-DNFAIR for the export's processes (one per fairness class, emit.py).

One safety binary (-DNOCLAIM -DSAFETY) runs with `-c0` so that the search goes on after an
error and covers the whole state space: every `assertion violated ... MARK_x` line it prints
names a property (emit.py), and "states, stored" is the number to compare with the explicit
explorer (with -DNOREDUCE, no partial-order reduction, the two are equal: see
tests/promela).  A second binary, only when the model has `ltl` claims, checks each response
property with `pan -a -f -N name` (acceptance cycles under weak fairness; -A: the trigger assertions are for the safety run).

A counterexample is read back into an imsflow Trace: pan is re-run to stop at the error
(`-cN`) and write its trail, and `spin -t` replays it; every d_step prints
"IMSFLOW_ACTION <id>", so the trail is a list of action ids (and, for a cycle, where the
"START OF CYCLE" mark falls).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from ...errors import ImsflowError
from ...patterns.obligations import AllHandled, MonitorOk, Never, NoDeadlock, Reach, Respond
from ...system.trace import Trace
from .emit import ACTION_TAG, PromelaModel


class SpinError(ImsflowError):
    """SPIN, gcc or pan failed, or is not installed."""


def spin_available() -> bool:
    return shutil.which("spin") is not None and shutil.which("gcc") is not None


@dataclass
class SpinResult:
    states: int = 0
    transitions: int = 0
    complete: bool = True
    violated: set = field(default_factory=set)  # markers / claim names that SPIN reported
    first_error: dict = field(default_factory=dict)  # marker -> pan error number
    seconds: dict = field(default_factory=dict)  # spin, gcc, pan (and gcc_ltl, pan_ltl)
    output: str = ""

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


_ERR_LINE = re.compile(r"^pan:(\d+): assertion violated .*?\b(MARK_\w+)")
_STORED = re.compile(r"^\s*(\d+) states, stored", re.M)
_TRANS = re.compile(r"^\s*(\d+) transitions", re.M)


class Spin:
    """One exported model in a working directory; `check()` runs it."""

    def __init__(self, model: PromelaModel, *, workdir: str | None = None, por: bool = False,
                 max_depth: int = 100_000, memlim_mb: int = 8192, optimize: str = "-O0"):
        if not spin_available():
            raise SpinError("SPIN cross-check needs `spin` and `gcc` on PATH",
                            hint="install them with scripts/setup.sh (apt-get install spin gcc)")
        self.model = model
        self.own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix="_spin_")
        self.por = por
        self.max_depth = max_depth
        self.memlim = memlim_mb
        self.optimize = optimize
        self.gcc_timeout = None
        self.pml = os.path.join(self.dir, "model.pml")
        with open(self.pml, "w", encoding="utf-8") as fh:
            fh.write(model.text)
        self._generated = False

    def close(self) -> None:
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- the three tools ------------------------------------------------------------------
    def _run(self, argv, what: str, timeout=None) -> str:
        try:
            proc = subprocess.run(argv, cwd=self.dir, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SpinError(f"{what} did not finish within {timeout} s") from None
        if proc.returncode != 0 and not argv[0].endswith("pan") and "pan" not in os.path.basename(argv[0]):
            raise SpinError(f"{what} failed (exit {proc.returncode}): {(proc.stderr or proc.stdout)[-2000:]}")
        return proc.stdout + proc.stderr

    def generate(self, seconds: dict) -> None:
        if self._generated:
            return
        t = time.perf_counter()
        self._run(["spin", "-a", "model.pml"], "spin -a")
        seconds["spin"] = time.perf_counter() - t
        self._generated = True

    def compile(self, name: str, defines: list, seconds: dict, key: str) -> str:
        t = time.perf_counter()
        flags = [f"-D{d}" for d in defines] + [f"-DMEMLIM={self.memlim}"]
        if not self.por:
            flags.append("-DNOREDUCE")
        self._run(["gcc", self.optimize, *flags, "-o", name, "pan.c"], f"gcc ({' '.join(flags)})",
                  timeout=self.gcc_timeout)
        seconds[key] = time.perf_counter() - t
        return os.path.join(self.dir, name)

    # ---- checks -----------------------------------------------------------------------------
    def check(self, *, liveness: bool = True, timeout: float | None = None) -> SpinResult:
        """Both runs.  Whatever pan says that is not a finished search - an error, a warning,
        a truncated search - is a SpinError, never a verdict: "no acceptance cycle" read off a
        run that stopped at once ("too many processes") would be a vacuous `holds`."""
        res = SpinResult()
        self.generate(res.seconds)
        pan = self.compile("pan_safety", ["NOCLAIM", "SAFETY"], res.seconds, "gcc")
        t = time.perf_counter()
        out = self._run([pan, "-c0", f"-m{self.max_depth}"], "pan", timeout=timeout)
        while "max search depth too small" in out and self.max_depth < 100_000_000:
            self.max_depth *= 10  # deep but narrow spaces: retry with a deeper stack
            out = self._run([pan, "-c0", f"-m{self.max_depth}"], "pan", timeout=timeout)
        res.seconds["pan"] = time.perf_counter() - t
        res.output = out
        _refuse_incomplete(out, "pan (safety)", stopped_on_error=False)
        self._read_safety(out, res)
        if liveness and self.model.claims:
            # Weak fairness (-f) keeps a copy of the state per process; pan refuses to start
            # ("too many processes -- current max is 6 procs (-DNFAIR=2)") unless
            # 4 * NFAIR > processes + 1, where the never claim is a process too.
            live = self.compile("pan_live", [f"NFAIR={nfair(self.model.processes)}"], res.seconds, "gcc_ltl")
            t = time.perf_counter()
            for claim in self.model.claims:
                lout = self._live(live, claim, timeout)
                res.output += lout
                found = re.search(r"errors: [1-9]", lout) is not None
                # pan stops at the first acceptance cycle: a search cut short by it is fine
                _refuse_incomplete(lout, f"pan -a -f -N {claim}", stopped_on_error=found)
                if found:
                    res.violated.add(claim)
            res.seconds["pan_ltl"] = time.perf_counter() - t
        return res

    def _live(self, pan: str, claim: str, timeout) -> str:
        out = self._run([pan, "-a", "-f", "-A", f"-m{self.max_depth}", "-N", claim], "pan -a", timeout=timeout)
        while "max search depth too small" in out and self.max_depth < 100_000_000:
            self.max_depth *= 10
            out = self._run([pan, "-a", "-f", "-A", f"-m{self.max_depth}", "-N", claim], "pan -a", timeout=timeout)
        return out

    def _read_safety(self, out: str, res: SpinResult) -> None:
        m = _STORED.search(out)
        if m is None:
            raise SpinError(f"pan printed no state count: {out[-2000:]}")
        res.states = int(m.group(1))
        m = _TRANS.search(out)
        res.transitions = int(m.group(1)) if m else 0
        if "max search depth too small" in out or "Search not completed" in out:
            res.complete = False
        for line in out.splitlines():
            m = _ERR_LINE.match(line)
            if m:
                res.violated.add(m.group(2))
                res.first_error.setdefault(m.group(2), int(m.group(1)))

    # ---- trails -----------------------------------------------------------------------------
    def trace_for(self, res: SpinResult, marker: str) -> Trace | None:
        """The run SPIN found for a marker (assertion) or a claim (acceptance cycle)."""
        for f in os.listdir(self.dir):
            if f.endswith(".trail"):
                os.remove(os.path.join(self.dir, f))
        if marker in self.model.claims:
            pan = os.path.join(self.dir, "pan_live")
            self._run([pan, "-a", "-f", "-A", f"-m{self.max_depth}", "-N", marker], "pan -a")
            replay = ["spin", "-t", "model.pml"]
        else:
            n = res.first_error.get(marker)
            if n is None:
                return None
            pan = os.path.join(self.dir, "pan_safety")
            self._run([pan, f"-c{n}", f"-m{self.max_depth}"], "pan -c")
            replay = ["spin", "-t", "model.pml"]
        if not os.path.exists(os.path.join(self.dir, "model.pml.trail")):
            return None
        return parse_replay(self._run(replay, "spin -t"))


def nfair(processes: int) -> int:
    """The -DNFAIR a weak-fairness run needs: pan refuses when processes + claim + 1 reaches
    8 * NFAIR / 2 (the check in pan.c's addproc)."""
    return max(2, (processes + 2) // 4 + 1)


# What a finished search prints and nothing else may say: any other "error" or "warning" line
# of pan, or a search it did not complete, makes the cross-check fail rather than answer.
_PAN_TROUBLE = re.compile(r"error|warning|not completed|too small|out of memory|is full|too many", re.I)
_PAN_EXPECTED = ("pan: wrote", "assertion violated", "acceptance cycle", "errors: 0", "errors: 1",
                 "assertion violations", "pan: ltl formula",
                 "only one claim defined, -N ignored")  # -N names the one claim there is: harmless


def _refuse_incomplete(out: str, what: str, *, stopped_on_error: bool) -> None:
    trouble = []
    for line in out.splitlines():
        line = line.strip()
        if not _PAN_TROUBLE.search(line) or any(ok in line for ok in _PAN_EXPECTED):
            continue
        if re.match(r"pan:\d+: ", line) or line.startswith("State-vector"):
            continue  # an error pan found in the model ("pan:1: assertion violated ..."): a result
        if stopped_on_error and "search not completed" in line.lower():
            continue  # pan stops at the first acceptance cycle
        trouble.append(line)
    if "states, stored" not in out and not stopped_on_error:
        trouble.append("no state count: the search did not run")
    if trouble:
        raise SpinError(f"{what} did not complete a search, so it gives no verdict: {'; '.join(trouble[:3])}",
                        hint="the Promela export or the pan options need fixing; see backends/promela/run.py")


def parse_replay(text: str) -> Trace:
    """Action ids printed by the d_steps of a `spin -t` replay, and where a cycle starts."""
    actions, loop = [], None
    for line in text.splitlines():
        if "START OF CYCLE" in line:
            loop = len(actions)
            continue
        m = re.search(rf"{ACTION_TAG} (\d+)", line)
        if m:
            actions.append(int(m.group(1)))
    return Trace(actions, loop_start=loop, note="found by SPIN")


def verdicts(model: PromelaModel, res: SpinResult) -> dict:
    """property id -> 'holds' | 'violated' | 'vacuous' | 'inconclusive', read the way the
    explicit checker reads its own search (checker.py), from what SPIN reported."""
    hit = {model.markers[m] for m in res.violated if m in model.markers}
    claims = {model.claims[c] for c in res.violated if c in model.claims}
    out = {}
    for pid, ob in model.checked.items():
        violated = (pid, "violation") in hit or pid in model.initially_violated
        match ob:
            case Never() | MonitorOk() | NoDeadlock() | AllHandled():
                if violated:
                    out[pid] = "violated"
                elif not res.complete:
                    out[pid] = "inconclusive"
                elif isinstance(ob, MonitorOk) and ob.needs_trigger and (pid, "trigger") not in hit:
                    out[pid] = "vacuous"
                else:
                    out[pid] = "holds"
            case Respond():
                if not res.complete:
                    out[pid] = "inconclusive"
                elif (pid, "trigger") not in hit:
                    out[pid] = "vacuous"
                else:
                    out[pid] = "violated" if pid in claims else "holds"
            case Reach():
                if (pid, "goal") in hit:
                    out[pid] = "holds"
                else:
                    out[pid] = "inconclusive" if not res.complete else "violated"
            case _:
                out[pid] = "inconclusive"
    return out
