"""How `imsflow import pcap` copes with a 100 000-packet capture: the shipped loopback IMS call
(tests/importers/data/ims_call.pcapng, 11 packets) concatenated with itself by mergecap and
cut to 100 000 packets by editcap, then imported with a progress bar.  Prints the wall time,
the peak resident memory of the importer and of its largest child (tshark), and the size of
the flow written.

    python benchmarks/import_large_capture.py [PACKETS]
"""

import os
import resource
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CALL = os.path.join(REPO, "tests", "importers", "data", "ims_call.pcapng")
MAPPING = os.path.join(REPO, "examples", "sipp", "mapping.yaml")


def synthetic_capture(directory: str, packets: int) -> str:
    cur, n, i = CALL, 11, 0
    while n < packets:
        nxt = os.path.join(directory, f"x{i}.pcapng")
        subprocess.run(["mergecap", "-a", "-w", nxt, cur, cur], check=True)
        if cur != CALL:
            os.remove(cur)
        cur, n, i = nxt, n * 2, i + 1
    out = os.path.join(directory, f"calls_{packets}.pcapng")
    subprocess.run(["editcap", "-r", cur, out, f"1-{packets}"], check=True)
    return out


def main() -> None:
    packets = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        pcap = synthetic_capture(tmp, packets)
        flow = os.path.join(tmp, "flow.yaml")
        main_ = _cli()
        main_(["import", "pcap", CALL, "--mapping", MAPPING, "--out", flow])  # load the model first
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        rc = main_(["import", "pcap", pcap, "--mapping", MAPPING, "--out", flow, "--progress", "on"])
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tshark = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"exit {rc}  packets {packets}  capture {os.path.getsize(pcap) / 1e6:.1f} MB  "
              f"flow {os.path.getsize(flow) / 1e6:.1f} MB  {seconds:.1f} s ({packets / seconds:,.0f} packets/s)\n"
              f"peak RSS: importer {after / 1024:.0f} MB (after an 11-packet import: {before / 1024:.0f} MB), "
              f"largest child (tshark on one chunk) {tshark / 1024:.0f} MB")


def _cli():
    sys.path.insert(0, REPO)
    from imsflow.cli import main

    return main


if __name__ == "__main__":
    main()
