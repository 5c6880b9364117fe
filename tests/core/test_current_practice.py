"""``Practice.current()`` and ``practice_zone()``: read once per request, fresh outside one."""

from __future__ import annotations

import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from medoffice.core.models import Practice, practice_zone
from medoffice.core.models.practice import activate_practice_zone, practice_cache
from medoffice.core.roles import Role


def _practice_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"core_practice"' in q["sql"]]


def test_within_a_request_the_practice_is_read_once(practice):
    with practice_cache(), CaptureQueriesContext(connection) as captured:
        first = Practice.current()
        second = Practice.current()
    assert first == second == practice
    assert len(_practice_queries(captured)) == 1


def test_saving_the_practice_makes_the_next_read_fresh(practice):
    with practice_cache():
        kept = Practice.current()
        kept.display_name = "Riverside Renamed"
        kept.save()
        Practice.objects.filter(pk=practice.pk).update(phone="555-0100")
        assert Practice.current().phone == "555-0100"


def test_outside_a_request_every_call_reads_the_database(practice):
    Practice.current()
    Practice.objects.filter(pk=practice.pk).update(display_name="Changed behind our back")
    assert Practice.current().display_name == "Changed behind our back"


def test_before_the_practice_is_set_up_there_is_none_and_the_zone_is_utc(db):
    assert Practice.current() is None
    assert practice_zone() == zoneinfo.ZoneInfo("UTC")


def test_the_practice_zone_is_the_zone_the_request_activated_without_a_query(practice):
    zone = zoneinfo.ZoneInfo("America/Chicago")
    with practice_cache():
        activate_practice_zone(zone)
        with CaptureQueriesContext(connection) as captured:
            assert practice_zone() == zone
    assert captured.captured_queries == []


def test_the_practice_zone_is_read_once_per_request(practice):
    with practice_cache(), CaptureQueriesContext(connection) as captured:
        zones = {practice_zone() for _ in range(5)}
    assert zones == {zoneinfo.ZoneInfo(practice.time_zone)}
    assert len(_practice_queries(captured)) == 1


def test_a_page_reads_the_practice_once(client_for):
    client = client_for(Role.FRONT_DESK)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/front-desk/day/")
    assert response.status_code == 200
    assert len(_practice_queries(captured)) == 1


def test_a_kept_practice_does_not_outlive_its_request(practice, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    client.get("/")
    Practice.objects.filter(pk=practice.pk).update(display_name="Lakeside Renamed")
    assert "Lakeside Renamed" in client.get("/").content.decode()
