"""Reads of imported remittances: the ERA files, one file's payments and claims, and the
exceptions queue, scoped to what the user may see (claim payments and exceptions by the
user's locations; those of claims MedOffice never sent only for users of every location).
Each opening of a file or an exception is audited with the patients it shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404

from medoffice.billing.models import (
    CoverageUpdateProposal,
    EraClaimPayment,
    EraException,
    EraFile,
    EraPayment,
    EraProviderAdjustment,
)
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import Actor


def era_files(user: Actor) -> QuerySet[EraFile]:
    return EraFile.objects.restrict(user, "view").select_related("uploaded_by")


def claim_payments(user: Actor) -> QuerySet[EraClaimPayment]:
    return EraClaimPayment.objects.restrict(user, "view").select_related(
        "claim", "payment", "payment__era_file"
    )


def exceptions(user: Actor, *, open_only: bool = True) -> QuerySet[EraException]:
    rows = EraException.objects.restrict(user, "view").select_related(
        "claim_payment", "era_file", "resolved_by"
    )
    return rows.filter(resolved_at__isnull=True) if open_only else rows


@dataclass
class EraFileView:
    era_file: EraFile
    payments: list[EraPayment]
    provider_adjustments: list[EraProviderAdjustment]
    claims: list[EraClaimPayment]
    exceptions: list[EraException]
    proposals: list[CoverageUpdateProposal]
    hidden: int  # claim payments of locations the user does not work at


def _patients(rows: list[EraClaimPayment]) -> list[int | None]:
    return [cp.claim.patient_id for cp in rows if cp.claim is not None]


def get_era_file(user: Actor, pk: int) -> EraFileView:
    """One file with what the user may see of it; the opening is audited."""
    era_file = era_files(user).filter(pk=pk).first()
    if era_file is None:
        raise Http404("No such ERA file.")
    payments = list(EraPayment.objects.filter(era_file=era_file).select_related("payer"))
    shown = list(claim_payments(user).filter(payment__era_file=era_file).order_by("pk"))
    total = EraClaimPayment.objects.filter(payment__era_file=era_file).count()
    record_event(
        AuditAction.READ,
        user=user,
        obj=era_file,
        patient_ids=_patients(shown),
        data_category="ledger",
        detail=f"ERA file {era_file.file_name[:80]}",
    )
    return EraFileView(
        era_file=era_file,
        payments=payments,
        provider_adjustments=list(
            EraProviderAdjustment.objects.filter(payment__era_file=era_file).select_related(
                "payment"
            )
        ),
        claims=shown,
        exceptions=list(exceptions(user, open_only=False).filter(era_file=era_file)),
        proposals=list(
            CoverageUpdateProposal.objects.restrict(user, "view").filter(
                claim_payment__payment__era_file=era_file
            )
        ),
        hidden=total - len(shown),
    )


def get_exception(user: Actor, pk: int) -> EraException:
    exception = exceptions(user, open_only=False).filter(pk=pk).first()
    if exception is None:
        raise Http404("No such exception.")
    cp = exception.claim_payment
    record_event(
        AuditAction.READ,
        user=user,
        obj=exception,
        patient_id=cp.claim.patient_id if cp is not None and cp.claim is not None else None,
        data_category="ledger",
        detail=f"remittance exception {exception.pk}",
    )
    return exception


def auto_posting_rate() -> tuple[Decimal, Decimal]:
    """(paid dollars posted by the import with no exception on their claim, all paid dollars)
    over every remittance imported (reversals left out): the auto-posting rate's parts."""
    rows = EraClaimPayment.objects.filter(is_reversal=False)
    total = rows.aggregate(total=Sum("paid"))["total"] or Decimal(0)
    auto = rows.filter(posted=True, posted_by_hand=False).exclude(
        exceptions__isnull=False
    ).aggregate(total=Sum("paid"))["total"] or Decimal(0)
    return auto, total
