"""imsflow conform: can the model perform a flow as the editor wrote it?

The search is a breadth-first search over pairs (global state, index of the next written step)
of the compiled TransitionSystem.  From (s, k) an enabled action either

* performs written step k - its process is the step's sender and one of its sends goes to the
  step's receiver with the step's message (an internal step: the action's event, transition or
  received message has the step's name) - and leads to (s', k+1); or
* is an unwritten model step, allowed only
  - inside a range marked summarised ("standard IMS procedure"): before its arrow, or after an
    arrowless summarised range until the next step;
  - when the file allows the acting entity (`allow:`, or the step's `allow_before:`);
  - when the action sends nothing (a receipt that only changes state draws no arrow, so the
    editor cannot have written it),
  - with `observed:` (a flow imported from a capture), when it sends nothing the capture would
    have seen: no message of the observed protocol between two observed entities,
  and leads to (s', k).

One action may perform several consecutive written arrows (its sends, in any order).  A
template name the file uses while the configuration has several instances ("WIC" with two
WICs) binds to the first instance that acts as it and means that one for the rest of the flow:
the binding is part of the search node.
Preconditions `after:` name the flows that happened first: the model's scenario for `flow`
starts where they end (model/scenario.py), so they are checked by name, not re-run.

A matched arrow whose receiver is in a state with no transition for it is refused by the
receiver.  When no run performs every step, the report names the first step no run can take
(the one after the deepest progress), which entity refuses it and in what local state, what
that entity could do instead, and the run up to that point.  A search cut short by the state
bound is `inconclusive`, never `conforms`.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field

from ..errors import FlowFileError, ImsflowError
from ..system.trace import Trace, to_entries
from .flowfile import FlowFile, FlowStep

DEFAULT_MAX_STATES = 500_000
MAX_INSTEAD = 12  # alternatives listed for the refusing entity (the enabled ones first)
MAX_DIAGNOSED = 5_000  # frontier states examined to explain a divergence (BFS order: shortest first)


@dataclass
class Refusal:
    step: FlowStep
    entity: str  # the refusing instance
    state: str  # its local state label
    reason: str
    instead: list  # [str] what it could do in that state
    role: str  # "sender" or "receiver"

    def instance_lines(self) -> list:
        return self.instead

    def to_json(self) -> dict:
        return {"step": self.step.label, "line": self.step.line, "expected": self.step.text(),
                "entity": self.entity, "role": self.role, "state": self.state, "reason": self.reason,
                "could_instead": self.instead}


@dataclass
class Outcome:
    verdict: str  # "conforms" | "diverges" | "inconclusive"
    flow: FlowFile
    ts: object
    trace: Trace
    labels: list  # per trace action: the editor's label or None
    matched: int  # written steps performed
    refusal: Refusal | None = None
    stats: dict = field(default_factory=dict)
    reason: str = ""
    model_dir: str | None = None  # set when the model is not the built-in seed model

    @property
    def exit_code(self) -> int:
        return {"conforms": 0, "diverges": 1, "inconclusive": 3}[self.verdict]

    def entries(self) -> list[dict]:
        """The run as CONTRACTS.md trace entries, `step` carrying the editor's numbering."""
        entries = to_entries(self.ts, self.trace)
        for e in entries:
            e["step"] = self.labels[e["action"] - 1]
            e["model_step"] = self.ts.actions[self.trace.actions[e["action"] - 1]].step
        if self.refusal is not None:
            s = self.refusal.step
            entries.append({
                "action": len(self.trace.actions) + 1, "step": s.label, "entity": s.sender,
                "from": s.sender, "to": s.receiver or s.sender, "message": s.message or "",
                "label": s.message or "", "refused": True, "refused_by": self.refusal.entity,
                "violation": True,
            })
        return entries

    def to_json(self) -> dict:
        return {
            "flow_file": self.flow.path, "title": self.flow.title, "clause": self.flow.clause,
            "flow": self.flow.flow, "variant": dict(self.ts.config.variant), "wics": self.ts.config.wics,
            "verdict": self.verdict, "steps": len(self.flow.steps), "matched": self.matched,
            "divergence": self.refusal.to_json() if self.refusal else None,
            "reason": self.reason, "trace": self.entries(), "stats": self.stats,
        }


