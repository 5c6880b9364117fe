"""The one table the CMS-1500 (paper) and the 837P (electronic) both take their values from.

Each ``Entry`` pairs a CMS-1500 box with its 837P 005010X222A1 location and a function of
the ``Claim`` (``LineEntry``: of the claim and one ``ServiceLine``, for box 24). The 837P
writer reads every box value through ``claim_value``/``line_value``, so paper and electronic
cannot disagree. Values are plain data, not formatted: ``str`` codes and numbers,
``Decimal`` money, ``datetime.date`` (or ``None``), ``bool`` flags, a ``Person`` or
``Provider`` for a name box, an ``Address`` (or ``None``) for an address box, tuples for
lists (box 10 causes, box 21 diagnoses, box 24D modifiers, box 24E pointers). Each side
formats them its own way (paper: MM DD YY, dollars|cents, check boxes; 837P: D8, etc.).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from medoffice.x12.claims import (
    Address,
    Claim,
    Payer,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
)

Value = (
    str
    | bool
    | int
    | Decimal
    | dt.date
    | None
    | Person
    | Provider
    | Payer
    | Address
    | tuple[object, ...]
)


@dataclass(frozen=True)
class Entry:
    box: str
    location: str
    label: str
    get: Callable[[Claim], Value]


@dataclass(frozen=True)
class LineEntry:
    box: str
    location: str
    label: str
    get: Callable[[Claim, ServiceLine], Value]


def patient(claim: Claim) -> Person:
    """The patient: the 2000C person, or the subscriber when the patient is the insured."""
    return claim.patient if claim.patient is not None else claim.subscriber.person


def other(claim: Claim) -> Subscriber | None:
    return claim.other_subscribers[0] if claim.other_subscribers else None


def other_payers_paid(claim: Claim) -> Decimal:
    """What the earlier payers paid (2320 AMT*D), for box 29 of a secondary claim."""
    return sum(
        (o.adjudication.paid for o in claim.other_subscribers if o.adjudication is not None),
        Decimal("0"),
    )


def _patient_loop(claim: Claim) -> str:
    return "2010CA" if claim.patient is not None else "2010BA"


def purchased_total(claim: Claim) -> Decimal:
    """Box 20's charges: what the claim's purchased services cost (each line's PS102)."""
    return sum(
        (ln.purchased_charge for ln in claim.lines if ln.purchased_charge is not None),
        Decimal("0"),
    )


def rendering_for(claim: Claim, line: ServiceLine) -> Provider:
    """Box 24J: the line's rendering provider, else the claim's, else the billing provider."""
    return line.rendering or claim.rendering or claim.billing_provider


CLAIM_ENTRIES: tuple[Entry, ...] = (
    Entry(
        "carrier",
        "2010BB NM103 (N3/N4)",
        "the payer's name and address (the form's top right, above box 1)",
        lambda c: c.payer,
    ),
    Entry(
        "1",
        "2000B SBR09",
        "insurance type (claim filing indicator)",
        lambda c: c.subscriber.filing_indicator,
    ),
    Entry("1a", "2010BA NM109", "insured's ID number", lambda c: c.subscriber.member_id),
    Entry(
        "2",
        "2010CA NM103-NM107 (2010BA when the patient is the insured)",
        "patient's name",
        patient,
    ),
    Entry(
        "3",
        "2010CA DMG02 (2010BA when the patient is the insured)",
        "patient's birth date",
        lambda c: patient(c).date_of_birth,
    ),
    Entry(
        "3-sex",
        "2010CA DMG03 (2010BA when the patient is the insured)",
        "patient's sex",
        lambda c: patient(c).sex,
    ),
    Entry("4", "2010BA NM103-NM107", "insured's name", lambda c: c.subscriber.person),
    Entry(
        "5",
        "2010CA N3/N4 (2010BA when the patient is the insured)",
        "patient's address",
        lambda c: patient(c).address,
    ),
    Entry(
        "6",
        "2000B SBR02 / 2000C PAT01",
        "patient relationship to insured",
        lambda c: c.patient_relationship,
    ),
    Entry(
        "5-phone",
        "none (the 5010 837P carries no patient telephone)",
        "patient's telephone",
        lambda c: patient(c).phone,
    ),
    Entry("7", "2010BA N3/N4", "insured's address", lambda c: c.subscriber.person.address),
    Entry(
        "7-phone",
        "none (the 5010 837P carries no subscriber telephone)",
        "insured's telephone",
        lambda c: c.subscriber.person.phone,
    ),
    Entry(
        "9",
        "2330A NM103-NM107",
        "other insured's name",
        lambda c: o.person if (o := other(c)) else None,
    ),
    Entry(
        "9a",
        "2320 SBR03",
        "other insured's policy or group number",
        lambda c: o.group_number if (o := other(c)) else "",
    ),
    Entry(
        "9d",
        "2320 SBR04",
        "other insurance plan name",
        lambda c: o.plan_name if (o := other(c)) else "",
    ),
    Entry(
        "10",
        "2300 CLM11-1..3",
        "patient's condition related to (EM, AA, OA)",
        lambda c: tuple(c.related_causes),
    ),
    Entry("10b", "2300 CLM11-4", "auto accident state", lambda c: c.accident_state),
    Entry(
        "11a",
        "2010BA DMG02",
        "insured's date of birth",
        lambda c: c.subscriber.person.date_of_birth,
    ),
    Entry("11a-sex", "2010BA DMG03", "insured's sex", lambda c: c.subscriber.person.sex),
    Entry(
        "11b-qual",
        "2010BA REF01 (Y4)",
        "other claim ID qualifier",
        lambda c: "Y4" if c.other_claim_id else "",
    ),
    Entry(
        "11b",
        "2010BA REF*Y4",
        "other claim ID (property and casualty claim number)",
        lambda c: c.other_claim_id,
    ),
    Entry(
        "11", "2000B SBR03", "insured's policy group number", lambda c: c.subscriber.group_number
    ),
    Entry("11c", "2000B SBR04", "insurance plan name", lambda c: c.subscriber.plan_name),
    Entry(
        "11d",
        "2320 (present)",
        "is there another health benefit plan",
        lambda c: bool(c.other_subscribers),
    ),
    Entry(
        "12",
        "2300 CLM09",
        "release of information (patient's signature)",
        lambda c: c.release_of_information,
    ),
    Entry(
        "13", "2300 CLM08", "benefits assigned (insured's signature)", lambda c: c.benefits_assigned
    ),
    Entry("14", "2300 DTP*431", "date of current illness (onset)", lambda c: c.onset_date),
    Entry(
        "15",
        "2300 DTP03 (DTP01 = box 15's qualifier)",
        "other date",
        lambda c: c.other_date if c.other_date_qualifier else None,
    ),
    Entry(
        "15-qual",
        "2300 DTP01 (454, 304, 453, 439, 455, 471, 090, 091, 444)",
        "other date qualifier",
        lambda c: c.other_date_qualifier if c.other_date else "",
    ),
    Entry(
        "16-from",
        "2300 DTP*314 RD8 (DTP*360 when no end)",
        "unable to work from (initial disability period start)",
        lambda c: c.unable_to_work_from,
    ),
    Entry(
        "16-to",
        "2300 DTP*314 RD8 (DTP*361 when no start)",
        "unable to work to (initial disability period end)",
        lambda c: c.unable_to_work_to,
    ),
    Entry(
        "17-qual",
        "2310A NM101 DN, 2310D NM101 DQ, or 2420E NM101 DK",
        "referring provider qualifier (DN referring, DK ordering, DQ supervising)",
        lambda c: c.referring_qualifier if c.referring else "",
    ),
    Entry("17", "2310A NM1*DN (2310D DQ, 2420E DK)", "referring provider", lambda c: c.referring),
    Entry(
        "17b",
        "2310A NM109 (2310D, 2420E)",
        "referring provider NPI",
        lambda c: c.referring.npi if c.referring else "",
    ),
    Entry(
        "18-from",
        "2300 DTP*435",
        "hospitalization from (admission)",
        lambda c: c.hospitalized_from,
    ),
    Entry("18-to", "2300 DTP*096", "hospitalization to (discharge)", lambda c: c.hospitalized_to),
    Entry("19", "2300 NTE*ADD", "additional claim information", lambda c: c.note),
    Entry(
        "20",
        "2400 PS1 (present on a line)",
        "outside lab (purchased services on the claim)",
        lambda c: any(ln.purchased_charge is not None for ln in c.lines),
    ),
    Entry(
        "20-charges",
        "2400 PS102 (the sum over the claim's lines)",
        "outside lab charges (the purchase price)",
        purchased_total,
    ),
    Entry("21", "2300 HI (ABK, then ABF)", "diagnoses A-L", lambda c: tuple(c.diagnoses)),
    Entry("22", "2300 CLM05-3", "resubmission code (claim frequency)", lambda c: c.frequency_code),
    Entry(
        "22-original", "2300 REF*F8", "original reference number", lambda c: c.original_reference
    ),
    Entry("23", "2300 REF*G1", "prior authorization number", lambda c: c.prior_authorization),
    Entry("23-referral", "2300 REF*9F", "referral number", lambda c: c.referral_number),
    Entry(
        "25",
        "2010AA REF*EI or REF*SY",
        "federal tax ID number",
        lambda c: c.billing_provider.tax_id,
    ),
    Entry(
        "25-ssn",
        "2010AA REF01 (SY when true, EI otherwise)",
        "tax ID is an SSN",
        lambda c: c.billing_provider.tax_id_is_ssn,
    ),
    Entry(
        "26",
        "2300 CLM01",
        "patient's account number (patient control number)",
        lambda c: c.control_number,
    ),
    Entry("27", "2300 CLM07", "accept assignment", lambda c: c.accepts_assignment),
    Entry("28", "2300 CLM02", "total charge", lambda c: c.total_charge),
    Entry(
        "29",
        "2300 AMT*F5 + each 2320 AMT*D",
        "amount paid (by the patient and the other payers)",
        lambda c: c.patient_paid + other_payers_paid(c),
    ),
    Entry("29-patient", "2300 AMT*F5", "amount paid by the patient", lambda c: c.patient_paid),
    Entry(
        "31", "2300 CLM06", "signature of physician on file", lambda c: c.provider_signature_on_file
    ),
    Entry(
        "31-name",
        "2310B NM1*82 (2010AA when none)",
        "physician signing",
        lambda c: c.rendering or c.billing_provider,
    ),
    Entry("32", "2310C NM1*77/N3/N4", "service facility", lambda c: c.facility),
    Entry(
        "32a", "2310C NM109", "service facility NPI", lambda c: c.facility.npi if c.facility else ""
    ),
    Entry("33", "2010AA NM1*85/N3/N4/PER", "billing provider", lambda c: c.billing_provider),
    Entry("33a", "2010AA NM109", "billing provider NPI", lambda c: c.billing_provider.npi),
    Entry("33b", "2000A PRV03", "billing provider taxonomy", lambda c: c.billing_provider.taxonomy),
)

LINE_ENTRIES: tuple[LineEntry, ...] = (
    LineEntry(
        "24A",
        "2400 DTP*472 (D8 or RD8)",
        "dates of service from/to",
        lambda c, ln: (ln.service_from, ln.service_to or ln.service_from),
    ),
    LineEntry(
        "24B",
        "2400 SV105 (CLM05-1 when the same)",
        "place of service",
        lambda c, ln: ln.place_of_service or c.place_of_service,
    ),
    LineEntry("24C", "2400 SV109", "emergency indicator", lambda c, ln: ln.emergency),
    LineEntry("24D", "2400 SV101-2", "procedure code", lambda c, ln: ln.procedure_code),
    LineEntry("24D-modifiers", "2400 SV101-3..6", "modifiers", lambda c, ln: tuple(ln.modifiers)),
    LineEntry(
        "24D-description",
        "2400 SV101-7",
        "description (not otherwise classified)",
        lambda c, ln: ln.description,
    ),
    LineEntry(
        "24E", "2400 SV107", "diagnosis pointers", lambda c, ln: tuple(ln.diagnosis_pointers)
    ),
    LineEntry("24F", "2400 SV102", "charges", lambda c, ln: ln.charge),
    LineEntry("24G", "2400 SV104", "days or units", lambda c, ln: ln.units),
    LineEntry("24H-epsdt", "2400 SV111", "EPSDT indicator", lambda c, ln: ln.epsdt),
    LineEntry(
        "24H-family", "2400 SV112", "family planning indicator", lambda c, ln: ln.family_planning
    ),
    LineEntry(
        "24-purchased",
        "2400 PS102",
        "purchased service charge (box 20, per line on the 837P)",
        lambda c, ln: ln.purchased_charge,
    ),
    LineEntry(
        "24-purchased-from",
        "2400 PS101",
        "purchased service provider (the outside lab's NPI)",
        lambda c, ln: ln.purchased_from if ln.purchased_charge is not None else "",
    ),
    LineEntry(
        "24G-basis", "2400 SV103", "unit basis (UN units, MJ minutes)", lambda c, ln: ln.unit_basis
    ),
    LineEntry(
        "24-ndc", "2410 LIN03", "NDC (shaded area)", lambda c, ln: ln.drug.ndc if ln.drug else ""
    ),
    LineEntry(
        "24-ndc-quantity",
        "2410 CTP04",
        "drug quantity (shaded area)",
        lambda c, ln: ln.drug.quantity if ln.drug else None,
    ),
    LineEntry(
        "24-ndc-unit",
        "2410 CTP05-1",
        "drug unit (shaded area)",
        lambda c, ln: ln.drug.unit if ln.drug else "",
    ),
    LineEntry(
        "24J",
        "2420A NM109 (2310B, else 2010AA, when the same)",
        "rendering provider NPI",
        lambda c, ln: rendering_for(c, ln).npi,
    ),
)

CLAIM_BY_BOX = {entry.box: entry for entry in CLAIM_ENTRIES}
LINE_BY_BOX = {entry.box: entry for entry in LINE_ENTRIES}


def claim_value(box: str, claim: Claim) -> Value:
    """The value of CMS-1500 ``box`` for ``claim`` (a ``KeyError`` for an unknown box)."""
    return CLAIM_BY_BOX[box].get(claim)


def line_value(box: str, claim: Claim, line: ServiceLine) -> Value:
    """The value of box 24 column ``box`` for one line of ``claim``."""
    return LINE_BY_BOX[box].get(claim, line)


def cms1500(claim: Claim) -> dict[str, Value]:
    """Every claim-level box of ``claim``, keyed by box."""
    return {entry.box: entry.get(claim) for entry in CLAIM_ENTRIES}


def cms1500_lines(claim: Claim) -> list[dict[str, Value]]:
    """Box 24 for each line of ``claim``, keyed by column."""
    return [{entry.box: entry.get(claim, line) for entry in LINE_ENTRIES} for line in claim.lines]
