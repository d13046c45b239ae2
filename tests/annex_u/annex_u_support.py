"""Where the Annex U model is (found relative to this repository: it is read by path, not
installed) and the state budget of every run here (each stays far below it, asserted)."""

import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANNEX_U = os.path.join(REPO, "models", "annex_u")
BUDGET = 100_000
