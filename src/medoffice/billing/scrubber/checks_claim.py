"""The claim-level rules: providers, subscriber and patient, header, diagnoses, filing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import cast

from medoffice.billing import icd10
from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import OtherClaimStatus, Severity
from medoffice.billing.scrubber.registry import Context, Hit, npi_ok, rule, tax_id_ok
from medoffice.x12.claims import Address, Provider

E, W = Severity.ERROR, Severity.WARNING

_PO_BOX = re.compile(
    r"\b(p\.?\s*o\.?\s*box|post\s+office\s+box|lock\s*box|pob)\b", re.IGNORECASE | re.ASCII
)
_DIGITS = re.compile(r"\d+\Z", re.ASCII)
FREQUENCY_CODES = frozenset({"1", "7", "8"})
RELATIONSHIP_CODES = frozenset({"01", "19", "20", "21", "39", "40", "53", "G8"})  # PAT01
SEXES = frozenset({"M", "F", "U"})
MAX_DIAGNOSES = 12


def _zip_digits(address: Address) -> str:
    return address.postal_code.replace("-", "").strip()


def _named(provider: Provider) -> str:
    return " ".join(p for p in (provider.first_name, provider.last_name) if p) or "(no name)"


# --- billing provider -------------------------------------------------------------------------


@rule(
    C.BILLING_NPI_MISSING,
    E,
    "Enter the practice's (or the billing physician's) 10-digit NPI in the billing provider's "
    "settings; payers reject a claim without it.",
)
def billing_npi_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.claim.billing_provider.npi.strip():
        yield Hit("The billing provider has no NPI.", None, "billing_provider.npi")


@rule(
    C.BILLING_NPI_INVALID,
    E,
    "Check the billing provider's NPI against the NPPES registry: it is 10 digits starting "
    "with 1 or 2, and the last digit is a check digit, so a typo shows.",
)
def billing_npi_invalid(ctx: Context) -> Iterator[Hit]:
    npi = ctx.claim.billing_provider.npi.strip()
    if npi and not npi_ok(npi):
        yield Hit(
            f"The billing provider's NPI {npi!r} is not a valid NPI.", None, "billing_provider.npi"
        )


@rule(
    C.BILLING_TAX_ID_MISSING,
    E,
    "Enter the practice's EIN (or the sole provider's SSN) in the billing provider's settings.",
)
def billing_tax_id_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.claim.billing_provider.tax_id.strip():
        yield Hit("The billing provider has no tax ID.", None, "billing_provider.tax_id")


@rule(
    C.BILLING_TAX_ID_INVALID,
    E,
    "Correct the billing provider's tax ID: an EIN is 9 digits (NN-NNNNNNN) from the IRS "
    "letter; an SSN is 9 digits and is used only by a sole provider.",
)
def billing_tax_id_invalid(ctx: Context) -> Iterator[Hit]:
    provider = ctx.claim.billing_provider
    tax_id = provider.tax_id.strip()
    if not tax_id:
        return
    if not tax_id_ok(tax_id, provider.tax_id_is_ssn):
        kind = "SSN" if provider.tax_id_is_ssn else "EIN"
        yield Hit(
            f"The billing provider's tax ID {tax_id!r} is not a valid {kind}.",
            None,
            "billing_provider.tax_id",
        )


@rule(
    C.BILLING_ADDRESS_MISSING,
    E,
    "Enter the billing provider's street address, city, state and ZIP in the practice settings.",
)
def billing_address_missing(ctx: Context) -> Iterator[Hit]:
    address = ctx.claim.billing_provider.address
    if address is None or not (
        address.line1.strip() and address.city.strip() and address.state.strip()
    ):
        yield Hit(
            "The billing provider's address is missing or incomplete.",
            None,
            "billing_provider.address",
        )


@rule(
    C.BILLING_ADDRESS_PO_BOX,
    E,
    "The billing provider's address must be where the practice is (a street address); put a "
    "PO Box or lock box where payments go in the pay-to address instead.",
)
def billing_address_po_box(ctx: Context) -> Iterator[Hit]:
    address = ctx.claim.billing_provider.address
    if address is not None and (_PO_BOX.search(address.line1) or _PO_BOX.search(address.line2)):
        yield Hit(
            "The billing provider's address is a PO Box; the 837P requires a street address.",
            None,
            "billing_provider.address",
        )


@rule(
    C.BILLING_ZIP_INVALID,
    E,
    "Enter the billing provider's full ZIP+4 (9 digits); look it up on the USPS site if unsure.",
)
def billing_zip_invalid(ctx: Context) -> Iterator[Hit]:
    address = ctx.claim.billing_provider.address
    if address is None:
        return
    digits = _zip_digits(address)
    if len(digits) != 9 or not _DIGITS.match(digits):
        yield Hit(
            f"The billing provider's ZIP {address.postal_code!r} is not 9 digits (ZIP+4).",
            None,
            "billing_provider.address.postal_code",
        )


# --- other providers --------------------------------------------------------------------------


def _rendering(ctx: Context) -> Iterator[tuple[Provider, int | None, str]]:
    if ctx.claim.rendering is not None:
        yield ctx.claim.rendering, None, "rendering.npi"
    for number, line in ctx.lines:
        if line.rendering is not None:
            yield line.rendering, number, f"lines[{number}].rendering.npi"


def _ordering(ctx: Context) -> Iterator[tuple[Provider, int | None, str]]:
    for number, line in ctx.lines:
        if line.ordering is not None:
            yield line.ordering, number, f"lines[{number}].ordering.npi"


def _where(number: int | None) -> str:
    return f"Line {number}: the" if number is not None else "The"


@rule(C.RENDERING_NPI_MISSING, E, "Enter the rendering provider's NPI in the provider's profile.")
def rendering_npi_missing(ctx: Context) -> Iterator[Hit]:
    for provider, number, field in _rendering(ctx):
        if not provider.npi.strip():
            yield Hit(
                f"{_where(number)} rendering provider {_named(provider)} has no NPI.", number, field
            )


@rule(
    C.RENDERING_NPI_INVALID,
    E,
    "Check the rendering provider's NPI against the NPPES registry and correct the profile.",
)
def rendering_npi_invalid(ctx: Context) -> Iterator[Hit]:
    for provider, number, field in _rendering(ctx):
        npi = provider.npi.strip()
        if npi and not npi_ok(npi):
            yield Hit(
                f"{_where(number)} rendering provider's NPI {npi!r} is not a valid NPI.",
                number,
                field,
            )


@rule(
    C.REFERRING_NPI_MISSING,
    E,
    "Ask the referring physician's office for their NPI (or look it up in NPPES) and enter it.",
)
def referring_npi_missing(ctx: Context) -> Iterator[Hit]:
    referring = ctx.claim.referring
    if referring is not None and not referring.npi.strip():
        yield Hit(f"The referring provider {_named(referring)} has no NPI.", None, "referring.npi")


@rule(C.REFERRING_NPI_INVALID, E, "Check the referring provider's NPI against the NPPES registry.")
def referring_npi_invalid(ctx: Context) -> Iterator[Hit]:
    referring = ctx.claim.referring
    if referring is not None and referring.npi.strip() and not npi_ok(referring.npi.strip()):
        yield Hit(
            f"The referring provider's NPI {referring.npi!r} is not a valid NPI.",
            None,
            "referring.npi",
        )


@rule(
    C.ORDERING_NPI_MISSING,
    E,
    "Enter the NPI of the physician who ordered the service (from the order or NPPES).",
)
def ordering_npi_missing(ctx: Context) -> Iterator[Hit]:
    for provider, number, field in _ordering(ctx):
        if not provider.npi.strip():
            yield Hit(
                f"{_where(number)} ordering provider {_named(provider)} has no NPI.", number, field
            )


@rule(C.ORDERING_NPI_INVALID, E, "Check the ordering provider's NPI against the NPPES registry.")
def ordering_npi_invalid(ctx: Context) -> Iterator[Hit]:
    for provider, number, field in _ordering(ctx):
        npi = provider.npi.strip()
        if npi and not npi_ok(npi):
            yield Hit(
                f"{_where(number)} ordering provider's NPI {npi!r} is not a valid NPI.",
                number,
                field,
            )


@rule(
    C.FACILITY_NPI_INVALID,
    E,
    "Check the service facility's NPI against the NPPES registry, or leave it empty if the "
    "facility has none.",
)
def facility_npi_invalid(ctx: Context) -> Iterator[Hit]:
    facility = ctx.claim.facility
    if facility is not None and facility.npi.strip() and not npi_ok(facility.npi.strip()):
        yield Hit(
            f"The service facility's NPI {facility.npi!r} is not a valid NPI.", None, "facility.npi"
        )


@rule(
    C.FACILITY_ADDRESS_MISSING,
    E,
    "Enter the service facility's street address, city, state and ZIP in the location's settings.",
)
def facility_address_missing(ctx: Context) -> Iterator[Hit]:
    facility = ctx.claim.facility
    if facility is not None and (facility.address is None or not facility.address.line1.strip()):
        yield Hit("The service facility has no address.", None, "facility.address")


# --- subscriber, patient, coverage ------------------------------------------------------------


@rule(
    C.SUBSCRIBER_ID_MISSING,
    E,
    "Enter the member ID exactly as it is printed on the patient's insurance card.",
)
def subscriber_id_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.claim.subscriber.member_id.strip():
        yield Hit("The subscriber has no member ID.", None, "subscriber.member_id")


@rule(
    C.SUBSCRIBER_NAME_MISSING,
    E,
    "Enter the insured's first and last name as printed on the insurance card.",
)
def subscriber_name_missing(ctx: Context) -> Iterator[Hit]:
    person = ctx.claim.subscriber.person
    if not person.last_name.strip() or not person.first_name.strip():
        yield Hit("The subscriber's first or last name is missing.", None, "subscriber.person")


@rule(C.PATIENT_NAME_MISSING, E, "Enter the patient's first and last name in the patient's record.")
def patient_name_missing(ctx: Context) -> Iterator[Hit]:
    patient = ctx.claim.patient
    if patient is not None and (not patient.last_name.strip() or not patient.first_name.strip()):
        yield Hit("The patient's first or last name is missing.", None, "patient")


@rule(
    C.PATIENT_RELATIONSHIP_INVALID,
    E,
    "Set the patient's relationship to the insured on the coverage: self when the patient is "
    "the insured, otherwise spouse, child or other.",
)
def patient_relationship_invalid(ctx: Context) -> Iterator[Hit]:
    claim = ctx.claim
    code = claim.patient_relationship
    if claim.patient is None and code != "18":
        yield Hit(
            f"The patient is the insured, but the relationship is {code!r}, not self (18).",
            None,
            "patient_relationship",
        )
    elif claim.patient is not None and code not in RELATIONSHIP_CODES:
        yield Hit(
            f"The patient is not the insured, but the relationship {code!r} is not spouse, "
            "child or other.",
            None,
            "patient_relationship",
        )


@rule(
    C.PATIENT_DATE_OF_BIRTH_MISSING,
    E,
    "Enter the patient's date of birth in the patient's record; payers match patients on it.",
)
def patient_date_of_birth_missing(ctx: Context) -> Iterator[Hit]:
    if ctx.date_of_birth is None:
        yield Hit("The patient's date of birth is missing.", None, "patient.date_of_birth")


@rule(C.PATIENT_SEX_INVALID, E, "Set the patient's sex in the patient's record (M, F or unknown).")
def patient_sex_invalid(ctx: Context) -> Iterator[Hit]:
    if ctx.sex not in SEXES:
        yield Hit(f"The patient's sex {ctx.sex!r} is not M, F or U.", None, "patient.sex")


@rule(
    C.PATIENT_ADDRESS_MISSING,
    E,
    "Enter the patient's street address, city, state and ZIP in the patient's record.",
)
def patient_address_missing(ctx: Context) -> Iterator[Hit]:
    address = ctx.patient.address
    if address is None or not (
        address.line1.strip() and address.city.strip() and address.state.strip()
    ):
        yield Hit("The patient's address is missing or incomplete.", None, "patient.address")


@rule(C.PATIENT_ZIP_INVALID, E, "Correct the patient's ZIP: 5 digits, or 9 with the ZIP+4.")
def patient_zip_invalid(ctx: Context) -> Iterator[Hit]:
    address = ctx.patient.address
    if address is None:
        return
    digits = _zip_digits(address)
    if len(digits) not in (5, 9) or not _DIGITS.match(digits):
        yield Hit(
            f"The patient's ZIP {address.postal_code!r} is not 5 or 9 digits.",
            None,
            "patient.address.postal_code",
        )


@rule(
    C.COVERAGE_NOT_ACTIVE,
    E,
    "Check eligibility for the date of service: bill the coverage that was in force then, or "
    "the patient if none was.",
)
def coverage_not_active(ctx: Context) -> Iterator[Hit]:
    coverage = ctx.inp.coverage
    if coverage is None:
        return
    for number, line in ctx.lines:
        days = (
            (line.service_from,)
            if line.service_to is None
            else (line.service_from, line.service_to)
        )
        for day in days:
            if not coverage.covers(day):
                yield Hit(
                    f"Line {number}: the coverage is not in force on {day.isoformat()}.",
                    number,
                    f"lines[{number}].service_from",
                )
                break


# --- claim header -----------------------------------------------------------------------------


@rule(
    C.FREQUENCY_CODE_INVALID,
    E,
    "Choose original (1), replacement of a paid or denied claim (7), or void (8).",
)
def frequency_code_invalid(ctx: Context) -> Iterator[Hit]:
    if ctx.claim.frequency_code not in FREQUENCY_CODES:
        yield Hit(
            f"The claim frequency {ctx.claim.frequency_code!r} is not 1, 7 or 8.",
            None,
            "frequency_code",
        )


@rule(
    C.ORIGINAL_REFERENCE_MISSING,
    E,
    "Enter the payer's claim number of the claim being replaced or voided (from the remittance "
    "or the payer's portal).",
)
def original_reference_missing(ctx: Context) -> Iterator[Hit]:
    claim = ctx.claim
    if claim.frequency_code in ("7", "8") and not claim.original_reference.strip():
        kind = "replacement" if claim.frequency_code == "7" else "void"
        yield Hit(
            f"A {kind} claim must give the payer's claim number of the original.",
            None,
            "original_reference",
        )


@rule(
    C.PLACE_OF_SERVICE_INVALID,
    E,
    "Choose the place of service from the CMS list (11 office, 02/10 telehealth, 22 outpatient "
    "hospital, …).",
)
def place_of_service_invalid(ctx: Context) -> Iterator[Hit]:
    valid = ctx.reference.is_valid_place_of_service
    if not valid(ctx.claim.place_of_service):
        yield Hit(
            f"The claim's place of service {ctx.claim.place_of_service!r} is not a valid code.",
            None,
            "place_of_service",
        )
    for number, line in ctx.lines:
        if line.place_of_service and not valid(line.place_of_service):
            yield Hit(
                f"Line {number}: the place of service {line.place_of_service!r} is not a valid code.",
                number,
                f"lines[{number}].place_of_service",
            )


@rule(
    C.TOTAL_CHARGE_ZERO,
    E,
    "Enter the fee of each service; a claim for nothing is rejected. Write off a free visit "
    "in the ledger instead.",
)
def total_charge_zero(ctx: Context) -> Iterator[Hit]:
    if ctx.lines and ctx.total is not None and ctx.total <= 0:
        yield Hit(f"The claim's total charge is {ctx.total}.", None, "total_charge")


@rule(
    C.PATIENT_PAID_EXCEEDS_TOTAL,
    W,
    "Check the amount the patient paid: it is more than the claim's charges. Refund or move "
    "the excess to another visit.",
)
def patient_paid_exceeds_total(ctx: Context) -> Iterator[Hit]:
    paid, total = ctx.claim.patient_paid, ctx.total
    if total is not None and paid.is_finite() and paid > total:
        yield Hit(
            f"The patient paid {paid}, more than the total charge {total}.",
            None,
            "patient_paid",
        )


@rule(
    C.ONSET_DATE_AFTER_SERVICE,
    W,
    "Check the onset date: an illness or injury starts on or before the first visit for it.",
)
def onset_date_after_service(ctx: Context) -> Iterator[Hit]:
    onset = ctx.claim.onset_date
    if onset is not None and ctx.first_service is not None and onset > ctx.first_service:
        yield Hit(
            f"The onset date {onset.isoformat()} is after the first date of service "
            f"{ctx.first_service.isoformat()}.",
            None,
            "onset_date",
        )


@rule(
    C.PRIOR_AUTHORIZATION_MISSING,
    W,
    "This service usually needs the payer's prior authorization: enter the authorization "
    "number, or get one before sending.",
)
def prior_authorization_missing(ctx: Context) -> Iterator[Hit]:
    if ctx.claim.prior_authorization.strip():
        return
    for number, line, info in ctx.known:
        if info.requires_prior_authorization:
            yield Hit(
                f"Line {number}: {line.procedure_code} needs prior authorization and the claim has "
                "no authorization number.",
                number,
                "prior_authorization",
            )


# --- diagnoses --------------------------------------------------------------------------------


@rule(C.DIAGNOSIS_MISSING, E, "Enter at least one diagnosis code from the visit's note.")
def diagnosis_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.claim.diagnoses:
        yield Hit("The claim has no diagnosis.", None, "diagnoses")


@rule(
    C.DIAGNOSIS_TOO_MANY,
    E,
    "Keep the 12 diagnoses the services point to; split the services over two claims if more "
    "are needed.",
)
def diagnosis_too_many(ctx: Context) -> Iterator[Hit]:
    count = len(ctx.claim.diagnoses)
    if count > MAX_DIAGNOSES:
        yield Hit(f"The claim has {count} diagnoses; at most 12 fit.", None, "diagnoses")


def _diagnoses(ctx: Context) -> Iterator[tuple[int, str]]:
    return enumerate(ctx.claim.diagnoses, start=1)


@rule(
    C.DIAGNOSIS_NOT_X12_FORM,
    E,
    "Pick the diagnosis again from the ICD-10-CM search; the claim stores it in capitals "
    "without the dot (E119, not E11.9).",
)
def diagnosis_not_x12_form(ctx: Context) -> Iterator[Hit]:
    for position, code in _diagnoses(ctx):
        if code != icd10.normalize(code):
            yield Hit(
                f"Diagnosis {position} {code!r} is not written as the claim needs it "
                f"({icd10.normalize(code)}).",
                None,
                f"diagnoses[{position}]",
            )


@rule(
    C.DIAGNOSIS_UNKNOWN,
    E,
    "Look the diagnosis up in the ICD-10-CM search and pick a current code.",
)
def diagnosis_unknown(ctx: Context) -> Iterator[Hit]:
    known = ctx.reference.diagnoses.is_known
    for position, code in _diagnoses(ctx):
        if not known(code):
            yield Hit(
                f"Diagnosis {position} {code!r} is not an ICD-10-CM code.",
                None,
                f"diagnoses[{position}]",
            )


@rule(
    C.DIAGNOSIS_NOT_BILLABLE,
    E,
    "The code is a heading: pick the most specific code under it (all its characters, "
    "including a 7th where required).",
)
def diagnosis_not_billable(ctx: Context) -> Iterator[Hit]:
    codes = ctx.reference.diagnoses
    for position, code in _diagnoses(ctx):
        if codes.is_known(code) and not codes.is_billable(code):
            yield Hit(
                f"Diagnosis {position} {code} is a heading, not a billable code.",
                None,
                f"diagnoses[{position}]",
            )


@rule(C.DIAGNOSIS_REPEATED, E, "Remove the second copy of the diagnosis and re-point the lines.")
def diagnosis_repeated(ctx: Context) -> Iterator[Hit]:
    seen: set[str] = set()
    for position, code in _diagnoses(ctx):
        if code in seen:
            yield Hit(
                f"Diagnosis {position} {code} is listed twice.", None, f"diagnoses[{position}]"
            )
        seen.add(code)


@rule(
    C.DIAGNOSIS_EXTERNAL_CAUSE_PRINCIPAL,
    E,
    "Put the injury or condition first; an external cause code (V00–Y99) only explains how it "
    "happened and is never the first diagnosis.",
)
def diagnosis_external_cause_principal(ctx: Context) -> Iterator[Hit]:
    if ctx.claim.diagnoses and ctx.claim.diagnoses[0][:1] in ("V", "W", "X", "Y"):
        yield Hit(
            f"The first diagnosis {ctx.claim.diagnoses[0]} is an external cause code.",
            None,
            "diagnoses[1]",
        )


@rule(
    C.DIAGNOSIS_SEX_MISMATCH,
    E,
    "Check the diagnosis and the patient's sex in the record. If both are right (for example "
    "for a transgender patient), add modifier KX to the lines pointing to the diagnosis.",
)
def diagnosis_sex_mismatch(ctx: Context) -> Iterator[Hit]:
    if ctx.sex not in ("M", "F"):
        return
    sex_for = ctx.reference.diagnoses.sex_for
    for position, code in _diagnoses(ctx):
        code_sex = sex_for(code)
        if code_sex is None or code_sex == ctx.sex:
            continue
        pointing = [
            mods
            for (_, line), mods in zip(ctx.lines, ctx.modifier_sets, strict=True)
            if position in line.diagnosis_pointers
        ]
        if pointing and all("KX" in mods for mods in pointing):
            continue
        yield Hit(
            f"Diagnosis {position} {code} is for {'female' if code_sex == 'F' else 'male'} "
            f"patients and the patient's sex is {ctx.sex}.",
            None,
            f"diagnoses[{position}]",
        )


@rule(
    C.DIAGNOSIS_NOT_POINTED,
    W,
    "Point a service to the diagnosis, or remove it if no service on this claim treated it.",
)
def diagnosis_not_pointed(ctx: Context) -> Iterator[Hit]:
    if not ctx.lines:
        return
    pointed = {p for _, line in ctx.lines for p in line.diagnosis_pointers}
    for position, code in _diagnoses(ctx):
        if position not in pointed and position <= MAX_DIAGNOSES:
            yield Hit(
                f"No line points to diagnosis {position} {code}.", None, f"diagnoses[{position}]"
            )


# --- timely filing and duplicates -------------------------------------------------------------

NEAR_DAYS = 30


def plus_one_year(day: dt.date) -> dt.date:
    """The same day a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _deadline(ctx: Context, service: dt.date) -> dt.date | None:
    limit = ctx.inp.timely_filing
    if limit.medicare:
        return plus_one_year(service)
    if limit.days is not None:
        return service + dt.timedelta(days=limit.days)
    return None


