"""Core API operations: me, the practice and its locations, users, the audit log, own tokens.

Every operation reads through ``Model.objects.restrict(caller, "view")`` (via
``restricted``, which answers 403 when the caller's roles lack the permission)
and records its read in the audit log. A caller's own API tokens are the one
exception: they belong to the caller, so ownership is the whole rule.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from medoffice.api.common import (
    MAX_ID,
    AwareDateTime,
    Pagination,
    SearchText,
    audit,
    get_or_404,
    require_permission,
    restricted,
    row_id,
)
from medoffice.api.errors import error_responses
from medoffice.core import filters as lists
from medoffice.core import services
from medoffice.core.filtersets import filter_rows
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
from medoffice.core.models.practice import Address, LocationHours, PlaceOfService, Weekday
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

    @staticmethod
    def resolve_line1(obj: Address) -> str:
        return obj.address_line1

    @staticmethod
    def resolve_line2(obj: Address) -> str:
        return obj.address_line2

    @staticmethod
    def resolve_text(obj: Address) -> str:
        return obj.address_text


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

    @staticmethod
    def resolve_address(obj: Practice) -> Practice:
        return obj  # AddressOut reads the address columns


@router.get(
    "/practice",
    response={200: PracticeOut, **error_responses(403, 404)},
    summary="The practice: names, identifiers, time zone, address, security settings",
)
def practice(request: ApiRequest) -> Practice:
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
    return found


class LocationOut(Schema):
    id: int
    code: str
    name: str
    phone: str
    place_of_service: PlaceOfService = Field(description="CMS place-of-service code.")
    is_active: bool
    address: AddressOut

    @staticmethod
    def resolve_address(obj: Location) -> Location:
        return obj  # AddressOut reads the address columns


class OpeningHoursOut(Schema):
    weekday: Weekday = Field(description="0 Monday … 6 Sunday.")
    weekday_name: str
    opens: str = Field(pattern=r"^\d{2}:\d{2}$", description="HH:MM, the location's local time.")
    closes: str = Field(pattern=r"^\d{2}:\d{2}$", description="HH:MM, the location's local time.")

    @staticmethod
    def resolve_weekday_name(obj: LocationHours) -> str:
        return obj.get_weekday_display()

    @staticmethod
    def resolve_opens(obj: LocationHours) -> str:
        return obj.opens.strftime("%H:%M")

    @staticmethod
    def resolve_closes(obj: LocationHours) -> str:
        return obj.closes.strftime("%H:%M")


class LocationDetailOut(LocationOut):
    hours: list[OpeningHoursOut] = Field(description="Opening periods, by weekday and time.")

    @staticmethod
    def resolve_hours(obj: Location) -> list[LocationHours]:
        return list(obj.hours.all())


@router.get(
    "/locations",
    response={200: list[LocationOut], **error_responses(403, 422)},
    summary="The practice's locations",
)
@paginate(Pagination)
def locations(request: ApiRequest) -> QuerySet[Location]:
    queryset = restricted(request, Location).order_by("name", "pk")
    audit(request, AuditAction.READ, object_type="core.location", detail="API list")
    return queryset


@router.get(
    "/locations/{id}",
    response={200: LocationDetailOut, **error_responses(403, 404, 422)},
    summary="One location with its opening hours",
)
def location_detail(request: ApiRequest, id: int = row_id()) -> Location:
    queryset = restricted(request, Location).prefetch_related("hours")
    loc = get_or_404(request, queryset, id, what="location")
    audit(request, AuditAction.READ, object_type="core.location", object_id=loc.pk)
    return loc


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

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return sorted(a.role for a in obj.role_assignments.all())

    @staticmethod
    def resolve_location_codes(obj: User) -> list[str]:
        return sorted(loc.code for loc in obj.locations.all())


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


@router.get(
    "/users",
    response={200: list[UserOut], **error_responses(403, 422)},
    summary="Staff user accounts, with their roles and locations",
)
@paginate(Pagination)
def users(request: ApiRequest, filters: Query[UserFilter]) -> QuerySet[User]:
    queryset = filter_rows(lists.UserFilter, _users(request), filters.model_dump(mode="json"))
    audit(
        request,
        AuditAction.READ,
        object_type="core.user",
        detail=_filter_text(filters),
    )
    return queryset.order_by("username", "pk")


@router.get(
    "/users/{id}",
    response={200: UserOut, **error_responses(403, 404, 422)},
    summary="One staff user account",
)
def user_detail(request: ApiRequest, id: int = row_id()) -> User:
    user = get_or_404(request, _users(request), id, what="user")
    audit(request, AuditAction.READ, object_type="core.user", object_id=user.pk)
    return user


# --- audit log ---------------------------------------------------------------------------


class AuditEventOut(Schema):
    seq: int = Field(description="Position in the hash chain, without gaps.")
    occurred_at: dt.datetime
    username: str
    roles: list[str] = Field(description="The user's roles when the event happened.")
    action: AuditAction
    object_type: str
    object_id: str
    patient_id: int | None = Field(description="The one patient the event is about.")
    patient_ids: list[int] = Field(
        description="The patients a read showed (a search's results, a page of a list), "
        "in the order shown; empty for other events."
    )
    data_category: str
    outcome: AuditOutcome
    client_ip: str | None
    request_id: str
    detail: str
    prev_hash: str = Field(description="SHA-256 of the previous entry.")
    entry_hash: str = Field(description="SHA-256 over this entry's fields and prev_hash.")

    @staticmethod
    def resolve_roles(obj: AuditEvent) -> list[str]:
        return [r for r in obj.roles.split(",") if r]

    @staticmethod
    def resolve_patient_ids(obj: AuditEvent) -> list[int]:
        return obj.shown_patient_ids


class AuditFilter(Schema):
    since: AwareDateTime | None = Field(
        None,
        description="Events at or after this time (ISO 8601; without an offset, "
        "the practice's time zone).",
    )
    until: AwareDateTime | None = Field(None, description="Events before this time.")
    user: SearchText | None = Field(None, description="User name (exact, any case).")
    patient_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Patient id: events about the patient and the searches and lists "
        "that showed them.",
    )
    action: AuditAction | None = None
    object_type: SearchText | None = Field(
        None,
        description="One of the kinds of object the log names, e.g. core.user, "
        "patients.patient (any other answers 400).",
    )
    outcome: AuditOutcome | None = None


@router.get(
    "/audit-events",
    response={200: list[AuditEventOut], **error_responses(400, 403, 422)},
    summary="The audit log, newest first (reading it is itself recorded)",
)
@paginate(Pagination)
def audit_events(request: ApiRequest, filters: Query[AuditFilter]) -> QuerySet[AuditEvent]:
    queryset = filter_rows(
        lists.AuditFilter,
        restricted(request, AuditEvent),
        filters.model_dump(mode="json"),
        rename={"patient_id": "patient"},
    )
    audit(
        request,
        AuditAction.READ,
        object_type="core.auditevent",
        data_category="audit",
        detail=(_token_flag(request) + _filter_text(filters))[:500],
    )
    return queryset.order_by("-seq")


def _token_flag(request: ApiRequest) -> str:
    token = getattr(request.auth, "api_token", None)
    if token is None:
        return ""
    return f"[read with API token {token.prefix}…, made after a two-step check] "


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

    @staticmethod
    def resolve_username(obj: ApiToken) -> str:
        return obj.user.username


def _own_tokens(request: ApiRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=request.auth)


@router.get(
    "/tokens",
    response={200: list[TokenOut], **error_responses()},
    summary="Your own API tokens (never the token itself; make tokens on the API tokens page)",
)
def tokens(request: ApiRequest) -> list[ApiToken]:
    mine = list(_own_tokens(request).order_by("-created_at", "-pk"))
    audit(request, AuditAction.READ, object_type="core.apitoken", detail="API list of own tokens")
    return mine


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
def staff_tokens(request: ApiRequest) -> list[ApiToken]:
    rows = list(_staff_tokens(request).order_by("-created_at", "-pk"))
    audit(request, AuditAction.READ, object_type="core.apitoken", detail="API list of all tokens")
    return rows


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
