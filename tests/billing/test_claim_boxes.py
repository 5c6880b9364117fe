"""The visit's CMS-1500 boxes 11b, 15-20, 24C and 24H and the box 17 role: entered with the charges, checked
with every error at once, and carried by the claim to paper and 837P alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from medoffice.billing.claimdata import claim_for_x12
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Claim
from medoffice.billing.services.encounters import (
    ChargesInput,
    LineInput,
    charges_input_from_encounter,
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


LAB_NPI = "1245319599"


def _lines_with(**first: object) -> list[LineInput]:
    lines = simple_charges().lines
    for key, value in first.items():
        setattr(lines[1], key, value)
    return lines


def claimed(data: ChargesInput) -> Claim:
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    encounter = save_charges(actor=SYSTEM, encounter=encounter, data=data)
    encounter = send_to_review(actor=SYSTEM, encounter=encounter)
    review_encounter(actor=SYSTEM, encounter=encounter, approve=True)
    return Claim.objects.get(encounter=encounter)


def test_boxes_11b_20_24c_and_24h_entered_with_the_charges_reach_the_claim():
    data = simple_charges(
        other_claim_id=" pc-778899 ",
        outside_lab_npi=LAB_NPI,
        lines=_lines_with(
            emergency="on", epsdt=True, family_planning="on", purchased_charge="18.50"
        ),
    )
    built = claim_for_x12(claimed(data))
    assert built.other_claim_id == "PC-778899"
    office, lab = built.lines
    assert (office.emergency, office.epsdt, office.family_planning) == (False, False, False)
    assert (office.purchased_charge, office.purchased_from) == (None, "")
    assert (lab.emergency, lab.epsdt, lab.family_planning) == (True, True, True)
    assert (lab.purchased_charge, lab.purchased_from) == (Decimal("18.50"), LAB_NPI)


def test_the_claim_keeps_its_own_copy_of_the_boxes():
    data = simple_charges(
        outside_lab_npi=LAB_NPI, lines=_lines_with(emergency=True, purchased_charge="9.00")
    )
    claim = claimed(data)
    claim.encounter.lines.update(emergency=False, purchased_charge=None)
    line = claim.lines.get(line_number=2)
    assert (line.emergency, line.purchased_charge) == (True, Decimal("9.00"))


def test_the_charges_form_shows_the_boxes_as_saved():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    data = simple_charges(
        other_claim_id="PC1",
        outside_lab_npi=LAB_NPI,
        lines=_lines_with(epsdt=True, purchased_charge="18.5"),
    )
    encounter = save_charges(actor=SYSTEM, encounter=encounter, data=data)
    again = charges_input_from_encounter(encounter)
    assert (again.other_claim_id, again.outside_lab_npi) == ("PC1", LAB_NPI)
    assert (again.lines[1].epsdt, again.lines[1].purchased_charge) == (True, "18.50")
    assert (again.lines[0].epsdt, again.lines[0].purchased_charge) == (False, "")


def test_a_purchased_line_needs_the_outside_lab():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    with pytest.raises(ValidationError) as caught:
        save_charges(
            actor=SYSTEM,
            encounter=encounter,
            data=simple_charges(lines=_lines_with(purchased_charge="18.50")),
        )
    assert error_codes(caught.value) == {"outside_lab_npi": [Code.OUTSIDE_LAB_NPI_REQUIRED]}


def test_an_outside_lab_without_a_purchased_line_is_refused():
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    with pytest.raises(ValidationError) as caught:
        save_charges(
            actor=SYSTEM, encounter=encounter, data=simple_charges(outside_lab_npi=LAB_NPI)
        )
    assert error_codes(caught.value) == {"outside_lab_npi": [Code.OUTSIDE_LAB_NOT_USED]}


@pytest.mark.parametrize(
    ("purchased", "other_claim", "flag"),
    [
        ("1e309", "PC\x00", "maybe"),
        ("-5", "🚗 claim", "2"),
        ("123456789012345678901", "X" * 31, "yes please"),
    ],
)
def test_bad_box_11b_20_and_24_input_is_refused_all_at_once_and_nothing_is_saved(
    purchased, other_claim, flag
):
    encounter = open_encounter(actor=SYSTEM, appointment=seen_visit())
    data = simple_charges(
        other_claim_id=other_claim,
        outside_lab_npi="1234567890",
        lines=_lines_with(purchased_charge=purchased, emergency=flag),
    )
    with pytest.raises(ValidationError) as caught:
        save_charges(actor=SYSTEM, encounter=encounter, data=data)
    assert error_codes(caught.value) == {
        "other_claim_id": [Code.OTHER_CLAIM_ID_INVALID],
        "outside_lab_npi": [Code.OUTSIDE_LAB_NPI_INVALID],
        "line_2_purchased_charge": [Code.PURCHASED_CHARGE_INVALID],
        "line_2_emergency": [Code.LINE_FLAG_INVALID],
    }
    encounter.refresh_from_db()
    assert encounter.other_claim_id == ""
    assert not encounter.lines.exists()
