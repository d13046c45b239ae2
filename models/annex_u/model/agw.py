"""eIMS-AGW - the IMS Access Gateway enhanced for WebRTC, controlled by the eP-CSCF over Iq:
it terminates ICE and DTLS-SRTP towards the WIC and transcodes at the edge when the two sides'
media differ (TS 23.228 U.1.3, U.2.2; TS 23.334 with the WebRTC additions; cited from
knowledge).  It replaces both the seed's internal MRF and its external IWF.

ICE connectivity checks and the DTLS handshake are not modelled as messages: they happen on
the media plane once the terminations are reserved, and no property here depends on them.
"""

from imsflow.authoring import Entity, T, recv

from .common import step


class EIMSAGW(Entity):
    """eIMS-AGW (one context per WIC's call)."""

    name = "eIMS-AGW"
    clause = "TS 23.228 U.2.2; TS 23.334"
    contexts = "WIC"
    states = ["idle", "reserved", "open"]
    initial = "idle"
    end_states = ["idle", "reserved", "open"]

    def reserve(self):
        if self.msg.transcode == "yes":
            self.mark("transcoding")  # WebRTC (Opus, DTLS-SRTP) <-> IMS (AMR-WB, RTP)
        self.reply("AGW_RESERVED", wic=self.context)

    transitions = [
        T("idle", "reserved", on=recv("eP-CSCF", "AGW_RESERVE"), do="reserve", tags=("agw_reserved",),
          step=step(U5="2", U6="2")),
        T("reserved", "open", on=recv("eP-CSCF", "AGW_CONFIRM"), tags=("gate_open",), step=step(U5="6", U6="6")),
        T("*", "idle", on=recv("eP-CSCF", "AGW_RELEASE"), tags=("agw_released",)),
    ]
