"""The denial pages: the queue grouped and filtered, a denial's page with its codes in words
and hint, its actions, manual entry, appeals with their letter (PDF), templates, the report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from medoffice.billing.models import Appeal, AppealTemplate, Denial, LedgerEntry
from medoffice.billing.services import denials as services
from medoffice.core.models import AuditEvent
from medoffice.core.roles import Role
from tests.billing.factories_claims import office_visit_codes
from tests.billing.factories_denials import a_denial, denied_claim
from tests.factories import SYSTEM, LocationFactory

pytestmark = pytest.mark.django_db

QUEUE = "billing_office:denials"


@pytest.fixture
def location(practice):
    office_visit_codes()
    services.ensure_templates()  # a demo test's flush may have taken the seeded ones
    return LocationFactory()


@pytest.fixture
def claim(location, tmp_path: Path):
    return denied_claim(location, tmp_path / "outbox")


@pytest.fixture
def denial(claim):
    return a_denial(claim)


@pytest.fixture
def biller(client_for, location):
    return client_for(Role.BILLER, locations=[location])


def test_the_queue_lists_a_denial_with_its_claim(biller, denial):
    page = biller.get(reverse(QUEUE))

    assert page.status_code == 200
    assert denial.claim.control_number.encode() in page.content


def test_the_queue_groups_by_category_and_code_with_their_words(biller, denial):
    page = biller.get(reverse(QUEUE))

    assert b'data-testid="group-category"' in page.content
    assert b"CO-16" in page.content
    assert b"N290" in page.content


def test_the_queue_filters_by_code(biller, claim, denial):
    other = a_denial(claim, reason="29", remarks=(), source_id="T2")

    page = biller.get(reverse(QUEUE), {"code": "CO-29"})

    assert reverse("billing_office:denial", args=[other.pk]).encode() in page.content
    assert reverse("billing_office:denial", args=[denial.pk]).encode() not in page.content


def test_the_queue_filters_by_remark_code(biller, claim, denial):
    page = biller.get(reverse(QUEUE), {"code": "N290"})

    assert reverse("billing_office:denial", args=[denial.pk]).encode() in page.content


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("age", "1e309"),
        ("age", "-1"),
        ("code", "CO-16'--"),
        ("assigned", "\x00"),
        ("status", "lost"),
    ],
)
def test_odd_filters_are_refused_naming_the_filter_never_a_500(biller, denial, name, value):
    page = biller.get(reverse(QUEUE), {name: value})

    assert page.status_code == 400
    assert f'data-refused-field="{name}"'.encode() in page.content


def test_the_queue_exports_csv(biller, denial):
    page = biller.get(reverse(QUEUE), {"format": "csv"})

    assert page.status_code == 200
    assert b"CO-16" in b"".join(page.streaming_content)


def test_a_biller_of_another_location_does_not_see_the_denial(client_for, denial):
    other = client_for(Role.BILLER, locations=[LocationFactory()])

    assert denial.claim.control_number.encode() not in other.get(reverse(QUEUE)).content
    assert other.get(reverse("billing_office:denial", args=[denial.pk])).status_code == 404


def test_the_denial_page_describes_the_codes_and_what_to_do(biller, denial):
    page = biller.get(reverse("billing_office:denial", args=[denial.pk]))

    assert page.status_code == 200
    assert b'data-testid="denial-remark"' in page.content
    assert b'data-testid="denial-hint"' in page.content


def test_opening_a_denial_is_audited(biller, denial):
    biller.get(reverse("billing_office:denial", args=[denial.pk]))

    assert AuditEvent.objects.filter(
        object_type="billing.denial", action="read", patient_id=denial.patient_id
    ).exists()


def test_a_status_change_without_a_reason_is_refused_on_the_form(biller, denial):
    page = biller.post(
        reverse("billing_office:denial-status", args=[denial.pk]), {"status": "closed"}
    )

    assert page.status_code == 400
    assert b'data-field-error="reason"' in page.content


def test_the_biller_closes_a_denial_with_a_reason(biller, denial):
    page = biller.post(
        reverse("billing_office:denial-status", args=[denial.pk]),
        {"status": "closed", "reason": "Paid later"},
    )

    assert page.status_code == 302
    denial.refresh_from_db()
    assert denial.status == "closed"


def test_the_biller_writes_a_denial_off(biller, denial):
    biller.post(reverse("billing_office:denial-write-off", args=[denial.pk]), {"note": "policy"})

    assert LedgerEntry.objects.filter(kind="denial_wo", reason_code="16").exists()


def test_the_biller_records_a_denial_by_hand(biller, claim):
    page = biller.post(
        reverse("billing_office:claim-denial-new", args=[claim.pk]),
        {"group": "PR", "reason": "204", "amount": "20.00"},
    )

    assert page.status_code == 302
    assert Denial.objects.get().reason_code == "204"


def test_a_hand_entry_names_every_problem_at_once(biller, claim):
    page = biller.post(
        reverse("billing_office:claim-denial-new", args=[claim.pk]),
        {
            "group": "CO",
            "reason": "!!",
            "remarks": "Z9",
            "amount": "1e309",
            "denied_on": "9999-12-31",
        },
    )

    assert page.status_code == 400
    for name in ("amount", "denied_on"):
        assert f'data-field-error="{name}"'.encode() in page.content
    assert not Denial.objects.exists()


def test_the_appeal_page_fills_the_letter_for_the_claim(biller, denial):
    page = biller.get(reverse("billing_office:denial-appeal", args=[denial.pk]))

    assert page.status_code == 200
    assert denial.claim.control_number.encode() in page.content
    assert denial.claim.patient.last_name.encode() in page.content


def test_the_biller_saves_the_edited_letter_and_downloads_its_pdf(biller, denial):
    page = biller.post(
        reverse("billing_office:denial-appeal", args=[denial.pk]),
        {
            "denials": [str(denial.pk)],
            "template": "coding-correction",
            "letter_text": "Edited: please pay.",
            "method": "fax",
        },
    )

    appeal = Appeal.objects.get()
    assert page.status_code == 302
    assert (appeal.letter_text, appeal.template.key) == ("Edited: please pay.", "coding-correction")
    pdf = biller.get(reverse("billing_office:appeal-letter", args=[appeal.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="print", object_type="billing.appeal").exists()


def test_the_biller_records_an_appeals_outcome(biller, denial):
    appeal = services.create_appeal(denials=[denial], letter_text="x", actor=SYSTEM)

    biller.post(
        reverse("billing_office:appeal-outcome", args=[appeal.pk]),
        {"outcome": "overturned", "recovered": "150.00"},
    )

    denial.refresh_from_db()
    assert (denial.status, denial.recovered) == ("overturned", Decimal("150.00"))


def test_the_office_manager_edits_a_built_in_template(client_for, location):
    manager = client_for(Role.OFFICE_MANAGER)
    template = AppealTemplate.objects.get(key="medical-necessity")

    page = manager.post(
        reverse("billing_office:appeal-template", args=[template.pk]),
        {"name": "Medical necessity", "body": "Dear {payer_name}, please.", "is_active": "on"},
    )

    assert page.status_code == 302
    template.refresh_from_db()
    assert template.body == "Dear {payer_name}, please."


def test_the_report_shows_the_rate_and_top_reasons(biller, denial):
    page = biller.get(reverse("billing_office:denial-report"))

    assert page.status_code == 200
    assert b"CO-16" in page.content
    assert b"100.0 %" in page.content  # one claim decided, one denied


PAYER = {
    "name": "Synthetic Appeals Plan",
    "filing_indicator": "CI",
    "timely_filing_rule": "days",
    "timely_filing_days": "180",
    "submission": "paper",
    "claims_address_line1": "1 Main Street",
    "claims_city": "Springfield",
    "claims_state": "MA",
    "claims_postal_code": "01103",
}


def test_the_payers_appeal_days_are_set_on_its_page(client_for, location):
    from medoffice.billing.models import PayerProfile

    manager = client_for(Role.OFFICE_MANAGER)

    page = manager.post(reverse("billing_office:payer-new"), {**PAYER, "appeal_days": "60"})

    assert page.status_code == 302
    assert PayerProfile.objects.get(payer__name=PAYER["name"]).appeal_days == 60


@pytest.mark.parametrize("days", ["0", "1e309", "9999"])
def test_odd_appeal_days_are_refused_naming_the_field(client_for, location, days):
    manager = client_for(Role.OFFICE_MANAGER)

    page = manager.post(reverse("billing_office:payer-new"), {**PAYER, "appeal_days": days})

    assert page.status_code == 400
    assert b'data-field-error="appeal_days"' in page.content
