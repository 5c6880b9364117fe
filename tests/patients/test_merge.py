"""Merging a duplicate record into the survivor."""

from __future__ import annotations

import pytest

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from medoffice.patients.models import EmergencyAccess, Patient, PatientMerge
from tests.factories import PatientFactory
from tests.patients.factories import (
    AlertFactory,
    ConsentFactory,
    CoverageFactory,
    DocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(location):
    survivor = PatientFactory(home_location=location, mrn="M0500001")
    duplicate = PatientFactory(home_location=location, mrn="M0500002")
    return survivor, duplicate


def test_merge_moves_the_chart_and_is_recorded_and_audited(client_for, pair):
    survivor, duplicate = pair
    CoverageFactory(patient=duplicate, order=2)
    ConsentFactory(patient=duplicate)
    DocumentFactory(patient=duplicate)
    AlertFactory(patient=duplicate)
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.post(
        f"/patients/{survivor.pk}/merge/", {"duplicate": duplicate.mrn, "confirm": "on"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert duplicate.is_active is False
    assert survivor.coverages.count() == survivor.consents.count() == 1
    assert survivor.documents.count() == survivor.alerts.count() == 1
    record = PatientMerge.objects.get()
    assert record.moved["coverages"] == 1
    assert AuditEvent.objects.filter(patient_id=survivor.pk, data_category="merge").exists()
    assert AuditEvent.objects.filter(patient_id=duplicate.pk, data_category="merge").exists()


def test_merge_moves_emergency_accesses(client_for, pair):
    from django.utils import timezone

    survivor, duplicate = pair
    manager = client_for(Role.OFFICE_MANAGER)
    EmergencyAccess.objects.create(
        user=manager.user,
        patient=duplicate,
        reason="walk-in emergency visit",
        expires_at=timezone.now(),
    )
    manager.post(f"/patients/{survivor.pk}/merge/", {"duplicate": duplicate.mrn, "confirm": "on"})
    assert survivor.emergency_accesses.count() == 1


def test_conflicting_primary_coverage_moves_as_ended(client_for, pair):
    survivor, duplicate = pair
    CoverageFactory(patient=survivor, order=1)
    moved = CoverageFactory(patient=duplicate, order=1)
    client_for(Role.OFFICE_MANAGER).post(
        f"/patients/{survivor.pk}/merge/", {"duplicate": duplicate.mrn, "confirm": "on"}
    )
    moved.refresh_from_db()
    assert moved.patient == survivor
    assert moved.is_active is False


def test_preview_lists_what_moves_without_merging(client_for, pair):
    survivor, duplicate = pair
    ConsentFactory(patient=duplicate)
    page = client_for(Role.OFFICE_MANAGER).get(
        f"/patients/{survivor.pk}/merge/?duplicate={duplicate.mrn}"
    )
    assert "1 consents" in page.content.decode()
    assert Patient.objects.get(pk=duplicate.pk).merged_into is None


def test_opening_a_merged_record_redirects_to_the_survivor(client_for, pair):
    survivor, duplicate = pair
    manager = client_for(Role.OFFICE_MANAGER)
    manager.post(f"/patients/{survivor.pk}/merge/", {"duplicate": duplicate.mrn, "confirm": "on"})
    response = manager.get(f"/patients/{duplicate.pk}/")
    assert response["Location"] == f"/patients/{survivor.pk}/"


def test_front_desk_may_not_merge(client_for, pair):
    survivor, duplicate = pair
    response = client_for(Role.FRONT_DESK).post(
        f"/patients/{survivor.pk}/merge/", {"duplicate": duplicate.mrn, "confirm": "on"}
    )
    assert response.status_code == 403
    assert Patient.objects.get(pk=duplicate.pk).merged_into is None
