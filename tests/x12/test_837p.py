"""The 837P we write: pyx12 finds nothing wrong, and it says what the CMS-1500 says."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.x12 import crosswalk
from medoffice.x12.claims import Adjustment, Claim, Payer, ServiceLine, Subscriber
from medoffice.x12.errors import WriteError
from medoffice.x12.p837 import write_837p
from medoffice.x12.reader import Segment, X12Reader
from tests.x12 import builders as b
from tests.x12.pyx12check import pyx12_errors


def segments_of(text: str) -> list[Segment]:
    return list(X12Reader(text))


def first(text: str, segment_id: str, *qualifier: str) -> Segment:
    for segment in segments_of(text):
        if segment.id == segment_id and segment.elements[: len(qualifier)] == qualifier:
            return segment
    raise AssertionError(f"no {segment_id} {qualifier}")


def test_a_patient_who_is_the_subscriber_validates() -> None:
    assert pyx12_errors(write_837p([b.claim()], b.envelope())) == []


def test_a_dependent_patient_validates_with_a_patient_loop() -> None:
    text = write_837p([b.dependent_claim()], b.envelope())
    assert pyx12_errors(text) == []
    assert first(text, "HL", "3").elements == ("3", "2", "23", "0")
    assert first(text, "PAT").get(1) == "19"
    assert first(text, "SBR").get(2) == ""


def test_referring_rendering_facility_ndc_noc_and_twelve_diagnoses_validate() -> None:
    text = write_837p([b.full_claim()], b.envelope())
    assert pyx12_errors(text) == []
    assert len(first(text, "HI").elements) == 12
    assert first(text, "NM1", "DN").get(9) == b.REFERRING.npi
    assert first(text, "NM1", "77").get(9) == b.FACILITY.npi
    assert first(text, "NM1", "DK").get(9) == b.ORDERING.npi
    assert first(text, "LIN").get(3) == "00009004701"


def test_a_noc_description_is_sv101_7_without_separator_characters() -> None:
    text = write_837p([b.full_claim()], b.envelope())
    noc = next(s for s in segments_of(text) if s.id == "SV1" and s.component(1, 2) == "J3490")
    assert noc.component(1, 7) == "UNCLASSIFIED DRUG ONDANSETRON 4MG ORAL"


def test_a_replacement_claim_carries_the_original_reference() -> None:
    text = write_837p([b.claim(frequency_code="7", original_reference="PAYER999")], b.envelope())
    assert pyx12_errors(text) == []
    assert first(text, "REF", "F8").get(2) == "PAYER999"
    assert first(text, "CLM").component(5, 3) == "7"


def test_a_void_without_the_original_reference_is_refused() -> None:
    with pytest.raises(WriteError, match="REF\\*F8"):
        write_837p([b.claim(frequency_code="8")], b.envelope())


def test_a_secondary_claim_with_the_other_payer_validates() -> None:
    other = Subscriber(
        "OTH555", b.SUBSCRIBER_PERSON, "P", "CI", group_number="G9", payer=b.OTHER_PAYER
    )
    text = write_837p(
        [
            b.claim(
                subscriber=replace(b.SUBSCRIBER, payer_responsibility="S"),
                other_subscribers=(other,),
            )
        ],
        b.envelope(),
    )
    assert pyx12_errors(text) == []


def test_several_claims_for_several_payers_and_providers_validate() -> None:
    second_provider = replace(b.BILLING, npi="1972542317", last_name="Hill Clinic")
    claims = [
        b.claim(),
        b.dependent_claim(control_number="PCN2", payer=Payer("Other Plan", "OTH9")),
        b.full_claim(),
        b.claim(control_number="PCN4", billing_provider=second_provider),
    ]
    text = write_837p(claims, b.envelope())
    assert pyx12_errors(text) == []
    hl = [s for s in segments_of(text) if s.id == "HL"]
    assert [s.get(3) for s in hl].count("20") == 2
    assert [s.get(1) for s in hl] == [str(n) for n in range(1, len(hl) + 1)]


def test_the_trailers_count_what_was_written() -> None:
    text = write_837p([b.claim(), b.full_claim()], b.envelope())
    reader = X12Reader(text)
    listed = list(reader)  # strict: a wrong count or control number would raise
    assert listed[-1].id == "IEA"
    assert first(text, "SE").get(1) == str(len(listed) - 4)


def test_money_is_written_without_exponent_or_trailing_zeros() -> None:
    line = b.office_visit(charge=Decimal("1E+2"))
    text = write_837p([b.claim(lines=(line,))], b.envelope())
    assert first(text, "CLM").get(2) == "100"
    assert first(text, "SV1").get(2) == "100"


def test_the_control_numbers_are_the_callers() -> None:
    text = write_837p([b.claim()], b.envelope())
    assert first(text, "ISA").get(13) == "000000101"
    assert first(text, "GS").get(6) == "201"
    assert first(text, "ST").get(2) == "0301"


def test_a_claim_without_lines_is_refused_by_its_control_number() -> None:
    with pytest.raises(WriteError, match="PCN1001"):
        write_837p([b.claim(lines=())], b.envelope())


def test_a_pointer_beyond_the_diagnoses_is_refused() -> None:
    with pytest.raises(WriteError, match="pointers"):
        write_837p([b.claim(lines=(b.office_visit(diagnosis_pointers=(3,)),))], b.envelope())


# --- paper and electronic agree -------------------------------------------------------------


def test_every_listed_cms1500_box_is_in_the_crosswalk() -> None:
    boxes = set(crosswalk.CLAIM_BY_BOX) | set(crosswalk.LINE_BY_BOX)
    wanted = {
        "1",
        "1a",
        "2",
        "3",
        "4",
        "5",
        "7",
        "9",
        "9a",
        "10",
        "11",
        "11c",
        "12",
        "13",
        "14",
        "17",
        "17b",
        "21",
        "22",
        "23",
        "24A",
        "24B",
        "24D",
        "24E",
        "24F",
        "24G",
        "24J",
        "25",
        "26",
        "27",
        "28",
        "29",
        "31",
        "32",
        "32a",
        "33",
        "33a",
    }
    assert wanted <= boxes


def test_the_837p_carries_the_crosswalk_values_of_the_paper_claim() -> None:
    claim = b.full_claim()
    paper = crosswalk.cms1500(claim)
    text = write_837p([claim], b.envelope())
    clm = first(text, "CLM")
    assert clm.get(1) == paper["26"]
    assert Decimal(clm.get(2)) == paper["28"]
    assert clm.get(7) == ("A" if paper["27"] else "C")
    assert clm.get(8) == ("Y" if paper["13"] else "N")
    assert clm.get(9) == paper["12"]
    assert first(text, "REF", "G1").get(2) == paper["23"]
    assert first(text, "REF", "EI").get(2) == paper["25"]
    assert first(text, "NM1", "85").get(9) == paper["33a"]
    assert first(text, "NM1", "77").get(9) == paper["32a"]
    assert first(text, "DTP", "431").get(3) == "20261101"
    assert Decimal(first(text, "AMT", "F5").get(2)) == paper["29"]
    hi = first(text, "HI")
    assert tuple(hi.component(n, 2) for n in range(1, 13)) == paper["21"]


def test_each_service_line_carries_its_box_24_values() -> None:
    claim = b.full_claim()
    lines = crosswalk.cms1500_lines(claim)
    sv1 = [s for s in segments_of(write_837p([claim], b.envelope())) if s.id == "SV1"]
    for paper, segment in zip(lines, sv1, strict=True):
        assert segment.component(1, 2) == paper["24D"]
        assert Decimal(segment.get(2)) == paper["24F"]
        assert Decimal(segment.get(4)) == paper["24G"]
        assert tuple(int(p) for p in segment.components(7)) == paper["24E"]
        assert (segment.get(5) or claim.place_of_service) == paper["24B"]


def test_a_crosswalk_change_reaches_the_837p(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = crosswalk.CLAIM_BY_BOX["23"]
    monkeypatch.setitem(crosswalk.CLAIM_BY_BOX, "23", replace(entry, get=lambda c: "FROMTABLE"))
    text = write_837p([b.claim(prior_authorization="X")], b.envelope())
    assert first(text, "REF", "G1").get(2) == "FROMTABLE"


# --- generated claims -----------------------------------------------------------------------

names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ abc'-*~:^", min_size=1, max_size=20).filter(
    lambda s: any(c.isalpha() for c in s)
)
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))
codes = st.sampled_from(["E119", "I10", "J069", "R051", "M545", "Z0000", "E785", "F419"])


@st.composite
def claims(draw: st.DrawFn) -> Claim:
    diagnoses = tuple(draw(st.lists(codes, min_size=1, max_size=12)))
    pointer = st.integers(min_value=1, max_value=len(diagnoses))
    lines = tuple(
        ServiceLine(
            procedure_code=draw(st.sampled_from(["99213", "99214", "90471", "36415", "J1100"])),
            charge=draw(money),
            units=draw(st.decimals(min_value=1, max_value=99, places=0)),
            service_from=(day := draw(days)),
            service_to=day + dt.timedelta(days=draw(st.integers(0, 3))),
            diagnosis_pointers=tuple(draw(st.lists(pointer, min_size=1, max_size=4, unique=True))),
            modifiers=tuple(draw(st.lists(st.sampled_from(["25", "59", "GT", "76"]), max_size=4))),
            place_of_service=draw(st.sampled_from(["", "11", "22"])),
        )
        for _ in range(draw(st.integers(1, 5)))
    )
    base = b.dependent_claim() if draw(st.booleans()) else b.claim()
    person = replace(b.SUBSCRIBER_PERSON, last_name=draw(names), first_name=draw(names))
    built = replace(
        base,
        control_number=draw(st.text(alphabet="ABC0123456789", min_size=1, max_size=20)),
        diagnoses=diagnoses,
        lines=lines,
        subscriber=replace(b.SUBSCRIBER, person=person),
        patient_paid=draw(st.sampled_from([Decimal("0"), Decimal("10.50")])),
        onset_date=draw(st.none() | days),
        frequency_code=(freq := draw(st.sampled_from(["1", "7", "8"]))),
        original_reference="ORIG1" if freq != "1" else "",
        rendering=draw(st.sampled_from([None, b.RENDERING])),
        referring=draw(st.sampled_from([None, b.REFERRING])),
    )
    if not draw(st.booleans()):
        return built
    # A secondary claim: the primary's adjudication, per line or for the claim only.
    share = draw(st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("0.8"), Decimal("1")]))
    adjudication = b.primary_adjudication(built, paid_share=share)
    if draw(st.booleans()):
        adjudication = replace(
            adjudication,
            lines=(),
            adjustments=(Adjustment("CO", "45", built.total_charge - adjudication.paid),),
        )
    primary = Subscriber(
        member_id="PRI" + draw(st.text(alphabet="0123456789", min_size=1, max_size=10)),
        person=person,
        payer_responsibility="P",
        filing_indicator=draw(st.sampled_from(["CI", "MB", "BL"])),
        group_number=draw(st.sampled_from(["", "G1"])),
        payer=b.OTHER_PAYER,
        adjudication=adjudication,
    )
    return replace(
        built,
        subscriber=replace(built.subscriber, payer_responsibility="S"),
        other_subscribers=(primary,),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claims(), min_size=1, max_size=3))
def test_generated_claims_validate_in_pyx12(batch: list[Claim]) -> None:
    assert pyx12_errors(write_837p(batch, b.envelope())) == []


def test_a_name_that_is_only_separators_is_refused() -> None:
    person = replace(b.SUBSCRIBER_PERSON, last_name="*~:")
    with pytest.raises(WriteError, match="name is empty"):
        write_837p([b.claim(subscriber=replace(b.SUBSCRIBER, person=person))], b.envelope())


def test_a_patient_control_number_over_38_characters_is_refused() -> None:
    with pytest.raises(WriteError, match="38"):
        write_837p([b.claim(control_number="P" * 39)], b.envelope())


def test_claims_beyond_the_set_limit_go_into_further_transaction_sets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("medoffice.x12.p837.MAX_CLAIMS_PER_SET", 2)
    text = write_837p([b.claim(), b.dependent_claim(), b.full_claim()], b.envelope())
    assert pyx12_errors(text) == []
    assert [s.get(2) for s in segments_of(text) if s.id == "ST"] == ["0301", "0302"]
    assert first(text, "GE").get(1) == "2"


def test_the_patient_boxes_name_the_dependent_when_there_is_one() -> None:
    paper = crosswalk.cms1500(b.dependent_claim())
    assert paper["2"] == b.CHILD
    assert paper["4"] == b.SUBSCRIBER_PERSON
    assert paper["3"] == b.CHILD.date_of_birth
    assert paper["6"] == "19"


def test_a_minimal_claim_has_empty_optional_boxes() -> None:
    paper = crosswalk.cms1500(b.claim())
    assert (paper["9"], paper["17"], paper["32"], paper["14"]) == (None, None, None, None)
    assert (paper["17b"], paper["32a"], paper["23"]) == ("", "", "")
    assert paper["11d"] is False


def test_box_24j_falls_back_from_the_line_to_the_claim_to_the_billing_provider() -> None:
    claim = b.full_claim()
    npis = [line["24J"] for line in crosswalk.cms1500_lines(claim)]
    assert npis == [b.RENDERING.npi, b.RENDERING.npi, b.REFERRING.npi]
    assert crosswalk.cms1500_lines(b.claim())[0]["24J"] == b.BILLING.npi


def test_a_pay_to_address_other_than_the_billing_address_gets_loop_2010ab() -> None:
    from medoffice.x12.claims import Address

    lockbox = Address("PO Box 99", "Springfield", "MA", "011010099")
    billing = replace(b.BILLING, pay_to_address=lockbox)
    text = write_837p([b.claim(billing_provider=billing)], b.envelope())
    assert pyx12_errors(text) == []
    assert first(text, "NM1", "87").elements == ("87", "2")
    assert first(text, "N3", "PO BOX 99").get(1) == "PO BOX 99"


def test_no_pay_to_loop_when_payment_goes_to_the_billing_address() -> None:
    billing = replace(b.BILLING, pay_to_address=b.BILLING.address)
    text = write_837p([b.claim(billing_provider=billing)], b.envelope())
    assert not any(s.id == "NM1" and s.get(1) == "87" for s in segments_of(text))
