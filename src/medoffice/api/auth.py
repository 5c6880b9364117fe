"""Who an API request acts as: a personal API token, or a fully logged-in browser session."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
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
    429 before any token is looked up (api/throttling.py). Failures, the refused ones
    included, reach the audit log as one summary per address and minute (core/failures.py).
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from medoffice.api.throttling import FailedTokenThrottle

        throttle = FailedTokenThrottle()
        if throttle.refuses(request):
            services.record_token_failure(throttled=True)
            raise Throttled(wait=throttle.wait())  # type: ignore[arg-type]  # ninja types wait as int; its throttles give float seconds
        user = services.authenticate_api_token(token)
        if user is None:
            throttle.record_failure(request)
            return None
        request.user = user
        bind_user(request)
        # The refusal below is audited as this user's (api/errors.py reads request.auth).
        request.auth = user  # type: ignore[attr-defined]
        check_token_scope(request, user.api_token)
        return user


class TokenScopeDenied(PermissionDenied):
    """A token used outside its scope: 403 with one of the ``token_…`` codes."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def check_token_scope(request: HttpRequest, token: Any) -> None:
    """Refuse (403) an operation outside the token's areas or access, or an audit read by a
    token not made after a two-step check.

    The area comes from the operation's route through api/base.py AREAS, so a new app's
    operations are scoped by adding its area there, with no code of their own.
    """
    from medoffice.api.base import area_of, area_slug
    from medoffice.core.error_codes import CoreErrorCode
    from medoffice.core.models import TokenAccess

    match = getattr(request, "resolver_match", None)
    route = match.route if match is not None else request.path
    area = area_of(route.split("/", 2)[-1] if route.startswith("api/") else route)
    # Only the schema and the documentation have no area: they hold no data.
    if area is not None and area_slug(area) not in token.areas:
        raise TokenScopeDenied(
            f"This API token may not use the {area} area; its areas are: "
            f"{', '.join(token.areas) or 'none'}. Make a token with that area.",
            CoreErrorCode.TOKEN_AREA_NOT_ALLOWED,
        )
    if request.method not in SAFE_METHODS and token.access != TokenAccess.WRITE:
        raise TokenScopeDenied(
            "This API token is read-only: make a read-and-write token to change data.",
            CoreErrorCode.TOKEN_READ_ONLY,
        )
    if area == "Audit" and not token.mfa_verified:
        raise TokenScopeDenied(
            "Reading the audit log needs a token made after a two-step log-in check.",
            CoreErrorCode.TOKEN_NEEDS_TWO_STEP,
        )


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
