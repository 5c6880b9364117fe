"""The reports through the JSON API: the pages' figures, and only for those who see reports."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.roles import Role
from tests.factories import LocationFactory
from tests.reports import factories as rf
from tests.scheduling.factories import AppointmentTypeFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(practice):
    main = LocationFactory(practice=practice, name="Main")
    adams = ProviderFactory(last_name="Adams", first_name="Ann", locations=[main])
    kind = AppointmentTypeFactory(name="Established visit", duration=30)
    monday = rf.quiet_monday()
    common = {"provider": adams, "location": main, "appointment_type": kind}
    rf.visit(rf.local(monday, 9), arrived=0, roomed=10, seen=25, done=40, **common)
    rf.no_show(rf.local(monday, 10), **common)
    rf.no_show(rf.local(monday, 11), **common)
    return {"monday": monday, "sunday": monday + dt.timedelta(days=6)}


def test_no_show_report_json_has_the_figures_the_page_shows(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    monday, sunday = scenario["monday"].isoformat(), scenario["sunday"].isoformat()
    page = client.get("/reports/no-shows/", {"date_from": monday, "date_to": sunday})
    shown = page.context["overall"]
    response = client.get("/api/v1/reports/no-shows", {"from": monday, "to": sunday})
    assert response.status_code == 200
    overall = response.json()["overall"]
    assert (overall["due"], overall["no_shows"]) == (shown.due, shown.no_shows) == (3, 2)
    assert overall["no_show_rate"] == pytest.approx(shown.no_show_rate)


def test_wait_times_json_counts_the_completed_visits_the_page_counts(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    monday, sunday = scenario["monday"].isoformat(), scenario["sunday"].isoformat()
    page = client.get("/reports/wait-times/", {"date_from": monday, "date_to": sunday})
    data = client.get("/api/v1/reports/wait-times", {"from": monday, "to": sunday}).json()
    assert data["visits"] == page.context["visits"] == 1
    assert data["overall"]["phases"]["arrival_to_roomed"]["median"] == 10


def test_a_period_that_ends_before_it_starts_answers_400_naming_to(client_for):
    client = client_for(Role.OFFICE_MANAGER)
    response = client.get("/api/v1/reports/utilisation", {"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["to"]


def test_front_desk_may_not_read_reports_through_the_api(client_for):
    response = client_for(Role.FRONT_DESK).get("/api/v1/reports/access")
    assert response.status_code == 403


def _csv_rows(response) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def test_no_show_page_csv_and_api_give_the_same_months(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    monday, sunday = scenario["monday"].isoformat(), scenario["sunday"].isoformat()
    query = {"date_from": monday, "date_to": sunday}
    page = client.get("/reports/no-shows/", query)
    export = client.get("/reports/no-shows/", {**query, "format": "csv"})
    api = client.get("/api/v1/reports/no-shows", {"from": monday, "to": sunday}).json()
    section = next(s for s in page.context["report"].sections if s.title == "By month")
    shown = [(row[0].raw, row[1].raw, row[2].raw) for row in section.rows]
    exported = [(r[1], int(r[2]), int(r[3])) for r in _csv_rows(export) if r[0] == "By month"]
    given = [(m["label"], m["due"], m["no_shows"]) for m in api["by_month"]]
    assert shown == exported == given
    assert sum(due for _, due, _ in given) == 3


def test_access_api_refuses_a_visit_type_naming_the_type_parameter(client_for):
    client = client_for(Role.OFFICE_MANAGER)
    api = client.get("/api/v1/reports/access", {"type": 999999})
    assert api.status_code == 400
    assert [e["field"] for e in api.json()["errors"]] == ["type"]


def test_the_access_operation_takes_no_period_and_answers_none(client_for):
    from medoffice.api.base import api

    parameters = api.get_openapi_schema()["paths"]["/api/v1/reports/access"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == {"location", "provider", "type"}
    data = client_for(Role.OFFICE_MANAGER).get("/api/v1/reports/access").json()
    assert set(data["filters"]) == {"location_id", "provider_id"}
