"""The claim-level rules: subscriber, patient and coverage, the claim header."""

from __future__ import annotations

import re
from collections.abc import Iterator

from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import Severity
from medoffice.billing.scrubber.registry import Context, Hit, rule, zip_digits

E, W = Severity.ERROR, Severity.WARNING

_DIGITS = re.compile(r"\d+\Z", re.ASCII)
FREQUENCY_CODES = frozenset({"1", "7", "8"})
RELATIONSHIP_CODES = frozenset({"01", "19", "20", "21", "39", "40", "53", "G8"})  # PAT01
SEXES = frozenset({"M", "F", "U"})


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
    digits = zip_digits(address)
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
