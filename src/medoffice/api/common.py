"""What every API operation shares: authorization, auditing, pagination, parameter types.

Authorization is ``Model.objects.restrict(user, action)``, as everywhere else;
``restricted`` adds the 403 an API owes a caller whose roles lack the
permission (a page would show an empty list). Every authenticated operation
leaves at least one audit row: the operation records its read or write, and the
error handlers (api/errors.py) record the failures of operations that did not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, StringConstraints
from pydantic_core import core_schema

from medoffice.core import bounds
from medoffice.core.audit import record_event
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction, AuditOutcome, practice_zone
from medoffice.core.money import MoneyError, format_money, parse_money
from medoffice.core.permissions import require

M = TypeVar("M", bound=Model)

# Row ids are 64-bit; larger numbers are refused with a 422 naming the parameter.
MAX_ID = bounds.MAX_ID


def _within_date_bounds(value: dt.date) -> dt.date:
    problem = bounds.date_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# Every date an operation takes: 1900–2100 (core/bounds.py), 422 otherwise; date-times
# are AwareDateTime below, held to the same range.
Day = Annotated[dt.date, AfterValidator(_within_date_bounds)]
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 500


@dataclass(frozen=True)
class Money:
    """The API's one money type, as ``Annotated[Decimal, Money(maximum)]``.

    Read by ``core.money.parse_money``, as the pages read ``core.forms.MoneyField``: a
    string (``"1,250.00"``, ``"25"``) or a JSON integer; a JSON number with a fraction or
    an exponent (``1e3``, ``25.5``) is refused, binary floating point not being money.
    Above ``maximum``, more than two decimals, ``NaN``, ``Infinity``: 422 naming the field,
    with the pages' messages. Each use names its bound; ``allow_zero`` when zero is an amount.
    """

    maximum: Decimal
    allow_zero: bool = False

    def read(self, value: Any) -> Decimal:
        if isinstance(value, float | bool):
            raise ValueError('Send the amount as a string of dollars and cents, e.g. "25.00".')
        if not isinstance(value, str | int | Decimal):
            raise ValueError("Enter the amount in dollars and cents, e.g. 25.00 or 1,250.00.")
        try:
            return parse_money(value, maximum=self.maximum, allow_zero=self.allow_zero)
        except MoneyError as exc:
            raise ValueError(str(exc)) from None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_plain_validator_function(
            self.read, serialization=core_schema.to_string_ser_schema()
        )

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": r"^\$?(\d{1,3}(,\d{3})+|\d+)?(\.\d{0,2})?$",
            "examples": ["25.00", "1,250.00"],
            "description": f"Dollars and cents, at most {format_money(self.maximum)}"
            + ("" if self.allow_zero else ", more than zero")
            + "; never an exponent.",
        }


# Free-text filters: bounded, and without NUL characters (PostgreSQL refuses them in text).
SearchText = Annotated[str, StringConstraints(max_length=150, pattern=r"^[^\x00]*$")]


# --- auditing --------------------------------------------------------------------------


def audit(
    request: ApiRequest,
    action: AuditAction | str,
    *,
    object_type: str,
    object_id: str | int = "",
    data_category: str = "",
    outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
    detail: str = "",
    patient_ids: Iterable[int | None] = (),
) -> None:
    """Record what the API caller did and mark the request as audited.

    ``patient_ids``: the patients the answer shows (a list's page, a search's results),
    all in this one entry.
    """
    record_event(
        action,
        user=request.auth,
        object_type=object_type,
        object_id=object_id,
        patient_ids=patient_ids,
        data_category=data_category,
        outcome=outcome,
        detail=detail,
    )
    request.api_audited = True


def audit_patients_shown(
    request: ApiRequest,
    rows: Iterable[Any],
    *,
    object_type: str,
    data_category: str,
    what: str = "",
) -> None:
    """One entry for a list the caller is shown: the patient of every row on the page.

    ``rows`` are the page's objects, each with a ``patient_id`` (a row of one patient's)
    or a patient itself (``object_type`` "patients.patient"); ``what`` says which list.
    """
    ids = [row.pk if object_type == "patients.patient" else row.patient_id for row in rows]
    audit(
        request,
        AuditAction.READ,
        object_type=object_type,
        data_category=data_category,
        patient_ids=ids,
        detail=f"API {request.method} {request.path}"
        + (f" ({what})" if what else "")
        + f": {len(ids)} shown",
    )


def audit_patient_read(request: ApiRequest, obj: Any, category: str) -> None:
    """Record that the API caller read ``obj``, a row of one patient's, and mark the request."""
    record_event(
        AuditAction.READ,
        user=request.auth,
        obj=obj,
        patient_id=obj.patient_id,
        data_category=category,
        detail=f"API {request.method} {request.path}",
    )
    request.api_audited = True


