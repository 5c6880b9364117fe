"""Claims: made from reviewed charges, moved through their life, voided and corrected.

``create_claims(encounter=…, actor=…)`` makes one claim per visit per responsible payer:
the primary coverage in force on the date of service, or a self-pay claim when there is
none. Its lines copy the charge lines, so what a claim billed never changes; the encounter
locks (CLAIMED) and its lines' charges go to the ledger (``ledger.post_charges``).

``transition(claim=…, to=…, actor=…, note=…)`` is the one way a status changes; each change
is a ``ClaimTransition`` row. The parts that send and hear back call:

- ``mark_scrubbed(claim=…, actor=…, has_errors=…)`` after the scrubber wrote its findings;
- ``mark_submitted(claims=…, batch=…, actor=…)`` when a batch (837P) carries them;
- ``mark_accepted(claim=…, actor=…, payer_claim_number=…)`` on a 999/277CA acceptance;
- ``mark_rejected(claim=…, actor=…, reason=…)`` on a rejection;
- ``mark_adjudicated(claim=…, actor=…, payer_claim_number=…)`` on an 835, then ``CLOSED``.

Corrections: ``void_claim`` makes a frequency-8 claim naming the original's payer claim
number; ``correct_claim`` reopens the encounter (revision + 1) and its re-review makes a
frequency-7 replacement (or, when the payer never took the original, a new original).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing.choices import ClaimFrequency, ClaimStatus, EncounterStatus, Responsibility
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    Claim,
    ClaimBatch,
    ClaimLine,
    ClaimTransition,
    ControlNumber,
    Encounter,
)
from medoffice.billing.services.ledger import post_charges, reverse_charges
from medoffice.core.audit import record_event
from medoffice.core.inputs import one_line
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Coverage
from medoffice.patients.selectors import primary_coverage

S = ClaimStatus
# What each status may become. VOIDED is the end of a claim that was cancelled (an unsent
# claim corrected, or a claim the payer took and a void claim cancels).
ALLOWED: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SCRUBBED, S.READY, S.VOIDED}),
    S.SCRUBBED: frozenset({S.SCRUBBED, S.READY, S.DRAFT, S.VOIDED}),
    S.READY: frozenset({S.SUBMITTED, S.SCRUBBED, S.DRAFT, S.VOIDED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.ADJUDICATED, S.REJECTED, S.VOIDED}),
    S.REJECTED: frozenset({S.DRAFT, S.VOIDED}),
    S.ADJUDICATED: frozenset({S.ADJUDICATED, S.CLOSED, S.VOIDED}),
    S.CLOSED: frozenset({S.ADJUDICATED, S.VOIDED}),
    S.VOIDED: frozenset(),
}
# The payer holds these: a change goes through a void or a replacement claim.
AT_THE_PAYER = frozenset({S.ACCEPTED, S.ADJUDICATED, S.CLOSED})
# Never sent (or refused before the payer took it): a correction simply replaces it.
NOT_SENT = frozenset({S.DRAFT, S.SCRUBBED, S.READY, S.REJECTED})
CONTROL_PREFIX = "C"
CONTROL_KIND = "claim"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: ValidationError(message, code=code)})


def reserve_control_numbers(count: int) -> list[str]:
    """``count`` new claim numbers (CLM01): ``C000000123``, unique, at most 20 characters."""
    with transaction.atomic():
        row, _ = ControlNumber.objects.select_for_update().get_or_create(kind=CONTROL_KIND)
        first = row.last + 1
        row.last += count
        row.save(update_fields=["last"])
    return [f"{CONTROL_PREFIX}{n:09d}" for n in range(first, first + count)]


def covering(encounter: Encounter) -> Coverage | None:
    """The primary coverage in force on the date of service, or None (self-pay)."""
    return primary_coverage(
        Coverage.objects.filter(patient_id=encounter.patient_id, is_active=True),
        encounter.date_of_service,
    )


def _copy_lines(claim: Claim, source: Iterable[object], on: dt.date) -> list[ClaimLine]:
    return [
        ClaimLine(
            claim=claim,
            line_number=line.line_number,  # type: ignore[attr-defined]
            procedure_code=line.procedure_code,  # type: ignore[attr-defined]
            modifiers=line.modifiers,  # type: ignore[attr-defined]
            units=line.units,  # type: ignore[attr-defined]
            charge=line.charge,  # type: ignore[attr-defined]
            diagnosis_pointers=line.diagnosis_pointers,  # type: ignore[attr-defined]
            description=line.description,  # type: ignore[attr-defined]
            ndc=line.ndc,  # type: ignore[attr-defined]
            ndc_quantity=line.ndc_quantity,  # type: ignore[attr-defined]
            ndc_unit=line.ndc_unit,  # type: ignore[attr-defined]
            service_from=getattr(line, "service_from", on),
            service_to=line.service_to,  # type: ignore[attr-defined]
            emergency=line.emergency,  # type: ignore[attr-defined]
            epsdt=line.epsdt,  # type: ignore[attr-defined]
            family_planning=line.family_planning,  # type: ignore[attr-defined]
            purchased_charge=line.purchased_charge,  # type: ignore[attr-defined]
        )
        for line in source
    ]


def _record(claim: Claim, from_status: str, actor: Actor, note: str, at: dt.datetime) -> None:
    ClaimTransition.objects.create(
        claim=claim,
        from_status=from_status,
        to_status=claim.status,
        by=actor_user(actor),
        at=at,
        note=note[:2000],
    )


def replacement_target(encounter: Encounter) -> Claim | None:
    """The claim a re-reviewed correction replaces: the primary payer's (a secondary claim
    follows it), the payer holds it, nothing voided or replaced it yet."""
    return (
        Claim.objects.filter(
            encounter=encounter, status__in=AT_THE_PAYER, prior_payer_claim__isnull=True
        )
        .exclude(frequency=ClaimFrequency.VOID)
        .exclude(corrections__status__in=set(S.values) - {S.VOIDED})
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def create_claims(*, encounter: Encounter, actor: Actor) -> list[Claim]:
    """The encounter's claim for its responsible payer; the encounter becomes CLAIMED."""
    encounter = Encounter.objects.select_for_update().get(pk=encounter.pk)
    if encounter.status != EncounterStatus.READY:
        raise _refuse(
            f"Only reviewed charges become claims (these are “{encounter.get_status_display()}”).",
            Code.NOT_WAITING_FOR_REVIEW,
        )
    lines = list(encounter.lines.all())
    diagnoses = [d.code for d in encounter.diagnoses.all()]
    if not lines or not diagnoses:
        raise _refuse("The charges have no lines or no diagnoses.", Code.NOTHING_TO_REVIEW)
    now = timezone.now()
    original = replacement_target(encounter) if encounter.revision > 1 else None
    if original is not None:
        coverage = original.coverage
        payer_id, responsibility = original.payer_id, original.responsibility
    else:
        coverage = covering(encounter)
        payer_id = coverage.payer_id if coverage else None
        responsibility = Responsibility.PRIMARY if coverage else Responsibility.PATIENT
    claim = Claim.objects.create(
        encounter=encounter,
        patient_id=encounter.patient_id,
        payer_id=payer_id,
        coverage=coverage,
        responsibility=responsibility,
        control_number=reserve_control_numbers(1)[0],
        frequency=ClaimFrequency.REPLACEMENT if original else ClaimFrequency.ORIGINAL,
        replaces=original,
        status=S.DRAFT,
        date_of_service=encounter.date_of_service,
        total_charge=sum((line.charge for line in lines), Decimal("0.00")),
        diagnoses=",".join(diagnoses),
        place_of_service=encounter.place_of_service,
        created_at=now,
        created_by=actor_user(actor),
    )
    ClaimLine.objects.bulk_create(_copy_lines(claim, lines, encounter.date_of_service))
    _record(
        claim,
        "",
        actor,
        f"replaces {original.control_number}" if original else "created from reviewed charges",
        now,
    )
    encounter.status = EncounterStatus.CLAIMED
    encounter.save(update_fields=["status", "updated_at"])
    post_charges(encounter=encounter, claim=claim, actor=actor)
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=claim,
        patient_id=claim.patient_id,
        data_category="claims",
        detail=f"claim {claim.control_number} ({claim.get_frequency_display()})",
    )
    return [claim]


