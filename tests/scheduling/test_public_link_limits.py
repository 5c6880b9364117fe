"""The patients' links and the calendar feeds under /p/ are rate-limited per address like a
log-in, and their refusals reach the audit log as counted summaries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from medoffice.core.failures import flush_failure_tallies
from medoffice.core.models import AuditEvent
from medoffice.scheduling import reminders
from tests.messaging.factories import ReachablePatientFactory, link_path, open_weekday_at
from tests.scheduling.factories import AppointmentFactory, ProviderFactory

pytestmark = pytest.mark.django_db

BAD_LINK = "/p/a/not-a-signed-token/confirm/"


@pytest.fixture(autouse=True)
def low_rate(settings):
    settings.PUBLIC_LINK_FAILURE_RATE = "3/min"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def good_link(practice) -> str:
    visit = AppointmentFactory(
        patient=ReachablePatientFactory(first_name="Jordan"),
        start=open_weekday_at(10, days_ahead=7),
    )
    return link_path(reminders.patient_link(visit, "confirm"), "confirm")


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_past_the_rate_a_bad_link_answers_429_with_retry_after_and_a_clear_page(practice):
    client = _from("203.0.113.5")
    answers = [client.get(BAD_LINK).status_code for _ in range(3)]
    refused = client.get(BAD_LINK)

    assert answers == [400, 400, 400]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "Too many tries" in page
    assert "open your link again" in page


def test_an_address_past_the_rate_is_refused_a_good_link_too(good_link):
    client = _from("203.0.113.5")
    for _ in range(3):
        client.get(BAD_LINK)

    assert client.get(good_link).status_code == 429


def test_another_address_still_opens_its_link(good_link):
    for _ in range(3):
        _from("203.0.113.5").get(BAD_LINK)

    answer = _from("198.51.100.7").get(good_link)
    assert answer.status_code == 200
    assert "Jordan" in answer.content.decode()


def test_good_links_do_not_count_against_the_address(good_link):
    client = _from("203.0.113.5")
    assert [client.get(good_link).status_code for _ in range(5)] == [200] * 5


def test_the_address_may_try_again_once_the_window_has_passed(good_link):
    start = dt.datetime.now(dt.UTC)
    client = _from("203.0.113.5")
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            client.get(BAD_LINK)
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert client.get(good_link).status_code == 200


def test_unknown_calendar_feed_addresses_count_against_the_address(practice):
    client = _from("203.0.113.5")
    answers = [client.get("/p/ical/guess.ics").status_code for _ in range(4)]

    assert answers == [404, 404, 404, 429]


def test_a_known_feed_is_not_slowed_by_the_limit(practice):
    provider = ProviderFactory()
    client = _from("203.0.113.5")
    assert [client.get(f"/p/ical/{provider.feed_token}.ics").status_code for _ in range(5)] == [
        200
    ] * 5


def test_200_bad_links_from_one_address_in_a_minute_leave_two_audit_entries(practice, settings):
    settings.PUBLIC_LINK_FAILURE_RATE = "100000/min"
    minute = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(second=5, microsecond=0)
    client = _from("203.0.113.5")
    with time_machine.travel(minute, tick=False):
        for _ in range(200):
            client.get(BAD_LINK)
    with time_machine.travel(minute + dt.timedelta(minutes=1), tick=False):
        flush_failure_tallies()

    first, summary = AuditEvent.objects.filter(client_ip="203.0.113.5").order_by("seq")
    assert first.detail.startswith("patient link: confirm refused (400); the first")
    assert summary.detail.startswith("summary: 200 refused patient links from this address")


def test_links_refused_by_the_limit_are_counted_in_the_summary(practice):
    minute = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(second=5, microsecond=0)
    client = _from("203.0.113.5")
    with time_machine.travel(minute, tick=False):
        for _ in range(10):
            client.get(BAD_LINK)
    with time_machine.travel(minute + dt.timedelta(minutes=1), tick=False):
        flush_failure_tallies()

    summary = AuditEvent.objects.filter(client_ip="203.0.113.5").order_by("seq").last()
    assert "summary: 10 refused patient links" in summary.detail
    assert "7 of them refused by the rate limit unchecked" in summary.detail


def test_the_tests_elsewhere_run_far_below_the_link_limit():
    from medoffice import settings as project_settings

    assert int(project_settings.PUBLIC_LINK_FAILURE_RATE.split("/")[0]) >= 10_000