def was_audited(request: HttpRequest) -> bool:
    return getattr(request, "api_audited", False)


# --- authorization ---------------------------------------------------------------------


def require_permission(
    request: ApiRequest,
    permission: str,
    *,
    action: AuditAction | str,
    object_type: str,
    object_id: str | int = "",
) -> None:
    """PermissionDenied (403) unless the caller has ``permission``; a refusal is audited."""
    try:
        require(
            request.auth, permission, f"Your roles do not include the permission “{permission}”."
        )
    except PermissionDenied:
        audit(
            request,
            action,
            object_type=object_type,
            object_id=object_id,
            outcome=AuditOutcome.DENIED,
            detail=f"API {request.method} {request.path}: lacks {permission}",
        )
        raise


def restricted(request: ApiRequest, model: type[M], action: str = "view") -> QuerySet[M]:
    """``model.objects.restrict(caller, action)``; PermissionDenied (403) without the permission."""
    queryset = model.objects.restrict(request.auth, action)  # type: ignore[attr-defined]  # M's manager is a RestrictedQuerySet's
    require_permission(
        request,
        queryset.permission_for(action),
        action=AuditAction.READ if action == "view" else AuditAction.UPDATE,
        object_type=model._meta.label_lower,
    )
    return queryset


def row_id() -> Any:
    """A path parameter holding a row's id (64-bit; larger numbers answer 422)."""
    return Path(..., ge=1, le=MAX_ID, description="The row's id.")


def get_or_404(request: ApiRequest, queryset: QuerySet[M], pk: int, *, what: str) -> M:
    """One row of an already restricted queryset; a miss is audited and answers 404."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        audit(
            request,
            AuditAction.READ,
            object_type=queryset.model._meta.label_lower,
            object_id=pk,
            outcome=AuditOutcome.FAILURE,
            detail=f"API {request.method} {request.path}: not found",
        )
        raise Http404(f"No {what} with id {pk}.")
    return obj


# --- time --------------------------------------------------------------------------------


def _aware(value: dt.datetime) -> dt.datetime:
    """A date-time with its offset, or read in the practice's time zone; within range in UTC."""
    _within_date_bounds(value)
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=practice_zone())
    return value.astimezone(dt.UTC)


AwareDateTime = Annotated[dt.datetime, AfterValidator(_aware)]


# --- pagination --------------------------------------------------------------------------


class Pagination(LimitOffsetPagination):
    """``limit``/``offset`` pages, bounded so that no value reaches the database unchecked."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT, description="Rows per page."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


class ShapedRows:
    """A queryset the paginator counts and slices, each row of the page shaped by ``shape``
    (or handed to the output schema as it is, without one).

    ``shown`` is called once with the page's rows, before they are shaped: a list of
    patients' rows records there the one audit entry naming the patients on the page.
    """

    def __init__(
        self,
        queryset: QuerySet[M],
        shape: Callable[[M], dict[str, Any]] | None = None,
        shown: Callable[[list[M]], None] | None = None,
    ) -> None:
        self.queryset = queryset
        self.shape = shape
        self.shown = shown

    def all(self) -> QuerySet:
        return self.queryset

    def __getitem__(self, window: slice) -> list[Any]:
        rows = list(self.queryset[window])
        if self.shown is not None:
            self.shown(rows)
        if self.shape is None:
            return rows
        return [self.shape(row) for row in rows]