@transaction.atomic
def transition(*, claim: Claim, to: str, actor: Actor, note: str = "") -> Claim:
    """Move the claim to ``to``, refusing a move its status does not allow."""
    require(actor, Permission.CHANGE_CLAIM, "Your role does not change claims.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if to not in S.values:
        raise _refuse(f"“{to}” is not a claim status.", Code.STATUS_UNKNOWN)
    if to not in ALLOWED[claim.status]:
        raise _refuse(
            f"Claim {claim.control_number} is “{claim.get_status_display()}”; it cannot become "
            f"“{S(to).label}”.",
            Code.TRANSITION_NOT_ALLOWED,
        )
    now = timezone.now()
    before = claim.status
    claim.status = to
    fields = ["status"]
    if to in {S.SCRUBBED, S.READY}:
        claim.scrubbed_at = now
        fields.append("scrubbed_at")
    if to == S.SUBMITTED:
        claim.submitted_at = now
        claim.first_submitted_at = claim.first_submitted_at or now
        fields += ["submitted_at", "first_submitted_at"]
    claim.save(update_fields=fields)
    _record(claim, before, actor, note or "", now)
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=claim,
        patient_id=claim.patient_id,
        data_category="claims",
        detail=f"claim {claim.control_number}: {before} → {to}",
    )
    return claim


