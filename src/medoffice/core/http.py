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


class HtmxRequest(HttpRequest):
    """A request that has been through ``django_htmx.middleware.HtmxMiddleware``."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A page request behind ``LoginRequiredMiddleware``: the user is signed in."""

    user: User


class ApiRequest(HttpRequest):
    """An API request after ``medoffice.api.auth``: ``auth`` is the token's user."""

    auth: User
    api_audited: bool
