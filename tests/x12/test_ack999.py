"""The 999 reader: per transaction set accepted or rejected, with where and why; TA1 apart."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.x12.ack999 import read_999
from medoffice.x12.errors import ContentError, EnvelopeError, TruncatedError
from tests.x12.fuzzing import mutations, only_typed_errors
from tests.x12.samples import sample

REJECTED = (
    "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*VALLEYFM       *261201*0900*^*00501*000000777*0*T*:~"
    "GS*FA*CLEARHOUSE*VALLEYFM*20261201*0900*777*X*005010X231A1~"
    "ST*999*0001*005010X231A1~"
    "AK1*HC*201*005010X222A1~"
    "AK2*837*0301*005010X222A1~"
    "IK3*CLM*22*2300*8~"
    "CTX*CLM01:PCN1001~"
    "IK4*2*782*1~"
    "IK5*R*5~"
    "AK9*R*1*1*0~"
    "SE*9*0001~GE*1*777~IEA*1*000000777~"
)


def test_a_rejected_set_names_the_segment_loop_and_element() -> None:
    (ack,) = read_999(REJECTED).sets
    assert (ack.control_number, ack.accepted, ack.status) == ("0301", False, "R")
    (error,) = ack.errors
    assert (error.segment_id, error.position, error.loop, error.code) == ("CLM", "22", "2300", "8")
    assert (error.elements[0].position, error.elements[0].code) == ("2", "1")
    assert error.context == ("CLM01:PCN1001",)
    assert "CLM02: required data element missing" in ack.reasons


def test_the_group_result_is_read_from_ak9() -> None:
    (group,) = read_999(REJECTED).groups
    assert (group.control_number, group.status, group.accepted_count) == ("201", "R", "0")


def test_the_sample_with_three_837s_is_one_accepted_and_two_rejected() -> None:
    ack = read_999(sample("stupidedi_999_three_837s.999"))
    assert [(s.control_number, s.accepted) for s in ack.sets] == [
        ("0001", True),
        ("0002", False),
        ("0003", False),
    ]
    assert ack.groups[0].status == "P"


def test_a_ta1_is_reported_apart_from_the_sets() -> None:
    ack = read_999(sample("ims_999_accepted_ta1.999"))
    (ta1,) = ack.interchange_acks
    assert (ta1.control_number, ta1.accepted, ta1.note_code) == ("101", True, "000")
    assert [s.accepted for s in ack.sets] == [False]
    assert [e.segment_id for e in ack.sets[0].errors] == ["CLM", "CLM"]


def test_the_imsweb_rejection_is_read() -> None:
    (ack,) = read_999(sample("ims_999_rejected.999")).sets
    assert (ack.accepted, ack.errors[0].segment_id, ack.errors[0].position) == (False, "NM", "17")


def test_a_mismatched_iea_is_kept_as_an_envelope_problem() -> None:
    ack = read_999(sample("ims_999_accepted.999"))
    assert [s.accepted for s in ack.sets] == [True]
    assert [type(e) for e in ack.envelope_errors] == [EnvelopeError]


def test_an_unknown_acknowledgment_code_names_ik501() -> None:
    with pytest.raises(ContentError) as caught:
        read_999(REJECTED.replace("IK5*R*5", "IK5*Q*5"))
    assert (caught.value.segment_id, caught.value.element) == ("IK5", 1)
    assert caught.value.segment_number == 9


def test_an_ak2_without_ik5_is_refused() -> None:
    with pytest.raises(ContentError, match="no IK5"):
        read_999(REJECTED.replace("IK5*R*5~", ""))


def test_a_truncated_999_is_a_truncated_error() -> None:
    with pytest.raises(TruncatedError):
        read_999(REJECTED[: REJECTED.index("AK9")])


@settings(max_examples=200, deadline=None)
@given(mutations(REJECTED))
def test_a_mutated_999_raises_only_typed_errors(text: str) -> None:
    only_typed_errors(read_999, text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_typed_errors(data: bytes) -> None:
    only_typed_errors(read_999, data)


def test_an_interchange_with_only_a_ta1_is_read() -> None:
    text = (
        "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*VALLEYFM       *261201*0900*^*00501*000000779*0*T*:~"
        "TA1*000000101*261130*1405*R*006~IEA*0*000000779~"
    )
    ack = read_999(text)
    (ta1,) = ack.interchange_acks
    assert (ta1.control_number, ta1.accepted, ta1.reason) == (
        "000000101",
        False,
        "invalid interchange sender id",
    )
    assert ack.groups == ()


def test_the_pyx12_sample_acknowledges_four_accepted_sets() -> None:
    ack = read_999(sample("pyx12_834_lui_id_5010.999"))
    assert [s.accepted for s in ack.sets] == [True, True, True, True]
    assert [g.status for g in ack.groups] == ["A", "A", "A", "A"]
