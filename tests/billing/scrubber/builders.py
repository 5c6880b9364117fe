"""A clean, realistic claim and the reference tables it is checked against (synthetic data).

``clean_input()`` is a diabetic follow-up visit with an injection of dexamethasone; the
scrubber finds nothing wrong with it. Tests change one thing (``with_claim``,
``with_line``, ``with_lines``) and look for the finding that change should cause.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from medoffice.billing.scrubber import (
    Coverage,
    InMemoryReference,
    MueLimit,
    ProcedureInfo,
    PtpEdit,
    ScrubInput,
    TimelyFiling,
)
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

SERVICE_DATE = dt.date(2026, 3, 10)
TODAY = dt.date(2026, 3, 16)
BIRTH_DATE = dt.date(1968, 7, 21)

# Valid NPIs (check digits worked out with medoffice.core.identifiers.npi_check_digit).
BILLING_NPI = "1234567893"
RENDERING_NPI = "1987654328"
REFERRING_NPI = "1555555550"
ORDERING_NPI = "1765432103"
FACILITY_NPI = "1345678902"
INVALID_NPI = "1234567890"  # the check digit should be 3

NCCI_MODIFIER_SET = (
    *("59", "XE", "XP", "XS", "XU", "24", "25", "57", "58", "78", "79", "27", "91"),
    *("E1", "E2", "E3", "E4", "FA", "TA", "LT", "RT", "LC", "LD", "RC", "LM", "RI"),
    *(f"F{n}" for n in range(1, 10)),
    *(f"T{n}" for n in range(1, 10)),
)
MODIFIERS = frozenset({*NCCI_MODIFIER_SET, "26", "TC", "50", "76", "77", "95", "GT", "KX", "GA"})
PLACES_OF_SERVICE = frozenset(
    {"02", "10", "11", "12", "19", "20", "21", "22", "23", "31", "32", "99"}
)

PROCEDURES = (
    ProcedureInfo("99213", "Office visit, established patient, low complexity"),
    ProcedureInfo("99214", "Office visit, established patient, moderate complexity"),
    ProcedureInfo("99215", "Office visit, established patient, high complexity"),
    ProcedureInfo("99205", "Office visit, new patient, high complexity"),
    ProcedureInfo(
        "99417",
        "Prolonged office service, each 15 minutes",
        is_addon=True,
        addon_primaries=frozenset({"99205", "99215"}),
    ),
    ProcedureInfo("11045", "Debridement, each additional 20 sq cm", is_addon=True),
    ProcedureInfo("11042", "Debridement, subcutaneous tissue, first 20 sq cm"),
    ProcedureInfo("97597", "Debridement, open wound, first 20 sq cm"),
    ProcedureInfo("93000", "Electrocardiogram with interpretation and report"),
    ProcedureInfo("93010", "Electrocardiogram, interpretation and report only"),
    ProcedureInfo("96372", "Therapeutic injection, subcutaneous or intramuscular"),
    ProcedureInfo("36415", "Collection of venous blood by venipuncture"),
    ProcedureInfo("71046", "Radiologic examination, chest, 2 views"),
    ProcedureInfo("20610", "Arthrocentesis, major joint, without ultrasound guidance"),
    ProcedureInfo("J1100", "Injection, dexamethasone sodium phosphate, 1 mg", is_drug=True),
    ProcedureInfo("J3490", "Unclassified drugs", is_noc=True, is_drug=True),
    ProcedureInfo("58100", "Endometrial sampling (biopsy)", sex="F"),
    ProcedureInfo("55700", "Biopsy, prostate, needle or punch", sex="M"),
    ProcedureInfo("27447", "Arthroplasty, knee", requires_prior_authorization=True),
)
PTP_EDITS = (
    PtpEdit("93000", "93010", 0, dt.date(1996, 1, 1)),
    PtpEdit("11042", "97597", 1, dt.date(2005, 1, 1)),
    PtpEdit("20610", "96372", 9, dt.date(2010, 1, 1)),
    PtpEdit("20610", "36415", 1, dt.date(2010, 1, 1), deleted=dt.date(2020, 1, 1)),
    PtpEdit("71046", "36415", 1, dt.date(2030, 1, 1)),
)
MUES = (
    MueLimit("99214", 1, 2),
    MueLimit("96372", 4, 3),
    MueLimit("36415", 2, 3),
    MueLimit("J1100", 160, 3),
    MueLimit("20610", 2, 1),
)


def reference() -> InMemoryReference:
    return InMemoryReference(
        procedures=PROCEDURES,
        modifiers=MODIFIERS,
        places_of_service=PLACES_OF_SERVICE,
        ptp_edits=PTP_EDITS,
        mues=MUES,
    )


REFERENCE = reference()


def address(**changes: Any) -> Address:
    return dataclasses.replace(Address("12 Elm Street", "Northampton", "MA", "01060"), **changes)


def provider(npi: str = RENDERING_NPI, **changes: Any) -> Provider:
    return dataclasses.replace(Provider("Okafor", npi, first_name="Adaeze"), **changes)


def billing_provider(**changes: Any) -> Provider:
    base = Provider(
        "Valley Family Practice",
        BILLING_NPI,
        is_person=False,
        tax_id="041234567",
        taxonomy="207Q00000X",
        address=Address("200 Main Street", "Northampton", "MA", "010603210", line2="Suite 4"),
        phone="4135550142",
    )
    return dataclasses.replace(base, **changes)


def person(**changes: Any) -> Person:
    base = Person("Rivera", "Dana", BIRTH_DATE, "F", address=address())
    return dataclasses.replace(base, **changes)


def line(code: str = "99214", **changes: Any) -> ServiceLine:
    base = ServiceLine(
        procedure_code=code,
        charge=Decimal("145.00"),
        units=Decimal("1"),
        service_from=SERVICE_DATE,
        diagnosis_pointers=(1,),
    )
    return dataclasses.replace(base, **changes)


def clean_claim() -> Claim:
    return Claim(
        control_number="VFP-000123",
        billing_provider=billing_provider(),
        payer=Payer("Bay State Health Plan", "BSHP1"),
        subscriber=Subscriber("BSH123456789", person(), group_number="G-2026"),
        diagnoses=("E119", "I10"),
        lines=(
            line("99214", modifiers=("25",), diagnosis_pointers=(1, 2)),
            line("96372", charge=Decimal("28.00")),
            line(
                "J1100",
                charge=Decimal("12.50"),
                units=Decimal("10"),
                drug=Drug("00641036721", Decimal("1"), "ML"),
            ),
        ),
        place_of_service="11",
        rendering=provider(),
    )


def clean_input(**changes: Any) -> ScrubInput:
    base = ScrubInput(
        claim=clean_claim(),
        today=TODAY,
        reference=REFERENCE,
        coverage=Coverage(dt.date(2026, 1, 1), None),
        timely_filing=TimelyFiling(days=90),
    )
    return dataclasses.replace(base, **changes)


def with_claim(inp: ScrubInput, **changes: Any) -> ScrubInput:
    return dataclasses.replace(inp, claim=dataclasses.replace(inp.claim, **changes))


def with_line(inp: ScrubInput, index: int = 0, **changes: Any) -> ScrubInput:
    lines = list(inp.claim.lines)
    lines[index] = dataclasses.replace(lines[index], **changes)
    return with_claim(inp, lines=tuple(lines))


def with_lines(inp: ScrubInput, *added: ServiceLine) -> ScrubInput:
    return with_claim(inp, lines=(*inp.claim.lines, *added))


def with_billing(inp: ScrubInput, **changes: Any) -> ScrubInput:
    return with_claim(
        inp, billing_provider=dataclasses.replace(inp.claim.billing_provider, **changes)
    )


def with_subscriber_person(inp: ScrubInput, **changes: Any) -> ScrubInput:
    subscriber = inp.claim.subscriber
    return with_claim(
        inp,
        subscriber=dataclasses.replace(
            subscriber, person=dataclasses.replace(subscriber.person, **changes)
        ),
    )


def secondary_input(inp: ScrubInput | None = None) -> ScrubInput:
    """``inp`` (the clean claim) billed to the secondary payer after the primary paid 80 % of
    each line, the rest a contractual adjustment: balanced, so no COB edit fires."""
    inp = inp or clean_input()
    claim = inp.claim
    answers = tuple(
        LineAdjudication(
            n,
            (paid := (ln.charge * Decimal("0.8")).quantize(Decimal("0.01"))),
            (Adjustment("CO", "45", ln.charge - paid),),
        )
        for n, ln in enumerate(claim.lines, 1)
    )
    primary = Subscriber(
        "PRI5550001",
        person(),
        payer_responsibility="P",
        payer=Payer("Pioneer Mutual", "PION1"),
        adjudication=Adjudication(
            paid=sum((a.paid for a in answers), Decimal("0")),
            adjudicated_on=SERVICE_DATE + dt.timedelta(days=5),
            lines=answers,
        ),
    )
    return with_claim(
        inp,
        subscriber=dataclasses.replace(claim.subscriber, payer_responsibility="S"),
        other_subscribers=(primary,),
    )
