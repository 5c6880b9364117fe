"""GET /users and /users/{id}: the office manager and HR see staff accounts."""

from __future__ import annotations

import pytest

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.factories import LocationFactory, UserFactory

ALLOWED = {Role.OFFICE_MANAGER, Role.HR}


@pytest.mark.parametrize("role", list(Role))
def test_only_the_office_manager_and_hr_list_users(api_for, role):
    response = api_for(role).get("/api/v1/users")

    if role in ALLOWED:
        assert response.status_code == 200
        assert response.json()["count"] >= 1
    else:
        assert response.status_code == 403
        assert "core.view_user" in response.json()["detail"]


@pytest.mark.parametrize("role", list(Role))
def test_only_the_office_manager_and_hr_open_a_user(api_for, role):
    other = UserFactory(roles=[Role.BILLER])

    response = api_for(role).get(f"/api/v1/users/{other.pk}")

    assert response.status_code == (200 if role in ALLOWED else 403)


def test_a_user_shows_roles_locations_and_account_state(api_for, practice):
    west = LocationFactory(practice=practice, code="WEST")
    east = LocationFactory(practice=practice, code="EAST")
    nurse = UserFactory(
        username="nurse.jo",
        first_name="Jo",
        last_name="March",
        title="Medical assistant",
        roles=[Role.CLINICAL, Role.FRONT_DESK],
        locations=[west, east],
    )

    body = api_for(Role.HR).get(f"/api/v1/users/{nurse.pk}").json()

    assert body["username"] == "nurse.jo"
    assert (body["first_name"], body["last_name"]) == ("Jo", "March")
    assert body["email"] == "nurse.jo@example.com"
    assert body["title"] == "Medical assistant"
    assert body["roles"] == ["clinical", "front_desk"]
    assert body["location_codes"] == ["EAST", "WEST"]
    assert body["is_active"] is True
    assert body["last_login"] is None
    assert "password" not in body


def test_users_filter_by_role(api_for):
    UserFactory(username="billy", roles=[Role.BILLER])
    UserFactory(username="frank", roles=[Role.FRONT_DESK])

    body = api_for(Role.OFFICE_MANAGER).get("/api/v1/users?role=biller").json()

    assert [u["username"] for u in body["items"]] == ["billy"]


def test_users_filter_by_active(api_for):
    UserFactory(username="gone", roles=[Role.BILLER], is_active=False)
    client = api_for(Role.OFFICE_MANAGER, username="manager")

    inactive = client.get("/api/v1/users?active=false").json()
    active = client.get("/api/v1/users?active=true").json()

    assert [u["username"] for u in inactive["items"]] == ["gone"]
    assert [u["username"] for u in active["items"]] == ["manager"]


def test_users_filter_by_words_in_the_names(api_for):
    UserFactory(username="amy.pond", first_name="Amy", last_name="Pond")
    UserFactory(username="rory", first_name="Rory", last_name="Williams")

    body = api_for(Role.HR).get("/api/v1/users?q=amy pond").json()

    assert [u["username"] for u in body["items"]] == ["amy.pond"]


def test_an_unknown_role_filter_answers_422_naming_role(api_for):
    response = api_for(Role.HR).get("/api/v1/users?role=janitor")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["role"]


def test_an_unknown_user_answers_404(api_for):
    response = api_for(Role.HR).get("/api/v1/users/987654")

    assert response.status_code == 404
    assert response.json()["detail"] == "No user with id 987654."


def test_a_refused_user_list_is_audited_as_denied(api_for):
    client = api_for(Role.FRONT_DESK)

    client.get("/api/v1/users")

    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.username, event.object_type, event.outcome) == (
        client.user.username,
        "core.user",
        "denied",
    )
