"""The week view at one location: ``?location=`` works as in the day view."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from medoffice.core.roles import Role
from tests.factories import LocationFactory
from tests.frontdesk.factories import (
    ProviderFactory,
    TemplateBlockFactory,
    at,
    book,
    open_all_week,
    working_provider,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2031, 3, 4)  # a Tuesday, far enough ahead to book


@pytest.fixture
def main(practice):
    location = LocationFactory(practice=practice, name="Main Street Clinic")
    open_all_week(location)
    return location


@pytest.fixture
def north(practice):
    location = LocationFactory(practice=practice, name="North End Clinic")
    open_all_week(location)
    return location


@pytest.fixture
def provider_at_both(main, north):
    """A provider bookable all day, every day, at both clinics."""
    provider = working_provider(main)
    provider.locations.add(north)
    for weekday in range(7):
        TemplateBlockFactory(
            provider=provider,
            location=north,
            weekday=weekday,
            start=dt.time(0),
            end=dt.time(23, 55),
        )
    return provider


def week_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"date": DAY.isoformat(), **params}.items())
    return f"/front-desk/week/?{query}"


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def visits_shown(response) -> set[int]:
    return {a.pk for column in response.context["grid"]["columns"] for a in column.appointments}


def test_week_view_shows_only_the_visits_at_the_location_in_the_address(
    client_for, main, north, provider_at_both
):
    at_main = book(provider=provider_at_both, location=main, start=at(DAY, 9))
    at_north = book(provider=provider_at_both, location=north, start=at(DAY, 11))
    client = client_for(Role.FRONT_DESK)
    main_week = client.get(week_url(location=main.pk, provider=provider_at_both.pk))
    north_week = client.get(week_url(location=north.pk, provider=provider_at_both.pk))
    assert main_week.status_code == north_week.status_code == 200
    assert visits_shown(main_week) == {at_main.pk}
    assert visits_shown(north_week) == {at_north.pk}


def test_week_view_accepts_the_location_code_as_the_day_view_does(client_for, main, north):
    provider = working_provider(north)
    visit = book(provider=provider, location=north, start=at(DAY, 9))
    response = client_for(Role.FRONT_DESK).get(week_url(location=north.code))
    assert response.context["location"] == north
    assert visits_shown(response) == {visit.pk}


def test_week_view_offers_only_the_time_open_at_the_location(client_for, main, north):
    provider = ProviderFactory(locations=[main, north])
    TemplateBlockFactory(
        provider=provider, location=main, weekday=DAY.weekday(), start=dt.time(9), end=dt.time(10)
    )
    TemplateBlockFactory(
        provider=provider, location=north, weekday=DAY.weekday(), start=dt.time(14), end=dt.time(15)
    )
    response = client_for(Role.FRONT_DESK).get(week_url(location=north.pk, provider=provider.pk))
    tuesday = next(c for c in response.context["grid"]["columns"] if c.day == DAY)
    open_hours = {
        cell.start.astimezone(at(DAY, 0).tzinfo).hour
        for cell in tuesday.cells
        if cell is not None and cell.kind == "open"
    }
    assert open_hours == {14}
    assert all(f"location={north.pk}" in c.url for c in tuesday.cells if c and c.kind == "open")


def test_week_view_lists_only_the_providers_working_at_the_location(client_for, main, north):
    here = working_provider(north, last_name="Here")
    working_provider(main, last_name="Elsewhere")
    response = client_for(Role.FRONT_DESK).get(week_url(location=north.pk))
    assert response.context["providers"] == [here]
    assert response.context["provider"] == here


def test_location_picker_shows_the_location_in_the_address(client_for, main, north):
    working_provider(north)
    html = client_for(Role.FRONT_DESK).get(week_url(location=north.pk)).content.decode()
    assert f'<option value="{north.pk}" selected>North End Clinic</option>' in html
    assert f'<option value="{main.pk}">Main Street Clinic</option>' in html


def test_user_limited_to_one_location_cannot_open_another_locations_week(
    client_for, main, north, provider_at_both
):
    client = client_for(Role.FRONT_DESK, locations=[main])
    response = client.get(week_url(location=north.pk, provider=provider_at_both.pk))
    assert response.status_code == 404


def test_user_limited_to_one_location_is_offered_only_that_location(client_for, main, north):
    working_provider(main)
    response = client_for(Role.FRONT_DESK, locations=[main]).get(week_url())
    assert response.context["locations"] == [main]
    assert response.context["location"] == main


def test_week_navigation_keeps_the_location(client_for, main, north, provider_at_both):
    response = client_for(Role.FRONT_DESK).get(
        week_url(location=north.pk, provider=provider_at_both.pk)
    )
    for name in ("prev_url", "next_url", "today_url", "day_url"):
        assert query_of(response.context[name])["location"] == [str(north.pk)], name


def test_week_view_links_to_the_day_view_of_the_same_location(client_for, main, north):
    working_provider(north)
    html = client_for(Role.FRONT_DESK).get(week_url(location=north.pk)).content.decode()
    assert (
        f'href="/front-desk/day/?date=2031-03-03&amp;location={north.pk}" '
        'data-testid="day-view-link"' in html
    )


def test_day_view_links_to_the_week_view_of_the_same_location(client_for, main, north):
    working_provider(north)
    response = client_for(Role.FRONT_DESK).get(
        f"/front-desk/day/?date={DAY.isoformat()}&location={north.pk}"
    )
    assert query_of(response.context["week_url"]) == {
        "date": [DAY.isoformat()],
        "location": [str(north.pk)],
    }


def test_week_view_without_a_location_opens_where_the_provider_works(client_for, main, north):
    provider = working_provider(north)
    response = client_for(Role.FRONT_DESK).get(week_url(provider=provider.pk))
    assert response.context["location"] == north
    assert response.context["provider"] == provider


def test_provider_who_does_not_work_at_the_location_gives_way_to_one_who_does(
    client_for, main, north
):
    elsewhere = working_provider(main, last_name="Elsewhere")
    here = working_provider(north, last_name="Here")
    response = client_for(Role.FRONT_DESK).get(
        week_url(location=north.pk, provider=elsewhere.pk), follow=True
    )
    assert response.status_code == 200
    assert response.context["provider"] == here
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [f"{elsewhere} does not work at North End Clinic. Showing {here}."]
