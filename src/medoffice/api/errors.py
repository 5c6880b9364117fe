"""One JSON error body for every failure: ``{"detail": "...", "errors": [{"field", "message"}]}``.

400 a request the data rules refuse (Django ValidationError), 401 no valid
credentials, 403 a permission the caller's roles lack, 404 nothing there (or
nothing the caller may see), 422 parameters that do not parse, each naming the
field at fault. An authenticated request that fails before its operation
recorded anything is recorded here, so every such request leaves an audit row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from medoffice.api.common import audit, was_audited
from medoffice.core.models import AuditAction, AuditOutcome

logger = logging.getLogger(__name__)

_METHOD_ACTIONS = {
    "GET": AuditAction.READ,
    "HEAD": AuditAction.READ,
    "POST": AuditAction.CREATE,
    "DELETE": AuditAction.DELETE,
}


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """``{code: ErrorOut}`` for an operation's ``response=`` mapping; 401 is always possible."""
    return dict.fromkeys(sorted({401, *codes}), ErrorOut)


def error_body(detail: str, errors: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    return {"detail": detail, "errors": [{"field": f, "message": m} for f, m in errors]}


def _audit_failure(request: HttpRequest, status: int, detail: str) -> None:
    if getattr(request, "auth", None) is None or was_audited(request):
        return
    audit(
        request,
        _METHOD_ACTIONS.get(request.method or "", AuditAction.UPDATE),
        object_type="",
        outcome=AuditOutcome.DENIED if status == 403 else AuditOutcome.FAILURE,
        detail=f"API {request.method} {request.path}: {status} {detail}",
    )


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: Iterable[tuple[str, str]] = (),
) -> HttpResponse:
    _audit_failure(request, status, detail)
    return api.create_response(request, error_body(detail, errors), status=status)


def _field_name(loc: Iterable[Any]) -> str:
    # ninja puts the source first: ("query", "since"), ("path", "id"), ("body", "payload", "name").
    parts = [str(p) for p in loc]
    return ".".join(parts[1:]) or (parts[0] if parts else NON_FIELD_ERRORS)


def register_error_handlers(api: NinjaAPI) -> None:
    def invalid_parameters(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [(_field_name(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in exc.errors]
        fields = ", ".join(dict.fromkeys(f for f, _ in errors))
        return _respond(api, request, 422, f"Invalid request parameters: {fields}.", errors)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _respond(
            api,
            request,
            401,
            "Authentication required: send “Authorization: Bearer <token>” with a valid, "
            "unrevoked, unexpired API token, or log in.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _respond(api, request, exc.status_code, str(exc))

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond(api, request, 403, str(exc) or "Your roles do not allow this operation.")

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, 404, str(exc) or "Not found.")

    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [(f, m) for f, messages in exc.message_dict.items() for m in messages]
        else:
            errors = [(NON_FIELD_ERRORS, m) for m in exc.messages]
        fields = ", ".join(dict.fromkeys(f for f, _ in errors))
        return _respond(api, request, 400, f"The request was refused: check {fields}.", errors)

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API %s %s failed", request.method, request.path, exc_info=exc)
        request_id = getattr(request, "request_id", "")
        return api.create_response(
            request,
            error_body(f"Internal error; quote request id {request_id} when reporting it."),
            status=500,
        )

    api.add_exception_handler(NinjaValidationError, invalid_parameters)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(DjangoValidationError, refused)
    api.add_exception_handler(Exception, server_error)
