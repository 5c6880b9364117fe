"""One JSON error body for every failure: ``{"detail", "code", "errors": [{"field", "message", "code"}]}``.

400 a request the data rules refuse (Django ValidationError), 401 no valid
credentials, 403 a permission the caller's roles lack, 404 nothing there (or
nothing the caller may see), 409 a conflict (a taken slot, a possible duplicate),
422 parameters that do not parse, 429 too many requests, each naming the field at
fault. ``code`` is machine-readable: the ``code`` a service gave its
ValidationError (the per-domain ``error_codes.py`` enums), the parser's error type
for a 422, otherwise one of the generic :class:`ErrorCode` values. An
authenticated request that fails before its operation recorded anything is
recorded here, so every such request leaves an audit row; a request that fails on
the server (an unexpected exception, 500) always leaves one with the outcome "error".
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from medoffice.api.common import audit, was_audited
from medoffice.core.audit import record_event
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction, AuditOutcome

logger = logging.getLogger(__name__)

_METHOD_ACTIONS = {
    "GET": AuditAction.READ,
    "HEAD": AuditAction.READ,
    "POST": AuditAction.CREATE,
    "DELETE": AuditAction.DELETE,
}


class ErrorCode(StrEnum):
    """The generic codes, for errors that carry no code of their own."""

    INVALID = "invalid"
    VALIDATION_ERROR = "validation_error"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"


# The generic code of each status, for errors raised without one.
STATUS_CODES = {
    400: ErrorCode.INVALID,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONFLICT,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.THROTTLED,
    500: ErrorCode.SERVER_ERROR,
}


class FieldError(Schema):
    field: str = Field(description="The field at fault (`__all__` for the request as a whole).")
    message: str
    code: str = Field(description="Machine-readable, e.g. `invalid_ssn`, `missing`.")


class ErrorOut(Schema):
    detail: str
    code: str = Field(
        description="Machine-readable: a domain code (e.g. `slot_taken`) or a generic one "
        "(`invalid`, `validation_error`, `not_authenticated`, `permission_denied`, "
        "`not_found`, `conflict`, `throttled`, `server_error`).",
    )
    errors: list[FieldError] = []


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """``{code: ErrorOut}`` for an operation's ``response=`` mapping; 401 and 429 are always possible."""
    return dict.fromkeys(sorted({401, 429, *codes}), ErrorOut)


# (field, message) or (field, message, code)
FieldErrorTuple = tuple[str, str] | tuple[str, str, str]


def error_body(
    detail: str, errors: Iterable[FieldErrorTuple] = (), *, code: str | None = None
) -> dict[str, Any]:
    """The error body; a field error without a code gets ``invalid``.

    Without ``code``, the body takes its field errors' code when they share one,
    otherwise ``invalid``.
    """
    rows = [
        {"field": e[0], "message": e[1], "code": str(e[2]) if len(e) > 2 else ErrorCode.INVALID}
        for e in errors
    ]
    if code is None:
        codes = {row["code"] for row in rows}
        code = codes.pop() if len(codes) == 1 else ErrorCode.INVALID
    return {"detail": detail, "code": str(code), "errors": rows}


def validation_errors(exc: DjangoValidationError) -> Iterator[tuple[str, str, str]]:
    """``(field, message, code)`` for each message of a Django ValidationError.

    The code is the one the service gave (``ValidationError(msg, code=...)``), else ``invalid``.
    """
    if hasattr(exc, "error_dict"):
        items = [(f, errors) for f, errors in exc.error_dict.items()]
    else:
        items = [(NON_FIELD_ERRORS, exc.error_list)]
    for field, errors in items:
        for error in errors:
            message = error.message
            if error.params:
                message = message % error.params
            yield field, str(message), str(error.code or ErrorCode.INVALID)


def _audit_failure(request: HttpRequest, status: int, detail: str) -> None:
    if getattr(request, "auth", None) is None or was_audited(request):
        return
    audit(
        cast(ApiRequest, request),  # authenticated: auth is set
        _METHOD_ACTIONS.get(request.method or "", AuditAction.UPDATE),
        object_type="",
        outcome=AuditOutcome.DENIED if status == 403 else AuditOutcome.FAILURE,
        detail=f"API {request.method} {request.path}: {status} {detail}",
    )


def _audit_error(request: HttpRequest, exc: Exception) -> None:
    """Record a request that failed on the server, whatever the operation recorded before.

    The entry names the exception's class only: its message may hold patient data. If
    the audit log cannot be written either (the database is what failed), that is
    logged and the caller still gets its 500 JSON.
    """
    try:
        record_event(
            _METHOD_ACTIONS.get(request.method or "", AuditAction.UPDATE),
            user=getattr(request, "auth", None),
            outcome=AuditOutcome.ERROR,
            detail=f"API {request.method} {request.path}: 500 {type(exc).__name__}",
        )
    except Exception:
        logger.exception(
            "API %s %s: the audit entry of the failure was not written",
            request.method,
            request.path,
        )
    else:
        cast(ApiRequest, request).api_audited = True


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: Iterable[FieldErrorTuple] = (),
    *,
    code: str | None = None,
) -> HttpResponse:
    _audit_failure(request, status, detail)
    if code is None and status != 400:
        code = STATUS_CODES.get(status, ErrorCode.INVALID)
    return api.create_response(request, error_body(detail, errors, code=code), status=status)


def _field_name(loc: Iterable[Any]) -> str:
    # ninja puts the source first: ("query", "since"), ("path", "id"), ("body", "payload", "name").
    parts = [str(p) for p in loc]
    return ".".join(parts[1:]) or (parts[0] if parts else NON_FIELD_ERRORS)


def register_error_handlers(api: NinjaAPI) -> None:
    def invalid_parameters(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            (
                _field_name(e.get("loc", ())),
                str(e.get("msg", "invalid")),
                str(e.get("type") or ErrorCode.VALIDATION_ERROR),
            )
            for e in exc.errors
        ]
        fields = ", ".join(dict.fromkeys(e[0] for e in errors))
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

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = math.ceil(exc.wait) if exc.wait is not None else None
        detail = "Too many requests" + (f": retry in {wait} seconds." if wait else ".")
        response = _respond(api, request, 429, detail)
        if wait is not None:
            response["Retry-After"] = str(wait)
        return response

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond(
            api,
            request,
            403,
            str(exc) or "Your roles do not allow this operation.",
            code=getattr(exc, "code", None),
        )

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, 404, str(exc) or "Not found.")

    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = list(validation_errors(exc))
        fields = ", ".join(dict.fromkeys(e[0] for e in errors))
        return _respond(api, request, 400, f"The request was refused: check {fields}.", errors)

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API %s %s failed", request.method, request.path, exc_info=exc)
        _audit_error(request, exc)
        request_id = getattr(request, "request_id", "")
        return api.create_response(
            request,
            error_body(
                f"Internal error; quote request id {request_id} when reporting it.",
                code=ErrorCode.SERVER_ERROR,
            ),
            status=500,
        )

    api.exception_handler(NinjaValidationError)(invalid_parameters)
    api.exception_handler(AuthenticationError)(unauthenticated)
    api.exception_handler(Throttled)(throttled)
    api.exception_handler(HttpError)(http_error)
    api.exception_handler(PermissionDenied)(forbidden)
    api.exception_handler(Http404)(not_found)
    api.exception_handler(DjangoValidationError)(refused)
    api.exception_handler(Exception)(server_error)
