"""The adjustment code tables: group codes, CARCs, RARCs, their denial categories, and the
default posting rules the 835 posting seeds (billing.adjustments)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.billing import adjustments as adj
from medoffice.billing.adjustments import DenialCategory as Cat
from medoffice.billing.adjustments import PostingAction as Act

KNOWN_REASONS = sorted(adj.CARC)
KNOWN_REMARKS = sorted(adj.RARC)
ZERO = Decimal("0.00")


# --- the tables ----------------------------------------------------------------------------


def test_the_five_group_codes_have_a_meaning():
    assert set(adj.GROUPS) == {"CO", "PR", "OA", "PI", "CR"}
    assert all(meaning.strip() for meaning in adj.GROUPS.values())


def test_the_reason_table_holds_at_least_the_common_codes():
    assert len(adj.CARC) >= 120


def test_no_reason_code_is_listed_twice():
    codes = [row.code for row in adj.CARC_ROWS]
    assert len(codes) == len(set(codes))


def test_no_remark_code_is_listed_twice():
    codes = [row.code for row in adj.RARC_ROWS]
    assert len(codes) == len(set(codes))


def test_every_reason_code_has_a_description_and_a_category():
    for row in adj.CARC_ROWS:
        assert row.description.strip(), row.code
        assert isinstance(row.category, Cat), row.code


def test_every_remark_code_has_a_description():
    for row in adj.RARC_ROWS:
        assert row.description.strip(), row.code


def test_alerts_explain_no_adjustment():
    assert all(row.category is None for row in adj.RARC_ROWS if row.alert)


def test_table_keys_are_already_normalised():
    assert all(adj.normalize_reason(code) == code for code in adj.CARC)
    assert all(adj.normalize_remark(code) == code for code in adj.RARC)


def test_every_category_has_a_label():
    assert all(category.label for category in Cat)


def test_retired_codes_say_they_are_retired():
    retired = [row for row in adj.CARC_ROWS if row.retired]
    assert {row.code for row in retired} == {"15", "125", "138"}
    assert all("(retired: " in row.description for row in retired)


# --- look-up and normalising ---------------------------------------------------------------


def test_a_reason_code_is_found_whatever_its_case_and_blanks():
    assert adj.carc(" b13 ") is adj.CARC["B13"]


def test_leading_zeros_of_a_numeric_reason_are_dropped():
    assert adj.carc("045") is adj.CARC["45"]


def test_a_remark_code_is_found_whatever_its_case_and_blanks():
    assert adj.rarc(" n130 ") is adj.RARC["N130"]


def test_an_unknown_reason_code_answers_none():
    assert adj.carc("999") is None


def test_an_unknown_remark_code_answers_none():
    assert adj.rarc("N9999") is None


@pytest.mark.parametrize("bad", ["", "   ", "4-5", "123456", "CO45!", "٤٥"])
def test_a_malformed_reason_code_is_a_typed_error_naming_it(bad):
    with pytest.raises(adj.AdjustmentCodeError, match="reason code"):
        adj.carc(bad)


@pytest.mark.parametrize("bad", ["", "X12", "130", "N", "MA-130"])
def test_a_malformed_remark_code_is_a_typed_error_naming_it(bad):
    with pytest.raises(adj.AdjustmentCodeError, match="remark code"):
        adj.rarc(bad)


def test_a_group_code_is_normalised():
    assert adj.normalize_group(" co ") == "CO"


def test_an_unknown_group_code_is_a_typed_error_naming_the_five():
    with pytest.raises(adj.AdjustmentCodeError, match="CO, PR, OA, PI, CR"):
        adj.describe_adjustment("XX", "45")


def test_a_code_that_is_not_text_is_a_typed_error():
    with pytest.raises(adj.AdjustmentCodeError, match="must be text"):
        adj.carc(45)  # type: ignore[arg-type]


@given(st.text(max_size=12))
def test_any_text_as_a_reason_answers_an_entry_none_or_a_typed_error(text):
    try:
        found = adj.carc(text)
    except adj.AdjustmentCodeError:
        return
    assert found is None or found.code == adj.normalize_reason(text)


@given(st.sampled_from(KNOWN_REASONS), st.sampled_from(["", " ", "\t"]), st.booleans())
def test_a_known_reason_is_found_with_blanks_and_in_lower_case(code, blank, lower):
    typed = f"{blank}{code.lower() if lower else code}{blank}"
    assert adj.carc(typed) is adj.CARC[code]


# --- describing and sorting ----------------------------------------------------------------


def test_co_45_is_described_with_its_category():
    assert (
        adj.describe_adjustment(" co ", "45")
        == "CO-45: charge above the fee schedule or contracted amount (contractual)"
    )


def test_an_unknown_reason_is_described_as_unknown():
    assert adj.describe_adjustment("CO", "999").startswith(
        "CO-999: a reason code MedOffice does not know"
    )


def test_pr_1_is_the_patients_deductible():
    assert adj.denial_category("PR", "1") is Cat.PATIENT_RESPONSIBILITY
    assert "deductible" in adj.carc("1").description


def test_pr_2_is_coinsurance_and_pr_3_a_copay():
    assert "coinsurance" in adj.carc("2").description
    assert "copay" in adj.carc("3").description


def test_co_29_is_timely_filing():
    assert adj.denial_category("CO", "29") is Cat.TIMELY_FILING


def test_co_18_is_a_duplicate():
    assert adj.denial_category("CO", "18") is Cat.DUPLICATE


def test_co_197_is_authorisation():
    assert adj.denial_category("CO", "197") is Cat.AUTHORISATION


def test_co_16_is_missing_information():
    assert adj.denial_category("CO", "16") is Cat.MISSING_INFORMATION


def test_co_50_is_medical_necessity():
    assert adj.denial_category("CO", "50") is Cat.MEDICAL_NECESSITY


def test_co_97_and_co_236_are_bundling():
    assert adj.denial_category("CO", "97") is Cat.BUNDLING
    assert adj.denial_category("CO", "236") is Cat.BUNDLING


def test_co_22_is_coordination_of_benefits():
    assert adj.denial_category("CO", "22") is Cat.COORDINATION_OF_BENEFITS


def test_co_27_is_eligibility():
    assert adj.denial_category("CO", "27") is Cat.ELIGIBILITY


def test_co_96_is_a_non_covered_service():
    assert adj.denial_category("CO", "96") is Cat.NON_COVERED


def test_co_253_sequestration_is_contractual():
    assert adj.denial_category("CO", "253") is Cat.CONTRACTUAL


def test_a_denial_saying_only_see_the_remarks_takes_the_remarks_category():
    assert adj.denial_category("CO", "A1", remarks=["N290"]) is Cat.MISSING_INFORMATION


def test_alerts_and_unknown_remarks_are_passed_over_for_the_next_remark():
    assert adj.denial_category("CO", "A1", remarks=["N381", "N9999", "M15"]) is Cat.BUNDLING


def test_a_reason_with_its_own_category_keeps_it_whatever_the_remarks():
    assert adj.denial_category("CO", "16", remarks=["M15"]) is Cat.MISSING_INFORMATION


def test_the_category_of_an_unknown_reason_is_none():
    assert adj.denial_category("CO", "999") is None


def test_a_malformed_remark_is_a_typed_error_when_sorting():
    with pytest.raises(adj.AdjustmentCodeError, match="remark code"):
        adj.denial_category("CO", "A1", remarks=["oops"])


@given(st.sampled_from(sorted(adj.GROUPS)), st.sampled_from(KNOWN_REASONS))
def test_every_known_adjustment_is_described_with_its_group_and_code(group, code):
    text = adj.describe_adjustment(group.lower(), code)
    assert text.startswith(f"{group}-{code}: ")
    assert text.endswith(f"({adj.CARC[code].category.label})")


# --- the default posting rules -------------------------------------------------------------


def test_co_45_is_a_contractual_write_off():
    assert adj.posting_action("CO", "45", Decimal("80.00")) is Act.CONTRACTUAL_WRITE_OFF


def test_co_253_sequestration_is_a_contractual_write_off():
    assert adj.posting_action("CO", "253", Decimal("78.40")) is Act.CONTRACTUAL_WRITE_OFF


def test_co_59_multiple_procedure_reduction_is_a_contractual_write_off():
    assert adj.posting_action("CO", "59", Decimal("40.00")) is Act.CONTRACTUAL_WRITE_OFF


def test_pr_1_is_posted_to_the_patient_as_deductible():
    assert adj.posting_action("PR", "1", ZERO) is Act.PATIENT_DEDUCTIBLE


def test_pr_2_is_posted_to_the_patient_as_coinsurance():
    assert adj.posting_action("PR", "2", Decimal("64.00")) is Act.PATIENT_COINSURANCE


def test_pr_3_is_posted_to_the_patient_as_copay():
    assert adj.posting_action("PR", "3", Decimal("64.00")) is Act.PATIENT_COPAY


def test_any_other_pr_reason_is_other_patient_responsibility():
    assert adj.posting_action("PR", "96", ZERO) is Act.PATIENT_OTHER
    assert adj.posting_action("PR", "999", ZERO) is Act.PATIENT_OTHER


def test_oa_23_is_information_only():
    assert adj.posting_action("OA", "23", Decimal("12.00")) is Act.INFORMATION_ONLY


@pytest.mark.parametrize("reason", ["16", "197", "50", "29", "18", "22", "96", "97", "27"])
def test_a_co_denial_reason_on_a_line_that_paid_nothing_is_a_denial(reason):
    assert adj.posting_action("CO", reason, ZERO) is Act.DENIAL


def test_oa_18_on_a_line_that_paid_nothing_is_a_denial():
    assert adj.posting_action("OA", "18", ZERO) is Act.DENIAL


def test_a_denial_reason_on_a_line_that_paid_something_is_an_other_adjustment():
    assert adj.posting_action("CO", "50", Decimal("0.01")) is Act.OTHER_ADJUSTMENT


def test_a_takeback_counts_as_paying_nothing():
    assert adj.posting_action("CO", "16", Decimal("-25.00")) is Act.DENIAL


def test_an_unknown_co_reason_is_an_other_adjustment_to_review():
    assert adj.posting_action("CO", "999", ZERO) is Act.OTHER_ADJUSTMENT


def test_a_correction_is_always_an_other_adjustment():
    assert adj.posting_action("CR", "45", ZERO) is Act.OTHER_ADJUSTMENT
    assert adj.posting_action("CR", "16", ZERO) is Act.OTHER_ADJUSTMENT


def test_a_practice_rule_overrides_the_default():
    rules = adj.default_posting_rules()
    rules[("CO", "45")] = Act.OTHER_ADJUSTMENT
    assert adj.posting_action("CO", "45", ZERO, rules=rules) is Act.OTHER_ADJUSTMENT


def test_a_group_without_any_rule_falls_back_to_other_adjustment():
    assert adj.posting_action("PR", "1", ZERO, rules={}) is Act.OTHER_ADJUSTMENT


def test_a_paid_amount_that_is_not_a_decimal_is_a_typed_error():
    with pytest.raises(adj.AdjustmentCodeError, match="paid amount"):
        adj.posting_action("CO", "45", 10.0)  # type: ignore[arg-type]


def test_every_group_has_a_rule_for_any_other_reason():
    rules = adj.default_posting_rules()
    assert all((group, adj.ANY_REASON) in rules for group in adj.GROUPS)


def test_the_rules_name_only_known_groups_and_reasons():
    for group, reason in adj.default_posting_rules():
        assert group in adj.GROUPS
        assert reason == adj.ANY_REASON or reason in adj.CARC


def test_only_pr_rules_bill_the_patient():
    for (group, _), action in adj.default_posting_rules().items():
        assert action.is_patient_responsibility == (group == "PR")


@given(
    st.sampled_from(sorted(adj.GROUPS)),
    st.sampled_from(KNOWN_REASONS),
    st.decimals(min_value=Decimal("0.01"), max_value=10_000, places=2),
)
def test_a_line_that_paid_something_is_never_posted_as_a_denial(group, reason, paid):
    assert adj.posting_action(group, reason, paid) is not Act.DENIAL


@given(st.sampled_from(KNOWN_REASONS))
def test_a_co_reason_of_a_denial_category_is_a_denial_when_nothing_was_paid(reason):
    expected = adj.CARC[reason].category in adj.DENIAL_CATEGORIES and reason != "59"
    assert (adj.posting_action("CO", reason, ZERO) is Act.DENIAL) == expected


@given(st.sampled_from(["CO", "OA", "PI", "CR"]), st.sampled_from(KNOWN_REASONS))
def test_no_group_but_pr_ever_bills_the_patient(group, reason):
    assert not adj.posting_action(group, reason, ZERO).is_patient_responsibility
