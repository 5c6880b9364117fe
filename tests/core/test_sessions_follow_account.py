"""Sessions and tokens follow the account: lock-out, deactivation and a removed role end the
user's sessions at once and suspend (or narrow) their API tokens; each audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from medoffice.core import services
from medoffice.core.models import AuditAction, AuditEvent, AuditOutcome, User
from medoffice.core.roles import Role
from tests.api.conftest import token_client
from tests.conftest import login_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(practice):
    return UserFactory(roles=[Role.OFFICE_MANAGER], username="morgan")


@pytest.fixture
def hr_user(practice):
    return UserFactory(roles=[Role.HR, Role.FRONT_DESK], username="jordan")


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def _lock_out(username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", {"username": username, "password": "wrong-wrong-wrong"})


def _token(user: User) -> Client:
    _, raw = services.create_api_token(user=user, name="script")
    return token_client(raw)


def _sessions_ended(user: User) -> AuditEvent:
    return AuditEvent.objects.get(
        action=AuditAction.SECURITY, object_id=str(user.pk), detail__contains="sessions"
    )


# --- lock-out ------------------------------------------------------------------------


def test_lock_out_ends_the_open_session_of_the_account(hr_user):
    browser, other_browser = login_client(hr_user), login_client(hr_user)
    bystander = login_client(UserFactory(roles=[Role.HR]))
    assert _signed_in(browser)

    _lock_out("jordan")

    assert not _signed_in(browser)
    assert not _signed_in(other_browser)
    assert _signed_in(bystander)
    assert "account locked" in _sessions_ended(hr_user).detail


def test_a_locked_out_users_token_is_suspended_with_a_reason_and_works_after_unlock(
    hr_user, manager
):
    api = _token(hr_user)
    assert api.get("/api/v1/me").status_code == 200

    _lock_out("jordan")
    response = api.get("/api/v1/me")

    assert response.status_code == 401
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, detail__contains="suspended")
    assert event.get().detail.endswith("suspended: account locked")
    assert event.get().outcome == AuditOutcome.DENIED
    assert event.get().username == "jordan"

    services.unlock_user(actor=manager, username="jordan")
    assert api.get("/api/v1/me").status_code == 200


# --- deactivation ----------------------------------------------------------------------


def _deactivate(manager: User, user: User) -> None:
    services.update_user(
        actor=manager,
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        title=user.title,
        is_active=False,
    )


def test_deactivating_ends_the_session_and_suspends_the_token(hr_user, manager):
    browser, api = login_client(hr_user), _token(hr_user)

    _deactivate(manager, hr_user)

    assert not _signed_in(browser)
    assert api.get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(detail__endswith="suspended: account deactivated").exists()
    ended = _sessions_ended(hr_user)
    assert ended.user_id == manager.pk
    assert "account deactivated" in ended.detail


def test_deactivating_through_the_user_page_ends_the_session(hr_user, manager, location):
    browser = login_client(hr_user)
    page = login_client(manager)

    response = page.post(
        f"/users/{hr_user.pk}/",
        {
            "username": "jordan",
            "first_name": "Jo",
            "last_name": "Doe",
            "email": "jo@example.com",
            "title": "",
            "roles": [Role.HR.value, Role.FRONT_DESK.value],
        },
    )

    assert response.status_code == 302
    assert not User.objects.get(pk=hr_user.pk).is_active
    assert not _signed_in(browser)


# --- roles -----------------------------------------------------------------------------


def test_removing_a_role_ends_the_session_and_the_token_loses_the_role(hr_user, manager):
    browser, api = login_client(hr_user), _token(hr_user)
    assert api.get("/api/v1/users").status_code == 200

    services.set_roles(actor=manager, user=hr_user, roles=[Role.FRONT_DESK], locations=[])

    assert not _signed_in(browser)
    assert "role removed: hr" in _sessions_ended(hr_user).detail
    # The token acts with the owner's current roles on every request.
    assert api.get("/api/v1/users").status_code == 403
    assert api.get("/api/v1/me").json()["roles"] == ["front_desk"]


def test_adding_a_role_keeps_the_session(hr_user, manager):
    browser = login_client(hr_user)

    services.set_roles(
        actor=manager, user=hr_user, roles=[Role.HR, Role.FRONT_DESK, Role.BILLER], locations=[]
    )

    assert _signed_in(browser)


def test_a_new_log_in_after_the_sessions_ended_works(hr_user, manager):
    services.end_sessions(hr_user, reason="test", actor=manager)

    assert _signed_in(login_client(User.objects.get(pk=hr_user.pk)))
