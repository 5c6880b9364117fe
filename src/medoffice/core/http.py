"""Request types for type checking: what the middleware and the API's auth add to a request.

Only annotations: at run time every request is a plain ``HttpRequest`` (or the test
client's), and these classes are never instantiated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from medoffice.core.models import User


class MedofficeRequest(HttpRequest):
    """A request as the middleware leaves it (settings.MIDDLEWARE, core/middleware.py)."""

    htmx: HtmxDetails  # django_htmx's HtmxMiddleware
    request_id: str  # RequestContextMiddleware
    # IdleLogoutMiddleware, on a signed-in user's request only:
    practice_mfa_for_everyone: bool
    idle_timeout_seconds: int


class AuthenticatedRequest(MedofficeRequest):
    """A page request behind ``LoginRequiredMiddleware``: the user is signed in."""

    user: User


class ApiRequest(HttpRequest):
    """An API request after ``medoffice.api.auth``: ``auth`` is the token's user."""

    auth: User
    api_audited: bool