class _Matcher:
    """Step <-> action matching over one compiled system, with the names checked up front."""

    def __init__(self, ts, flow: FlowFile, vocabulary):
        self.ts, self.flow = ts, flow
        names = {p.name for p in ts.processes} | {p.template for p in ts.processes}
        for s in flow.steps:
            for who, key in ((s.sender, "from"), (s.receiver, "to")):
                if who is not None and who not in names:
                    raise FlowFileError(f"step {s.label}: unknown entity {who!r} in '{key}'",
                                        where=flow.where(s.line), known=sorted(names))
            if s.message is None:
                continue
            if s.internal:
                known = sorted(_internal_names(ts, s.sender))
                if s.message.lower() not in {n.lower() for n in known}:
                    raise FlowFileError(f"step {s.label}: {s.sender} has no event or transition {s.message!r}",
                                        where=flow.where(s.line), known=known,
                                        hint="an internal step names an event or transition of its entity")
            elif vocabulary is not None and not any(s.message.lower() == n.lower() for n in vocabulary.names()):
                raise FlowFileError(f"step {s.label}: unknown message {s.message!r}",
                                    where=flow.where(s.line), known=vocabulary.names())
        for name in (*flow.allow, *flow.observed):
            if name not in names:
                key = "allow" if name in flow.allow else "observed"
                raise FlowFileError(f"'{key}' names unknown entity {name!r}", where=flow.where_key(key),
                                    known=sorted(names))
        for s in flow.steps:
            for name in s.allow_before:
                if name != "*" and name not in names:
                    raise FlowFileError(f"step {s.label}: 'allow_before' names unknown entity {name!r}",
                                        where=flow.where(s.line), known=sorted(names))
        self.procs = [frozenset(ts.processes_named(s.sender)) if s.sender else frozenset() for s in flow.steps]
        instance_names = {p.name for p in ts.processes}
        self.templated = {n for st in flow.steps for n in (st.sender, st.receiver)
                          if n is not None and n not in instance_names and len(ts.processes_named(n)) > 1}
        self.recv_procs = [frozenset(ts.processes_named(s.receiver)) if s.receiver else frozenset()
                           for s in flow.steps]
        summarised_labels = {s.label for s in flow.steps if s.summarised}
        allowed = {p for p, proc in enumerate(ts.processes) if proc.name in flow.allow or proc.template in flow.allow}
        # free[k]: which processes may act unwritten while step k is next (None: any).
        self.free: list = []
        for k, s in enumerate(flow.steps):
            anyone = s.label in summarised_labels
            if k > 0 and flow.steps[k - 1].summarised and flow.steps[k - 1].message is None:
                anyone = True
            if anyone or "*" in s.allow_before:
                self.free.append(None)
            else:
                extra = {p for p, proc in enumerate(ts.processes)
                         if proc.name in s.allow_before or proc.template in s.allow_before}
                self.free.append(frozenset(allowed | extra))
        self.free.append(frozenset())
        self.observed = {p for p, proc in enumerate(ts.processes)
                         if proc.name in flow.observed or proc.template in flow.observed}
        self.types = vocabulary.types if vocabulary is not None else {}
        self.seen: dict = {}  # message id -> would the capture have seen it (ts.messages grows as it expands)

    def _unobserved(self, a) -> bool:
        """With an `observed:` set (a capture), an unwritten action is free unless it sends a
        message the capture would have seen: one of the observed protocol between observed entities."""
        if not self.observed:
            return False
        return not any(a.proc in self.observed and self.ts.channels[c].receiver in self.observed
                       and self._seen(mid) for c, mid in a.sends)

    def _seen(self, mid: int) -> bool:
        seen = self.seen.get(mid)
        if seen is None:
            name = self.ts.messages[mid].name
            protocol = getattr(self.types.get(name), "protocol", self.flow.observed_protocol)
            seen = self.seen[mid] = name not in self.flow.observed_except and protocol == self.flow.observed_protocol
        return seen

    @staticmethod
    def _internal_name(a, s: FlowStep) -> bool:
        want = s.message.lower()
        return a.trigger.lower() == want or a.transition.lower() == want

    def matches(self, aid: int, k: int) -> bool:
        s = self.flow.steps[k]
        a = self.ts.actions[aid]
        if a.proc not in self.procs[k]:
            return False
        if s.internal:
            return self._internal_name(a, s)
        for c, mid in a.sends:
            ch = self.ts.channels[c]
            msg = self.ts.messages[mid]
            if ch.receiver in self.recv_procs[k] and msg.name.lower() == s.message.lower() and _fields_match(msg, s.fields):
                return True
        return False

    def _fits(self, name: str | None, proc: int, bind: dict) -> dict | None:
        """`bind` extended so that the file's `name` is process `proc`, or None if it is bound
        to another instance.  A template name ("WIC" with two WICs) binds to the first instance
        that performs a step as it, and means that instance for the rest of the flow."""
        if name not in self.templated:
            return bind
        have = bind.get(name)
        if have is None:
            return {**bind, name: proc}
        return bind if have == proc else None

    def covers(self, aid: int, k: int, bind: tuple = ()) -> list:
        """The written steps from k that action `aid` performs, as [(next step index, binding)]
        for each prefix: one action may send several of the written arrows (the P-CSCF reserves
        the AGW and forwards the INVITE in one step), each matched by a different send, in any
        order."""
        a = self.ts.actions[aid]
        b = dict(bind)
        used: set = set()
        out = []
        j = k
        while j < len(self.flow.steps):
            s = self.flow.steps[j]
            if a.proc not in self.procs[j] or s.message is None:
                break
            nb = self._fits(s.sender, a.proc, b)
            if nb is None:
                break
            if s.internal:
                if not self._internal_name(a, s) or j > k and self.flow.steps[j - 1].internal:
                    break
            else:
                hit = None
                for i, (c, mid) in enumerate(a.sends):
                    rcv = self.ts.channels[c].receiver
                    if i in used or rcv not in self.recv_procs[j]:
                        continue
                    msg = self.ts.messages[mid]
                    if msg.name.lower() != s.message.lower() or not _fields_match(msg, s.fields):
                        continue
                    fitted = self._fits(s.receiver, rcv, nb)
                    if fitted is not None:
                        hit, nb = i, fitted
                        break
                if hit is None:
                    break
                used.add(hit)
            b = nb
            j += 1
            out.append((j, tuple(sorted(b.items()))))
        return out

    def allowed_senders(self, k: int, bind: tuple) -> list:
        """The processes that may perform step k under the binding of the node."""
        name = self.flow.steps[k].sender
        bound = dict(bind).get(name)
        return [bound] if bound is not None else sorted(self.procs[k])

    def sent_to_receiver(self, aid: int, k: int):
        """The (channel, message id) of the send that makes action `aid` perform step k."""
        s = self.flow.steps[k]
        for c, mid in self.ts.actions[aid].sends:
            ch = self.ts.channels[c]
            msg = self.ts.messages[mid]
            if ch.receiver in self.recv_procs[k] and msg.name.lower() == s.message.lower() and _fields_match(msg, s.fields):
                return c, mid
        return None

    def is_free(self, aid: int, k: int) -> bool:
        a = self.ts.actions[aid]
        if not a.sends:
            return True
        allowed = self.free[k]
        return allowed is None or a.proc in allowed or self._unobserved(a)

    def label_of_free(self, k: int) -> str | None:
        """The label an unwritten step carries in the drawing: the summarised range it is in."""
        if k < len(self.flow.steps) and self.flow.steps[k].summarised:
            return self.flow.steps[k].label
        steps = self.flow.steps
        j = k
        while j > 0 and steps[j - 1].summarised and steps[j - 1].message is None:
            j -= 1
        if j == k:
            return None
        # after consecutive arrowless ranges ("10" then "11-14") an unwritten step may belong to
        # any of them: it carries their joint span ("10-14")
        first, last = steps[j].first, steps[k - 1].last
        return str(first) if first == last else f"{first}-{last}"


