"""PCRF - QoS policy over Rx, with the eP-CSCF as its one Rx client (TS 23.228 U.2.2 leaves
policy control as for any P-CSCF; TS 29.214).  The seed's second Rx client, the WST, is gone."""

from imsflow.authoring import Entity, T, recv


class PCRF(Entity):
    """Policy and Charging Rules Function (one context per WIC's session)."""

    name = "PCRF"
    clause = "TS 23.228 U.2.2; TS 29.214"
    contexts = "WIC"
    states = ["serving"]
    initial = "serving"
    end_states = ["serving"]

    transitions = [
        T("serving", None, on=recv("eP-CSCF", "AAR"), do=lambda e: e.reply("AAA", wic=e.context),
          tags=("rx_session",)),
        T("serving", None, on=recv("eP-CSCF", "STR"), do=lambda e: e.reply("STA", wic=e.context),
          tags=("rx_terminated",)),
    ]
