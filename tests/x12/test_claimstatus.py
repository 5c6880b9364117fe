"""Claim status: the 276 we send to ask about a claim, the 277 we read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.x12.claims import Payer, Person, Provider
from medoffice.x12.claimstatus import (
    Envelope276,
    StatusRequest,
    kind_of,
    read_277,
    write_276,
)
from medoffice.x12.errors import ContentError, WriteError
from medoffice.x12.reader import X12Reader
from medoffice.x12.writer import InterchangeHeader
from tests.x12.fuzzing import mutations, only_typed_errors
from tests.x12.samples import sample

PAYER = Payer(name="ABC Insurance", payer_id="12345")
PROVIDER = Provider(last_name="Home Hospital", npi="1666666661", is_person=False)
ENVELOPE = Envelope276(
    header=InterchangeHeader(
        sender_id="VALLEYFM",
        receiver_id="CLEARHOUSE",
        interchange_control_number=41,
        group_control_number=42,
        created=dt.datetime(2026, 12, 1, 9, 30),
    ),
    transaction_control_number=7,
    submitter_name="XYZ Service",
    submitter_id="X67E",
)


def request(**fields) -> StatusRequest:
    values = {
        "control_number": "ABCXYZ1",
        "payer": PAYER,
        "provider": PROVIDER,
        "member_id": "123456789A",
        "subscriber": Person(
            last_name="Smith", first_name="Fred", date_of_birth=dt.date(1930, 12, 10), sex="M"
        ),
        "total_charge": Decimal("8513.88"),
        "service_from": dt.date(2026, 8, 31),
        "service_to": dt.date(2026, 9, 6),
        "patient_account": "SM123456",
    }
    values.update(fields)
    return StatusRequest(**values)


def segments(text: str) -> list[list[str]]:
    return [[segment.id, *segment.elements] for segment in X12Reader(text)]


def ids(text: str) -> list[str]:
    return [segment.id for segment in X12Reader(text)]


# --- the 277 --------------------------------------------------------------------------------


def answers_by_number(name: str) -> dict[str, object]:
    return {a.control_number: a for a in read_277(sample(name)).claims}


def test_a_pending_claim_is_read_with_its_status_payer_number_and_dates() -> None:
    answer = answers_by_number("stupidedi_277_claim_response.277")["ABCXYZ1"]
    (status,) = answer.statuses
    assert (status.category, status.code, status.kind) == ("P3", "317", "pending")
    assert status.charged == Decimal("8513.88")
    assert answer.payer_claim_number == "05347006051"
    assert answer.patient_account == "SM123456"
    assert (answer.service_from, answer.service_to) == (dt.date(2005, 8, 31), dt.date(2005, 9, 6))
    assert (answer.last_name, answer.member_id) == ("SMITH", "123456789A")


def test_a_finalized_claim_gives_what_was_charged_and_paid() -> None:
    answer = answers_by_number("stupidedi_277_claim_response.277")["ABCXYZ2"]
    (status,) = answer.statuses
    assert (status.category, status.kind) == ("F0", "finalized")
    assert (status.charged, status.paid) == (Decimal("7599"), Decimal("7599"))
    assert status.effective == dt.date(2005, 9, 15)


def test_a_denied_dependents_claim_has_its_line_status_and_the_subscribers_member_id() -> None:
    answer = answers_by_number("stupidedi_277_claim_response.277")["ABCXYC3"]
    assert answer.kind == "denied"
    assert (answer.last_name, answer.first_name) == ("MANN", "JOSEPH")
    assert answer.member_id == "345678901"
    (line,) = answer.lines
    assert (line.procedure, line.charged, line.paid) == ("99203", Decimal("150"), Decimal("0"))
    assert [(s.category, s.code, s.entity) for s in line.statuses] == [("F2", "88", "QC")]
    assert (line.service_from, answer.service_from) == (dt.date(2005, 5, 1), None)


def test_the_payer_is_named() -> None:
    response = read_277(sample("stupidedi_277_claim_response.277"))
    assert (response.payer_name, response.payer_id) == ("ABC INSURANCE", "12345")
    assert response.envelope_errors == ()


def test_the_linux_for_health_claim_status_sample_is_read() -> None:
    response = read_277(sample("lfh_claim_status.277"))
    assert [a.control_number for a in response.claims][:2] == ["ABCXYZ1", "ABCXYZ2"]
    assert response.claims[0].statuses[0].category == "P3"


def test_a_status_is_described_in_words() -> None:
    answer = answers_by_number("stupidedi_277_claim_response.277")["ABCXYZ1"]
    assert answer.statuses[0].description == ("pending: provider requested information, status 317")


@pytest.mark.parametrize(
    ("category", "kind"),
    [
        ("F1", "paid"),
        ("F2", "denied"),
        ("F3F", "finalized"),
        ("P1", "pending"),
        ("R4", "information wanted"),
        ("A7", "rejected"),
        ("D0", "not found"),
        ("A1", "acknowledged"),
        ("E0", "error"),
    ],
)
def test_each_category_says_what_to_do_next(category: str, kind: str) -> None:
    assert kind_of(category) == kind


def test_a_277ca_is_refused_by_its_hl_level() -> None:
    with pytest.raises(ContentError) as caught:
        read_277(sample("ims_277ca_rejected.277"))
    assert (caught.value.segment_id, caught.value.element) == ("HL", 3)


def test_a_bad_service_date_names_dtp03() -> None:
    text = (
        sample("stupidedi_277_claim_response.277")
        .read_text()
        .replace("20050831-20050906", "2005-08-31")
    )
    with pytest.raises(ContentError) as caught:
        read_277(text)
    assert (caught.value.segment_id, caught.value.element) == ("DTP", 3)


def test_a_bad_paid_amount_names_stc05() -> None:
    text = (
        sample("stupidedi_277_claim_response.277")
        .read_text()
        .replace("**7599*7599", "**7599*1e309x")
    )
    with pytest.raises(ContentError) as caught:
        read_277(text)
    assert (caught.value.segment_id, caught.value.element) == ("STC", 5)


def test_a_276_is_refused_as_a_response() -> None:
    with pytest.raises(ContentError) as caught:
        read_277(sample("stupidedi_276_claim_request.276"))
    assert caught.value.segment_id == "ST"


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_mutated_277_raises_only_typed_errors(data: st.DataObject) -> None:
    valid = sample("stupidedi_277_claim_response.277").read_text()  # read at test time
    only_typed_errors(read_277, data.draw(mutations(valid)))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_typed_errors(data: bytes) -> None:
    only_typed_errors(read_277, data)


# --- the 276 --------------------------------------------------------------------------------


def test_a_subscribers_claim_is_asked_about_in_the_shape_of_the_guide_and_its_sample() -> None:
    ours = write_276([request()], ENVELOPE)
    # The sample's first claim, segment by segment after the BHT (its second claim and
    # provider are left out).
    theirs = ids(sample("stupidedi_276_claim_request.276").read_text())
    expected = theirs[: theirs.index("HL", theirs.index("AMT"))]
    expected.remove("REF")  # the sample's REF*BLT (a bill type: institutional claims only)
    assert ids(ours)[: len(expected)] == expected


def test_the_claim_is_identified_by_our_control_number_account_charge_and_dates() -> None:
    rows = segments(write_276([request(payer_claim_number="05347006051")], ENVELOPE))
    assert ["TRN", "1", "ABCXYZ1"] in rows
    assert ["REF", "1K", "05347006051"] in rows
    assert ["REF", "EJ", "SM123456"] in rows
    assert ["AMT", "T3", "8513.88"] in rows
    assert ["DTP", "472", "RD8", "20260831-20260906"] in rows


def test_one_day_of_service_is_a_single_date() -> None:
    one_day = request(service_from=dt.date(2026, 9, 1), service_to=dt.date(2026, 9, 1))
    assert ["DTP", "472", "D8", "20260901"] in segments(write_276([one_day], ENVELOPE))


def test_a_dependents_claim_goes_in_a_dependent_level_under_the_subscriber() -> None:
    child = Person(
        last_name="Mann", first_name="Joseph", date_of_birth=dt.date(2015, 11, 1), sex="M"
    )
    text = write_276(
        [
            request(
                subscriber=Person(last_name="Mann", first_name="John", date_of_birth=None, sex="U"),
                dependent=child,
            )
        ],
        ENVELOPE,
    )
    rows = segments(text)
    subscriber = rows.index(["HL", "4", "3", "22", "1"])
    assert rows[subscriber + 1][:2] == ["NM1", "IL"]
    assert rows[subscriber + 2] == ["HL", "5", "4", "23"]
    assert rows[subscriber + 3] == ["DMG", "D8", "20151101", "M"]
    assert rows[subscriber + 4][:5] == ["NM1", "QC", "1", "MANN", "JOSEPH"]
    assert rows[subscriber + 5] == ["TRN", "1", "ABCXYZ1"]


def test_the_envelope_says_276_x212_and_the_counts_are_right() -> None:
    text = write_276([request(), request(control_number="ABCXYZ2")], ENVELOPE)
    reader = X12Reader(text)
    listed = list(reader)
    assert reader.errors == []
    gs = next(s for s in listed if s.id == "GS")
    assert (gs.get(1), gs.get(8)) == ("HR", "005010X212")
    st_ = next(s for s in listed if s.id == "ST")
    assert (st_.get(1), st_.get(3)) == ("276", "005010X212")
    assert [s.get(3) for s in listed if s.id == "HL"] == ["20", "21", "19", "22", "22"]


def test_claims_of_two_payers_get_an_information_source_each() -> None:
    other = Payer(name="Granite Mutual", payer_id="GM001")
    text = write_276([request(), request(control_number="B2", payer=other)], ENVELOPE)
    assert [s.get(3) for s in X12Reader(text) if s.id == "HL"] == [
        "20",
        "21",
        "19",
        "22",
        "20",
        "21",
        "19",
        "22",
    ]


def test_nothing_to_ask_about_is_refused() -> None:
    with pytest.raises(WriteError):
        write_276([], ENVELOPE)


def test_a_claim_without_a_member_id_is_refused_naming_it() -> None:
    with pytest.raises(WriteError, match="ABCXYZ1"):
        write_276([request(member_id=" ")], ENVELOPE)


def test_service_dates_that_run_backwards_are_refused() -> None:
    with pytest.raises(WriteError, match="backwards"):
        write_276(
            [request(service_from=dt.date(2026, 9, 6), service_to=dt.date(2026, 8, 31))],
            ENVELOPE,
        )


def test_a_provider_without_an_npi_is_refused() -> None:
    with pytest.raises(WriteError, match="NPI"):
        write_276([request(provider=Provider(last_name="Nobody", npi=""))], ENVELOPE)