def _internal_names(ts, entity: str) -> set:
    """The names an internal step of `entity` may use: its events, transition titles and the
    messages it receives (read from the entity definitions, which are complete even while the
    tables are still being filled in)."""
    from ..authoring.entity import Event, Recv

    out = set()
    for p in ts.processes_named(entity):
        e = ts.definitions[p]
        for t in e.transitions:
            if t.name:
                out.add(t.name)
            if isinstance(t.on, Event):
                out.add(t.on.name)
            elif isinstance(t.on, Recv):
                out.add(t.on.message)
    return out


def _fields_match(msg, fields: dict) -> bool:
    return all(str(msg.get(k)) == str(v) for k, v in fields.items())


def conform(flow: FlowFile, loaded, *, max_states: int = DEFAULT_MAX_STATES, to_end: bool = False) -> Outcome:
    """`to_end` (or the file's `complete: true`): the run must also reach the model flow's end."""
    from ..pipeline import compile_for  # late: the editors package must not need the pipeline to read files

    model = loaded.model
    if flow.flow is not None and flow.flow not in model.flows:
        raise FlowFileError(f"unknown model flow {flow.flow!r}", where=flow.where_key("flow"), known=list(model.flows))
    try:
        config = model.config(flow.flow, flow.settings, flow.wics)
    except ImsflowError as exc:
        key = "wics" if "wics" in exc.message else "settings"
        raise FlowFileError(f"preconditions: {exc.message}", where=flow.where_key(key), known=exc.known) from None
    for earlier in flow.after:
        if earlier not in model.flows:
            raise FlowFileError(f"preconditions.after names unknown flow {earlier!r}", where=flow.where_key("after"),
                                known=list(model.flows))
    ts = compile_for(loaded, config, [], eager=False)
    end = model.flows[flow.flow].goal if flow.flow is not None and (to_end or flow.complete) else None
    if (to_end or flow.complete) and end is None:
        raise FlowFileError("the run cannot be required to reach the flow's end: the file names no model 'flow'",
                            where=flow.where_key("flow"), hint="add 'flow: F1' (imsflow list flows)")
    outcome = search(ts, flow, model.vocabulary, max_states=max_states, end=end)
    from ..loader import default_model_dir

    if os.path.abspath(loaded.directory) != os.path.abspath(default_model_dir()):
        outcome.model_dir = loaded.directory
    return outcome


