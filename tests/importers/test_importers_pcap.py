"""Captures made here by SIPp on the loopback (tests/importers/data/README.md), imported with
tshark and checked with conform: the IMS call leg conforms, the misbehaving ones diverge at
the right frame with the refusing entity named; unreadable captures are exit 2 naming the file."""

import shutil

import pytest

from importers_helpers import REGISTER_MAPPING, data, import_and_conform, needs_tshark, run_cli

pytestmark = needs_tshark


def written_labels(result):
    return [e["step"] for e in result["trace"] if e["step"] is not None]


def test_ims_call_conforms_with_frame_numbers_as_labels(capsys, tmp_path):
    err, rc, result = import_and_conform(capsys, tmp_path, "pcap", data("ims_call.pcapng"))
    assert "11 SIP messages, 11 steps written (1 dialog)" in err
    assert rc == 0 and result["verdict"] == "conforms" and result["flow"] == "F8"
    assert written_labels(result) == [str(n) for n in range(1, 12)]
    by_label = {e["step"]: e for e in result["trace"] if e["step"]}
    assert (by_label["2"]["from"], by_label["2"]["to"], by_label["2"]["message"]) == ("REMOTE", "S-CSCF", "183")
    assert by_label["9"]["message"] == "ACK" and by_label["11"]["message"] == "200(BYE)"


def test_classic_pcap_reads_like_pcapng(capsys, tmp_path):
    err, rc, result = import_and_conform(capsys, tmp_path, "pcap", data("ims_call.pcap"))
    assert rc == 0 and result["verdict"] == "conforms"


def test_far_end_answering_before_prack_diverges_at_the_200(capsys, tmp_path):
    _err, rc, result = import_and_conform(capsys, tmp_path, "pcap", data("early_200.pcapng"))
    d = result["divergence"]
    assert rc == 1 and result["verdict"] == "diverges"
    assert d["step"] == "3" and d["expected"] == "3. REMOTE -> S-CSCF: 200(INVITE)"
    assert d["entity"] == "REMOTE" and d["role"] == "sender" and "o_offered" in d["state"]
    assert any("PRACK" in alt for alt in d["could_instead"])  # what it could do instead
    assert result["matched"] == 2  # INVITE and 183 were taken


def test_hand_edited_capture_without_prack_diverges_at_its_frame(capsys, tmp_path):
    _err, rc, result = import_and_conform(capsys, tmp_path, "pcap", data("ims_call_no_prack.pcapng"))
    d = result["divergence"]
    assert rc == 1 and d["step"] == "3" and d["entity"] == "REMOTE" and "o_offered" in d["state"]
    assert "200(INVITE)" in d["expected"]


def test_builtin_basic_call_rings_before_the_model_allows_it(capsys, tmp_path):
    # SIPp's own uac/uas: 180 straight after the INVITE; the model's far end (model/remote.py)
    # answers an INVITE with 183 and rings only after PRACK and UPDATE.
    _err, rc, result = import_and_conform(capsys, tmp_path, "pcap", data("basic_call.pcapng"))
    d = result["divergence"]
    assert rc == 1 and d["step"] == "2" and d["expected"] == "2. REMOTE -> S-CSCF: 180"
    assert d["entity"] == "REMOTE"
    assert any("183" in alt for alt in d["could_instead"])


def test_hand_edited_capture_without_ack_diverges_at_the_bye(capsys, tmp_path):
    # In the model the WIC acknowledges the 200 at once and the ACK travels ahead of the BYE
    # (FIFO channels), so the S-CSCF forwards an ACK before any BYE: a leg without it is no run.
    _err, rc, result = import_and_conform(capsys, tmp_path, "pcap", data("ims_call_no_ack.pcapng"))
    d = result["divergence"]
    assert rc == 1 and d["step"] == "9" and d["expected"] == "9. S-CSCF -> REMOTE: BYE"
    assert d["entity"] == "S-CSCF" and d["role"] == "sender"
    assert result["matched"] == 8


def test_digest_registration_conforms_to_f2(capsys, tmp_path):
    _err, rc, result = import_and_conform(capsys, tmp_path, "pcap", data("register.pcapng"), REGISTER_MAPPING)
    assert rc == 0 and result["flow"] == "F2"
    assert [(e["step"], e["message"]) for e in result["trace"] if e["step"]] == [
        ("1", "REGISTER"), ("2", "401"), ("3", "REGISTER"), ("4", "200(REGISTER)")]


