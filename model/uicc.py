"""UICC (ISIM) - holds IMPI/IMPU and the key K; AUTHENTICATE(RAND, AUTN) -> RES.

Seed: 6.X.2.2.1 steps 3 and 10 ("The WIC accesses the UICC and obtains the IMPI and IMPU";
"the response is computed by the UICC").  K never leaves it; RES only once AUTN verifies
(TS 33.102).  How the WIC reaches the UICC is FFS in the seed (Editor's Note).
"""

from imsflow.authoring import Entity, T, recv


class UICC(Entity):
    """The device's UICC/ISIM."""

    name = "UICC"
    standard = "TS 31.103 (ISIM); TS 33.102 6.3 (AKA)"
    clause = "6.X.2.2.1"
    states = ["ready"]
    initial = "ready"
    end_states = ["ready"]

    def identity(self):
        self.reply("IDENTITY", impu=self.index or 1)

    def compute_res(self):
        # AUTN verified against K and SQN inside the card; only RES leaves it.
        # The card holds the subscriber's K, so its RES is the XRES the HSS derived (TS 33.102 6.3.3).
        self.mark("autn_verified")
        self.reply("AUTH_RESULT", cred="res", response="matches")

    def refuse(self):
        self.reply("AUTH_FAILURE")

    transitions = [
        T("ready", None, on=recv("WIC", "READ_ID"), do="identity", step={"F1": "3"}),
        T("ready", None, on=recv("WIC", "AUTHENTICATE"), when=lambda e: e.msg.autn == "valid",
          do="compute_res", step={"F1": "10"}, tags=("res_computed",)),
        T("ready", None, on=recv("WIC", "AUTHENTICATE"), when=lambda e: e.msg.autn != "valid",
          do="refuse", note="AUTN does not verify: no RES (TS 33.102 6.3.3)"),
    ]
