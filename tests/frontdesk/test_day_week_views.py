"""Day and week views: columns per provider or room, visits in them, open and closed time."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.roles import Role
from medoffice.scheduling.models import AppointmentStatus
from tests.factories import SYSTEM, LocationFactory
from tests.frontdesk.factories import (
    AppointmentTypeFactory,
    ProviderFactory,
    ResourceFactory,
    TemplateBlockFactory,
    at,
    book,
    local_today,
    open_all_week,
    working_provider,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2031, 3, 4)  # a Tuesday, far enough ahead to book


@pytest.fixture
def clinic(practice):
    location = LocationFactory(practice=practice)
    open_all_week(location)
    return location


def day_url(location, day=DAY, **extra):
    query = "&".join(
        f"{k}={v}" for k, v in {"date": day.isoformat(), "location": location.pk, **extra}.items()
    )
    return f"/front-desk/day/?{query}"


def test_day_view_shows_a_column_per_provider_with_their_visits(client_for, clinic):
    first = working_provider(clinic, last_name="Alder")
    second = working_provider(clinic, last_name="Birch")
    mine = book(provider=first, location=clinic, start=at(DAY, 9))
    theirs = book(provider=second, location=clinic, start=at(DAY, 10, 30))
    response = client_for(Role.FRONT_DESK).get(day_url(clinic))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="column-provider-{first.pk}"' in html
    assert f'data-testid="column-provider-{second.pk}"' in html
    columns = [c.key for c in response.context["grid"]["columns"]]
    placed = {
        a["pk"]: columns[i]
        for row in response.context["grid"]["rows"]
        for i, cell in enumerate(row["cells"])
        if cell and cell.kind == "appointments"
        for a in cell.appointments
    }
    assert placed == {mine.pk: f"provider-{first.pk}", theirs.pk: f"provider-{second.pk}"}


def test_a_visit_spans_as_many_rows_as_it_lasts(client_for, clinic):
    provider = working_provider(clinic)
    hour_long = AppointmentTypeFactory(duration=60)
    visit = book(provider=provider, location=clinic, start=at(DAY, 9), appointment_type=hour_long)
    response = client_for(Role.FRONT_DESK).get(day_url(clinic, step=15))
    cells = [
        cell
        for row in response.context["grid"]["rows"]
        for cell in row["cells"]
        if cell and cell.kind == "appointments"
    ]
    assert [(c.span, [a["pk"] for a in c.appointments]) for c in cells] == [(4, [visit.pk])]


def test_visit_blocks_carry_the_type_colour_as_data_not_inline_style(client_for, clinic):
    provider = working_provider(clinic)
    kind = AppointmentTypeFactory(color="#123abc")
    visit = book(provider=provider, location=clinic, start=at(DAY, 9), appointment_type=kind)
    html = client_for(Role.FRONT_DESK).get(day_url(clinic)).content.decode()
    assert f'data-testid="appointment-{visit.pk}"' in html
    assert 'data-color="#123abc"' in html
    assert "style=" not in html


def test_open_template_time_links_to_the_booking_form_and_other_time_is_greyed(client_for, clinic):
    provider = ProviderFactory(locations=[clinic])
    AppointmentTypeFactory()
    TemplateBlockFactory(
        provider=provider, location=clinic, weekday=DAY.weekday(), start=dt.time(9), end=dt.time(10)
    )
    response = client_for(Role.FRONT_DESK).get(day_url(clinic))
    cells = [row["cells"][0] for row in response.context["grid"]["rows"]]
    open_times = [c.start.astimezone(at(DAY, 0).tzinfo).time() for c in cells if c.kind == "open"]
    assert open_times == [dt.time(9), dt.time(9, 15), dt.time(9, 30), dt.time(9, 45)]
    assert all(c.kind == "closed" for c in cells if c.kind != "open")
    first_open = next(c for c in cells if c.kind == "open")
    assert f"provider={provider.pk}" in first_open.url
    assert f"location={clinic.pk}" in first_open.url
    assert "start=" in first_open.url
    # The booking form proposes the type (the provider's most booked one) and the user chooses.
    assert "appointment_type=" not in first_open.url


def test_open_time_already_begun_today_is_not_offered_for_booking(client_for, clinic, clock_at):
    now = clock_at(9, 20)  # practice time; the template runs 09:00-10:00
    today = now.date()
    provider = ProviderFactory(locations=[clinic])
    TemplateBlockFactory(
        provider=provider,
        location=clinic,
        weekday=today.weekday(),
        start=dt.time(9),
        end=dt.time(10),
    )
    response = client_for(Role.FRONT_DESK).get(day_url(clinic, day=today))
    cells = [row["cells"][0] for row in response.context["grid"]["rows"]]
    local = [(c.kind, c.start.astimezone(now.tzinfo).time()) for c in cells if c.kind != "closed"]
    assert local == [
        ("past", dt.time(9)),
        ("past", dt.time(9, 15)),
        ("open", dt.time(9, 30)),
        ("open", dt.time(9, 45)),
    ]
    assert 'data-testid="past-open"' in response.content.decode()


def test_overbooked_visit_is_marked_and_shares_the_cell(client_for, clinic):
    provider = working_provider(clinic)
    book(provider=provider, location=clinic, start=at(DAY, 9))
    extra = book(provider=provider, location=clinic, start=at(DAY, 9), overbook=True)
    html = client_for(Role.FRONT_DESK).get(day_url(clinic)).content.decode()
    assert f'data-testid="appointment-{extra.pk}"' in html
    assert "fd-overbook" in html
    assert "Overbooked" in html


def test_day_view_by_room_puts_visits_in_their_room(client_for, clinic):
    provider = working_provider(clinic)
    room = ResourceFactory(location=clinic, name="Exam 1")
    visit = book(provider=provider, location=clinic, start=at(DAY, 9))
    visit.room = room
    visit.save(update_fields=["room"])
    response = client_for(Role.FRONT_DESK).get(day_url(clinic, by="room"))
    column = next(c for c in response.context["grid"]["columns"] if c.key == f"room-{room.pk}")
    assert [a.pk for a in column.appointments] == [visit.pk]


def test_day_view_navigates_to_previous_and_next_day(client_for, clinic):
    working_provider(clinic)
    response = client_for(Role.FRONT_DESK).get(day_url(clinic))
    assert "date=2031-03-03" in response.context["prev_url"]
    assert "date=2031-03-05" in response.context["next_url"]


def test_day_view_defaults_to_today(client_for, clinic):
    working_provider(clinic)
    response = client_for(Role.FRONT_DESK).get(f"/front-desk/day/?location={clinic.pk}")
    assert response.context["day"] == local_today()


def test_day_view_hides_other_locations_visits(client_for, clinic, practice):
    elsewhere = LocationFactory(practice=practice)
    provider = working_provider(clinic)
    provider.locations.add(elsewhere)
    TemplateBlockFactory(
        provider=provider,
        location=elsewhere,
        weekday=DAY.weekday(),
        start=dt.time(7),
        end=dt.time(8),
    )
    there = book(provider=provider, location=elsewhere, start=at(DAY, 7))
    html = client_for(Role.FRONT_DESK).get(day_url(clinic)).content.decode()
    assert f'data-testid="appointment-{there.pk}"' not in html


def test_user_limited_to_one_location_cannot_open_another(client_for, clinic, practice):
    elsewhere = LocationFactory(practice=practice)
    response = client_for(Role.FRONT_DESK, locations=[clinic]).get(day_url(elsewhere))
    assert response.status_code == 404


def test_day_view_of_eight_full_providers_runs_a_bounded_number_of_queries(
    client_for, clinic, django_assert_max_num_queries
):
    kind = AppointmentTypeFactory(duration=30)
    for _ in range(8):
        provider = working_provider(clinic)
        for slot in range(16):
            book(
                provider=provider,
                location=clinic,
                start=at(DAY, 8) + dt.timedelta(minutes=30 * slot),
                appointment_type=kind,
            )
    client = client_for(Role.FRONT_DESK)
    client.get(day_url(clinic))  # warm the session and caches
    with django_assert_max_num_queries(25):
        response = client.get(day_url(clinic))
    assert response.context["grid"]["appointment_count"] == 8 * 16


def test_week_view_shows_a_column_per_day_with_the_providers_visits(client_for, clinic):
    provider = working_provider(clinic)
    monday = DAY - dt.timedelta(days=DAY.weekday())
    tuesday_visit = book(provider=provider, location=clinic, start=at(DAY, 9))
    friday_visit = book(
        provider=provider, location=clinic, start=at(monday + dt.timedelta(days=4), 11)
    )
    response = client_for(Role.FRONT_DESK).get(
        f"/front-desk/week/?date={DAY.isoformat()}&provider={provider.pk}"
    )
    assert response.status_code == 200
    columns = {c.day: [a.pk for a in c.appointments] for c in response.context["grid"]["columns"]}
    assert columns[DAY] == [tuesday_visit.pk]
    assert columns[monday + dt.timedelta(days=4)] == [friday_visit.pk]
    assert len(columns) == 7  # the provider works weekends too


def test_week_view_leaves_out_a_weekend_nobody_works(client_for, practice):
    location = LocationFactory(practice=practice)
    provider = ProviderFactory(locations=[location])
    for weekday in range(5):
        TemplateBlockFactory(provider=provider, location=location, weekday=weekday)
    response = client_for(Role.FRONT_DESK).get(
        f"/front-desk/week/?date={DAY.isoformat()}&provider={provider.pk}"
    )
    assert [c.day.weekday() for c in response.context["grid"]["columns"]] == [0, 1, 2, 3, 4]


def test_cancelled_visits_leave_the_day_view(client_for, clinic):
    from medoffice.scheduling import services

    provider = working_provider(clinic)
    visit = book(provider=provider, location=clinic, start=at(DAY, 9))
    services.cancel_appointment(actor=SYSTEM, appointment=visit, reason="Patient is travelling")
    html = client_for(Role.FRONT_DESK).get(day_url(clinic)).content.decode()
    assert f'data-testid="appointment-{visit.pk}"' not in html
    assert type(visit).objects.get(pk=visit.pk).status == AppointmentStatus.CANCELLED
