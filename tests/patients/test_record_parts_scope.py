"""Parts of another location's patient record answer exactly like ids that do not exist.

Coverages, consents, alerts and documents are fetched through ``restrict()`` and scoped
through their patient: a caller cannot tell from the answer whether the id exists. The
one exception is break-glass (an active emergency access to that patient).
"""

from __future__ import annotations

import pytest
from django.test import Client

from medoffice.core import services as core_services
from medoffice.core.roles import Role
from medoffice.patients import services
from medoffice.patients.models import Coverage, PatientAlert
from tests.factories import LocationFactory, PatientFactory
from tests.patients.factories import AlertFactory, ConsentFactory, CoverageFactory, DocumentFactory

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def their_patient(practice):
    return PatientFactory(home_location=LocationFactory(practice=practice))


def _api(user) -> Client:
    _, raw = core_services.create_api_token(
        user=user, name="test script", access="write", mfa_verified=True
    )
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _same_answer(client, method, url_of, pk, data=None):
    ask = getattr(client, method)
    theirs = ask(url_of(pk), data or {})
    missing = ask(url_of(MISSING), data or {})
    assert theirs.status_code == missing.status_code == 404
    return theirs, missing


PAGES = [
    ("post", AlertFactory, lambda pk: f"/patients/alerts/{pk}/deactivate/", None),
    (
        "post",
        ConsentFactory,
        lambda pk: f"/patients/consents/{pk}/revoke/",
        {"revoked_on": "2025-01-02"},
    ),
    ("get", CoverageFactory, lambda pk: f"/patients/coverages/{pk}/edit/", None),
    (
        "post",
        CoverageFactory,
        lambda pk: f"/patients/coverages/{pk}/end/",
        {"effective_to": "2025-01-02"},
    ),
    ("get", CoverageFactory, lambda pk: f"/patients/coverages/{pk}/card-front/", None),
    ("get", DocumentFactory, lambda pk: f"/patients/documents/{pk}/", None),
]


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.OFFICE_MANAGER])
@pytest.mark.parametrize(
    ("method", "factory", "url_of", "data"), PAGES, ids=[p[2](0) for p in PAGES]
)
def test_page_for_another_locations_record_part_answers_like_a_missing_id(
    client_for, location, their_patient, role, method, factory, url_of, data
):
    part = factory(patient=their_patient)
    client = client_for(role, locations=[location])
    theirs, missing = _same_answer(client, method, url_of, part.pk, data)
    assert theirs.templates[0].name == missing.templates[0].name


def test_ending_another_locations_coverage_changes_nothing(desk, their_patient):
    coverage = CoverageFactory(patient=their_patient)
    desk.post(f"/patients/coverages/{coverage.pk}/end/", {"effective_to": "2025-01-02"})
    assert Coverage.objects.get(pk=coverage.pk).effective_to is None


def test_removing_another_locations_alert_changes_nothing(desk, their_patient):
    alert = AlertFactory(patient=their_patient)
    desk.post(f"/patients/alerts/{alert.pk}/deactivate/")
    assert PatientAlert.objects.get(pk=alert.pk).is_active


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PROVIDER])
def test_api_document_of_another_locations_patient_answers_like_a_missing_id(
    desk, location, their_patient, client_for, role
):
    document = DocumentFactory(patient=their_patient)
    api = _api(client_for(role, locations=[location]).user)
    theirs = api.get(f"/api/v1/documents/{document.pk}/file")
    missing = api.get(f"/api/v1/documents/{MISSING}/file")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_break_glass_opens_another_locations_document(client_for, location, their_patient):
    document = DocumentFactory(patient=their_patient)
    provider = client_for(Role.PROVIDER, locations=[location])
    services.grant_emergency_access(
        user=provider.user, patient=their_patient, reason="Patient collapsed in the lobby"
    )
    assert provider.get(f"/patients/documents/{document.pk}/").status_code == 200


def test_my_locations_document_opens(desk, location):
    document = DocumentFactory(patient=PatientFactory(home_location=location))
    assert desk.get(f"/patients/documents/{document.pk}/").status_code == 200
