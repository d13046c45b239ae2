"""Static checks on a compiled system: what the compiler can tell before any search.

Errors (raise ModelError): a message sent to an entity that has no transition for it at all.
Warnings (returned): a declared state this configuration never reaches even with arbitrary
inputs; a message value that the receiver never handles in any state.
"""

from __future__ import annotations

from ..errors import ModelError


def static_checks(ts, entities) -> list[str]:
    warnings: list[str] = []
    handled = set()  # (channel, msg id) handled somewhere
    for a in ts.actions:
        if a.kind == "recv":
            handled.add((a.channel, a.msg))
    sent = {}
    for a in ts.actions:
        for c, m in a.sends:
            sent.setdefault((c, m), a)
    for (c, m), a in sent.items():
        if (c, m) in handled:
            continue
        ch = ts.channels[c]
        rcv = entities[ch.receiver]
        snd = entities[ch.sender]
        msg = ts.messages[m]
        trigger = f"recv:{snd.name}:{msg.name}"
        if trigger not in rcv.machine.events:
            raise ModelError(
                f"{snd.instance} sends {msg.name} to {rcv.instance}, which has no transition receiving it",
                where=a.where,
                hint=f"add T(..., on=recv({snd.name!r}, {msg.name!r})) to {rcv.name}, or stop sending it",
            )
        warnings.append(
            f"{rcv.instance} never handles {msg.label()} from {snd.instance} in any state it can be in "
            f"(sent at {a.where}); its arrival is an unhandled-message error"
        )
    for p, proc in enumerate(ts.processes):
        reached = {control for control, _ in proc.locals}
        for state in proc.states:
            if state not in reached:
                warnings.append(f"{proc.name}: state {state!r} is unreachable in this configuration")
    return warnings