def search(ts, flow: FlowFile, vocabulary=None, *, max_states: int = DEFAULT_MAX_STATES, end: dict | None = None) -> Outcome:
    """`end`: an event pattern (the model flow's goal) some action of the run must match by the
    time the last written step is performed; a run that performs every step without it stops
    short of the flow's end and does not count."""
    import time

    from ..patterns.bind import match_event

    is_end: dict = {}

    def ends(aid) -> bool:
        if aid not in is_end:
            is_end[aid] = match_event(end, ts, aid) is not None
        return is_end[aid]

    def reaches_end(node) -> bool:
        while parent[node] is not None:
            node, aid, _ = parent[node]
            if ends(aid):
                return True
        return False

    stopped_short = None

    started = time.perf_counter()
    m = _Matcher(ts, flow, vocabulary)
    n_steps = len(flow.steps)
    start = (ts.initial_state(), _skip_arrowless(flow, 0), ())
    parent: dict = {start: None}  # node -> (previous node, action id, label)
    queue = deque([start])
    best = start
    refusals: dict[int, list] = {}  # step index -> [(node, Refusal)]
    transitions = 0
    cut = False
    goal = None
    while queue:
        node = queue.popleft()
        s, k, bind = node
        if k == n_steps:
            if end is None or reaches_end(node):
                goal = node
                break
            # Not yet: the end may come from receipts that send nothing (the WIC taking the
            # written 200), the only unwritten steps allowed after the last written one.
            stopped_short = stopped_short or node
        if k > best[1]:
            best = node
        succ, _unhandled = ts.expand(s)
        for aid, nxt in succ:
            transitions += 1
            for j, nbind in m.covers(aid, k, bind):
                refusal = _receiver_refusal(ts, m, aid, j - 1, s, nxt)
                if refusal is not None:
                    refusals.setdefault(j - 1, []).append((node, refusal))
                    break
                child = (nxt, _skip_arrowless(flow, j), nbind)
                if child not in parent:
                    parent[child] = (node, aid, flow.steps[k].label)
                    queue.append(child)
            # After the last written step: silent receipts, and the flow's final action itself
            # (the WIC taking the written 200 and answering it with an ACK).
            if m.is_free(aid, k) or k == n_steps and end is not None and ends(aid):
                child = (nxt, k, bind)
                if child not in parent:
                    parent[child] = (node, aid, m.label_of_free(k))
                    queue.append(child)
        if len(parent) > max_states:
            cut = True
            break
    stats = {"states": len(parent), "transitions": transitions,
             "seconds": round(time.perf_counter() - started, 3)}
    if goal is not None:
        actions, labels = _path(parent, goal)
        return Outcome("conforms", flow, ts, Trace(actions), labels, n_steps, stats=stats)
    if cut:
        actions, labels = _path(parent, best)
        return Outcome("inconclusive", flow, ts, Trace(actions), labels, best[1], stats=stats,
                       reason=f"search stopped at {max_states} states with {best[1]} of {n_steps} steps performed; "
                              f"raise the bound or write more of the steps")
    if stopped_short is not None:
        actions, labels = _path(parent, stopped_short)
        what = " ".join(f"{k} {v}" for k, v in end.items() if k != "entity")
        return Outcome("diverges", flow, ts, Trace(actions), labels, n_steps, stats=stats,
                       reason=f"all {n_steps} written steps are performed, but no such run reaches the end of "
                              f"model flow {flow.flow} ({end.get('entity')} {what}): the file stops before the "
                              f"flow's last step; write the missing steps")
    k = best[1]
    node, refusal = _diagnose(ts, m, flow, parent, k, refusals.get(k, []))
    actions, labels = _path(parent, node)
    trace = Trace(actions, highlight=None, note=f"step {flow.steps[k].label} refused by {refusal.entity}")
    return Outcome("diverges", flow, ts, trace, labels, k, refusal=refusal, stats=stats)


