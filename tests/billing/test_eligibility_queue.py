"""Queueing eligibility checks and writing the 270s into the clearinghouses' outboxes."""

from __future__ import annotations

import pytest
from django.test import override_settings

from medoffice.billing.models import EligibilityCheck
from medoffice.billing.services import eligibility
from medoffice.billing.transport import FileDropTransport, TransportError
from medoffice.x12.reader import X12Reader
from tests.billing.factories_eligibility import (
    CoverageFactory,
    EligibilityCheckFactory,
    insured,
    local_day,
    visit_on,
)
from tests.factories import SYSTEM, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "outbox"


def _insured_visit(location, days, outbox=""):
    patient = PatientFactory(home_location=location)
    coverage = insured(patient, outbox)
    return visit_on(local_day(days), location, patient=patient), coverage


@override_settings(ELIGIBILITY_DAYS_AHEAD=3)
def test_a_visit_three_days_ahead_is_queued_with_a_trace_number(location):
    visit, coverage = _insured_visit(location, 3)
    (check,) = eligibility.queue_checks(actor=SYSTEM)
    assert (check.coverage, check.appointment, check.service_date) == (
        coverage,
        visit,
        local_day(3),
    )
    assert check.status == "queued"
    assert check.trace_number.isdigit()


@override_settings(ELIGIBILITY_DAYS_AHEAD=3)
def test_a_visit_beyond_the_window_is_not_queued_yet(location):
    _insured_visit(location, 4)
    assert eligibility.queue_checks(actor=SYSTEM) == []


@override_settings(ELIGIBILITY_DAYS_AHEAD=3)
def test_a_visit_booked_at_short_notice_for_tomorrow_is_queued_by_the_next_run(location):
    eligibility.queue_checks(actor=SYSTEM)
    visit, _ = _insured_visit(location, 1)
    (check,) = eligibility.queue_checks(actor=SYSTEM)
    assert check.appointment == visit


def test_the_days_ahead_can_be_set_for_the_practice(location, settings):
    settings.ELIGIBILITY_DAYS_AHEAD = 5
    _insured_visit(location, 5)
    assert len(eligibility.queue_checks(actor=SYSTEM)) == 1


def test_a_coverage_and_date_already_checked_is_not_queued_again(location):
    _insured_visit(location, 2)
    eligibility.queue_checks(actor=SYSTEM)
    assert eligibility.queue_checks(actor=SYSTEM) == []
    assert EligibilityCheck.objects.count() == 1


def test_two_visits_of_one_patient_on_one_day_make_one_check(location):
    visit, _ = _insured_visit(location, 2)
    visit_on(local_day(2), location, patient=visit.patient, hour=15)
    assert len(eligibility.queue_checks(actor=SYSTEM)) == 1


def test_a_patient_without_coverage_gets_no_check(location):
    visit_on(local_day(2), location)
    assert eligibility.queue_checks(actor=SYSTEM) == []


def test_a_coverage_that_ends_before_the_visit_gets_no_check(location):
    patient = PatientFactory(home_location=location)
    insured(patient, effective_to=local_day(1))
    visit_on(local_day(2), location, patient=patient)
    assert eligibility.queue_checks(actor=SYSTEM) == []


def test_a_cancelled_visit_gets_no_check(location):
    from medoffice.scheduling import services as booking

    visit, _ = _insured_visit(location, 2)
    booking.cancel_appointment(actor=SYSTEM, appointment=visit, reason="Patient called")
    assert eligibility.queue_checks(actor=SYSTEM) == []


def test_the_batch_writes_one_270_per_clearinghouse_into_its_outbox(location, outbox):
    _first, _ = _insured_visit(location, 1, outbox / "a")
    _insured_visit(location, 2, outbox / "b")
    eligibility.queue_checks(actor=SYSTEM)
    result = eligibility.write_batch(actor=SYSTEM)
    assert sorted(p.parent.name for p in outbox.glob("*/*.x12")) == ["a", "b"]
    assert {f.checks for f in result.files} == {1}


