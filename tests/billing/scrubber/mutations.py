"""One change to the clean claim per scrub code, each of which must make that code fire."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from medoffice.billing.scrubber import (
    Coverage,
    OtherClaim,
    OtherClaimStatus,
    ScrubCode,
    ScrubInput,
)
from medoffice.x12.claims import Drug, Person
from tests.billing.scrubber.builders import (
    FACILITY_NPI,
    INVALID_NPI,
    ORDERING_NPI,
    SERVICE_DATE,
    address,
    line,
    person,
    provider,
    secondary_input,
    with_billing,
    with_claim,
    with_line,
    with_lines,
    with_subscriber_person,
)

Mutation = Callable[[ScrubInput], ScrubInput]
C = ScrubCode
DAY = dt.timedelta(days=1)


def _primary_answer(inp: ScrubInput, **changes: object) -> ScrubInput:
    """The clean claim as a secondary claim, the primary's adjudication changed."""
    inp = secondary_input(inp)
    (primary,) = inp.claim.other_subscribers
    assert primary.adjudication is not None
    adjudication = dataclasses.replace(primary.adjudication, **changes)
    return with_claim(
        inp, other_subscribers=(dataclasses.replace(primary, adjudication=adjudication),)
    )


def _line_paid_more(inp: ScrubInput) -> ScrubInput:
    inp = secondary_input(inp)
    (primary,) = inp.claim.other_subscribers
    assert primary.adjudication is not None
    first, *rest = primary.adjudication.lines
    lines = (dataclasses.replace(first, paid=first.paid + Decimal("1")), *rest)
    return _primary_answer(inp, lines=lines)


def _subscriber(inp: ScrubInput, **changes: object) -> ScrubInput:
    return with_claim(inp, subscriber=dataclasses.replace(inp.claim.subscriber, **changes))


def _dependent(inp: ScrubInput, **changes: object) -> ScrubInput:
    child = dataclasses.replace(
        Person("Rivera", "Sam", dt.date(2015, 5, 2), "M", address=address()), **changes
    )
    return with_claim(inp, patient=child, patient_relationship="19")


def _all_charges_zero(inp: ScrubInput) -> ScrubInput:
    lines = tuple(dataclasses.replace(ln, charge=Decimal("0")) for ln in inp.claim.lines)
    return with_claim(inp, lines=lines)


def _other_claim(status: OtherClaimStatus) -> Mutation:
    def mutate(inp: ScrubInput) -> ScrubInput:
        other = OtherClaim("VFP-000099", status, ((SERVICE_DATE, "99214"),))
        return dataclasses.replace(inp, other_claims=(other,))

    return mutate


