"""The home pages of the front office: the office manager's day in figures (each figure
opens the list behind it, filtered to exactly its rows), the front desk's arrivals, long
waits and copays to collect, a provider's own schedule. The tests run from 10:00."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from medoffice.billing import services as billing
from medoffice.billing.models import PatientPayment
from medoffice.core.roles import Role
from medoffice.messaging.models import Message
from medoffice.scheduling import services
from medoffice.scheduling.models import AppointmentStatus as S
from tests.factories import SYSTEM, LocationFactory, UserFactory
from tests.frontdesk.factories import CoverageFactory, local_today, todays_visit, working_provider
from tests.scheduling.factories import RecallFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db

FIGURES = ("visits", "arrivals", "no_shows", "waiting", "recalls", "waitlist", "failed_reminders")


def take(visit, method, amount):
    return billing.take_payment(
        actor=UserFactory(roles=[Role.FRONT_DESK]),
        patient=visit.patient,
        location=visit.location,
        amount=Decimal(amount),
        method=method,
        appointment=visit,
    )


def arrive(visit, minutes_ago=0):
    return services.change_status(
        actor=SYSTEM,
        appointment=visit,
        to_status=S.ARRIVED,
        now=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def rows_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


def busy_day(location):
    """Four visits today at ``location``: one arrived 40 minutes ago, one 5 minutes ago,
    one no-show, one cancelled; a copay in cash and one by card; a recall due, a waitlist
    entry, a failed reminder."""
    provider = working_provider(location)
    visits = [todays_visit(location, provider=provider, hour=i) for i in range(1, 5)]
    arrive(visits[0], 40)
    arrive(visits[1], 5)
    services.mark_no_show(actor=SYSTEM, appointment=visits[2])
    services.cancel_appointment(actor=SYSTEM, appointment=visits[3], reason="patient called")
    take(visits[0], "cash", "25.00")
    take(visits[1], "card", "40.00")
    RecallFactory(patient=visits[0].patient, due_date=local_today())
    WaitlistEntryFactory(patient=visits[1].patient)
    Message.objects.create(
        patient=visits[0].patient,
        appointment=visits[0],
        channel="sms",
        to="+12125550100",
        body="Reminder",
        scheduled_for=timezone.now() - dt.timedelta(hours=2),
        status="failed",
        error="The number does not take text messages.",
    )
    return visits


def test_the_office_managers_home_shows_the_days_figures(client_for, location):
    busy_day(location)
    data = client_for(Role.OFFICE_MANAGER).get("/").context["office_day"]
    assert {name: data[name]["count"] for name in FIGURES} == {
        "visits": 3,
        "arrivals": 2,
        "no_shows": 1,
        "waiting": 2,
        "recalls": 1,
        "waitlist": 1,
        "failed_reminders": 1,
    }
    assert data["median_wait"] == 22  # 40 and 5 minutes
    assert data["longest"]["minutes"] == 40


def test_each_figure_equals_the_rows_of_the_list_it_opens(client_for, location):
    busy_day(location)
    manager = client_for(Role.OFFICE_MANAGER)
    data = manager.get("/").context["office_day"]
    for name in FIGURES:
        assert rows_of(manager, data[name]["url"]) == data[name]["count"], name
    assert rows_of(manager, data["copays"]["url"]) == data["copays"]["count"] == 2


def test_the_no_show_figure_opens_todays_no_shows_only(client_for, location):
    visits = busy_day(location)
    manager = client_for(Role.OFFICE_MANAGER)
    url = manager.get("/").context["office_day"]["no_shows"]["url"]
    assert f"date={local_today().isoformat()}" in url
    assert "status=no_show" in url
    response = manager.get(url)
    assert [r[1]["link"] for r in response.context["rows"]] == [
        f"/schedule/appointments/{visits[2].pk}/"
    ]


def test_copays_are_counted_by_method_and_each_method_opens_its_payments(client_for, location):
    busy_day(location)
    manager = client_for(Role.OFFICE_MANAGER)
    copays = manager.get("/").context["office_day"]["copays"]
    assert copays["total"] == Decimal("65.00")
    by_method = {m["method"]: (m["count"], m["total"]) for m in copays["methods"]}
    assert by_method["cash"] == (1, Decimal("25.00"))
    assert by_method["card"] == (1, Decimal("40.00"))
    assert by_method["check"] == (0, Decimal("0.00"))
    cash = next(m for m in copays["methods"] if m["method"] == "cash")
    assert rows_of(manager, cash["url"]) == 1


def test_refunds_are_taken_off_the_days_copays(client_for, location):
    busy_day(location)
    card = PatientPayment.objects.get(method="card")
    billing.refund_payment(
        actor=UserFactory(roles=[Role.BILLER]), payment=card, amount="15.00", reason="Overpaid"
    )
    copays = client_for(Role.OFFICE_MANAGER).get("/").context["office_day"]["copays"]
    by_method = {m["method"]: (m["count"], m["total"]) for m in copays["methods"]}
    assert by_method["card"] == (1, Decimal("25.00"))
    assert copays["total"] == Decimal("50.00")


def test_a_front_desk_user_limited_to_a_location_sees_only_its_visits(client_for, location):
    busy_day(location)
    other = LocationFactory(practice=location.practice, code="EAST", name="East")
    theirs = arrive(todays_visit(other, hour=6))
    desk = client_for(Role.FRONT_DESK, locations=[other])
    arrivals = desk.get("/").context["desk_day"]["arrivals"]
    assert [a["name"] for a in arrivals] == [
        f"{theirs.patient.last_name}, {theirs.patient.first_name}"
    ]


def test_a_limited_users_figures_count_only_their_locations(client_for, location):
    busy_day(location)
    other = LocationFactory(practice=location.practice, code="EAST", name="East")
    arrive(todays_visit(other, hour=6))
    manager = client_for(Role.OFFICE_MANAGER, locations=[other])
    data = manager.get("/").context["office_day"]
    assert (data["visits"]["count"], data["arrivals"]["count"]) == (1, 1)
    assert rows_of(manager, data["arrivals"]["url"]) == 1


def test_the_front_desks_home_lists_arrivals_in_the_order_they_came(desk, location):
    visits = busy_day(location)
    arrivals = desk.get("/").context["desk_day"]["arrivals"]
    names = [f"{v.patient.last_name}, {v.patient.first_name}" for v in visits[:2]]
    assert [a["name"] for a in arrivals] == names


def test_the_front_desks_home_shows_who_waits_past_the_flow_boards_line(desk, location):
    visits = busy_day(location)
    too_long = desk.get("/").context["desk_day"]["too_long"]
    assert [(w["name"], w["level"]) for w in too_long] == [
        (f"{visits[0].patient.last_name}, {visits[0].patient.first_name}", "red")
    ]


def test_the_front_desks_home_shows_copays_still_to_collect(desk, location):
    provider = working_provider(location)
    paid = todays_visit(location, provider=provider, hour=0, minute=5)
    unpaid = todays_visit(location, provider=provider, hour=0, minute=35)
    for visit in (paid, unpaid):
        CoverageFactory(patient=visit.patient, copay=Decimal("30.00"))
    take(paid, "cash", "30.00")
    data = desk.get("/").context["desk_day"]
    assert [(c["name"], c["copay"]) for c in data["to_collect"]] == [
        (f"{unpaid.patient.last_name}, {unpaid.patient.first_name}", Decimal("30.00"))
    ]
    assert data["to_collect_total"] == Decimal("30.00")


def test_a_providers_home_shows_their_own_visits_today(client_for, location):
    client = client_for(Role.PROVIDER, locations=[location])
    provider = working_provider(location, user=client.user)
    mine = todays_visit(location, provider=provider, hour=9)
    todays_visit(location, hour=9)  # another provider's
    response = client.get("/")
    data = response.context["my_day"]
    assert [v["name"] for v in data["visits"]] == [
        f"{mine.patient.last_name}, {mine.patient.first_name}"
    ]
    assert data["count"] == 1
    assert rows_of(client, data["url"]) == 1
    assert 'data-testid="my-day"' in response.content.decode()


def test_a_user_who_is_no_provider_gets_no_schedule_panel(client_for, location):
    response = client_for(Role.PROVIDER, locations=[location]).get("/")
    assert response.context["my_day"] is None
    assert 'data-testid="my-day"' not in response.content.decode()
