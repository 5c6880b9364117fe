"""The visit's CMS-1500 boxes 15-19 and the box 17 role: entered with the charges, checked
with every error at once, and carried by the claim to paper and 837P alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from medoffice.billing.claimdata import claim_for_x12
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Claim
from medoffice.billing.services.encounters import (
    open_encounter,
    review_encounter,
    save_charges,
    send_to_review,
)
from tests.billing.factories_claims import office_visit_codes, seen_visit, simple_charges
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(practice):
    office_visit_codes()


BOXES = {
    "other_date": "2026-10-28",
    "other_date_qualifier": "454",
    "unable_to_work_from": "2026-11-02",
    "unable_to_work_to": "2026-11-30",
    "hospitalized_from": "2026-11-03",
    "hospitalized_to": "2026-11-06",
    "claim_note": "Corrected diagnosis per discharge summary",
}


def error_codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_the_boxes_entered_with_the_charges_reach_the_claim():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    data = simple_charges(**BOXES, referring_name="Per Lindqvist", referring_qualifier="DQ")
    encounter = save_charges(actor=SYSTEM, encounter=encounter, data=data)
    encounter = send_to_review(actor=SYSTEM, encounter=encounter)
    review_encounter(actor=SYSTEM, encounter=encounter, approve=True)
    built = claim_for_x12(Claim.objects.get(encounter=encounter))
    assert (built.other_date, built.other_date_qualifier) == (dt.date(2026, 10, 28), "454")
    assert (built.unable_to_work_from, built.unable_to_work_to) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 30),
    )
    assert (built.hospitalized_from, built.hospitalized_to) == (
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 6),
    )
    assert built.note == "Corrected diagnosis per discharge summary"
    assert built.referring_qualifier == "DQ"


def test_bad_boxes_are_refused_all_at_once_and_nothing_is_saved():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    data = simple_charges(
        other_date="28/10/2026",
        other_date_qualifier="454",
        unable_to_work_from="2026-11-30",
        unable_to_work_to="2026-11-02",
        claim_note="x" * 49,
        referring_qualifier="ZZ",
    )
    with pytest.raises(ValidationError) as caught:
        save_charges(actor=SYSTEM, encounter=encounter, data=data)
    assert error_codes(caught.value) == {
        "other_date": [Code.DATE_INVALID],
        "unable_to_work_to": [Code.DATE_INVALID],
        "claim_note": [Code.TEXT_TOO_LONG],
        "referring_qualifier": [Code.REFERRING_ROLE_INVALID],
    }
    encounter.refresh_from_db()
    assert encounter.claim_note == ""
    assert not encounter.lines.exists()


def test_an_other_date_needs_what_it_is():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    with pytest.raises(ValidationError) as caught:
        save_charges(
            actor=SYSTEM, encounter=encounter, data=simple_charges(other_date="2026-10-28")
        )
    assert error_codes(caught.value) == {"other_date_qualifier": [Code.DATE_INVALID]}
