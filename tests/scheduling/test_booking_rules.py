"""The appointment book's rules, through the services the pages and the API call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medoffice.core.models import Practice
from medoffice.core.roles import Role
from medoffice.scheduling import services
from medoffice.scheduling.models import Appointment, AppointmentStatus, TemplateBlock
from tests.factories import SYSTEM, LocationFactory, PatientFactory, UserFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    OverbookRuleFactory,
    ProviderFactory,
    ScheduleExceptionFactory,
    TemplateBlockFactory,
    WaitlistEntryFactory,
    ensure_template,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(practice):
    """Provider with a Monday–Friday 08:00–17:00 template at one location, and a 20-min type."""
    location = LocationFactory(practice=practice)
    provider = ProviderFactory(locations=[location])
    kind = AppointmentTypeFactory(duration=20)
    for weekday in range(5):
        TemplateBlockFactory(provider=provider, location=location, weekday=weekday)

    class Book:
        pass

    b = Book()
    b.location, b.provider, b.kind = location, provider, kind
    return b


def _book(b, start, patient=None, **kw):
    return services.book_appointment(
        actor=SYSTEM,
        patient=patient or PatientFactory(),
        provider=b.provider,
        location=b.location,
        appointment_type=b.kind,
        start=start,
        **kw,
    )


def test_overlapping_template_block_is_refused_naming_the_field(book):
    block = TemplateBlock(
        provider=book.provider,
        location=book.location,
        weekday=0,
        start=dt.time(12),
        end=dt.time(13),
        effective_from=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as exc:
        services.save_template_block(actor=SYSTEM, block=block)
    assert "start" in exc.value.message_dict
    assert "overlaps" in exc.value.message_dict["start"][0]


def test_template_block_with_separate_effective_dates_is_accepted(book):
    TemplateBlock.objects.filter(provider=book.provider, weekday=0).update(
        effective_to=timezone.localdate()
    )
    block = TemplateBlock(
        provider=book.provider,
        location=book.location,
        weekday=0,
        start=dt.time(9),
        end=dt.time(12),
        effective_from=timezone.localdate() + dt.timedelta(days=1),
    )
    services.save_template_block(actor=SYSTEM, block=block)
    assert block.pk is not None


def test_booking_outside_the_template_is_refused(book):
    with pytest.raises(ValidationError) as exc:
        _book(book, next_weekday_at(18))
    assert "not scheduled" in exc.value.message_dict["start"][0]


def test_booking_in_the_past_is_refused(book):
    past = timezone.now().astimezone(services.practice_zone()) - dt.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        _book(book, past.replace(hour=10, minute=0, second=0, microsecond=0))
    assert "past" in exc.value.message_dict["start"][0]


def test_booking_a_taken_time_answers_slot_taken_on_start(book):
    start = next_weekday_at(10)
    _book(book, start)
    with pytest.raises(services.SlotTaken) as exc:
        _book(book, start + dt.timedelta(minutes=10))
    assert "start" in exc.value.message_dict


def test_a_visit_too_long_for_the_gap_is_refused_saying_how_much_time_is_free(book):
    physical = AppointmentTypeFactory(name="Annual physical", duration=40)
    book.provider.last_name, book.provider.credentials = "Patel", "MD"
    book.provider.save()
    next_visit = next_weekday_at(10, minute=20)
    _book(book, next_visit)
    with pytest.raises(ValidationError) as exc:
        services.book_appointment(
            actor=SYSTEM,
            patient=PatientFactory(),
            provider=book.provider,
            location=book.location,
            appointment_type=physical,
            start=next_visit - dt.timedelta(minutes=25),
        )
    assert exc.value.error_dict["start"][0].code == "does_not_fit"
    assert exc.value.message_dict["start"] == [
        "A 40-minute Annual physical does not fit before Dr Patel's 10:20 AM visit; "
        "25 minutes are free."
    ]


def test_a_visit_that_ends_as_the_next_one_starts_fits(book):
    start = next_weekday_at(10)
    _book(book, start + dt.timedelta(minutes=20))
    assert _book(book, start).end == start + dt.timedelta(minutes=20)


def test_reschedule_frees_the_old_time(book):
    old_start = next_weekday_at(10)
    appointment = _book(book, old_start)
    new = services.reschedule_appointment(
        actor=SYSTEM, appointment=appointment, start=next_weekday_at(14)
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert new.rescheduled_from == appointment
    assert _book(book, old_start).pk  # the old time can be booked again


def test_a_visit_moved_a_little_earlier_may_overlap_its_own_old_time(book):
    old_start = next_weekday_at(10)
    appointment = _book(book, old_start)
    new = services.reschedule_appointment(
        actor=SYSTEM, appointment=appointment, start=old_start - dt.timedelta(minutes=10)
    )
    assert new.start == old_start - dt.timedelta(minutes=10)


def test_cancel_frees_the_time(book):
    start = next_weekday_at(10)
    appointment = _book(book, start)
    services.cancel_appointment(actor=SYSTEM, appointment=appointment, reason="Feeling better")
    assert _book(book, start).pk


def test_cancel_inside_the_practice_window_is_a_late_cancel(book):
    Practice.objects.update(late_cancel_hours=24)
    start = next_weekday_at(10)
    appointment = _book(book, start)
    services.cancel_appointment(
        actor=SYSTEM, appointment=appointment, reason="Sick", now=start - dt.timedelta(hours=3)
    )
    appointment.refresh_from_db()
    assert appointment.is_late_cancel


def test_cancel_well_ahead_is_not_a_late_cancel(book):
    Practice.objects.update(late_cancel_hours=24)
    start = next_weekday_at(10)
    appointment = _book(book, start)
    services.cancel_appointment(
        actor=SYSTEM, appointment=appointment, reason="Sick", now=start - dt.timedelta(days=2)
    )
    appointment.refresh_from_db()
    assert not appointment.is_late_cancel


def test_no_show_is_refused_before_the_start_time(book):
    appointment = _book(book, next_weekday_at(10))
    with pytest.raises(ValidationError) as exc:
        services.mark_no_show(actor=SYSTEM, appointment=appointment)
    assert "status" in exc.value.message_dict


def test_no_show_after_the_start_time_frees_the_time(book):
    start = next_weekday_at(10)
    appointment = _book(book, start)
    services.mark_no_show(
        actor=SYSTEM, appointment=appointment, now=start + dt.timedelta(minutes=20)
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW
    assert not appointment.slot_claims.exists()


def test_overbooking_without_a_rule_is_refused(book):
    start = next_weekday_at(10)
    _book(book, start)
    with pytest.raises(ValidationError) as exc:
        _book(book, start, overbook=True)
    assert "overbooking rule" in exc.value.message_dict["start"][0]


def test_overbooking_under_a_rule_is_marked_and_counted_per_day(book):
    OverbookRuleFactory(provider=book.provider, max_per_day=1)
    start = next_weekday_at(10)
    _book(book, start)
    extra = _book(book, start, overbook=True)
    assert extra.is_overbook
    with pytest.raises(ValidationError):
        _book(book, start + dt.timedelta(hours=1), overbook=True)
    next_day = start + dt.timedelta(days=7)
    assert _book(book, next_day, overbook=True).is_overbook


def test_series_report_marks_taken_closed_and_holiday_dates(book):
    first = next_weekday_at(10, weekday=1)
    _book(book, first + dt.timedelta(weeks=1))
    ScheduleExceptionFactory(
        kind="closure",
        start=first + dt.timedelta(weeks=2) - dt.timedelta(hours=2),
        end=first + dt.timedelta(weeks=2) + dt.timedelta(hours=2),
    )
    plan = services.plan_series(
        provider=book.provider,
        location=book.location,
        appointment_type=book.kind,
        first_start=first,
        count=4,
        patient=PatientFactory(),
    )
    problems = [o.problem for o in plan]
    assert problems[0] == ""
    assert "already has a visit" in problems[1]
    assert problems[2], "the closure is reported"
    assert problems[3] == ""


def test_series_report_marks_a_public_holiday(book):
    # 4 July 2030 is a Thursday; a weekly series starting 27 June crosses it.
    first = dt.datetime(2030, 6, 27, 10, tzinfo=services.practice_zone())
    plan = services.plan_series(
        provider=book.provider,
        location=book.location,
        appointment_type=book.kind,
        first_start=first,
        count=2,
        patient=PatientFactory(),
    )
    assert plan[0].problem == ""
    assert "holiday" in plan[1].problem.lower()


def test_book_series_is_all_or_nothing(book):
    first = next_weekday_at(10, weekday=2)
    taken = first + dt.timedelta(weeks=1)
    _book(book, taken)
    patient = PatientFactory()
    with pytest.raises(ValidationError):
        services.book_series(
            actor=UserFactory(roles=[Role.FRONT_DESK]),
            patient=patient,
            provider=book.provider,
            location=book.location,
            appointment_type=book.kind,
            starts=[first, taken],
        )
    assert not Appointment.objects.filter(patient=patient).exists()


def test_waitlist_matches_respect_provider_window_and_mornings(book):
    start = next_weekday_at(10)
    appointment = _book(book, start)
    day = start.date()
    fits = WaitlistEntryFactory(appointment_type=book.kind, provider=book.provider)
    WaitlistEntryFactory(appointment_type=book.kind, provider=ProviderFactory())
    WaitlistEntryFactory(appointment_type=book.kind, earliest=day + dt.timedelta(1))
    WaitlistEntryFactory(appointment_type=book.kind, afternoons_only=True)
    mornings = WaitlistEntryFactory(appointment_type=book.kind, mornings_only=True, latest=day)
    matches = services.cancel_appointment(actor=SYSTEM, appointment=appointment, reason="Away")
    assert {e.pk for e in matches} == {fits.pk, mornings.pk}


def test_offering_a_slot_marks_the_entry_offered(book):
    appointment = _book(book, next_weekday_at(10))
    entry = WaitlistEntryFactory(appointment_type=book.kind)
    services.cancel_appointment(actor=SYSTEM, appointment=appointment, reason="Away")
    services.offer_slot_to_waitlist(actor=SYSTEM, entry=entry, appointment=appointment)
    entry.refresh_from_db()
    assert entry.status == "offered"
    assert entry.offered_at is not None


def test_appointment_factory_books_through_the_service(practice):
    appointment = AppointmentFactory()
    assert appointment.slot_claims.exists()
    ensure_template(appointment.provider, appointment.location, appointment.start)


def test_what_is_left_of_a_no_show_can_be_offered_to_the_waitlist(book):
    start = next_weekday_at(10)
    appointment = _book(book, start)
    entry = WaitlistEntryFactory(appointment_type=book.kind)
    five_past = start + dt.timedelta(minutes=5)
    services.mark_no_show(actor=SYSTEM, appointment=appointment, now=five_past)
    services.offer_slot_to_waitlist(
        actor=SYSTEM, entry=entry, appointment=appointment, now=five_past
    )
    entry.refresh_from_db()
    assert entry.status == "offered"
    assert entry.patient.messages.filter(kind="waitlist_offer").exists()


def test_a_no_show_with_under_ten_minutes_left_is_not_offered(book):
    start = next_weekday_at(10)
    appointment = _book(book, start)
    entry = WaitlistEntryFactory(appointment_type=book.kind)
    late = start + dt.timedelta(minutes=12)
    services.mark_no_show(actor=SYSTEM, appointment=appointment, now=late)
    with pytest.raises(ValidationError, match="already passed"):
        services.offer_slot_to_waitlist(
            actor=SYSTEM, entry=entry, appointment=appointment, now=late
        )


def test_the_offered_time_of_a_started_no_show_starts_on_the_grid_after_now(book):
    start = next_weekday_at(10)
    appointment = _book(book, start)
    left = services.freed_time_left(appointment, start + dt.timedelta(minutes=3, seconds=20))
    assert left is not None
    assert left.start == start + dt.timedelta(minutes=5)
    assert left.end == appointment.end
