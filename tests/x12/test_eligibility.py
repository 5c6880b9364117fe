"""The 270 we send and the 271 we read back.

pyx12 4.0.0 has no map for 005010X279A1, so the 270 is checked against the guide's
structure here (envelopes, HL tree, TRN, DTP*291, EQ) rather than by pyx12.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.x12.eligibility import Envelope270, Inquiry, read_271, write_270
from medoffice.x12.errors import ContentError, TruncatedError, WriteError
from medoffice.x12.reader import X12Reader
from medoffice.x12.writer import InterchangeHeader
from tests.x12 import builders as b
from tests.x12.fuzzing import mutations, only_typed_errors
from tests.x12.samples import sample

ENVELOPE = Envelope270(
    header=InterchangeHeader("VALLEYFM", "ACME", 501, 601, b.CREATED),
    transaction_control_number=701,
    trace_originator="9VALLEYFM1",
)
INQUIRY = Inquiry("TRACE1", b.PAYER, b.BILLING, b.SUBSCRIBER, dt.date(2026, 12, 3))

ACTIVE_271 = (
    "ISA*00*          *00*          *ZZ*ACME           *ZZ*VALLEYFM       *261201*0900*^*00501*000000900*0*T*:~"
    "GS*HB*ACME*VALLEYFM*20261201*0900*900*X*005010X279A1~"
    "ST*271*0001*005010X279A1~"
    "BHT*0022*11*0701*20261201*0900~"
    "HL*1**20*1~NM1*PR*2*ACME HEALTH PLAN*****PI*ACME1~"
    "HL*2*1*21*1~NM1*1P*2*VALLEY FAMILY MEDICINE*****XX*1234567893~"
    "HL*3*2*22*0~TRN*2*TRACE1*9VALLEYFM1~"
    "NM1*IL*1*RIVERA*MARIA*L***MI*XJ123456789~REF*6P*GRP77~DTP*346*D8*20260101~"
    "EB*1*IND*30**GOLD PPO~"
    "EB*B*IND*98***27*25~"
    "EB*C*IND*30***23*1500*****Y~"
    "EB*C*IND*30***29*1100.5*****Y~"
    "EB*G*IND*30***23*6000~"
    "SE*16*0001~GE*1*900~IEA*1*000000900~"
)
REJECTED_271 = ACTIVE_271.replace(
    "NM1*IL*1*RIVERA*MARIA*L***MI*XJ123456789~REF*6P*GRP77~DTP*346*D8*20260101~"
    "EB*1*IND*30**GOLD PPO~EB*B*IND*98***27*25~EB*C*IND*30***23*1500*****Y~"
    "EB*C*IND*30***29*1100.5*****Y~EB*G*IND*30***23*6000~",
    "NM1*IL*1*RIVERA*MARIA*L***MI*XJ123456789~AAA*Y**75*C~",
).replace("SE*16", "SE*10")


def test_a_270_has_the_envelopes_and_the_hl_tree_of_x279a1() -> None:
    listed = list(X12Reader(write_270([INQUIRY], ENVELOPE)))  # strict: counts must match
    ids = [s.id for s in listed]
    assert ids == [
        "ISA", "GS", "ST", "BHT", "HL", "NM1", "HL", "NM1", "HL", "TRN", "NM1", "DMG",
        "DTP", "EQ", "SE", "GE", "IEA",
    ]  # fmt: skip
    hl = [s.elements for s in listed if s.id == "HL"]
    assert hl == [("1", "", "20", "1"), ("2", "1", "21", "1"), ("3", "2", "22", "0")]
    assert listed[1].get(8) == listed[2].get(3) == "005010X279A1"
    assert listed[1].get(1) == "HS"


def test_a_270_asks_about_the_date_of_service_with_our_trace() -> None:
    listed = list(X12Reader(write_270([INQUIRY], ENVELOPE)))
    by_id = {s.id: s for s in listed}
    assert by_id["TRN"].elements == ("1", "TRACE1", "9VALLEYFM1")
    assert by_id["DTP"].elements == ("291", "D8", "20261203")
    assert by_id["EQ"].elements == ("30",)
    assert by_id["NM1"].get(1) == "IL"
    assert by_id["NM1"].get(9) == "XJ123456789"


def test_inquiries_to_two_payers_get_two_information_sources() -> None:
    other = replace(INQUIRY, trace="TRACE2", payer=b.OTHER_PAYER)
    listed = list(X12Reader(write_270([INQUIRY, other, replace(INQUIRY, trace="T3")], ENVELOPE)))
    hl = [s.elements for s in listed if s.id == "HL"]
    assert [h[2] for h in hl] == ["20", "21", "22", "22", "20", "21", "22"]
    assert hl[3][1] == "2"
    assert hl[6][1] == "6"


def _dependent_inquiry(relationship: str = "19") -> Inquiry:
    child = replace(b.SUBSCRIBER.person, first_name="LUCIA", date_of_birth=dt.date(2015, 4, 2))
    return replace(INQUIRY, dependent=child, relationship=relationship)


def test_a_dependent_is_asked_about_in_a_dependent_hl_under_the_subscriber() -> None:
    listed = list(X12Reader(write_270([_dependent_inquiry()], ENVELOPE)))  # strict counts
    ids = [s.id for s in listed]
    assert ids[8:] == [
        "HL", "NM1", "DMG", "HL", "TRN", "NM1", "DMG", "INS", "DTP", "EQ", "SE", "GE", "IEA",
    ]  # fmt: skip
    hl = [s.elements for s in listed if s.id == "HL"]
    assert hl[2:] == [("3", "2", "22", "1"), ("4", "3", "23", "0")]


def test_the_dependent_loop_names_the_patient_without_an_id_and_the_subscriber_with_it() -> None:
    listed = list(X12Reader(write_270([_dependent_inquiry()], ENVELOPE)))
    names = [s.elements for s in listed if s.id == "NM1"][2:]
    assert names[0][0] == "IL"
    assert names[0][7:9] == ("MI", "XJ123456789")
    assert names[1][:4] == ("03", "1", "RIVERA", "LUCIA")
    assert "MI" not in names[1]
    dmg = [s.elements for s in listed if s.id == "DMG"]
    assert dmg[-1][:2] == ("D8", "20150402")


def test_the_trace_goes_with_the_dependent_not_the_subscriber() -> None:
    listed = list(X12Reader(write_270([_dependent_inquiry()], ENVELOPE)))
    ids = [s.id for s in listed]
    (trn,) = [s for s in listed if s.id == "TRN"]
    assert ids.index("TRN") > [i for i, s in enumerate(ids) if s == "HL"][-1]
    assert trn.elements == ("1", "TRACE1", "9VALLEYFM1")


@pytest.mark.parametrize(
    ("ours", "ins02"), [("19", "19"), ("01", "01"), ("32", "34"), ("G8", "34")]
)
def test_the_dependent_relationship_is_one_ins02_allows(ours: str, ins02: str) -> None:
    listed = list(X12Reader(write_270([_dependent_inquiry(ours)], ENVELOPE)))
    (ins,) = [s for s in listed if s.id == "INS"]
    assert ins.elements == ("N", ins02)


def test_an_inquiry_without_a_member_id_is_refused() -> None:
    with pytest.raises(WriteError, match="member id"):
        write_270([replace(INQUIRY, subscriber=replace(b.SUBSCRIBER, member_id=""))], ENVELOPE)


def test_active_coverage_with_plan_copay_deductible_and_out_of_pocket() -> None:
    (answer,) = read_271(ACTIVE_271).answers
    assert (answer.trace, answer.member_id, answer.last_name) == ("TRACE1", "XJ123456789", "RIVERA")
    assert answer.active is True
    assert answer.plan == "GOLD PPO"
    assert answer.group_number == "GRP77"
    assert [c.amount for c in answer.copays] == [Decimal("25")]
    assert answer.deductible_remaining == Decimal("1100.5")
    assert [d.amount for d in answer.out_of_pocket] == [Decimal("6000")]


def test_inactive_coverage_is_false() -> None:
    inactive = ACTIVE_271.replace("EB*1*IND*30**GOLD PPO~", "EB*6*IND*30~")
    assert read_271(inactive).answers[0].active is False


def test_a_rejection_gives_the_reason_in_words() -> None:
    (answer,) = read_271(REJECTED_271).answers
    (rejection,) = answer.rejections
    assert (rejection.code, rejection.reason) == ("75", "subscriber/insured not found")
    assert rejection.follow_up == "please correct and resubmit"
    assert answer.active is None


def test_a_rejection_at_the_payer_level_is_reported_apart() -> None:
    text = ACTIVE_271.replace(
        "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME1~", "NM1*PR*2*ACME*****PI*A~AAA*N**42*R~"
    )
    response = read_271(text.replace("SE*16", "SE*17"))
    assert [(r.level, r.reason) for r in response.rejections] == [
        ("20", "unable to respond at current time")
    ]


def test_a_271_with_a_pipe_element_separator_reads_the_same() -> None:
    piped = ACTIVE_271.replace("*", "|")
    assert read_271(piped).answers == read_271(ACTIVE_271).answers


def test_the_dependent_sample_is_read() -> None:
    (answer,) = read_271(sample("lfh_dependent_check.271")).answers
    assert (answer.trace, answer.first_name, answer.last_name) == ("93175-012547", "MARY", "SMITH")
    assert (answer.subscriber_first_name, answer.member_id) == ("JOHN", "123456789")
    assert answer.active is True
    assert answer.plan == "GOLD 123 PLAN"
    assert [(c.amount, c.in_network) for c in answer.copays] == [
        (Decimal("10.00"), "Y"),
        (Decimal("30.00"), "N"),
    ]
    assert "98" in answer.copays[0].service_types


def test_a_270_is_refused_by_the_271_reader_by_its_st() -> None:
    with pytest.raises(ContentError) as caught:
        read_271(write_270([INQUIRY], ENVELOPE))
    assert (caught.value.segment_id, caught.value.element) == ("ST", 1)


def test_a_bad_benefit_amount_names_eb07() -> None:
    with pytest.raises(ContentError) as caught:
        read_271(ACTIVE_271.replace("*27*25~", "*27*2X5~"))
    assert (caught.value.segment_id, caught.value.element) == ("EB", 7)


def test_a_truncated_271_is_a_truncated_error() -> None:
    with pytest.raises(TruncatedError):
        read_271(ACTIVE_271[: ACTIVE_271.index("EB*G")])


@settings(max_examples=200, deadline=None)
@given(mutations(ACTIVE_271))
def test_a_mutated_271_raises_only_typed_errors(text: str) -> None:
    only_typed_errors(read_271, text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_typed_errors(data: bytes) -> None:
    only_typed_errors(read_271, data)
