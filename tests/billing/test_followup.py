"""Following up silent claims: which claims wait, the 276 asking about them, the 277's
answers stored with the claims, notes and tasks, and the command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.billing.models import (
    Claim,
    ClaimNote,
    ControlNumber,
    PayerAdjudication,
    StatusInquiry,
    StatusRequestFile,
)
from medoffice.billing.selectors import followup as selectors
from medoffice.billing.services import followup
from medoffice.core.models import AuditEvent, Practice
from medoffice.x12.claimstatus import read_277
from medoffice.x12.reader import X12Reader
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_followup import Answer, answer_277, waiting_claim
from tests.factories import SYSTEM, LocationFactory, UserFactory
from tests.x12.fuzzing import mutations

pytestmark = pytest.mark.django_db


@pytest.fixture
def location():
    office_visit_codes()
    place = LocationFactory(postal_code="01103-2211")
    Practice.objects.update(postal_code="01103-2211", phone="(413) 555-0100")
    return place


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def _same_house(*claims: Claim) -> None:
    """Send every claim's payer through the first one's clearinghouse."""
    house = claims[0].payer.billing.clearinghouse
    for claim in claims[1:]:
        claim.payer.billing.clearinghouse = house
        claim.payer.billing.save()


def _ask(*claims: Claim, actor=SYSTEM, **kwargs) -> followup.AskResult:
    return followup.ask_payers(
        claims=Claim.objects.filter(pk__in=[c.pk for c in claims]), actor=actor, **kwargs
    )


# --- which claims wait ----------------------------------------------------------------------


def test_a_claim_submitted_long_enough_ago_awaits_an_answer(location, outbox):
    claim = waiting_claim(location, outbox, days=45)

    assert list(selectors.awaiting_answer(SYSTEM)) == [claim]


def test_a_claim_submitted_recently_does_not_wait_yet(location, outbox):
    waiting_claim(location, outbox, days=10)

    assert not selectors.awaiting_answer(SYSTEM).exists()


def test_the_number_of_days_is_the_callers(location, outbox):
    claim = waiting_claim(location, outbox, days=10)

    assert list(selectors.awaiting_answer(SYSTEM, days=7)) == [claim]


def test_an_accepted_claim_awaits_too(location, outbox):
    claim = waiting_claim(location, outbox, status="accepted")

    assert list(selectors.awaiting_answer(SYSTEM)) == [claim]


def test_an_adjudicated_claim_does_not_wait(location, outbox):
    claim = waiting_claim(location, outbox)
    PayerAdjudication.objects.create(
        claim=claim,
        adjudicated_on=dt.date(2026, 11, 20),
        paid=Decimal("0"),
        entered_at=timezone.now(),
    )

    assert not selectors.awaiting_answer(SYSTEM).exists()


def test_a_user_of_another_location_does_not_see_the_claim_wait(location, outbox):
    waiting_claim(location, outbox)
    elsewhere = UserFactory(roles=["biller"], locations=[LocationFactory()])

    assert not selectors.awaiting_answer(elsewhere).exists()


def test_the_days_waiting_count_from_the_first_submission(location, outbox):
    claim = waiting_claim(location, outbox, days=45)
    today = timezone.localtime(claim.first_submitted_at).date() + dt.timedelta(days=45)

    assert selectors.days_waiting(claim, today) == 45


# --- asking (276) ---------------------------------------------------------------------------


def test_one_276_per_clearinghouse_asks_about_its_claims(location, outbox):
    first, second = waiting_claim(location, outbox), waiting_claim(location, outbox)

    result = _ask(first, second)

    assert len(result.files) == 2  # each claim's payer has its own clearinghouse
    assert [done.request_file.claim_count for done in result.files] == [1, 1]
    asked = {
        s.get(2) for d in result.files for s in X12Reader(d.request_file.content) if s.id == "TRN"
    }
    assert asked == {first.control_number, second.control_number}


def test_claims_through_one_clearinghouse_go_in_one_276(location, outbox):
    claims = [waiting_claim(location, outbox) for _ in range(3)]
    _same_house(*claims)

    (done,) = _ask(*claims).files

    assert done.request_file.claim_count == 3
    assert done.request_file.inquiries.count() == 3


def test_the_276_names_the_claims_patient_account_and_charge(location, outbox):
    claim = waiting_claim(location, outbox)

    (done,) = _ask(claim).files

    found = {s.id: s for s in X12Reader(done.request_file.content) if s.id in {"AMT", "TRN"}}
    assert found["TRN"].get(2) == claim.control_number
    assert Decimal(found["AMT"].get(2)) == claim.total_charge


def test_the_276_carries_the_payers_claim_number_when_we_have_it(location, outbox):
    claim = waiting_claim(location, outbox)
    Claim.objects.filter(pk=claim.pk).update(payer_claim_number="SYNPCN77")

    (done,) = _ask(claim).files

    refs = [s.get(2) for s in X12Reader(done.request_file.content) if s.id == "REF"]
    assert "SYNPCN77" in refs


def test_the_276_takes_the_next_interchange_number(location, outbox):
    claim = waiting_claim(location, outbox)
    ControlNumber.objects.update_or_create(kind="ISA", defaults={"last": 500})

    (done,) = _ask(claim).files

    assert done.request_file.interchange_control_number == 501
    assert ControlNumber.objects.get(kind="ISA").last == 501


def test_each_claim_asked_about_has_an_open_inquiry(location, outbox):
    claim = waiting_claim(location, outbox)

    (done,) = _ask(claim).files

    (inquiry,) = StatusInquiry.objects.filter(claim=claim)
    assert inquiry.request_file == done.request_file
    assert inquiry.asked_at is not None
    assert inquiry.answered_at is None


def test_asking_is_audited_with_the_patients(location, outbox):
    claim = waiting_claim(location, outbox)

    (done,) = _ask(claim).files

    event = AuditEvent.objects.get(
        action="create",
        object_type="billing.statusrequestfile",
        object_id=str(done.request_file.pk),
    )
    assert event.shown_patient_ids == [claim.patient_id]


def test_a_claim_not_at_the_payer_is_not_asked_about(location, outbox):
    claim = waiting_claim(location, outbox, status="rejected")

    assert _ask(claim).files == []


def test_a_claim_the_276_cannot_carry_is_set_aside_with_why(location, outbox):
    claim, other = waiting_claim(location, outbox), waiting_claim(location, outbox)
    _same_house(claim, other)
    claim.coverage.member_id = ""
    claim.coverage.save()

    result = _ask(claim, other)

    assert [(c.pk, "member id" in why) for c, why in result.refused] == [(claim.pk, True)]
    assert result.files[0].request_file.claim_count == 1
    assert not StatusInquiry.objects.filter(claim=claim).exists()


def test_the_files_are_written_to_the_folder_given(location, outbox, tmp_path):
    claim = waiting_claim(location, outbox)

    (done,) = _ask(claim, out_dir=tmp_path / "out").files

    assert (tmp_path / "out" / done.request_file.file_name).read_text() == (
        done.request_file.content
    )


def test_a_role_without_claim_work_may_not_ask(location, outbox):
    claim = waiting_claim(location, outbox)

    with pytest.raises(PermissionDenied):
        _ask(claim, actor=UserFactory(roles=["front_desk"]))


def test_a_user_of_another_location_asks_about_nothing_of_this_one(location, outbox):
    claim = waiting_claim(location, outbox)
    elsewhere = UserFactory(roles=["biller"], locations=[LocationFactory()])

    assert _ask(claim, actor=elsewhere).files == []


# --- answers (277) --------------------------------------------------------------------------


def _import(text: str | bytes, actor=SYSTEM) -> followup.StatusReport:
    return followup.import_claim_status(content=text, file_name="answer.277", actor=actor)


def test_our_277_builder_reads_back():
    (answer,) = read_277(answer_277(Answer("SYN1", "F1:65", paid=Decimal("80.00")))).claims

    assert (answer.control_number, answer.kind, answer.statuses[0].paid) == (
        "SYN1",
        "paid",
        Decimal("80.00"),
    )


def test_a_paid_answer_is_stored_on_the_open_inquiry(location, outbox):
    claim = waiting_claim(location, outbox)
    _ask(claim)

    report = _import(answer_277(Answer(claim.control_number, "F1:65", paid=Decimal("80.00"))))

    (line,) = report.lines
    assert (line.outcome, line.claim_id) == ("paid", claim.pk)
    (inquiry,) = StatusInquiry.objects.filter(claim=claim)
    assert (inquiry.kind, inquiry.category, inquiry.status_code) == ("paid", "F1", "65")
    assert (inquiry.charged, inquiry.paid) == (Decimal("125.00"), Decimal("80.00"))
    assert inquiry.answered_at is not None
    assert inquiry.answer_file_name == "answer.277"


@pytest.mark.parametrize(
    ("stc", "outcome"),
    [
        ("F1:65", "paid"),
        ("F2:88", "denied"),
        ("P1:20", "pending"),
        ("R4:21", "information wanted"),
        ("D0:35", "not found"),
    ],
)
def test_each_answer_is_reported_by_what_the_biller_does_next(location, outbox, stc, outcome):
    claim = waiting_claim(location, outbox)

    (line,) = _import(answer_277(Answer(claim.control_number, stc))).lines

    assert line.outcome == outcome


def test_an_unasked_answer_gets_an_inquiry_of_its_own(location, outbox):
    claim = waiting_claim(location, outbox)

    _import(answer_277(Answer(claim.control_number, "P1:20")))

    (inquiry,) = StatusInquiry.objects.filter(claim=claim)
    assert (inquiry.asked_at, inquiry.request_file, inquiry.kind) == (None, None, "pending")


def test_the_answer_goes_to_the_latest_open_inquiry(location, outbox):
    claim = waiting_claim(location, outbox)
    _ask(claim)
    _import(answer_277(Answer(claim.control_number, "P1:20")))
    _ask(claim)

    _import(answer_277(Answer(claim.control_number, "F2:88")))

    kinds = list(StatusInquiry.objects.filter(claim=claim).order_by("pk").values_list("kind"))
    assert kinds == [("pending",), ("denied",)]


def test_the_payers_claim_number_is_kept_on_the_claim(location, outbox):
    claim = waiting_claim(location, outbox)

    _import(answer_277(Answer(claim.control_number, "P1:20", payer_claim_number="SYNPCN9")))

    claim.refresh_from_db()
    assert claim.payer_claim_number == "SYNPCN9"


def test_a_claim_number_we_do_not_have_is_not_found(location, outbox):
    (line,) = _import(answer_277(Answer("NOSUCHCLAIM", "F1:65"))).lines

    assert (line.outcome, line.claim_id) == ("not found", None)


def test_an_answer_for_another_locations_claim_is_not_found_and_not_stored(location, outbox):
    claim = waiting_claim(location, outbox)
    elsewhere = UserFactory(roles=["biller"], locations=[LocationFactory()])

    report = _import(answer_277(Answer(claim.control_number, "F1:65")), actor=elsewhere)

    (line,) = report.lines
    assert (line.outcome, line.claim_id) == ("not found", None)
    assert not StatusInquiry.objects.filter(claim=claim).exists()


def test_an_unreadable_file_changes_nothing_and_names_the_segment(location, outbox):
    claim = waiting_claim(location, outbox)
    _ask(claim)
    broken = answer_277(Answer(claim.control_number, "P1:20")).replace("HL*4*3*22", "HL*4*3*99")

    report = _import(broken)

    assert not report.ok
    assert "HL" in report.problems[0]
    assert "segment" in report.problems[0]
    assert StatusInquiry.objects.get(claim=claim).answered_at is None


def test_a_file_that_is_not_text_is_refused():
    report = _import(b"\xff\xfe\x00binary")

    assert report.problems == ["The file is not text (UTF-8): is it the right file?"]


def test_importing_answers_is_audited_with_the_patients(location, outbox):
    claim = waiting_claim(location, outbox)

    _import(answer_277(Answer(claim.control_number, "P1:20")))

    event = AuditEvent.objects.get(object_type="billing.statusinquiry", action="update")
    assert event.shown_patient_ids == [claim.patient_id]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=300))
def test_any_bytes_give_a_report_never_an_exception(junk):
    report = _import(junk)

    assert report.ok or report.problems


@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(paid=st.decimals(allow_nan=True, allow_infinity=True, places=2))
def test_any_amount_paid_is_stored_or_left_empty_never_an_exception(location, outbox, paid):
    claim = Claim.objects.first() or waiting_claim(location, outbox)
    text = answer_277(Answer(claim.control_number, "F1:65")).replace("*125.00~", f"*125.00*{paid}~")

    report = _import(text)

    assert report.ok or report.problems


def test_nul_in_the_trace_number_and_the_payers_words_never_breaks_the_import(location, outbox):
    claim = waiting_claim(location, outbox)
    text = answer_277(
        Answer(claim.control_number, "P1:20"), Answer("BAD\x00NUMBER", "P1:20")
    ).replace("*20261130**125.00~", "*20261130**125.00********WAIT\x00ING~", 1)

    report = _import(text)

    assert [line.outcome for line in report.lines] == ["pending", "not found"]
    assert StatusInquiry.objects.get(claim=claim).description.endswith(": WAITING")


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(data=mutations(answer_277(Answer("SYNC0001", "F1:65", paid=Decimal("80.00")))))
def test_a_mutated_277_gives_a_report_never_an_exception(data):
    report = _import(data)

    assert report.ok or report.problems


# --- notes and tasks ------------------------------------------------------------------------


TODAY = dt.date(2026, 12, 2)


def _biller(location):
    return UserFactory(roles=["biller"], locations=[location])


def test_a_note_is_kept_on_one_line(location, outbox):
    claim = waiting_claim(location, outbox)

    note = followup.add_note(claim=claim, text="  Called\n the payer\x00 ", actor=SYSTEM)

    assert note.text == "Called the payer"
    assert not note.is_task


def test_a_note_with_a_follow_up_date_and_an_assignee_is_a_task(location, outbox):
    claim = waiting_claim(location, outbox)
    biller = _biller(location)

    note = followup.add_note(
        claim=claim,
        text="Call again",
        follow_up_on=TODAY,
        assigned_to=biller,
        actor=SYSTEM,
        today=TODAY,
    )

    assert (note.is_task, note.assigned_to) == (True, biller)


def test_every_problem_of_a_note_is_named_at_once_and_nothing_written(location, outbox):
    claim = waiting_claim(location, outbox)
    stranger = UserFactory(roles=["biller"], locations=[LocationFactory()])

    with pytest.raises(ValidationError) as refused:
        followup.add_note(claim=claim, text=" \n ", assigned_to=stranger, actor=SYSTEM, today=TODAY)

    assert set(refused.value.message_dict) == {"text", "follow_up_on", "assigned_to"}
    assert not ClaimNote.objects.exists()


def test_a_follow_up_date_far_ahead_is_refused(location, outbox):
    claim = waiting_claim(location, outbox)

    with pytest.raises(ValidationError) as refused:
        followup.add_note(
            claim=claim, text="Later", follow_up_on=dt.date(9999, 12, 31), actor=SYSTEM, today=TODAY
        )

    assert "follow_up_on" in refused.value.message_dict


def test_a_note_too_long_is_refused(location, outbox):
    claim = waiting_claim(location, outbox)

    with pytest.raises(ValidationError) as refused:
        followup.add_note(claim=claim, text="x" * 2001, actor=SYSTEM)

    assert "text" in refused.value.message_dict


def test_a_task_is_marked_done_once(location, outbox):
    claim = waiting_claim(location, outbox)
    note = followup.add_note(
        claim=claim, text="Call again", follow_up_on=TODAY, actor=SYSTEM, today=TODAY
    )

    done = followup.complete_task(note=note, actor=SYSTEM)

    assert done.done_at is not None
    with pytest.raises(ValidationError):
        followup.complete_task(note=note, actor=SYSTEM)


def test_a_plain_note_is_not_a_task_to_mark_done(location, outbox):
    note = followup.add_note(claim=waiting_claim(location, outbox), text="FYI", actor=SYSTEM)

    with pytest.raises(ValidationError):
        followup.complete_task(note=note, actor=SYSTEM)


def test_open_tasks_due_today_or_earlier_are_listed(location, outbox):
    claim = waiting_claim(location, outbox)
    due = followup.add_note(claim=claim, text="Due", follow_up_on=TODAY, actor=SYSTEM, today=TODAY)
    followup.add_note(
        claim=claim,
        text="Later",
        follow_up_on=TODAY + dt.timedelta(days=3),
        actor=SYSTEM,
        today=TODAY,
    )

    assert list(selectors.open_tasks_due(SYSTEM, TODAY)) == [due]


def test_another_locations_user_sees_none_of_the_notes(location, outbox):
    claim = waiting_claim(location, outbox)
    followup.add_note(claim=claim, text="Due", follow_up_on=TODAY, actor=SYSTEM, today=TODAY)
    elsewhere = UserFactory(roles=["biller"], locations=[LocationFactory()])

    assert not ClaimNote.objects.restrict(elsewhere, "view").exists()
    assert not selectors.open_tasks_due(elsewhere, TODAY).exists()


# --- the command ----------------------------------------------------------------------------


def test_the_ask_command_writes_the_276_files_and_prints_them(location, outbox, tmp_path, capsys):
    waiting_claim(location, outbox, days=40)

    call_command("claimstatus", "ask", "--days", "30", "--out", str(tmp_path / "asked"))

    out = capsys.readouterr().out
    assert "Asked about 1 claim(s) in 1 file(s)." in out
    (written,) = (tmp_path / "asked").iterdir()
    assert written.name in out
    assert StatusRequestFile.objects.get().file_name == written.name


def test_the_ask_command_with_nothing_waiting_says_so(location, outbox, tmp_path, capsys):
    waiting_claim(location, outbox, days=5)

    call_command("claimstatus", "ask", "--out", str(tmp_path))

    assert "No claim has waited 30 days" in capsys.readouterr().out


def test_the_import_command_prints_each_claim(location, outbox, tmp_path, capsys):
    claim = waiting_claim(location, outbox)
    path = tmp_path / "a.277"
    path.write_text(answer_277(Answer(claim.control_number, "R4:21")))

    call_command("claimstatus", "import", str(path))

    assert f"{claim.control_number}: information wanted" in capsys.readouterr().out


def test_the_import_command_fails_on_an_unreadable_file(tmp_path):
    path = tmp_path / "bad.277"
    path.write_text("ISA*nonsense~")

    with pytest.raises(CommandError):
        call_command("claimstatus", "import", str(path))
