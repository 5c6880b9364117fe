"""Who may read the API's documentation, and the page's Content-Security-Policy.

``/api/v1/docs`` (Swagger UI from django-ninja's bundled static files, no CDN)
needs a logged-in session; the API's views are ``@login_not_required`` (medoffice/urls.py),
so this decorator does it. ``/api/v1/openapi.json`` answers a logged-in session or
a valid API token, so scripts and tests can fetch the schema; tokens' reads of
it are audited like any other use of a token.

The page keeps the site's strict Content-Security-Policy (no inline script or
style): ninja's template loads swagger-ui-bundle.js and swagger-ui-init.js as
files and passes its settings as a JSON data block, and Swagger UI sets styles
through the DOM, which style-src 'self' allows. tests/api/test_docs_browser.py
renders the page in Chromium and fails on any CSP violation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from ninja.openapi.views import openapi_json

from medoffice.api.auth import TokenAuth, session_is_verified
from medoffice.api.errors import ErrorCode, error_body

_token_auth = TokenAuth()


def _docs_page_login(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from medoffice.core.mfa import pending_step

    required = getattr(request, "practice_mfa_for_everyone", False)
    step = pending_step(request.user, required=required)
    if step is None:
        return None
    name = "core:mfa-verify" if step == "verify" else "core:mfa-enrol"
    return HttpResponseRedirect(reverse(name) + "?" + urlencode({"next": request.get_full_path()}))


def _schema_caller(request: HttpRequest) -> bool:
    if session_is_verified(request):
        return True
    user = _token_auth(request)
    if user is None:
        return False
    from medoffice.core.audit import record_event
    from medoffice.core.models import AuditAction

    record_event(AuditAction.READ, user=user, object_type="api.openapi", detail="OpenAPI schema")
    return True


# The schema's JSON, built on the first request of the process: it changes only with the
# code (the operations mounted at start-up), and building it takes far longer than a page.
_schema_bodies: dict[tuple[int, tuple[tuple[str, Any], ...]], tuple[bytes, str]] = {}


def _schema_response(
    view: Callable[..., HttpResponse], request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponse:
    key = (id(getattr(view, "keywords", {}).get("api")), tuple(sorted(kwargs.items())))
    if key not in _schema_bodies:
        built = view(request, *args, **kwargs)
        if built.status_code != 200:
            return built
        _schema_bodies[key] = (built.content, built["Content-Type"])
    body, content_type = _schema_bodies[key]
    return HttpResponse(body, content_type=content_type)


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja's ``docs_decorator``: wraps both the schema view and the docs page view."""
    is_schema = getattr(view, "func", view) is openapi_json

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_schema:
            if not _schema_caller(request):
                response = JsonResponse(
                    error_body(
                        "Log in, or send “Authorization: Bearer <token>”, to read the schema.",
                        code=ErrorCode.NOT_AUTHENTICATED,
                    ),
                    status=401,
                )
                response["WWW-Authenticate"] = 'Bearer realm="api"'
                return response
            return _schema_response(view, request, *args, **kwargs)
        refusal = _docs_page_login(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    return wrapper
