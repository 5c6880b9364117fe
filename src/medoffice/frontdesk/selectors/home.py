"""The home page's front-office panels: the office manager's day in figures, the front
desk's arrivals, long waits and copays to collect, a provider's own schedule.

Every figure comes with the list behind it (``core.filtersets.list_figure``): the count is
the rows that list's filter keeps of that list's own rows, for the values in its link."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from medoffice.billing import selectors as billing
from medoffice.core.filtersets import list_figure, list_url
from medoffice.core.models import User
from medoffice.core.roles import Permission
from medoffice.frontdesk.choices import S
from medoffice.frontdesk.selectors.board import alert_level
from medoffice.frontdesk.selectors.common import appointment_url
from medoffice.messaging.filters import MessageFilter
from medoffice.messaging.models import Message, MessageKind, MessageStatus
from medoffice.patients.models import Coverage
from medoffice.scheduling import selectors
from medoffice.scheduling.filters import (
    BOOKED,
    WAITING,
    AppointmentFilter,
    RecallFilter,
    WaitlistFilter,
)
from medoffice.scheduling.models import Appointment, Recall, WaitlistEntry

SHOWN = 8  # rows of a panel's list before "and N more"
FAILED_REMINDER_DAYS = 7  # the failed reminders the manager's home counts: this past week


DESK_FIELDS = (
    "status",
    "start",
    "arrived_at",
    "roomed_at",
    "location_id",
    "patient__first_name",
    "patient__last_name",
)


def _today_bounds() -> tuple[dt.date, dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    return today, start, start + dt.timedelta(days=1)


def _name(a: Appointment) -> str:
    return f"{a.patient.last_name}, {a.patient.first_name}"


def _waiting(user: User, start: dt.datetime, end: dt.datetime) -> list[Appointment]:
    return list(
        selectors.appointments_between(user, start, end)
        .filter(start__gte=start, status__in=[S.ARRIVED, S.ROOMED], arrived_at__isnull=False)
        .select_related(None)
        .select_related("patient")
        .only(*DESK_FIELDS)
        .order_by("arrived_at")
    )


def _minutes(since: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((now - since).total_seconds() // 60))


def office_day(user: User) -> dict[str, Any]:
    """The office manager's day: visits, arrivals, no-shows, the wait, copays by method,
    recalls due this week, the waitlist, failed reminders; each with its list's link."""
    today, start, end = _today_bounds()
    now = timezone.now()
    visits = Appointment.objects.restrict(user, "view")
    book = reverse("scheduling:appointments")
    day = today.isoformat()
    waiting = _waiting(user, start, end)
    waits = [_minutes(a.arrived_at, now) for a in waiting if a.arrived_at]
    longest = waiting[0] if waiting else None
    figures: dict[str, Any] = {
        "today": today,
        "visits": list_figure(book, AppointmentFilter, visits, {"date": day, "status": BOOKED}),
        "arrivals": list_figure(book, AppointmentFilter, visits, {"date": day, "arrived": "true"}),
        "no_shows": list_figure(
            book, AppointmentFilter, visits, {"date": day, "status": S.NO_SHOW}
        ),
        "waiting": list_figure(book, AppointmentFilter, visits, {"date": day, "status": WAITING}),
        "median_wait": round(statistics.median(waits)) if waits else None,
        "longest": {
            "name": _name(longest),
            "minutes": waits[0],
            "url": reverse("frontdesk:flow") + f"?location={longest.location_id}#appt-{longest.pk}",
        }
        if longest is not None and longest.arrived_at
        else None,
    }
    if user.has_perm(Permission.VIEW_PATIENTPAYMENT):
        copays = billing.copays_by_method(user, today)
        payments = reverse("billing:payments")
        base = {"date": day, "kind": "copay"}
        # The totals come from copays_by_method; each figure links the payments list.
        copays["url"] = list_url(payments, base)
        for m in copays["methods"]:
            m["url"] = list_url(payments, {**base, "method": m["method"]})
        figures["copays"] = copays
    sunday = today + dt.timedelta(days=6 - today.weekday())
    figures["recalls"] = {
        **list_figure(
            reverse("scheduling:recalls"),
            RecallFilter,
            Recall.objects.restrict(user, "view"),
            {"due_by": sunday.isoformat()},
        ),
        "due_by": sunday,
    }
    figures["waitlist"] = list_figure(
        reverse("scheduling:waitlist"),
        WaitlistFilter,
        WaitlistEntry.objects.restrict(user, "view"),
        {},
    )
    since = today - dt.timedelta(days=FAILED_REMINDER_DAYS - 1)
    figures["failed_reminders"] = {
        **list_figure(
            reverse("messages:log"),
            MessageFilter,
            Message.objects.restrict(user, "view"),
            {"kind": MessageKind.REMINDER, "status": MessageStatus.FAILED, "since": since},
        ),
        "since": since,
    }
    return figures