MUTATIONS: dict[ScrubCode, Mutation] = {
    C.BILLING_NPI_MISSING: lambda i: with_billing(i, npi=""),
    C.BILLING_NPI_INVALID: lambda i: with_billing(i, npi=INVALID_NPI),
    C.BILLING_TAX_ID_MISSING: lambda i: with_billing(i, tax_id=" "),
    C.BILLING_TAX_ID_INVALID: lambda i: with_billing(i, tax_id="001234567"),
    C.BILLING_ADDRESS_MISSING: lambda i: with_billing(i, address=None),
    C.BILLING_ADDRESS_PO_BOX: lambda i: with_billing(i, address=address(line1="P.O. Box 77")),
    C.BILLING_ZIP_INVALID: lambda i: with_billing(i, address=address(postal_code="01060")),
    C.RENDERING_NPI_MISSING: lambda i: with_claim(i, rendering=provider(npi="")),
    C.RENDERING_NPI_INVALID: lambda i: with_line(i, 1, rendering=provider(npi=INVALID_NPI)),
    C.REFERRING_NPI_MISSING: lambda i: with_claim(i, referring=provider(npi="")),
    C.REFERRING_NPI_INVALID: lambda i: with_claim(i, referring=provider(npi="12345")),
    C.ORDERING_NPI_MISSING: lambda i: with_line(i, 0, ordering=provider(npi="")),
    C.ORDERING_NPI_INVALID: lambda i: with_line(
        i, 0, ordering=provider(npi=ORDERING_NPI[:-1] + "0")
    ),
    C.FACILITY_NPI_INVALID: lambda i: with_claim(
        i, facility=provider(npi=INVALID_NPI, is_person=False, address=address())
    ),
    C.FACILITY_ADDRESS_MISSING: lambda i: with_claim(
        i, facility=provider(npi=FACILITY_NPI, is_person=False, address=None)
    ),
    C.SUBSCRIBER_ID_MISSING: lambda i: _subscriber(i, member_id=""),
    C.SUBSCRIBER_NAME_MISSING: lambda i: with_subscriber_person(i, first_name=""),
    C.PATIENT_NAME_MISSING: lambda i: _dependent(i, last_name=" "),
    C.PATIENT_RELATIONSHIP_INVALID: lambda i: with_claim(i, patient_relationship="19"),
    C.PATIENT_DATE_OF_BIRTH_MISSING: lambda i: with_subscriber_person(i, date_of_birth=None),
    C.PATIENT_SEX_INVALID: lambda i: with_subscriber_person(i, sex="X"),
    C.PATIENT_ADDRESS_MISSING: lambda i: with_subscriber_person(i, address=None),
    C.PATIENT_ZIP_INVALID: lambda i: with_subscriber_person(i, address=address(postal_code="0106")),
    C.COVERAGE_NOT_ACTIVE: lambda i: dataclasses.replace(
        i, coverage=Coverage(dt.date(2025, 1, 1), SERVICE_DATE - DAY)
    ),
    C.FREQUENCY_CODE_INVALID: lambda i: with_claim(i, frequency_code="6"),
    C.ORIGINAL_REFERENCE_MISSING: lambda i: with_claim(i, frequency_code="7"),
    C.PLACE_OF_SERVICE_INVALID: lambda i: with_claim(i, place_of_service="AB"),
    C.TOTAL_CHARGE_ZERO: _all_charges_zero,
    C.PATIENT_PAID_EXCEEDS_TOTAL: lambda i: with_claim(i, patient_paid=Decimal("500.00")),
    C.ONSET_DATE_AFTER_SERVICE: lambda i: with_claim(i, onset_date=SERVICE_DATE + DAY),
    C.PRIOR_AUTHORIZATION_MISSING: lambda i: with_lines(i, line("27447", charge=Decimal("1800"))),
    C.DIAGNOSIS_MISSING: lambda i: with_claim(i, diagnoses=()),
    C.DIAGNOSIS_TOO_MANY: lambda i: with_claim(
        i,
        diagnoses=(
            *("E119", "I10", "E785", "K219", "F419", "J45909", "N390", "M1711", "R519", "J069"),
            *("Z0000", "E1165", "E1122"),
        ),
    ),
    C.DIAGNOSIS_NOT_X12_FORM: lambda i: with_claim(i, diagnoses=("E11.9", "I10")),
    C.DIAGNOSIS_UNKNOWN: lambda i: with_claim(i, diagnoses=("E119", "ZZ99")),
    C.DIAGNOSIS_NOT_BILLABLE: lambda i: with_claim(i, diagnoses=("E11", "I10")),
    C.DIAGNOSIS_REPEATED: lambda i: with_claim(i, diagnoses=("E119", "I10", "E119")),
    C.DIAGNOSIS_EXTERNAL_CAUSE_PRINCIPAL: lambda i: with_claim(i, diagnoses=("W010XXA", "I10")),
    C.DIAGNOSIS_SEX_MISMATCH: lambda i: with_claim(i, diagnoses=("N401", "I10")),
    C.DIAGNOSIS_NOT_POINTED: lambda i: with_claim(i, diagnoses=("E119", "I10", "J069")),
    C.LINES_MISSING: lambda i: with_claim(i, lines=()),
    C.LINES_TOO_MANY: lambda i: with_claim(
        i, lines=tuple(line("36415", service_from=SERVICE_DATE - n * DAY) for n in range(51))
    ),
    C.PROCEDURE_UNKNOWN: lambda i: with_line(i, 1, procedure_code="9637A"),
    C.PROCEDURE_SEX_MISMATCH: lambda i: with_lines(i, line("55700", charge=Decimal("300"))),
    C.POINTER_MISSING: lambda i: with_line(i, 1, diagnosis_pointers=()),
    C.POINTER_OUT_OF_RANGE: lambda i: with_line(i, 1, diagnosis_pointers=(3,)),
    C.POINTER_TOO_MANY: lambda i: with_line(
        with_claim(i, diagnoses=("E119", "I10", "E785", "K219", "F419")),
        0,
        diagnosis_pointers=(1, 2, 3, 4, 5),
    ),
    C.POINTER_REPEATED: lambda i: with_line(i, 1, diagnosis_pointers=(1, 1)),
    C.UNITS_NOT_POSITIVE: lambda i: with_line(i, 1, units=Decimal("0")),
    C.CHARGE_NOT_POSITIVE: lambda i: with_line(i, 1, charge=Decimal("-5.00")),
    C.SERVICE_DATE_FUTURE: lambda i: dataclasses.replace(i, today=SERVICE_DATE - DAY),
    C.SERVICE_TO_BEFORE_FROM: lambda i: with_line(i, 0, service_to=SERVICE_DATE - DAY),
    C.SERVICE_BEFORE_BIRTH: lambda i: with_subscriber_person(i, date_of_birth=SERVICE_DATE + DAY),
    C.DUPLICATE_LINE: lambda i: with_lines(i, i.claim.lines[1]),
    C.DESCRIPTION_TOO_LONG: lambda i: with_line(i, 1, description="x" * 81),
    C.NOC_DESCRIPTION_MISSING: lambda i: with_lines(
        i, line("J3490", charge=Decimal("40"), drug=Drug("12345678901", Decimal("2"), "ML"))
    ),
    C.ADDON_WITHOUT_PRIMARY: lambda i: with_lines(i, line("99417", charge=Decimal("60"))),
    C.MODIFIER_UNKNOWN: lambda i: with_line(i, 1, modifiers=("ZZ",)),
    C.MODIFIER_TOO_MANY: lambda i: with_line(i, 1, modifiers=("59", "LT", "76", "GA", "KX")),
    C.MODIFIER_REPEATED: lambda i: with_line(i, 1, modifiers=("LT", "LT")),
    C.MODIFIER_26_WITH_TC: lambda i: with_lines(i, line("71046", modifiers=("26", "TC"))),
    C.MODIFIER_50_WITH_SIDE: lambda i: with_lines(i, line("20610", modifiers=("50", "RT"))),
    C.MODIFIER_25_NOT_EM: lambda i: with_line(i, 1, modifiers=("25",)),
    C.MODIFIER_59_WITH_X: lambda i: with_line(i, 1, modifiers=("59", "XS")),
    C.TELEHEALTH_PLACE_OF_SERVICE: lambda i: with_line(i, 0, modifiers=("95",)),
    C.TELEHEALTH_MODIFIER_MISSING: lambda i: with_claim(i, place_of_service="10"),
    C.DRUG_NDC_MISSING: lambda i: with_line(i, 2, drug=None),
    C.NDC_INVALID: lambda i: with_line(i, 2, drug=Drug("0641-0367-21", Decimal("1"), "ML")),
    C.NDC_QUANTITY_MISSING: lambda i: with_line(i, 2, drug=Drug("00641036721", Decimal("0"), "ML")),
    C.NDC_UNIT_INVALID: lambda i: with_line(i, 2, drug=Drug("00641036721", Decimal("1"), "CC")),
    C.NCCI_PTP_NEVER_TOGETHER: lambda i: with_lines(i, line("93000"), line("93010")),
    C.NCCI_PTP_MODIFIER_MISSING: lambda i: with_lines(i, line("11042"), line("97597")),
    C.MUE_LINE_EXCEEDED: lambda i: with_lines(i, line("20610", units=Decimal("3"))),
    C.MUE_DAY_EXCEEDED: lambda i: with_lines(
        i, line("36415", units=Decimal("2")), line("36415", modifiers=("91",))
    ),
    C.TIMELY_FILING_EXCEEDED: lambda i: dataclasses.replace(i, today=SERVICE_DATE + 91 * DAY),
    C.TIMELY_FILING_NEAR: lambda i: dataclasses.replace(i, today=SERVICE_DATE + 70 * DAY),
    C.DUPLICATE_CLAIM: _other_claim(OtherClaimStatus.SUBMITTED),
    C.DUPLICATE_OF_DENIED_CLAIM: _other_claim(OtherClaimStatus.DENIED),
    C.COB_OTHER_PAYER_MISSING: lambda i: _subscriber(i, payer_responsibility="S"),
    C.COB_ADJUDICATION_MISSING: lambda i: with_claim(
        secondary_input(i),
        other_subscribers=tuple(
            dataclasses.replace(o, adjudication=None)
            for o in secondary_input(i).claim.other_subscribers
        ),
    ),
    C.COB_LINE_UNBALANCED: _line_paid_more,
    C.COB_CLAIM_UNBALANCED: lambda i: _primary_answer(i, paid=Decimal("1.00")),
}

__all__ = ["MUTATIONS", "Mutation", "person"]
