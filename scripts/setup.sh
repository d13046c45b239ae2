#!/usr/bin/env bash
# Everything imsflow needs, from nothing: system packages (Graphviz for SVG/PNG, SPIN and gcc
# for the cross-check, Chromium and its driver for the report's browser test) and a virtual
# environment with the Python packages of pyproject.toml and its "test" extra.  Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v dot >/dev/null || ! command -v spin >/dev/null || ! command -v gcc >/dev/null \
   || ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
   || ! command -v tshark >/dev/null || ! command -v sipp >/dev/null \
   || ! command -v inkscape >/dev/null || ! command -v mscgen >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq graphviz fonts-liberation spin gcc chromium chromium-driver tshark sip-tester inkscape mscgen >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"  # the test tools are the optional "test" extra
# Build the explorer's C expansion now rather than in the first check (falls back to Python).
.venv/bin/python -c "from imsflow.system import fast; print('imsflow:', fast.status())"
