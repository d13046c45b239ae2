"""IWF - the external media interworking function, outside the operator's network, controlled
by the WST.  Seed: 6.X.2.3.3 steps 2-3, 11 and 20; 6.X.2.3.4 steps 5, 7-8, 14 and 20.  The seed
shows the reservation answered (IWF_RESERVED, its address for the SDP) but not the update or the
final; they are answered here too (not defined by the seed), and the WST waits for the final
answer before it passes the 200 on.
"""

from imsflow.authoring import Entity, T, recv


def _answer(op):
    def f(e):
        e.reply("IWF_ANSWER", wic=e.context, op=op)

    f.__name__ = f"answer_{op}"
    return f


def _update_step(e):
    """The seed's step of an update: F8 step 11; in F9 steps 7-8 (with the WIC's answer) or
    step 14 (after the reservation; the only one when the WST does NI-T)."""
    if e.config.flow == "F9":
        return "7-8" if e.msg.after == "answer" else "14"
    return {"F8": "11"}.get(e.config.flow)


class IWF(Entity):
    """External media IWF (one context per WIC's call)."""

    name = "IWF"
    standard = "not standardised: the WST-IWF interface (6.X.2.3.3)"
    clause = "6.X.2.3.3, 6.X.2.3.4"
    contexts = "WIC"
    states = ["idle", "reserved", "updated", "two_way"]
    initial = "idle"
    end_states = ["idle", "reserved", "updated", "two_way"]

    transitions = [
        T("*", "reserved", on=recv("WST", "IWF_RESERVE"), do=lambda e: e.reply("IWF_RESERVED", wic=e.context),
          tags=("iwf_initialised",), step={"F8": "2-3", "F9": "5"}),
        T("*", "updated", on=recv("WST", "IWF_UPDATE"), tags=("iwf_updated",), do=_answer("update"),
          step=_update_step),
        T("*", "two_way", on=recv("WST", "IWF_FINAL"), tags=("media_two_way",),
          do=_answer("final"), step={"F8": "20", "F9": "20"}),
        T("*", "idle", on=recv("WST", "IWF_RELEASE"), tags=("iwf_released",)),
    ]
