"""The stand-in clearinghouse's 999 (x12/respond.py): what it says, read back by our reader
and by pyx12."""

from __future__ import annotations

import datetime as dt

from medoffice.x12.ack999 import read_999
from medoffice.x12.p837 import write_837p
from medoffice.x12.respond import Rejection, acknowledge_837
from medoffice.x12.writer import InterchangeHeader
from tests.x12 import builders
from tests.x12.pyx12check import pyx12_errors

HEADER = InterchangeHeader(
    sender_id="CLEARHOUSE",
    receiver_id="VALLEYFM",
    interchange_control_number=901,
    group_control_number=902,
    created=dt.datetime(2026, 11, 30, 9, 15),
)


def _batch(*numbers: str) -> str:
    claims = [builders.claim(control_number=number) for number in numbers]
    return write_837p(claims, builders.envelope())


def test_a_batch_without_rejections_is_accepted_whole():
    ack = read_999(acknowledge_837(_batch("C1", "C2"), {}, HEADER))

    assert [s.accepted for s in ack.groups[0].sets] == [True]
    assert ack.groups[0].status == "A"


def test_a_rejected_claim_rejects_its_set_and_points_at_its_clm():
    text = _batch("C1", "C2")
    ack = read_999(acknowledge_837(text, {"C2": Rejection(element=5, code="7")}, HEADER))

    (rejected,) = ack.groups[0].sets
    assert not rejected.accepted
    (error,) = rejected.errors
    assert error.segment_id == "CLM"
    assert error.elements[0].position == "5"
    assert error.context == ("CLM01:C2",)


def test_the_error_position_is_the_rejected_claims_clm_in_the_set():
    text = _batch("C1", "C2")
    ack = read_999(acknowledge_837(text, {"C2": Rejection()}, HEADER))
    position = int(ack.groups[0].sets[0].errors[0].position)

    from medoffice.x12.reader import X12Reader

    reader = X12Reader(text)
    at = {seg.get(1): reader.set_position for seg in reader if seg.id == "CLM"}
    assert position == at["C2"] != at["C1"]


def test_a_fault_in_the_subscriber_loop_points_at_that_segment():
    text = _batch("C1")
    ack = read_999(
        acknowledge_837(text, {"C1": Rejection(segment_id="NM1", element=9, loop="2010BA")}, HEADER)
    )
    error = ack.groups[0].sets[0].errors[0]

    assert (error.segment_id, error.loop) == ("NM1", "2010BA")


def test_the_999_is_valid_for_pyx12():
    text = acknowledge_837(_batch("C1", "C2"), {"C1": Rejection()}, HEADER)

    assert pyx12_errors(text) == []
