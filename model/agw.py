"""AGW - the IMS Access Gateway: media anchor and pinholes at the access edge, controlled by the
P-CSCF's IMS-ALG over Iq (TS 23.334).  Seed: 6.X.2.3.1 step 3 ("reserve initial resources,
establish end-to-end STUN/TURN capabilities, and obtain IP address/port mappings") and steps
17-19 ("updates the IMS Access Gateway that final resources are confirmed").  Its answer to the
reservation carries the address/port mappings (TS 29.334 Reserve-TBT answer) that the IMS-ALG
puts into the SDP it forwards - "reflect these in the SIP messaging" (step 3).
"""

from imsflow.authoring import Entity, T, recv


class AGW(Entity):
    """IMS Access Gateway (one context per WIC's call)."""

    name = "AGW"
    standard = "TS 23.334 (IMS-ALG and IMS-AGW)"
    clause = "6.X.2.3.1 steps 3, 17-19"
    contexts = "WIC"
    states = ["idle", "reserved", "open"]
    initial = "idle"
    end_states = ["idle", "reserved", "open"]

    transitions = [
        T(["idle", "reserved", "open"], "reserved", on=recv("P-CSCF", "AGW_RESERVE"), tags=("agw_reserved",),
          do=lambda e: e.reply("AGW_RESERVED", wic=e.context, addr="agw"),
          step={"F6": "3", "F7": "1-4", "F8": "5-7", "F9": "1-4"}),
        T(["reserved", "open"], "open", on=recv("P-CSCF", "AGW_CONFIRM"), tags=("gate_open",),
          step={"F6": "17-19", "F7": "18-23", "F8": "16-19", "F9": "21-24"}),
        T("idle", None, on=recv("P-CSCF", "AGW_CONFIRM"), note="confirm after release: nothing to open"),
        T("*", "idle", on=recv("P-CSCF", "AGW_RELEASE"), tags=("agw_released",)),
    ]