def _skip_arrowless(flow: FlowFile, k: int) -> int:
    """An arrowless summarised range is 'taken' at once; its unwritten steps come after it."""
    while k < len(flow.steps) and flow.steps[k].summarised and flow.steps[k].message is None:
        k += 1
    return k


def _path(parent: dict, node) -> tuple[list, list]:
    actions, labels = [], []
    while parent[node] is not None:
        prev, aid, label = parent[node]
        actions.append(aid)
        labels.append(label)
        node = prev
    return actions[::-1], labels[::-1]


def _receiver_refusal(ts, m: _Matcher, aid: int, k: int, s, nxt) -> Refusal | None:
    """The matched arrow lands at the head of the receiver's channel and the receiver, in its
    current state, has no transition for it: the receiver refuses the step."""
    sent = m.sent_to_receiver(aid, k)
    if sent is None:
        return None
    c, mid = sent
    if c in ts.set_channels or s[ts.n + c]:
        return None  # queued behind other messages, or a persistent set: not decidable here
    rcv = ts.channels[c].receiver
    if rcv == ts.actions[aid].proc:
        return None
    local = nxt[rcv]
    if ts.recv_action(rcv, local, c, mid) >= 0:
        return None
    proc = ts.processes[rcv]
    step = m.flow.steps[k]
    return Refusal(step, proc.name, proc.local_label(local),
                   f"{proc.name} has no transition for {ts.messages[mid].label()} from "
                   f"{ts.processes[ts.actions[aid].proc].name} in this state",
                   _could_do(ts, rcv, nxt), "receiver")


