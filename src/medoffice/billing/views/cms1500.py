"""A claim's CMS-1500 paper form as a PDF: ``/billing/claims/<pk>/cms1500.pdf?form=plain|printed``.

``form=plain`` (the default) draws the form on plain paper; ``form=printed`` prints only the
data, for the red pre-printed form in the printer's tray. The claim is read as the plain
``x12.claims.Claim`` the 837P is written from (``billing.claimdata.claim_for_x12``), so the
paper and the electronic claim say the same. Printing is recorded in the audit log.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from medoffice.billing import cms1500
from medoffice.billing.models import Claim
from medoffice.core.audit import record_event
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.models import AuditAction
from medoffice.core.roles import Permission

FORMS = {"plain": False, "printed": True}  # ?form= → printed_form


def _claim_for_x12() -> Callable[[Claim], Any]:
    """``billing.claimdata.claim_for_x12``, imported when first needed."""
    function: Callable[[Claim], Any] = importlib.import_module(
        "medoffice.billing.claimdata"
    ).claim_for_x12
    return function


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_safe
@permission_required(Permission.VIEW_CLAIM, raise_exception=True)
def claim_cms1500_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = request.GET.get("form", "plain")
    if form not in FORMS:
        return _text(f"form must be one of: {', '.join(FORMS)} (got {form!r})", 400)
    claim = get_object_or_404(
        Claim.objects.restrict(request.user, "view").select_related("encounter", "patient"),
        pk=pk,
    )
    try:
        claim_for_x12 = _claim_for_x12()
    except ImportError:
        return _text("Paper claims need billing.claimdata, which this install lacks.", 503)
    try:
        pdf = cms1500.render_cms1500([claim_for_x12(claim)], printed_form=FORMS[form])
    except cms1500.Cms1500Error as exc:
        return _text(f"Claim {claim.control_number} cannot be printed: {exc}", 422)
    record_event(
        AuditAction.PRINT,
        user=request.user,
        obj=claim,
        patient_id=claim.patient_id,
        data_category="claim",
        detail=f"claim {claim.control_number} CMS-1500 PDF ({form})",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cms1500-{claim.control_number}.pdf"'
    return response
