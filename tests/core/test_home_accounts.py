"""The user accounts panel of the home page (HR's and the office manager's): active users,
locked accounts, accounts still to set up two-step log-in, each opening Users filtered to
exactly those rows."""

from __future__ import annotations

import pytest
from django.conf import settings

from medoffice.core.models import AuthenticatorApp
from medoffice.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lock(username):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username=username, ip_address="10.0.0.1", failures_since_start=settings.AXES_FAILURE_LIMIT
    )


def rows_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return [row[0]["value"] for row in response.context["rows"]]


def test_hrs_home_shows_the_user_accounts_panel(client_for):
    response = client_for(Role.HR).get("/")
    assert [p["name"] for p in response.context["panels"]] == ["accounts"]
    assert 'data-testid="accounts"' in response.content.decode()


def test_locked_accounts_count_the_rows_of_users_filtered_to_locked(client_for):
    UserFactory(username="jordan", roles=[Role.FRONT_DESK])
    lock("jordan")
    hr = client_for(Role.HR)
    assert hr.get("/").context["accounts"]["locked"] == ["jordan"]
    assert rows_of(hr, "/users/?status=locked") == ["jordan"]


def test_pending_two_step_enrolments_are_the_roles_that_need_it_without_a_device(client_for):
    UserFactory(username="newbiller", roles=[Role.BILLER])
    enrolled = UserFactory(username="oldbiller", roles=[Role.BILLER])
    AuthenticatorApp.objects.create(user=enrolled, name="phone", confirmed=True)
    UserFactory(username="desk", roles=[Role.FRONT_DESK])  # needs none
    UserFactory(username="gone", roles=[Role.BILLER], is_active=False)
    hr = client_for(Role.HR)
    hr_name = hr.user.username  # HR logged in with recovery codes only: still to enrol
    assert sorted(rows_of(hr, "/users/?status=mfa_pending")) == sorted(["newbiller", hr_name])
    assert hr.get("/").context["accounts"]["mfa_pending"] == 2


def test_when_the_practice_requires_two_step_log_in_everyone_without_it_is_pending(
    client_for, practice
):
    practice.require_mfa_for_everyone = True
    practice.save()
    UserFactory(username="desk", roles=[Role.FRONT_DESK])
    hr = client_for(Role.HR)
    assert "desk" in rows_of(hr, "/users/?status=mfa_pending")


def test_active_users_count_the_rows_of_users_filtered_to_active(client_for):
    UserFactory.create_batch(3, roles=[Role.FRONT_DESK])
    UserFactory(roles=[Role.FRONT_DESK], is_active=False)
    hr = client_for(Role.HR)
    assert (
        hr.get("/").context["accounts"]["active"] == len(rows_of(hr, "/users/?status=active")) == 4
    )
