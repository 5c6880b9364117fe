"""Coverages: one active per order, ending frees the order, card images served audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.patients.models import Coverage
from tests.factories import PatientFactory
from tests.frontdesk.factories import local_today
from tests.patients.factories import PNG_BYTES, ConsentFactory, CoverageFactory, PayerFactory

pytestmark = pytest.mark.django_db


def coverage_data(payer, **changes):
    return {
        "payer": payer.pk,
        "member_id": "W123",
        "order": 1,
        "relationship": "18",
        "effective_from": "2024-01-01",
        **changes,
    }


def test_second_active_primary_is_refused_with_a_clear_message(desk, location):
    patient = PatientFactory(home_location=location)
    CoverageFactory(patient=patient, order=1)
    response = desk.post(f"/patients/{patient.pk}/coverages/add/", coverage_data(PayerFactory()))
    page = response.content.decode()
    assert 'data-field-error="order"' in page
    assert "already has an active primary coverage" in page
    assert patient.coverages.count() == 1


def test_ending_a_coverage_frees_its_order(desk, location):
    patient = PatientFactory(home_location=location)
    old = CoverageFactory(patient=patient, order=1)
    desk.post(f"/patients/coverages/{old.pk}/end/", {"end_date": "2024-12-31"})
    response = desk.post(f"/patients/{patient.pk}/coverages/add/", coverage_data(PayerFactory()))
    assert response.status_code == 302
    assert patient.coverages.filter(is_active=True).get().member_id == "W123"


def test_card_image_is_stored_and_downloaded_through_an_audited_view(desk, location):
    patient = PatientFactory(home_location=location)
    card = SimpleUploadedFile("card.png", PNG_BYTES, content_type="image/png")
    desk.post(
        f"/patients/{patient.pk}/coverages/add/",
        {**coverage_data(PayerFactory()), "card_front": card},
    )
    coverage = Coverage.objects.get()
    response = desk.get(f"/patients/coverages/{coverage.pk}/card-front/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert AuditEvent.objects.filter(
        patient_id=patient.pk, data_category="insurance", detail__startswith="downloaded"
    ).exists()


def test_api_adds_and_lists_coverages(desk, location):
    patient = PatientFactory(home_location=location)
    payer = PayerFactory()
    body = {"payer_id": payer.pk, "member_id": "API1", "effective_from": "2024-01-01"}
    created = desk.post(
        f"/api/v1/patients/{patient.pk}/coverages", body, content_type="application/json"
    )
    assert created.status_code == 201
    again = desk.post(
        f"/api/v1/patients/{patient.pk}/coverages", body, content_type="application/json"
    )
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "order"
    listed = desk.get(f"/api/v1/patients/{patient.pk}/coverages").json()
    assert [c["member_id"] for c in listed] == ["API1"]


def test_a_copay_in_exponent_form_is_refused_on_the_page(desk, location):
    patient = PatientFactory(home_location=location)
    response = desk.post(
        f"/patients/{patient.pk}/coverages/add/", coverage_data(PayerFactory(), copay="1e3")
    )
    page = response.content.decode()
    assert 'data-field-error="copay"' in page
    assert "dollars and cents" in page
    assert not patient.coverages.exists()


def test_a_copay_with_a_thousands_separator_is_read_on_the_page(desk, location):
    patient = PatientFactory(home_location=location)
    response = desk.post(
        f"/patients/{patient.pk}/coverages/add/", coverage_data(PayerFactory(), copay="1,000")
    )
    assert response.status_code == 302
    assert patient.coverages.get().copay == Decimal("1000.00")


def test_a_copay_over_the_limit_names_the_limit(desk, location):
    patient = PatientFactory(home_location=location)
    response = desk.post(
        f"/patients/{patient.pk}/coverages/add/", coverage_data(PayerFactory(), copay="2,500.01")
    )
    assert "at most $2,500.00" in response.content.decode()
    assert not patient.coverages.exists()


@pytest.mark.parametrize("copay", ["1e3", 1e3, "NaN", "-1", "2500.01"])
def test_a_copay_through_the_api_is_read_as_money(desk, location, copay):
    patient = PatientFactory(home_location=location)
    body = {
        "payer_id": PayerFactory().pk,
        "member_id": "API1",
        "effective_from": "2024-01-01",
        "copay": copay,
    }
    response = desk.post(
        f"/api/v1/patients/{patient.pk}/coverages", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["payload.copay"]
    assert not patient.coverages.exists()


def test_the_patient_record_shows_the_copay_with_separators(desk, location):
    patient = PatientFactory(home_location=location)
    CoverageFactory(patient=patient, order=1, copay=Decimal("1000.00"))
    assert "$1,000.00" in desk.get(f"/patients/{patient.pk}/").content.decode()


def test_the_service_holds_a_copay_from_code_to_the_limit(location):
    from django.core.exceptions import ValidationError

    from medoffice.patients.services import save_coverage
    from tests.factories import SYSTEM

    patient = PatientFactory(home_location=location)
    with pytest.raises(ValidationError) as caught:
        save_coverage(
            actor=SYSTEM,
            patient=patient,
            payer=PayerFactory(),
            member_id="X1",
            order=1,
            relationship="18",
            effective_from=dt.date(2024, 1, 1),
            copay=Decimal("1E+3") * 10,
        )
    assert "copay" in caught.value.error_dict


def test_end_asks_for_confirmation_with_todays_date_and_changes_nothing_yet(
    client_for, location, clock_at
):
    clock_at(20, 30)  # evening in the practice: already tomorrow in UTC
    # Logged in after the clock moved: a session begun at the real time would have idled out.
    desk = client_for(Role.FRONT_DESK, locations=[location])
    patient = PatientFactory(home_location=location)
    coverage = CoverageFactory(patient=patient, order=1)
    response = desk.get(f"/patients/coverages/{coverage.pk}/end/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{local_today():%Y-%m-%d}"' in html
    assert "End coverage" in html
    assert f'href="/patients/{patient.pk}/">Cancel' in html
    coverage.refresh_from_db()
    assert (coverage.is_active, coverage.effective_to) == (True, None)


def test_confirming_the_end_ends_the_coverage_on_the_date_given(desk, location):
    coverage = CoverageFactory(patient=PatientFactory(home_location=location), order=1)
    response = desk.post(f"/patients/coverages/{coverage.pk}/end/", {"end_date": "2025-06-30"})
    assert response.status_code == 302
    coverage.refresh_from_db()
    assert coverage.effective_to == dt.date(2025, 6, 30)


@pytest.mark.parametrize("end_date", ["", "0001-01-01", "9999-12-31", "not a date", "٢٠٢٥"])
def test_a_bad_end_date_is_refused_naming_the_field_and_ends_nothing(desk, location, end_date):
    coverage = CoverageFactory(patient=PatientFactory(home_location=location), order=1)
    response = desk.post(f"/patients/coverages/{coverage.pk}/end/", {"end_date": end_date})
    assert response.status_code == 200
    assert 'data-field-error="end_date"' in response.content.decode()
    coverage.refresh_from_db()
    assert coverage.is_active


def test_revoke_asks_for_confirmation_before_revoking_a_consent(desk, location):
    consent = ConsentFactory(patient=PatientFactory(home_location=location))
    response = desk.get(f"/patients/consents/{consent.pk}/revoke/")
    assert response.status_code == 200
    assert "Revoke consent" in response.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_on is None
    desk.post(f"/patients/consents/{consent.pk}/revoke/", {"revoked_on": "2025-01-02"})
    consent.refresh_from_db()
    assert consent.revoked_on == dt.date(2025, 1, 2)
