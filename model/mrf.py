"""MRF - the internal media interworking function (MRFC/MRFP, TS 23.228 Annex P): WebRTC
(ICE, DTLS-SRTP, Opus) <-> IMS (RTP/SRTP, AMR-WB), invoked by the S-CSCF over Mr.
Seed: 6.X.2.3.1 steps 7-9 and 16, 6.X.2.3.2 steps 9-12 and 18-23; 6.1.3 (WebRTC codecs).  The
seed never shows the MRF answering; Mr is SIP (TS 23.218), so each request gets its answer here,
with the MRFP's addresses for the SDP of both legs.  A release is not answered (a BYE's 200
changes nothing the S-CSCF waits for).
"""

from imsflow.authoring import Entity, T, recv


class MRF(Entity):
    """Internal media IWF (one context per WIC's call)."""

    name = "MRF"
    standard = "TS 23.218 (MRFC); TS 23.228 Annex P"
    clause = "6.X.2.3.1, 6.X.2.3.2"
    contexts = "WIC"
    states = ["idle", "initialised", "updated", "two_way"]
    initial = "idle"
    end_states = ["idle", "initialised", "updated", "two_way"]

    @staticmethod
    def answer(op):
        def f(e):
            e.reply("MRF_ANSWER", wic=e.context, op=op, addr="mrf")

        f.__name__ = f"answer_{op}"
        return f

    transitions = [
        T("*", "initialised", on=recv("S-CSCF", "MRF_INIT"), tags=("iwf_initialised",), do=answer("init"),
          step={"F6": "7-9", "F7": "9-12"}),
        T("*", "updated", on=recv("S-CSCF", "MRF_UPDATE"), tags=("iwf_updated",), do=answer("update"),
          step={"F6": "7-9", "F7": "9-12"}),
        T("*", "two_way", on=recv("S-CSCF", "MRF_FINAL"), tags=("media_two_way",), do=answer("final"),
          step={"F6": "16", "F7": "18-23"}),
        T("*", "idle", on=recv("S-CSCF", "MRF_RELEASE"), tags=("iwf_released",)),
    ]
