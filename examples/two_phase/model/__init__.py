"""Two-phase commit, as in Lamport's TLA+ spec TwoPhase (TM + N resource managers).

Messages persist once sent (TLA+'s `msgs` set), so the channels are of kind "set" and
receipt reads without consuming.  With 3 RMs TLC reports 288 distinct states; so must we.
"""

from imsflow.authoring import (
    Composition, Entity, Flow, MessageType, Model, T, Variant, Vocabulary, event, recv,
)

N_RM = 3

VOCABULARY = Vocabulary([
    MessageType("Prepared", "2PC", "RM -> TM: this RM is prepared"),
    MessageType("Commit", "2PC", "TM -> RM: commit"),
    MessageType("Abort", "2PC", "TM -> RM: abort"),
])


class RM(Entity):
    name = "RM"
    states = ["working", "prepared", "committed", "aborted"]
    initial = "working"
    end_states = ["working", "prepared", "committed", "aborted"]
    transitions = [
        T("working", "prepared", on=event("prepare"), do=lambda e: e.send("TM", "Prepared")),
        T("working", "aborted", on=event("choose_to_abort")),
        T("*", "committed", on=recv("TM", "Commit")),
        T("*", "aborted", on=recv("TM", "Abort")),
    ]


class TM(Entity):
    name = "TM"
    states = ["init", "committed", "aborted"]
    initial = "init"
    end_states = ["init", "committed", "aborted"]
    variables = {"prepared": tuple(range(2 ** N_RM))}  # bitset of prepared RMs

    def all_prepared(self):
        return self.v.prepared == 2 ** N_RM - 1

    def note_prepared(self):
        self.v.prepared |= 1 << (self.sender_index - 1)

    def broadcast(name):
        def send_all(e):
            for i in range(1, N_RM + 1):
                e.send("RM", name, index=i)
        send_all.__name__ = f"send_{name.lower()}_to_all"
        return send_all

    transitions = [
        T("init", None, on=recv("RM", "Prepared"), do="note_prepared", name="TMRcvPrepared"),
        T("init", "committed", on=event("commit"), when="all_prepared", do=broadcast("Commit"), name="TMCommit"),
        T("init", "aborted", on=event("abort"), do=broadcast("Abort"), name="TMAbort"),
    ]


def compose(config):
    rms = [RM(config, index=i, count=N_RM) for i in range(1, N_RM + 1)]
    kinds = {}
    for rm in rms:
        kinds[(rm.instance, "TM")] = "set"
        kinds[("TM", rm.instance)] = "set"
    return Composition(entities=[TM(config)] + rms, capacity=4, channel_kinds=kinds)


MODEL = Model(
    name="two-phase-commit",
    entities=[TM, RM],
    vocabulary=VOCABULARY,
    compose=compose,
    flows={"commit": Flow("commit", "every RM commits", "TwoPhase", goal={"entity": "RM", "state": "committed"})},
    variants={},
    description="Lamport's TwoPhase with 3 resource managers (TLC: 288 distinct states).",
)
