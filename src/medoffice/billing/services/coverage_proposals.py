"""The corrected insured a payer sent (835 NM1*74), decided by the biller: confirmed, it is
applied to the patient's coverage through the patients app's coverage service (checked and
audited there); dismissed, it keeps the reason. Either way the decision is audited, once:
a proposal decided already is refused. Confirming does not send the claim again: the
biller sends a corrected claim when the payer asks for one.

The subscriber's name is applied when the coverage's subscriber is someone else than the
patient; when the patient is the subscriber, a name the payer spells otherwise is the
patient's record to change (the page says so), and only the member ID is applied.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import CoverageUpdateProposal, ProposalStatus
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.choices import Relationship
from medoffice.patients.services.coverage import correct_insured

MAX_REASON = 200


def _locked(proposal: CoverageUpdateProposal, actor: Actor) -> CoverageUpdateProposal:
    found = (
        CoverageUpdateProposal.objects.restrict(actor, "change")
        .select_for_update()
        .filter(pk=proposal.pk)
        .first()
    )
    if found is None:  # another location's patient: as if it did not exist
        raise ValidationError(
            "There is no such correction at your locations.",
            code=Code.COVERAGE_PROPOSAL_DECIDED,
        )
    if found.status != ProposalStatus.PROPOSED:
        raise ValidationError(
            f"This correction was {found.get_status_display().lower()} already.",
            code=Code.COVERAGE_PROPOSAL_DECIDED,
        )
    return found


def subscriber_is_patient(proposal: CoverageUpdateProposal) -> bool:
    coverage = proposal.coverage
    return coverage is None or coverage.relationship == Relationship.SELF


@transaction.atomic
def confirm_proposal(*, proposal: CoverageUpdateProposal, actor: Actor) -> CoverageUpdateProposal:
    """Apply the payer's correction to the coverage and mark the proposal confirmed."""
    require(actor, Permission.POST_LEDGER, "Your role does not work remittances.")
    proposal = _locked(proposal, actor)
    coverage = proposal.coverage
    if coverage is None:
        raise ValidationError(
            "The claim named no coverage: change the patient's coverage by hand, then "
            "dismiss this correction.",
            code=Code.COVERAGE_PROPOSAL_NO_COVERAGE,
        )
    names = {}
    if not subscriber_is_patient(proposal):
        names = {
            "subscriber_first_name": proposal.first_name,
            "subscriber_last_name": proposal.last_name,
        }
    cp = proposal.claim_payment
    correct_insured(
        actor=actor,
        coverage=coverage,
        member_id=proposal.member_id,
        source=f"835 claim {cp.claim_identifier}, correction {proposal.pk}",
        **names,
    )
    proposal.status = ProposalStatus.CONFIRMED
    proposal.decided_by = actor_user(actor)
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=proposal,
        patient_id=coverage.patient_id,
        data_category="insurance",
        detail=f"corrected insured confirmed: member ID {proposal.member_id}"[:300],
    )
    return proposal


@transaction.atomic
def dismiss_proposal(
    *, proposal: CoverageUpdateProposal, reason: str, actor: Actor
) -> CoverageUpdateProposal:
    """Leave the coverage as it is; the reason is kept."""
    require(actor, Permission.POST_LEDGER, "Your role does not work remittances.")
    text = " ".join(str(reason or "").replace("\x00", "").split())
    if not text:
        raise ValidationError(
            {
                "reason": ValidationError(
                    "Say why the payer's correction is dismissed.",
                    code=Code.COVERAGE_PROPOSAL_REASON_REQUIRED,
                )
            }
        )
    if len(text) > MAX_REASON:
        raise ValidationError(
            {
                "reason": ValidationError(
                    f"The reason can be at most {MAX_REASON} characters.",
                    code=Code.COVERAGE_PROPOSAL_REASON_REQUIRED,
                )
            }
        )
    proposal = _locked(proposal, actor)
    proposal.status = ProposalStatus.DISMISSED
    proposal.dismiss_reason = text
    proposal.decided_by = actor_user(actor)
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "dismiss_reason", "decided_by", "decided_at"])
    record_event(
        AuditAction.UPDATE,
        user=actor,
        obj=proposal,
        patient_id=proposal.coverage.patient_id if proposal.coverage else None,
        data_category="insurance",
        detail=f"corrected insured dismissed: {text}"[:300],
    )
    return proposal
