"""The users list shows who is locked out (and lets the office manager unlock them) and who
has set up the two-step log-in (issue 9, point 13)."""

from __future__ import annotations

import pytest
from django.test import Client

from medoffice.core.roles import Role
from tests.core.test_login import fail_until_locked
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _row(response, username):
    return next(r for r in response.context["rows"] if r[0]["value"] == username)


def _cell(response, username, label):
    index = [h["label"] for h in response.context["headers"]].index(label)
    return str(_row(response, username)[index]["value"])


@pytest.fixture
def manager(client_for):
    return client_for(Role.OFFICE_MANAGER)


def test_a_locked_account_shows_as_locked_with_why_and_until_when(practice, manager):
    UserFactory(username="jordan", roles=[Role.FRONT_DESK])
    fail_until_locked("jordan")
    response = manager.get("/users/")
    cell = _cell(response, "jordan", "Locked out")
    assert "Locked until unlocked" in cell
    assert "failed log-ins" in cell
    assert _cell(response, manager.user.username, "Locked out") == "No"


def test_the_office_manager_unlocks_from_the_list(practice, manager):
    UserFactory(username="jordan", roles=[Role.FRONT_DESK])
    fail_until_locked("jordan")
    html = manager.get("/users/").content.decode()
    assert 'data-testid="unlock-jordan"' in html
    target = _row(manager.get("/users/"), "jordan")
    user_id = int(target[0]["link"].strip("/").split("/")[1])
    response = manager.post(f"/users/{user_id}/unlock/", {"next": "/users/"})
    assert response.url == "/users/"
    assert _cell(manager.get("/users/"), "jordan", "Locked out") == "No"


def test_someone_who_may_not_change_users_sees_the_lock_but_no_unlock_button(practice, client_for):
    UserFactory(username="jordan", roles=[Role.FRONT_DESK])
    fail_until_locked("jordan")
    hr = client_for(Role.HR)
    response = hr.get("/users/")
    assert "Locked until unlocked" in _cell(response, "jordan", "Locked out")
    assert 'data-testid="unlock-jordan"' not in response.content.decode()


def test_the_list_shows_who_has_set_up_the_two_step_log_in(practice, manager):
    from medoffice.core.models import AuthenticatorApp

    enrolled = UserFactory(username="casey")
    AuthenticatorApp.objects.create(user=enrolled, name="phone", confirmed=True)
    UserFactory(username="drew")
    response = manager.get("/users/")
    assert _cell(response, "casey", "Two-step log-in") == "Set up"
    assert _cell(response, "drew", "Two-step log-in") == "Not set up"


def test_the_csv_gives_the_lock_status_as_text(practice, manager):
    UserFactory(username="jordan", roles=[Role.FRONT_DESK])
    fail_until_locked("jordan")
    response = manager.get("/users/", {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "Locked until unlocked" in body
    assert "<form" not in body


def test_an_unlocked_user_logs_in_again(practice, manager):
    from tests.factories import TEST_PASSWORD

    user = UserFactory(username="jordan", roles=[Role.FRONT_DESK])
    fail_until_locked("jordan")
    manager.post(f"/users/{user.pk}/unlock/", {"next": "/users/"})
    response = Client().post("/accounts/login/", {"username": "jordan", "password": TEST_PASSWORD})
    assert response.status_code == 302
