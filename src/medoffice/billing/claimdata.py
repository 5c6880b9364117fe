"""From the database to the plain claim (``x12.claims.Claim``) the 837P writer, the CMS-1500
and the scrubber read.

``claim_for_x12(claim)`` builds one; ``claims_for_x12(queryset)`` builds many with a fixed
number of queries (the claims with their visit, patient, payer, coverage and provider; their
lines; the practice), whatever their count.

The billing provider is the practice (legal name, group NPI, EIN, address); the rendering
provider is the encounter's; the subscriber is the patient when the coverage says "self",
else the coverage's subscriber fields; a self-pay claim names the patient as both, with
filing indicator 09. The service facility is the location when its address is not the
practice's. Diagnoses go without their dot, pointers as positions 1–12.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet

from medoffice.billing import icd10
from medoffice.billing.choices import ClaimFrequency, FilingIndicator, Responsibility
from medoffice.billing.models import Claim, ClaimLine
from medoffice.core.models import Location, Practice
from medoffice.patients.choices import Relationship
from medoffice.patients.models import Coverage, Patient, Payer
from medoffice.scheduling.models import Provider
from medoffice.x12 import claims as x12

SELF_PAY_PAYER = x12.Payer(name="PATIENT SELF-PAY", payer_id="")
_SEX = {"M": "M", "F": "F"}


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _address(obj: object) -> x12.Address | None:
    line1 = getattr(obj, "address_line1", "")
    if not line1:
        return None
    return x12.Address(
        line1=line1,
        line2=getattr(obj, "address_line2", ""),
        city=getattr(obj, "city", ""),
        state=getattr(obj, "state", ""),
        postal_code=_digits(getattr(obj, "postal_code", "")),
    )


def billing_provider(practice: Practice) -> x12.Provider:
    phone = _digits(practice.phone)
    return x12.Provider(
        last_name=practice.legal_name,
        npi=practice.group_npi,
        is_person=False,
        tax_id=_digits(practice.tax_id),
        address=_address(practice),
        phone=phone[-10:] if phone else "",
    )


def rendering_provider(provider: Provider) -> x12.Provider:
    return x12.Provider(
        last_name=provider.last_name,
        first_name=provider.first_name,
        npi=provider.npi,
        taxonomy=provider.taxonomy_code,
    )


def referring_provider(name: str, npi: str) -> x12.Provider | None:
    """``"Jane Q Doe"`` or ``"Doe, Jane"`` with an NPI; None when there is no referral."""
    name = (name or "").strip()
    if not name and not npi:
        return None
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
    else:
        parts = name.split()
        last, first = (parts[-1], " ".join(parts[:-1])) if parts else ("", "")
    return x12.Provider(last_name=last, first_name=first, npi=npi)


def facility(location: Location, practice: Practice) -> x12.Provider | None:
    """The location as service facility, when its address is not the billing address."""
    mine, billing = _address(location), _address(practice)
    if mine is None or mine == billing:
        return None
    return x12.Provider(last_name=location.name, npi="", is_person=False, address=mine)


def patient_person(patient: Patient) -> x12.Person:
    return x12.Person(
        last_name=patient.last_name,
        first_name=patient.first_name,
        middle_name=patient.middle_name,
        suffix=patient.suffix,
        date_of_birth=patient.date_of_birth,
        sex=_SEX.get(patient.sex, "U"),
        address=_address(patient),
    )


def subscriber_person(coverage: Coverage, patient: Patient) -> x12.Person:
    """The insured: the patient when "self", else the coverage's subscriber fields (at the
    patient's address, the usual household)."""
    if coverage.relationship == Relationship.SELF:
        return patient_person(patient)
    return x12.Person(
        last_name=coverage.subscriber_last_name or patient.last_name,
        first_name=coverage.subscriber_first_name,
        date_of_birth=coverage.subscriber_date_of_birth,
        sex=_SEX.get(coverage.subscriber_sex, "U"),
        address=_address(patient),
    )


