"""The demo practice's front office keeps every invariant the services keep."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise

import phonenumbers
import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from medoffice.core.demo.helpers import FrontOfficeSize
from medoffice.core.demo.practice import build_practice
from medoffice.core.demo.registry import builders
from medoffice.core.identifiers import is_valid_npi
from medoffice.patients.models import Patient
from medoffice.patients.search import fold
from medoffice.scheduling.demo import visits as visit_builder
from medoffice.scheduling.models import Appointment, Provider, SlotClaim, StatusChange
from medoffice.scheduling.models.appointments import ACTIVE_STATUSES
from medoffice.scheduling.services import granules

pytestmark = pytest.mark.django_db

# The front office's builders: everything but the home page's attention items.
FRONT_OFFICE_ONLY = ("patients-emergency-access", "core-attention-items")
SMALL = FrontOfficeSize(patients=200, past_days=60, future_days=14, waitlist=5, recalls=20)


def build_small(seed: int = 7) -> None:
    context = build_practice(seed)
    context["front_office_size"] = SMALL
    context["front_office_now"] = timezone.now()
    for builder in builders(exclude=FRONT_OFFICE_ONLY):
        with transaction.atomic():
            builder(context, seed)


@pytest.fixture
def demo() -> None:
    build_small()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_no_provider_has_overlapping_active_appointments(demo):
    by_provider = defaultdict(list)
    active = Appointment.objects.filter(
        status__in=[s.value for s in ACTIVE_STATUSES], is_overbook=False
    )
    for provider_id, start, end in active.values_list("provider_id", "start", "end"):
        by_provider[provider_id].append((start, end))
    assert len(by_provider) == 8
    for visits in by_provider.values():
        visits.sort()
        for (_, first_end), (second_start, _) in pairwise(visits):
            assert second_start >= first_end


def test_every_active_appointment_that_is_not_overbooked_holds_its_slot_claims(demo):
    claims = defaultdict(set)
    for appointment_id, granule in SlotClaim.objects.values_list("appointment_id", "granule"):
        claims[appointment_id].add(granule)
    active = Appointment.objects.filter(
        status__in=[s.value for s in ACTIVE_STATUSES], is_overbook=False
    )
    assert active.exists()
    for appointment in active:
        assert claims[appointment.pk] == set(granules(appointment.start, appointment.end))


def test_cancelled_no_show_and_overbooked_appointments_hold_no_claims(demo):
    released = Appointment.objects.filter(status__in=["cancelled", "no_show"]) | (
        Appointment.objects.filter(is_overbook=True)
    )
    assert released.exists()
    assert not SlotClaim.objects.filter(appointment__in=released).exists()


def test_no_show_rate_of_past_appointments_is_realistic(demo):
    past = Appointment.objects.filter(end__lt=timezone.now() - dt.timedelta(days=1))
    no_shows = past.filter(status="no_show").count()
    assert 0.04 <= no_shows / past.count() <= 0.10


def test_every_status_of_an_appointment_has_its_time_stamped_change(demo):
    trail = defaultdict(list)
    for appointment_id, to_status in StatusChange.objects.order_by(
        "appointment_id", "changed_at", "pk"
    ).values_list("appointment_id", "to_status"):
        trail[appointment_id].append(to_status)
    for appointment in Appointment.objects.all():
        steps = trail[appointment.pk]
        assert steps[0] == "scheduled"
        assert steps[-1] == appointment.status


def test_every_generated_status_trail_runs_forward_in_time_and_ends_at_the_status(db):
    """Rare paths included: a patient roomed who then leaves without being seen (0.3 %)."""
    context = build_practice(7)
    context["front_office_size"] = SMALL
    context["front_office_now"] = timezone.now()
    for builder in builders()[:2]:
        builder(context, 7)
    planner = visit_builder._Planner(context, 7)
    provider, spec = planner.providers[0]
    start = planner.now - dt.timedelta(days=1)
    for n in range(60_000):
        visit = visit_builder._Visit(
            provider_id=provider.pk,
            location_id=next(iter(planner.locations)),
            type_code=next(iter(planner.types)),
            patient=n,
            start=start,
            end=start + dt.timedelta(minutes=20),
            reason="",
        )
        planner.outcome(visit, spec)
        times = [at for _status, at, _who in visit.events]
        assert times == sorted(times), visit.events
        assert visit.events[-1][0] == visit.status


def test_completed_visits_have_their_flow_times_in_order(demo):
    done = Appointment.objects.filter(status="completed")
    assert done.exists()
    for a in done:
        assert a.arrived_at < a.roomed_at < a.with_provider_at < a.completed_at


def test_every_patient_has_a_folded_name_and_an_e164_mobile_phone(demo):
    for patient in Patient.objects.all():
        assert patient.search_first == fold(patient.first_name)
        assert patient.search_last == fold(patient.last_name)
        number = phonenumbers.parse(patient.phone, "US")
        assert phonenumbers.is_valid_number(number)
        assert patient.phone == phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        )


def test_providers_have_valid_npis_and_two_are_the_demo_doctors(demo):
    providers = Provider.objects.all()
    assert providers.count() == 8
    assert all(is_valid_npi(p.npi) for p in providers)
    linked = set(providers.exclude(user=None).values_list("user__username", flat=True))
    assert linked == {"drpatel", "drgreen"}


def test_running_the_front_office_builders_twice_adds_nothing(demo):
    first = row_counts()
    build_small()
    assert row_counts() == first