def _deadlines(ctx: Context) -> list[tuple[int, dt.date, dt.date]]:
    """(line number, from-date, filing limit) of each line, when the payer has a limit."""
    found = cast("list[tuple[int, dt.date, dt.date]] | None", ctx.memo.get("deadlines"))
    if found is None:
        limit = ctx.inp.timely_filing
        if not limit.medicare and limit.days is None:
            found = []
        else:
            by_day = {day: _deadline(ctx, day) for day in ctx.by_day}
            found = [
                (number, line.service_from, deadline)
                for number, line in ctx.lines
                if (deadline := by_day[line.service_from]) is not None
            ]
        ctx.memo["deadlines"] = found
    return found


def _filed_on(ctx: Context) -> tuple[dt.date, bool]:
    """The date the claim counts as filed, and whether that was an earlier filing."""
    earlier = [f.submitted for f in ctx.inp.previous_filings if not f.rejected]
    return (min(earlier), True) if earlier else (ctx.today, False)


@rule(
    C.TIMELY_FILING_EXCEEDED,
    E,
    "The payer's filing limit has passed: send it only with proof of timely filing (an earlier "
    "acceptance report) or a reason the payer accepts; otherwise write the line off.",
)
def timely_filing_exceeded(ctx: Context) -> Iterator[Hit]:
    deadlines = _deadlines(ctx)
    if not deadlines:
        return
    filed, _ = _filed_on(ctx)
    for number, service, deadline in deadlines:
        if filed > deadline:
            yield Hit(
                f"Line {number}: the filing limit for {service.isoformat()} was "
                f"{deadline.isoformat()}.",
                number,
                f"lines[{number}].service_from",
            )


