"""Log-in, failed log-ins, lock-out and unlock, log-out: each audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from medoffice.core.models import AuditAction, AuditEvent, AuditOutcome
from medoffice.core.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "not-the-password-at-all"


def log_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def fail_until_locked(username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), username, WRONG_PASSWORD)


@pytest.fixture
def desk_user(practice):
    return UserFactory(roles=[Role.FRONT_DESK], username="jordan")


def test_successful_log_in_is_audited(desk_user):
    response = log_in(Client(), "jordan", TEST_PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN).get()
    assert event.user_id == desk_user.pk
    assert event.username == "jordan"
    assert event.outcome == AuditOutcome.SUCCESS


def test_logged_in_user_reaches_the_home_page(desk_user):
    client = Client()
    log_in(client, "jordan", TEST_PASSWORD)
    assert client.get("/").status_code == 200


def test_failed_log_in_is_audited_with_the_typed_user_name(desk_user):
    response = log_in(Client(), "jordan", WRONG_PASSWORD)
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.username == "jordan"
    assert event.user_id is None
    assert event.outcome == AuditOutcome.FAILURE


def test_failed_log_in_for_an_unknown_user_name_is_audited_too(practice):
    log_in(Client(), "nobody-here", WRONG_PASSWORD)
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).username == "nobody-here"


def test_five_failures_lock_the_account_even_for_the_right_password(desk_user):
    fail_until_locked("jordan")
    client = Client()
    response = log_in(client, "jordan", TEST_PASSWORD)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert client.get("/").status_code == 302  # not logged in
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()
    locked = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, outcome="denied")
    assert locked.filter(username="jordan").exists()


def test_four_failures_do_not_lock_the_account(desk_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(Client(), "jordan", WRONG_PASSWORD)
    assert log_in(Client(), "jordan", TEST_PASSWORD).status_code == 302


def test_lock_out_is_per_account_not_per_address(desk_user):
    UserFactory(roles=[Role.FRONT_DESK], username="priya")
    fail_until_locked("jordan")
    assert log_in(Client(), "priya", TEST_PASSWORD).status_code == 302


def test_locked_account_is_shown_on_the_office_managers_home_page(desk_user, client_for):
    fail_until_locked("jordan")
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.get("/")
    assert response.context["accounts"]["locked"] == ["jordan"]
    assert "jordan" in response.content.decode()


def test_office_manager_unlocks_and_the_user_can_log_in_again(desk_user, client_for):
    fail_until_locked("jordan")
    manager = client_for(Role.OFFICE_MANAGER)
    response = manager.post(f"/users/{desk_user.pk}/unlock/")
    assert response.status_code == 302
    assert manager.get("/").context["accounts"]["locked"] == []
    assert log_in(Client(), "jordan", TEST_PASSWORD).status_code == 302
    unlock = AuditEvent.objects.get(action=AuditAction.SECURITY, detail__contains="unlocked")
    assert unlock.user_id == manager.user.pk
    assert unlock.object_id == str(desk_user.pk)


def test_a_role_without_user_administration_cannot_unlock(desk_user, client_for):
    fail_until_locked("jordan")
    hr = client_for(Role.HR)
    assert hr.post(f"/users/{desk_user.pk}/unlock/").status_code == 403
    assert log_in(Client(), "jordan", TEST_PASSWORD).status_code == 429


def test_deactivated_account_cannot_log_in(practice):
    UserFactory(roles=[Role.FRONT_DESK], username="gone", is_active=False)
    response = log_in(Client(), "gone", TEST_PASSWORD)
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_log_out_is_audited_and_ends_the_session(client_for):
    client = client_for(Role.FRONT_DESK)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.user_id == client.user.pk
    assert event.detail == ""
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_log_out_needs_a_post(client_for):
    client = client_for(Role.FRONT_DESK)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_log_in_does_not_redirect_to_another_site(desk_user):
    response = Client().post(
        "/accounts/login/",
        {"username": "jordan", "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
