"""The 835 reader: every loop of 005010X221A1 typed, balancing checked, real payers tolerated."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.x12.errors import BalanceError, ContentError, TruncatedError
from medoffice.x12.r835 import (
    Adjustment,
    ClaimPayment,
    ProviderAdjustment,
    Reader835,
    Remark,
    RemittanceEnd,
    RemittanceStart,
    read_835,
)
from tests.x12.builders835 import FULL, interchange, replaced, without
from tests.x12.fuzzing import mutations, only_typed_errors
from tests.x12.samples import sample

TEXT = interchange(FULL)


def remittance(text: str = TEXT):  # type: ignore[no-untyped-def]
    (found,) = read_835(text).remittances
    return found


def codes(text: str | bytes) -> list[str]:
    return [warning.code for warning in read_835(text).warnings]


# --- the payment header ---------------------------------------------------------------------


def test_the_bpr_gives_handling_amount_flag_method_and_date() -> None:
    payment = remittance().payment
    assert (payment.handling, payment.amount, payment.credit_debit) == ("C", Decimal("177.5"), "C")
    assert (payment.method, payment.format, payment.date) == ("ACH", "CCP", dt.date(2026, 12, 1))
    assert payment.banking[1] == "011000015"


def test_the_trn_gives_the_trace_number_and_the_payer_id() -> None:
    trace = remittance().trace
    assert (trace.number, trace.originator, trace.supplemental) == (
        "EFT0001",
        "1060000001",
        "SUPP9",
    )


def test_currency_references_and_production_date_are_read() -> None:
    start = remittance().start
    assert start.currency == ("PR", "USD")
    assert [(r.qualifier, r.value) for r in start.references] == [("EV", "VALLEYFM")]
    assert start.production_date == dt.date(2026, 11, 30)


def test_the_payer_loop_gives_name_address_references_and_contacts() -> None:
    payer = remittance().payer
    assert (payer.entity, payer.name, payer.identifier) == ("PR", "ACME HEALTH PLAN", "ACME1")
    assert payer.address == ("1 PLAN WAY", "SUITE 9")
    assert (payer.city, payer.state, payer.postal_code) == ("HARTFORD", "CT", "06103")
    assert [c.function for c in payer.contacts] == ["CX", "BL"]
    assert payer.contacts[1].numbers == (("TE", "8605550100"), ("EM", "EDI@EXAMPLE.COM"))


def test_the_payee_loop_gives_npi_and_tax_id() -> None:
    payee = remittance().payee
    assert (payee.id_qualifier, payee.identifier) == ("XX", "1234567893")
    assert [(r.qualifier, r.value) for r in payee.references] == [("TJ", "043456789")]


def test_lx_headers_keep_their_ts3_and_ts2() -> None:
    summaries = remittance().summaries
    assert [s.number for s in summaries] == ["1", "2"]
    assert summaries[0].ts3[:3] == ("1234567893", "11", "20261231")
    assert summaries[0].ts2 == ("100", "50")


# --- claims ---------------------------------------------------------------------------------


def test_the_clp_gives_every_claim_field() -> None:
    claim = remittance().claims[0]
    assert (claim.claim_id, claim.status, claim.charge, claim.paid) == (
        "PCN1001",
        "1",
        Decimal(300),
        Decimal(190),
    )
    assert (claim.patient_responsibility, claim.filing_indicator) == (Decimal(20), "12")
    assert (claim.payer_claim_number, claim.facility_type, claim.frequency) == (
        "PAYER0001",
        "11",
        "1",
    )
    assert claim.service_group == "1"


def test_each_nm1_lands_in_its_role() -> None:
    first, second = remittance().claims
    assert (first.patient.last, first.patient.first) == ("RIVERA", "MARIA")  # type: ignore[union-attr]
    assert first.insured.identifier == "XJ123456700"  # type: ignore[union-attr]
    assert first.rendering_provider.identifier == "1245319599"  # type: ignore[union-attr]
    assert second.corrected_insured.identifier == "Q2"  # type: ignore[union-attr]
    assert second.crossover_carrier.last == "BEACON INSURANCE"  # type: ignore[union-attr]
    assert second.corrected_payer.identifier == "ACME2"  # type: ignore[union-attr]


def test_claim_level_cas_references_dates_amounts_and_quantities_are_read() -> None:
    first, second = remittance().claims
    assert second.adjustments == (Adjustment("CO", "29", Decimal(50)),)
    assert [(r.qualifier, r.value) for r in first.references] == [("EA", "MRN42")]
    assert [d.qualifier for d in first.dates] == ["232", "233"]
    assert [(a.qualifier, a.value) for a in first.amounts] == [("AU", Decimal(210))]
    assert [(q.qualifier, q.value) for q in first.quantities] == [("ZK", Decimal(2))]
    assert first.contacts[0].name == "ANN CLAIMS"


def test_moa_and_mia_give_their_remark_codes() -> None:
    first, second = remittance().claims
    assert first.remark_codes == ("MA01", "N130")
    assert second.remark_codes == ("MA01",)


# --- service lines --------------------------------------------------------------------------


def test_the_service_composite_gives_qualifier_code_and_four_modifiers() -> None:
    line = remittance().claims[0].lines[0]
    procedure = line.procedure
    assert (procedure.qualifier, procedure.code) == ("HC", "99213")
    assert procedure.modifiers == ("25", "59", "XE", "GT")
    assert (line.charge, line.paid, line.units) == (Decimal(200), Decimal(120), Decimal(1))


def test_svc06_is_the_billed_procedure_when_the_payer_paid_another() -> None:
    line = remittance().claims[0].lines[1]
    assert line.procedure.code == "99214"
    assert line.original_procedure is not None
    assert line.original_procedure.code == "99215"


def test_a_cas_holds_six_triplets_with_quantities() -> None:
    line = remittance().claims[0].lines[0]
    patient_share = [a for a in line.adjustments if a.group == "PR"]
    assert [a.reason for a in patient_share] == ["1", "2", "3", "122", "123", "130"]
    assert sum(a.amount for a in patient_share) == Decimal(20)
    assert {a.quantity for a in patient_share} == {Decimal(1)}


def test_line_dates_control_number_allowed_amount_and_remarks() -> None:
    first, second = remittance().claims[0].lines
    assert [(d.qualifier, d.date.day) for d in first.dates] == [("150", 10), ("151", 11)]
    assert second.service_date == dt.date(2026, 11, 10)
    assert (first.line_control_number, second.line_control_number) == ("LINE-1", "LINE-2")
    assert (first.allowed, second.allowed) == (Decimal(140), Decimal(70))
    assert first.remarks == (Remark("HE", "N130"),)


def test_a_modifier_glued_to_the_code_is_kept_raw_for_posting() -> None:
    text = interchange(replaced(FULL, "SVC*HC:99214", "SVC*HC:9921425*100*70**1*HC:99215"))
    line = remittance(text).claims[0].lines[1]
    assert (line.procedure.code, line.procedure.raw) == ("9921425", "HC:9921425")


# --- provider-level adjustments -------------------------------------------------------------


def test_plb_gives_each_reason_with_its_reference_and_amount() -> None:
    found = remittance().provider_adjustments
    assert [(p.reason, p.reference, p.amount) for p in found] == [
        ("L6", "", Decimal("-2.5")),
        ("WO", "OVP123", Decimal(10)),
        ("FB", "FWD1", Decimal(5)),
    ]
    assert {(p.provider_id, p.fiscal_period) for p in found} == {
        ("1234567893", dt.date(2026, 12, 31))
    }


def test_a_plb_holds_six_pairs() -> None:
    six = "PLB*1234567893*20261231*L6*-2.5*WO:A*2*FB:B*3*72:C*4*J1:D*5*CS:E*1"
    found = remittance(interchange(replaced(FULL, "PLB", six))).provider_adjustments
    assert [p.reason for p in found] == ["L6", "WO", "FB", "72", "J1", "CS"]


# --- balancing ------------------------------------------------------------------------------


def test_a_line_that_does_not_balance_names_its_svc() -> None:
    text = interchange(replaced(FULL, "SVC*HC:99214", "SVC*HC:99214*100*71**1*HC:99215"))
    with pytest.raises(BalanceError) as caught:
        read_835(text)
    assert (caught.value.segment_id, caught.value.element) == ("SVC", 3)
    assert caught.value.segment_number == 41  # ISA, GS, ST, then the body's 38th segment


def test_a_claim_that_does_not_balance_names_its_clp() -> None:
    text = interchange(replaced(FULL, "CAS*CO*29", "CAS*CO*29*45"))
    with pytest.raises(BalanceError) as caught:
        read_835(text)
    assert (caught.value.segment_id, caught.value.segment_number, caught.value.element) == (
        "CLP",
        48,
        4,
    )


def test_claim_level_and_line_level_cas_add_up_together() -> None:
    body = replaced(FULL, "CLP*PCN1001", "CLP*PCN1001*1*300*180*20*12*PAYER0001*11*1")
    body = replaced(body, "NM1*QC*1*RIVERA", "NM1*QC*1*RIVERA*MARIA*J***MI*XJ123456789")
    body.insert(body.index("NM1*QC*1*RIVERA*MARIA*J***MI*XJ123456789"), "CAS*OA*23*10")
    body = replaced(body, "BPR", FULL[0].replace("177.5", "167.5"))
    assert remittance(interchange(body)).claims[0].adjusted == Decimal(120)


def test_a_payment_that_is_not_the_claims_less_plb_names_bpr02() -> None:
    text = interchange(replaced(FULL, "PLB", "PLB*1234567893*20261231*L6*-2.5*WO:OVP123*10"))
    with pytest.raises(BalanceError) as caught:
        read_835(text)
    assert (caught.value.segment_id, caught.value.segment_number, caught.value.element) == (
        "BPR",
        4,
        2,
    )


def test_when_not_strict_imbalances_are_listed_and_reading_goes_on() -> None:
    body = replaced(FULL, "CLP*PCN1002", "CLP*PCN1002*4*50*5**12*PAYER0002*11*1")
    result = read_835(interchange(body), strict=False)
    assert [(e.segment_id, e.segment_number) for e in result.errors] == [("CLP", 48), ("BPR", 4)]
    assert len(result.remittances[0].claims) == 2


# --- malformed input ------------------------------------------------------------------------


def test_an_amount_that_is_not_a_number_names_segment_and_element() -> None:
    with pytest.raises(ContentError) as caught:
        read_835(interchange(replaced(FULL, "AMT*B6*140", "AMT*B6*1X0")))
    assert (caught.value.segment_id, caught.value.segment_number, caught.value.element) == (
        "AMT",
        39,
        2,
    )


def test_an_unknown_adjustment_group_is_a_content_error() -> None:
    with pytest.raises(ContentError, match="adjustment group 'XX'"):
        read_835(interchange(replaced(FULL, "CAS*CO*45*30", "CAS*XX*45*30")))


def test_a_cas_amount_without_a_reason_is_a_content_error() -> None:
    with pytest.raises(ContentError) as caught:
        read_835(interchange(replaced(FULL, "CAS*CO*45*30", "CAS*CO*45*30***5")))
    assert caught.value.element == 5


def test_a_service_line_before_any_claim_is_a_content_error() -> None:
    body = FULL[:15] + ["SVC*HC:99213*10*10"] + FULL[15:]
    with pytest.raises(ContentError, match="outside a claim"):
        read_835(interchange(body))


def test_a_payment_without_bpr_is_a_content_error() -> None:
    with pytest.raises(ContentError, match="BPR"):
        read_835(interchange(without(FULL, "BPR")))


def test_a_transaction_set_that_is_not_an_835_is_a_content_error() -> None:
    with pytest.raises(ContentError, match="not an 835"):
        read_835(TEXT.replace("ST*835", "ST*277"))


def test_a_file_cut_short_is_a_truncated_error() -> None:
    with pytest.raises(TruncatedError):
        read_835(TEXT[: TEXT.index("SE*")])


# --- what real payers send: warnings --------------------------------------------------------


def test_no_per_bl_in_the_payer_loop_is_a_warning_naming_the_n1() -> None:
    result = read_835(interchange(without(FULL, "PER*BL")))
    (warning,) = [w for w in result.warnings if w.code == "no-technical-contact"]
    assert (warning.segment_number, warning.segment_id) == (9, "N1")


def test_the_whole_file_on_one_line_is_read_with_a_warning() -> None:
    flat = TEXT.replace("\n", "")
    assert read_835(flat).remittances == read_835(TEXT).remittances
    assert codes(flat) == ["one-line"]


def test_crlf_after_each_segment_is_read_with_a_warning() -> None:
    crlf = TEXT.replace("\n", "\r\n")
    assert read_835(crlf).remittances == read_835(TEXT).remittances
    assert codes(crlf) == ["crlf"]


def test_lf_after_each_segment_is_read_with_a_warning() -> None:
    assert codes(TEXT) == ["lf"]


def test_a_byte_order_mark_is_read_with_a_warning() -> None:
    data = ("\ufeff" + TEXT).encode()
    assert read_835(data).remittances == read_835(TEXT).remittances
    assert codes(data) == ["byte-order-mark", "lf"]


def test_a_segment_the_835_does_not_have_is_skipped_with_a_warning() -> None:
    body = FULL[:18] + ["ZZZ*1"] + FULL[18:]
    assert "unexpected" in codes(interchange(body))


def test_a_procedure_that_is_no_qualifier_and_code_is_kept_raw_and_unreadable() -> None:
    text = interchange(replaced(FULL, "SVC*HC:99214", "SVC*99214*100*70**1*HC:99215"))
    result = read_835(text)
    line = result.remittances[0].claims[0].lines[1]
    assert (line.procedure.readable, line.procedure.raw) == (False, "99214")
    assert "unreadable-procedure" in [w.code for w in result.warnings]


# --- several envelopes and payments; streaming ----------------------------------------------


def test_several_payments_in_one_interchange_are_separate_remittances() -> None:
    other = replaced(FULL, "TRN", "TRN*1*EFT0002*1060000001")
    found = read_835(interchange(FULL, other)).remittances
    assert [r.trace.number for r in found] == ["EFT0001", "EFT0002"]
    assert [r.start.control_number for r in found] == ["0001", "0002"]
    assert all(len(r.claims) == 2 for r in found)


def test_several_interchanges_in_one_file_are_all_read() -> None:
    text = interchange(FULL, control=1) + interchange(FULL, control=2)
    result = read_835(text)
    assert len(result.remittances) == 2
    assert result.envelope_errors == ()


def test_the_stream_gives_start_then_each_claim_then_end() -> None:
    events = list(Reader835(interchange(FULL, FULL)))
    kinds = [type(event) for event in events]
    one = [RemittanceStart, ClaimPayment, ClaimPayment, RemittanceEnd]
    assert kinds == one + one
    end = events[3]
    assert isinstance(end, RemittanceEnd)
    assert (end.claims, end.provider_adjustments[0].reason) == (2, "L6")


def test_a_claim_is_handed_over_before_the_rest_of_the_file_is_read() -> None:
    stream = iter(Reader835(TEXT + "garbage that is never reached"))
    assert isinstance(next(stream), RemittanceStart)
    assert isinstance(next(stream), ClaimPayment)


def test_a_binary_file_object_and_a_path_read_like_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "era.835"
    path.write_text(TEXT)
    expected = read_835(TEXT)
    assert read_835(path) == expected
    assert read_835(io.BytesIO(TEXT.encode())).remittances == expected.remittances
    assert read_835(io.StringIO(TEXT)).warnings == expected.warnings


# --- the shared samples ---------------------------------------------------------------------


def test_the_stupidedi_era_sample_reads_and_balances() -> None:
    result = read_835(sample("stupidedi_835_era-sample.835"))
    (claim,) = result.remittances[0].claims
    assert (claim.claim_id, claim.charge, claim.paid) == ("7722337", Decimal(226), Decimal(132))
    assert [line.procedure.code for line in claim.lines] == [
        "D0120",
        "D0220",
        "D0230",
        "D0274",
        "D1110",
    ]
    assert {line.procedure.qualifier for line in claim.lines} == {"AD"}
    assert claim.lines[0].adjustments == (Adjustment("CO", "131", Decimal(21)),)
    assert result.remittances[0].payer.contacts[0].function == "BL"
    assert result.errors == ()


def test_the_stupidedi_secondary_payments_read_and_balance() -> None:
    result = read_835(sample("stupidedi_835_secondary-payments.835"))
    first, second = result.remittances[0].claims
    assert (first.claim_id, first.status, first.adjustments) == (
        "L0004828311",
        "2",
        (Adjustment("OA", "23", Decimal("9411.64")),),
    )
    assert [(a.group, a.reason, a.amount) for a in second.lines[1].adjustments] == [
        ("PR", "1", Decimal(150)),
        ("PR", "2", Decimal(70)),
        ("CO", "42", Decimal(85)),
    ]
    assert second.lines[0].procedure.modifiers == ("26",)
    assert result.remittances[0].payment.amount == Decimal(1222)


def test_the_lfh_demo_reads_with_its_plb_and_the_missing_per_bl() -> None:
    result = read_835(sample("lfh_demo_835_x221a1.835"))
    (payment,) = result.remittances
    assert [c.claim_id for c in payment.claims] == ["666123", "777777"]
    assert payment.claims[0].adjustments == (Adjustment("CO", "45", Decimal("73348.57")),)
    assert payment.claims[0].inpatient == ("0", "", "", "138018.40")
    assert payment.claims[1].remark_codes == ("MA02",)
    assert payment.provider_adjustments == (
        ProviderAdjustment("6543210903", dt.date(2002, 12, 31), "CV", "CP", Decimal("-1.27")),
    )
    assert [s.number for s in payment.summaries] == ["110212", "130212"]
    assert "no-technical-contact" in [w.code for w in result.warnings]


def test_the_lfh_secondary_payment_recovers_the_wrong_composite_separator() -> None:
    result = read_835(sample("lfh_secondary_payment.835"))
    lines = result.remittances[0].claims[1].lines
    assert [(line.procedure.code, line.procedure.modifiers) for line in lines] == [
        ("12345", ("26",)),
        ("66543", ("26",)),
    ]
    assert lines[1].revenue_code == "220"
    mismatches = [w for w in result.warnings if w.code == "component-separator"]
    assert [(w.segment_number, w.segment_id, w.element) for w in mismatches] == [
        (29, "SVC", 1),
        (34, "SVC", 1),
    ]


def test_the_lfh_secondary_payment_date_in_bpr15_is_read_with_a_warning() -> None:
    result = read_835(sample("lfh_secondary_payment.835"))
    assert result.remittances[0].payment.date == dt.date(2005, 4, 12)
    assert "payment-date-in-bpr15" in [w.code for w in result.warnings]


def test_the_lfh_managed_care_file_balances_claim_and_line_cas_together() -> None:
    result = read_835(sample("lfh_managed_care.835"))
    first, second = result.remittances[0].claims
    assert (first.charge - first.paid, first.adjusted) == (Decimal(350), Decimal(350))
    assert [a.reason for a in second.adjustments] == ["A2"]
    assert [a.reason for a in second.lines[0].adjustments] == ["1", "45"]
    assert first.lines[0].dates[0].date == dt.date(2002, 3, 1)


def test_the_lfh_managed_care_impossible_payment_date_is_a_warning() -> None:
    result = read_835(sample("lfh_managed_care.835"))
    assert result.remittances[0].payment.date is None
    (warning,) = [w for w in result.warnings if w.code == "bad-payment-date"]
    assert (warning.segment_id, warning.element) == ("BPR", 16)


# --- fuzzing: only the reader's own errors --------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(mutations(TEXT))
def test_mutated_835s_raise_only_typed_errors(text: str) -> None:
    only_typed_errors(read_835, text)


@settings(max_examples=150, deadline=None)
@given(st.deferred(lambda: mutations(sample("lfh_secondary_payment.835").read_text())))
def test_a_mutated_real_payer_file_raises_only_typed_errors(text: str) -> None:
    only_typed_errors(lambda data: read_835(data, strict=False), text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_typed_errors(data: bytes) -> None:
    only_typed_errors(read_835, data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FULL), min_size=1, max_size=30))
def test_shuffled_835_segments_raise_only_typed_errors(body: list[str]) -> None:
    only_typed_errors(read_835, interchange(body))


def test_a_payment_without_its_se_is_an_envelope_error_and_the_next_one_reads() -> None:
    text = interchange(FULL, FULL)
    first_se = text.index("SE*")
    cut = text[:first_se] + text[text.index("\n", first_se) + 1 :]
    result = read_835(cut, strict=False)
    assert [r.start.control_number for r in result.remittances] == ["0002"]
    assert any("has no SE" in str(e) for e in result.envelope_errors)
