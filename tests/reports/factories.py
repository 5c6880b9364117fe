"""Past visits for the reports, made through the real services with ``now`` set back.

``visit(...)`` books a visit in the past (as if booked two days before) and walks it
along the flow board with the given minutes after the scheduled start;
``no_show(...)`` and ``cancelled(...)`` end it the other ways. ``quiet_monday()`` is the
Monday of a recent past week with no public holiday, so bookings are never refused.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from medoffice.scheduling import selectors, services
from medoffice.scheduling.models import Appointment, AppointmentStatus
from tests.factories import SYSTEM
from tests.scheduling.factories import AppointmentFactory

S = AppointmentStatus


def _holiday_free_week(monday: dt.date) -> bool:
    days = [monday + dt.timedelta(days=i) for i in range(14)]
    calendar = selectors.practice_holidays({d.year for d in days})
    return not any(d in calendar for d in days)


def quiet_monday(weeks_ago: int = 3) -> dt.date:
    """A Monday at least ``weeks_ago`` weeks back whose fortnight has no public holiday."""
    tz = services.practice_zone()
    today = timezone.now().astimezone(tz).date()
    monday = today - dt.timedelta(days=today.weekday() + 7 * weeks_ago)
    while not _holiday_free_week(monday):
        monday -= dt.timedelta(days=7)
    return monday


def coming_quiet_monday() -> dt.date:
    """A Monday after today whose fortnight has no public holiday."""
    tz = services.practice_zone()
    today = timezone.now().astimezone(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    while not _holiday_free_week(monday):
        monday += dt.timedelta(days=7)
    return monday


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=services.practice_zone())


def booked(start: dt.datetime, **kwargs: object) -> Appointment:
    """A visit booked two days before ``start``."""
    return AppointmentFactory(start=start, now=start - dt.timedelta(days=2), **kwargs)


def visit(
    start: dt.datetime,
    *,
    arrived: int = 0,
    roomed: int | None = None,
    seen: int | None = None,
    done: int | None = None,
    checkout: int | None = None,
    **kwargs: object,
) -> Appointment:
    """A visit walked along the flow; each step at its minutes after ``start`` (None: skipped).

    The visit ends "done" when ``done`` is given; otherwise it stops at the last step given.
    """
    appointment = booked(start, **kwargs)
    steps = [
        (S.ARRIVED, arrived),
        (S.ROOMED, roomed),
        (S.WITH_PROVIDER, seen),
        (S.CHECKOUT, checkout),
        (S.COMPLETED, done),
    ]
    for status, minutes in steps:
        if minutes is None:
            continue
        appointment = services.change_status(
            actor=SYSTEM,
            appointment=appointment,
            to_status=status,
            now=start + dt.timedelta(minutes=minutes),
        )
    return appointment


def no_show(start: dt.datetime, **kwargs: object) -> Appointment:
    appointment = booked(start, **kwargs)
    return services.mark_no_show(
        actor=SYSTEM, appointment=appointment, now=start + dt.timedelta(minutes=30)
    )


def cancelled(start: dt.datetime, *, hours_before: int, **kwargs: object) -> Appointment:
    """Cancelled by the patient ``hours_before`` the start (late inside the 24-hour window)."""
    appointment = booked(start, **kwargs)
    services.cancel_appointment(
        actor=SYSTEM,
        appointment=appointment,
        reason="Patient called",
        by_patient=True,
        now=start - dt.timedelta(hours=hours_before),
    )
    appointment.refresh_from_db()
    return appointment
