"""IWF - the external media interworking function, outside the operator's network, controlled
by the WST.  Seed: 6.X.2.3.3 steps 2-3, 11 and 20; 6.X.2.3.4 steps 5, 7-8, 14 and 20.
"""

from imsflow.authoring import Entity, T, recv


class IWF(Entity):
    """External media IWF (one context per WIC's call)."""

    name = "IWF"
    clause = "6.X.2.3.3, 6.X.2.3.4"
    contexts = "WIC"
    states = ["idle", "reserved", "updated", "two_way"]
    initial = "idle"
    end_states = ["idle", "reserved", "updated", "two_way"]

    transitions = [
        T("*", "reserved", on=recv("WST", "IWF_RESERVE"), do=lambda e: e.reply("IWF_RESERVED", wic=e.context),
          tags=("iwf_initialised",), step={"F8": "2-3", "F9": "5"}),
        T("*", "updated", on=recv("WST", "IWF_UPDATE"), tags=("iwf_updated",),
          step={"F8": "11", "F9": "7-8"}),
        T("*", "two_way", on=recv("WST", "IWF_FINAL"), tags=("media_two_way",), step={"F8": "20", "F9": "20"}),
        T("*", "idle", on=recv("WST", "IWF_RELEASE"), tags=("iwf_released",)),
    ]
