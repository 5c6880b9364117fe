"""The front desk: day and week views, check-in with copay and receipt, the flow board, check-out.

Thin views: reads through the scheduling selectors and restricted querysets, writes
through services (``change_status``, ``book_appointment``, ``create_recall``,
``billing.services.take_payment``, ``patients.services.give_consent``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from medoffice.billing import receipts
from medoffice.billing import services as billing_services
from medoffice.billing.models import PatientPayment, PaymentMethod
from medoffice.core.audit import record_event
from medoffice.core.forms import BootstrapMixin, apply_errors
from medoffice.core.models import AuditAction, Location, LocationHours
from medoffice.core.params import date_param
from medoffice.patients import selectors as patient_selectors
from medoffice.patients import services as patient_services
from medoffice.patients.models import ConsentKind
from medoffice.scheduling import selectors, services
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Provider,
    Resource,
    ScheduleException,
    TemplateBlock,
)

S = AppointmentStatus
VIEW_BOOK = "scheduling.view_appointment"
CHANGE_BOOK = "scheduling.change_appointment"
CHANGE_FLOW = "scheduling.change_flow"
STEPS = (5, 15)
DEFAULT_STEP = 15
DEFAULT_HOURS = (dt.time(8), dt.time(17))

# Status badges of the day/week views and the flow board: (symbol, css class).
STATUS_BADGES: dict[str, tuple[str, str]] = {
    S.SCHEDULED: ("○", "text-bg-light"),
    S.CONFIRMED: ("✓", "text-bg-info"),
    S.ARRIVED: ("➜", "text-bg-primary"),
    S.ROOMED: ("▣", "text-bg-warning"),
    S.WITH_PROVIDER: ("✚", "text-bg-success"),
    S.CHECKOUT: ("$", "text-bg-secondary"),
    S.COMPLETED: ("✔", "text-bg-dark"),
    S.LEFT_WITHOUT_BEING_SEEN: ("✗", "text-bg-danger"),
    S.NO_SHOW: ("∅", "text-bg-danger"),
    S.CANCELLED: ("—", "text-bg-light"),
}

# The flow board's alert thresholds: minutes in a status before the card turns
# amber and red. The office manager's figures; docs/front-desk.md prints them.
FLOW_ALERT_MINUTES: dict[str, tuple[int, int]] = {
    S.ARRIVED: (15, 30),
    S.ROOMED: (20, 40),
    S.WITH_PROVIDER: (45, 60),
    S.CHECKOUT: (10, 20),
}
# A visit still "scheduled" this many minutes after its start is shown as late.
SCHEDULED_LATE_MINUTES = (10, 20)

# The flow board's columns: (key, heading, statuses shown in it).
FLOW_COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("scheduled", "Scheduled", (S.SCHEDULED, S.CONFIRMED)),
    ("arrived", "Arrived", (S.ARRIVED,)),
    ("roomed", "Roomed", (S.ROOMED,)),
    ("with_provider", "With provider", (S.WITH_PROVIDER,)),
    ("checkout", "Check-out", (S.CHECKOUT,)),
    ("completed", "Done", (S.COMPLETED,)),
    ("lwbs", "Left without being seen", (S.LEFT_WITHOUT_BEING_SEEN,)),
]
# The time a visit entered each status (the flow board's "time in status").
STATUS_SINCE = {
    S.ARRIVED: "arrived_at",
    S.ROOMED: "roomed_at",
    S.WITH_PROVIDER: "with_provider_at",
    S.CHECKOUT: "checkout_at",
    S.COMPLETED: "completed_at",
    S.LEFT_WITHOUT_BEING_SEEN: "completed_at",
}
MOVE_LABELS = {
    S.ROOMED: "Room",
    S.WITH_PROVIDER: "With provider",
    S.CHECKOUT: "To check-out",
    S.COMPLETED: "Done",
    S.LEFT_WITHOUT_BEING_SEEN: "Left without being seen",
}


# --- helpers ------------------------------------------------------------------------


def _deny_unless(request: HttpRequest, *perms: str) -> None:
    if not any(request.user.has_perm(p) for p in perms):
        raise PermissionDenied("Your role does not allow this.")


def _user_locations(user: Any) -> list[Location]:
    return list(Location.objects.used_by(user).filter(is_active=True).order_by("name"))


def _pick_location(request: HttpRequest, locations: list[Location]) -> Location | None:
    wanted = request.GET.get("location", "")
    for location in locations:
        if str(location.pk) == wanted or location.code == wanted:
            return location
    if wanted:
        raise Http404("No such location.")
    return locations[0] if locations else None


def _local(day: dt.date, at: dt.time, tz: Any) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=tz)


def booking_url(**params: Any) -> str:
    """The appointment book's booking form, prefilled."""
    base = reverse("scheduling:book")
    return base + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def find_slot_url(**params: Any) -> str:
    """The appointment book's find-a-slot page, prefilled."""
    base = reverse("scheduling:find")
    return base + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def appointment_url(user: Any, appointment: Appointment) -> str:
    if user.has_perm(CHANGE_BOOK):
        if appointment.status in {S.WITH_PROVIDER, S.CHECKOUT, S.COMPLETED}:
            return reverse("frontdesk:check-out", args=[appointment.pk])
        return reverse("frontdesk:check-in", args=[appointment.pk])
    return reverse("frontdesk:flow") + f"?location={appointment.location_id}#appt-{appointment.pk}"


