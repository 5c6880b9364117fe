"""Helpers for batch jobs that build many short-lived objects in one go. Pure module.

A batch of 10,000 claims allocates about a million small objects (rows, tuples, the plain
claims, segments), none of them in a reference cycle; the garbage collector meanwhile runs
hundreds of times and took a fifth of the export's time (measured with ``gc.callbacks``
in ``bench/claims_end_to_end.py``'s setting). ``collector_paused`` switches it off for the
batch and back on afterwards; reference counting still frees everything as usual, and
whatever cycles the batch made are collected at the next collection after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (nested uses are fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
