"""Who an API request acts as: a personal API token, or a fully logged-in browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import Throttled
from ninja.security import HttpBearer, SessionAuth

from medoffice.core import services
from medoffice.core.middleware import bind_user
from medoffice.core.models import User


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mo_…` with a personal API token.

    The request then acts as the token's owner, with the owner's roles; a
    failed token is recorded by ``authenticate_api_token``, and each operation
    records what the token was used for. Too many failed tokens from one address answer
    429 before any token is looked up (api/throttling.py).
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from medoffice.api.throttling import FailedTokenThrottle

        throttle = FailedTokenThrottle()
        if throttle.refuses(request):
            raise Throttled(wait=throttle.wait())  # type: ignore[arg-type]  # ninja types wait as int; its throttles give float seconds
        user = services.authenticate_api_token(token)
        if user is None:
            throttle.record_failure(request)
            return None
        request.user = user
        bind_user(request)
        return user


def session_is_verified(request: HttpRequest) -> bool:
    """The session's user finished log-in: the second step too, where they use or need one.

    The same rule (``mfa.pending_step``) as MfaRequiredMiddleware, which does not look at
    /api/ paths.
    """
    if not request.user.is_authenticated:
        return False
    from medoffice.core.mfa import pending_step

    required = getattr(request, "practice_mfa_for_everyone", False)
    return pending_step(request.user, required=required) is None


class VerifiedSessionAuth(SessionAuth):
    """Django's session (with its CSRF check on writes), once two-step log-in is done."""

    def __call__(self, request: HttpRequest) -> Any:
        # No session, no CSRF question: a failed token answers 401, not "CSRF check failed".
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if session_is_verified(request) else None
