"""A limit on refused attempts per client address, for pages outside the log-in.

The patients' signed links and the calendar feeds under /p/ are authorised by the secret
in their address alone, so guessing one is a log-in attempt. ``FailureLimit`` counts the
refused ones per client address in a sliding window in Django's cache (like the API's
failed-token throttle, api/throttling.py); past the rate, the address is refused every
link, good or bad, until the oldest failure has left the window, so guessing cannot go
on. The rate is a setting (``PUBLIC_LINK_FAILURE_RATE``, docs/operations.md).

The counts live in Django's cache: the default per-process memory cache serves one
server process; several processes share the limit only through a shared cache
(``CACHES``).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from django.core.cache import cache

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)(s|sec|m|min|h|hour|d|day)$")


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/min"`` → (10, 60): how many in how many seconds (``"5/10s"``: 5 in 10)."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"not a rate: {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNITS[unit]


@dataclass(frozen=True)
class FailureLimit:
    scope: str
    rate: str

    def _key(self, address: str | None) -> str:
        return f"failure-limit:{self.scope}:{address or '-'}"

    def _recent(self, address: str | None, now: float) -> list[float]:
        _, window = parse_rate(self.rate)
        history: list[float] = cache.get(self._key(address), [])
        return [moment for moment in history if moment > now - window]

    def wait(self, address: str | None, *, now: float | None = None) -> int:
        """Seconds before ``address`` may try again (0: it may now)."""
        now = time.time() if now is None else now
        allowed, window = parse_rate(self.rate)
        recent = self._recent(address, now)
        if len(recent) < allowed:
            return 0
        return max(1, math.ceil(recent[-allowed] + window - now))

    def record_failure(self, address: str | None, *, now: float | None = None) -> None:
        now = time.time() if now is None else now
        _, window = parse_rate(self.rate)
        cache.set(self._key(address), [*self._recent(address, now), now], window)
