"""Check-in: details to confirm, coverage and consent warnings, copay, arrival, receipt."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.billing.models import PatientPayment
from medoffice.core.models import AuditEvent
from medoffice.patients.models import Consent
from medoffice.scheduling.models import Appointment, AppointmentStatus, StatusChange
from tests.factories import SYSTEM
from tests.frontdesk.factories import (
    CoverageFactory,
    book,
    minutes_from_now,
    todays_visit,
    working_provider,
)

pytestmark = pytest.mark.django_db


def url(visit):
    return f"/front-desk/appointments/{visit.pk}/check-in/"


def visit_at(location, minutes):
    return book(
        provider=working_provider(location), location=location, start=minutes_from_now(minutes)
    )


def test_check_in_page_shows_the_copay_of_the_primary_coverage(desk, location):
    visit = todays_visit(location)
    CoverageFactory(patient=visit.patient, copay=Decimal("35.00"))
    response = desk.get(url(visit))
    assert response.status_code == 200
    assert 'data-testid="copay-due">$35.00' in response.content.decode()
    assert response.context["form"].initial["amount"] == Decimal("35.00")


def test_check_in_page_shows_the_phones_to_confirm_in_national_format(desk, location):
    visit = todays_visit(location)
    visit.patient.phone = "+14135550123"
    visit.patient.phone_home = "+14135550199"
    visit.patient.emergency_contact_name = "Pat Doe"
    visit.patient.emergency_contact_phone = "+14135550188"
    visit.patient.save()
    page = desk.get(url(visit)).content.decode()
    assert "(413) 555-0123" in page
    assert "(413) 555-0199" in page
    assert "(413) 555-0188" in page
    assert "+1413555" not in page


def test_check_in_warns_when_no_coverage_covers_today(desk, location):
    import datetime as dt

    visit = todays_visit(location)
    CoverageFactory(
        patient=visit.patient,
        effective_from=dt.date(2019, 1, 1),
        effective_to=dt.date(2019, 12, 31),
    )
    assert 'data-testid="no-coverage-warning"' in desk.get(url(visit)).content.decode()


def test_check_in_warns_about_missing_privacy_notice_and_financial_policy(desk, location):
    visit = todays_visit(location)
    html = desk.get(url(visit)).content.decode()
    assert 'data-testid="missing-consent-npp"' in html
    assert 'data-testid="missing-consent-financial"' in html


def test_one_click_records_the_consent_as_given_today(desk, location):
    visit = todays_visit(location)
    response = desk.post(f"/front-desk/appointments/{visit.pk}/consent/", {"kind": "npp"})
    assert response.status_code == 302
    consent = Consent.objects.get(patient=visit.patient)
    assert consent.kind == "npp"
    assert consent.recorded_by == desk.user
    assert 'data-testid="missing-consent-npp"' not in desk.get(url(visit)).content.decode()


def test_opening_the_check_in_page_is_audited_as_a_read_of_the_patient(desk, location):
    visit = todays_visit(location)
    desk.get(url(visit))
    assert AuditEvent.objects.filter(
        action="read", patient_id=visit.patient_id, user_id=desk.user.pk
    ).exists()


def test_check_in_takes_the_copay_and_marks_arrived_together(desk, location):
    visit = visit_at(location, 30)
    response = desk.post(
        url(visit),
        {"demographics_confirmed": "on", "amount": "25.00", "method": "card", "reference": "4242"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.ARRIVED
    assert visit.arrived_at is not None
    assert not visit.is_late_arrival
    payment = PatientPayment.objects.get(appointment=visit)
    assert payment.amount == Decimal("25.00")
    assert payment.method == "card"
    assert payment.kind == "copay"
    assert payment.received_by == desk.user
    assert payment.receipt_number.startswith("R")
    assert StatusChange.objects.filter(appointment=visit, to_status="arrived").count() == 1
    assert AuditEvent.objects.filter(
        object_type="billing.patientpayment", object_id=str(payment.pk), action="create"
    ).exists()


def test_arriving_more_than_ten_minutes_after_the_start_is_flagged_late(desk, location):
    visit = visit_at(location, -40)
    desk.post(url(visit), {"demographics_confirmed": "on"})
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.ARRIVED
    assert visit.is_late_arrival


def test_check_in_without_a_payment_only_marks_arrived(desk, location):
    visit = visit_at(location, 30)
    desk.post(url(visit), {"demographics_confirmed": "on"})
    assert Appointment.objects.get(pk=visit.pk).status == AppointmentStatus.ARRIVED
    assert not PatientPayment.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "-5", "method": "cash"}, "amount", "dollars and cents"),
        ({"amount": "0", "method": "cash"}, "amount", "more than zero"),
        ({"amount": "abc", "method": "cash"}, "amount", "dollars and cents"),
        ({"amount": "1e3", "method": "cash"}, "amount", "dollars and cents"),
        ({"amount": "1e30", "method": "cash"}, "amount", "dollars and cents"),
        ({"amount": "NaN", "method": "cash"}, "amount", "dollars and cents"),
        ({"amount": "100000000", "method": "cash"}, "amount", "at most $99,999,999.99"),
        ({"amount": "10.005", "method": "cash"}, "amount", "two decimals"),
        ({"amount": "25.00", "method": ""}, "method", "how the patient paid"),
        ({"amount": "25.00", "method": "bitcoin"}, "method", "valid choice"),
        ({"amount": "25.00", "method": "check"}, "reference", "check number"),
        ({"amount": "25.00", "method": "card", "reference": "abcd"}, "reference", "last four"),
        ({"amount": "25.00", "method": "card", "reference": "42424"}, "reference", "last four"),
        ({"amount": "25.00", "method": "hsa", "reference": "٤٢٤٢"}, "reference", "last four"),
        ({"amount": "25.00", "method": "check", "reference": "no. 12"}, "reference", "digits"),
        ({"amount": "25.00", "method": "cash", "reference": "4242"}, "reference", "no reference"),
    ],
)
def test_bad_payment_is_refused_naming_the_field_and_nothing_is_saved(
    desk, location, data, field, message
):
    visit = visit_at(location, 30)
    response = desk.post(url(visit), {"demographics_confirmed": "on", **data})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not PatientPayment.objects.exists()
    assert Appointment.objects.get(pk=visit.pk).status == AppointmentStatus.SCHEDULED
    assert not StatusChange.objects.filter(appointment=visit, to_status="arrived").exists()


def test_a_copay_with_a_thousands_separator_is_taken(desk, location):
    visit = visit_at(location, 30)
    response = desk.post(
        url(visit), {"demographics_confirmed": "on", "amount": "1,000", "method": "cash"}
    )
    assert response.status_code == 302
    assert PatientPayment.objects.get(appointment=visit).amount == Decimal("1000.00")


def test_every_mistake_of_the_payment_shows_at_once(desk, location):
    visit = visit_at(location, 30)
    response = desk.post(
        url(visit),
        {"demographics_confirmed": "on", "amount": "1e3", "method": "card", "reference": "abcd"},
    )
    assert set(response.context["form"].errors) == {"amount", "reference"}


def test_the_visit_payments_show_amounts_with_thousands_separators(desk, location):
    visit = visit_at(location, 30)
    desk.post(url(visit), {"demographics_confirmed": "on", "amount": "1,250", "method": "cash"})
    page = desk.get(url(visit)).content.decode()
    assert "$1,250.00" in page
    assert 'data-testid="payments-total">Collected for this visit: <strong>$1,250.00' in page


def test_check_in_needs_the_details_confirmed(desk, location):
    visit = visit_at(location, 30)
    response = desk.post(url(visit), {"amount": "25.00", "method": "cash"})
    assert "demographics_confirmed" in response.context["form"].errors
    assert not PatientPayment.objects.exists()
    assert Appointment.objects.get(pk=visit.pk).status == AppointmentStatus.SCHEDULED


def test_a_refused_arrival_keeps_no_payment(desk, location):
    from medoffice.scheduling import services

    visit = visit_at(location, 30)
    services.change_status(actor=SYSTEM, appointment=visit, to_status="arrived")
    response = desk.post(
        url(visit), {"demographics_confirmed": "on", "amount": "25.00", "method": "cash"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not PatientPayment.objects.exists()


def test_receipt_numbers_follow_each_other(desk, location):
    first = visit_at(location, 30)
    second = visit_at(location, 60)
    for visit in (first, second):
        desk.post(url(visit), {"demographics_confirmed": "on", "amount": "10", "method": "cash"})
    numbers = sorted(PatientPayment.objects.values_list("receipt_number", flat=True))
    assert int(numbers[1][-6:]) == int(numbers[0][-6:]) + 1
    assert numbers[0][:-6] == numbers[1][:-6]
