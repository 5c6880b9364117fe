"""The follow-up pages: the list of claims without an answer with its tasks and files,
asking the payers, a 276's download, importing 277 answers, and notes on the claim page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medoffice.billing.models import ClaimNote, StatusInquiry, StatusRequestFile
from medoffice.billing.services import followup
from medoffice.core.models import AuditEvent, Practice
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_followup import Answer, answer_277, waiting_claim
from tests.factories import SYSTEM, LocationFactory

pytestmark = pytest.mark.django_db

LIST = "billing_office:follow-up"


@pytest.fixture
def location(practice):
    office_visit_codes()
    place = LocationFactory(postal_code="01103-2211")
    Practice.objects.update(postal_code="01103-2211", phone="(413) 555-0100")
    return place


@pytest.fixture
def claim(location, tmp_path: Path):
    return waiting_claim(location, tmp_path / "outbox", days=45)


@pytest.fixture
def biller(client_for, location):
    return client_for(Role.BILLER, locations=[location])


def test_the_list_shows_a_claim_waiting_with_its_days(biller, claim):
    page = biller.get(reverse(LIST))

    assert page.status_code == 200
    assert claim.control_number.encode() in page.content


def test_the_list_leaves_out_claims_waiting_fewer_days_than_asked(biller, claim):
    page = biller.get(reverse(LIST), {"days": "60"})

    assert claim.control_number.encode() not in page.content


def test_the_list_filters_by_the_last_answer(biller, claim):
    followup.import_claim_status(
        content=answer_277(Answer(claim.control_number, "R4:21")), file_name="a", actor=SYSTEM
    )

    wanted = biller.get(reverse(LIST), {"last_kind": "information wanted"})
    never = biller.get(reverse(LIST), {"last_kind": "none"})

    assert claim.control_number.encode() in wanted.content
    assert claim.control_number.encode() not in never.content


@pytest.mark.parametrize("days", ["-1", "1e309", "99999999999999999999", "\x00", "thirty"])
def test_odd_days_are_refused_naming_the_filter_never_a_500(biller, claim, days):
    page = biller.get(reverse(LIST), {"days": days})

    assert page.status_code == 400
    assert b'data-refused-field="days"' in page.content


def test_the_list_exports_csv(biller, claim):
    page = biller.get(reverse(LIST), {"format": "csv"})

    assert page.status_code == 200
    assert claim.control_number in b"".join(page.streaming_content).decode()


def test_another_locations_biller_does_not_see_the_claim(client_for, claim):
    other = client_for(Role.BILLER, locations=[LocationFactory()])

    assert claim.control_number.encode() not in other.get(reverse(LIST)).content


def test_asking_makes_a_276_for_the_listed_claims(biller, claim):
    page = biller.post(reverse("billing_office:follow-up-ask"), {"days": "30"})

    assert page.status_code == 302
    made = StatusRequestFile.objects.get()
    assert claim.control_number in made.content
    assert made.file_name.encode() in biller.get(reverse(LIST)).content


def test_asking_about_typed_claim_numbers_asks_about_those_only(biller, claim, location, tmp_path):
    other = waiting_claim(location, tmp_path / "outbox")

    biller.post(reverse("billing_office:follow-up-ask"), {"claims": claim.control_number})

    assert list(StatusInquiry.objects.values_list("claim_id", flat=True)) == [claim.pk]
    assert not StatusInquiry.objects.filter(claim=other).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"days": "1e309", "payer": "9" * 30},
        {"last_kind": "\x00"},
        {"claims": "C\x00 " + "9" * 40},
        {"claims": " ".join(f"C{n}" for n in range(600))},
    ],
)
def test_asking_with_odd_input_writes_nothing_and_says_why(biller, claim, fields):
    page = biller.post(reverse("billing_office:follow-up-ask"), fields)

    assert page.status_code == 302
    assert not StatusRequestFile.objects.exists()


def test_the_276_downloads_and_the_download_is_audited(biller, claim):
    (done,) = followup.ask_payers(claims=[claim], actor=SYSTEM).files

    page = biller.get(reverse("billing_office:follow-up-file", args=[done.request_file.pk]))

    assert page.status_code == 200
    assert page.content.decode() == done.request_file.content
    assert AuditEvent.objects.filter(
        action="export", object_type="billing.statusrequestfile"
    ).exists()


def test_a_276_with_another_locations_claims_is_not_downloaded(client_for, claim):
    (done,) = followup.ask_payers(claims=[claim], actor=SYSTEM).files
    other = client_for(Role.BILLER, locations=[LocationFactory()])

    page = other.get(reverse("billing_office:follow-up-file", args=[done.request_file.pk]))

    assert page.status_code == 404


def test_importing_a_277_shows_the_report_per_claim(biller, claim):
    upload = SimpleUploadedFile("a.277", answer_277(Answer(claim.control_number, "F2:88")).encode())

    page = biller.post(reverse("billing_office:follow-up-answers"), {"file": upload})

    assert page.status_code == 200
    assert b"denied" in page.content
    assert StatusInquiry.objects.get(claim=claim).kind == "denied"


def test_an_unreadable_277_is_refused_and_changes_nothing(biller, claim):
    upload = SimpleUploadedFile("a.277", b"ISA*broken~")

    page = biller.post(reverse("billing_office:follow-up-answers"), {"file": upload})

    assert page.status_code == 400
    assert b"nothing was changed" in page.content
    assert not StatusInquiry.objects.exists()


def test_the_claim_page_shows_its_inquiries(biller, claim):
    followup.import_claim_status(
        content=answer_277(Answer(claim.control_number, "P1:20")), file_name="b.277", actor=SYSTEM
    )

    page = biller.get(reverse("billing_office:claim", args=[claim.pk]))

    assert b'data-testid="claim-inquiries"' in page.content
    assert b"pending" in page.content


def test_a_note_added_on_the_claim_page_is_kept(biller, claim):
    page = biller.post(
        reverse("billing_office:claim-notes", args=[claim.pk]), {"text": "Called the payer"}
    )

    assert page.status_code == 302
    assert ClaimNote.objects.get().text == "Called the payer"


def test_a_task_given_to_a_biller_of_the_location(biller, claim):
    page = biller.post(
        reverse("billing_office:claim-notes", args=[claim.pk]),
        {"text": "Call again", "follow_up_on": "2026-12-09", "assigned_to": str(biller.user.pk)},
    )

    assert page.status_code == 302
    note = ClaimNote.objects.get()
    assert (note.follow_up_on, note.assigned_to) == (dt.date(2026, 12, 9), biller.user)


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "", "follow_up_on": "9999-12-31"},
        {"text": "\x00", "assigned_to": "9" * 30},
        {"text": "x", "follow_up_on": "not-a-date", "assigned_to": "-1"},
        {"text": "x" * 3000, "follow_up_on": "2026-02-30"},
    ],
)
def test_a_refused_note_names_every_problem_and_writes_nothing(biller, claim, fields):
    page = biller.post(reverse("billing_office:claim-notes", args=[claim.pk]), fields)

    assert page.status_code == 400
    assert b'data-testid="form-errors"' in page.content
    assert not ClaimNote.objects.exists()


def test_an_empty_note_with_a_bad_date_names_both(biller, claim):
    page = biller.post(
        reverse("billing_office:claim-notes", args=[claim.pk]),
        {"text": " ", "follow_up_on": "9999-12-31"},
    )

    assert b'data-field-error="text"' in page.content
    assert b'data-field-error="follow_up_on"' in page.content


def test_a_task_due_is_listed_atop_the_follow_up_page_and_marked_done(biller, claim):
    note = followup.add_note(
        claim=claim,
        text="Call the payer",
        follow_up_on=dt.date(2020, 1, 2),
        actor=SYSTEM,
        today=dt.date(2020, 1, 1),
    )

    page = biller.get(reverse(LIST))
    assert b'data-testid="tasks-due"' in page.content

    biller.post(reverse("billing_office:claim-note-done", args=[note.pk]), {"next": "follow-up"})
    note.refresh_from_db()
    assert note.done_at is not None


def test_the_front_desk_may_not_open_the_follow_up_list(client_for, location):
    assert client_for(Role.FRONT_DESK, locations=[location]).get(reverse(LIST)).status_code == 403


def test_another_locations_biller_cannot_note_the_claim(client_for, claim):
    other = client_for(Role.BILLER, locations=[LocationFactory()])

    page = other.post(reverse("billing_office:claim-notes", args=[claim.pk]), {"text": "Hello"})

    assert page.status_code == 404
    assert not ClaimNote.objects.exists()


def test_another_locations_biller_cannot_mark_the_task_done(client_for, claim):
    note = followup.add_note(
        claim=claim,
        text="Call",
        follow_up_on=dt.date(2026, 12, 1),
        actor=SYSTEM,
        today=dt.date(2026, 12, 1),
    )
    other = client_for(Role.BILLER, locations=[LocationFactory()])

    page = other.post(reverse("billing_office:claim-note-done", args=[note.pk]))

    assert page.status_code == 404
    note.refresh_from_db()
    assert note.done_at is None


def test_a_task_goes_only_to_someone_who_works_the_claims_location(client_for, claim, location):
    from medoffice.billing.forms.followup import claim_workers

    here = client_for(Role.BILLER, locations=[location]).user
    everywhere = client_for(Role.OFFICE_MANAGER).user
    client_for(Role.BILLER, locations=[LocationFactory()])
    client_for(Role.FRONT_DESK, locations=[location])

    assert set(claim_workers(claim)) == {here, everywhere}