def payer(found: Payer) -> tuple[x12.Payer, str]:
    """The payer and its filing indicator (SBR09) from its billing profile."""
    profile = getattr(found, "billing", None)
    address = None
    filing = FilingIndicator.COMMERCIAL.value
    if profile is not None:
        filing = profile.filing_indicator
        if profile.claims_address_line1:
            address = x12.Address(
                line1=profile.claims_address_line1,
                line2=profile.claims_address_line2,
                city=profile.claims_city,
                state=profile.claims_state,
                postal_code=_digits(profile.claims_postal_code),
            )
    return x12.Payer(name=found.name, payer_id=found.payer_id, address=address), filing


def _line(line: ClaimLine) -> x12.ServiceLine:
    drug = None
    if line.ndc:
        drug = x12.Drug(
            ndc=line.ndc, quantity=line.ndc_quantity or Decimal("0"), unit=line.ndc_unit or "UN"
        )
    return x12.ServiceLine(
        procedure_code=line.procedure_code,
        charge=line.charge,
        units=line.units,
        service_from=line.service_from,
        service_to=line.service_to,
        diagnosis_pointers=tuple(line.pointer_list),
        modifiers=tuple(line.modifier_list),
        description=line.description,
        drug=drug,
        line_control_number=str(line.pk),
    )


def _build(claim: Claim, practice: Practice) -> x12.Claim:
    encounter = claim.encounter
    patient = claim.patient
    coverage = claim.coverage
    if claim.responsibility == Responsibility.PATIENT or coverage is None or claim.payer is None:
        the_payer = SELF_PAY_PAYER
        subscriber = x12.Subscriber(
            member_id="",
            person=patient_person(patient),
            payer_responsibility="P",
            filing_indicator=FilingIndicator.SELF_PAY.value,
        )
        patient_part, relationship = None, Relationship.SELF.value
    else:
        the_payer, filing = payer(claim.payer)
        subscriber = x12.Subscriber(
            member_id=coverage.member_id,
            person=subscriber_person(coverage, patient),
            payer_responsibility=claim.responsibility,
            filing_indicator=filing,
            group_number=coverage.group_number,
            plan_name=coverage.plan_name,
        )
        relationship = coverage.relationship
        patient_part = None if relationship == Relationship.SELF else patient_person(patient)
    original = ""
    if claim.frequency != ClaimFrequency.ORIGINAL and claim.replaces is not None:
        original = claim.replaces.payer_claim_number
    return x12.Claim(
        control_number=claim.control_number,
        billing_provider=billing_provider(practice),
        payer=the_payer,
        subscriber=subscriber,
        diagnoses=tuple(icd10.normalize(code) for code in claim.diagnosis_list),
        lines=tuple(_line(line) for line in claim.lines.all()),
        place_of_service=claim.place_of_service,
        patient=patient_part,
        patient_relationship=relationship,
        frequency_code=claim.frequency,
        original_reference=original,
        prior_authorization=encounter.prior_authorization,
        referring=referring_provider(encounter.referring_name, encounter.referring_npi),
        rendering=rendering_provider(encounter.rendering_provider),
        facility=facility(encounter.location, practice),
        patient_account=patient.mrn,
    )


def for_x12(queryset: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims with everything ``claims_for_x12`` reads, in two queries."""
    return queryset.select_related(
        "encounter__rendering_provider",
        "encounter__location",
        "patient",
        "payer__billing",
        "coverage",
        "replaces",
    ).prefetch_related("lines")


def claims_for_x12(claims: QuerySet[Claim] | Iterable[Claim]) -> list[x12.Claim]:
    """The plain claims, in the order given (a queryset is loaded with ``for_x12``)."""
    practice = Practice.current()
    if practice is None:
        raise ValueError("The practice is not set up: there is no billing provider.")
    rows = for_x12(claims) if isinstance(claims, QuerySet) else claims
    return [_build(claim, practice) for claim in rows]


def claim_for_x12(claim: Claim) -> x12.Claim:
    return claims_for_x12(Claim.objects.filter(pk=claim.pk))[0]
