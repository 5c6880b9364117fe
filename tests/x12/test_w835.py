"""The 835 writer: balanced output pyx12 accepts, and what it writes reads back the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medoffice.x12.errors import WriteError
from medoffice.x12.r835 import (
    Adjustment,
    ClaimPayment,
    Contact,
    Dated,
    Figure,
    Name,
    Party,
    Payment,
    Procedure,
    ProviderAdjustment,
    ProviderSummary,
    Reference,
    Remark,
    Remittance,
    RemittanceStart,
    ServicePayment,
    Trace,
    read_835,
)
from medoffice.x12.w835 import Writer835, write_835
from medoffice.x12.writer import InterchangeHeader
from tests.x12.pyx12check import pyx12_errors
from tests.x12.samples import sample

HEADER = InterchangeHeader(
    sender_id="ACME1",
    receiver_id="VALLEYFM",
    interchange_control_number=7,
    group_control_number=7,
    created=dt.datetime(2026, 12, 1, 9, 0),
)
ZERO = Decimal(0)
SAMPLES = [
    "stupidedi_835_era-sample.835",
    "stupidedi_835_secondary-payments.835",
    "lfh_demo_835_x221a1.835",
    "lfh_secondary_payment.835",
    "lfh_managed_care.835",
]

words = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10)
ids = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=12)
cents = st.integers(min_value=-50_000, max_value=500_000).map(lambda c: Decimal(c) / 100)
positive = st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c) / 100)
counts = st.integers(min_value=1, max_value=99).map(Decimal)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
optional_words = st.one_of(st.just(""), words)


def names(entity: str, kind: str = "1") -> st.SearchStrategy[Name]:
    return st.builds(
        Name,
        st.just(entity),
        st.just(kind),
        words,
        optional_words,
        optional_words,
        optional_words,
        st.just("MI"),
        ids,
    )


references = st.builds(Reference, st.sampled_from(["6R", "1B", "EA", "G1"]), ids)
dated = st.builds(Dated, st.sampled_from(["472", "150", "151", "232", "233", "050"]), dates)
figures = st.builds(Figure, st.sampled_from(["B6", "AU", "KH"]), positive)
contacts = st.builds(
    Contact,
    st.sampled_from(["BL", "CX"]),
    optional_words,
    st.lists(st.tuples(st.just("TE"), st.from_regex(r"\A[0-9]{10}\Z")), max_size=2).map(tuple),
)


@st.composite
def adjustments(draw: st.DrawFn, max_size: int = 8) -> tuple[Adjustment, ...]:
    found = draw(
        st.lists(
            st.builds(
                Adjustment,
                st.sampled_from(["CO", "PR", "OA", "PI", "CR"]),
                st.sampled_from(["1", "2", "3", "45", "97", "253"]),
                cents,
                st.one_of(st.none(), counts),
            ),
            max_size=max_size,
        )
    )
    order = ["CO", "PR", "OA", "PI", "CR"]  # the writer writes one CAS per group
    return tuple(sorted(found, key=lambda a: order.index(a.group)))


@st.composite
def lines(draw: st.DrawFn) -> ServicePayment:
    adjusted = draw(adjustments(max_size=7))
    charge = draw(positive)
    modifiers = tuple(draw(st.lists(st.sampled_from(["25", "59", "GT", "XE"]), max_size=4)))
    return ServicePayment(
        procedure=Procedure(draw(st.sampled_from(["HC", "AD"])), draw(ids), modifiers),
        charge=charge,
        paid=charge - sum((a.amount for a in adjusted), ZERO),
        revenue_code=draw(st.sampled_from(["", "0450"])),
        units=draw(st.one_of(st.none(), counts)),
        original_procedure=draw(st.one_of(st.none(), st.builds(Procedure, st.just("HC"), ids))),
        dates=tuple(draw(st.lists(dated, max_size=2))),
        adjustments=adjusted,
        references=tuple(draw(st.lists(references, max_size=2))),
        amounts=tuple(draw(st.lists(figures, max_size=2))),
        remarks=tuple(draw(st.lists(st.builds(Remark, st.just("HE"), ids), max_size=2))),
    )


@st.composite
def claims(draw: st.DrawFn, group: str) -> ClaimPayment:
    service = tuple(draw(st.lists(lines(), max_size=3)))
    own = draw(adjustments(max_size=3))
    charge = sum((line.charge for line in service), ZERO) + draw(positive)
    adjusted = sum((a.amount for a in own), ZERO) + sum((line.adjusted for line in service), ZERO)
    return ClaimPayment(
        claim_id=draw(ids),
        status=draw(st.sampled_from(["1", "2", "3", "4", "22"])),
        charge=charge,
        paid=charge - adjusted,
        patient_responsibility=draw(st.one_of(st.none(), positive)),
        filing_indicator="12",
        payer_claim_number=draw(st.one_of(st.just(""), ids)),
        facility_type="11",
        frequency="1",
        patient=draw(names("QC")),
        insured=draw(st.one_of(st.none(), names("IL"))),
        corrected_insured=draw(st.one_of(st.none(), names("74"))),
        rendering_provider=draw(st.one_of(st.none(), names("82"))),
        crossover_carrier=draw(st.one_of(st.none(), names("TT", "2"))),
        corrected_payer=draw(st.one_of(st.none(), names("PR", "2"))),
        adjustments=own,
        outpatient=draw(st.one_of(st.none(), st.just(("", "", "MA01", "N130")))),
        inpatient=draw(st.one_of(st.none(), st.just(("0", "", "", "12")))),
        references=tuple(draw(st.lists(references, max_size=2))),
        dates=tuple(draw(st.lists(dated, max_size=2))),
        contacts=tuple(draw(st.lists(contacts, max_size=1))),
        amounts=tuple(draw(st.lists(figures, max_size=2))),
        quantities=tuple(draw(st.lists(st.builds(Figure, st.just("ZK"), counts), max_size=1))),
        lines=service,
        service_group=group,
    )


parties = st.builds(
    Party,
    st.just("PR"),
    words,
    st.just("XV"),
    ids,
    st.lists(words, max_size=2).map(tuple),
    optional_words,
    st.sampled_from(["", "MA"]),
    st.sampled_from(["", "01060"]),
    st.just(""),
    st.lists(references, max_size=1).map(tuple),
    st.lists(contacts, max_size=2).map(tuple),
)


@st.composite
def remittances(draw: st.DrawFn, number: int = 1) -> Remittance:
    groups = draw(st.lists(st.sampled_from(["1", "2", "3"]), max_size=4, unique=True))
    found = [
        draw(claims(group)) for group in sorted(groups) for _ in range(draw(st.integers(1, 2)))
    ]
    provider = draw(ids)
    period = draw(dates)
    plbs = tuple(
        draw(
            st.lists(
                st.builds(
                    ProviderAdjustment,
                    st.just(provider),
                    st.just(period),
                    st.sampled_from(["WO", "FB", "L6", "72", "J1", "CS"]),
                    st.one_of(st.just(""), ids),
                    cents,
                ),
                max_size=8,
            )
        )
    )
    total = sum((c.paid for c in found), ZERO) - sum((p.amount for p in plbs), ZERO)
    start = RemittanceStart(
        control_number=f"{number:04d}",
        payment=Payment(
            draw(st.sampled_from(["C", "I", "H"])),
            total,
            "C",
            draw(st.sampled_from(["ACH", "CHK", "NON"])),
            draw(st.sampled_from(["", "CCP"])),
            draw(st.sampled_from([(), ("01", "011000015", "DA", "123456789", "1060000001")])),
            draw(st.one_of(st.none(), dates)),
        ),
        trace=Trace(draw(ids), draw(ids), draw(st.one_of(st.just(""), ids))),
        payer=draw(parties),
        payee=Party("PE", draw(words), "XX", draw(ids)),
        currency=draw(st.sampled_from([(), ("PR", "USD")])),
        references=tuple(draw(st.lists(st.builds(Reference, st.just("EV"), ids), max_size=1))),
        dates=(Dated("405", draw(dates)),),
    )
    summaries = tuple(ProviderSummary(group) for group in sorted(groups))
    return Remittance(start, tuple(found), plbs, summaries)


def a_claim() -> ClaimPayment:
    line = ServicePayment(
        procedure=Procedure("HC", "99213", ("25",)),
        charge=Decimal(120),
        paid=Decimal(80),
        units=Decimal(1),
        dates=(Dated("472", dt.date(2026, 11, 10)),),
        adjustments=(Adjustment("CO", "45", Decimal(30)), Adjustment("PR", "3", Decimal(10))),
        references=(Reference("6R", "LINE1"),),
        amounts=(Figure("B6", Decimal(90)),),
    )
    return ClaimPayment(
        claim_id="PCN1",
        status="1",
        charge=Decimal(120),
        paid=Decimal(80),
        patient_responsibility=Decimal(10),
        filing_indicator="12",
        payer_claim_number="PAYER1",
        facility_type="11",
        frequency="1",
        patient=Name("QC", "1", "RIVERA", "MARIA", id_qualifier="MI", identifier="XJ1"),
        lines=(line,),
        service_group="1",
    )


def a_remittance(claim: ClaimPayment | None = None, paid: Decimal = Decimal(80)) -> Remittance:
    start = RemittanceStart(
        control_number="0001",
        payment=Payment("C", paid, "C", "ACH", "CCP", date=dt.date(2026, 12, 1)),
        trace=Trace("EFT1", "1060000001"),
        payer=Party(
            "PR",
            "ACME HEALTH PLAN",
            "XV",
            "ACME1",
            ("1 PLAN WAY",),
            "HARTFORD",
            "CT",
            "06103",
            contacts=(Contact("BL", "EDI", (("TE", "8605550100"),)),),
        ),
        payee=Party("PE", "VALLEY FAMILY MEDICINE", "XX", "1234567893"),
        dates=(Dated("405", dt.date(2026, 11, 30)),),
    )
    return Remittance(start, (claim or a_claim(),), (), (ProviderSummary("1"),))


# --- round trip -----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(), min_size=1, max_size=3).flatmap(
        lambda sizes: st.tuples(*[remittances(number) for number in range(1, len(sizes) + 1)])
    )
)
def test_what_the_writer_writes_reads_back_the_same(written: tuple[Remittance, ...]) -> None:
    result = read_835(write_835(written, HEADER))
    assert result.remittances == written
    assert (result.errors, result.envelope_errors) == ((), ())


def test_more_than_six_adjustments_of_a_group_take_a_second_cas() -> None:
    many = tuple(Adjustment("CO", str(reason), Decimal(5)) for reason in range(1, 9))
    claim = ClaimPayment(
        "PCN1",
        "1",
        Decimal(140),
        Decimal(100),
        adjustments=many,
        patient=Name("QC", "1", "SHAW"),
        service_group="1",
    )
    text = write_835([a_remittance(claim, Decimal(100))], HEADER)
    assert text.count("CAS*CO*") == 2
    assert read_835(text).remittances[0].claims[0].adjustments == many


# --- what pyx12 says ------------------------------------------------------------------------


def test_pyx12_finds_no_error_in_a_written_835() -> None:
    assert pyx12_errors(write_835([a_remittance()], HEADER)) == []


@pytest.mark.parametrize(
    "name", ["stupidedi_835_era-sample.835", "stupidedi_835_secondary-payments.835"]
)
def test_a_pyx12_valid_sample_read_and_written_again_is_still_valid(name: str) -> None:
    text = write_835(read_835(sample(name)).remittances, HEADER)
    assert pyx12_errors(text) == []


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_read_written_and_read_again_gives_the_same_payments(name: str) -> None:
    first = read_835(sample(name)).remittances
    assert read_835(write_835(first, HEADER)).remittances == first


# --- what the writer refuses ----------------------------------------------------------------


def test_a_line_that_does_not_balance_is_not_written() -> None:
    claim = a_claim()
    broken = replace(claim, lines=(replace(claim.lines[0], paid=Decimal(81)),))
    with pytest.raises(WriteError, match="line"):
        write_835([a_remittance(broken)], HEADER)


def test_a_claim_that_does_not_balance_is_not_written() -> None:
    broken = replace(a_claim(), paid=Decimal(79))
    with pytest.raises(WriteError, match="PCN1"):
        write_835([a_remittance(broken, Decimal(79))], HEADER)


def test_a_payment_that_is_not_the_claims_less_plb_is_not_written() -> None:
    with pytest.raises(WriteError, match="BPR02"):
        write_835([a_remittance(paid=Decimal(81))], HEADER)


def test_the_streaming_writer_gives_the_same_text_as_write_835() -> None:
    writer = Writer835(HEADER)
    remittance = a_remittance()
    writer.start(remittance.start)
    head = writer.drain()
    writer.claim(remittance.claims[0])
    writer.end()
    writer.close()
    assert head + writer.drain() == write_835([remittance], HEADER)
