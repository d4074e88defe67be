import pytest

from tests.fidelity.factories import use_default_framework


@pytest.fixture(autouse=True)
def _framework(world):
    use_default_framework(world.pilot)
    use_default_framework(world.other_pilot)
