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
from typing import Any

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
        phone=_phone(patient.phone_home or patient.phone),
    )


def _phone(value: str) -> str:
    """Ten digits (a leading 1 dropped), or empty when the number is not a US one."""
    digits = _digits(value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else ""


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


def _drug(ndc: str, quantity: Decimal | None, unit: str) -> x12.Drug | None:
    if not ndc:
        return None
    return x12.Drug(ndc=ndc, quantity=quantity or Decimal("0"), unit=unit or "UN")


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part) if text else ()


def _pointers(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(",") if p.isdigit()) if text else ()


_CLAIM_FIELDS = (
    "pk",
    "control_number",
    "patient_id",
    "payer_id",
    "coverage_id",
    "responsibility",
    "frequency",
    "replaces__payer_claim_number",
    "diagnoses",
    "place_of_service",
    "encounter__rendering_provider_id",
    "encounter__location_id",
    "encounter__prior_authorization",
    "encounter__referring_name",
    "encounter__referring_npi",
    "prior_payer_claim_id",
    "encounter__referring_qualifier",
    "encounter__other_date",
    "encounter__other_date_qualifier",
    "encounter__unable_to_work_from",
    "encounter__unable_to_work_to",
    "encounter__hospitalized_from",
    "encounter__hospitalized_to",
    "encounter__claim_note",
    "encounter__other_claim_id",
    "encounter__outside_lab_npi",
)
_LINE_FIELDS = (
    "claim_id",
    "pk",
    "procedure_code",
    "charge",
    "units",
    "service_from",
    "service_to",
    "diagnosis_pointers",
    "modifiers",
    "description",
    "ndc",
    "ndc_quantity",
    "ndc_unit",
    "line_number",
    "emergency",
    "epsdt",
    "family_planning",
    "purchased_charge",
)

# The columns the plain claim reads (the rest of a patient's or coverage's row is not read).
_ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "state", "postal_code")
_PATIENT_FIELDS = (
    "pk",
    "mrn",
    "last_name",
    "first_name",
    "middle_name",
    "suffix",
    "date_of_birth",
    "sex",
    "phone",
    "phone_home",
    *_ADDRESS_FIELDS,
)
_COVERAGE_FIELDS = (
    "pk",
    "relationship",
    "member_id",
    "group_number",
    "plan_name",
    "subscriber_last_name",
    "subscriber_first_name",
    "subscriber_date_of_birth",
    "subscriber_sex",
)


