"""The front desk through the JSON API: check-in, flow statuses, the flow board, the waitlist."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.billing.models import PatientPayment
from medoffice.core.roles import Role
from medoffice.scheduling.models import AppointmentStatus, WaitlistEntry
from tests.factories import PatientFactory
from tests.frontdesk.factories import todays_visit
from tests.scheduling.factories import AppointmentTypeFactory

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_check_in_through_the_api_records_the_copay_and_the_arrival(desk, location):
    visit = todays_visit(location)
    response = post(
        desk,
        f"/api/v1/appointments/{visit.pk}/check-in",
        {"amount": "25.00", "method": "card", "reference": "4242"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    payment = PatientPayment.objects.get(appointment=visit)
    assert payment.amount == Decimal("25.00")
    assert body["receipt_number"] == payment.receipt_number
    assert body["status"] == AppointmentStatus.ARRIVED
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.ARRIVED


def test_check_in_with_an_amount_that_is_not_money_answers_422_naming_amount(desk, location):
    visit = todays_visit(location)
    response = post(
        desk, f"/api/v1/appointments/{visit.pk}/check-in", {"amount": "lots", "method": "cash"}
    )
    assert response.status_code == 422
    assert any(e["field"].endswith("amount") for e in response.json()["errors"])
    assert not PatientPayment.objects.filter(appointment=visit).exists()


@pytest.mark.parametrize("amount", ["1e309", "1e30", "1e3", "Infinity", "-0.01"])
def test_check_in_with_an_amount_in_exponent_form_answers_422_naming_amount(desk, location, amount):
    visit = todays_visit(location)
    response = post(
        desk, f"/api/v1/appointments/{visit.pk}/check-in", {"amount": amount, "method": "cash"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["payload.amount"]
    assert not PatientPayment.objects.filter(appointment=visit).exists()


def test_check_in_reads_an_amount_with_a_thousands_separator(desk, location):
    visit = todays_visit(location)
    response = post(
        desk, f"/api/v1/appointments/{visit.pk}/check-in", {"amount": "1,250.00", "method": "cash"}
    )
    assert response.status_code == 200, response.content
    assert PatientPayment.objects.get(appointment=visit).amount == Decimal("1250.00")


def test_check_in_with_letters_for_the_cards_last_four_answers_400_naming_reference(desk, location):
    visit = todays_visit(location)
    response = post(
        desk,
        f"/api/v1/appointments/{visit.pk}/check-in",
        {"amount": "25.00", "method": "card", "reference": "abcd"},
    )
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("reference", "card_digits_invalid")
    ]
    assert not PatientPayment.objects.filter(appointment=visit).exists()


def test_a_status_move_the_flow_does_not_allow_answers_400_naming_status(desk, location):
    visit = todays_visit(location)
    response = post(desk, f"/api/v1/appointments/{visit.pk}/status", {"status": "checkout"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["status"]
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.SCHEDULED


def test_flow_board_lists_todays_patients_with_their_status(desk, location):
    visit = todays_visit(location)
    post(desk, f"/api/v1/appointments/{visit.pk}/check-in", {})
    response = desk.get("/api/v1/flow-board", {"location": location.pk})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["appointment_id"], i["status"], i["column"]) for i in items] == [
        (visit.pk, AppointmentStatus.ARRIVED, "arrived")
    ]
    assert items[0]["minutes_in_status"] is not None


def test_waitlist_add_through_the_api_puts_the_patient_on_the_waitlist(desk, location):
    patient = PatientFactory(home_location=location)
    kind = AppointmentTypeFactory()
    response = post(
        desk,
        "/api/v1/waitlist",
        {"patient_id": patient.pk, "appointment_type_id": kind.pk, "mornings_only": True},
    )
    assert response.status_code == 201, response.content
    entry = WaitlistEntry.objects.get(pk=response.json()["id"])
    assert (entry.patient, entry.status, entry.mornings_only) == (patient, "waiting", True)
    listed = desk.get("/api/v1/waitlist").json()
    assert [row["id"] for row in listed["items"]] == [entry.pk]


def test_a_biller_may_not_move_a_patient_along_the_flow(client_for, location):
    visit = todays_visit(location)
    biller = client_for(Role.BILLER, locations=[location])
    response = post(biller, f"/api/v1/appointments/{visit.pk}/status", {"status": "arrived"})
    assert response.status_code == 403