@rule(
    C.TIMELY_FILING_NEAR,
    W,
    "Send this claim now: the payer's filing limit is less than 30 days away.",
)
def timely_filing_near(ctx: Context) -> Iterator[Hit]:
    deadlines = _deadlines(ctx)
    if not deadlines:
        return
    filed, earlier = _filed_on(ctx)
    if earlier:
        return
    for number, service, deadline in deadlines:
        if filed <= deadline and (deadline - filed).days <= NEAR_DAYS:
            yield Hit(
                f"Line {number}: the filing limit for {service.isoformat()} is "
                f"{deadline.isoformat()}.",
                number,
                f"lines[{number}].service_from",
            )


_NOT_DUPLICATES = frozenset({OtherClaimStatus.VOID, OtherClaimStatus.REJECTED})


def _overlaps(ctx: Context, *, denied: bool) -> Iterator[Hit]:
    """Other claims billing the same code on the same date (replacements and voids excepted:
    they are meant to repeat the original; void and rejected claims do not count)."""
    claim = ctx.claim
    if claim.frequency_code in ("7", "8") or not ctx.inp.other_claims:
        return
    ours = {
        (line.service_from, line.procedure_code): number for number, line in reversed(ctx.lines)
    }
    for other in ctx.inp.other_claims:
        if other.control_number == claim.control_number or other.status in _NOT_DUPLICATES:
            continue
        if (other.status == OtherClaimStatus.DENIED) != denied:
            continue
        common = sorted(set(other.services) & ours.keys())
        if common:
            day, code = common[0]
            number = ours[common[0]]
            yield Hit(
                f"Line {number}: {code} on {day.isoformat()} is already on claim "
                f"{other.control_number} ({other.status}).",
                number,
                f"lines[{number}].procedure_code",
            )


@rule(
    C.DUPLICATE_CLAIM,
    E,
    "The service is already billed on another claim: void or correct that claim (frequency 7) "
    "instead of sending it again.",
)
def duplicate_claim(ctx: Context) -> Iterator[Hit]:
    return _overlaps(ctx, denied=False)


@rule(
    C.DUPLICATE_OF_DENIED_CLAIM,
    W,
    "The service was denied on another claim: fix the reason of the denial and send a "
    "corrected claim (frequency 7) or an appeal, not a new claim.",
)
def duplicate_of_denied_claim(ctx: Context) -> Iterator[Hit]:
    return _overlaps(ctx, denied=True)
