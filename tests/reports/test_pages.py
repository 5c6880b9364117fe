"""The report pages: filters, htmx partials, CSV export and its audit entry, access."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.factories import LocationFactory
from tests.reports import factories as rf
from tests.scheduling.factories import (
    AppointmentTypeFactory,
    ProviderFactory,
    ScheduleExceptionFactory,
    TemplateBlockFactory,
)

REPORTS = ["wait-times", "no-shows", "utilisation", "access"]


@pytest.fixture
def scenario(practice):
    main = LocationFactory(practice=practice, name="Main")
    adams = ProviderFactory(last_name="Adams", first_name="Ann", locations=[main])
    kind = AppointmentTypeFactory(name="Established visit", duration=30)
    monday = rf.quiet_monday()
    common = {"provider": adams, "location": main, "appointment_type": kind}
    rf.visit(rf.local(monday, 9), arrived=0, roomed=10, seen=25, done=40, **common)
    rf.no_show(rf.local(monday, 10), **common)
    return {"main": main, "adams": adams, "monday": monday, "type": kind}


def _query(scenario, **extra):
    monday = scenario["monday"]
    return {
        "date_from": monday.isoformat(),
        "date_to": (monday + dt.timedelta(days=6)).isoformat(),
        **extra,
    }


def _csv_rows(response):
    body = b"".join(response).decode() if response.streaming else response.content.decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("name", REPORTS)
def test_each_report_draws_a_chart_with_a_table_under_it(name, scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    response = client.get(f"/reports/{name}/", _query(scenario))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="chart"' in html
    assert "<title id=" in html
    assert 'data-testid="report-table"' in html
    assert "Ann Adams, MD" in html


def test_the_wait_time_page_says_which_visits_count(scenario, client_for):
    response = client_for(Role.OFFICE_MANAGER).get("/reports/wait-times/", _query(scenario))
    assert "Only <strong>completed visits</strong> count" in response.content.decode()
    assert response.context["visits"] == 1


def test_wait_time_csv_holds_the_figures_and_is_audited(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    response = client.get("/reports/wait-times/", _query(scenario, format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    header = rows[0]
    adams = next(r for r in rows if r[0] == "By provider")
    assert adams[1] == "Ann Adams, MD"
    assert adams[header.index("Arrived → roomed median min")] == "10.0"
    assert adams[header.index("Arrived → with provider (total wait) p90 min")] == "25.0"
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert (event.data_category, event.object_type, event.object_id) == (
        "report",
        "report",
        "wait-times",
    )
    assert event.user_id == client.user.pk


def test_no_show_csv_gives_rates_in_percent(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    rows = _csv_rows(client.get("/reports/no-shows/", _query(scenario, format="csv")))
    overall = next(r for r in rows if r[0] == "All appointments")
    assert overall[1:] == ["All appointments", "2", "1", "50.0", "0", "0.0"]


def test_utilisation_without_available_time_shows_a_dash(scenario, client_for):
    monday = scenario["monday"]
    other = ProviderFactory(last_name="Baker", first_name="Ben", locations=[scenario["main"]])
    TemplateBlockFactory(
        provider=other,
        location=scenario["main"],
        weekday=1,
        start=dt.time(9),
        end=dt.time(12),
        effective_from=monday - dt.timedelta(days=30),
    )
    tuesday = monday + dt.timedelta(days=1)
    ScheduleExceptionFactory(provider=other, start=rf.local(tuesday, 0), end=rf.local(tuesday, 23))
    response = client_for(Role.OFFICE_MANAGER).get("/reports/utilisation/", _query(scenario))
    rows = response.context["report"].sections[0].rows
    baker = next(r for r in rows if r[0].display == "Ben Baker, MD")
    assert baker[-1].display == "—"


def test_a_filter_change_gets_only_the_report_body(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    response = client.get("/reports/no-shows/", _query(scenario), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="overall-rates"' in html
    assert "format=csv" in html  # the export link follows the filters


def test_the_export_link_keeps_the_filters(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    query = _query(scenario, provider=scenario["adams"].pk)
    html = client.get("/reports/wait-times/", query).content.decode()
    assert f"provider={scenario['adams'].pk}&amp;format=csv" in html


def test_a_period_ending_before_it_starts_is_refused_by_name(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    response = client.get(
        "/reports/wait-times/", {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == ["“To” must be on or after “From”."]


def test_without_dates_the_report_covers_the_last_90_days(practice, client_for):
    response = client_for(Role.OFFICE_MANAGER).get("/reports/no-shows/")
    filters = response.context["filters"]
    assert (filters.end_date - filters.start_date).days == 90


def test_the_access_report_defaults_to_the_most_booked_type(scenario, client_for):
    AppointmentTypeFactory(name="Annual physical", duration=40)
    response = client_for(Role.OFFICE_MANAGER).get("/reports/access/")
    assert response.context["appointment_type"] == scenario["type"]


def test_the_index_lists_the_four_reports(practice, client_for):
    html = client_for(Role.PROVIDER).get("/reports/").content.decode()
    for name in REPORTS:
        assert f'data-testid="report-{name}"' in html


@pytest.mark.parametrize(
    "role", [Role.FRONT_DESK, Role.BILLER, Role.CLINICAL, Role.HR, Role.AUDITOR]
)
def test_other_roles_may_not_export_a_report(role, scenario, client_for):
    response = client_for(role).get("/reports/wait-times/", {"format": "csv"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export", data_category="report").exists()


def test_the_reports_menu_shows_for_providers_only_among_clinicians(practice, client_for):
    provider_html = client_for(Role.PROVIDER).get("/").content.decode()
    clinical_html = client_for(Role.CLINICAL).get("/").content.decode()
    assert "/reports/wait-times/" in provider_html
    assert "/reports/wait-times/" not in clinical_html


def test_the_access_report_offers_no_period_to_choose(scenario, client_for):
    response = client_for(Role.OFFICE_MANAGER).get("/reports/access/")
    html = response.content.decode()
    assert "date_from" not in response.context["form"].fields
    assert 'name="date_from"' not in html
    assert 'name="date_to"' not in html
    assert "Period:" not in html


def test_the_access_csv_export_names_no_period(scenario, client_for):
    client = client_for(Role.OFFICE_MANAGER)
    client.get("/reports/access/", {"format": "csv"})
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert "period" not in event.detail
    assert "from today" in event.detail


def test_the_report_tables_escape_what_they_show(practice, client_for):
    main = LocationFactory(practice=practice, name="<b>Main</b>")
    odd = ProviderFactory(last_name="<script>x</script>", first_name="Ann", locations=[main])
    kind = AppointmentTypeFactory(name="Established visit", duration=30)
    monday = rf.quiet_monday()
    rf.no_show(rf.local(monday, 10), provider=odd, location=main, appointment_type=kind)
    html = (
        client_for(Role.OFFICE_MANAGER)
        .get("/reports/no-shows/", _query({"monday": monday}))
        .content.decode()
    )
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<b>Main</b>" not in html