def test_sdp_facts_become_fields_and_unknown_ones_stay_open(capsys, tmp_path):
    import yaml

    out = tmp_path / "flow.yaml"
    rc, _o, _e = run_cli(capsys, "import", "pcap", data("ims_call.pcapng"), "--mapping",
                         data("../../../examples/sipp/mapping.yaml"), "--out", out)
    flow = yaml.safe_load(out.read_text())
    steps = {s["step"]: s for s in flow["steps"]}
    assert steps[1]["fields"] == {"profile": "ims", "codec": "amrwb"}
    assert "preconditions yes" in steps[1]["note"] and "dialog 1" in steps[1]["note"]
    assert "fields" not in steps[3]  # PRACK: nothing the model abstracts
    assert flow["observed"] == {"entities": ["REMOTE", "S-CSCF"], "except": ["100"]}
    rc, _o, _e = run_cli(capsys, "import", "pcap", data("basic_call.pcapng"), "--mapping",
                         data("../../../examples/sipp/mapping.yaml"), "--out", out)
    first = yaml.safe_load(out.read_text())["steps"][0]
    assert first["fields"] == {"profile": "ims"}  # PCMU: no model codec, left open
    assert "codec left open" in first["note"]


def _patched(tmp_path, name, edit):
    raw = bytearray(open(data("ims_call.pcap"), "rb").read())
    path = tmp_path / name
    path.write_bytes(bytes(edit(raw)))
    return path


def _link(raw, dlt):
    raw[20:24] = dlt.to_bytes(4, "little")
    return raw


@pytest.mark.parametrize("name, edit, says", [
    ("cut.pcap", lambda raw: raw[:-100], "cut short in the middle of a packet"),
    ("link.pcap", lambda raw: _link(raw, 4000), "network type 4000 unknown or unsupported"),
    ("user0.pcap", lambda raw: _link(raw, 147), "finds no SIP message in the capture (11 packets, link type user0)"),
    ("junk.pcap", lambda raw: b"not a capture file" * 4, "isn't a capture file"),
    ("empty.pcap", lambda raw: b"", "is empty"),
    ("nosip.pcap", lambda raw: raw[:24], "finds no SIP message in the capture (0 packets"),
])
def test_unreadable_capture_is_exit_2_naming_the_file(capsys, tmp_path, name, edit, says):
    path = _patched(tmp_path, name, edit)
    out = tmp_path / "flow.yaml"
    rc, stdout, err = run_cli(capsys, "import", "pcap", path, "--mapping",
                              data("../../../examples/sipp/mapping.yaml"), "--out", out)
    assert rc == 2 and stdout == ""
    assert str(path) in err and says in err and "Traceback" not in err
    assert not out.exists() and not (tmp_path / "flow.yaml.part").exists()


def test_missing_tshark_is_a_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    rc, _out, err = run_cli(capsys, "import", "pcap", data("ims_call.pcapng"), "--mapping",
                            data("../../../examples/sipp/mapping.yaml"))
    assert rc == 2 and "tshark not found" in err and "apt-get install tshark" in err


def test_retransmissions_are_reported_and_not_written(capsys, tmp_path):
    # SIPp's uas retransmits its 200 OK while the (slow) uac has not acknowledged it yet
    err, _rc, result = import_and_conform(capsys, tmp_path, "pcap", data("retransmit.pcapng"))
    assert "7 SIP messages, 6 steps written" in err
    assert "skipped 1 x 200(INVITE) REMOTE -> S-CSCF retransmitted" in err and "(first at frame 4)" in err
    assert result["steps"] == 6


def test_what_is_not_written_is_marked_in_the_flow(capsys, tmp_path):
    out = tmp_path / "flow.yaml"
    run_cli(capsys, "import", "pcap", data("retransmit.pcapng"), "--mapping",
            data("../../../examples/sipp/mapping.yaml"), "--out", out)
    assert "# frame 4 not written: 200(INVITE) REMOTE -> S-CSCF retransmitted" in out.read_text()
