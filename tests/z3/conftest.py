"""Registers the hypothesis profiles of the differential tests ("ci", the default here, and
"nightly"), so `pytest tests/z3 --hypothesis-profile nightly` finds them."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import z3_randsys  # noqa: E402,F401  (registers the profiles)
