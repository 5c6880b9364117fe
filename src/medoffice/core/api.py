"""Core API operations: me, the practice and its locations, users, the audit log, own tokens.

Every operation reads through ``Model.objects.restrict(caller, "view")`` (via
``restricted``, which answers 403 when the caller's roles lack the permission)
and records its read in the audit log. A caller's own API tokens are the one
exception: they belong to the caller, so ownership is the whole rule.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from medoffice.api.common import (
    MAX_ID,
    AwareDateTime,
    Pagination,
    SearchText,
    ShapedRows,
    audit,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.core import services
from medoffice.core.error_codes import CoreErrorCode
from medoffice.core.http import ApiRequest
from medoffice.core.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    AuditOutcome,
    Location,
    Practice,
    TokenAccess,
    User,
)
from medoffice.core.models.practice import PlaceOfService, Weekday
from medoffice.core.roles import Permission, Role

router = Router(tags=["core"])


# --- me ----------------------------------------------------------------------------------


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    roles: list[str]
    permissions: list[str]


@router.get(
    "/me", response={200: MeOut, **error_responses()}, summary="The user the request acts as"
)
def me(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    audit(request, AuditAction.READ, object_type="core.user", object_id=user.pk)
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": sorted(r.value for r in user.role_set),
        "permissions": sorted(user.get_all_permissions()),
    }


# --- practice and locations --------------------------------------------------------------


class AddressOut(Schema):
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    text: str = Field(description="The address on one line.")


def _address(obj: Practice | Location) -> dict[str, str]:
    return {
        "line1": obj.address_line1,
        "line2": obj.address_line2,
        "city": obj.city,
        "state": obj.state,
        "postal_code": obj.postal_code,
        "text": obj.address_text,
    }


class PracticeOut(Schema):
    legal_name: str
    display_name: str
    tax_id: str = Field(description="Employer identification number (EIN), 12-3456789.")
    group_npi: str
    time_zone: str = Field(description="IANA time zone name, e.g. America/New_York.")
    phone: str
    address: AddressOut
    idle_timeout_minutes: int = Field(description="Sessions end after this much inactivity.")
    require_mfa_for_everyone: bool


@router.get(
    "/practice",
    response={200: PracticeOut, **error_responses(403, 404)},
    summary="The practice: names, identifiers, time zone, address, security settings",
)
def practice(request: ApiRequest) -> dict[str, Any]:
    found = restricted(request, Practice).order_by("pk").first()
    if found is None:
        audit(
            request,
            AuditAction.READ,
            object_type="core.practice",
            outcome=AuditOutcome.FAILURE,
            detail="the practice is not set up yet",
        )
        raise Http404("The practice is not set up yet.")
    audit(request, AuditAction.READ, object_type="core.practice", object_id=found.pk)
    return {
        "legal_name": found.legal_name,
        "display_name": found.display_name,
        "tax_id": found.tax_id,
        "group_npi": found.group_npi,
        "time_zone": found.time_zone,
        "phone": found.phone,
        "address": _address(found),
        "idle_timeout_minutes": found.idle_timeout_minutes,
        "require_mfa_for_everyone": found.require_mfa_for_everyone,
    }


class LocationOut(Schema):
    id: int
    code: str
    name: str
    phone: str
    place_of_service: PlaceOfService = Field(description="CMS place-of-service code.")
    is_active: bool
    address: AddressOut


class OpeningHoursOut(Schema):
    weekday: Weekday = Field(description="0 Monday … 6 Sunday.")
    weekday_name: str
    opens: str = Field(pattern=r"^\d{2}:\d{2}$", description="HH:MM, the location's local time.")
    closes: str = Field(pattern=r"^\d{2}:\d{2}$", description="HH:MM, the location's local time.")


class LocationDetailOut(LocationOut):
    hours: list[OpeningHoursOut] = Field(description="Opening periods, by weekday and time.")


def _location(loc: Location) -> dict[str, Any]:
    return {
        "id": loc.pk,
        "code": loc.code,
        "name": loc.name,
        "phone": loc.phone,
        "place_of_service": loc.place_of_service,
        "is_active": loc.is_active,
        "address": _address(loc),
    }


@router.get(
    "/locations",
    response={200: list[LocationOut], **error_responses(403, 422)},
    summary="The practice's locations",
)
@paginate(Pagination)
def locations(request: ApiRequest) -> ShapedRows:
    queryset = restricted(request, Location).order_by("name", "pk")
    audit(request, AuditAction.READ, object_type="core.location", detail="API list")
    return ShapedRows(queryset, _location)


@router.get(
    "/locations/{id}",
    response={200: LocationDetailOut, **error_responses(403, 404, 422)},
    summary="One location with its opening hours",
)
def location_detail(request: ApiRequest, id: int = row_id()) -> dict[str, Any]:
    queryset = restricted(request, Location).prefetch_related("hours")
    loc = get_or_404(request, queryset, id, what="location")
    audit(request, AuditAction.READ, object_type="core.location", object_id=loc.pk)
    return {
        **_location(loc),
        "hours": [
            {
                "weekday": h.weekday,
                "weekday_name": h.get_weekday_display(),
                "opens": h.opens.strftime("%H:%M"),
                "closes": h.closes.strftime("%H:%M"),
            }
            for h in loc.hours.all()
        ],
    }


# --- users -------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    title: str = Field(description="Job title.")
    roles: list[Role]
    location_codes: list[str] = Field(
        description="Locations the user is limited to; empty means every location."
    )
    is_active: bool
    last_login: dt.datetime | None


class UserFilter(Schema):
    role: Role | None = Field(None, description="Only users with this role.")
    active: bool | None = Field(None, description="Only active (true) or deactivated (false).")
    q: SearchText | None = Field(
        None, description="Words each found in the user name, first name or last name."
    )


def _filter_text(filters: Schema) -> str:
    used = filters.model_dump(exclude_none=True, mode="json")
    return ("API list; filter: " + " ".join(f"{k}={v}" for k, v in used.items()))[:500]


def _users(request: ApiRequest) -> QuerySet[User]:
    return restricted(request, User).prefetch_related("role_assignments", "locations")


def _user(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "title": user.title,
        "roles": sorted(a.role for a in user.role_assignments.all()),
        "location_codes": sorted(loc.code for loc in user.locations.all()),
        "is_active": user.is_active,
        "last_login": user.last_login,
    }


@router.get(
    "/users",
    response={200: list[UserOut], **error_responses(403, 422)},
    summary="Staff user accounts, with their roles and locations",
)
@paginate(Pagination)
def users(request: ApiRequest, filters: Query[UserFilter]) -> ShapedRows:
    queryset = _users(request)
    if filters.q:
        for word in filters.q.split():
            queryset = queryset.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
            )
    if filters.role is not None:
        queryset = queryset.filter(
            pk__in=User.objects.filter(role_assignments__role=filters.role.value).values("pk")
        )
    if filters.active is not None:
        queryset = queryset.filter(is_active=filters.active)
    audit(
        request,
        AuditAction.READ,
        object_type="core.user",
        detail=_filter_text(filters),
    )
    return ShapedRows(queryset.order_by("username", "pk"), _user)


@router.get(
    "/users/{id}",
    response={200: UserOut, **error_responses(403, 404, 422)},
    summary="One staff user account",
)
def user_detail(request: ApiRequest, id: int = row_id()) -> dict[str, Any]:
    user = get_or_404(request, _users(request), id, what="user")
    audit(request, AuditAction.READ, object_type="core.user", object_id=user.pk)
    return _user(user)


# --- audit log ---------------------------------------------------------------------------


class AuditEventOut(Schema):
    seq: int = Field(description="Position in the hash chain, without gaps.")
    occurred_at: dt.datetime
    username: str
    roles: list[str] = Field(description="The user's roles when the event happened.")
    action: AuditAction
    object_type: str
    object_id: str
    patient_id: int | None
    data_category: str
    outcome: AuditOutcome
    client_ip: str | None
    request_id: str
    detail: str
    prev_hash: str = Field(description="SHA-256 of the previous entry.")
    entry_hash: str = Field(description="SHA-256 over this entry's fields and prev_hash.")


class AuditFilter(Schema):
    since: AwareDateTime | None = Field(
        None,
        description="Events at or after this time (ISO 8601; without an offset, "
        "the practice's time zone).",
    )
    until: AwareDateTime | None = Field(None, description="Events before this time.")
    user: SearchText | None = Field(None, description="User name (exact, any case).")
    patient_id: int | None = Field(None, ge=1, le=MAX_ID, description="Patient id.")
    action: AuditAction | None = None
    object_type: SearchText | None = Field(None, description="e.g. core.user, patients.patient")
    outcome: AuditOutcome | None = None


@router.get(
    "/audit-events",
    response={200: list[AuditEventOut], **error_responses(400, 403, 422)},
    summary="The audit log, newest first (reading it is itself recorded)",
)
@paginate(Pagination)
def audit_events(request: ApiRequest, filters: Query[AuditFilter]) -> ShapedRows:
    queryset = restricted(request, AuditEvent)
    if filters.since and filters.until and filters.until <= filters.since:
        raise ValidationError(
            {
                "until": ValidationError(
                    "“until” must be later than “since”.", code=CoreErrorCode.INVALID_PERIOD
                )
            }
        )
    if filters.since:
        queryset = queryset.filter(occurred_at__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(occurred_at__lt=filters.until)
    if filters.user:
        queryset = queryset.filter(username__iexact=filters.user)
    if filters.patient_id:
        queryset = queryset.filter(patient_id=filters.patient_id)
    if filters.action:
        queryset = queryset.filter(action=filters.action.value)
    if filters.object_type:
        queryset = queryset.filter(object_type=filters.object_type)
    if filters.outcome:
        queryset = queryset.filter(outcome=filters.outcome.value)
    audit(
        request,
        AuditAction.READ,
        object_type="core.auditevent",
        data_category="audit",
        detail=(_token_flag(request) + _filter_text(filters))[:500],
    )
    return ShapedRows(queryset.order_by("-seq"), _audit_event)


def _token_flag(request: ApiRequest) -> str:
    token = getattr(request.auth, "api_token", None)
    if token is None:
        return ""
    return f"[read with API token {token.prefix}…, made after a two-step check] "


def _audit_event(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "username": event.username,
        "roles": [r for r in event.roles.split(",") if r],
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "patient_id": event.patient_id,
        "data_category": event.data_category,
        "outcome": event.outcome,
        "client_ip": event.client_ip,
        "request_id": event.request_id,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
        "entry_hash": event.entry_hash,
    }


# --- own API tokens ----------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    is_active: bool
    access: TokenAccess = Field(description="`read` (read only) or `write` (read and write).")
    areas: list[str] = Field(description="The API areas it may use, e.g. `patients`.")
    mfa_verified: bool = Field(
        description="Made after a two-step check: only such a token may read the audit log."
    )


class StaffTokenOut(TokenOut):
    username: str = Field(description="The owner's user name.")


def _token_row(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "prefix": t.prefix,
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "last_used_at": t.last_used_at,
        "revoked_at": t.revoked_at,
        "is_active": t.is_active,
        "access": t.access,
        "areas": t.areas,
        "mfa_verified": t.mfa_verified,
    }


def _own_tokens(request: ApiRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=request.auth)


@router.get(
    "/tokens",
    response={200: list[TokenOut], **error_responses()},
    summary="Your own API tokens (never the token itself; make tokens on the API tokens page)",
)
def tokens(request: ApiRequest) -> list[dict[str, Any]]:
    mine = list(_own_tokens(request).order_by("-created_at", "-pk"))
    audit(request, AuditAction.READ, object_type="core.apitoken", detail="API list of own tokens")
    return [_token_row(t) for t in mine]


@router.delete(
    "/tokens/{id}",
    response={204: None, **error_responses(403, 404, 422)},
    summary="Revoke one of your own API tokens (it stops working at once)",
)
def token_revoke(request: ApiRequest, id: int = row_id()) -> Status:
    token = get_or_404(request, _own_tokens(request), id, what="API token of yours")
    return _revoke(request, token, f"API token “{token.name}” was already revoked")


# --- every user's API tokens (the office manager) ------------------------------------------


def _staff_tokens(request: ApiRequest) -> QuerySet[ApiToken]:
    require_permission(
        request, Permission.CHANGE_USER, action=AuditAction.READ, object_type="core.apitoken"
    )
    return ApiToken.objects.select_related("user")


@router.get(
    "/staff-tokens",
    response={200: list[StaffTokenOut], **error_responses(403)},
    summary="Every user's API tokens, newest first (office manager)",
)
def staff_tokens(request: ApiRequest) -> list[dict[str, Any]]:
    rows = list(_staff_tokens(request).order_by("-created_at", "-pk"))
    audit(request, AuditAction.READ, object_type="core.apitoken", detail="API list of all tokens")
    return [{**_token_row(t), "username": t.user.username} for t in rows]


@router.delete(
    "/staff-tokens/{id}",
    response={204: None, **error_responses(403, 404, 422)},
    summary="Revoke any user's API token (office manager; it stops working at once)",
)
def staff_token_revoke(request: ApiRequest, id: int = row_id()) -> Status:
    token = get_or_404(request, _staff_tokens(request), id, what="API token")
    return _revoke(
        request, token, f"API token “{token.name}” of {token.user.username} was already revoked"
    )


def _revoke(request: ApiRequest, token: ApiToken, already: str) -> Status:
    """Revoke ``token`` (audited by the service); a second revoke is audited as such."""
    if token.revoked_at is not None:
        audit(
            request,
            AuditAction.SECURITY,
            object_type="core.apitoken",
            object_id=token.pk,
            detail=already,
        )
    else:
        services.revoke_api_token(actor=request.auth, token=token)
        request.api_audited = True
    return Status(204, None)
