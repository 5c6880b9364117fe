"""Every user changes their own password; the office manager can require a new one."""

from __future__ import annotations

import pytest
from django.test import Client

from medoffice.core.error_codes import CoreErrorCode
from medoffice.core.models import AuditEvent, AuditOutcome, User
from medoffice.core.roles import Role
from tests.conftest import login_client
from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "a-Longer-Passphrase-42"


@pytest.fixture(autouse=True)
def no_earlier_guesses():
    """The guess counter lives in the cache, keyed by user id, which tests reuse."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


URL = "/accounts/password/"


def _change(client: Client, old: str = TEST_PASSWORD, new: str = NEW_PASSWORD, again=None):
    return client.post(
        URL,
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_can_open_the_password_page(role, client_for):
    assert client_for(role).get(URL).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_every_role_changes_their_own_password(role, client_for):
    client = client_for(role)
    response = _change(client)
    assert response.status_code == 302
    client.user.refresh_from_db()
    assert client.user.check_password(NEW_PASSWORD)


def test_the_session_the_change_was_made_in_stays_logged_in(client_for):
    client = client_for(Role.FRONT_DESK)
    _change(client)
    assert client.get("/").status_code == 200


def test_the_users_other_sessions_end(client_for):
    client = client_for(Role.FRONT_DESK)
    other_browser = login_client(client.user)
    assert other_browser.get("/").status_code == 200
    _change(client)
    response = other_browser.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_wrong_current_password_is_named_at_its_field_and_changes_nothing(client_for):
    client = client_for(Role.BILLER)
    response = _change(client, old="not-my-password")
    assert response.status_code == 200
    assert "That is not your current password." in response.context["form"].errors["old_password"]
    client.user.refresh_from_db()
    assert client.user.check_password(TEST_PASSWORD)


def test_a_wrong_current_password_is_audited_as_refused(client_for):
    client = client_for(Role.BILLER)
    _change(client, old="not-my-password")
    event = AuditEvent.objects.filter(object_type="core.user", object_id=str(client.user.pk)).last()
    assert event.outcome == AuditOutcome.DENIED
    assert "wrong current password" in event.detail


def test_every_error_of_the_form_shows_at_once(client_for):
    client = client_for(Role.CLINICAL)
    response = _change(client, old="not-my-password", new="123", again="1234")
    errors = response.context["form"].errors
    assert set(errors) == {"old_password", "new_password1", "new_password2"}


def test_a_weak_new_password_is_refused_by_the_validators(client_for):
    client = client_for(Role.CLINICAL)
    response = _change(client, new="12345678901234")
    assert "This password is entirely numeric." in response.context["form"].errors["new_password1"]


def test_two_different_new_passwords_are_refused(client_for):
    client = client_for(Role.CLINICAL)
    response = _change(client, again="a-Different-Passphrase-43")
    assert response.context["form"].errors["new_password2"] == ["The two new passwords differ."]


def test_the_same_password_again_is_refused(client_for):
    client = client_for(Role.CLINICAL)
    response = _change(client, new=TEST_PASSWORD)
    assert response.context["form"].errors["new_password1"] == [
        "Choose a password different from the current one."
    ]


def test_a_changed_password_is_audited(client_for):
    client = client_for(Role.HR)
    _change(client)
    event = AuditEvent.objects.filter(object_type="core.user", object_id=str(client.user.pk)).last()
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.detail.startswith("password changed by the user")


@pytest.mark.parametrize("value", ["", "\x00", "ü" * 500, "1e309"])
def test_odd_input_never_gives_a_server_error(value, client_for):
    client = client_for(Role.FRONT_DESK)
    response = client.post(
        URL, {"old_password": value, "new_password1": value, "new_password2": value}
    )
    assert response.status_code == 200


def test_the_account_menu_links_to_the_password_page(client_for):
    page = client_for(Role.FRONT_DESK).get("/").content.decode()
    assert 'href="/accounts/password/"' in page


# --- required by the office manager ---------------------------------------------------------


def test_the_office_manager_requires_a_new_password(client_for):
    manager = client_for(Role.OFFICE_MANAGER)
    target = UserFactory(roles=[Role.FRONT_DESK])
    response = manager.post(f"/users/{target.pk}/require-password-change/")
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.must_change_password


def test_requiring_a_new_password_is_audited(client_for):
    manager = client_for(Role.OFFICE_MANAGER)
    target = UserFactory(roles=[Role.FRONT_DESK])
    manager.post(f"/users/{target.pk}/require-password-change/")
    event = AuditEvent.objects.filter(object_type="core.user", object_id=str(target.pk)).last()
    assert event.user_id == manager.user.pk
    assert "must choose a new password" in event.detail


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.BILLER, Role.HR, Role.AUDITOR])
def test_only_the_office_manager_can_require_a_new_password(role, client_for):
    target = UserFactory(roles=[Role.FRONT_DESK])
    response = client_for(role).post(f"/users/{target.pk}/require-password-change/")
    assert response.status_code == 403
    target.refresh_from_db()
    assert not target.must_change_password


def test_a_user_asked_for_a_new_password_is_sent_to_the_password_page(client_for):
    client = client_for(Role.FRONT_DESK, must_change_password=True)
    response = client.get("/front-desk/day/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/?next=%2Ffront-desk%2Fday%2F"


def test_the_api_used_with_that_session_answers_403_with_a_code(client_for):
    client = client_for(Role.FRONT_DESK, must_change_password=True)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["code"] == CoreErrorCode.PASSWORD_CHANGE_REQUIRED


def test_after_choosing_a_new_password_the_user_goes_on_where_they_were_going(client_for):
    client = client_for(Role.FRONT_DESK, must_change_password=True)
    response = client.post(
        URL + "?next=/front-desk/day/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": "/front-desk/day/",
        },
    )
    assert response["Location"] == "/front-desk/day/"
    assert client.get("/front-desk/day/").status_code == 200
    assert not User.objects.get(pk=client.user.pk).must_change_password


def test_a_new_user_chooses_a_password_at_first_log_in_by_default(client_for):
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.post(
        "/users/new/",
        {
            "username": "newdesk",
            "first_name": "Nora",
            "last_name": "Desk",
            "email": "newdesk@example.com",
            "roles": [Role.FRONT_DESK.value],
            "password": NEW_PASSWORD,
            "must_change_password": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="newdesk").must_change_password


def test_five_wrong_current_passwords_end_the_session(client_for):
    client = client_for(Role.FRONT_DESK)
    for _ in range(5):
        response = _change(client, old="a-guess")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302
    client.user.refresh_from_db()
    assert client.user.check_password(TEST_PASSWORD)


def test_a_next_that_is_not_a_path_on_this_site_goes_home(client_for):
    client = client_for(Role.FRONT_DESK)
    response = client.post(
        URL,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": "https://elsewhere.example/",
        },
    )
    assert response["Location"] == "/"
