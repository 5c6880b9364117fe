"""Claims pages: the list, a claim's detail, and its void and correction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from medoffice.billing import icd10
from medoffice.billing.choices import ClaimFrequency, ClaimStatus, Responsibility
from medoffice.billing.filters.claims import ClaimFilter
from medoffice.billing.forms.followup import NoteForm
from medoffice.billing.models import Claim, PayerAdjudication, ProcedureCode
from medoffice.billing.selectors import claims as selectors
from medoffice.billing.selectors import followup
from medoffice.billing.services import claims as services
from medoffice.billing.services import cob
from medoffice.billing.services.encounters import pointer_letter
from medoffice.core.formaction import refusal_text
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.listing import Column, ListPage
from medoffice.core.money import format_money
from medoffice.core.roles import Permission


class ClaimList(ListPage):
    model = Claim
    title = "Claims"
    intro = "Claims of the locations you work at. Open one for its lines, findings and history."
    filterset_class = ClaimFilter
    default_sort = "-date_of_service"
    data_category = "claims"
    patient_field = "patient_id"
    actions_template = "billing/claims/_list_actions.html"
    columns = [
        Column(
            "control_number", "Claim", link=lambda c: reverse("billing_office:claim", args=[c.pk])
        ),
        Column("date_of_service", "Date of service"),
        Column(
            "patient",
            "Patient",
            order_by="patient__last_name",
            value=lambda c: f"{c.patient.last_name}, {c.patient.first_name}",
        ),
        Column(
            "payer",
            "Payer",
            order_by="payer__name",
            value=lambda c: c.payer.name if c.payer else "Patient (self-pay)",
        ),
        Column(
            "provider",
            "Provider",
            order_by="encounter__rendering_provider__last_name",
            value=lambda c: str(c.encounter.rendering_provider),
        ),
        Column(
            "location",
            "Location",
            order_by="encounter__location__code",
            value=lambda c: c.encounter.location.code,
        ),
        Column("frequency", "Kind", value=lambda c: c.get_frequency_display()),
        Column("status", "Status", value=lambda c: c.get_status_display()),
        Column(
            "total_charge",
            "Charge",
            value=lambda c: format_money(c.total_charge),
            export=lambda c: c.total_charge,
            css="text-end",
        ),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.claims(self.request.user)


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def claim_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return render_claim(request, selectors.get_claim(request.user, pk))


def render_claim(
    request: AuthenticatedRequest, claim: Claim, note_form: Any = None, *, status: int = 200
) -> HttpResponse:
    """The claim page (with ``note_form`` bound and its errors when a note was refused)."""
    codes = {line.procedure_code for line in claim.lines.all()}
    names = dict(
        ProcedureCode.objects.filter(code__in=codes).values_list("code", "short_description")
    )
    lines = [
        {
            "line": line,
            "description": names.get(line.procedure_code, ""),
            "pointers": "".join(pointer_letter(p) for p in line.pointer_list if 1 <= p <= 12),
        }
        for line in claim.lines.all()
    ]
    diagnoses = [
        {
            "letter": pointer_letter(i),
            "code": icd10.display(code),
            "description": icd10.describe(code),
        }
        for i, code in enumerate(claim.diagnosis_list, start=1)
    ]
    can_change = request.user.has_perm(Permission.CHANGE_CLAIM)
    next_payer = ""
    if can_change and claim.status in cob.BILLABLE_AFTER and not cob.next_payer_refusal(claim):
        next_payer = "secondary" if claim.responsibility == Responsibility.PRIMARY else "tertiary"
    adjudication = None
    if claim.status in {ClaimStatus.ADJUDICATED, ClaimStatus.CLOSED}:
        adjudication = PayerAdjudication.objects.filter(claim=claim).first()
    return render(
        request,
        "billing/claims/detail.html",
        {
            "title": f"Claim {claim.control_number}",
            "claim": claim,
            "lines": lines,
            "diagnoses": diagnoses,
            "chain": selectors.corrections_chain(claim),
            "can_void": can_change
            and claim.status in services.AT_THE_PAYER
            and claim.frequency != ClaimFrequency.VOID,
            "can_correct": can_change
            and claim.frequency != ClaimFrequency.VOID
            and claim.status not in {ClaimStatus.VOIDED, ClaimStatus.SUBMITTED},
            "encounter": claim.encounter,
            "next_payer": next_payer,
            "adjudication": adjudication,
            "next_payer_claims": list(claim.next_payer_claims.all()) if adjudication else [],
            "can_scrub": can_change
            and claim.status in {ClaimStatus.DRAFT, ClaimStatus.SCRUBBED, ClaimStatus.READY},
            "can_send_again": can_change and claim.status == ClaimStatus.REJECTED,
            "inquiries": list(followup.inquiries(request.user, claim)),
            "notes": list(followup.notes(request.user, claim)),
            "note_form": note_form or (NoteForm(claim=claim) if can_change else None),
            "can_note": can_change,
        },
        status=status,
    )


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def void(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = selectors.get_claim(request.user, pk, audit=False)
    try:
        made = services.void_claim(
            claim=claim, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("billing_office:claim", pk=claim.pk)
    messages.success(request, f"Void claim {made.control_number} made for {claim.control_number}.")
    return redirect("billing_office:claim", pk=made.pk)


@require_POST
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = selectors.get_claim(request.user, pk, audit=False)
    try:
        encounter = services.correct_claim(
            claim=claim, actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("billing_office:claim", pk=claim.pk)
    messages.success(
        request, f"The charges are open for correction (revision {encounter.revision})."
    )
    return redirect("billing_office:visit-charges", appointment_id=encounter.appointment_id)
