"""`where` reads the message it is written under: the received one when a pattern receives,
`sent_where` the sent one (patterns/spec.py).  Pinned on the compiled F3 system, where the
S-CSCF answers a REGISTER asserted by a trusted node with SAR (6.X.2.2.3 steps 7-10)."""

import pytest

from imsflow.loader import load
from imsflow.patterns.bind import match_event
from imsflow.pipeline import compile_for


@pytest.fixture(scope="module")
def f3():
    loaded = load()
    return compile_for(loaded, loaded.model.config("F3"), [], eager=True)


def _matches(ts, pat):
    return [aid for aid in range(len(ts.actions)) if match_event(pat, ts, aid) is not None]


def test_where_under_receives_reads_the_received_register(f3):
    tna = {"entity": "S-CSCF", "receives": "REGISTER", "where": {"tna": "asserted"}}
    assert _matches(f3, {**tna, "sends": "SAR"})  # the TNA path: SAR on the asserted REGISTER
    assert not _matches(f3, {**tna, "sends": "MAR"})  # and never MAR
    # (before the fix `where` was applied to the sent message, which has no `tna`: no match)


def test_sent_where_reads_the_sent_message(f3):
    base = {"entity": "S-CSCF", "receives": "REGISTER", "sends": "SAR"}
    assert _matches(f3, {**base, "sent_where": {"kind": "register"}})
    assert not _matches(f3, {**base, "sent_where": {"kind": "deregister"}})
    assert not _matches(f3, {**base, "where": {"tna": "no"}, "sent_where": {"kind": "register"}})


def test_where_in_a_pattern_that_only_sends_reads_the_sent_message(f3):
    assert _matches(f3, {"entity": "WST", "sends": "REGISTER", "where": {"tna": "claimed"}})
    assert not _matches(f3, {"entity": "WST", "sends": "REGISTER", "where": {"cred": "password"}})