def _diagnose(ts, m: _Matcher, flow: FlowFile, parent: dict, k: int, receiver_refusals: list):
    """The failing step is flow.steps[k]; find who refuses it, preferring the explanation
    'the sender has no transition for it in its state' over 'the sender waits for something'."""
    step = flow.steps[k]
    frontier = [node for node in parent if node[1] == k][:MAX_DIAGNOSED]
    if receiver_refusals:
        return receiver_refusals[0]
    # Who could have sent what needs every transition of the sender's state: complete the tables.
    ts.saturate()
    by_local: dict = {}
    for a in ts.actions:
        by_local.setdefault((a.proc, a.source), []).append(a)
    candidates = []
    for node in frontier:
        s = node[0]
        for p in m.allowed_senders(k, node[2]):
            local = s[p]
            doing = [a for a in by_local.get((p, local), ()) if m.matches(a.id, k)]
            proc = ts.processes[p]
            label = proc.local_label(local)
            if not doing:
                rank = 0
                reason = f"{proc.name} has no transition that {_does(step)} in this state"
            else:
                rank = 1
                needs = sorted({_trigger_text(ts, a) for a in doing})
                reason = f"{proc.name} {_does(step)} only on {' or '.join(needs)}, which has not happened"
            path = _path(parent, node)[0]
            own = sum(1 for aid in path if ts.actions[aid].proc == p)
            busy = any(ts.actions[aid].proc == p for aid, _ in ts.expand(s)[0])
            candidates.append((rank, not busy, -own, len(path), node, p, label, reason))
    if not candidates:
        # The step's sender has no process in this configuration (filtered out earlier), or
        # the frontier is empty: report the initial state.
        node = min(frontier, key=lambda n: len(_path(parent, n)[0])) if frontier else next(iter(parent))
        return node, Refusal(step, step.sender or "?", "-", "no process can take this step", [], "sender")
    # The clearest explanation: "no transition" before "waits for"; a state where the refusing
    # entity is about to do something else (what it does instead) before one where it is idle;
    # then the state where it has done the most (what it has seen), reached by the shortest run
    # (no unrelated unwritten steps).
    candidates.sort(key=lambda c: c[:4])
    node, p, label, reason = candidates[0][4:]
    return node, Refusal(step, ts.processes[p].name, label, reason, _could_do(ts, p, node[0]), "sender")


def _does(step: FlowStep) -> str:
    if step.internal:
        return f"performs {step.message!r}"
    return f"sends {step.message} to {step.receiver}"


def _trigger_text(ts, a) -> str:
    if a.kind == "recv":
        return f"receipt of {ts.messages[a.msg].label()} from {ts.processes[ts.channels[a.channel].sender].name}"
    return f"event {a.trigger}"


def _could_do(ts, p: int, s) -> list[str]:
    """What process p could do in its local state in `s`: each transition, marked enabled or not."""
    ts.saturate()
    enabled, waiting = [], []
    local = s[p]
    for a in ts.actions:
        if a.proc != p or a.source != local:
            continue
        on = ts.enabled(s, a.id)
        text = f"{ts.action_text(a.id)} [{'enabled' if on else 'waits for ' + _trigger_text(ts, a)}]"
        bucket = enabled if on else waiting
        if text not in bucket:
            bucket.append(text)
    out = enabled + waiting
    if len(out) > MAX_INSTEAD:
        out = out[:MAX_INSTEAD] + [f"... and {len(out) - MAX_INSTEAD} more transitions in this state"]
    return out or [f"nothing: {ts.processes[p].name} has no transition in state {ts.processes[p].local_label(local)}"]
