"""The corrected insured payers sent (835 NM1*74): the biller's queue, and one correction
beside the patient's coverage, confirmed (applied to the coverage) or dismissed with a
reason. A user limited to some locations sees their locations' patients only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from medoffice.billing.forms.era import DismissProposalForm
from medoffice.billing.models import ProposalStatus
from medoffice.billing.selectors import coverage_proposals as selectors
from medoffice.billing.services import coverage_proposals as services
from medoffice.core.formaction import errors_onto_form, refusal_text
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.roles import Permission

STATUSES = {"proposed": ProposalStatus.PROPOSED, "decided": "", "all": ""}


@require_safe
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def proposal_list(request: AuthenticatedRequest) -> HttpResponse:
    shown_all = request.GET.get("status") == "all"
    rows, total = selectors.proposal_queue(
        request.user, status="" if shown_all else ProposalStatus.PROPOSED
    )
    return render(
        request,
        "billing/era/proposals.html",
        {
            "title": "Corrected insured to confirm",
            "rows": rows,
            "total": total,
            "shown_all": shown_all,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.VIEW_LEDGER, raise_exception=True)
def proposal_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal(request.user, pk)
    form = DismissProposalForm()
    status = 200
    if request.method == "POST":
        if not request.user.has_perm(Permission.POST_LEDGER):
            return HttpResponse("Your role does not work remittances.", status=403)
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                services.confirm_proposal(proposal=proposal, actor=request.user)
                messages.success(
                    request,
                    "The coverage now has the payer's correction. The claim is not sent "
                    "again by itself: send a corrected claim if the payer asks for one.",
                )
                return redirect("billing_office:era-proposals")
            form = DismissProposalForm(request.POST)
            if action != "dismiss":
                form.add_error(None, "Confirm or dismiss the correction.")
            elif form.is_valid():
                services.dismiss_proposal(
                    proposal=proposal, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, "The correction is dismissed; the coverage is as it was.")
                return redirect("billing_office:era-proposals")
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                errors_onto_form(form, refused)
            else:
                messages.error(request, refusal_text(refused))
                form.add_error(None, refusal_text(refused))
        status = 400
    return render(
        request,
        "billing/era/proposal.html",
        {
            "title": "Corrected insured",
            "p": proposal,
            "form": form,
            "subscriber_is_patient": services.subscriber_is_patient(proposal),
        },
        status=status,
    )