def _audit_book_read(user: Any, what: str) -> None:
    record_event(
        AuditAction.READ,
        user=user,
        object_type="scheduling.appointment",
        data_category="schedule",
        detail=what,
    )


# --- the day and week grids -----------------------------------------------------------


@dataclass
class GridCell:
    row: int
    kind: str  # "open", "closed" or "appointments"
    span: int = 1
    start: dt.datetime | None = None
    url: str = ""
    appointments: list[dict[str, Any]] = field(default_factory=list)
    html: str = ""  # open and closed cells are rendered here: a day has hundreds of them


@dataclass
class GridColumn:
    key: str
    label: str
    sublabel: str = ""
    color: str = ""
    day: dt.date | None = None
    provider_id: int | None = None
    location_id: int | None = None
    # (start, end, appointment type the booking link proposes or None)
    open_periods: list[tuple[dt.datetime, dt.datetime, int | None]] = field(default_factory=list)
    closed_periods: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    cells: list[GridCell | None] = field(default_factory=list)
    index: int = 0


CLOSED_CELL = mark_safe(
    '<td class="fd-closed"><span class="visually-hidden">Not bookable</span></td>'
)


def _row_of(moment: dt.datetime, first: dt.datetime, step: int) -> float:
    return (moment - first).total_seconds() / 60 / step


def _appointment_info(user: Any, a: Appointment, tz: Any) -> dict[str, Any]:
    symbol, badge = STATUS_BADGES.get(a.status, ("", "text-bg-light"))
    return {
        "pk": a.pk,
        "obj": a,
        "start": a.start.astimezone(tz),
        "end": a.end.astimezone(tz),
        "patient": f"{a.patient.last_name}, {a.patient.first_name}",
        "type": a.appointment_type.name,
        "color": a.appointment_type.color,
        "status": a.status,
        "status_label": a.get_status_display(),
        "symbol": symbol,
        "badge": badge,
        "overbook": a.is_overbook,
        "late": a.is_late_arrival,
        "room": a.room.name if a.room_id else "",
        "provider": a.provider.short_name,
        "url": appointment_url(user, a),
        "inactive": a.status in {S.NO_SHOW, S.CANCELLED, S.LEFT_WITHOUT_BEING_SEEN},
    }


def build_cells(
    column: GridColumn, *, first: dt.datetime, rows: int, step: int, user: Any, tz: Any
) -> None:
    """Fill ``column.cells``: one cell per row, appointments spanning rows (None = covered)."""
    cells: list[GridCell | None] = [None] * rows
    covered = [False] * rows
    groups: list[GridCell] = []
    for a in sorted(column.appointments, key=lambda x: (x.start, x.pk)):
        r0 = math.floor(_row_of(a.start, first, step))
        r1 = math.ceil(_row_of(a.end, first, step))
        r0 = max(0, min(r0, rows - 1))
        r1 = max(r0 + 1, min(r1, rows))
        info = _appointment_info(user, a, tz)
        last = groups[-1] if groups else None
        if last is not None and last.row + last.span > r0:
            last.appointments.append(info)
            last.span = max(last.span, r1 - last.row)
        else:
            groups.append(GridCell(row=r0, kind="appointments", span=r1 - r0, appointments=[info]))
    for group in groups:
        cells[group.row] = group
        for r in range(group.row, group.row + group.span):
            covered[r] = True
    for r in range(rows):
        if covered[r]:
            continue
        begin = first + dt.timedelta(minutes=step * r)
        end = begin + dt.timedelta(minutes=step)
        period = next((p for p in column.open_periods if p[0] <= begin and end <= p[1]), None)
        is_open = period is not None and not any(
            s < end and begin < e for s, e in column.closed_periods
        )
        if is_open:
            url = booking_url(
                provider=column.provider_id,
                location=column.location_id,
                start=begin.isoformat(),
                appointment_type=period[2] if period else None,
            )
            local = begin.astimezone(tz)
            label = f"Book {local:%I:%M %p} {local:%a %b} {local.day}, {column.label}"
            html = format_html(
                '<td class="fd-open"><a href="{}" class="fd-open-link" data-r="{}" data-c="{}" '
                'data-span="1" data-testid="open-{}-{}"><span class="visually-hidden">{}</span>'
                "</a></td>",
                url,
                r,
                column.index,
                column.index,
                r,
                label,
            )
            cells[r] = GridCell(row=r, kind="open", start=begin, url=url, html=html)
        else:
            cells[r] = GridCell(row=r, kind="closed", start=begin, html=CLOSED_CELL)
    column.cells = cells


def _bookable_types(user: Any) -> list[AppointmentType]:
    return list(
        AppointmentType.objects.restrict(user, "view")
        .filter(is_active=True)
        .prefetch_related("providers")
        .order_by("name")
    )