def desk_day(user: User) -> dict[str, Any]:
    """The front desk's day: today's arrivals in the order they came, who has waited past
    the flow board's amber line, and the copays still to collect from today's visits."""
    _, start, end = _today_bounds()
    now = timezone.now()
    today_visits = list(
        selectors.appointments_between(user, start, end)
        .filter(start__gte=start)
        .exclude(status__in=[S.CANCELLED, S.NO_SHOW, S.LEFT_WITHOUT_BEING_SEEN])
        # Only what the panel shows: a whole day's visits with their patients and
        # coverages would otherwise be most of the home page's time.
        .select_related(None)
        .select_related("patient")
        .only(*DESK_FIELDS)
        .prefetch_related(
            Prefetch(
                "patient__coverages",
                queryset=Coverage.objects.only(
                    "patient_id", "copay", "order", "is_active", "effective_from", "effective_to"
                ),
            )
        )
    )
    arrived = sorted(
        (a for a in today_visits if a.arrived_at), key=lambda a: a.arrived_at or a.start
    )
    # Links are made only for the rows the panel shows.
    arrivals = [
        {
            "name": _name(a),
            "at": timezone.localtime(a.arrived_at),
            "status": a.get_status_display(),
            "url": appointment_url(user, a),
        }
        for a in arrived[:SHOWN]
    ]
    too_long: list[dict[str, Any]] = []
    for a in arrived:
        # Waiting: in the waiting room or in a room for the provider, timed as the board does.
        since = a.roomed_at if a.status == S.ROOMED else a.arrived_at
        if a.status not in {S.ARRIVED, S.ROOMED} or since is None:
            continue
        minutes = _minutes(since, now)
        level = alert_level(a.status, minutes)
        if level != "ok":
            too_long.append(
                {
                    "name": _name(a),
                    "minutes": minutes,
                    "status": a.get_status_display(),
                    "level": level,
                    "url": reverse("frontdesk:flow") + f"?location={a.location_id}#appt-{a.pk}",
                }
            )
    too_long.sort(key=lambda w: -w["minutes"])
    paid = set(
        billing.counted_payments(user)
        .filter(appointment__in=[a.pk for a in today_visits], kind="copay")
        .values_list("appointment_id", flat=True)
    )
    due: list[tuple[Appointment, Decimal]] = []
    for a in sorted(today_visits, key=lambda a: a.start):
        if a.pk in paid or a.status in {S.COMPLETED}:
            continue
        copay = _copay_due(a, start.date())
        if copay:
            due.append((a, copay))
    to_collect = [
        {
            "name": _name(a),
            "time": timezone.localtime(a.start),
            "copay": copay,
            "status": a.get_status_display(),
            "url": appointment_url(user, a),
        }
        for a, copay in due[:SHOWN]
    ]
    return {
        "arrivals": arrivals,
        "arrivals_more": max(0, len(arrived) - SHOWN),
        "too_long": too_long,
        "to_collect": to_collect,
        "to_collect_more": max(0, len(due) - SHOWN),
        "to_collect_total": sum((copay for _, copay in due), Decimal("0.00")),
    }


def _copay_due(a: Appointment, day: dt.date) -> Decimal | None:
    """The copay of the patient's primary coverage on ``day`` (read from the prefetched
    coverages), or None."""
    covering = sorted(
        (c for c in a.patient.coverages.all() if c.covers(day)), key=lambda c: c.order
    )
    return covering[0].copay if covering and covering[0].copay else None


def provider_day(user: User) -> dict[str, Any] | None:
    """The signed-in provider's visits today, in order; None for a user who is no provider."""
    provider = getattr(user, "provider", None) if hasattr(user, "provider") else None
    if provider is None:
        return None
    today, start, end = _today_bounds()
    visits = list(
        selectors.appointments_between(user, start, end)
        .filter(provider=provider, start__gte=start)
        .exclude(status=S.CANCELLED)
    )
    return {
        "provider": provider,
        "visits": [
            {
                "time": timezone.localtime(a.start),
                "name": _name(a),
                "type": str(a.appointment_type),
                "status": a.get_status_display(),
                "room": a.room.name if a.room else "",
                "url": appointment_url(user, a),
            }
            for a in visits
        ],
        **list_figure(
            reverse("scheduling:appointments"),
            AppointmentFilter,
            Appointment.objects.restrict(user, "view"),
            {"date": today.isoformat(), "provider": provider.pk, "status": BOOKED},
        ),
    }
