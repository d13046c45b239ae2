"""C1 (no action dependent on the ample set can happen before it): a set read that another
process's reset turns from a no-op into a violation.

B sends M into a persistent set (go) and may then `reset`; A opens, reads M in place while
listening, and may close.  The precedence "A reads M only while B's go is armed" is violated
in 4 steps: B go, A open, B reset, A reads M (ground truth: the unreduced search, Z3 and
SPIN).

While the bit is armed A's read changes nothing, so the explorer has no such successor; A's
only move is the invisible `close`.  The ample set {close} is wrong: B's reset gives A a new
action (the read, now violating) before A moves.  A C1 that counts only the reads enabled now
takes it and reports `vacuous` (the read is never taken).  With `witness=yes` A's first read
moves it on (taken while armed, so the trigger happens) and is acknowledged, and B may reset
only after the Ack: the same wrong reduction then says `holds`, and the ground truth is
violated in 6 steps (B go, A open, A reads M, B reads Ack, B reset, A reads M).
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Variant, Vocabulary, event, recv

VOCABULARY = Vocabulary([
    MessageType("M", "test", "B -> A: a message that persists once sent"),
    MessageType("Ack", "test", "A -> B: A has read M once"),
])


class Resetter(Entity):
    name = "B"
    states = ["s0", "s1", "acked", "s2"]
    initial = "s0"
    end_states = ["s0", "s1", "acked", "s2"]

    def after_ack(self):
        return self.config.witness == "yes"

    def at_once(self):
        return self.config.witness != "yes"

    transitions = [
        T("s0", "s1", on=event("go"), do=lambda e: e.send("A", "M")),
        T("s1", "s2", on=event("reset"), when="at_once"),
        T("s1", "acked", on=recv("A", "Ack")),
        T("acked", "s2", on=event("reset"), when="after_ack"),
    ]


class Reader(Entity):
    name = "A"
    states = ["idle", "listening", "heard", "closed"]
    initial = "idle"
    end_states = ["idle", "listening", "heard", "closed"]

    def witness(self):
        return self.config.witness == "yes"

    def in_place(self):
        return self.config.witness != "yes"

    transitions = [
        T("idle", "listening", on=event("open")),
        T("listening", None, on=recv("B", "M"), when="in_place", name="read in place"),
        T("listening", "closed", on=event("close"), when="in_place"),
        T("listening", "heard", on=recv("B", "M"), when="witness", do=lambda e: e.send("B", "Ack"),
          name="first read"),
        T("heard", None, on=recv("B", "M"), name="read again in place"),
        T("heard", "closed", on=event("close")),
    ]


def compose(config):
    # B first: the explorer then meets the state after `go` before the one after `open`, so
    # the C3 proviso does not hide the wrong ample set.
    return Composition(entities=[Resetter(config), Reader(config)], capacity=1, channel_kinds={("B", "A"): "set"})


MODEL = Model(
    name="c1-set-reset",
    entities=[Resetter, Reader],
    vocabulary=VOCABULARY,
    compose=compose,
    flows={"R": Flow("R", "A reads M", "test", goal={"entity": "A", "receives": "M"})},
    variants={"witness": Variant("witness", ("no", "yes"))},
    max_wics=1,
)