def _block_periods(
    blocks: list[TemplateBlock],
    day: dt.date,
    tz: Any,
    types: list[AppointmentType],
    provider_id: int,
) -> list[tuple[dt.datetime, dt.datetime, int | None]]:
    """Open periods of template blocks, each with the visit type its booking links propose:
    the block's first allowed type, else the first type the provider sees."""
    seen_by = [
        t.pk
        for t in types
        if not t.providers.all() or provider_id in {p.pk for p in t.providers.all()}
    ]
    periods = []
    for block in blocks:
        allowed = sorted(block.appointment_types.all(), key=lambda t: t.name)
        proposed = allowed[0].pk if allowed else (seen_by[0] if seen_by else None)
        periods.append((_local(day, block.start, tz), _local(day, block.end, tz), proposed))
    return periods


def _hours_span(hours: list[LocationHours], blocks: list[TemplateBlock]) -> tuple[dt.time, dt.time]:
    opens = [h.opens for h in hours] or [b.start for b in blocks]
    closes = [h.closes for h in hours] or [b.end for b in blocks]
    if not opens:
        return DEFAULT_HOURS
    return min(opens), max(closes)


def _blocks_on(blocks: list[TemplateBlock], day: dt.date) -> list[TemplateBlock]:
    return [
        b
        for b in blocks
        if b.weekday == day.weekday()
        and b.effective_from <= day
        and (b.effective_to is None or day <= b.effective_to)
    ]


GRID_FIELDS = (
    "start",
    "end",
    "status",
    "is_overbook",
    "is_late_arrival",
    "location_id",
    "provider_id",
    "room_id",
    "patient__first_name",
    "patient__last_name",
    "provider__first_name",
    "provider__last_name",
    "provider__credentials",
    "appointment_type__name",
    "appointment_type__color",
    "room__name",
)


def _grid_appointments(user: Any, start: dt.datetime, end: dt.datetime) -> Any:
    """The book between two instants with only what a grid block shows (no wide rows)."""
    return (
        selectors.appointments_between(user, start, end)
        .select_related(None)
        .select_related("patient", "provider", "appointment_type", "room")
        .only(*GRID_FIELDS)
        .exclude(status=S.CANCELLED)
    )


def _exceptions(start: dt.datetime, end: dt.datetime) -> list[ScheduleException]:
    return list(ScheduleException.objects.filter(start__lt=end, end__gt=start))


def _closed_for(
    exceptions: list[ScheduleException], provider_id: int | None, location_id: int | None
) -> list[tuple[dt.datetime, dt.datetime]]:
    return [
        (x.start, x.end)
        for x in exceptions
        if (x.provider_id is None or x.provider_id == provider_id)
        and (x.location_id is None or x.location_id == location_id)
    ]


def _grid_rows(
    columns: list[GridColumn], first: dt.datetime, rows: int, step: int
) -> list[dict[str, Any]]:
    out = []
    for r in range(rows):
        at = first + dt.timedelta(minutes=step * r)
        out.append(
            {
                "index": r,
                "time": at,
                "hour_start": at.minute == 0,
                "cells": [c.cells[r] for c in columns],
            }
        )
    return out


def _step(request: HttpRequest) -> int:
    try:
        step = int(request.GET.get("step", DEFAULT_STEP))
    except ValueError:
        step = DEFAULT_STEP
    return step if step in STEPS else DEFAULT_STEP


def day_grid(
    user: Any, *, day: dt.date, location: Location, by: str, step: int, tz: Any
) -> dict[str, Any]:
    """The day view's columns (providers or rooms) and rows over the location's hours."""
    hours = list(LocationHours.objects.filter(location=location, weekday=day.weekday()))
    providers = list(selectors.providers_for(user, location.pk))
    blocks = _blocks_on(
        list(
            TemplateBlock.objects.filter(
                location=location, weekday=day.weekday(), provider__in=providers
            ).prefetch_related("appointment_types")
        ),
        day,
    )
    opens, closes = _hours_span(hours, blocks)
    first = _local(day, opens, tz)
    last = _local(day, closes, tz)
    rows = max(1, math.ceil((last - first).total_seconds() / 60 / step))
    day_start = _local(day, dt.time.min, tz)
    day_end = day_start + dt.timedelta(days=1)
    exceptions = _exceptions(day_start, day_end)
    appointments = list(_grid_appointments(user, day_start, day_end).filter(location=location))
    columns: list[GridColumn] = []
    if by == "room":
        rooms = list(
            Resource.objects.restrict(user, "view").filter(
                location=location, kind="room", is_active=True
            )
        )
        open_periods = [
            (_local(day, h.opens, tz), _local(day, h.closes, tz), None) for h in hours
        ] or [(first, last, None)]
        closed = _closed_for(exceptions, None, location.pk)
        for room in rooms:
            columns.append(
                GridColumn(
                    key=f"room-{room.pk}",
                    label=room.name,
                    location_id=location.pk,
                    open_periods=open_periods,
                    closed_periods=closed,
                    appointments=[a for a in appointments if a.room_id == room.pk],
                )
            )
        unassigned = [a for a in appointments if a.room_id is None]
        if unassigned or not rooms:
            columns.append(
                GridColumn(
                    key="room-none",
                    label="No room yet",
                    location_id=location.pk,
                    open_periods=[],
                    appointments=unassigned,
                )
            )
    else:
        types = _bookable_types(user)
        for provider in providers:
            mine = [b for b in blocks if b.provider_id == provider.pk]
            columns.append(
                GridColumn(
                    key=f"provider-{provider.pk}",
                    label=provider.short_name,
                    sublabel=provider.specialty,
                    color=provider.color,
                    provider_id=provider.pk,
                    location_id=location.pk,
                    open_periods=_block_periods(mine, day, tz, types, provider.pk),
                    closed_periods=_closed_for(exceptions, provider.pk, location.pk),
                    appointments=[a for a in appointments if a.provider_id == provider.pk],
                )
            )
    for index, column in enumerate(columns):
        column.index = index
        build_cells(column, first=first, rows=rows, step=step, user=user, tz=tz)
    return {
        "columns": columns,
        "rows": _grid_rows(columns, first, rows, step),
        "appointment_count": len(appointments),
    }


