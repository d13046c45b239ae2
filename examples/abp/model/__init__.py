"""Alternating-bit protocol over a lossy channel (Bartlett, Scantlebury, Wilkinson 1969).

SENDER sends data frames tagged with a bit and retransmits on a timeout; the MEDIUM is a
one-place buffer each way that may lose what it holds (as medium processes are written in
Promela); RECEIVER delivers a frame whose bit it expects and acks the bit it saw; SENDER moves
on at the matching ack.  Two data values are enough to catch a protocol without the bit: with
the variant `bit=ignored` the receiver accepts any frame and delivers a retransmission twice.
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Variant, Vocabulary, event, recv

BITS = (0, 1)
FRAMES = ("none", (0, 0), (0, 1), (1, 0), (1, 1))  # (bit, datum)

VOCABULARY = Vocabulary([
    MessageType("DATA", "ABP", "a data frame", {"bit": BITS, "d": (0, 1)}),
    MessageType("ACK", "ABP", "an acknowledgement", {"bit": BITS}),
])


class SENDER(Entity):
    name = "SENDER"
    states = ["sending", "done"]
    initial = "sending"
    end_states = ["sending", "done"]
    variables = {"bit": BITS, "next": (0, 1, 2)}  # next: the datum being sent (0, then 1)

    def send_frame(self):
        self.send("MEDIUM", "DATA", bit=self.v.bit, d=self.v.next)

    def acked(self):
        self.v.bit = 1 - self.v.bit
        self.v.next += 1

    transitions = [
        T("sending", None, on=event("transmit"), do="send_frame", name="(re)transmit on timeout"),
        T("sending", None, on=recv("MEDIUM", "ACK"), when=lambda e: e.msg.bit == e.v.bit and e.v.next == 0,
          do="acked", name="ack for datum 0"),
        T("sending", "done", on=recv("MEDIUM", "ACK"), when=lambda e: e.msg.bit == e.v.bit and e.v.next == 1,
          do="acked", name="ack for datum 1"),
        T("sending", None, on=recv("MEDIUM", "ACK"), when=lambda e: e.msg.bit != e.v.bit, name="stale ack"),
        T("done", None, on=recv("MEDIUM", "ACK"), name="late ack"),
    ]


class MEDIUM(Entity):
    """One frame in flight each way; it is carried on, or lost."""

    name = "MEDIUM"
    states = ["up"]
    initial = "up"
    end_states = ["up"]
    variables = {"data": FRAMES, "ack": ("none", 0, 1)}

    def hold_data(self):
        if self.v.data == "none":
            self.v.data = (self.msg.bit, self.msg.d)

    def hold_ack(self):
        if self.v.ack == "none":
            self.v.ack = self.msg.bit

    def carry_data(self):
        bit, d = self.v.data
        self.send("RECEIVER", "DATA", bit=bit, d=d)
        self.v.data = "none"

    def carry_ack(self):
        self.send("SENDER", "ACK", bit=self.v.ack)
        self.v.ack = "none"

    transitions = [
        T("up", None, on=recv("SENDER", "DATA"), do="hold_data", name="take a frame (lost if one is held)"),
        T("up", None, on=recv("RECEIVER", "ACK"), do="hold_ack", name="take an ack (lost if one is held)"),
        T("up", None, on=event("carry_data"), when=lambda e: e.v.data != "none", do="carry_data"),
        T("up", None, on=event("lose_data"), when=lambda e: e.v.data != "none",
          do=lambda e: setattr(e.v, "data", "none")),
        T("up", None, on=event("carry_ack"), when=lambda e: e.v.ack != "none", do="carry_ack"),
        T("up", None, on=event("lose_ack"), when=lambda e: e.v.ack != "none", do=lambda e: setattr(e.v, "ack", "none")),
    ]


class RECEIVER(Entity):
    name = "RECEIVER"
    states = ["receiving"]
    initial = "receiving"
    end_states = ["receiving"]
    variables = {"expect": BITS, "got": (0, 1, 2)}  # got: data delivered so far

    def deliver(self):
        if self.msg.d != self.v.got:
            self.mark("out_of_order")
        self.v.got = min(self.v.got + 1, 2)
        self.v.expect = 1 - self.v.expect
        self.reply("ACK", bit=self.msg.bit)

    def accepts(self):
        return self.config.bit == "ignored" or self.msg.bit == self.v.expect

    transitions = [
        T("receiving", None, on=recv("MEDIUM", "DATA"), when="accepts", do="deliver", tags=("delivered",)),
        T("receiving", None, on=recv("MEDIUM", "DATA"), when=lambda e: not e.accepts(),
          do=lambda e: e.reply("ACK", bit=e.msg.bit), name="duplicate: ack again"),
    ]


def compose(config):
    return Composition(entities=[SENDER(config), MEDIUM(config), RECEIVER(config)], capacity=2)


MODEL = Model(
    name="alternating-bit",
    entities=[SENDER, MEDIUM, RECEIVER],
    vocabulary=VOCABULARY,
    compose=compose,
    flows={"transfer": Flow("transfer", "both data delivered and acknowledged", "ABP",
                            goal={"entity": "SENDER", "state": "done"})},
    variants={"bit": Variant("bit", ("checked", "ignored"), "the receiver checks the alternating bit")},
    tags={"out_of_order": "a datum delivered out of order (a duplicate)"},
)
