"""Each property that was changed to observe behaviour (and the two whose `where` used to read
the wrong message) is shown to FAIL on a deliberately broken seed model and to hold on the
seed itself: a property that no broken model can violate proves nothing."""

import pytest

from imsflow.pipeline import CheckRequest, check

from . import breakage as b


def _verdict(prop, flow, settings):
    run = check(CheckRequest(flows=[flow], properties=[prop], settings=settings, progress=False))
    (result,) = [r for r in run.results if r.property == prop]
    return result


# ---- the breakages ----------------------------------------------------------------------------

def scscf_asks_vectors_for_tna(mp):
    """The S-CSCF answers a trusted-node REGISTER with MAR (it should go straight to SAR)."""

    def ask(self):
        self.v.impu = self.msg.impu
        self.send("HSS", "MAR", wic=self.context, impu=self.msg.impu)

    b.patch_method(mp, "S-CSCF", "trusted_node", ask)


def wst_accepts_rogue_origin(mp):
    """The WST accepts the ROGUE's WebSocket from an unauthorised origin."""
    b.patch_transitions(mp, "WST", b.receipt("ROGUE", "WSS_CONNECT"), do="accept_ws")


CASES = [
    # (property, flow, settings, breakage)
    ("no-mar-on-tna-path", "F3", {}, scscf_asks_vectors_for_tna),
    ("no-websocket-from-rogue-origin", "F1", {"rogue": "yes"}, wst_accepts_rogue_origin),
    ("no-websocket-from-rogue-origin", "F3", {"rogue": "yes"}, wst_accepts_rogue_origin),
]


@pytest.mark.parametrize("prop, flow, settings, breakage", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3].__name__}" for c in CASES])
def test_property_holds_on_the_seed_and_fails_on_a_broken_model(monkeypatch, prop, flow, settings, breakage):
    seed = _verdict(prop, flow, settings)
    assert seed.verdict.value == "holds", (prop, flow, seed.reason)
    breakage(monkeypatch)
    broken = _verdict(prop, flow, settings)
    assert broken.verdict.value == "violated", (prop, flow, breakage.__doc__, broken.reason)
    assert broken.trace, "a violation comes with its counterexample"