def week_grid(
    user: Any, *, monday: dt.date, provider: Provider, location: Location, step: int, tz: Any
) -> dict[str, Any]:
    """One provider's week at one location: a column per day, rows over the location's hours."""
    hours = list(LocationHours.objects.filter(location=location))
    blocks = list(
        TemplateBlock.objects.filter(provider=provider, location=location).prefetch_related(
            "appointment_types"
        )
    )
    types = _bookable_types(user)
    opens, closes = _hours_span(hours, blocks)
    week_start = _local(monday, dt.time.min, tz)
    week_end = week_start + dt.timedelta(days=7)
    exceptions = _exceptions(week_start, week_end)
    closed = _closed_for(exceptions, provider.pk, location.pk)
    appointments = list(
        _grid_appointments(user, week_start, week_end).filter(provider=provider, location=location)
    )
    rows = max(
        1,
        math.ceil(
            (
                dt.datetime.combine(monday, closes) - dt.datetime.combine(monday, opens)
            ).total_seconds()
            / 60
            / step
        ),
    )
    columns = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        day_blocks = _blocks_on(blocks, day)
        day_appts = [a for a in appointments if a.start.astimezone(tz).date() == day]
        weekend = day.weekday() >= 5
        has_hours = any(h.weekday == day.weekday() for h in hours)
        if weekend and not (day_blocks or day_appts or has_hours):
            continue
        first = _local(day, opens, tz)
        column = GridColumn(
            key=f"day-{day.isoformat()}",
            label=f"{day:%a %b} {day.day}",
            day=day,
            provider_id=provider.pk,
            location_id=location.pk,
            open_periods=_block_periods(day_blocks, day, tz, types, provider.pk),
            closed_periods=closed,
            appointments=day_appts,
        )
        column.index = len(columns)
        build_cells(column, first=first, rows=rows, step=step, user=user, tz=tz)
        columns.append(column)
    first_time = _local(monday, opens, tz)
    return {
        "columns": columns,
        "rows": _grid_rows(columns, first_time, rows, step),
        "appointment_count": len(appointments),
    }


@permission_required(VIEW_BOOK, raise_exception=True)
def day_view(request: HttpRequest) -> HttpResponse:
    tz = timezone.get_current_timezone()
    day = date_param(request.GET, "date", timezone.localdate())
    locations = _user_locations(request.user)
    location = _pick_location(request, locations)
    by = "room" if request.GET.get("by") == "room" else "provider"
    step = _step(request)
    grid = (
        day_grid(request.user, day=day, location=location, by=by, step=step, tz=tz)
        if location
        else {"columns": [], "rows": [], "appointment_count": 0}
    )
    _audit_book_read(
        request.user, f"day view {day.isoformat()} {location.code if location else ''}"
    )
    base = {"location": location.pk if location else "", "by": by, "step": step}
    return render(
        request,
        "scheduling/frontdesk/day.html",
        {
            "title": f"Day view · {day:%A %B} {day.day}, {day.year}",
            "day": day,
            "locations": locations,
            "location": location,
            "by": by,
            "by_room": by == "room",
            "step": step,
            "steps": STEPS,
            "grid": grid,
            "prev_url": "?" + urlencode({**base, "date": (day - dt.timedelta(days=1)).isoformat()}),
            "next_url": "?" + urlencode({**base, "date": (day + dt.timedelta(days=1)).isoformat()}),
            "today_url": "?" + urlencode(base),
            "week_url": reverse("frontdesk:week")
            + "?"
            + urlencode({"date": day.isoformat(), "location": base["location"]}),
            "is_today": day == timezone.localdate(),
        },
    )


def _own_provider(user: Any, providers: list[Provider]) -> Provider | None:
    """The provider record of the user, when they are one of ``providers``."""
    own = getattr(user, "provider", None) if hasattr(user, "provider") else None
    return next((p for p in providers if own and p.pk == own.pk), None)


