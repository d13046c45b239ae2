import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "data", "seed_contribution.txt")  # a copy of ../shared/seed/000_8e168659c3cce2f6.txt


@pytest.fixture(scope="session")
def seed_text():
    with open(SEED, encoding="utf-8") as fh:
        return fh.read()


@pytest.fixture(scope="session")
def seed_path():
    return SEED
