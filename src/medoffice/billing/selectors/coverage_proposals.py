"""Reads of the corrected insured payers sent (835 NM1*74): the biller's queue and one
correction, with the patient's coverage as MedOffice has it beside the payer's version.
Limited to the user's locations (a correction of a claim MedOffice never sent has no
location: only users of every location see it); each list and opening shown is audited
with its patients."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from medoffice.billing.models import CoverageUpdateProposal, EraFile, ProposalStatus
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor

MAX_SHOWN = 200


def proposals(
    user: Actor, *, status: str = ProposalStatus.PROPOSED
) -> QuerySet[CoverageUpdateProposal]:
    """The corrections of ``status`` ("" for every one) the user may see, oldest first."""
    rows = (
        CoverageUpdateProposal.objects.restrict(user, "view")
        .select_related(
            "coverage__payer",
            "coverage__patient",
            "claim_payment__claim",
            "claim_payment__payment__era_file",
            "decided_by",
        )
        .order_by("pk")
    )
    return rows.filter(status=status) if status else rows


def _patients(rows: list[CoverageUpdateProposal]) -> list[int | None]:
    return [p.coverage.patient_id for p in rows if p.coverage is not None]


def proposal_queue(
    user: Actor, *, status: str = ProposalStatus.PROPOSED
) -> tuple[list[CoverageUpdateProposal], int]:
    """(the first ``MAX_SHOWN`` corrections shown, how many there are); audited."""
    qs = proposals(user, status=status)
    total = qs.count()
    shown = list(qs[:MAX_SHOWN])
    if shown:
        record_event(
            AuditAction.READ,
            user=user,
            object_type="billing.coverageupdateproposal",
            patient_ids=_patients(shown),
            data_category="insurance",
            detail=f"corrected insured queue ({status or 'all'}): {len(shown)} of {total}",
        )
    return shown, total


def get_proposal(user: Actor, pk: int) -> CoverageUpdateProposal:
    """One correction of the user's locations (404 otherwise); the opening is audited."""
    found = proposals(user, status="").filter(pk=pk).first()
    if found is None:
        raise Http404("No such correction.")
    record_event(
        AuditAction.READ,
        user=user,
        obj=found,
        patient_id=found.coverage.patient_id if found.coverage else None,
        data_category="insurance",
        detail=f"corrected insured {found.pk}",
    )
    return found


def open_count(user: Actor) -> int:
    """How many corrections the user may see wait for a decision (no patient shown)."""
    return proposals(user).count()


def counts_of_file(user: Actor, era_file: EraFile) -> dict[str, int]:
    """Per status, the corrections of one file the user may see (no patient shown)."""
    counts = {status.value: 0 for status in ProposalStatus}
    for row in (
        CoverageUpdateProposal.objects.restrict(user, "view")
        .filter(claim_payment__payment__era_file=era_file)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["status"]] = row["n"]
    return counts
