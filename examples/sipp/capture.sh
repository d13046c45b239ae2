#!/usr/bin/env bash
# Capture one SIPp call on the loopback interface: a SIPp server (UAS) on 127.0.0.1:5062, a
# SIPp client (UAC) on 127.0.0.1:5061, dumpcap on lo.  Loopback only; bounded: one call
# (sipp -m 1), each SIPp gives up after 10 s, the capture stops after 200 packets or 20 s.
#
#   examples/sipp/capture.sh OUT.pcapng UAC UAS
#
# UAC and UAS are SIPp built-in scenario names (uac, uas) or scenario files.  Needs dumpcap
# (tshark package) and sipp (sip-tester package) - scripts/setup.sh installs both - and the
# right to capture on lo (root, or dumpcap's capabilities).
set -euo pipefail
out=${1:?usage: capture.sh OUT.pcapng UAC UAS}
uac=${2:?usage: capture.sh OUT.pcapng UAC UAS}
uas=${3:?usage: capture.sh OUT.pcapng UAC UAS}
scenario() { if [ -f "$1" ]; then echo "-sf $1"; else echo "-sn $1"; fi; }
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
dumpcap -q -i lo -f "udp and host 127.0.0.1 and (port 5061 or port 5062)" -c 200 -a duration:20 \
  -w "$out" 2>"$log/dumpcap" &
cap=$!
for _ in $(seq 100); do grep -q "Capturing on" "$log/dumpcap" 2>/dev/null && break; sleep 0.05; done
# shellcheck disable=SC2046
timeout 15 sipp $(scenario "$uas") -i 127.0.0.1 -p 5062 -m 1 -timeout 10s -nostdin >"$log/uas" 2>&1 &
srv=$!
sleep 0.3
# shellcheck disable=SC2046
rc=0; timeout 15 sipp $(scenario "$uac") 127.0.0.1:5062 -i 127.0.0.1 -p 5061 -m 1 -timeout 10s -nostdin \
  >"$log/uac" 2>&1 || rc=$?
wait "$srv" || true
sleep 0.3
kill -INT "$cap" 2>/dev/null || true
wait "$cap" || true
if [ "$rc" != 0 ]; then
  echo "capture.sh: the SIPp client exited with status $rc; the capture holds what was sent" >&2
fi
tshark -r "$out" 2>/dev/null | sed 's/^ *//'
