"""Rate limits of the API, with django-ninja's throttles (``ninja.throttling``).

Two limits, their rates in ``settings.API_THROTTLE_RATES`` (``API_TOKEN_FAILURE_RATE`` and
``API_RATE`` in the environment, docs/operations.md):

- ``token_failures``: wrong, revoked or expired tokens per client address. A token is a
  password a script sends, so guessing one is a log-in attempt: past the rate the address
  gets 429 for every token, good or bad, until the period has passed, so that guessing
  cannot go on. The check runs inside TokenAuth, before the token is looked up (ninja runs
  an operation's throttles only after authentication succeeded).
- ``api``: requests per authenticated user (token or session), on every operation.

A refusal answers 429 with the error body and ``Retry-After`` (api/errors.py). The counts
live in Django's cache: the default per-process memory cache serves one server process;
several processes share a limit only through a shared cache (``CACHES``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle, UserRateThrottle

from medoffice.core.middleware import client_ip


class _RateFromSettings(SimpleRateThrottle):
    """The rate of ``scope`` in settings.API_THROTTLE_RATES, read at each request."""

    scope: str

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: HttpRequest) -> bool:
        self._load_rate()
        return super().allow_request(request)

    def _load_rate(self) -> None:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


class ApiRateThrottle(_RateFromSettings, UserRateThrottle):
    """Requests per user, by the user's id (the token's owner, or the session's user)."""

    scope = "api"


class FailedTokenThrottle(_RateFromSettings):
    """Failed tokens per client address (the address the audit log records)."""

    scope = "token_failures"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if self.rate is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}

    def refuses(self, request: HttpRequest) -> bool:
        """Whether the address already used up its failures (counts nothing itself)."""
        self._load_rate()
        self.key = self.get_cache_key(request)
        if self.key is None or self.num_requests is None or self.duration is None:
            return False
        # Through the class: ``timer`` is ``time.time``, a builtin that binds no ``self``.
        self.now = type(self).timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record_failure(self, request: HttpRequest) -> None:
        if not self.refuses(request) and self.key is not None:
            self.throttle_success()
