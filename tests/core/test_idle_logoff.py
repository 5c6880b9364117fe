"""Idle log-off after the practice's time-out (HIPAA 164.312(a)(2)(iii), ONC (d)(5))."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medoffice.core.middleware import IdleLogoutMiddleware
from medoffice.core.models import AuditAction, AuditEvent
from medoffice.core.roles import Role

pytestmark = pytest.mark.django_db

KEY = IdleLogoutMiddleware.SESSION_KEY


@pytest.fixture
def clock(time_machine):
    """The clock stands still unless a test moves it on (``clock.shift``)."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def idle_for(clock, minutes: float) -> None:
    clock.shift(dt.timedelta(minutes=minutes))


@pytest.fixture
def ten_minute_practice(practice):
    practice.idle_timeout_minutes = 10
    practice.save()
    return practice


def test_request_after_the_time_out_is_logged_off(ten_minute_practice, client_for, clock):
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 11)
    response = client.get("/practice/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fpractice%2F"
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_idle_log_off_is_audited_as_a_logout_with_its_reason(
    ten_minute_practice, client_for, clock
):
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 11)
    client.get("/")
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.detail == "idle time-out"
    assert event.user_id == client.user.pk


def test_idle_log_off_tells_the_user_why(ten_minute_practice, client_for, clock):
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 11)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "logged off after 10 minutes without activity" in response.content.decode()


def test_request_within_the_time_out_keeps_the_session(ten_minute_practice, client_for, clock):
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 9)
    assert client.get("/practice/").status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()


def test_each_request_restarts_the_idle_clock(ten_minute_practice, client_for, clock):
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 9)
    client.get("/")
    assert client.session[KEY] == timezone.now().timestamp()
    assert client.get("/").status_code == 200


def test_background_polling_does_not_count_as_activity(ten_minute_practice, client_for, clock):
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 9)
    client.get("/", headers={"X-Idle-Poll": "1"})
    assert timezone.now().timestamp() - client.session[KEY] == 9 * 60


def test_the_practices_setting_decides_the_time_out(practice, client_for, clock):
    practice.idle_timeout_minutes = 30
    practice.save()
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 20)
    assert client.get("/").status_code == 200
    idle_for(clock, 31)
    assert client.get("/").status_code == 302


def test_htmx_request_after_the_time_out_is_redirected_by_htmx(
    ten_minute_practice, client_for, clock
):
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 11)
    response = client.get("/users/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"


def test_api_request_on_an_idle_session_answers_401(ten_minute_practice, client_for, clock):
    client = client_for(Role.FRONT_DESK)
    client.get("/")
    idle_for(clock, 11)
    assert client.get("/api/v1/me").status_code == 401
