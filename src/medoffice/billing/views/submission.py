"""Claims out of the door: scrub, override a warning, submit the ready claims as 837P
batches, download a batch's file, import acknowledgements, and the rejection queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.filters.batches import AcknowledgementFilter, BatchFilter
from medoffice.billing.filters.claims import RejectedClaimFilter
from medoffice.billing.models import Acknowledgement, Claim, ClaimBatch
from medoffice.billing.selectors import claims as claim_selectors
from medoffice.billing.selectors import submission as selectors
from medoffice.billing.services import acks, batches, rework, scrub
from medoffice.billing.views.claims import ClaimList
from medoffice.core.audit import record_event
from medoffice.core.formaction import refusal_text
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.models import AuditAction
from medoffice.core.money import format_money
from medoffice.core.roles import Permission

MAX_UPLOAD = acks.MAX_FILE


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def scrub_claim(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = claim_selectors.get_claim(request.user, pk, audit=False)
    outcomes = scrub.scrub_claims(actor=request.user, claims=Claim.objects.filter(pk=claim.pk))
    if not outcomes:
        messages.error(
            request,
            f"Claim {claim.control_number} is “{claim.get_status_display()}”: only draft, "
            "scrubbed and ready claims are scrubbed.",
        )
    else:
        found = outcomes[0]
        if not found.findings:
            messages.success(request, f"Claim {claim.control_number} is clean and ready to submit.")
        else:
            messages.warning(
                request,
                f"Claim {claim.control_number}: {found.errors} error(s) and {found.warnings} "
                "warning(s). Fix the errors; a warning may be overridden with a reason.",
            )
    return redirect("billing_office:claim", pk=claim.pk)


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def send_again(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A rejected claim whose cause was fixed outside its charges: back to draft, scrubbed."""
    claim = claim_selectors.get_claim(request.user, pk, audit=False)
    try:
        found = rework.send_again(
            claim=claim, actor=request.user, fixed=request.POST.get("fixed", "")
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("billing_office:claim", pk=claim.pk)
    if not found.findings:
        messages.success(
            request, f"Claim {claim.control_number} is clean and goes in the next batch."
        )
    else:
        messages.warning(
            request,
            f"Claim {claim.control_number} is back in draft: {found.errors} error(s) and "
            f"{found.warnings} warning(s) to look at before it can go.",
        )
    return redirect("billing_office:claim", pk=claim.pk)


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def scrub_all(request: AuthenticatedRequest) -> HttpResponse:
    """Scrub every draft and scrubbed claim the user can see."""
    chosen = selectors.scrubbable_drafts(request.user)
    outcomes = scrub.scrub_claims(actor=request.user, claims=chosen)
    held = sum(1 for o in outcomes if o.findings)
    messages.info(
        request,
        f"Scrubbed {len(outcomes)} claim(s): {len(outcomes) - held} clean, {held} to look at.",
    )
    return redirect(
        reverse("billing_office:claims") + "?status=scrubbed"
        if held
        else reverse("billing_office:claims")
    )


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def override(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = selectors.get_finding(request.user, pk)
    try:
        scrub.override_warning(
            finding=finding, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "The warning is overridden; the reason is kept with the claim.")
    return redirect("billing_office:claim", pk=finding.claim_id)


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def submit(request: AuthenticatedRequest) -> HttpResponse:
    """Every ready electronic claim the user can see, into one batch per destination."""
    result = batches.export_ready_claims(actor=request.user)
    if not result.batches:
        messages.info(request, "No claims are ready to submit.")
    else:
        messages.success(
            request,
            f"Submitted {result.claim_count} claim(s) in {len(result.batches)} batch(es): "
            + "; ".join(
                f"{b.batch.claim_count} to {b.destination}"
                + (
                    ""
                    if b.delivered or not b.batch.clearinghouse_id
                    else f" (not delivered: {b.delivered_to})"
                )
                for b in result.batches
            ),
        )
    for claim, why in result.refused:
        messages.error(request, f"Claim {claim.control_number} was not submitted: {why}")
    return redirect("billing_office:batches")


class BatchList(ListPage):
    model = ClaimBatch
    title = "Claim batches"
    intro = "Each 837P file sent: to whom, how many claims, and what the acknowledgements said."
    filterset_class = BatchFilter
    default_sort = "-created_at"
    data_category = "claims"
    actions_template = "billing/batches/_list_actions.html"
    columns = [
        Column(
            "interchange_control_number",
            "Batch",
            value=lambda b: f"{b.interchange_control_number:09d}",
            link=lambda b: reverse("billing_office:batch", args=[b.pk]),
        ),
        Column("created_at", "Made"),
        Column(
            "destination",
            "To",
            sortable=False,
            value=lambda b: (
                b.clearinghouse.name if b.clearinghouse else b.payer.name if b.payer else ""
            ),
        ),
        Column("claim_count", "Claims", css="text-end"),
        Column(
            "total_charge",
            "Total",
            value=lambda b: format_money(b.total_charge),
            export=lambda b: b.total_charge,
            css="text-end",
        ),
        Column("delivery_note", "Delivery", sortable=False),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_CLAIM]

    def export_permission(self) -> str:
        return Permission.VIEW_CLAIM

    def base_queryset(self) -> QuerySet:
        return selectors.batches(self.request.user)

    def extra_context(self) -> dict[str, Any]:
        ready = batches.ready_electronic(self.request.user).count()
        return {
            "ready_count": ready,
            "can_submit": self.request.user.has_perm(Permission.CHANGE_CLAIM),
        }


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def batch_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = selectors.get_batch(request.user, pk)
    visible = selectors.batch_claims(request.user, batch)
    counts = dict(visible.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return render(
        request,
        "billing/batches/detail.html",
        {
            "title": f"Batch {batch.interchange_control_number:09d}",
            "batch": batch,
            "claims": visible[:500],
            "hidden": batch.claim_count - visible.count(),
            "counts": [(ClaimStatus(s).label, n) for s, n in counts.items()],
            "acknowledgements": batch.acknowledgements.all(),
        },
    )


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def batch_file(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The 837P as sent; holds every claim's patient, so downloads are audited."""
    batch = selectors.get_batch(request.user, pk)
    if not selectors.whole_batch_visible(request.user, batch):
        raise Http404("The batch holds claims of locations you do not work at.")
    record_event(
        AuditAction.EXPORT,
        user=request.user,
        obj=batch,
        data_category="claims",
        detail=f"837P file {batch.file_name} ({batch.claim_count} claims)",
    )
    response = HttpResponse(batch.content, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{batch.file_name}"'
    return response


class AcknowledgementList(ListPage):
    model = Acknowledgement
    title = "Acknowledgements"
    intro = "999 and 277CA files from the clearinghouse and payers, and what each said."
    filterset_class = AcknowledgementFilter
    default_sort = "-received_at"
    data_category = "claims"
    actions_template = "billing/acks/_list_actions.html"
    columns = [
        Column("received_at", "Received"),
        Column("kind", "Kind", value=lambda a: a.get_kind_display()),
        Column("file_name", "File"),
        Column(
            "batch",
            "Batch",
            sortable=False,
            value=lambda a: f"{a.batch.interchange_control_number:09d}" if a.batch else "",
            link=lambda a: reverse("billing_office:batch", args=[a.batch_id]) if a.batch_id else "",
        ),
        Column("accepted", "Accepted", css="text-end"),
        Column("rejected", "Rejected", css="text-end"),
    ]

    def get_permission_required(self) -> list[str]:
        return [Permission.VIEW_CLAIM]

    def export_permission(self) -> str:
        return Permission.VIEW_CLAIM

    def base_queryset(self) -> QuerySet:
        return selectors.acknowledgements(self.request.user)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def acknowledgement_upload(request: AuthenticatedRequest) -> HttpResponse:
    report = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose a 999 or 277CA file to import."
        elif upload.size is not None and upload.size > MAX_UPLOAD:
            error = "The file is larger than 20 MB; it is not an acknowledgement."
        else:
            report = acks.import_acknowledgement(
                content=upload.read(), file_name=upload.name or "upload", actor=request.user
            )
    return render(
        request,
        "billing/acks/upload.html",
        {"title": "Import an acknowledgement", "report": report, "error": error},
        status=400 if error or (report is not None and not report.ok) else 200,
    )


class RejectionQueue(ClaimList):
    title = "Rejected claims"
    intro = (
        "Claims the clearinghouse or payer refused (999 or 277CA): each says where the problem "
        "is. Open one, fix the cause (on the patient's record and insurance, or by correcting "
        "the charges) and send it again."
    )
    default_sort = "date_of_service"
    filterset_class = RejectedClaimFilter
    actions_template = None  # type: ignore[assignment]  # the queue has no list actions
    columns = [*ClaimList.columns[:5], Column("rejection_reason", "Why", sortable=False)]

    def base_queryset(self) -> QuerySet:
        return selectors.rejected_claims(self.request.user)
