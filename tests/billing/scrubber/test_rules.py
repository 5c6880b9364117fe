"""The edits' boundaries: what fires, and what a correct claim is allowed to do."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from medoffice.billing.scrubber import (
    Coverage,
    InMemoryReference,
    OtherClaim,
    OtherClaimStatus,
    PreviousFiling,
    PtpEdit,
    ScrubCode,
    ScrubInput,
    TimelyFiling,
    scrub,
)
from medoffice.billing.scrubber.checks_edits import is_evaluation_and_management
from medoffice.billing.scrubber.checks_filing import plus_one_year
from medoffice.x12.claims import Drug, Person
from tests.billing.scrubber.builders import (
    MODIFIERS,
    MUES,
    PLACES_OF_SERVICE,
    PROCEDURES,
    SERVICE_DATE,
    address,
    clean_input,
    line,
    provider,
    with_billing,
    with_claim,
    with_line,
    with_lines,
    with_subscriber_person,
)

C = ScrubCode
DAY = dt.timedelta(days=1)


def codes(inp: ScrubInput) -> set[ScrubCode]:
    return {f.code for f in scrub(inp)}


def findings_of(inp: ScrubInput, code: ScrubCode) -> list:
    return [f for f in scrub(inp) if f.code == code]


def with_ptp(inp: ScrubInput, *edits: PtpEdit) -> ScrubInput:
    reference = InMemoryReference(
        procedures=PROCEDURES,
        modifiers=MODIFIERS,
        places_of_service=PLACES_OF_SERVICE,
        ptp_edits=edits,
        mues=MUES,
    )
    return dataclasses.replace(inp, reference=reference)


# --- findings name the line and field ---------------------------------------------------------


def test_a_line_finding_names_the_line_number_from_one():
    [finding] = findings_of(with_line(clean_input(), 1, charge=Decimal("0")), C.CHARGE_NOT_POSITIVE)

    assert finding.line == 2
    assert finding.field == "lines[2].charge"
    assert finding.message.startswith("Line 2")


def test_a_claim_finding_has_no_line():
    [finding] = findings_of(with_billing(clean_input(), npi=""), C.BILLING_NPI_MISSING)

    assert finding.line is None
    assert finding.field == "billing_provider.npi"


# --- providers --------------------------------------------------------------------------------


def test_an_npi_with_a_wrong_check_digit_is_invalid():
    assert C.BILLING_NPI_INVALID in codes(with_billing(clean_input(), npi="1234567894"))


def test_an_npi_not_starting_with_1_or_2_is_invalid():
    assert C.BILLING_NPI_INVALID in codes(with_billing(clean_input(), npi="3234567893"))


def test_a_missing_npi_is_not_also_reported_invalid():
    found = codes(with_billing(clean_input(), npi=""))

    assert C.BILLING_NPI_MISSING in found
    assert C.BILLING_NPI_INVALID not in found


def test_a_ssn_is_accepted_as_the_tax_id_of_a_sole_provider():
    inp = with_billing(clean_input(), tax_id="123-45-6789", tax_id_is_ssn=True)

    assert scrub(inp) == []


def test_an_ein_given_as_an_ssn_is_invalid():
    inp = with_billing(clean_input(), tax_id="666-12-3456", tax_id_is_ssn=True)

    assert C.BILLING_TAX_ID_INVALID in codes(inp)


@pytest.mark.parametrize(
    "street", ["PO Box 12", "P.O. BOX 12", "Post Office Box 9", "Lockbox 4410"]
)
def test_a_billing_address_that_is_a_box_is_refused(street):
    inp = with_billing(clean_input(), address=address(line1=street, postal_code="010601234"))

    assert C.BILLING_ADDRESS_PO_BOX in codes(inp)


def test_a_street_name_containing_box_letters_is_not_a_po_box():
    inp = with_billing(
        clean_input(), address=address(line1="12 Boxford Road", postal_code="010601234")
    )

    assert C.BILLING_ADDRESS_PO_BOX not in codes(inp)


def test_a_billing_zip_plus_four_may_be_written_with_a_dash():
    inp = with_billing(clean_input(), address=address(postal_code="01060-3210"))

    assert scrub(inp) == []


def test_the_rendering_provider_of_a_line_is_checked():
    [finding] = findings_of(
        with_line(clean_input(), 2, rendering=provider(npi="")), C.RENDERING_NPI_MISSING
    )

    assert finding.line == 3


def test_a_facility_without_an_npi_is_allowed():
    inp = with_claim(clean_input(), facility=provider(npi="", is_person=False, address=address()))

    assert scrub(inp) == []


# --- patient, subscriber, coverage ------------------------------------------------------------


def dependent(**changes: object) -> Person:
    return dataclasses.replace(
        Person("Rivera", "Sam", dt.date(2015, 5, 2), "M", address=address()), **changes
    )


def test_a_dependent_patient_with_relationship_child_is_clean():
    inp = with_claim(clean_input(), patient=dependent(), patient_relationship="19")

    assert scrub(inp) == []


def test_a_dependent_patient_marked_self_is_refused():
    inp = with_claim(clean_input(), patient=dependent(), patient_relationship="18")

    assert C.PATIENT_RELATIONSHIP_INVALID in codes(inp)


def test_the_dependent_patients_address_is_checked_not_the_subscribers():
    inp = with_claim(clean_input(), patient=dependent(address=None), patient_relationship="19")

    assert C.PATIENT_ADDRESS_MISSING in codes(inp)


def test_the_birth_date_given_beside_the_claim_is_used_when_the_claim_has_none():
    inp = dataclasses.replace(
        with_subscriber_person(clean_input(), date_of_birth=None),
        patient_date_of_birth=SERVICE_DATE + DAY,
    )

    found = codes(inp)

    assert C.PATIENT_DATE_OF_BIRTH_MISSING not in found
    assert C.SERVICE_BEFORE_BIRTH in found


def test_a_service_on_the_birth_date_is_allowed():
    inp = with_subscriber_person(clean_input(), date_of_birth=SERVICE_DATE)

    assert C.SERVICE_BEFORE_BIRTH not in codes(inp)


def test_self_pay_has_no_coverage_dates_to_check():
    assert scrub(dataclasses.replace(clean_input(), coverage=None)) == []


def test_coverage_ending_on_the_date_of_service_covers_it():
    inp = dataclasses.replace(clean_input(), coverage=Coverage(None, SERVICE_DATE))

    assert C.COVERAGE_NOT_ACTIVE not in codes(inp)


def test_coverage_starting_after_the_date_of_service_does_not_cover_it():
    inp = dataclasses.replace(clean_input(), coverage=Coverage(SERVICE_DATE + DAY, None))

    assert len(findings_of(inp, C.COVERAGE_NOT_ACTIVE)) == 3


def test_a_service_span_running_past_the_coverage_is_not_covered():
    inp = with_line(
        dataclasses.replace(clean_input(), coverage=Coverage(None, SERVICE_DATE)),
        0,
        service_to=SERVICE_DATE + DAY,
    )
    inp = dataclasses.replace(inp, today=SERVICE_DATE + 5 * DAY)

    assert [f.line for f in findings_of(inp, C.COVERAGE_NOT_ACTIVE)] == [1]


# --- claim header -----------------------------------------------------------------------------


def test_a_replacement_with_the_payers_claim_number_is_clean():
    inp = with_claim(clean_input(), frequency_code="7", original_reference="PAYER-778812")

    assert scrub(inp) == []


def test_a_void_without_the_payers_claim_number_is_refused():
    assert C.ORIGINAL_REFERENCE_MISSING in codes(with_claim(clean_input(), frequency_code="8"))


def test_a_line_place_of_service_overrides_the_claims():
    inp = with_line(clean_input(), 1, place_of_service="ZZ")

    [finding] = findings_of(inp, C.PLACE_OF_SERVICE_INVALID)

    assert finding.line == 2


def test_a_total_charge_of_zero_is_refused_even_with_lines():
    found = codes(
        with_claim(
            clean_input(),
            lines=tuple(
                dataclasses.replace(ln, charge=Decimal("0")) for ln in clean_input().claim.lines
            ),
        )
    )

    assert C.TOTAL_CHARGE_ZERO in found


def test_a_procedure_needing_authorization_is_clean_with_the_number():
    inp = with_lines(
        with_claim(clean_input(), prior_authorization="AUTH-55120"),
        line("27447", charge=Decimal("1800")),
    )

    assert C.PRIOR_AUTHORIZATION_MISSING not in codes(inp)


# --- diagnoses --------------------------------------------------------------------------------


def test_twelve_diagnoses_fit():
    twelve = ("E119", "I10", "E785", "K219", "F419", "J45909", "N390", "M1711", "R519", "J069")
    twelve += ("Z0000", "E1165")
    inp = with_claim(clean_input(), diagnoses=twelve)

    assert C.DIAGNOSIS_TOO_MANY not in codes(inp)


def test_a_heading_code_is_not_billable_but_known():
    found = codes(with_claim(clean_input(), diagnoses=("E11", "I10")))

    assert C.DIAGNOSIS_NOT_BILLABLE in found
    assert C.DIAGNOSIS_UNKNOWN not in found


def test_a_female_only_diagnosis_on_a_male_patient_is_refused():
    inp = with_claim(with_subscriber_person(clean_input(), sex="M"), diagnoses=("O80", "I10"))

    assert C.DIAGNOSIS_SEX_MISMATCH in codes(inp)


def test_the_sex_given_beside_the_claim_overrides_the_claims():
    inp = dataclasses.replace(with_claim(clean_input(), diagnoses=("N401", "I10")), patient_sex="M")

    assert C.DIAGNOSIS_SEX_MISMATCH not in codes(inp)


def test_an_unknown_sex_is_not_checked_against_the_diagnoses():
    inp = with_claim(with_subscriber_person(clean_input(), sex="U"), diagnoses=("N401", "I10"))

    assert C.DIAGNOSIS_SEX_MISMATCH not in codes(inp)


def test_modifier_kx_on_every_line_pointing_to_it_allows_a_sex_specific_diagnosis():
    inp = with_claim(clean_input(), diagnoses=("I10", "N401"))
    inp = with_line(inp, 0, modifiers=("25", "KX"), diagnosis_pointers=(1, 2))

    assert C.DIAGNOSIS_SEX_MISMATCH not in codes(inp)


def test_modifier_kx_allows_a_sex_specific_procedure():
    inp = with_lines(clean_input(), line("55700", charge=Decimal("300"), modifiers=("KX",)))

    assert C.PROCEDURE_SEX_MISMATCH not in codes(inp)


def test_an_external_cause_code_after_the_first_is_allowed():
    inp = with_claim(clean_input(), diagnoses=("E119", "I10", "W010XXA"))
    inp = with_line(inp, 1, diagnosis_pointers=(1, 3))

    assert scrub(inp) == []


# --- lines ------------------------------------------------------------------------------------


def test_the_same_code_with_a_repeat_modifier_is_not_a_duplicate_line():
    inp = with_lines(clean_input(), line("36415"), line("36415", modifiers=("91",)))

    assert C.DUPLICATE_LINE not in codes(inp)


def test_the_same_code_on_another_day_is_not_a_duplicate_line():
    inp = with_lines(
        clean_input(), line("96372", service_from=SERVICE_DATE - DAY, charge=Decimal("28"))
    )

    assert C.DUPLICATE_LINE not in codes(inp)


def test_modifiers_in_another_order_are_still_a_duplicate_line():
    inp = with_lines(
        clean_input(), line("20610", modifiers=("RT", "59")), line("20610", modifiers=("59", "RT"))
    )

    assert C.DUPLICATE_LINE in codes(inp)


def test_an_addon_with_its_primary_on_the_same_day_is_clean():
    inp = with_line(clean_input(), 0, procedure_code="99215")
    inp = with_lines(inp, line("99417", charge=Decimal("60")))

    assert C.ADDON_WITHOUT_PRIMARY not in codes(inp)


def test_an_addon_whose_primary_is_on_another_day_is_refused():
    inp = with_line(clean_input(), 0, procedure_code="99215", service_from=SERVICE_DATE - DAY)
    inp = with_lines(inp, line("99417", charge=Decimal("60")))

    assert C.ADDON_WITHOUT_PRIMARY in codes(inp)


def test_an_addon_without_a_primary_list_goes_with_any_primary_procedure():
    inp = with_lines(clean_input(), line("11042"), line("11045"))

    assert C.ADDON_WITHOUT_PRIMARY not in codes(inp)


def test_two_addons_are_not_each_others_primary():
    inp = with_claim(clean_input(), lines=(line("11045"), line("11045", modifiers=("59",))))

    assert len(findings_of(inp, C.ADDON_WITHOUT_PRIMARY)) == 2


def test_a_j_code_needs_an_ndc_even_when_the_table_does_not_mark_it_a_drug():
    inp = with_lines(clean_input(), line("J7030", charge=Decimal("30")))

    assert C.DRUG_NDC_MISSING in codes(inp)


def test_a_diagnosis_with_a_dot_is_known_but_not_in_x12_form():
    found = codes(with_claim(clean_input(), diagnoses=("e11.9", "I10")))

    assert C.DIAGNOSIS_NOT_X12_FORM in found
    assert C.DIAGNOSIS_UNKNOWN not in found


def test_a_noc_drug_with_its_description_is_clean():
    inp = with_lines(
        clean_input(),
        line(
            "J3490",
            charge=Decimal("40"),
            description="Ketorolac 30 mg",
            drug=Drug("12345678901", Decimal("1"), "ML"),
        ),
    )

    assert scrub(inp) == []


def test_a_drug_unit_of_units_is_valid():
    inp = with_line(clean_input(), 2, drug=Drug("00641036721", Decimal("10"), "UN"))

    assert scrub(inp) == []


def test_a_nan_charge_is_reported_not_raised():
    assert C.CHARGE_NOT_POSITIVE in codes(with_line(clean_input(), 1, charge=Decimal("NaN")))


# --- modifiers --------------------------------------------------------------------------------


def test_99214_is_an_em_code():
    assert is_evaluation_and_management("99214")


@pytest.mark.parametrize("code", ["99201", "99500", "36415", "9921A", "J1100"])
def test_codes_outside_99202_to_99499_are_not_em(code):
    assert not is_evaluation_and_management(code)


@pytest.mark.parametrize("place", ["02", "10"])
def test_telehealth_modifier_with_a_telehealth_place_is_clean(place):
    inp = with_claim(clean_input(), place_of_service=place)
    inp = with_claim(
        inp,
        lines=tuple(
            dataclasses.replace(ln, modifiers=(*ln.modifiers, "95")) for ln in inp.claim.lines
        ),
    )

    assert scrub(inp) == []


def test_a_telehealth_line_in_an_office_claim_needs_its_own_place():
    inp = with_line(clean_input(), 0, modifiers=("25", "95"), place_of_service="02")

    assert C.TELEHEALTH_PLACE_OF_SERVICE not in codes(inp)


# --- NCCI procedure-to-procedure edits --------------------------------------------------------

PAIR = (line("11042", charge=Decimal("180")), line("97597", charge=Decimal("120")))


def pair(*, modifiers1: tuple[str, ...] = (), modifiers2: tuple[str, ...] = ()) -> ScrubInput:
    first = dataclasses.replace(PAIR[0], modifiers=modifiers1)
    second = dataclasses.replace(PAIR[1], modifiers=modifiers2)
    return with_claim(clean_input(), lines=(first, second))


@pytest.mark.parametrize("modifier", ["59", "XS", "XU", "LT", "F3", "T8", "91", "25", "E2"])
def test_indicator_1_is_bypassed_by_an_ncci_modifier_on_the_column_two_line(modifier):
    inp = with_ptp(pair(modifiers2=(modifier,)), PtpEdit("11042", "97597", 1, dt.date(2005, 1, 1)))

    assert C.NCCI_PTP_MODIFIER_MISSING not in codes(inp)


def test_indicator_1_is_not_bypassed_by_a_modifier_on_the_column_one_line():
    inp = with_ptp(pair(modifiers1=("59",)), PtpEdit("11042", "97597", 1, dt.date(2005, 1, 1)))

    [finding] = findings_of(inp, C.NCCI_PTP_MODIFIER_MISSING)

    assert finding.line == 2


def test_indicator_1_is_not_bypassed_by_another_modifier():
    inp = with_ptp(pair(modifiers2=("76",)), PtpEdit("11042", "97597", 1, dt.date(2005, 1, 1)))

    assert C.NCCI_PTP_MODIFIER_MISSING in codes(inp)


def test_indicator_0_is_never_bypassed():
    inp = with_ptp(pair(modifiers2=("59",)), PtpEdit("11042", "97597", 0, dt.date(2005, 1, 1)))

    assert C.NCCI_PTP_NEVER_TOGETHER in codes(inp)


def test_indicator_9_is_ignored():
    inp = with_ptp(pair(), PtpEdit("11042", "97597", 9, dt.date(2005, 1, 1)))

    assert not codes(inp) & {C.NCCI_PTP_NEVER_TOGETHER, C.NCCI_PTP_MODIFIER_MISSING}


def test_an_edit_deleted_by_the_date_of_service_is_ignored():
    inp = with_ptp(pair(), PtpEdit("11042", "97597", 0, dt.date(2005, 1, 1), deleted=SERVICE_DATE))

    assert C.NCCI_PTP_NEVER_TOGETHER not in codes(inp)


def test_an_edit_deleted_after_the_date_of_service_still_applies():
    inp = with_ptp(
        pair(), PtpEdit("11042", "97597", 0, dt.date(2005, 1, 1), deleted=SERVICE_DATE + DAY)
    )

    assert C.NCCI_PTP_NEVER_TOGETHER in codes(inp)


def test_an_edit_not_yet_in_effect_is_ignored():
    inp = with_ptp(pair(), PtpEdit("11042", "97597", 0, SERVICE_DATE + DAY))

    assert C.NCCI_PTP_NEVER_TOGETHER not in codes(inp)


def test_an_edit_applies_only_to_codes_on_the_same_day():
    inp = with_ptp(pair(), PtpEdit("11042", "97597", 0, dt.date(2005, 1, 1)))
    inp = with_line(inp, 1, service_from=SERVICE_DATE - DAY)

    assert C.NCCI_PTP_NEVER_TOGETHER not in codes(inp)


def test_an_edit_applies_whichever_line_comes_first():
    inp = with_ptp(pair(), PtpEdit("11042", "97597", 0, dt.date(2005, 1, 1)))
    inp = with_claim(inp, lines=tuple(reversed(inp.claim.lines)))

    [finding] = findings_of(inp, C.NCCI_PTP_NEVER_TOGETHER)

    assert finding.line == 1  # 97597, the column-two code, is now line 1


# --- MUEs -------------------------------------------------------------------------------------


def test_a_per_line_mue_is_not_summed_over_lines():
    inp = with_lines(
        clean_input(),
        line("20610", units=Decimal("2")),
        line("20610", units=Decimal("2"), modifiers=("59",)),
    )

    assert C.MUE_LINE_EXCEEDED not in codes(inp)


def test_units_at_the_mue_are_allowed():
    assert C.MUE_LINE_EXCEEDED not in codes(
        with_lines(clean_input(), line("20610", units=Decimal("2")))
    )


def test_a_per_day_mue_is_summed_over_the_days_lines():
    inp = with_lines(clean_input(), line("96372", units=Decimal("4"), modifiers=("59",)))

    [finding] = findings_of(inp, C.MUE_DAY_EXCEEDED)

    assert finding.line == 2
    assert "5 units of 96372" in finding.message


def test_a_per_day_mue_is_not_summed_over_other_days():
    inp = with_lines(
        clean_input(), line("96372", units=Decimal("4"), service_from=SERVICE_DATE - DAY)
    )

    assert C.MUE_DAY_EXCEEDED not in codes(inp)


# --- timely filing ----------------------------------------------------------------------------


def medicare(inp: ScrubInput, today: dt.date) -> ScrubInput:
    return dataclasses.replace(inp, timely_filing=TimelyFiling(medicare=True), today=today)


def test_medicare_accepts_a_claim_on_the_anniversary_of_the_service():
    found = codes(medicare(clean_input(), dt.date(2027, 3, 10)))

    assert C.TIMELY_FILING_EXCEEDED not in found
    assert C.TIMELY_FILING_NEAR in found


def test_medicare_refuses_a_claim_the_day_after_the_anniversary():
    assert C.TIMELY_FILING_EXCEEDED in codes(medicare(clean_input(), dt.date(2027, 3, 11)))


def test_medicare_counts_from_each_lines_own_date():
    inp = with_line(clean_input(), 0, service_from=dt.date(2026, 1, 5))

    found = findings_of(medicare(inp, dt.date(2027, 1, 6)), C.TIMELY_FILING_EXCEEDED)

    assert [f.line for f in found] == [1]


def test_a_year_after_29_february_is_28_february():
    assert plus_one_year(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_a_claim_on_the_last_day_of_the_payers_limit_is_timely():
    inp = dataclasses.replace(clean_input(), today=SERVICE_DATE + 90 * DAY)

    assert C.TIMELY_FILING_EXCEEDED not in codes(inp)


def test_a_claim_31_days_before_the_limit_is_not_near_it():
    inp = dataclasses.replace(clean_input(), today=SERVICE_DATE + 59 * DAY)

    assert C.TIMELY_FILING_NEAR not in codes(inp)


def test_an_earlier_accepted_filing_keeps_a_resubmission_timely():
    inp = dataclasses.replace(
        clean_input(),
        today=SERVICE_DATE + 200 * DAY,
        previous_filings=(PreviousFiling(SERVICE_DATE + 10 * DAY),),
    )

    assert not codes(inp) & {C.TIMELY_FILING_EXCEEDED, C.TIMELY_FILING_NEAR}


def test_an_earlier_filing_rejected_as_unprocessable_does_not_count():
    inp = dataclasses.replace(
        clean_input(),
        today=SERVICE_DATE + 200 * DAY,
        previous_filings=(PreviousFiling(SERVICE_DATE + 10 * DAY, rejected=True),),
    )

    assert C.TIMELY_FILING_EXCEEDED in codes(inp)


def test_a_payer_without_a_filing_limit_is_not_checked():
    inp = dataclasses.replace(
        clean_input(), timely_filing=TimelyFiling(), today=SERVICE_DATE + 3000 * DAY
    )

    assert not codes(inp) & {C.TIMELY_FILING_EXCEEDED, C.TIMELY_FILING_NEAR}


# --- duplicate claims -------------------------------------------------------------------------


def other(
    status: OtherClaimStatus, *, control: str = "VFP-000099", day: dt.date = SERVICE_DATE
) -> OtherClaim:
    return OtherClaim(control, status, ((day, "99214"),))


@pytest.mark.parametrize("status", [OtherClaimStatus.VOID, OtherClaimStatus.REJECTED])
def test_a_void_or_rejected_claim_is_not_a_duplicate(status):
    inp = dataclasses.replace(clean_input(), other_claims=(other(status),))

    assert not codes(inp) & {C.DUPLICATE_CLAIM, C.DUPLICATE_OF_DENIED_CLAIM}


@pytest.mark.parametrize(
    "status", [OtherClaimStatus.DRAFT, OtherClaimStatus.ACCEPTED, OtherClaimStatus.PAID]
)
def test_an_open_or_paid_claim_for_the_same_service_is_a_duplicate(status):
    inp = dataclasses.replace(clean_input(), other_claims=(other(status),))

    [finding] = findings_of(inp, C.DUPLICATE_CLAIM)

    assert finding.line == 1
    assert "VFP-000099" in finding.message


def test_the_claim_itself_is_not_its_own_duplicate():
    inp = dataclasses.replace(
        clean_input(), other_claims=(other(OtherClaimStatus.SUBMITTED, control="VFP-000123"),)
    )

    assert C.DUPLICATE_CLAIM not in codes(inp)


def test_the_same_code_on_another_day_is_not_a_duplicate_claim():
    inp = dataclasses.replace(
        clean_input(), other_claims=(other(OtherClaimStatus.PAID, day=SERVICE_DATE - DAY),)
    )

    assert C.DUPLICATE_CLAIM not in codes(inp)


def test_a_replacement_claim_is_meant_to_repeat_the_original():
    inp = dataclasses.replace(
        with_claim(clean_input(), frequency_code="7", original_reference="PAYER-778812"),
        other_claims=(other(OtherClaimStatus.PAID),),
    )

    assert scrub(inp) == []