@permission_required(VIEW_BOOK, raise_exception=True)
def week_view(request: HttpRequest) -> HttpResponse:
    """One provider's week at one location (``?location=`` as in the day view)."""
    tz = timezone.get_current_timezone()
    day = date_param(request.GET, "date", timezone.localdate())
    monday = day - dt.timedelta(days=day.weekday())
    visible = list(selectors.providers_for(request.user).prefetch_related("locations"))
    wanted = request.GET.get("provider", "")
    asked = next((p for p in visible if str(p.pk) == wanted), None)
    if wanted and asked is None:
        raise Http404("No such provider.")
    locations = _user_locations(request.user)
    if request.GET.get("location"):
        location = _pick_location(request, locations)
    else:
        # No location in the address: the first location the provider works at.
        preferred = asked or _own_provider(request.user, visible)
        works_at = set(preferred.locations.all()) if preferred else set()
        location = next((loc for loc in locations if loc in works_at), None) or (
            locations[0] if locations else None
        )
    providers = [p for p in visible if location and location in set(p.locations.all())]
    provider = asked if asked in providers else None
    if provider is None:
        provider = _own_provider(request.user, providers) or (providers[0] if providers else None)
        if asked is not None and location is not None:
            showing = f" Showing {provider}." if provider else ""
            messages.info(request, f"{asked} does not work at {location.name}.{showing}")
    step = _step(request)
    grid = (
        week_grid(
            request.user, monday=monday, provider=provider, location=location, step=step, tz=tz
        )
        if provider and location
        else {"columns": [], "rows": [], "appointment_count": 0}
    )
    _audit_book_read(
        request.user,
        f"week view {monday.isoformat()} {location.code if location else ''} "
        f"provider {getattr(provider, 'pk', '')}",
    )
    base = {
        "location": location.pk if location else "",
        "provider": provider.pk if provider else "",
        "step": step,
    }
    return render(
        request,
        "scheduling/frontdesk/week.html",
        {
            "title": f"Week view · week of {monday:%B} {monday.day}, {monday.year}",
            "monday": monday,
            "locations": locations,
            "location": location,
            "providers": providers,
            "provider": provider,
            "step": step,
            "steps": STEPS,
            "grid": grid,
            "prev_url": "?"
            + urlencode({**base, "date": (monday - dt.timedelta(days=7)).isoformat()}),
            "next_url": "?"
            + urlencode({**base, "date": (monday + dt.timedelta(days=7)).isoformat()}),
            "today_url": "?" + urlencode(base),
            "day_url": reverse("frontdesk:day")
            + "?"
            + urlencode({"date": monday.isoformat(), "location": base["location"]}),
        },
    )


# --- forms ---------------------------------------------------------------------------


class PaymentForm(BootstrapMixin, forms.Form):
    """Money received at the desk. Leave the amount empty when the patient pays nothing now."""

    amount_required = False

    amount = forms.CharField(
        label="Amount received ($)",
        required=False,
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-testid": "payment-amount"}),
    )
    method = forms.ChoiceField(
        label="Paid by",
        required=False,
        choices=[("", "—"), *PaymentMethod.choices],
        widget=forms.Select(attrs={"data-testid": "payment-method"}),
    )
    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=60,
        help_text="Check number or the last four digits of the card.",
        widget=forms.TextInput(attrs={"data-testid": "payment-reference"}),
    )

    def clean_amount(self) -> Any:
        value = (self.cleaned_data.get("amount") or "").strip().lstrip("$")
        if not value:
            if self.amount_required:
                raise forms.ValidationError("Enter the amount received.")
            return None
        try:
            return billing_services.clean_amount(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["amount"]) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amount") and not data.get("method"):
            self.add_error(
                "method", "Choose how the patient paid (cash, card, check or HSA/FSA card)."
            )
        if data.get("method") and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", "Enter the amount received, or leave “Paid by” empty.")
        return data


class BalancePaymentForm(PaymentForm):
    amount_required = True


class CheckInForm(PaymentForm):
    demographics_confirmed = forms.BooleanField(
        label="I checked the patient's name, date of birth, address, phone and insurance card",
        required=True,
        error_messages={"required": "Confirm the patient's details before checking in."},
        widget=forms.CheckboxInput(attrs={"data-testid": "confirm-demographics"}),
    )
    field_order = ["demographics_confirmed", "amount", "method", "reference"]


class RecallForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="Due for", max_length=120, help_text="e.g. annual physical")
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))
    appointment_type = forms.ModelChoiceField(
        label="Visit type", queryset=AppointmentType.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appointment_type"].queryset = AppointmentType.objects.restrict(
            user, "view"
        ).filter(is_active=True)


# --- check-in ------------------------------------------------------------------------


def _appointment_for(request: HttpRequest, pk: int, action: str = "view") -> Appointment:
    return get_object_or_404(
        Appointment.objects.restrict(request.user, action).select_related(
            "patient", "provider", "location", "appointment_type", "room"
        ),
        pk=pk,
    )


