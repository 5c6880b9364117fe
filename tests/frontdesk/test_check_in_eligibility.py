"""Check-in shows the latest eligibility answer for the visit's coverage; a failed or
missing check is a warning, never in the way of checking the patient in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from medoffice.scheduling.models import Appointment
from tests.billing.factories_eligibility import EligibilityCheckFactory
from tests.frontdesk.factories import CoverageFactory, local_today, todays_visit

pytestmark = pytest.mark.django_db


def url(visit):
    return f"/front-desk/appointments/{visit.pk}/check-in/"


def _answered(visit, coverage, **fields):
    fields.setdefault("status", "active")
    fields.setdefault("location", visit.location)
    return EligibilityCheckFactory(
        coverage=coverage,
        appointment=visit,
        service_date=local_today(),
        answered_at=timezone.now(),
        **fields,
    )


def test_check_in_shows_the_answer_plan_copay_and_deductible_remaining(desk, location):
    visit = todays_visit(location)
    coverage = CoverageFactory(patient=visit.patient)
    _answered(
        visit,
        coverage,
        plan_name="GOLD PLUS",
        copay=Decimal("25.00"),
        deductible_remaining=Decimal("400.00"),
    )
    page = desk.get(url(visit)).content.decode()
    assert 'data-testid="eligibility-status">active' in page
    assert "plan GOLD PLUS · copay $25.00 · deductible remaining $400.00" in page
    assert 'data-testid="eligibility-warning"' not in page


def test_check_in_says_when_the_payers_copay_differs_from_the_coverage(desk, location):
    visit = todays_visit(location)
    coverage = CoverageFactory(patient=visit.patient)  # $25.00 on file
    _answered(visit, coverage, copay=Decimal("40.00"))
    page = desk.get(url(visit)).content.decode()
    assert 'data-testid="eligibility-copay-differs"' in page
    assert "the payer says the copay is $40.00" in page.lower()


def test_an_inactive_answer_is_a_warning_at_check_in(desk, location):
    visit = todays_visit(location)
    _answered(visit, CoverageFactory(patient=visit.patient), status="inactive")
    page = desk.get(url(visit)).content.decode()
    assert "not active on the date of the visit" in page


def test_a_visit_never_checked_shows_a_warning(desk, location):
    visit = todays_visit(location)
    CoverageFactory(patient=visit.patient)
    page = desk.get(url(visit)).content.decode()
    assert "Eligibility was not checked for this visit" in page


def test_a_rejected_check_does_not_block_check_in(desk, location):
    visit = todays_visit(location)
    coverage = CoverageFactory(patient=visit.patient)
    _answered(visit, coverage, status="rejected", rejection_reason="subscriber/insured not found")
    assert "subscriber/insured not found" in desk.get(url(visit)).content.decode()
    response = desk.post(url(visit), {"demographics_confirmed": "on"})
    assert response.status_code == 302
    assert Appointment.objects.get(pk=visit.pk).status == "arrived"


def test_check_in_does_not_show_another_locations_check_of_the_coverage(desk, location):
    from tests.factories import LocationFactory

    visit = todays_visit(location)
    coverage = CoverageFactory(patient=visit.patient)
    _answered(visit, coverage, plan_name="SECRET PLAN", location=LocationFactory())
    assert "SECRET PLAN" not in desk.get(url(visit)).content.decode()


def test_the_day_view_flags_a_visit_whose_eligibility_check_failed(desk, location):
    from tests.frontdesk.factories import open_all_week

    open_all_week(location)
    failed = todays_visit(location, hour=9)
    fine = todays_visit(location, hour=11)
    _answered(failed, CoverageFactory(patient=failed.patient), status="rejected")
    _answered(fine, CoverageFactory(patient=fine.patient), status="active")
    page = desk.get(
        f"/front-desk/day/?date={local_today().isoformat()}&location={location.pk}"
    ).content.decode()
    assert f'data-testid="appointment-eligibility-{failed.pk}"' in page
    assert f'data-testid="appointment-eligibility-{fine.pk}"' not in page
