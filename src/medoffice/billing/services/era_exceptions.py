"""The remittance exceptions queue: resolve an exception, or match an unmatched claim payment by hand."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import (
    Claim,
    EraClaimPayment,
    EraException,
    EraExceptionKind,
)
from medoffice.billing.services.era_data import from_data
from medoffice.billing.services.era_poster import REVERSAL, ClaimRow, EraImportResult, Poster
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission


def _refuse(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


@transaction.atomic
def resolve_exception(*, exception: EraException, actor: Actor, note: str) -> EraException:
    """Close an exception with what was done about it (by hand, outside the posting)."""
    require(actor, Permission.POST_LEDGER, "Your role does not work remittance exceptions.")
    note = (note or "").strip()
    if not note or len(note) > 200:
        raise _refuse(
            "note", "Say in at most 200 characters what was done about it.", Code.ERA_NOTE_REQUIRED
        )
    exception = EraException.objects.select_for_update().get(pk=exception.pk)
    if exception.resolved_at is not None:
        raise _refuse("note", "This exception is already resolved.", Code.ERA_EXCEPTION_RESOLVED)
    exception.resolved_at = timezone.now()
    exception.resolved_by = actor_user(actor)
    exception.resolution = note
    exception.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=exception,
        data_category="ledger",
        detail=f"remittance exception {exception.pk} resolved",
    )
    return exception


@transaction.atomic
def match_exception(*, exception: EraException, claim: Claim, actor: Actor) -> EraClaimPayment:
    """Post an unmatched claim payment to the claim the biller picked; resolves it."""
    require(actor, Permission.POST_LEDGER, "Your role does not work remittance exceptions.")
    exception = EraException.objects.select_for_update().get(pk=exception.pk)
    if exception.resolved_at is not None:
        raise _refuse("claim", "This exception is already resolved.", Code.ERA_EXCEPTION_RESOLVED)
    if exception.kind != EraExceptionKind.UNKNOWN_CLAIM or exception.claim_payment_id is None:
        raise _refuse(
            "claim",
            "Only a claim payment that matched no claim is matched by hand.",
            Code.ERA_EXCEPTION_NOT_MATCHABLE,
        )
    cp = EraClaimPayment.objects.select_for_update().get(pk=exception.claim_payment_id)
    if cp.posted:
        raise _refuse("claim", "This claim payment is already posted.", Code.ERA_EXCEPTION_RESOLVED)
    if not Claim.objects.restrict(actor, "view").filter(pk=claim.pk).exists():
        raise _refuse("claim", "Choose one of your claims.", Code.ERA_CLAIM_INVALID)
    if claim.payer_id is None:
        raise _refuse(
            "claim", "A self-pay claim takes no insurance payment.", Code.ERA_CLAIM_INVALID
        )
    row = (
        Claim.objects.filter(pk=claim.pk)
        .values_list(
            "pk",
            "encounter_id",
            "patient_id",
            "encounter__location_id",
            "payer_id",
            "status",
            "coverage_id",
            "payer_claim_number",
            "encounter__date_of_service",
        )
        .get()
    )
    target = ClaimRow(*row)
    era_file = exception.era_file
    result = EraImportResult(era_file=era_file)
    poster = Poster(actor, era_file, result)
    payer_ids = [target.payer_id]
    _claims, billed, mapping = poster.load(payer_ids, [claim.control_number])
    cp.claim_id = target.pk
    cp.location_id = target.location_id
    poster.post_claim(cp, from_data(cp.data), target, billed.get(target.pk, []), mapping, None)
    if cp.status_code != REVERSAL:
        poster.move_claim(target, cp.payer_claim_number, "835 matched by hand")
    poster.finish()
    cp.posted = True
    cp.posted_by_hand = True
    cp.save(update_fields=["claim", "location", "posted", "posted_by_hand", "is_denial"])
    exception.resolved_at = timezone.now()
    exception.resolved_by = actor_user(actor)
    exception.resolution = f"matched by hand to claim {claim.control_number}"
    exception.location_id = target.location_id
    exception.save(update_fields=["resolved_at", "resolved_by", "resolution", "location"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=cp,
        patient_id=target.patient_id,
        data_category="ledger",
        detail=f"remittance claim {cp.claim_identifier} matched by hand to {claim.control_number}",
    )
    return cp
