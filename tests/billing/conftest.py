"""Billing's tests run from 10:00 practice time today: a void is allowed only the practice
day a payment was taken, so these tests say which day and hour it is."""

import pytest


@pytest.fixture(autouse=True)
def _daytime(clock_at):
    clock_at(10)
