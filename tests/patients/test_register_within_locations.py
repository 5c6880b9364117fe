"""A user limited to some locations registers and moves patients only at those."""

from __future__ import annotations

import pytest

from medoffice.core.roles import Role
from medoffice.patients.error_codes import PatientErrorCode
from medoffice.patients.models import Patient
from tests.factories import LocationFactory, PatientFactory


@pytest.fixture
def northgate(practice):
    return LocationFactory(practice=practice, name="Northgate")


@pytest.fixture
def riverside(practice):
    return LocationFactory(practice=practice, name="Riverside Main")


def _body(location_id: int) -> dict:
    return {
        "first_name": "Imogen",
        "last_name": "Testcase",
        "date_of_birth": "1980-04-02",
        "home_location_id": location_id,
    }


def test_the_api_refuses_to_register_a_patient_at_another_location(
    client_for, northgate, riverside
):
    client = client_for(Role.FRONT_DESK, locations=[northgate])
    response = client.post("/api/v1/patients", _body(riverside.pk), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == PatientErrorCode.LOCATION_OUTSIDE_SCOPE
    assert not Patient.objects.filter(last_name="Testcase").exists()


def test_the_refusal_names_the_users_own_locations(client_for, northgate, riverside):
    client = client_for(Role.FRONT_DESK, locations=[northgate])
    response = client.post("/api/v1/patients", _body(riverside.pk), content_type="application/json")
    assert "Northgate" in response.json()["errors"][0]["message"]


def test_the_api_registers_a_patient_at_the_users_own_location(client_for, northgate, riverside):
    client = client_for(Role.FRONT_DESK, locations=[northgate])
    response = client.post("/api/v1/patients", _body(northgate.pk), content_type="application/json")
    assert response.status_code == 201
    assert Patient.objects.get(last_name="Testcase").home_location == northgate


def test_a_limited_user_must_name_a_location(client_for, northgate):
    client = client_for(Role.FRONT_DESK, locations=[northgate])
    body = _body(northgate.pk)
    del body["home_location_id"]
    response = client.post("/api/v1/patients", body, content_type="application/json")
    assert response.status_code == 400
    assert not Patient.objects.filter(last_name="Testcase").exists()


def test_a_user_of_every_location_registers_anywhere(client_for, riverside):
    client = client_for(Role.OFFICE_MANAGER)
    response = client.post("/api/v1/patients", _body(riverside.pk), content_type="application/json")
    assert response.status_code == 201


def test_a_limited_user_cannot_move_their_patient_to_another_location(northgate, riverside):
    from django.core.exceptions import ValidationError

    from medoffice.patients import services
    from tests.factories import UserFactory

    patient = PatientFactory(home_location=northgate)
    user = UserFactory(roles=[Role.FRONT_DESK], locations=[northgate])
    with pytest.raises(ValidationError) as refused:
        services.update_patient(actor=user, patient=patient, home_location=riverside)
    assert (
        refused.value.error_dict["home_location"][0].code == PatientErrorCode.LOCATION_OUTSIDE_SCOPE
    )
    patient.refresh_from_db()
    assert patient.home_location == northgate


def test_the_patient_lists_location_filter_offers_only_the_users_locations(
    client_for, northgate, riverside
):
    page = client_for(Role.FRONT_DESK, locations=[northgate]).get("/patients/").content.decode()
    assert ">Northgate</option>" in page
    assert "Riverside Main" not in page


def test_picking_another_location_in_the_patient_list_is_refused_naming_the_field(
    client_for, northgate, riverside
):
    client = client_for(Role.FRONT_DESK, locations=[northgate])
    response = client.get("/patients/", {"location": riverside.pk})
    assert response.status_code == 400
    assert "location" in response.context["form"].errors
