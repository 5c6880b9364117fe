"""The coordination-of-benefits edits: a secondary claim names the earlier payer and its
adjudication, and that adjudication balances line by line and for the claim."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from medoffice.billing.scrubber import ScrubCode, scrub
from medoffice.x12.claims import Adjustment
from tests.billing.scrubber.builders import clean_input, secondary_input, with_claim
from tests.billing.scrubber.mutations import MUTATIONS

C = ScrubCode
COB = {
    C.COB_OTHER_PAYER_MISSING,
    C.COB_ADJUDICATION_MISSING,
    C.COB_LINE_UNBALANCED,
    C.COB_CLAIM_UNBALANCED,
}


def cob_codes(inp) -> list[ScrubCode]:
    return [f.code for f in scrub(inp) if f.code in COB]


def test_a_balanced_secondary_claim_is_clean():
    assert scrub(secondary_input()) == []


def test_a_primary_claim_needs_no_other_payer():
    assert cob_codes(clean_input()) == []


def test_a_secondary_claim_without_the_primary_payer_is_an_error():
    inp = MUTATIONS[C.COB_OTHER_PAYER_MISSING](clean_input())
    assert cob_codes(inp) == [C.COB_OTHER_PAYER_MISSING]


def test_a_secondary_claim_without_the_primarys_paid_amount_and_date_is_an_error():
    (finding,) = [
        f for f in scrub(MUTATIONS[C.COB_ADJUDICATION_MISSING](clean_input())) if f.code in COB
    ]
    assert finding.code == C.COB_ADJUDICATION_MISSING
    assert "Pioneer Mutual" in finding.message


def test_a_line_whose_payment_and_adjustments_miss_its_charge_names_the_line():
    findings = [f for f in scrub(MUTATIONS[C.COB_LINE_UNBALANCED](clean_input())) if f.code in COB]
    assert [(f.code, f.line) for f in findings] == [(C.COB_LINE_UNBALANCED, 1)]


def test_a_claim_whose_paid_amount_misses_the_adjustments_is_an_error():
    inp = MUTATIONS[C.COB_CLAIM_UNBALANCED](clean_input())
    assert cob_codes(inp) == [C.COB_CLAIM_UNBALANCED]


def test_a_claim_level_adjustment_counts_toward_the_claims_balance():
    inp = secondary_input()
    (primary,) = inp.claim.other_subscribers
    assert primary.adjudication is not None
    adjudication = dataclasses.replace(
        primary.adjudication,
        paid=primary.adjudication.paid - Decimal("5"),
        adjustments=(Adjustment("OA", "23", Decimal("5")),),
    )
    inp = with_claim(
        inp, other_subscribers=(dataclasses.replace(primary, adjudication=adjudication),)
    )
    assert cob_codes(inp) == []
