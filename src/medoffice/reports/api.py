"""Reports API: the figures of the report pages as JSON (same selectors, same filters).

Every operation needs ``scheduling.view_reports`` (403 otherwise). Filters: ``from`` and
``to`` (local dates, both included; default the last 90 days), ``location``, ``provider``;
a period that is backwards or longer than two years answers 400 naming ``to``, a location
or provider the caller cannot see 400 naming it. Figures are aggregates: no patient data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from medoffice.api.common import MAX_ID, Day, audit, require_permission
from medoffice.api.errors import error_responses
from medoffice.core.http import ApiRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission
from medoffice.reports import selectors
from medoffice.reports.error_codes import ReportsErrorCode
from medoffice.reports.forms import MAX_DAYS
from medoffice.scheduling.selectors import providers_for

router = Router(tags=["reports"])

PERMISSION = Permission.VIEW_REPORTS


class ScopeFilter(Schema):
    location: int | None = Field(None, ge=1, le=MAX_ID)
    provider: int | None = Field(None, ge=1, le=MAX_ID)


class ReportFilter(ScopeFilter):
    from_: Day | None = Field(None, alias="from", description="First day (local).")
    to: Day | None = Field(None, description="Last day (local), default today.")


class AccessFilter(ScopeFilter):
    """No period: the report always looks forward from today."""

    type: int | None = Field(
        None, ge=1, le=MAX_ID, description="Appointment type id (default: the most booked)."
    )


class ScopeOut(Schema):
    location_id: int | None
    provider_id: int | None


class PeriodOut(ScopeOut):
    start_date: dt.date
    end_date: dt.date


class SummaryOut(Schema):
    count: int
    median: float | None = Field(description="Minutes.")
    p90: float | None = Field(description="Minutes, 90th percentile.")


class WaitGroupOut(Schema):
    label: str
    visits: int
    phases: dict[str, SummaryOut]


class WaitTimesOut(Schema):
    filters: PeriodOut
    visits: int
    overall: WaitGroupOut
    by_provider: list[WaitGroupOut]
    by_location: list[WaitGroupOut]
    by_part_of_day: list[WaitGroupOut]


class AttendanceRowOut(Schema):
    label: str
    due: int
    no_shows: int
    late_cancels: int
    no_show_rate: float | None = Field(description="0–1.")
    late_cancel_rate: float | None = Field(description="0–1.")


class NoShowsOut(Schema):
    filters: PeriodOut
    overall: AttendanceRowOut
    by_provider: list[AttendanceRowOut]
    by_location: list[AttendanceRowOut]
    by_month: list[AttendanceRowOut]


class UtilisationRowOut(Schema):
    provider: str
    week: dt.date | None = Field(description="Monday of the week; null for the whole period.")
    booked: float = Field(description="Minutes.")
    available: float = Field(description="Minutes.")
    utilisation: float | None = Field(description="0–1.")


class UtilisationOut(Schema):
    filters: PeriodOut
    by_provider: list[UtilisationRowOut]
    by_week: list[UtilisationRowOut]


class AccessRowOut(Schema):
    provider: str
    days: int | None = Field(description="Days from today to the third open slot.")
    third_slot: dt.datetime | None


class AccessOut(Schema):
    filters: ScopeOut
    appointment_type_id: int | None
    today: dt.date
    horizon_days: int
    rows: list[AccessRowOut]


def _filters(request: ApiRequest, params: ScopeFilter, report: str) -> selectors.Filters:
    """The caller's filters, after the permission check; every call leaves one audit row."""
    user = request.auth
    require_permission(
        request, PERMISSION, action=AuditAction.READ, object_type="reports.report", object_id=report
    )
    default = selectors.Filters.default()
    end = getattr(params, "to", None) or default.end_date
    start = getattr(params, "from_", None) or end - dt.timedelta(days=selectors.DEFAULT_DAYS)
    if end < start:
        raise ValidationError(
            {
                "to": ValidationError(
                    "“to” must be on or after “from”.", code=ReportsErrorCode.PERIOD_REVERSED
                )
            }
        )
    if (end - start).days > MAX_DAYS:
        raise ValidationError(
            {
                "to": ValidationError(
                    "The period can be at most two years long.",
                    code=ReportsErrorCode.PERIOD_TOO_LONG,
                )
            }
        )
    if params.location and not selectors.locations_for(user).filter(pk=params.location).exists():
        raise ValidationError(
            {
                "location": ValidationError(
                    f"No location with id {params.location}.",
                    code=ReportsErrorCode.UNKNOWN_LOCATION,
                )
            }
        )
    if params.provider and not providers_for(user).filter(pk=params.provider).exists():
        raise ValidationError(
            {
                "provider": ValidationError(
                    f"No provider with id {params.provider}.",
                    code=ReportsErrorCode.UNKNOWN_PROVIDER,
                )
            }
        )
    audit(request, AuditAction.READ, object_type="reports.report", object_id=report)
    return selectors.Filters(
        start_date=start,
        end_date=end,
        location_id=params.location,
        provider_id=params.provider,
        appointment_type_id=getattr(params, "type", None),
    )


