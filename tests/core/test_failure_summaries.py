"""Anonymous failures reach the audit log as counted summaries, one per address and
minute, not one entry per request (bad API tokens here; patient links in
tests/scheduling/test_public_link_limits.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from medoffice.core.failures import flush_failure_tallies
from medoffice.core.models import AuditAction, AuditEvent, FailureTally
from medoffice.core.tasks import summarise_failures_task

pytestmark = pytest.mark.django_db

# Tomorrow, five seconds into a minute: later than every entry the fixtures wrote.
MINUTE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(second=5, microsecond=0)
NEXT_MINUTE = MINUTE + dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _bad_tokens(count: int, address: str = "203.0.113.5") -> None:
    client = Client(headers={"Authorization": "Bearer mo_not-a-token"}, REMOTE_ADDR=address)
    for _ in range(count):
        assert client.get("/api/v1/me").status_code in (401, 429)


def _failed_logins(address: str):
    return AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, client_ip=address).order_by(
        "seq"
    )


def test_200_bad_tokens_in_a_minute_leave_the_first_and_one_summary_with_the_count(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(200)
    with time_machine.travel(NEXT_MINUTE, tick=False):
        flush_failure_tallies()

    first, summary = _failed_logins("203.0.113.5")
    assert first.detail.startswith("API token unknown, revoked or expired; the first")
    assert summary.detail.startswith(
        "summary: 200 failed API tokens (unknown, revoked or expired) from this address "
        f"in the minute from {MINUTE:%Y-%m-%d %H:%M} UTC"
    )
    assert f"the first is entry {first.seq}" in summary.detail
    assert summary.object_type == "core.apitoken"


def test_during_the_minute_only_the_first_failure_is_in_the_audit_log(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(50)
        assert _failed_logins("203.0.113.5").count() == 1
        assert FailureTally.objects.get().count == 50


def test_two_addresses_get_separate_summaries(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(30, "203.0.113.5")
        _bad_tokens(12, "198.51.100.7")
    with time_machine.travel(NEXT_MINUTE, tick=False):
        flush_failure_tallies()

    assert "summary: 30 failed" in _failed_logins("203.0.113.5").last().detail
    assert "summary: 12 failed" in _failed_logins("198.51.100.7").last().detail
    assert _failed_logins("203.0.113.5").count() == 2
    assert _failed_logins("198.51.100.7").count() == 2


def test_each_minute_gets_its_own_first_entry_and_summary(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(5)
    with time_machine.travel(NEXT_MINUTE, tick=False):
        _bad_tokens(7)
    with time_machine.travel(NEXT_MINUTE + dt.timedelta(minutes=1), tick=False):
        flush_failure_tallies()

    details = [e.detail for e in _failed_logins("203.0.113.5")]
    assert len(details) == 4
    assert [d.split(" from this")[0] for d in details if d.startswith("summary")] == [
        "summary: 5 failed API tokens (unknown, revoked or expired)",
        "summary: 7 failed API tokens (unknown, revoked or expired)",
    ]


def test_the_next_failure_after_the_minute_writes_the_summary(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(3, "203.0.113.5")
    with time_machine.travel(NEXT_MINUTE, tick=False):
        _bad_tokens(1, "198.51.100.7")

    assert "summary: 3 failed" in _failed_logins("203.0.113.5").last().detail


def test_a_single_failure_in_a_minute_needs_no_summary(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(1)
    with time_machine.travel(NEXT_MINUTE, tick=False):
        assert flush_failure_tallies() == 0

    assert _failed_logins("203.0.113.5").count() == 1
    assert not FailureTally.objects.exists()


def test_a_minute_is_summed_up_once_however_often_it_is_flushed(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(4)
    with time_machine.travel(NEXT_MINUTE, tick=False):
        assert flush_failure_tallies() == 1
        assert flush_failure_tallies() == 0

    assert _failed_logins("203.0.113.5").count() == 2


def test_a_minute_still_going_on_is_not_summed_up(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(4)
        assert flush_failure_tallies() == 0


def test_tokens_refused_by_the_rate_limit_are_counted_in_the_summary(practice, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token_failures": "10/min"}
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(200)
    with time_machine.travel(NEXT_MINUTE, tick=False):
        flush_failure_tallies()

    summary = _failed_logins("203.0.113.5").last()
    assert "summary: 200 failed API tokens" in summary.detail
    assert "190 of them refused by the rate limit unchecked" in summary.detail


def test_the_periodic_task_writes_the_summaries(practice):
    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(6)
    with time_machine.travel(NEXT_MINUTE, tick=False):
        result = summarise_failures_task.call()

    assert result == {"summaries": 1}
    assert "summary: 6 failed" in _failed_logins("203.0.113.5").last().detail


def test_the_summaries_keep_the_audit_chain_intact(practice):
    from medoffice.core.audit import verify_chain

    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(20, "203.0.113.5")
        _bad_tokens(20, "198.51.100.7")
    with time_machine.travel(NEXT_MINUTE, tick=False):
        flush_failure_tallies()

    assert verify_chain(save=False).ok


def _log_in(username: str, address: str = "203.0.113.5") -> None:
    Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": "not the password"}
    )


def test_log_ins_with_names_that_are_no_account_are_summed_up(practice):
    with time_machine.travel(MINUTE, tick=False):
        for n in range(30):
            _log_in(f"guess{n}")
    with time_machine.travel(NEXT_MINUTE, tick=False):
        flush_failure_tallies()

    first, summary = _failed_logins("203.0.113.5")
    assert first.username == "guess0"
    assert summary.detail.startswith(
        "summary: 30 failed log-ins with a user name that is no account"
    )


def test_each_failed_log_in_to_an_account_is_recorded(practice):
    from tests.factories import UserFactory

    UserFactory(username="jordan")
    with time_machine.travel(MINUTE, tick=False):
        for _ in range(4):
            _log_in("jordan")

    assert list(_failed_logins("203.0.113.5").values_list("username", flat=True)) == ["jordan"] * 4


def test_attempts_on_a_locked_account_are_summed_up(practice, settings):
    from tests.factories import UserFactory

    UserFactory(username="jordan")
    with time_machine.travel(MINUTE, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT + 20):
            _log_in("jordan")
    with time_machine.travel(NEXT_MINUTE, tick=False):
        flush_failure_tallies()

    details = list(_failed_logins("203.0.113.5").values_list("detail", flat=True))
    assert len(details) == settings.AXES_FAILURE_LIMIT - 1 + 2
    assert details[-1].startswith("summary: 21 log-in attempts on locked accounts")


def test_a_summary_flushed_by_a_staff_users_request_is_not_recorded_under_their_name(
    practice, client_for
):
    from medoffice.core.roles import Role

    with time_machine.travel(MINUTE, tick=False):
        _bad_tokens(5)
    staff = client_for(Role.FRONT_DESK)
    with time_machine.travel(NEXT_MINUTE, tick=False):
        # A staff member's own bad patient link flushes the last minute's summaries.
        staff.get("/p/a/not-a-real-token/confirm/")
    summary = _failed_logins("203.0.113.5").last()
    assert summary.detail.startswith("summary: 5 failed API tokens")
    assert summary.user_id is None
    assert summary.username == "system: failure summary"
