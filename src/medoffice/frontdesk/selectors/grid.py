"""The day and week views' grids: columns (providers, rooms or days), rows (time steps),
cells (open, closed or the visits there)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from medoffice.billing.selectors import eligibility as eligibility_selectors
from medoffice.core.formats import as_time, as_weekday_date
from medoffice.core.models import Location, LocationHours, User
from medoffice.frontdesk.choices import (
    DEFAULT_HOURS,
    STATUS_BADGES,
    S,
)
from medoffice.frontdesk.selectors.common import (
    _local,
    appointment_url,
    booking_url,
)
from medoffice.patients.selectors import alert_labels, alerts_prefetch
from medoffice.scheduling import selectors
from medoffice.scheduling.models import (
    Appointment,
    Provider,
    Resource,
    ScheduleException,
    TemplateBlock,
)

# --- the day and week grids -----------------------------------------------------------


@dataclass
class GridCell:
    row: int
    kind: str  # "open", "past" (open time already begun), "closed" or "appointments"
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
# Open time that has begun: booking it would be refused ("That time is in the past").
PAST_CELL = mark_safe(
    '<td class="fd-past" data-testid="past-open"><span class="visually-hidden">Past</span></td>'
)


def _row_of(moment: dt.datetime, first: dt.datetime, step: int) -> float:
    return (moment - first).total_seconds() / 60 / step


def _appointment_info(user: User, a: Appointment, tz: Any) -> dict[str, Any]:
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
        "room": a.room.name if a.room is not None else "",
        "provider": a.provider.short_name,
        "url": appointment_url(user, a),
        "inactive": a.status in {S.NO_SHOW, S.CANCELLED, S.LEFT_WITHOUT_BEING_SEEN},
        "alerts": alert_labels(a.patient),
        "eligibility": getattr(a, "eligibility_problem", ""),
    }


def _place(group: GridCell, first: dt.datetime, step: int) -> None:
    """Where each visit of a cell sits, in per cent of the cell (``place``: top, height,
    left, width): drawn to scale from its start and length, overlapping visits side by side
    in lanes. The page's script applies it; the rows keep one height whatever they hold."""
    lanes: list[dt.datetime] = []
    for info in group.appointments:
        lane = next((n for n, free in enumerate(lanes) if free <= info["start"]), len(lanes))
        if lane == len(lanes):
            lanes.append(info["end"])
        else:
            lanes[lane] = info["end"]
        info["lane"] = lane
    for info in group.appointments:
        top = _row_of(info["start"], first, step) - group.row
        rows = _row_of(info["end"], first, step) - _row_of(info["start"], first, step)
        top = min(max(top, 0.0), float(group.span))
        height = max(min(rows, group.span - top), 0.0)
        info["place"] = ",".join(
            f"{value:.3f}"
            for value in (
                100 * top / group.span,
                100 * height / group.span,
                100 * info["lane"] / len(lanes),
                100 / len(lanes),
            )
        )


def build_cells(
    column: GridColumn, *, first: dt.datetime, rows: int, step: int, user: User, tz: Any
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
        _place(group, first, step)
        cells[group.row] = group
        for r in range(group.row, group.row + group.span):
            covered[r] = True
    now = timezone.now()
    for r in range(rows):
        if covered[r]:
            continue
        begin = first + dt.timedelta(minutes=step * r)
        end = begin + dt.timedelta(minutes=step)
        period = next((p for p in column.open_periods if p[0] <= begin and end <= p[1]), None)
        is_open = period is not None and not any(
            s < end and begin < e for s, e in column.closed_periods
        )
        if is_open and begin < now:
            cells[r] = GridCell(row=r, kind="past", start=begin, html=PAST_CELL)
        elif is_open:
            url = booking_url(
                provider=column.provider_id,
                location=column.location_id,
                start=begin.isoformat(),
                appointment_type=period[2] if period else None,
            )
            local = begin.astimezone(tz)
            label = f"Book {as_time(local)} {as_weekday_date(local)}, {column.label}"
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


def _block_periods(
    blocks: list[TemplateBlock],
    day: dt.date,
    tz: Any,
) -> list[tuple[dt.datetime, dt.datetime, int | None]]:
    """Open periods of template blocks, each with the visit type its booking links propose:
    the block's first allowed type when the block is kept for some types, else none (the
    booking form then offers the provider's most booked type, and the user chooses)."""
    periods = []
    for block in blocks:
        allowed = sorted(block.appointment_types.all(), key=lambda t: t.name)
        proposed = allowed[0].pk if allowed else None
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


def _grid_appointments(user: User, start: dt.datetime, end: dt.datetime) -> Any:
    """The book between two instants with only what a grid block shows (no wide rows)."""
    return (
        selectors.appointments_between(user, start, end)
        .select_related(None)
        .select_related("patient", "provider", "appointment_type", "room")
        .only(*GRID_FIELDS)
        .exclude(status=S.CANCELLED)
        .prefetch_related(alerts_prefetch(user))
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


def day_grid(
    user: User, *, day: dt.date, location: Location, by: str, step: int, tz: Any
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
    problems = eligibility_selectors.problems_by_visit(user, [a.pk for a in appointments])
    for appointment in appointments:
        appointment.eligibility_problem = problems.get(appointment.pk, "")
    columns: list[GridColumn] = []
    if by == "room":
        rooms = list(
            Resource.objects.restrict(user, "view").filter(
                location=location, kind="room", is_active=True
            )
        )
        open_periods: list[tuple[dt.datetime, dt.datetime, int | None]] = [
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
                    open_periods=_block_periods(mine, day, tz),
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
    user: User, *, monday: dt.date, provider: Provider, location: Location, step: int, tz: Any
) -> dict[str, Any]:
    """One provider's week at one location: a column per day, rows over the location's hours."""
    hours = list(LocationHours.objects.filter(location=location))
    blocks = list(
        TemplateBlock.objects.filter(provider=provider, location=location).prefetch_related(
            "appointment_types"
        )
    )
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
    columns: list[GridColumn] = []
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
            label=as_weekday_date(day),
            day=day,
            provider_id=provider.pk,
            location_id=location.pk,
            open_periods=_block_periods(day_blocks, day, tz),
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
