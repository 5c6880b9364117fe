"""Values kept per process while what they were worked out from is unchanged.

Pure module (no Django). A ``KeptWhileUnchanged`` holds the last values worked out for a
few keys, each beside the state it was worked out from (a fingerprint of the rows read:
their count, ids, latest change…). ``get`` gives a value back only while the caller's state
for its key is the same, so a change the fingerprint sees is never answered from memory;
the oldest keys are forgotten past ``maximum``. Safe under threads (a gunicorn worker's).
The availability calendar (scheduling) and the reports' months use it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class KeptWhileUnchanged(Generic[V]):
    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self._kept: OrderedDict[Hashable, tuple[Hashable, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, state: Hashable, compute: Callable[[], V]) -> V:
        """What ``compute()`` gave for ``key`` when its state was ``state``; else computes
        it (outside the lock: two threads may both compute, never wait on each other)."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == state:
                self._kept.move_to_end(key)
                return kept[1]
        value = compute()
        with self._lock:
            self._kept[key] = (state, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self.maximum:
                self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
