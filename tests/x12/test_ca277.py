"""The 277CA reader: per claim accepted or rejected, with our CLM01 and the payer's number."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.x12.ca277 import read_277ca
from medoffice.x12.errors import ContentError
from tests.x12.fuzzing import mutations, only_typed_errors
from tests.x12.samples import sample

TWO_CLAIMS = (
    "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*VALLEYFM       *261201*0900*^*00501*000000778*0*T*:~"
    "GS*HN*CLEARHOUSE*VALLEYFM*20261201*0900*778*X*005010X214~"
    "ST*277*0001*005010X214~"
    "BHT*0085*08*B1*20261201*0900*TH~"
    "HL*1**20*1~NM1*PR*2*ACME HEALTH PLAN*****PI*ACME1~TRN*1*B1~DTP*050*D8*20261201~DTP*009*D8*20261201~"
    "HL*2*1*21*1~NM1*41*2*VALLEY FAMILY MEDICINE*****46*VFM001~TRN*2*301~STC*A1:19*20261201*WQ*205~"
    "HL*3*2*19*1~NM1*85*2*VALLEY FAMILY MEDICINE*****XX*1234567893~"
    "HL*4*3*PT~NM1*QC*1*RIVERA*MARIA****MI*XJ123456789~TRN*2*PCN1001~"
    "STC*A2:20*20261201*WQ*125~REF*1K*PAYER0001~REF*D9*CH777~DTP*472*D8*20261120~"
    "HL*5*3*PT~NM1*QC*1*RIVERA*LUCAS****MI*XJ123456789~TRN*2*PCN1002~"
    "STC*A7:562:85*20261201*U*80********Billing NPI not on file~DTP*472*D8*20261120~"
    "HL*6*3*PT~NM1*QC*1*SHAW*ANN****MI*Q1~TRN*2*PCN1003~"
    "SE*29*0001~GE*1*778~IEA*1*000000778~"
)


def claims_by_number(text: str) -> dict[str, object]:
    return {c.control_number: c for c in read_277ca(text).claims}


def test_an_a2_claim_is_accepted_with_the_payer_claim_number_and_trace() -> None:
    claim = read_277ca(TWO_CLAIMS).claims[0]
    assert (claim.control_number, claim.accepted) == ("PCN1001", True)
    assert (claim.payer_claim_number, claim.clearinghouse_trace) == ("PAYER0001", "CH777")


def test_an_a7_claim_is_rejected_with_its_codes_and_text() -> None:
    claim = read_277ca(TWO_CLAIMS).claims[1]
    assert claim.accepted is False
    (status,) = claim.statuses
    assert (status.category, status.code, status.entity) == ("A7", "562", "85")
    assert "Billing NPI not on file" in claim.reasons[0]


def test_a_claim_without_its_own_stc_takes_the_nearest_level_above() -> None:
    claim = read_277ca(TWO_CLAIMS).claims[2]
    assert claim.accepted is True
    assert claim.statuses == ()
    assert "receipt" in claim.reasons[0]


def test_status_is_read_at_the_receiver_level_too() -> None:
    levels = read_277ca(TWO_CLAIMS).levels
    receiver = next(level for level in levels if level.level == "21")
    assert [s.category for s in receiver.statuses] == ["A1"]


def test_a_claim_with_no_status_at_any_level_is_not_taken_as_accepted() -> None:
    bare = TWO_CLAIMS.replace("STC*A1:19*20261201*WQ*205~", "").replace("SE*29", "SE*28")
    claim = read_277ca(bare).claims[2]
    assert (claim.accepted, claim.reasons) == (False, ("no status given",))


def test_our_sample_has_no_envelope_problem() -> None:
    assert read_277ca(TWO_CLAIMS).envelope_errors == ()


@pytest.mark.parametrize(
    ("name", "accepted"), [("ims_277ca_accepted.277", True), ("ims_277ca_rejected.277", False)]
)
def test_the_imsweb_samples_are_read(name: str, accepted: bool) -> None:
    (claim,) = read_277ca(sample(name)).claims
    assert claim.accepted is accepted
    assert claim.payer_claim_number.startswith("1107")


def test_a_bad_status_date_names_stc02() -> None:
    with pytest.raises(ContentError) as caught:
        read_277ca(TWO_CLAIMS.replace("STC*A2:20*20261201", "STC*A2:20*2026XX01"))
    assert (caught.value.segment_id, caught.value.element) == ("STC", 2)


def test_an_unknown_hl_level_names_hl03() -> None:
    with pytest.raises(ContentError) as caught:
        read_277ca(TWO_CLAIMS.replace("HL*3*2*19*1", "HL*3*2*99*1"))
    assert (caught.value.segment_id, caught.value.element) == ("HL", 3)


@settings(max_examples=200, deadline=None)
@given(mutations(TWO_CLAIMS))
def test_a_mutated_277ca_raises_only_typed_errors(text: str) -> None:
    only_typed_errors(read_277ca, text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_typed_errors(data: bytes) -> None:
    only_typed_errors(read_277ca, data)


def test_a_claim_status_277_that_is_not_a_277ca_is_refused_by_its_hl_level() -> None:
    with pytest.raises(ContentError) as caught:
        read_277ca(sample("stupidedi_277_claim_response.277"))
    assert (caught.value.segment_id, caught.value.element) == ("HL", 3)
