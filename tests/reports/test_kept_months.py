"""The wait-times and utilisation reports keep each month's figures while its visits are
unchanged: whatever changes in a past month shows in the next report, and a month kept
for one user is never given to another whose scope differs."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.core.roles import Role
from medoffice.reports import kpis, selectors
from medoffice.reports.selectors import Filters
from medoffice.scheduling.models import Appointment, AppointmentStatus
from tests.factories import LocationFactory
from tests.reports import factories as rf
from tests.scheduling.factories import AppointmentTypeFactory, ProviderFactory


@pytest.fixture
def months(practice):
    """Dr Adams at Main and Dr Baker at North, visits in two months ten weeks apart."""
    main = LocationFactory(practice=practice, name="Main")
    north = LocationFactory(practice=practice, name="North")
    adams = ProviderFactory(last_name="Adams", first_name="Ann", locations=[main])
    baker = ProviderFactory(last_name="Baker", first_name="Ben", locations=[north])
    kind = AppointmentTypeFactory(name="Established visit", duration=30)
    early, late = rf.quiet_monday(weeks_ago=12), rf.quiet_monday(weeks_ago=2)
    setting = {"appointment_type": kind}
    visits = [
        rf.visit(
            rf.local(early, 9),
            roomed=10,
            seen=25,
            done=40,
            provider=adams,
            location=main,
            **setting,
        ),
        rf.visit(
            rf.local(early, 14),
            roomed=4,
            seen=30,
            done=45,
            provider=baker,
            location=north,
            **setting,
        ),
        rf.visit(
            rf.local(late, 10),
            roomed=20,
            seen=50,
            done=60,
            provider=adams,
            location=main,
            **setting,
        ),
    ]
    period = Filters(start_date=early - dt.timedelta(days=3), end_date=late + dt.timedelta(days=6))
    return {
        "period": period,
        "visits": visits,
        "adams": adams,
        "baker": baker,
        "main": main,
        "north": north,
        "early": early,
    }


@pytest.fixture
def manager(client_for):
    return client_for(Role.OFFICE_MANAGER).user


def _total_wait(report):
    return report.overall.phases["arrival_to_provider"]


def test_the_period_spans_several_months(months):
    assert len(selectors.month_pieces(months["period"])) >= 3


def test_a_changed_past_visit_shows_in_the_wait_times(months, manager):
    assert _total_wait(selectors.wait_times(manager, months["period"])).median == 30
    first = Appointment.objects.get(pk=months["visits"][0].pk)
    first.with_provider_at = first.arrived_at + dt.timedelta(minutes=55)
    first.save()
    assert _total_wait(selectors.wait_times(manager, months["period"])).median == 50


def test_a_visit_added_to_a_past_month_shows_in_the_wait_times(months, manager):
    assert selectors.wait_times(manager, months["period"]).visits == 3
    rf.visit(
        rf.local(months["early"] + dt.timedelta(days=1), 9),
        roomed=1,
        seen=2,
        done=3,
        provider=months["adams"],
        location=months["main"],
        appointment_type=months["visits"][0].appointment_type,
    )
    report = selectors.wait_times(manager, months["period"])
    assert report.visits == 4
    assert _total_wait(report).median == 27.5  # 2, 25, 30, 50


def test_a_past_visit_no_longer_done_leaves_the_wait_times(months, manager):
    assert selectors.wait_times(manager, months["period"]).visits == 3
    Appointment.objects.filter(pk=months["visits"][1].pk).delete()
    assert selectors.wait_times(manager, months["period"]).visits == 2


def test_months_kept_for_the_manager_are_not_given_to_a_user_of_one_location(
    months, manager, client_for
):
    assert selectors.wait_times(manager, months["period"]).visits == 3
    assert selectors.utilisation(manager, months["period"]).by_provider
    north_only = client_for(Role.FRONT_DESK, locations=[months["north"]]).user
    assert selectors.wait_times(north_only, months["period"]).visits == 1
    seen = selectors.utilisation(north_only, months["period"]).by_provider
    assert [r.provider for r in seen] == [str(months["baker"])]


def test_wait_times_over_the_months_equal_the_formulas_on_every_visit(months, manager):
    selectors.wait_times(manager, months["period"])  # the months kept
    rf.visit(
        rf.local(months["early"] + dt.timedelta(days=2), 11),
        roomed=7,
        seen=19,
        checkout=30,
        done=33,
        provider=months["adams"],
        location=months["main"],
        appointment_type=months["visits"][0].appointment_type,
    )
    report = selectors.wait_times(manager, months["period"])
    done = Appointment.objects.filter(status=AppointmentStatus.COMPLETED)
    phases = [
        kpis.phase_durations(
            a.arrived_at, a.roomed_at, a.with_provider_at, a.checkout_at, a.completed_at
        )
        for a in done
    ]
    for key in kpis.PHASES:
        expected = kpis.summarize([p[key] for p in phases if p[key] is not None])
        assert report.overall.phases[key] == expected


def test_a_visit_booked_into_a_past_month_shows_in_the_booked_minutes(months, manager):
    def adams_booked() -> float:
        report = selectors.utilisation(manager, months["period"])
        return next(r.booked for r in report.by_provider if r.provider == str(months["adams"]))

    before = adams_booked()
    rf.booked(
        rf.local(months["early"] + dt.timedelta(days=3), 15),
        provider=months["adams"],
        location=months["main"],
        appointment_type=months["visits"][0].appointment_type,
    )
    assert adams_booked() - before == 30


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.integers(min_value=0, max_value=800),
)
def test_month_pieces_cover_the_period_one_local_month_each(start, days):
    period = Filters(start_date=start, end_date=start + dt.timedelta(days=days), location_id=4)
    pieces = selectors.month_pieces(period)
    assert pieces[0].start_date == period.start_date
    assert pieces[-1].end_date == period.end_date
    for before, after in itertools.pairwise(pieces):
        assert after.start_date == before.end_date + dt.timedelta(days=1)
        assert after.start_date.day == 1
    for piece in pieces:
        assert (piece.start_date.year, piece.start_date.month) == (
            piece.end_date.year,
            piece.end_date.month,
        )
        assert piece.location_id == 4


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offsets=st.lists(st.integers(min_value=-2000, max_value=2000), max_size=60, unique=True),
)
def test_the_database_numbers_a_period_as_bisect_does(months, offsets):
    visit = months["visits"][0]
    boundaries = sorted(visit.start + dt.timedelta(minutes=m) for m in offsets)
    number = (
        Appointment.objects.filter(pk=visit.pk)
        .annotate(n=selectors.period_index("start", boundaries))
        .values_list("n", flat=True)
        .get()
    )
    assert number == bisect.bisect_right(boundaries, visit.start)


def _held(user):
    def rows_of(period: Filters):
        return selectors.appointments(user, period).exclude(status=AppointmentStatus.CANCELLED)

    return rows_of


def _each_months_own_state(rows_of, pieces):
    found = {}
    for i, piece in enumerate(pieces):
        n, total, top, changed = selectors._fingerprint_query(rows_of(piece)).get()
        if n:
            found[i] = (n, total, top, changed)
    return found


def _comparable(states):
    return {i: (n, total, top, str(changed)[:19]) for i, (n, total, top, changed) in states.items()}


def test_the_months_states_read_at_once_are_each_months_own(months, manager):
    pieces = selectors.month_pieces(months["period"])
    rows_of = _held(manager)
    tz = selectors.practice_zone()
    states = selectors._fingerprints(rows_of, pieces, tz)
    assert _comparable(states) == _comparable(_each_months_own_state(rows_of, pieces))


def test_a_month_without_visits_has_no_state(months, manager):
    pieces = selectors.month_pieces(months["period"])
    states = selectors._fingerprints(_held(manager), pieces, selectors.practice_zone())
    with_visits = {
        i
        for i, piece in enumerate(pieces)
        for v in months["visits"]
        if piece.start_date
        <= v.start.astimezone(selectors.practice_zone()).date()
        <= piece.end_date
    }
    assert set(states) == with_visits
    assert len(states) < len(pieces)


def test_a_changed_visit_changes_only_its_months_state(months, manager):
    pieces = selectors.month_pieces(months["period"])
    tz = selectors.practice_zone()
    before = selectors._fingerprints(_held(manager), pieces, tz)
    late = Appointment.objects.get(pk=months["visits"][2].pk)
    late.reason = "Follow-up"
    late.save()
    after = selectors._fingerprints(_held(manager), pieces, tz)
    changed = {i for i in before if before[i] != after[i]}
    assert len(changed) == 1
    (month,) = changed
    assert pieces[month].start_date <= late.start.astimezone(tz).date() <= pieces[month].end_date


def test_a_location_limited_users_states_count_only_their_locations_visits(
    months, manager, client_for
):
    north_only = client_for(Role.FRONT_DESK, locations=[months["north"]]).user
    pieces = selectors.month_pieces(months["period"])
    tz = selectors.practice_zone()
    everyone = selectors._fingerprints(_held(manager), pieces, tz)
    north = selectors._fingerprints(_held(north_only), pieces, tz)
    assert sum(s[0] for s in everyone.values()) == 3
    assert sum(s[0] for s in north.values()) == 1


def test_the_months_states_are_read_in_one_query(months, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pieces = selectors.month_pieces(months["period"])
    rows_of = _held(manager)
    rows_of(pieces[0]).exists()  # the user's roles and locations read beforehand
    with CaptureQueriesContext(connection) as executed:
        selectors._fingerprints(rows_of, pieces, selectors.practice_zone())
    reads = [q["sql"] for q in executed if "scheduling_appointment" in q["sql"]]
    assert len(reads) == 1
    assert reads[0].count("UNION ALL") == len(pieces) - 1
