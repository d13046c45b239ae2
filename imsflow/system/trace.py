"""Traces: a run of the TransitionSystem as a list of actions, in three forms.

* `Trace` - action ids plus where a lasso's loop starts and which step violates;
* JSON entries (CONTRACTS.md): one entry per message an action sends (an action that sends
  nothing gives one internal entry with `to` equal to `from`), each carrying the action it
  belongs to, and the readable global state after the action on the action's last entry;
* a numbered listing for the terminal.

`replay` re-runs JSON entries through a freshly compiled system and fails loudly at the first
action the model no longer performs, or whose resulting state differs from the recorded one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TraceError


@dataclass
class Trace:
    actions: list  # action ids from the initial state
    loop_start: int | None = None  # index into `actions` where a lasso's cycle begins
    highlight: int | None = None  # index of the violating action
    note: str = ""

    def states(self, ts) -> list:
        """Global states after each action (index 0 is the initial state)."""
        s = ts.initial_state()
        out = [s]
        for aid in self.actions:
            s = ts.apply(s, aid)
            if s is None:
                raise TraceError(f"action {ts.action_text(aid)} is blocked (a channel is full)")
            out.append(s)
        return out


def _proc_state(ts, s) -> dict:
    d = ts.describe(s)
    d.pop("monitors", None)
    return d


def to_entries(ts, trace: Trace, *, with_state: bool = True) -> list[dict]:
    entries = []
    states = trace.states(ts)
    for k, aid in enumerate(trace.actions):
        a = ts.actions[aid]
        proc = ts.processes[a.proc]
        received = ts.messages[a.msg] if a.msg is not None else None
        sender = ts.sender_of(aid)
        base = {
            "action": k + 1,
            "step": a.step,
            "entity": proc.name,
            "kind": a.kind,
            "event": a.trigger,
            "received": {"from": sender, "message": received.label()} if received else None,
            "transition": a.transition,
            "target": proc.control(a.target, a.context),
        }
        if a.context:
            base["context"] = a.context
        if a.tags:
            base["tags"] = sorted(a.tags)
        if trace.loop_start is not None and k >= trace.loop_start:
            base["loop"] = True
        if trace.highlight == k:
            base["violation"] = True
        sends = ts.sent(aid)
        group = []
        if sends:
            for dest, msg in sends:
                e = dict(base)
                e.update({"from": proc.name, "to": dest, "message": msg.name, "label": msg.label()})
                group.append(e)
        else:
            e = dict(base)
            what = received.label() if received else a.trigger
            e.update({"from": proc.name, "to": proc.name, "message": what, "label": _internal_label(a, received)})
            group.append(e)
        if with_state:
            group[-1]["state"] = _proc_state(ts, states[k + 1])
        entries.extend(group)
    return entries


def _internal_label(a, received) -> str:
    if received is not None:
        return f"{received.label()} received"
    return a.transition


def listing(ts, trace: Trace, title: str = "") -> str:
    """A numbered listing a person can read in one look."""
    lines = [title] if title else []
    for k, aid in enumerate(trace.actions):
        a = ts.actions[aid]
        mark = ">>" if trace.highlight == k else "  "
        step = f"[{a.step}]" if a.step else ""
        if trace.loop_start == k:
            lines.append("     -- the cycle below repeats forever --")
        lines.append(f"{mark}{k + 1:3}. {step:8} {ts.action_text(aid)}")
    if trace.note:
        lines.append(f"     ({trace.note})")
    return "\n".join(lines)


def replay(ts, entries: list[dict]) -> list:
    """Replay JSON entries; returns the action ids, or raises TraceError at the first mismatch."""
    groups: dict[int, list[dict]] = {}
    for e in entries:
        if "action" not in e or "entity" not in e:
            raise TraceError("a trace entry has no 'action'/'entity': this is not an imsflow trace")
        groups.setdefault(e["action"], []).append(e)
    s = ts.initial_state()
    actions = []
    for k in sorted(groups):
        first = groups[k][0]
        candidates = []
        succ, _ = ts.expand(s)
        for aid, nxt in succ:
            a = ts.actions[aid]
            if ts.processes[a.proc].name != first["entity"] or a.trigger != first["event"]:
                continue
            rec = first.get("received")
            if rec:
                if ts.sender_of(aid) != rec["from"] or ts.messages[a.msg].label() != rec["message"]:
                    continue
            candidates.append((aid, nxt))
        if not candidates:
            enabled = "; ".join(ts.action_text(aid) for aid, _ in succ) or "nothing"
            what = first["event"] + (f" ({first['received']['message']} from {first['received']['from']})"
                                     if first.get("received") else "")
            raise TraceError(
                f"trace does not replay: action {k} ({first['entity']}: {what}) is not enabled; "
                f"enabled instead: {enabled}",
                hint="the model has changed since the trace was saved; re-run 'imsflow check'",
            )
        aid, s = candidates[0]
        recorded = groups[k][-1].get("state")
        if recorded is not None:
            now = _proc_state(ts, s)
            if now != recorded:
                diff = sorted(key for key in set(now) | set(recorded) if now.get(key) != recorded.get(key))
                raise TraceError(
                    f"trace does not replay: after action {k} the state differs in {', '.join(diff)}; "
                    f"recorded {[recorded.get(d) for d in diff]}, replay gives {[now.get(d) for d in diff]}",
                    hint="the model has changed since the trace was saved",
                )
        actions.append(aid)
    return actions
