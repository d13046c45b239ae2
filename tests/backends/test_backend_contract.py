"""The back-end contract: one class of cases, run against every engine.

Each case is a tiny system with one property whose verdict is known by construction.  Every
back-end gets the same compiled system and the same lowered obligations (Backend protocol),
and must give that verdict - or `inconclusive` with a reason where it declares that it does
not decide that kind of obligation, never a conclusive wrong answer.  Traces of violations
(and of reachability witnesses) must replay through the system and end where they claim.
"""

from __future__ import annotations

import os
import sys

import pytest

from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.backends.promela.backend import SpinChecker, spin_available
from imsflow.backends.protocol import Backend
from imsflow.backends.z3.checker import Z3Checker
from imsflow.compiler import compile_model
from imsflow.patterns.bind import bind
from imsflow.patterns.lowering import lower
from imsflow.patterns.obligations import (AllHandled, MonitorOk, Never, NoDeadlock, Reach, Respond)
from imsflow.patterns.spec import BUILTINS, Property
from imsflow.patterns.verdict import Verdict

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "engine"))
import engine_toys as toys  # noqa: E402

HOLDS, VIOLATED, VACUOUS = Verdict.HOLDS, Verdict.VIOLATED, Verdict.VACUOUS


def _prop(pid, kind, **spec):
    return Property(id=pid, kind=kind, statement=pid, clause="contract test", spec=spec)


def _builtin(pid):
    return next(p for p in BUILTINS if p.id == pid)


REQ_SENT = {"entity": "CLIENT", "sends": "REQ"}
RSP_RECEIVED = {"entity": "CLIENT", "receives": "RSP"}
ANSWERING = [toys.Client, toys.LoopingServer]

# (case id, entities, property, obligation type it lowers to, verdict)
CASES = [
    ("deadlock", [toys.WaitsForB, toys.WaitsForA], _builtin("deadlock-free"), NoDeadlock, VIOLATED),
    ("no-deadlock", ANSWERING, _builtin("deadlock-free"), NoDeadlock, HOLDS),
    ("unhandled", [toys.Pinger, toys.DeafPonger], _builtin("every-message-handled"), AllHandled, VIOLATED),
    ("all-handled", ANSWERING, _builtin("every-message-handled"), AllHandled, HOLDS),
    ("absence-broken", ANSWERING, _prop("no-rsp", "absence", event={"entity": "SERVER", "sends": "RSP"}),
     MonitorOk, VIOLATED),
    ("absence-kept", [toys.Client, toys.SilentServer],
     _prop("no-rsp", "absence", event={"entity": "SERVER", "sends": "RSP"}), MonitorOk, HOLDS),
    ("precedence-kept", ANSWERING, _prop("rsp-after-req", "precedence", first=REQ_SENT, then=RSP_RECEIVED),
     MonitorOk, HOLDS),
    ("precedence-broken", ANSWERING,
     _prop("req-after-rsp", "precedence", first=RSP_RECEIVED, then={"entity": "SERVER", "receives": "REQ"}),
     MonitorOk, VIOLATED),
    ("precedence-vacuous", [toys.Client, toys.SilentServer],
     _prop("rsp-after-req", "precedence", first=REQ_SENT, then=RSP_RECEIVED), MonitorOk, VACUOUS),
    ("only-from-kept", ANSWERING,
     _prop("req-from-client", "only-from", accept={"entity": "SERVER", "receives": "REQ"}, allowed=["CLIENT"]),
     MonitorOk, HOLDS),
    ("only-from-broken", ANSWERING,
     _prop("req-from-nobody", "only-from", accept={"entity": "SERVER", "receives": "REQ"}, allowed=["SERVER"]),
     MonitorOk, VIOLATED),
    ("response-fair", ANSWERING, _prop("answered", "response", trigger=REQ_SENT, response=RSP_RECEIVED),
     Respond, HOLDS),
    ("response-acyclic", [toys.Client, toys.PromptServer],
     _prop("answered", "response", trigger=REQ_SENT, response=RSP_RECEIVED), Respond, HOLDS),
    ("response-stops", [toys.Client, toys.SilentServer],
     _prop("answered", "response", trigger=REQ_SENT, response=RSP_RECEIVED), Respond, VIOLATED),
    ("response-loops", [toys.Client, toys.StubbornServer],
     _prop("answered", "response", trigger=REQ_SENT, response=RSP_RECEIVED), Respond, VIOLATED),
    ("reach-goal", ANSWERING, _prop("answer-arrives", "reachability", goal=RSP_RECEIVED), Reach, HOLDS),
    ("reach-none", [toys.Client, toys.SilentServer],
     _prop("answer-arrives", "reachability", goal=RSP_RECEIVED), Reach, VIOLATED),
    ("reach-state", ANSWERING,
     _prop("client-done", "reachability", goal_state={"entity": "CLIENT", "state": "done"}), Reach, HOLDS),
    ("never-broken", ANSWERING, _prop("never-done", "invariant", never={"entity": "CLIENT", "state": "done"}),
     Never, VIOLATED),
    ("never-kept", [toys.Client, toys.SilentServer],
     _prop("never-done", "invariant", never={"entity": "CLIENT", "state": "done"}), Never, HOLDS),
]


