import os

import pytest

from imsflow.pipeline import CheckRequest, check

HERE = os.path.dirname(os.path.abspath(__file__))
MINI = os.path.join(HERE, "mini")
TWO_PHASE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "two_phase")


@pytest.fixture(scope="session")
def mini_run():
    """Every property of the miniature registration model on its one flow."""
    return check(CheckRequest(model_dir=MINI, flows=["R"]))


@pytest.fixture(scope="session")
def mini_gallery():
    from imsflow.render import gallery

    return gallery.build(MINI, png=False)
