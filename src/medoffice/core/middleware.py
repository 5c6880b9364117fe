"""Request-wide security: request ids, headers, idle log-off, MFA and log-in requirements."""

from __future__ import annotations

import time
import uuid
import zoneinfo
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

from medoffice.core import context as request_context
from medoffice.core.auditchain import canonical_ip
from medoffice.core.error_codes import CoreErrorCode
from medoffice.core.http import MedofficeRequest
from medoffice.core.models.practice import activate_practice_zone, practice_cache

Handler = Callable[[HttpRequest], HttpResponse]

# Paths a logged-in user may reach before finishing two-step log-in.
MFA_EXEMPT_PREFIXES = (
    "/static/",
    "/health",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/mfa/",
    "/api/",
    "/p/",
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the audit log records it (None when it is not an address).

    Behind the reverse proxy (``BEHIND_PROXY``), the address the proxy appended to
    X-Forwarded-For: the right-most entry. Entries before it are whatever the client
    sent and cannot be trusted.
    """
    address = request.META.get("REMOTE_ADDR")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            address = hops[-1]
    return canonical_ip(address)


def given_request_id(value: str) -> str:
    """A client's X-Request-ID in canonical form when it is a UUID; otherwise "".

    The id lands in the audit log and in logs, so anything else (free text, a forged
    log line, another client's id spelled differently) is replaced by one of our own.
    """
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return ""


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID) and exposes it to the audit log."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: MedofficeRequest) -> HttpResponse:
        request_id = given_request_id(request.headers.get("X-Request-ID", "")) or str(uuid.uuid4())
        request.request_id = request_id
        token = request_context.activate(
            request_context.RequestContext(request_id=request_id, client_ip=client_ip(request))
        )
        try:
            with practice_cache():
                response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


def bind_user(request: HttpRequest) -> None:
    """Make the authenticated user the audit log's actor for the rest of the request."""
    ctx = request_context.current()
    request_context.activate(
        request_context.RequestContext(
            request_id=ctx.request_id, client_ip=ctx.client_ip, user=request.user
        )
    )


class SecurityHeadersMiddleware:
    """CSP without inline script, Permissions-Policy; no caching of pages holding PHI."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store")
        return response


def _practice_settings() -> tuple[int, bool, str]:
    from medoffice.core.models import Practice

    practice = Practice.current()
    if practice is None:
        return settings.IDLE_TIMEOUT_MINUTES, False, "UTC"
    return practice.idle_timeout_minutes, practice.require_mfa_for_everyone, practice.time_zone


class IdleLogoutMiddleware:
    """Ends the session after the practice's idle time-out (164.312(a)(2)(iii), ONC (d)(5))."""

    SESSION_KEY = "medoffice_last_activity"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: MedofficeRequest) -> HttpResponse:
        if request.user.is_authenticated:
            bind_user(request)
            timeout_minutes, requires_all, zone = _practice_settings()
            active_zone = zoneinfo.ZoneInfo(zone)
            timezone.activate(active_zone)
            activate_practice_zone(active_zone)
            request.practice_mfa_for_everyone = requires_all
            request.idle_timeout_seconds = timeout_minutes * 60
            now = time.time()
            last = request.session.get(self.SESSION_KEY)
            if last is not None and now - float(last) > timeout_minutes * 60:
                from medoffice.core.services import log_out

                log_out(request, reason="idle")
                messages.info(
                    request,
                    f"You were logged off after {timeout_minutes} minutes without activity. "
                    "Log in again to continue.",
                )
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": "Session expired after inactivity.",
                            "code": CoreErrorCode.SESSION_EXPIRED,
                            "errors": [],
                        },
                        status=401,
                    )
                return _redirect_to_login(request)
            # Background polling does not count as activity.
            if request.headers.get("X-Idle-Poll") != "1":
                request.session[self.SESSION_KEY] = now
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _redirect_to_login(request: HttpRequest) -> HttpResponse:
    url = reverse(settings.LOGIN_URL)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class MfaRequiredMiddleware:
    """Sends users who must use two-step log-in to enrol or to the code prompt first."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(MFA_EXEMPT_PREFIXES):
            from medoffice.core.mfa import pending_step

            step = pending_step(user, required=getattr(request, "practice_mfa_for_everyone", False))
            if step == "verify":
                return HttpResponseRedirect(
                    reverse("core:mfa-verify") + "?" + urlencode({"next": request.get_full_path()})
                )
            if step == "enrol":
                return HttpResponseRedirect(reverse("core:mfa-enrol"))
        return self.get_response(request)


PASSWORD_CHANGE_EXEMPT_PREFIXES = (*MFA_EXEMPT_PREFIXES, "/accounts/password/")


class PasswordChangeRequiredMiddleware:
    """A user asked for a new password chooses it before anything else.

    Pages send them to the password page; the API, used with their session, answers 403
    with the code ``password_change_required``. API tokens are not affected: they carry
    their own scopes and expiry, and the office manager revokes them on the tokens page.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and getattr(user, "must_change_password", False)):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": "Choose a new password on the password page first.",
                    "code": CoreErrorCode.PASSWORD_CHANGE_REQUIRED,
                    "errors": [],
                },
                status=403,
            )
        if not request.path.startswith(PASSWORD_CHANGE_EXEMPT_PREFIXES):
            return HttpResponseRedirect(
                reverse("core:password-change") + "?" + urlencode({"next": request.get_full_path()})
            )
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's: every view needs a session unless marked ``@login_not_required``.

    The public views are the log-in page and the health check (core/views/auth.py), the
    API's views (they authenticate each request with a token or session and answer 401
    themselves) and everything under /p/: the patients' signed confirm/cancel links and the
    providers' secret calendar feeds, each authorised by its token; both are marked in
    medoffice/urls.py. Static files never reach a view (whitenoise answers them first).
    An anonymous request is sent to the log-in page as before: with ``next`` for a plain
    GET, and by ``HX-Redirect`` for an htmx request.
    """

    def handle_no_permission(self, request: HttpRequest, view_func: Callable) -> HttpResponse:  # type: ignore[override]  # htmx gets HX-Redirect, not a 302
        return _redirect_to_login(request)
