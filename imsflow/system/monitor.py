"""Property monitors: small bitset automata composed with the system.

Every event pattern of a property compiles to the same kind of monitor: a bitset, one bit per key value (per identity, per WIC...), and for each action a few
operations on it.  Because the monitor is part of the TransitionSystem, the explorer, the Z3
encoding and the Promela export all see a property the same way.

    ARM b      set bit b                      ("A happened for key b")
    CHECK b    error unless bit b is set      ("B needs A first")
    CONSUME b  CHECK b, then clear it         ("each challenge answered at most once")
    DISARM b   clear bit b                    ("B answered the pending A")
    FAIL       error                          ("this never happens")

Within one action the operations run in that order (ARM first), so an action that is both the
cause and the effect - the WST receiving the IMS 200 and sending 200 to the WIC in one atomic
step - counts the cause as first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERR = -1

ARM, CHECK, CONSUME, DISARM, FAIL = "arm", "check", "consume", "disarm", "fail"
OP_ORDER = {ARM: 0, CHECK: 1, CONSUME: 1, DISARM: 2, FAIL: 3}


@dataclass
class Monitor:
    """Filled in as actions are compiled (tables are built on demand): `ops` and `triggers`
    grow with them, and `keys` gains a bit for each new key value."""

    property: str  # the id of the property it observes
    ops: dict = field(default_factory=dict)  # action id -> ((op, bit), ...) in OP_ORDER
    keys: list = field(default_factory=list)  # bit -> key label
    triggers: set = field(default_factory=set)  # actions that make it non-vacuous

    @staticmethod
    def step(state: int, ops) -> int:
        if state == ERR:
            return ERR
        for op, bit in ops:
            mask = 1 << bit
            if op == ARM:
                state |= mask
            elif op == CHECK:
                if not state & mask:
                    return ERR
            elif op == CONSUME:
                if not state & mask:
                    return ERR
                state &= ~mask
            elif op == DISARM:
                state &= ~mask
            else:  # FAIL
                return ERR
        return state

    def pending(self, state: int) -> bool:
        """Some armed request is still waiting for its answer."""
        return state != ERR and state != 0
