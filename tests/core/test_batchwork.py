"""A batch job pauses the garbage collector and gives it back as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from medoffice.core.batchwork import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_inside_the_batch(collector_on):
    with collector_paused():
        assert not gc.isenabled()


def test_the_collector_is_back_on_after_the_batch(collector_on):
    with collector_paused():
        pass
    assert gc.isenabled()


def test_the_collector_is_back_on_after_a_batch_that_failed(collector_on):
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the batch failed")
    assert gc.isenabled()


def test_a_nested_batch_leaves_the_collector_off_for_the_outer_one(collector_on):
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
