import os
import shutil
import subprocess

import pytest

from importers_helpers import CAPTURE


@pytest.fixture(scope="session")
def live_capture(tmp_path_factory):
    """capture(name, uac, uas) -> a pcapng of one SIPp call on the loopback, made now.
    Skips with the reason when sipp, dumpcap or the right to capture on lo is missing."""
    missing = [t for t in ("sipp", "dumpcap", "tshark") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install tshark sip-tester; scripts/setup.sh)")
    probe = subprocess.run(["dumpcap", "-D"], capture_output=True, text=True, timeout=30)
    if "lo" not in probe.stdout:
        pytest.skip(f"dumpcap cannot list the loopback interface (not root?): {probe.stderr.strip()[:200]}")
    base = tmp_path_factory.mktemp("captures")

    def capture(name: str, uac: str, uas: str) -> str:
        out = str(base / name)
        run = subprocess.run([CAPTURE, out, uac, uas], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert os.path.getsize(out) > 0, f"capture.sh wrote nothing: {run.stderr}"
        return out

    return capture