def _system(entities, prop):
    """The case's property, with every-message-handled beside it (an engine may read one
    verdict in the light of the other, as SPIN does for responses)."""
    props = [prop] if prop.id == "every-message-handled" else [prop, _builtin("every-message-handled")]
    m = toys.model(entities)
    ts = compile_model(m, m.config(), props, bind=bind, eager=True)
    return ts, lower(props, ts)


class BackendContract:
    """Subclasses say which engine, and which obligation types it does not decide."""

    undecided: tuple = ()
    # case id -> why this engine may only answer `inconclusive` there (and must then say why)
    inconclusive_cases: dict = {}
    # case id -> why this engine is known to answer it wrongly (pinned: a fix must update it)
    known_wrong: dict = {}

    def backend(self) -> Backend:
        raise NotImplementedError

    def test_implements_the_protocol(self):
        assert isinstance(self.backend(), Backend)

    @pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
    def test_known_verdict(self, case):
        cid, entities, prop, ob_type, want = case
        ts, obligations = _system(entities, prop)
        assert type(obligations[0]) is ob_type  # the lowering, once, for every engine
        outcomes, stats = self.backend().check(ts, obligations, label="contract")
        assert [o.property for o in outcomes] == [ob.property for ob in obligations]
        assert isinstance(stats, dict) and "seconds" in stats
        got = outcomes[0]
        if ob_type in self.undecided or cid in self.inconclusive_cases:
            assert got.verdict is Verdict.INCONCLUSIVE and got.reason, got
            return
        if cid in self.known_wrong:
            assert got.verdict is not want, f"fixed? update known_wrong: {self.known_wrong[cid]}"
            return
        assert got.verdict is want, got
        if got.verdict is VIOLATED and ob_type is not Reach:
            assert got.reason
            if got.trace is not None and got.trace.actions:
                got.trace.states(ts)  # replays (raises TraceError otherwise)
        if got.verdict is HOLDS and ob_type is Reach and got.trace is not None and got.trace.actions:
            final = got.trace.states(ts)[-1]
            ob = obligations[0]
            assert (got.trace.actions[-1] in ob.goal) if ob.goal is not None else ob.goal_state.compile(ts)(final)


class TestExplicit(BackendContract):
    def backend(self):
        return ExplicitChecker(progress=False)


class TestExplicitUnreduced(BackendContract):
    def backend(self):
        return ExplicitChecker(progress=False, por=False, symmetry=False)


class TestZ3(BackendContract):
    # A response property on a system with cycles: BMC finds the terminal and the fair-lasso
    # violations, but proves `holds` only when every run is finite (F1-F5 are).
    inconclusive_cases = {"response-fair": "the server's 'think' loop is a cycle: no bound covers every run"}

    def backend(self):
        # Every toy's runs end within a few steps: BMC exhausts them, so no time budget is needed.
        return Z3Checker(depth=12, timeout=0)


@pytest.mark.skipif(not spin_available(), reason="SPIN and gcc are not installed (scripts/setup.sh installs them)")
class TestSpin(BackendContract):
    def backend(self):
        return SpinChecker()
