"""Reads of claims, scoped to the user's locations and audited per patient."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from medoffice.billing.models import Claim, ClaimFinding, ClaimTransition
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor


def claims(user: Actor) -> QuerySet[Claim]:
    """The claims the user may see, with what lists show."""
    return Claim.objects.restrict(user, "view").select_related(
        "patient", "payer", "encounter__location", "encounter__rendering_provider"
    )


def get_claim(user: Actor, pk: int, *, audit: bool = True) -> Claim:
    """One claim with its lines, findings and history; every opening is audited."""
    claim = (
        claims(user)
        .select_related("coverage", "replaces", "batch", "created_by", "prior_payer_claim")
        .prefetch_related(
            "lines",
            Prefetch("findings", queryset=ClaimFinding.objects.select_related("overridden_by")),
            Prefetch("transitions", queryset=ClaimTransition.objects.select_related("by")),
        )
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404("No such claim.")
    if audit:
        record_event(
            AuditAction.READ,
            user=user,
            obj=claim,
            patient_id=claim.patient_id,
            data_category="claims",
            detail=f"claim {claim.control_number}",
        )
    return claim


def corrections_chain(claim: Claim) -> list[Claim]:
    """The claim, the claim it corrects and the claims correcting it, oldest first."""
    root = claim
    seen = {root.pk}
    while root.replaces_id is not None and root.replaces_id not in seen:
        root = Claim.objects.get(pk=root.replaces_id)
        seen.add(root.pk)
    chain = [root]
    seen = {root.pk}
    frontier = [root.pk]
    while frontier:
        found = list(
            Claim.objects.filter(replaces_id__in=frontier).exclude(pk__in=seen).order_by("pk")
        )
        seen |= {c.pk for c in found}
        chain += found
        frontier = [c.pk for c in found]
    return chain
