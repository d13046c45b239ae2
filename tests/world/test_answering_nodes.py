"""Nodes that answer and refuse as the standards say (issue 14, item 2): the AGW's Iq answer
and the address mappings the P-CSCF puts in the SDP, the MRF's and the external IWF's answers,
a far end that refuses a WebRTC offer (488/606), and reactive vs proactive interworking."""

import pytest

from imsflow.loader import load
from imsflow.patterns.verdict import Verdict
from imsflow.pipeline import CheckRequest, check

from .scripted import drive, read, settle, system

NEW = ["pcscf-waits-for-agw-mappings", "pcscf-sdp-carries-agw-address", "mrf-answers-before-its-address-is-used",
       "external-iwf-confirms-final-before-200", "refused-offer-gets-new-offer", "proactive-offer-only-through-iwf"]


def _entity(name):
    """The entity class as the loader imported it (under its own module name)."""
    return next(cls for cls in load(None).model.entities if cls.name == name)


def _verdicts(flows, properties, **settings):
    run = check(CheckRequest(flows=flows, settings=settings, properties=properties, progress=False))
    return {(r.property, r.flow): r.verdict for r in run.results}, run


def test_the_new_properties_hold_on_every_session_flow():
    verdicts, run = _verdicts(["F6", "F7", "F8", "F9"], NEW)
    assert run.exit_code == 0
    assert set(verdicts.values()) == {Verdict.HOLDS}
    # each applies where it should: Iq everywhere, Mr inside IMS, the IWF answer outside
    assert {p for p, f in verdicts} == set(NEW) - {"proactive-offer-only-through-iwf"}
    assert ("mrf-answers-before-its-address-is-used", "F8") not in verdicts


def test_after_a_488_the_far_end_gets_a_new_offer_from_the_mrf():
    ts = system("F6")
    s = drive(ts, read("f6_reactive_refusal.txt"))
    offer = [ts.messages[m].label() for m in s[ts.n + next(c.index for c in ts.channels if c.name == "S-CSCF->REMOTE")]]
    assert offer == ["INVITE(addr=mrf, callee=0, caller=1, codec=amrwb, profile=ims, wic=1)"]
    end = settle(ts, s, keep=True)
    assert not end.deadlocks and not end.unhandled and not end.cut
    assert any(ts.describe(x)["WIC"].startswith("in_call") for x in end.seen), "the new offer never gets answered"


def test_proactive_interworking_keeps_webrtc_sdp_from_the_far_end():
    reactive, _ = _verdicts(["F6"], ["ims-gets-no-webrtc-sdp"])
    proactive, run = _verdicts(["F6"], ["ims-gets-no-webrtc-sdp", "proactive-offer-only-through-iwf", "flow-reachable"],
                               transcoding="proactive")
    assert reactive[("ims-gets-no-webrtc-sdp", "F6")] is Verdict.VIOLATED
    assert proactive[("ims-gets-no-webrtc-sdp", "F6")] is Verdict.HOLDS
    assert proactive[("proactive-offer-only-through-iwf", "F6")] is Verdict.HOLDS
    # the call completes, but not in the seed's (reactive) step order: an expected finding
    assert proactive[("flow-reachable", "F6")] is Verdict.VIOLATED and run.exit_code == 0


def test_a_pcscf_that_forwards_the_senders_address_is_caught(monkeypatch):
    def forward_unchanged(self, to, name):
        self.send(to, name, **dict(self.msg.fields))

    monkeypatch.setattr(_entity("P-CSCF"), "_via_agw", forward_unchanged)
    verdicts, _ = _verdicts(["F6", "F7"], ["pcscf-sdp-carries-agw-address"])
    assert set(verdicts.values()) == {Verdict.VIOLATED}


def test_a_scscf_that_gives_up_after_a_488_is_caught(monkeypatch):
    monkeypatch.setattr(_entity("S-CSCF"), "offer_refused_for_media", lambda self: False)
    verdicts, _ = _verdicts(["F6"], ["refused-offer-gets-new-offer"])
    assert verdicts[("refused-offer-gets-new-offer", "F6")] is Verdict.VIOLATED


@pytest.mark.parametrize("flow", ["F6", "F8"])
def test_a_606_from_the_far_end_ends_the_call_at_the_wic(flow):
    verdicts, _ = _verdicts([flow], ["invite-answered", "agw-resources-released", "deadlock-free"])
    assert set(verdicts.values()) == {Verdict.HOLDS}


def test_with_nit_the_iwf_update_keeps_the_seeds_step_order():
    # Without IMS offer/answer at the WIC there is one IWF update in F9, after the reservation
    # (step 14); the IWF's receipt of it was labelled 7-8 once the WST waited for its answer.
    verdicts, _ = _verdicts(["F8", "F9"], ["flow-reachable"], offer_answer="no")
    assert set(verdicts.values()) == {Verdict.HOLDS}


@pytest.mark.parametrize("ringing", ["yes", "no"])
def test_a_reliable_180_is_pracked_by_the_wst(ringing):
    verdicts, _ = _verdicts(["F6", "F8"], ["reliable-180-pracked", "ringing-not-delivered-when-unsupported"],
                            ringing=ringing, faults="cancel")
    assert verdicts[("reliable-180-pracked", "F6")] is Verdict.HOLDS
    assert verdicts[("reliable-180-pracked", "F8")] is Verdict.HOLDS
    assert set(verdicts.values()) == {Verdict.HOLDS}


def test_a_wst_that_forgets_the_prack_of_a_suppressed_180_is_caught(monkeypatch):
    wst = _entity("WST")
    original = wst.ringing_out

    def suppress_without_prack(self):
        if self.config.ringing == "no":
            self.mark("ringing_suppressed")
            return
        original(self)

    monkeypatch.setattr(wst, "ringing_out", suppress_without_prack)
    verdicts, _ = _verdicts(["F6"], ["reliable-180-pracked"], ringing="no")
    assert verdicts[("reliable-180-pracked", "F6")] is Verdict.VIOLATED


def test_a_reliable_180_reaching_a_wst_whose_websocket_closed_during_the_cancel_is_pracked():
    """The first unbudgeted matrix found it (F6, faults=all): the WebSocket closes, the WST sends
    CANCEL and waits in `closing`, and a reliable 180 that crossed the CANCEL used to be dropped
    there - the INVITE is pending until its 487, so it is PRACKed as in o_cancelling (RFC 3262 4)."""
    verdicts, _ = _verdicts(["F6"], ["reliable-180-pracked"], faults="ws_drop")
    assert verdicts[("reliable-180-pracked", "F6")] is Verdict.HOLDS