def _coverage_summary(patient: Any, day: dt.date) -> dict[str, Any]:
    coverages = list(patient.coverages.filter(is_active=True).select_related("payer"))
    covering = [c for c in coverages if c.covers(day)]
    primary = next((c for c in covering if c.order == 1), covering[0] if covering else None)
    return {
        "coverages": coverages,
        "covering": covering,
        "primary": primary,
        "copay": primary.copay if primary and primary.copay else None,
    }


REQUIRED_CONSENTS = (ConsentKind.PRIVACY_NOTICE, ConsentKind.FINANCIAL_POLICY)


def _consent_summary(patient: Any) -> dict[str, Any]:
    consents = list(patient.consents.all())
    current = {c.kind for c in consents if c.is_current}
    missing = [(k.value, k.label) for k in REQUIRED_CONSENTS if k.value not in current]
    return {"consents": consents, "missing": missing, "current": current}


def _check_in_context(request: HttpRequest, appointment: Appointment) -> dict[str, Any]:
    day = appointment.start.astimezone(timezone.get_current_timezone()).date()
    patient = patient_selectors.get_patient(request.user, appointment.patient_id)
    return {
        "appointment": appointment,
        "patient": patient,
        "coverage": _coverage_summary(patient, day),
        "consent": _consent_summary(patient),
        "payments": list(
            PatientPayment.objects.restrict(request.user, "view").filter(appointment=appointment)
        ),
        "can_check_in": appointment.status in {S.SCHEDULED, S.CONFIRMED},
        "patient_url": reverse("patients:detail", args=[patient.pk]),
        "title": f"Check in · {patient.last_name}, {patient.first_name}",
    }


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE_BOOK, raise_exception=True)
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_for(request, pk, "change")
    context = _check_in_context(request, appointment)
    copay = context["coverage"]["copay"]
    form = CheckInForm(request.POST or None, initial={"amount": copay or ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment, arrived = services.check_in(
                actor=request.user,
                appointment=appointment,
                amount=data.get("amount"),
                method=data.get("method", ""),
                reference=data.get("reference", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            late = " (arrived late)" if arrived.is_late_arrival else ""
            messages.success(
                request,
                f"{context['patient'].first_name} {context['patient'].last_name} is checked in{late}."
                + (f" Receipt {payment.receipt_number}." if payment else ""),
            )
            return redirect("frontdesk:check-in", pk=appointment.pk)
    context["form"] = form
    return render(request, "scheduling/frontdesk/check_in.html", context)


@require_POST
@permission_required(CHANGE_BOOK, raise_exception=True)
def record_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """One click at check-in: "the patient signed the privacy notice / financial policy today"."""
    appointment = _appointment_for(request, pk, "change")
    kind = request.POST.get("kind", "")
    if kind not in {k.value for k in REQUIRED_CONSENTS}:
        messages.error(
            request, "Choose which consent the patient gave (privacy notice or financial policy)."
        )
        return redirect("frontdesk:check-in", pk=pk)
    try:
        patient_services.give_consent(
            actor=request.user,
            patient=appointment.patient,
            kind=kind,
            given_on=timezone.localdate(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{ConsentKind(kind).label}: consent recorded as given today.")
    return redirect("frontdesk:check-in", pk=pk)


# --- receipts ------------------------------------------------------------------------


def _payment_for(request: HttpRequest, pk: int) -> PatientPayment:
    return get_object_or_404(
        PatientPayment.objects.restrict(request.user, "view").select_related(
            "patient", "location", "appointment__provider", "received_by"
        ),
        pk=pk,
    )


@permission_required("billing.view_patientpayment", raise_exception=True)
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment_for(request, pk)
    record_event(
        AuditAction.READ,
        user=request.user,
        obj=payment,
        patient_id=payment.patient_id,
        data_category="payment",
        detail=f"receipt {payment.receipt_number}",
    )
    return render(request, "billing/receipt.html", receipts.receipt_context(payment))


@permission_required("billing.view_patientpayment", raise_exception=True)
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment_for(request, pk)
    data = receipts.receipt_pdf(payment, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response


# --- the flow board ------------------------------------------------------------------


def _minutes(since: dt.datetime | None, now: dt.datetime) -> int | None:
    if since is None:
        return None
    return max(0, int((now - since).total_seconds() // 60))


def alert_level(status: str, minutes: int | None) -> str:
    """ "ok", "amber" or "red" for a visit this many minutes in ``status``."""
    if minutes is None:
        return "ok"
    amber, red = FLOW_ALERT_MINUTES.get(status, (None, None))
    if status in {S.SCHEDULED, S.CONFIRMED}:
        amber, red = SCHEDULED_LATE_MINUTES
    if red is not None and minutes > red:
        return "red"
    if amber is not None and minutes > amber:
        return "amber"
    return "ok"


def _moves_for(user: Any, appointment: Appointment) -> list[dict[str, str]]:
    moves = []
    for target in services.FLOW_TRANSITIONS.get(appointment.status, set()):
        if target in {S.CONFIRMED, S.ARRIVED}:
            continue  # arrival goes through the check-in page
        if not user.has_perm(CHANGE_FLOW):
            continue
        moves.append({"status": target, "label": MOVE_LABELS.get(target, target)})
    order = [s for _, _, group in FLOW_COLUMNS for s in group]
    return sorted(moves, key=lambda m: order.index(m["status"]))


def flow_board_context(user: Any, location: Location | None, now: dt.datetime) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    today = now.astimezone(tz).date()
    start = _local(today, dt.time.min, tz)
    appointments = (
        list(
            selectors.appointments_between(user, start, start + dt.timedelta(days=1))
            .filter(location=location, start__gte=start)
            .exclude(status__in=[S.CANCELLED, S.NO_SHOW])
        )
        if location
        else []
    )
    rooms = (
        list(
            Resource.objects.restrict(user, "view").filter(
                location=location, kind="room", is_active=True
            )
        )
        if location
        else []
    )
    can_check_in = user.has_perm(CHANGE_BOOK)
    columns = []
    for key, heading, statuses in FLOW_COLUMNS:
        cards = []
        for a in appointments:
            if a.status not in statuses:
                continue
            since_field = STATUS_SINCE.get(a.status)
            since = getattr(a, since_field) if since_field else None
            in_status = _minutes(since, now)
            if a.status in {S.SCHEDULED, S.CONFIRMED}:
                late_by = _minutes(a.start, now) if a.start < now else None
                level = alert_level(a.status, late_by)
            else:
                level = alert_level(a.status, in_status)
            finished = a.status in {S.COMPLETED, S.LEFT_WITHOUT_BEING_SEEN}
            total_end = a.completed_at if finished and a.completed_at else now
            cards.append(
                {
                    "a": a,
                    "patient": f"{a.patient.last_name}, {a.patient.first_name}",
                    "time": a.start.astimezone(tz),
                    "in_status": None if finished else in_status,
                    "total": _minutes(a.arrived_at, total_end) if a.arrived_at else None,
                    "level": "ok" if finished else level,
                    "moves": _moves_for(user, a),
                    "check_in_url": reverse("frontdesk:check-in", args=[a.pk])
                    if can_check_in and a.status in {S.SCHEDULED, S.CONFIRMED}
                    else "",
                    "check_out_url": reverse("frontdesk:check-out", args=[a.pk])
                    if can_check_in and a.status in {S.WITH_PROVIDER, S.CHECKOUT}
                    else "",
                    "symbol": STATUS_BADGES.get(a.status, ("", ""))[0],
                }
            )
        columns.append({"key": key, "heading": heading, "cards": cards})
    return {
        "columns": columns,
        "rooms": rooms,
        "location": location,
        "now": now.astimezone(tz),
        "legend": flow_legend(),
    }


def flow_legend() -> list[tuple[str, int, int]]:
    """The alert thresholds as the board's legend prints them."""
    names = {
        S.ARRIVED: "Arrived (waiting room)",
        S.ROOMED: "Roomed (waiting for the provider)",
        S.WITH_PROVIDER: "With provider",
        S.CHECKOUT: "Check-out",
    }
    return [("Scheduled (not here yet, past the start time)", *SCHEDULED_LATE_MINUTES)] + [
        (names[status], amber, red) for status, (amber, red) in FLOW_ALERT_MINUTES.items()
    ]


def _render_board(
    request: HttpRequest, location: Location | None, locations: list[Location], error: str = ""
) -> HttpResponse:
    context = flow_board_context(request.user, location, timezone.now())
    context.update({"locations": locations, "error": error, "title": "Patient flow board"})
    _audit_book_read(request.user, f"flow board {location.code if location else ''}")
    template = "scheduling/frontdesk/flow.html"
    if getattr(request, "htmx", False):
        template += "#board"
    return render(request, template, context)


@permission_required(VIEW_BOOK, raise_exception=True)
def flow_board(request: HttpRequest) -> HttpResponse:
    locations = _user_locations(request.user)
    return _render_board(request, _pick_location(request, locations), locations)


@require_POST
@permission_required(VIEW_BOOK, raise_exception=True)
def flow_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a visit to its next status (room picker when rooming); htmx gets the board back."""
    _deny_unless(request, CHANGE_FLOW)
    appointment = _appointment_for(request, pk, "view")
    to_status = request.POST.get("to_status", "")
    error = ""
    room = None
    room_id = request.POST.get("room", "")
    if room_id:
        room = (
            Resource.objects.restrict(request.user, "view")
            .filter(pk=room_id if room_id.isdigit() else 0, location=appointment.location)
            .first()
        )
        if room is None:
            error = "Room: choose one of this location's rooms."
    if not error and to_status not in MOVE_LABELS:
        error = "Choose the status to move the patient to."
    if not error and to_status == S.ROOMED and room is None:
        has_rooms = Resource.objects.filter(
            location=appointment.location, kind="room", is_active=True
        ).exists()
        if has_rooms:
            error = "Room: choose the room the patient is taken to."
    if not error:
        try:
            services.change_status(
                actor=request.user,
                appointment=appointment,
                to_status=to_status,
                room=room,
                note=request.POST.get("note", "")[:200],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    locations = _user_locations(request.user)
    location = appointment.location if appointment.location in locations else None
    if getattr(request, "htmx", False):
        return _render_board(request, location, locations, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            f"{appointment.patient.last_name}: {S(to_status).label}.",
        )
    return redirect(reverse("frontdesk:flow") + f"?location={appointment.location_id}")


# --- check-out -----------------------------------------------------------------------


def _follow_up_slots(appointment: Appointment, now: dt.datetime) -> list[dict[str, Any]]:
    tz = timezone.get_current_timezone()
    start_date = now.astimezone(tz).date() + dt.timedelta(days=1)
    slots = selectors.open_slots(
        appointment.appointment_type,
        start_date=start_date,
        end_date=start_date + dt.timedelta(days=90),
        provider_ids=[appointment.provider_id],
        location_ids=[appointment.location_id],
        limit=6,
        now=now,
    )
    return [{"start": s.start.astimezone(tz), "value": s.start.isoformat()} for s in slots]


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE_BOOK, raise_exception=True)
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_for(request, pk, "change")
    patient = patient_selectors.get_patient(request.user, appointment.patient_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    payment_form = BalancePaymentForm(request.POST if action == "payment" else None)
    recall_form = RecallForm(request.POST if action == "recall" else None, user=request.user)
    errors: list[str] = []
    if request.method == "POST":
        done = _check_out_action(request, appointment, action, payment_form, recall_form, errors)
        if done:
            return redirect("frontdesk:check-out", pk=pk)
    now = timezone.now()
    context = {
        "appointment": appointment,
        "patient": patient,
        "payment_form": payment_form,
        "recall_form": recall_form,
        "errors": errors,
        "slots": _follow_up_slots(appointment, now),
        "find_slot_url": find_slot_url(
            appointment_type=appointment.appointment_type_id,
            providers=appointment.provider_id,
            locations=appointment.location_id,
            patient=patient.pk,
        ),
        "payments": list(
            PatientPayment.objects.restrict(request.user, "view").filter(appointment=appointment)
        ),
        "recalls": list(patient.recalls.filter(status="due").order_by("due_date")[:5]),
        "follow_ups": list(
            Appointment.objects.restrict(request.user, "view")
            .filter(patient=patient, start__gt=appointment.end)
            .exclude(status=S.CANCELLED)
            .select_related("provider", "appointment_type")[:5]
        ),
        "can_finish": appointment.status in {S.WITH_PROVIDER, S.CHECKOUT},
        "title": f"Check out · {patient.last_name}, {patient.first_name}",
    }
    return render(request, "scheduling/frontdesk/check_out.html", context)


def _check_out_action(
    request: HttpRequest,
    appointment: Appointment,
    action: str,
    payment_form: forms.Form,
    recall_form: forms.Form,
    errors: list[str],
) -> bool:
    user = request.user
    try:
        if action == "payment":
            if not payment_form.is_valid():
                return False
            payment = billing_services.take_payment(
                actor=user,
                patient=appointment.patient,
                location=appointment.location,
                appointment=appointment,
                amount=payment_form.cleaned_data["amount"],
                method=payment_form.cleaned_data["method"],
                reference=payment_form.cleaned_data["reference"],
                kind="balance",
            )
            messages.success(request, f"Payment received. Receipt {payment.receipt_number}.")
            return True
        if action == "recall":
            if not recall_form.is_valid():
                return False
            data = recall_form.cleaned_data
            services.create_recall(
                actor=user,
                patient=appointment.patient,
                reason=data["reason"],
                due_date=data["due_date"],
                appointment_type=data.get("appointment_type"),
                provider=appointment.provider,
            )
            messages.success(
                request, f"Recall set: {data['reason']} due {data['due_date']:%m/%d/%Y}."
            )
            return True
        if action == "book":
            try:
                start = dt.datetime.fromisoformat(request.POST.get("start", ""))
            except ValueError:
                errors.append("Start: pick one of the open times.")
                return False
            if start.tzinfo is None:
                errors.append("Start: pick one of the open times.")
                return False
            new = services.book_appointment(
                actor=user,
                patient=appointment.patient,
                provider=appointment.provider,
                location=appointment.location,
                appointment_type=appointment.appointment_type,
                start=start,
                reason="follow-up",
            )
            local = new.start.astimezone(timezone.get_current_timezone())
            messages.success(request, f"Follow-up booked for {local:%A %m/%d/%Y %I:%M %p}.")
            return True
        if action == "done":
            services.change_status(actor=user, appointment=appointment, to_status=S.COMPLETED)
            messages.success(request, "Visit done.")
            return True
    except ValidationError as exc:
        form = payment_form if action == "payment" else recall_form if action == "recall" else None
        if form is not None:
            apply_errors(form, exc)
        else:
            errors.extend(exc.messages)
        return False
    errors.append("Choose what to do: book the follow-up, set a recall, take a payment or finish.")
    return False


__all__ = [
    "FLOW_ALERT_MINUTES",
    "alert_level",
    "check_in",
    "check_out",
    "day_view",
    "flow_board",
    "flow_move",
    "receipt",
    "receipt_pdf",
    "record_consent",
    "week_view",
]
