"""Reads of claims on their way out: batches (837P files), acknowledgements and the
rejection queue, scoped to what the user may see. The pages and the API read these."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.models import Acknowledgement, Claim, ClaimBatch, ClaimFinding
from medoffice.billing.selectors.claims import claims
from medoffice.core.permissions import Actor


def batches(user: Actor) -> QuerySet[ClaimBatch]:
    """The batches the user may see (whoever sees claims), with where each went."""
    return ClaimBatch.objects.restrict(user, "view").select_related(
        "clearinghouse", "payer", "created_by"
    )


def get_batch(user: Actor, pk: int) -> ClaimBatch:
    batch = batches(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch


def batch_claims(user: Actor, batch: ClaimBatch) -> QuerySet[Claim]:
    """The batch's claims the user may see (a user of some locations sees theirs only)."""
    return claims(user).filter(batch=batch).order_by("pk")


def whole_batch_visible(user: Actor, batch: ClaimBatch) -> bool:
    """Whether the user may see every claim of the batch, as its file holds them all."""
    return batch_claims(user, batch).count() == batch.claim_count


def acknowledgements(user: Actor) -> QuerySet[Acknowledgement]:
    return Acknowledgement.objects.restrict(user, "view").select_related("batch")


def rejected_claims(user: Actor) -> QuerySet[Claim]:
    """The rejection work queue: the user's claims the clearinghouse or payer refused."""
    return claims(user).filter(status=ClaimStatus.REJECTED)


def scrubbable_drafts(user: Actor) -> QuerySet[Claim]:
    """What "scrub all" scrubs: the user's draft and scrubbed claims."""
    return claims(user).filter(status__in=[ClaimStatus.DRAFT, ClaimStatus.SCRUBBED])


def get_finding(user: Actor, pk: int) -> ClaimFinding:
    """A finding of a claim the user may see."""
    finding = (
        ClaimFinding.objects.restrict(user, "view").select_related("claim").filter(pk=pk).first()
    )
    if finding is None:
        raise Http404("No such finding.")
    return finding
