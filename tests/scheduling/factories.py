"""Factories for the appointment book. Appointments are booked through the real service.

``AppointmentFactory(start=..., provider=..., patient=...)`` books with
``services.book_appointment`` as the tests' system actor (``SYSTEM``); when no
template block covers the time, a 08:00-17:00 block for that weekday is added
first so the booking is inside the provider's schedule. ``next_weekday_at(hour)``
gives a local time on a coming weekday (at least two days ahead) in the
practice's zone.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from medoffice.scheduling import services
from medoffice.scheduling.models import (
    Appointment,
    AppointmentType,
    OverbookRule,
    Provider,
    Recall,
    Resource,
    ScheduleException,
    TemplateBlock,
    WaitlistEntry,
)
from tests.factories import SYSTEM, LocationFactory, PatientFactory, UserFactory, _npi


def next_weekday_at(
    hour: int, minute: int = 0, *, days_ahead: int = 2, weekday: int | None = None
) -> dt.datetime:
    """An aware datetime ``hour:minute`` local time on a weekday at least ``days_ahead`` away."""
    tz = services.practice_zone()
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5 or (weekday is not None and day.weekday() != weekday):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    credentials = "MD"
    npi = factory.Sequence(lambda n: _npi(50000 + n))
    taxonomy_code = "207Q00000X"
    specialty = "Family medicine"

    @factory.post_generation
    def locations(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.locations.set(extracted)


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Exam room {n}")
    kind = "room"


class AppointmentTypeFactory(DjangoModelFactory):
    class Meta:
        model = AppointmentType
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Visit type {n}")
    code = factory.Sequence(lambda n: f"type{n}")
    duration = 20

    @factory.post_generation
    def providers(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.providers.set(extracted)


class TemplateBlockFactory(DjangoModelFactory):
    """Monday 08:00-17:00 by default, effective from a year ago, open-ended."""

    class Meta:
        model = TemplateBlock
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    location = factory.SubFactory(LocationFactory)
    weekday = 0
    start = dt.time(8)
    end = dt.time(17)
    effective_from = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=365))
    effective_to = None

    @factory.post_generation
    def appointment_types(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.appointment_types.set(extracted)


class ScheduleExceptionFactory(DjangoModelFactory):
    class Meta:
        model = ScheduleException

    kind = "time_off"
    start = factory.LazyFunction(lambda: next_weekday_at(8))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=4))
    reason = "Conference"


class OverbookRuleFactory(DjangoModelFactory):
    class Meta:
        model = OverbookRule

    provider = factory.SubFactory(ProviderFactory)
    max_per_day = 1
    created_by = factory.SubFactory(UserFactory)


def ensure_template(provider, location, start: dt.datetime) -> None:
    """Add a whole-day block for ``start``'s weekday unless one already covers it."""
    tz = services.practice_zone()
    day = start.astimezone(tz).date()
    covered = (
        TemplateBlock.objects.filter(
            provider=provider, location=location, weekday=day.weekday(), effective_from__lte=day
        )
        .exclude(effective_to__lt=day)
        .exists()
    )
    if not covered:
        TemplateBlockFactory(
            provider=provider,
            location=location,
            weekday=day.weekday(),
            start=dt.time(7),
            end=dt.time(19),
            effective_from=day - dt.timedelta(days=400),
        )


class AppointmentFactory(DjangoModelFactory):
    """Books through ``services.book_appointment``; pass ``actor=user`` to book as someone."""

    class Meta:
        model = Appointment

    patient = factory.SubFactory(PatientFactory)
    location = factory.SubFactory(LocationFactory)
    provider = factory.SubFactory(ProviderFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    start = factory.LazyFunction(lambda: next_weekday_at(10))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        actor = kwargs.pop("actor", SYSTEM)
        now = kwargs.pop("now", None)
        overbook = kwargs.pop("overbook", False)
        ensure_template(kwargs["provider"], kwargs["location"], kwargs["start"])
        return services.book_appointment(
            actor=actor,
            patient=kwargs["patient"],
            provider=kwargs["provider"],
            location=kwargs["location"],
            appointment_type=kwargs["appointment_type"],
            start=kwargs["start"],
            reason=kwargs.get("reason", ""),
            note=kwargs.get("note", ""),
            overbook=overbook,
            now=now,
        )


class WaitlistEntryFactory(DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    patient = factory.SubFactory(PatientFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    created_by = factory.SubFactory(UserFactory)


class RecallFactory(DjangoModelFactory):
    class Meta:
        model = Recall

    patient = factory.SubFactory(PatientFactory)
    reason = "Annual physical"
    due_date = factory.LazyFunction(lambda: timezone.now().date() + dt.timedelta(days=30))
