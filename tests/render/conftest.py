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


SEED_PRESENT = os.path.isfile(os.path.join(os.path.dirname(os.path.dirname(HERE)), "model", "__init__.py"))


@pytest.fixture(scope="session")
def seed_gallery():
    """The seed model's diagrams, built in memory (no PNG): shared by the seed structure tests
    and the stale-diagram test."""
    if not SEED_PRESENT:
        pytest.skip("the seed model is not in this checkout")
    from imsflow.render import gallery

    return gallery.build(None, png=False)