def claims_for_x12(claims: QuerySet[Claim] | Iterable[Claim]) -> list[x12.Claim]:
    """The plain claims, in the order given, with a fixed number of queries.

    Rows are read as plain values; the patients, coverages, payers, providers and locations
    they share are read once each and their x12 parts built once, so a batch of thousands
    costs little more than its rows.
    """
    practice = Practice.current()
    if practice is None:
        raise ValueError("The practice is not set up: there is no billing provider.")
    if isinstance(claims, QuerySet):
        queryset = claims
    else:
        queryset = Claim.objects.filter(pk__in=[c.pk for c in claims])
    rows = list(queryset.values_list(*_CLAIM_FIELDS))
    if not isinstance(claims, QuerySet):
        order = {c.pk: n for n, c in enumerate(claims)}
        rows.sort(key=lambda r: order[r[0]])
    ids = [r[0] for r in rows]
    lines: dict[int, list[x12.ServiceLine]] = {pk: [] for pk in ids}
    positions: dict[int, dict[int, int]] = {pk: {} for pk in ids}  # line number → LX
    labs = {r[0]: r[-1] for r in rows if r[-1]}  # box 20: the outside lab of the claim
    for (
        claim_id,
        pk,
        code,
        charge,
        units,
        service_from,
        service_to,
        pointers,
        modifiers,
        description,
        ndc,
        ndc_quantity,
        ndc_unit,
        line_number,
        emergency,
        epsdt,
        family_planning,
        purchased_charge,
    ) in (
        ClaimLine.objects.filter(claim_id__in=queryset.values_list("pk", flat=True))
        .order_by("claim_id", "line_number")
        .values_list(*_LINE_FIELDS)
        .iterator(chunk_size=5000)
    ):
        if claim_id not in lines:  # a claim that joined the queryset after its rows were read
            continue
        lines[claim_id].append(
            x12.ServiceLine(
                procedure_code=code,
                charge=charge,
                units=units,
                service_from=service_from,
                service_to=service_to,
                diagnosis_pointers=_pointers(pointers),
                modifiers=_split(modifiers),
                description=description,
                drug=_drug(ndc, ndc_quantity, ndc_unit),
                line_control_number=str(pk),
                emergency=emergency,
                epsdt=epsdt,
                family_planning=family_planning,
                purchased_charge=purchased_charge,
                purchased_from=labs.get(claim_id, "") if purchased_charge is not None else "",
            )
        )
        positions[claim_id][line_number] = len(lines[claim_id])
    # Named rows, not models: the builders read attributes only, and thousands of model
    # instances cost more than the rest of the batch's reading.
    patients: dict[int, Any] = {
        p.pk: p
        for p in Patient.objects.filter(pk__in={r[2] for r in rows}).values_list(
            *_PATIENT_FIELDS, named=True
        )
    }
    coverages: dict[int, Any] = {
        c.pk: c
        for c in Coverage.objects.filter(pk__in={r[4] for r in rows if r[4]}).values_list(
            *_COVERAGE_FIELDS, named=True
        )
    }
    payers = {
        p.pk: payer(p)
        for p in Payer.objects.filter(pk__in={r[3] for r in rows if r[3]}).select_related("billing")
    }
    renderers = {
        p.pk: rendering_provider(p) for p in Provider.objects.filter(pk__in={r[10] for r in rows})
    }
    facilities = {
        loc.pk: facility(loc, practice)
        for loc in Location.objects.filter(pk__in={r[11] for r in rows})
    }
    billing = billing_provider(practice)
    priors = _prior_claims({r[15] for r in rows if r[15]})
    people: dict[int, x12.Person] = {}

    def person(patient_id: int) -> x12.Person:
        found = people.get(patient_id)
        if found is None:
            found = people[patient_id] = patient_person(patients[patient_id])
        return found

    built = []
    for (
        pk,
        control_number,
        patient_id,
        payer_id,
        coverage_id,
        responsibility,
        frequency,
        original_number,
        diagnoses,
        place_of_service,
        provider_id,
        location_id,
        prior_authorization,
        referring_name,
        referring_npi,
        prior_id,
        referring_qualifier,
        other_date,
        other_date_qualifier,
        unable_to_work_from,
        unable_to_work_to,
        hospitalized_from,
        hospitalized_to,
        claim_note,
        other_claim_id,
        _outside_lab,  # read with the lines (box 20)
    ) in rows:
        coverage = coverages.get(coverage_id) if coverage_id else None
        if responsibility == Responsibility.PATIENT or coverage is None or payer_id is None:
            the_payer = SELF_PAY_PAYER
            subscriber = x12.Subscriber(
                member_id="",
                person=person(patient_id),
                payer_responsibility="P",
                filing_indicator=FilingIndicator.SELF_PAY.value,
            )
            patient_part, relationship = None, Relationship.SELF.value
        else:
            the_payer, filing = payers[payer_id]
            relationship = coverage.relationship
            is_self = relationship == Relationship.SELF
            subscriber = x12.Subscriber(
                member_id=coverage.member_id,
                person=person(patient_id)
                if is_self
                else subscriber_person(coverage, patients[patient_id]),
                payer_responsibility=responsibility,
                filing_indicator=filing,
                group_number=coverage.group_number,
                plan_name=coverage.plan_name,
            )
            patient_part = None if is_self else person(patient_id)
        built.append(
            x12.Claim(
                control_number=control_number,
                billing_provider=billing,
                payer=the_payer,
                subscriber=subscriber,
                diagnoses=tuple(icd10.normalize(code) for code in _split(diagnoses)),
                lines=tuple(lines[pk]),
                place_of_service=place_of_service,
                patient=patient_part,
                patient_relationship=relationship,
                frequency_code=frequency,
                original_reference=(original_number or "")
                if frequency != ClaimFrequency.ORIGINAL
                else "",
                prior_authorization=prior_authorization,
                referring=referring_provider(referring_name, referring_npi),
                referring_qualifier=referring_qualifier or "DN",
                other_date=other_date if other_date_qualifier else None,
                other_date_qualifier=other_date_qualifier if other_date else "",
                unable_to_work_from=unable_to_work_from,
                unable_to_work_to=unable_to_work_to,
                hospitalized_from=hospitalized_from,
                hospitalized_to=hospitalized_to,
                note=claim_note,
                other_claim_id=other_claim_id,
                rendering=renderers[provider_id],
                facility=facilities[location_id],
                patient_account=patients[patient_id].mrn,
                other_subscribers=tuple(
                    other_subscriber(earlier, patients[patient_id], positions[pk])
                    for earlier in reversed(_chain(prior_id, priors))
                ),
            )
        )
    return built