def test_the_270_is_well_formed_with_the_date_of_service_and_the_trace(location, outbox):
    _visit, coverage = _insured_visit(location, 2, outbox)
    (check,) = eligibility.queue_checks(actor=SYSTEM)
    eligibility.write_batch(actor=SYSTEM)
    (written,) = outbox.glob("*.x12")
    reader = X12Reader(written.read_text(), strict=True)
    segments = {s.id: s for s in reader}
    assert reader.errors == []
    assert segments["ST"].get(1) == "270"
    assert segments["DTP"].get(1) == "291"
    assert segments["DTP"].get(3) == local_day(2).strftime("%Y%m%d")
    assert segments["TRN"].get(2) == check.trace_number
    assert coverage.member_id in written.read_text()


def test_a_dependent_patient_is_asked_about_under_the_subscriber(location, outbox):
    patient = PatientFactory(home_location=location, first_name="Lucia")
    insured(
        patient,
        outbox,
        relationship="19",
        subscriber_first_name="Marco",
        subscriber_last_name=patient.last_name,
    )
    visit_on(local_day(2), location, patient=patient)
    (check,) = eligibility.queue_checks(actor=SYSTEM)
    eligibility.write_batch(actor=SYSTEM)
    (written,) = outbox.glob("*.x12")
    listed = list(X12Reader(written.read_text(), strict=True))
    names = {s.get(1): s for s in listed if s.id == "NM1"}
    assert names["IL"].get(4) == "MARCO"
    assert names["03"].get(4) == "LUCIA"
    assert [s.get(3) for s in listed if s.id == "HL"][-2:] == ["22", "23"]
    assert [s.get(2) for s in listed if s.id == "TRN"] == [check.trace_number]


def test_sent_checks_are_marked_sent(location, outbox):
    _insured_visit(location, 2, outbox)
    eligibility.queue_checks(actor=SYSTEM)
    eligibility.write_batch(actor=SYSTEM)
    assert list(EligibilityCheck.objects.values_list("status", flat=True)) == ["sent"]


def test_a_payer_without_a_clearinghouse_fails_its_check_with_the_reason(location):
    patient = PatientFactory(home_location=location)
    CoverageFactory(patient=patient)
    visit_on(local_day(2), location, patient=patient)
    eligibility.queue_checks(actor=SYSTEM)
    result = eligibility.write_batch(actor=SYSTEM)
    check = EligibilityCheck.objects.get()
    assert check.status == "failed"
    assert "no clearinghouse" in check.rejection_reason
    assert result.files == []


def test_a_file_the_transport_refuses_leaves_its_checks_queued(location, outbox, monkeypatch):
    _insured_visit(location, 2, outbox)
    eligibility.queue_checks(actor=SYSTEM)

    def refuse(self, file_name, content):
        raise TransportError("the outbox is full")

    monkeypatch.setattr(FileDropTransport, "deliver", refuse)
    result = eligibility.write_batch(actor=SYSTEM)
    assert [f.note for f in result.undelivered] == ["the outbox is full"]
    assert EligibilityCheck.objects.get().status == "queued"


def test_the_file_drop_never_overwrites_a_file(tmp_path):
    drop = FileDropTransport(tmp_path)
    drop.deliver("270-000000001.x12", "first")
    with pytest.raises(TransportError, match="already exists"):
        drop.deliver("270-000000001.x12", "second")
    assert (tmp_path / "270-000000001.x12").read_text() == "first"


def test_the_file_drop_refuses_a_name_leading_out_of_its_folder(tmp_path):
    with pytest.raises(TransportError):
        FileDropTransport(tmp_path).deliver("../escape.x12", "x")


def test_check_again_queues_a_new_inquiry_and_keeps_the_old_answer(location):
    old = EligibilityCheckFactory(status="rejected", rejection_reason="patient not found")
    again = eligibility.check_again(actor=SYSTEM, check=old)
    assert (again.status, again.coverage, again.service_date) == (
        "queued",
        old.coverage,
        old.service_date,
    )
    old.refresh_from_db()
    assert old.status == "rejected"


def test_check_again_twice_is_refused_while_the_first_is_waiting(location):
    from django.core.exceptions import ValidationError

    old = EligibilityCheckFactory(status="rejected")
    eligibility.check_again(actor=SYSTEM, check=old)
    with pytest.raises(ValidationError):
        eligibility.check_again(actor=SYSTEM, check=old)


def test_trace_numbers_never_repeat():
    first = eligibility.take_numbers("270TRN", 3)
    second = eligibility.take_numbers("270TRN", 2)
    assert len(set(first + second)) == 5
