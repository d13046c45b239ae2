"""PCRF - QoS policy over Rx.  Seed 6.1.3: "To support implementations with Rx interfaces to both
the P-CSCF and the Signalling the PCRF will need to support both interfaces and have policy
determination when the QoS requirements from the two nodes are not identical."  With rx=one only
the P-CSCF is an Rx client; with rx=two the WST is one too.
"""

from imsflow.authoring import Entity, T, recv

from .common import NOT_IN_SEED

ONOFF = ("none", "webrtc", "ims")


class PCRF(Entity):
    """Policy and Charging Rules Function (one context per WIC's session)."""

    name = "PCRF"
    standard = "TS 29.214 (Rx)"
    clause = "6.1.3"
    contexts = "WIC"
    states = ["serving"]
    initial = "serving"
    end_states = ["serving"]
    variables = {"from_pcscf": ONOFF, "from_wst": ONOFF, "policy": ("none", "single", "reconciled")}

    def authorise(self):
        side = "from_pcscf" if self.sender == "P-CSCF" else "from_wst"
        setattr(self.v, side, self.msg.qos)
        if self.v.from_pcscf != "none" and self.v.from_wst != "none":
            # Two Rx clients: when their QoS requests differ, one policy decision for both.
            if self.v.from_pcscf != self.v.from_wst:
                self.mark("qos_reconciled")
            self.v.policy = "reconciled"
        else:
            self.v.policy = "single"
        self.reply("AAA", wic=self.context)

    def terminate(self):
        side = "from_pcscf" if self.sender == "P-CSCF" else "from_wst"
        setattr(self.v, side, "none")
        if self.v.from_pcscf == "none" and self.v.from_wst == "none":
            self.v.policy = "none"
        self.reply("STA", wic=self.context)

    transitions = [
        T("serving", None, on=recv("P-CSCF", "AAR"), do="authorise", tags=("rx_session",),
          step={"F6": "10", "F7": "7-8", "F8": "10", "F9": "9-10"}),
        T("serving", None, on=recv("WST", "AAR"), do="authorise", tags=("rx_session",),
          note="the WST as a second Rx client (variant rx=two)"),
        T("serving", None, on=recv("P-CSCF", "STR"), do="terminate", tags=("rx_terminated",),
          note=f"session release ({NOT_IN_SEED})"),
        T("serving", None, on=recv("WST", "STR"), do="terminate", tags=("rx_terminated",),
          note=f"session release ({NOT_IN_SEED})"),
    ]
