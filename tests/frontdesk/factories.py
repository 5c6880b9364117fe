"""Helpers and a small synthetic practice for the front-desk tests.

The appointment-book factories are the ones in ``tests/scheduling/factories.py``,
re-exported here; this module adds only what is front-desk specific: a coverage
with a copay, providers bookable all day, and bookings relative to today.
Appointments are made through ``book_appointment`` (the real service), booked
"yesterday" so that times earlier today are accepted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from medoffice.core.models import LocationHours
from medoffice.scheduling import services
from medoffice.scheduling.models import Appointment, AppointmentType, OverbookRule, Provider
from tests.factories import SYSTEM, PatientFactory
from tests.patients import factories as patient_factories
from tests.scheduling.factories import (
    AppointmentTypeFactory,
    OverbookRuleFactory,
    ProviderFactory,
    ResourceFactory,
    TemplateBlockFactory,
)

__all__ = [
    "ALL_DAY",
    "TZ",
    "AppointmentTypeFactory",
    "CoverageFactory",
    "ProviderFactory",
    "ResourceFactory",
    "TemplateBlockFactory",
    "at",
    "book",
    "local_today",
    "minutes_from_now",
    "open_all_week",
    "todays_visit",
    "working_provider",
]

TZ = ZoneInfo("America/New_York")
ALL_DAY = (dt.time(0), dt.time(23, 55))
DEFAULT_VISIT_MINUTES = 30  # the length of the visit type ``book`` makes when given none


class CoverageFactory(patient_factories.CoverageFactory):
    """A primary coverage with a $25.00 office-visit copay, for check-in."""

    copay = Decimal("25.00")


def local_today() -> dt.date:
    return timezone.now().astimezone(TZ).date()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def working_provider(location: Any, *, day: dt.date | None = None, **fields: Any) -> Provider:
    """A provider bookable all day (00:00–23:55) at ``location`` every day of the week.

    Round-the-clock templates let tests book relative to the real clock without
    depending on the hour the suite runs at.
    """
    provider = ProviderFactory(locations=[location], **fields)
    for weekday in range(7):
        TemplateBlockFactory(
            provider=provider, location=location, weekday=weekday, start=ALL_DAY[0], end=ALL_DAY[1]
        )
    return provider


def open_all_week(location: Any) -> None:
    for weekday in range(7):
        LocationHours.objects.get_or_create(
            location=location, weekday=weekday, opens=ALL_DAY[0], defaults={"closes": ALL_DAY[1]}
        )


def minutes_from_now(minutes: int) -> dt.datetime:
    """A 5-minute-aligned local time ``minutes`` from now (negative: in the past)."""
    moment = timezone.now().astimezone(TZ) + dt.timedelta(minutes=minutes)
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def book(
    *,
    provider: Provider,
    location: Any,
    start: dt.datetime,
    patient: Any = None,
    appointment_type: AppointmentType | None = None,
    overbook: bool = False,
) -> Appointment:
    """A real booking made the day before the visit (so past times of today are allowed)."""
    if overbook and not OverbookRule.objects.filter(provider=provider).exists():
        OverbookRuleFactory(provider=provider, max_per_day=5)
    return services.book_appointment(
        actor=SYSTEM,
        patient=patient or PatientFactory(home_location=location),
        provider=provider,
        location=location,
        appointment_type=appointment_type or AppointmentTypeFactory(duration=DEFAULT_VISIT_MINUTES),
        start=start,
        overbook=overbook,
        now=start - dt.timedelta(days=1),
    )


def todays_visit(location: Any, *, hour: int = 0, minute: int = 5, **kwargs: Any) -> Appointment:
    """A visit early today (already started, so always "today" whatever the clock says)."""
    provider = kwargs.pop("provider", None) or working_provider(location)
    start = at(local_today(), hour, minute)
    return book(provider=provider, location=location, start=start, **kwargs)
