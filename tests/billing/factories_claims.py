"""Factories for charges and claims: code sets, fee schedules, seen visits, coded encounters.

Visits are written straight to the table (already seen by the provider, in the past): the
booking rules are the appointment book's tests, not these.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from factory.django import DjangoModelFactory

from medoffice.billing.choices import FeeScheduleKind
from medoffice.billing.models import (
    Encounter,
    FeeSchedule,
    FeeScheduleEntry,
    Modifier,
    PlaceOfService,
)
from medoffice.billing.services.encounters import (
    ChargesInput,
    LineInput,
    open_encounter,
    review_encounter,
    save_charges,
    send_to_review,
)
from medoffice.scheduling.choices import AppointmentStatus
from medoffice.scheduling.models import Appointment
from tests.billing.factories_reference import ProcedureCodeFactory
from tests.factories import SYSTEM, LocationFactory, PatientFactory
from tests.scheduling.factories import AppointmentTypeFactory, ProviderFactory


class ModifierFactory(DjangoModelFactory):
    class Meta:
        model = Modifier
        django_get_or_create = ("code",)

    code = "25"
    description = "Significant, separately identifiable E/M service"


class PlaceOfServiceFactory(DjangoModelFactory):
    class Meta:
        model = PlaceOfService
        django_get_or_create = ("code",)

    code = "11"
    name = "Office"


def standard_fee(code: str, amount: str, *, modifier: str = "", since: dt.date | None = None):
    schedule, _ = FeeSchedule.objects.get_or_create(
        name="Standard", defaults={"kind": FeeScheduleKind.STANDARD}
    )
    entry, _ = FeeScheduleEntry.objects.update_or_create(
        schedule=schedule,
        code=code,
        modifier=modifier,
        effective_from=since or dt.date(2020, 1, 1),
        defaults={"amount": Decimal(amount)},
    )
    return entry


def seen_visit(
    *,
    location: Any = None,
    provider: Any = None,
    patient: Any = None,
    status: str = AppointmentStatus.COMPLETED,
    days_ago: int = 3,
) -> Appointment:
    """A past visit that reached the provider (``status``), written straight to the table."""
    location = location or LocationFactory()
    provider = provider or ProviderFactory(locations=[location])
    start = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0) - dt.timedelta(
        days=days_ago
    )
    return Appointment.objects.create(
        patient=patient or PatientFactory(home_location=location),
        provider=provider,
        location=location,
        appointment_type=AppointmentTypeFactory(),
        start=start,
        end=start + dt.timedelta(minutes=20),
        status=status,
    )


def office_visit_codes() -> None:
    """99213 ($150) and 36415 ($20) with the standard fee, modifier 25, place 11."""
    ProcedureCodeFactory(code="99213", short_description="Office visit, established, low")
    ProcedureCodeFactory(code="36415", short_description="Venipuncture")
    ModifierFactory(code="25")
    PlaceOfServiceFactory(code="11")
    standard_fee("99213", "150.00")
    standard_fee("36415", "20.00")


def simple_charges(**changes: Any) -> ChargesInput:
    data = ChargesInput(
        diagnoses=["E11.9", "I10"],
        lines=[
            LineInput(procedure_code="99213", modifiers=["25"], pointers=["A", "B"]),
            LineInput(procedure_code="36415", pointers=["A"]),
        ],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def coded_encounter(
    visit: Appointment | None = None, *, actor: Any = SYSTEM, **visit_fields: Any
) -> Encounter:
    """A visit's encounter with the simple charges saved (needs ``office_visit_codes()``)."""
    visit = visit or seen_visit(**visit_fields)
    encounter = open_encounter(actor=actor, appointment=visit)
    return save_charges(actor=actor, encounter=encounter, data=simple_charges())


def waiting_encounter(visit: Appointment | None = None, **visit_fields: Any) -> Encounter:
    return send_to_review(actor=SYSTEM, encounter=coded_encounter(visit, **visit_fields))


def claimed_encounter(visit: Appointment | None = None, **visit_fields: Any) -> Encounter:
    return review_encounter(
        actor=SYSTEM, encounter=waiting_encounter(visit, **visit_fields), approve=True
    )


def billable_claim(location: Any, outbox: Any, **patient_fields: Any) -> Any:
    """The draft claim of a seen visit of an insured patient with a full address, whose payer
    goes through a clearinghouse with ``outbox`` (needs ``office_visit_codes()``)."""
    from tests.billing.factories_eligibility import insured

    patient = PatientFactory(
        home_location=location,
        address_line1="12 Elm Street",
        city="Springfield",
        state="MA",
        postal_code="01103",
        **patient_fields,
    )
    insured(patient, outbox=outbox)
    return claimed_encounter(seen_visit(location=location, patient=patient)).claims.get()
