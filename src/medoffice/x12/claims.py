"""The professional claim as plain data: what the 837P, the CMS-1500 and the scrubber read.

Billing builds one ``Claim`` from the database (``billing.claimdata``); nothing here knows
where the values came from. Codes are stored the way X12 writes them: ICD-10-CM without
its dot (``E119``), NPIs as 10 digits, dates as ``datetime.date``, money as ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""


@dataclass(frozen=True)
class Provider:
    """A billing, rendering, referring, ordering provider or a service facility.

    ``is_person`` false means an organisation: ``last_name`` is then the organisation's
    name and ``first_name`` is empty.
    """

    last_name: str
    npi: str
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    is_person: bool = True
    tax_id: str = ""  # EIN (9 digits) or SSN for a sole provider
    tax_id_is_ssn: bool = False
    taxonomy: str = ""  # NUCC provider taxonomy code, 10 characters
    address: Address | None = None
    phone: str = ""  # 10 digits, for the billing provider's contact
    # Loop 2010AB: where the payer should send payment, when not to ``address``.
    pay_to_address: Address | None = None


@dataclass(frozen=True)
class Person:
    """The subscriber or the patient."""

    last_name: str
    first_name: str
    date_of_birth: dt.date | None
    sex: str  # "M", "F" or "U"
    middle_name: str = ""
    suffix: str = ""
    address: Address | None = None
    phone: str = ""  # 10 digits; CMS-1500 boxes 5 and 7 only (the 5010 837P carries none)


@dataclass(frozen=True)
class Payer:
    name: str
    payer_id: str
    address: Address | None = None


@dataclass(frozen=True)
class Adjustment:
    """One CAS adjustment: group (CO, PR, OA, PI, CR), CARC reason code, amount."""

    group: str
    reason: str
    amount: Decimal


@dataclass(frozen=True)
class LineAdjudication:
    """What an other payer did with one service line (loop 2430): ``line`` is the 1-based
    position in ``Claim.lines`` it answers."""

    line: int
    paid: Decimal
    adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True)
class Adjudication:
    """An other payer's adjudication of this claim (loops 2320 AMT*D / CAS, 2430): what it
    paid, on which date, with the claim-level and the line adjustments."""

    paid: Decimal
    adjudicated_on: dt.date
    adjustments: tuple[Adjustment, ...] = ()  # claim level (2320 CAS)
    lines: tuple[LineAdjudication, ...] = ()


@dataclass(frozen=True)
class Subscriber:
    """The insured person of the payer being billed (loop 2000B/2010BA)."""

    member_id: str
    person: Person
    payer_responsibility: str = "P"  # SBR01: P primary, S secondary, T tertiary
    filing_indicator: str = "CI"  # SBR09: MB Medicare B, MC Medicaid, CI commercial, BL ...
    group_number: str = ""
    plan_name: str = ""
    # For an entry of Claim.other_subscribers (loops 2320/2330): the other payer and the
    # patient's relationship to this insured (SBR02 in loop 2320).
    payer: Payer | None = None
    relationship: str = "18"
    # What that other payer did with the claim, once it adjudicated it (COB).
    adjudication: Adjudication | None = None


@dataclass(frozen=True)
class Drug:
    """Loop 2410: the drug given on a line (an NDC in 5-4-2 form without dashes)."""

    ndc: str  # 11 digits
    quantity: Decimal
    unit: str = (
        "UN"  # CTP05-1: F2 international unit, GR gram, ME milligram, ML millilitre, UN unit
    )


@dataclass(frozen=True)
class ServiceLine:
    procedure_code: str
    charge: Decimal
    units: Decimal
    service_from: dt.date
    diagnosis_pointers: tuple[int, ...]  # 1-based positions in Claim.diagnoses, at most 4
    modifiers: tuple[str, ...] = ()  # at most 4
    service_to: dt.date | None = None
    place_of_service: str = ""  # empty: the claim's place of service
    description: str = ""  # SV101-7, required for a not-otherwise-classified code
    drug: Drug | None = None
    rendering: Provider | None = None  # only when it differs from the claim's
    ordering: Provider | None = None
    line_control_number: str = ""  # REF*6R, echoed back on the 835
    unit_basis: str = "UN"  # SV103: UN units, MJ minutes (anaesthesia)
    emergency: bool = False  # SV109 "Y", box 24C
    epsdt: bool = False  # SV111 "Y", box 24H (EPSDT)
    family_planning: bool = False  # SV112 "Y", box 24H (family planning)
    # Box 20: a service bought from an outside lab (2400 PS1): the price paid (PS102) and
    # the lab's identifier, its NPI (PS101).
    purchased_charge: Decimal | None = None
    purchased_from: str = ""


@dataclass(frozen=True)
class Claim:
    """One professional claim to one payer (loop 2300 and everything above it)."""

    control_number: str  # CLM01, the patient control number the payer echoes back
    billing_provider: Provider
    payer: Payer
    subscriber: Subscriber
    diagnoses: tuple[str, ...]  # ICD-10-CM without the dot, at most 12; the first is principal
    lines: tuple[ServiceLine, ...]
    place_of_service: str  # CLM05-1
    # The patient when not the subscriber (loop 2000C), with the relationship PAT01 /
    # SBR02 code ("01" spouse, "19" child, "G8" other); None when the patient is the insured.
    patient: Person | None = None
    patient_relationship: str = "18"  # "18" self
    frequency_code: str = "1"  # CLM05-3: 1 original, 7 replacement, 8 void
    original_reference: str = ""  # REF*F8: the payer's claim number of the claim replaced
    provider_signature_on_file: bool = True  # CLM06, CMS-1500 box 31
    accepts_assignment: bool = True  # CLM07 "A"/"C", CMS-1500 box 27
    benefits_assigned: bool = True  # CLM08 "Y"/"N", CMS-1500 box 13
    release_of_information: str = "Y"  # CLM09: Y or I
    prior_authorization: str = ""  # REF*G1, box 23
    referral_number: str = ""  # REF*9F
    referring: Provider | None = None  # loop 2310A, box 17
    # Box 17 qualifier: DN referring (2310A), DQ supervising (2310D), DK ordering (2420E on
    # each line that names no ordering provider of its own).
    referring_qualifier: str = "DN"
    rendering: Provider | None = None  # loop 2310B, box 24J, when not the billing provider
    facility: Provider | None = None  # loop 2310C, box 32, when not the billing address
    onset_date: dt.date | None = None  # DTP*431, box 14
    # Box 15: another date of the condition and its DTP01 qualifier (454 initial treatment,
    # 304 latest visit, 453 acute manifestation, 439 accident, 455 last X-ray, 471
    # prescription, 090/091 assumed/relinquished care, 444 first visit).
    other_date: dt.date | None = None
    other_date_qualifier: str = ""
    # Box 16: DTP*314 (RD8) for the period, DTP*360 / DTP*361 for a start or end alone.
    unable_to_work_from: dt.date | None = None
    unable_to_work_to: dt.date | None = None
    hospitalized_from: dt.date | None = None  # DTP*435, box 18
    hospitalized_to: dt.date | None = None  # DTP*096, box 18
    note: str = ""  # NTE*ADD, box 19 (additional claim information)
    # Box 11b: the property and casualty claim number (2010BA REF*Y4), for auto accident
    # and workers' compensation claims.
    other_claim_id: str = ""
    patient_paid: Decimal = Decimal("0")  # AMT*F5, box 29
    patient_account: str = ""  # box 26 (defaults to the control number)
    other_subscribers: tuple[Subscriber, ...] = field(default=())  # loop 2320, box 9/11d
    # CLM11, box 10: "EM" employment, "AA" auto accident, "OA" other accident; the state
    # of an auto accident (CLM11-4, box 10b).
    related_causes: tuple[str, ...] = ()
    accident_state: str = ""

    @property
    def total_charge(self) -> Decimal:
        """CLM02 and box 28: the sum of the lines' charges."""
        return sum((line.charge for line in self.lines), Decimal("0"))
