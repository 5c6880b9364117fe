"""The front office's parts of the patient record: the banner (age, MRN, alerts, primary
coverage, next visit, unpaid copays) and the visit history with status and copay paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medoffice.billing.services import refund_payment
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.scheduling import services
from medoffice.scheduling.models import AppointmentStatus as S
from tests.factories import SYSTEM, LocationFactory, PatientFactory, UserFactory
from tests.frontdesk.factories import (
    CoverageFactory,
    at,
    book,
    local_today,
    todays_visit,
    working_provider,
)
from tests.frontdesk.test_home_panels import take
from tests.patients.factories import AlertFactory

pytestmark = pytest.mark.django_db


def record(client, patient, query=""):
    response = client.get(f"/patients/{patient.pk}/{query}")
    assert response.status_code == 200
    return response


def part(response, name):
    parts = response.context["parts"]
    return next(p["data"] for place in parts.values() for p in place if p["name"] == name)


def came(visit):
    return services.change_status(actor=SYSTEM, appointment=visit, to_status=S.ARRIVED)


def test_the_banner_shows_age_mrn_primary_coverage_and_alerts(desk, location):
    born = local_today().replace(year=local_today().year - 40) - dt.timedelta(days=1)
    patient = PatientFactory(home_location=location, date_of_birth=born)
    CoverageFactory(patient=patient, copay=Decimal("25.00"))
    AlertFactory(patient=patient, text="Needs an interpreter")
    html = record(desk, patient).content.decode()
    assert 'data-testid="banner-age">40 ' in html
    assert f'data-testid="banner-mrn">{patient.mrn}' in html
    assert "copay $25.00" in html
    assert "Needs an interpreter" in html


def test_the_banner_shows_the_next_visit(desk, location):
    provider = working_provider(location)
    patient = PatientFactory(home_location=location)
    later = book(
        provider=provider,
        location=location,
        start=at(local_today() + dt.timedelta(days=9), 9),
        patient=patient,
    )
    book(
        provider=provider,
        location=location,
        start=at(local_today() + dt.timedelta(days=3), 9),
        patient=patient,
    )
    nxt = part(record(desk, patient), "banner_visits")["next"]
    assert nxt["start"].date() == local_today() + dt.timedelta(days=3)
    assert later.start.date() != nxt["start"].date()


def test_the_banner_sums_copays_of_visits_the_patient_came_to_and_did_not_pay(desk, location):
    provider = working_provider(location)
    patient = PatientFactory(home_location=location)
    CoverageFactory(patient=patient, copay=Decimal("30.00"), effective_from=dt.date(2020, 1, 1))
    unpaid = came(todays_visit(location, provider=provider, hour=0, patient=patient))
    paid = came(todays_visit(location, provider=provider, hour=2, patient=patient))
    take(paid, "cash", "30.00")
    todays_visit(location, provider=provider, hour=4, patient=patient)  # not come yet
    data = part(record(desk, patient), "banner_visits")
    assert (data["unpaid_total"], data["unpaid_visits"]) == (Decimal("30.00"), 1)
    assert unpaid.status == S.ARRIVED


def test_a_refunded_copay_is_owed_again_in_the_banner_and_not_paid_in_the_history(desk, location):
    provider = working_provider(location)
    patient = PatientFactory(home_location=location)
    CoverageFactory(patient=patient, copay=Decimal("30.00"), effective_from=dt.date(2020, 1, 1))
    visit = came(todays_visit(location, provider=provider, hour=1, patient=patient))
    payment = take(visit, "cash", "30.00")
    refund_payment(
        actor=UserFactory(roles=[Role.BILLER]), payment=payment, amount="30.00", reason="Error"
    )
    response = record(desk, patient)
    banner = part(response, "banner_visits")
    assert (banner["unpaid_total"], banner["unpaid_visits"]) == (Decimal("30.00"), 1)
    assert [r["paid"] for r in part(response, "visit_history")["rows"]] == [Decimal("0.00")]


def test_a_patient_who_owes_nothing_has_no_balance(desk, location):
    patient = PatientFactory(home_location=location)
    assert "No balance" in record(desk, patient).content.decode()


def test_the_visit_history_lists_visits_with_status_and_copay_paid(desk, location):
    provider = working_provider(location)
    patient = PatientFactory(home_location=location)
    visit = came(todays_visit(location, provider=provider, hour=1, patient=patient))
    take(visit, "card", "25.00")
    rows = part(record(desk, patient), "visit_history")["rows"]
    assert [(r["status"], r["paid"]) for r in rows] == [("Arrived", Decimal("25.00"))]


def test_the_visit_history_shows_ten_then_all_on_request(desk, location):
    provider = working_provider(location)
    patient = PatientFactory(home_location=location)
    for days in range(12):
        book(
            provider=provider,
            location=location,
            start=at(local_today() + dt.timedelta(days=days + 1), 9),
            patient=patient,
        )
    history = part(record(desk, patient), "visit_history")
    assert (len(history["rows"]), history["more"]) == (10, 2)
    assert len(part(record(desk, patient, "?visits=all"), "visit_history")["rows"]) == 12


def test_the_visit_history_leaves_out_visits_at_other_locations(client_for, location):
    other = LocationFactory(practice=location.practice, code="EAST", name="East")
    patient = PatientFactory(home_location=location)
    todays_visit(location, patient=patient, hour=1)
    todays_visit(other, patient=patient, hour=3)
    desk = client_for(Role.FRONT_DESK, locations=[location])
    assert len(part(record(desk, patient), "visit_history")["rows"]) == 1


def test_opening_the_visit_history_is_audited_with_the_patient(desk, location):
    patient = PatientFactory(home_location=location)
    record(desk, patient)
    assert AuditEvent.objects.filter(
        patient_id=patient.pk, object_type="scheduling.appointment", user_id=desk.user.pk
    ).exists()


def test_a_role_that_sees_no_payments_gets_no_balance_or_paid_column(client_for, location):
    patient = PatientFactory(home_location=location)
    nurse = client_for(Role.CLINICAL, locations=[location])
    html = record(nurse, patient).content.decode()
    assert 'data-testid="banner-balance"' not in html
    assert ">Paid</th>" not in html
