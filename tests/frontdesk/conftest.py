"""The front desk works in the daytime: every test here runs from 10:00 practice time today.

"Today's visit" starts at 00:05, so without a clock of their own these tests would fail
between midnight and five past (the visit would still be in the future).
"""

import pytest


@pytest.fixture(autouse=True)
def _daytime(clock_at):
    clock_at(10)
