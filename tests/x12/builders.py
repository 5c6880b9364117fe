"""Synthetic claims for the X12 tests: realistic, valid, and every value made up."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from medoffice.x12.claims import (
    Address,
    Adjudication,
    Adjustment,
    Claim,
    Drug,
    LineAdjudication,
    Payer,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
)
from medoffice.x12.p837 import Envelope837, Submitter
from medoffice.x12.writer import InterchangeHeader

CREATED = dt.datetime(2026, 11, 30, 14, 5)
SERVICE_DAY = dt.date(2026, 11, 20)

BILLING = Provider(
    last_name="Valley Family Medicine",
    npi="1234567893",
    is_person=False,
    tax_id="043456789",
    taxonomy="207Q00000X",
    address=Address("100 Main Street", "Northampton", "MA", "010603456"),
    phone="4135550100",
)
RENDERING = Provider(last_name="Okafor", first_name="Ada", npi="1245319599", taxonomy="207Q00000X")
REFERRING = Provider(last_name="Lindqvist", first_name="Per", middle_name="J", npi="1093817255")
ORDERING = Provider(last_name="Marsh", first_name="Tom", npi="1386719184")
FACILITY = Provider(
    last_name="Valley Surgical Center",
    npi="1700906920",
    is_person=False,
    address=Address("5 Elm Road", "Amherst", "MA", "01002"),
)
PAYER = Payer("Acme Health Plan", "ACME1", Address("PO Box 500", "Hartford", "CT", "06101"))
OTHER_PAYER = Payer("Beacon Insurance", "BEAC2")
SUBSCRIBER_PERSON = Person(
    last_name="Rivera",
    first_name="Maria",
    middle_name="L",
    date_of_birth=dt.date(1980, 3, 14),
    sex="F",
    address=Address("12 Oak Avenue", "Florence", "MA", "01062"),
)
CHILD = Person(
    last_name="Rivera",
    first_name="Lucas",
    date_of_birth=dt.date(2015, 7, 2),
    sex="M",
    address=Address("12 Oak Avenue", "Florence", "MA", "01062"),
)
SUBSCRIBER = Subscriber(
    member_id="XJ123456789", person=SUBSCRIBER_PERSON, group_number="GRP-77", plan_name="Gold"
)


def office_visit(**changes: object) -> ServiceLine:
    line = ServiceLine(
        procedure_code="99213",
        charge=Decimal("125.00"),
        units=Decimal("1"),
        service_from=SERVICE_DAY,
        diagnosis_pointers=(1,),
    )
    return replace(line, **changes)  # type: ignore[arg-type]


def claim(**changes: object) -> Claim:
    """A patient-is-the-subscriber office-visit claim; ``changes`` replace fields."""
    base = Claim(
        control_number="PCN1001",
        billing_provider=BILLING,
        payer=PAYER,
        subscriber=SUBSCRIBER,
        diagnoses=("E119", "I10"),
        lines=(office_visit(diagnosis_pointers=(1, 2)),),
        place_of_service="11",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def dependent_claim(**changes: object) -> Claim:
    return claim(patient=CHILD, patient_relationship="19", **changes)


def full_claim() -> Claim:
    """Referring, rendering and facility, a J-code with an NDC, a NOC code, twelve diagnoses."""
    diagnoses = (
        "E119",
        "I10",
        "J069",
        "R051",
        "M545",
        "Z0000",
        "E785",
        "F419",
        "K219",
        "N390",
        "R509",
        "L309",
    )
    return claim(
        control_number="PCN2002",
        diagnoses=diagnoses,
        referring=REFERRING,
        rendering=RENDERING,
        facility=FACILITY,
        onset_date=dt.date(2026, 11, 1),
        prior_authorization="AUTH555",
        referral_number="REF777",
        patient_paid=Decimal("20"),
        lines=(
            office_visit(modifiers=("25",), diagnosis_pointers=(1, 2, 3, 4)),
            office_visit(
                procedure_code="J1100",
                charge=Decimal("18.5"),
                units=Decimal("2"),
                diagnosis_pointers=(5, 6, 7, 8),
                drug=Drug("00009004701", Decimal("2"), "ML"),
                line_control_number="LINE2",
                ordering=ORDERING,
            ),
            office_visit(
                procedure_code="J3490",
                charge=Decimal("40"),
                description="Unclassified drug: ondansetron*4mg~oral",
                diagnosis_pointers=(9, 10, 11, 12),
                drug=Drug("00781123401", Decimal("1.5"), "UN"),
                rendering=REFERRING,
                service_to=dt.date(2026, 11, 22),
                place_of_service="22",
            ),
        ),
    )


def envelope(**changes: object) -> Envelope837:
    base = Envelope837(
        header=InterchangeHeader(
            sender_id="VALLEYFM",
            receiver_id="CLEARHOUSE",
            interchange_control_number=101,
            group_control_number=201,
            created=CREATED,
        ),
        submitter=Submitter(
            "Valley Family Medicine", "VFM001", "Jo Biller", "4135550101", "billing@example.org"
        ),
        receiver_name="Example Clearinghouse",
        receiver_id="CH0001",
        transaction_control_number=301,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def primary_adjudication(base: Claim, *, paid_share: Decimal = Decimal("0.8")) -> Adjudication:
    """The primary payer's adjudication of every line of ``base``: ``paid_share`` of each
    charge paid, the rest split into a contractual (CO-45) and a patient share (PR-2)."""
    lines = []
    for number, line in enumerate(base.lines, 1):
        paid = (line.charge * paid_share).quantize(Decimal("0.01"))
        rest = line.charge - paid
        contractual = (rest / 2).quantize(Decimal("0.01"))
        lines.append(
            LineAdjudication(
                number,
                paid,
                (Adjustment("CO", "45", contractual), Adjustment("PR", "2", rest - contractual)),
            )
        )
    return Adjudication(
        paid=sum((a.paid for a in lines), Decimal("0")),
        adjudicated_on=SERVICE_DAY + dt.timedelta(days=14),
        lines=tuple(lines),
    )


def secondary_claim(**changes: object) -> Claim:
    """A claim to the secondary payer after ``PAYER`` (primary) adjudicated it."""
    base = claim(payer=OTHER_PAYER, **changes)
    primary = Subscriber(
        member_id="XJ123456789",
        person=SUBSCRIBER_PERSON,
        payer_responsibility="P",
        filing_indicator="CI",
        group_number="GRP-77",
        payer=PAYER,
        adjudication=primary_adjudication(base),
    )
    return replace(
        base,
        subscriber=replace(base.subscriber, member_id="BEA998877", payer_responsibility="S"),
        other_subscribers=(primary,),
    )


def boxes_claim(**changes: object) -> Claim:
    """``full_claim`` with boxes 11b, 15, 16, 18, 19, 20 (line 1 bought from an outside lab),
    24C and 24H filled and phones for 5/7."""
    base = full_claim()
    person = replace(SUBSCRIBER_PERSON, phone="4135550123")
    first, *rest = base.lines
    built = replace(
        base,
        subscriber=replace(base.subscriber, person=person),
        other_claim_id="PC778899",
        other_date=dt.date(2026, 10, 28),
        other_date_qualifier="454",
        unable_to_work_from=dt.date(2026, 11, 2),
        unable_to_work_to=dt.date(2026, 11, 30),
        hospitalized_from=dt.date(2026, 11, 3),
        hospitalized_to=dt.date(2026, 11, 6),
        note="Corrected diagnosis per the discharge summary",
        lines=(
            replace(
                first,
                emergency=True,
                epsdt=True,
                family_planning=True,
                purchased_charge=Decimal("18.50"),
                purchased_from="1245319599",
            ),
            *rest,
        ),
    )
    return replace(built, **changes)  # type: ignore[arg-type]


def every_box_claim(**changes: object) -> Claim:
    """``boxes_claim`` billed to the secondary payer after the primary paid: boxes 9, 9a, 9d,
    11d and 29 filled too."""
    base = boxes_claim()
    primary = Subscriber(
        member_id="XJ123456789",
        person=SUBSCRIBER_PERSON,
        payer_responsibility="P",
        group_number="GRP-77",
        plan_name="Gold",
        payer=PAYER,
        adjudication=primary_adjudication(base),
    )
    built = replace(
        base,
        payer=OTHER_PAYER,
        subscriber=replace(base.subscriber, member_id="BEA998877", payer_responsibility="S"),
        other_subscribers=(primary,),
    )
    return replace(built, **changes)  # type: ignore[arg-type]