def mark_scrubbed(*, claim: Claim, actor: Actor, has_errors: bool, note: str = "") -> Claim:
    """After the scrubber: SCRUBBED when it found errors, else READY."""
    return transition(claim=claim, to=S.SCRUBBED if has_errors else S.READY, actor=actor, note=note)


@transaction.atomic
def mark_submitted(
    *, claims: Iterable[Claim], batch: ClaimBatch | None, actor: Actor, note: str = ""
) -> list[Claim]:
    """The claims went out in ``batch``: each READY claim becomes SUBMITTED (all or none)."""
    done = []
    for claim in claims:
        claim = transition(
            claim=claim, to=S.SUBMITTED, actor=actor, note=note or (f"in {batch}" if batch else "")
        )
        if batch is not None:
            claim.batch = batch
            claim.save(update_fields=["batch"])
        done.append(claim)
    return done


@transaction.atomic
def mark_accepted(
    *, claim: Claim, actor: Actor, payer_claim_number: str = "", note: str = ""
) -> Claim:
    """The payer (or clearinghouse) accepted the claim; keep its number for the claim."""
    claim = transition(claim=claim, to=S.ACCEPTED, actor=actor, note=note)
    if payer_claim_number:
        claim.payer_claim_number = payer_claim_number.strip()[:50]
        claim.save(update_fields=["payer_claim_number"])
    return claim


@transaction.atomic
def mark_rejected(*, claim: Claim, actor: Actor, reason: str) -> Claim:
    """The claim was rejected: the reason is kept for the biller to fix it."""
    claim = transition(claim=claim, to=S.REJECTED, actor=actor, note=reason)
    claim.rejection_reason = reason
    claim.save(update_fields=["rejection_reason"])
    return claim


@transaction.atomic
def mark_adjudicated(
    *, claim: Claim, actor: Actor, payer_claim_number: str = "", note: str = ""
) -> Claim:
    """An 835 paid or denied the claim."""
    claim = transition(claim=claim, to=S.ADJUDICATED, actor=actor, note=note)
    if payer_claim_number and not claim.payer_claim_number:
        claim.payer_claim_number = payer_claim_number.strip()[:50]
        claim.save(update_fields=["payer_claim_number"])
    return claim


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError("Say why the claim is voided.", code=Code.REASON_REQUIRED)}
        )
    if len(reason) > 200 or any(ord(c) < 32 for c in reason):
        raise ValidationError(
            {
                "reason": ValidationError(
                    "The reason can be at most 200 characters on one line.",
                    code=Code.REASON_TOO_LONG,
                )
            }
        )
    return reason