def _period(f: selectors.Filters) -> dict[str, Any]:
    return {
        "start_date": f.start_date,
        "end_date": f.end_date,
        "location_id": f.location_id,
        "provider_id": f.provider_id,
    }


def _wait_group(g: selectors.WaitGroup) -> dict[str, Any]:
    return {
        "label": g.label,
        "visits": g.visits,
        "phases": {k: dataclasses.asdict(v) for k, v in g.phases.items()},
    }


def _attendance(r: selectors.AttendanceRow) -> dict[str, Any]:
    return {
        "label": r.label,
        "due": r.due,
        "no_shows": r.no_shows,
        "late_cancels": r.late_cancels,
        "no_show_rate": r.no_show_rate,
        "late_cancel_rate": r.late_cancel_rate,
    }


def _utilisation(r: selectors.UtilisationRow) -> dict[str, Any]:
    return {
        "provider": r.provider,
        "week": r.week,
        "booked": r.booked,
        "available": r.available,
        "utilisation": r.utilisation,
    }


@router.get(
    "/wait-times",
    response={200: WaitTimesOut, **error_responses(400, 403, 422)},
    summary="Wait times of completed visits: median and 90th percentile minutes per phase",
)
def wait_times(request: ApiRequest, params: Query[ReportFilter]) -> dict[str, Any]:
    filters = _filters(request, params, "wait-times")
    data = selectors.wait_times(request.auth, filters)
    return {
        "filters": _period(filters),
        "visits": data.visits,
        "overall": _wait_group(data.overall),
        "by_provider": [_wait_group(g) for g in data.by_provider],
        "by_location": [_wait_group(g) for g in data.by_location],
        "by_part_of_day": [_wait_group(g) for g in data.by_part_of_day],
    }


@router.get(
    "/no-shows",
    response={200: NoShowsOut, **error_responses(400, 403, 422)},
    summary="No-show and late-cancellation rates of the appointments that were due",
)
def no_shows(request: ApiRequest, params: Query[ReportFilter]) -> dict[str, Any]:
    filters = _filters(request, params, "no-shows")
    data = selectors.attendance(request.auth, filters)
    return {
        "filters": _period(filters),
        "overall": _attendance(data.overall),
        "by_provider": [_attendance(r) for r in data.by_provider],
        "by_location": [_attendance(r) for r in data.by_location],
        "by_month": [_attendance(r) for r in data.by_month],
    }


@router.get(
    "/utilisation",
    response={200: UtilisationOut, **error_responses(400, 403, 422)},
    summary="Provider utilisation: booked ÷ available template minutes, per provider and week",
)
def utilisation(request: ApiRequest, params: Query[ReportFilter]) -> dict[str, Any]:
    filters = _filters(request, params, "utilisation")
    data = selectors.utilisation(request.auth, filters)
    return {
        "filters": _period(filters),
        "by_provider": [_utilisation(r) for r in data.by_provider],
        "by_week": [_utilisation(r) for r in data.by_week],
    }


@router.get(
    "/access",
    response={200: AccessOut, **error_responses(400, 403, 422)},
    summary="Third-next-available appointment per provider (days from today)",
)
def access(request: ApiRequest, params: Query[AccessFilter]) -> dict[str, Any]:
    filters = _filters(request, params, "access")
    data = selectors.access(request.auth, filters)
    kind = data.appointment_type
    return {
        "filters": {"location_id": filters.location_id, "provider_id": filters.provider_id},
        "appointment_type_id": kind.pk if kind else None,
        "today": data.today,
        "horizon_days": data.horizon_days,
        "rows": [dataclasses.asdict(r) for r in data.rows],
    }
