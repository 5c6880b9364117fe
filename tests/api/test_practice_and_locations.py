"""GET /practice, /locations and /locations/{id}: every member of staff sees the practice."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.factories import LocationFactory, LocationHoursFactory


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_practice(api_for, role):
    response = api_for(role).get("/api/v1/practice")

    assert response.status_code == 200
    body = response.json()
    assert body["legal_name"] == "Test Family Practice, P.C."
    assert body["tax_id"] == "04-1234567"
    assert body["time_zone"] == "America/New_York"
    assert body["address"]["text"] == "1 Main Street, Springfield, MA 01103"
    assert body["idle_timeout_minutes"] == 15
    assert body["require_mfa_for_everyone"] is False


def test_a_user_without_roles_is_refused_the_practice_with_403(api_for):
    response = api_for().get("/api/v1/practice")

    assert response.status_code == 403
    assert "core.view_practice" in response.json()["detail"]


def test_reading_the_practice_is_audited(api_for, practice):
    client = api_for(Role.FRONT_DESK)

    client.get("/api/v1/practice")

    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.username, event.action, event.object_type, event.object_id) == (
        client.user.username,
        "read",
        "core.practice",
        str(practice.pk),
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_lists_the_locations(api_for, practice, role):
    LocationFactory(practice=practice, name="Main Street Clinic", code="MAIN")
    LocationFactory(practice=practice, name="Westside Clinic", code="WEST")

    response = api_for(role).get("/api/v1/locations")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [loc["code"] for loc in body["items"]] == ["MAIN", "WEST"]


def test_a_user_without_roles_is_refused_the_locations_with_403(api_for, location):
    assert api_for().get("/api/v1/locations").status_code == 403
    assert api_for().get(f"/api/v1/locations/{location.pk}").status_code == 403


def test_a_location_comes_with_its_opening_hours_in_order(api_for, location):
    LocationHoursFactory(location=location, weekday=1, opens=dt.time(8), closes=dt.time(12))
    LocationHoursFactory(location=location, weekday=0, opens=dt.time(13), closes=dt.time(17))
    LocationHoursFactory(location=location, weekday=0, opens=dt.time(8), closes=dt.time(12))

    response = api_for(Role.CLINICAL).get(f"/api/v1/locations/{location.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == location.code
    assert body["place_of_service"] == "11"
    assert [(h["weekday_name"], h["opens"], h["closes"]) for h in body["hours"]] == [
        ("Monday", "08:00", "12:00"),
        ("Monday", "13:00", "17:00"),
        ("Tuesday", "08:00", "12:00"),
    ]


def test_an_unknown_location_answers_404_naming_it(api_for, practice):
    response = api_for(Role.FRONT_DESK).get("/api/v1/locations/987654")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No location with id 987654.",
        "code": "not_found",
        "errors": [],
    }


def test_the_locations_list_is_paginated_with_limit_and_offset(api_for, practice):
    for code in ["A1", "B2", "C3", "D4", "E5"]:
        LocationFactory(practice=practice, name=f"Clinic {code}", code=code)
    client = api_for(Role.FRONT_DESK)

    first = client.get("/api/v1/locations?limit=2").json()
    third = client.get("/api/v1/locations?limit=2&offset=4").json()

    assert first["count"] == third["count"] == 5
    assert [loc["code"] for loc in first["items"]] == ["A1", "B2"]
    assert [loc["code"] for loc in third["items"]] == ["E5"]
