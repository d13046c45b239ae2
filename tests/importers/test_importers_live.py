"""Real traffic made now: SIPp calls on the loopback (127.0.0.1 only, one call each, bounded
by sipp -m 1 and timeouts), captured by dumpcap on lo, imported and checked with conform.
Skipped, with the reason, where sipp, dumpcap or the right to capture is missing."""

from importers_helpers import REGISTER_MAPPING, import_and_conform, scenario


def test_loopback_ims_call_imports_and_conforms(live_capture, capsys, tmp_path):
    pcap = live_capture("ims_call.pcapng", scenario("ims_call_uac.xml"), scenario("ims_call_uas.xml"))
    err, rc, result = import_and_conform(capsys, tmp_path, "pcap", pcap)
    assert "11 steps written" in err
    assert rc == 0 and result["verdict"] == "conforms"
    assert [e["message"] for e in result["trace"] if e["step"]] == [
        "INVITE", "183", "PRACK", "200(PRACK)", "UPDATE", "200(UPDATE)", "180", "200(INVITE)", "ACK", "BYE",
        "200(BYE)"]


def test_loopback_early_answer_diverges_at_its_frame(live_capture, capsys, tmp_path):
    pcap = live_capture("early_200.pcapng", "uac", scenario("ims_early200_uas.xml"))
    _err, rc, result = import_and_conform(capsys, tmp_path, "pcap", pcap)
    d = result["divergence"]
    assert rc == 1 and d["entity"] == "REMOTE" and "o_offered" in d["state"]
    assert d["expected"] == f"{d['step']}. REMOTE -> S-CSCF: 200(INVITE)"
    assert d["step"] == "3"  # INVITE, 183, then the 200 (SIPp's uac sends no PRACK)


def test_loopback_builtin_basic_call_diverges_at_the_180(live_capture, capsys, tmp_path):
    pcap = live_capture("basic.pcapng", "uac", "uas")
    _err, rc, result = import_and_conform(capsys, tmp_path, "pcap", pcap)
    assert rc == 1 and result["divergence"]["step"] == "2" and result["divergence"]["entity"] == "REMOTE"


def test_loopback_digest_registration_conforms(live_capture, capsys, tmp_path):
    pcap = live_capture("register.pcapng", scenario("register_uac.xml"), scenario("register_uas.xml"))
    _err, rc, result = import_and_conform(capsys, tmp_path, "pcap", pcap, REGISTER_MAPPING)
    assert rc == 0 and [e["message"] for e in result["trace"] if e["step"]] == [
        "REGISTER", "401", "REGISTER", "200(REGISTER)"]
