"""Factories and a small synthetic practice for the front-desk tests.

Appointments are made through ``book_appointment`` (the real service), booked
"yesterday" so that times earlier today are accepted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from medoffice.core.models import LocationHours
from medoffice.patients.models import Coverage, Payer
from medoffice.scheduling import services
from medoffice.scheduling.models import (
    Appointment,
    AppointmentType,
    Provider,
    Resource,
    TemplateBlock,
)
from tests.factories import LocationFactory, PatientFactory, _npi

TZ = ZoneInfo("America/New_York")
ALL_DAY = (dt.time(0), dt.time(23, 55))


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Sequence(lambda n: f"Doctor{n}")
    credentials = "MD"
    npi = factory.Sequence(lambda n: _npi(50000 + n))
    specialty = "Family medicine"
    color = "#2a9d8f"

    @factory.post_generation
    def locations(self, create: bool, extracted: list[Any] | None, **kwargs: object) -> None:
        if create and extracted:
            self.locations.set(extracted)


class AppointmentTypeFactory(DjangoModelFactory):
    class Meta:
        model = AppointmentType

    name = factory.Sequence(lambda n: f"Visit type {n}")
    code = factory.Sequence(lambda n: f"type{n}")
    duration = 30
    color = "#e76f51"


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Exam room {n}")
    kind = "room"


class TemplateBlockFactory(DjangoModelFactory):
    class Meta:
        model = TemplateBlock

    provider = factory.SubFactory(ProviderFactory)
    location = factory.SubFactory(LocationFactory)
    weekday = 0
    start = dt.time(8)
    end = dt.time(17)
    effective_from = dt.date(2020, 1, 1)


class PayerFactory(DjangoModelFactory):
    class Meta:
        model = Payer
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Synthetic Health Plan {n}")
    payer_id = factory.Sequence(lambda n: f"SHP{n:04d}")


class CoverageFactory(DjangoModelFactory):
    class Meta:
        model = Coverage

    patient = factory.SubFactory(PatientFactory)
    payer = factory.SubFactory(PayerFactory)
    member_id = factory.Sequence(lambda n: f"MEM{n:08d}")
    order = 1
    effective_from = dt.date(2020, 1, 1)
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
    if overbook:
        from medoffice.scheduling.models import OverbookRule
        from tests.factories import UserFactory

        if not OverbookRule.objects.filter(provider=provider).exists():
            OverbookRule.objects.create(provider=provider, max_per_day=5, created_by=UserFactory())
    return services.book_appointment(
        actor=None,
        patient=patient or PatientFactory(home_location=location),
        provider=provider,
        location=location,
        appointment_type=appointment_type or AppointmentTypeFactory(),
        start=start,
        overbook=overbook,
        now=start - dt.timedelta(days=1),
    )


def todays_visit(location: Any, *, hour: int = 0, minute: int = 5, **kwargs: Any) -> Appointment:
    """A visit early today (already started, so always "today" whatever the clock says)."""
    provider = kwargs.pop("provider", None) or working_provider(location)
    start = at(local_today(), hour, minute)
    return book(provider=provider, location=location, start=start, **kwargs)