@transaction.atomic
def void_claim(*, claim: Claim, actor: Actor, reason: str) -> Claim:
    """Cancel a claim the payer holds: a frequency-8 claim naming its payer claim number.

    The original becomes VOIDED; the void claim starts as a draft and goes out like any
    claim. Returns the void claim.
    """
    require(actor, Permission.CHANGE_CLAIM, "Your role does not void claims.")
    reason = _clean_reason(reason)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == S.VOIDED or claim.frequency == ClaimFrequency.VOID:
        raise _refuse(f"Claim {claim.control_number} is already voided.", Code.ALREADY_VOIDED)
    if claim.status not in AT_THE_PAYER:
        raise _refuse(
            f"Claim {claim.control_number} is “{claim.get_status_display()}”: the payer does not "
            "hold it, so there is nothing to void with them. Correct it instead.",
            Code.TRANSITION_NOT_ALLOWED,
        )
    if not claim.payer_claim_number:
        raise _refuse(
            f"Claim {claim.control_number} has no payer claim number yet: a void must name the "
            "payer's number for the claim. Wait for the payer's acknowledgement or remittance.",
            Code.NO_PAYER_CLAIM_NUMBER,
        )
    now = timezone.now()
    void = Claim.objects.create(
        encounter_id=claim.encounter_id,
        patient_id=claim.patient_id,
        payer_id=claim.payer_id,
        coverage_id=claim.coverage_id,
        responsibility=claim.responsibility,
        control_number=reserve_control_numbers(1)[0],
        frequency=ClaimFrequency.VOID,
        replaces=claim,
        status=S.DRAFT,
        date_of_service=claim.date_of_service,
        total_charge=claim.total_charge,
        diagnoses=claim.diagnoses,
        place_of_service=claim.place_of_service,
        created_at=now,
        created_by=actor_user(actor),
    )
    ClaimLine.objects.bulk_create(_copy_lines(void, claim.lines.all(), claim.date_of_service))
    _record(void, "", actor, f"voids {claim.control_number}: {reason}", now)
    transition(
        claim=claim, to=S.VOIDED, actor=actor, note=f"void claim {void.control_number}: {reason}"
    )
    reverse_charges(encounter=claim.encounter, claim=claim, actor=actor)
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=void,
        patient_id=void.patient_id,
        data_category="claims",
        detail=f"void claim {void.control_number} of {claim.control_number}",
    )
    return void


@transaction.atomic
def correct_claim(*, claim: Claim, actor: Actor, note: str = "") -> Encounter:
    """Reopen the claim's charges for editing (revision + 1).

    The claim's own lines stay as they were. When the payer holds the claim its re-review
    makes a frequency-7 replacement (the payer's claim number is needed for it); a claim
    never sent, or rejected, is voided here and the re-review makes a new original.
    """
    require(actor, Permission.CHANGE_CLAIM, "Your role does not correct claims.")
    note = one_line(note)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    encounter = Encounter.objects.select_for_update().get(pk=claim.encounter_id)
    if claim.frequency == ClaimFrequency.VOID or claim.status == S.VOIDED:
        raise _refuse(
            f"Claim {claim.control_number} is a void or voided: it cannot be corrected.",
            Code.CLAIM_NOT_CORRECTABLE,
        )
    if claim.status == S.SUBMITTED:
        raise _refuse(
            f"Claim {claim.control_number} is on its way to the payer: wait for the "
            "acknowledgement, then correct it.",
            Code.CLAIM_IN_FLIGHT,
        )
    if encounter.status != EncounterStatus.CLAIMED:
        raise _refuse(
            "The charges of this visit are already reopened for a correction.",
            Code.CORRECTION_PENDING,
        )
    if claim.status in AT_THE_PAYER and not claim.payer_claim_number:
        raise _refuse(
            f"Claim {claim.control_number} has no payer claim number yet: a replacement must "
            "name the payer's number for the claim.",
            Code.NO_PAYER_CLAIM_NUMBER,
        )
    if claim.status in NOT_SENT:
        transition(
            claim=claim,
            to=S.VOIDED,
            actor=actor,
            note=f"corrected before the payer took it{': ' + note if note else ''}",
        )
    encounter.status = EncounterStatus.DRAFT
    encounter.revision += 1
    encounter.note = note[:2000] or f"Correction of claim {claim.control_number}"
    encounter.reviewed_at = None
    encounter.reviewed_by = None
    encounter.save()
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=encounter,
        patient_id=encounter.patient_id,
        data_category="charges",
        detail=f"reopened as revision {encounter.revision} to correct {claim.control_number}",
    )
    return encounter
