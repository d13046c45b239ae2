"""Large captures stream: read in chunks by tshark, written step by step, with a progress bar;
the importer's own memory does not grow with the capture.  The 100k-packet figure is
benchmarks/import_large_capture.py; here a capture of 11 264 packets read in chunks of 5 000."""

import json
import shutil
import subprocess
import tracemalloc

import pytest

from imsflow.importers import tshark
from imsflow.importers.tshark import parse_ek
from importers_helpers import MAPPING, data, run_cli

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None or shutil.which("mergecap") is None,
                                reason="tshark/mergecap not installed (apt-get install tshark)")


def repeated_call(tmp_path, doublings: int) -> str:
    """The shipped IMS call (11 packets) concatenated with itself `doublings` times (mergecap -a)."""
    cur = data("ims_call.pcapng")
    for i in range(doublings):
        nxt = str(tmp_path / f"calls{i}.pcapng")
        subprocess.run(["mergecap", "-a", "-w", nxt, cur, cur], check=True, capture_output=True, timeout=60)
        cur = nxt
    return cur


def test_large_capture_streams_in_chunks_with_progress_and_bounded_memory(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(tshark, "CHUNK", 5_000)
    big = repeated_call(tmp_path, 10)  # 11 * 2**10 = 11 264 packets: three chunks
    out = tmp_path / "big.flow.yaml"
    run_cli(capsys, "import", "pcap", data("ims_call.pcapng"), "--mapping", MAPPING, "--out", out)  # warm up
    small_peak, _ = traced(lambda: run_cli(capsys, "import", "pcap", data("ims_call.pcapng"), "--mapping",
                                           MAPPING, "--out", out))
    peak, (rc, stdout, err) = traced(lambda: run_cli(capsys, "import", "pcap", big, "--mapping", MAPPING,
                                                     "--out", out, "--progress", "on"))
    assert rc == 0 and stdout == ""
    assert "11264 SIP messages, 11264 steps written" in err
    bars = [ln for ln in err.splitlines() if "frame" in ln and "/11264" in ln]
    assert 50 <= len(bars) <= 101 and bars[-1].endswith("frame 11264/11264 100%")
    labels = [int(ln.split(":")[1]) for ln in out.read_text().splitlines() if ln.startswith("- step:")]
    assert labels == list(range(1, 11265))  # frame numbers continue across the chunks
    size = out.stat().st_size
    # the 2 MB flow is never held in memory: the big import peaks within 1 MB of the 11-packet one
    assert size > 2_000_000 and peak - small_peak < 1_000_000, (peak, small_peak, size)


def traced(call):
    tracemalloc.start()
    try:
        result = call()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def test_a_frame_with_two_sip_messages_is_reported_not_split():
    doc = {"timestamp": "0", "layers": {"frame_number": ["7"], "sip_Method": ["INVITE"], "sip_Status-Code": ["200"]}}
    [(msg, problem)] = list(parse_ek([json.dumps(doc) + "\n"]))
    assert msg is None and problem == (7, "2 SIP start lines in one frame, not split")