def _prior_claims(first: set[int]) -> dict[int, Claim]:
    """The earlier payers' claims (and theirs, up to the primary) with their adjudication."""
    found: dict[int, Claim] = {}
    wanted = set(first)
    while wanted:
        batch = (
            Claim.objects.filter(pk__in=wanted)
            .select_related("coverage", "payer__billing", "adjudication")
            .prefetch_related("adjudication__lines__claim_line", "adjudication__adjustments")
        )
        for claim in batch:
            found[claim.pk] = claim
        wanted = {c.prior_payer_claim_id for c in batch if c.prior_payer_claim_id} - set(found)
    return found


def _chain(prior_id: int | None, priors: dict[int, Claim]) -> list[Claim]:
    """The claims before this one, the nearest first."""
    chain: list[Claim] = []
    while prior_id is not None and prior_id in priors and len(chain) < 3:
        chain.append(priors[prior_id])
        prior_id = priors[prior_id].prior_payer_claim_id
    return chain


def adjudication(claim: Claim, positions: dict[int, int]) -> x12.Adjudication | None:
    """``claim``'s payer's adjudication, its lines placed by ``positions`` (line number → the
    1-based position of that line on the claim that reports it)."""
    found = getattr(claim, "adjudication", None)
    if found is None:
        return None
    adjustments = list(found.adjustments.all())
    by_line: dict[int, list[x12.Adjustment]] = {}
    for adj in adjustments:
        if adj.line_id is not None:
            by_line.setdefault(adj.line_id, []).append(
                x12.Adjustment(adj.group, adj.reason, adj.amount)
            )
    return x12.Adjudication(
        paid=found.paid,
        adjudicated_on=found.adjudicated_on,
        adjustments=tuple(
            x12.Adjustment(a.group, a.reason, a.amount) for a in adjustments if a.line_id is None
        ),
        lines=tuple(
            x12.LineAdjudication(
                positions[row.claim_line.line_number], row.paid, tuple(by_line.get(row.pk, ()))
            )
            for row in found.lines.all()
            if row.claim_line.line_number in positions
        ),
    )


def other_subscriber(earlier: Claim, patient: Patient, positions: dict[int, int]) -> x12.Subscriber:
    """Loops 2320/2330: an earlier payer of the claim, its insured and its adjudication."""
    coverage = earlier.coverage
    if coverage is None or earlier.payer is None:
        raise ValueError(
            f"Claim {earlier.control_number} has no payer to report as the other payer."
        )
    the_payer, filing = payer(earlier.payer)
    return x12.Subscriber(
        member_id=coverage.member_id,
        person=subscriber_person(coverage, patient),
        payer_responsibility=earlier.responsibility,
        filing_indicator=filing,
        group_number=coverage.group_number,
        plan_name=coverage.plan_name,
        payer=the_payer,
        relationship=coverage.relationship,
        adjudication=adjudication(earlier, positions),
    )


def claim_for_x12(claim: Claim) -> x12.Claim:
    return claims_for_x12(Claim.objects.filter(pk=claim.pk))[0]
