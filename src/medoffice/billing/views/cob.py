"""Bill the next payer: the biller enters the payer's adjudication from its EOB and the
secondary (tertiary) claim is made from it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from medoffice.billing.choices import AdjustmentGroup, Responsibility
from medoffice.billing.models import Claim
from medoffice.billing.selectors import claims as selectors
from medoffice.billing.services import cob as services
from medoffice.core.http import AuthenticatedRequest
from medoffice.core.roles import Permission

ADJUSTMENT_ROWS = 3  # per line and for the claim; a biller rarely needs more


def _entries(data: QueryDict, prefix: str) -> list[services.AdjustmentEntry]:
    entries = []
    for n in range(1, ADJUSTMENT_ROWS + 1):
        group = data.get(f"{prefix}adj_{n}_group", "").strip()
        reason = data.get(f"{prefix}adj_{n}_reason", "").strip()
        amount = data.get(f"{prefix}adj_{n}_amount", "").strip()
        if group or reason or amount:
            entries.append(services.AdjustmentEntry(group, reason, amount))
    return entries


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {NON_FIELD_ERRORS: list(exc.messages)}
    return {
        field: [m for e in errors for m in e.messages] for field, errors in exc.error_dict.items()
    }


def _rows(prefix: str, data: QueryDict | None) -> list[dict[str, Any]]:
    return [
        {
            "n": n,
            "name": f"{prefix}adj_{n}",
            "group": data.get(f"{prefix}adj_{n}_group", "") if data else "",
            "reason": data.get(f"{prefix}adj_{n}_reason", "") if data else "",
            "amount": data.get(f"{prefix}adj_{n}_amount", "") if data else "",
        }
        for n in range(1, ADJUSTMENT_ROWS + 1)
    ]


def _page(
    request: AuthenticatedRequest,
    claim: Claim,
    data: QueryDict | None,
    errors: dict[str, list[str]],
    status: int = 200,
) -> HttpResponse:
    coverage = services.next_coverage(claim)
    kind = "secondary" if claim.responsibility == Responsibility.PRIMARY else "tertiary"
    lines = [
        {
            "line": line,
            "paid": data.get(f"line_{line.line_number}_paid", "") if data else "",
            "errors": errors.get(f"line_{line.line_number}_paid", [])
            + errors.get(f"line_{line.line_number}", []),
            "adjustments": _rows(f"line_{line.line_number}_", data),
            "adjustment_errors": [
                m
                for n in range(1, ADJUSTMENT_ROWS + 1)
                for m in errors.get(f"line_{line.line_number}_adjustment_{n}", [])
            ],
        }
        for line in claim.lines.all()
    ]
    return render(
        request,
        "billing/claims/next_payer.html",
        {
            "title": f"Bill the {kind} payer: claim {claim.control_number}",
            "claim": claim,
            "kind": kind,
            "coverage": coverage,
            "refusal": services.next_payer_refusal(claim),
            "lines": lines,
            "claim_adjustments": _rows("", data),
            "claim_adjustment_errors": [
                m for n in range(1, ADJUSTMENT_ROWS + 1) for m in errors.get(f"adjustment_{n}", [])
            ],
            "groups": AdjustmentGroup.choices,
            "adjudicated_on": data.get("adjudicated_on", "") if data else "",
            "paid": data.get("paid", "") if data else "",
            "errors": errors,
            "top_errors": errors.get(NON_FIELD_ERRORS, []),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(Permission.CHANGE_CLAIM, raise_exception=True)
def bill_next_payer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = selectors.get_claim(request.user, pk, audit=request.method != "POST")
    if request.method != "POST":
        return _page(request, claim, None, {})
    data = request.POST
    lines = [
        services.LineEntry(
            line.line_number,
            data.get(f"line_{line.line_number}_paid", ""),
            _entries(data, f"line_{line.line_number}_"),
        )
        for line in claim.lines.all()
    ]
    try:
        made = services.bill_next_payer(
            claim=claim,
            adjudicated_on=data.get("adjudicated_on", ""),
            paid=data.get("paid", ""),
            lines=lines,
            adjustments=_entries(data, ""),
            actor=request.user,
        )
    except ValidationError as exc:
        return _page(request, claim, data, _errors(exc), status=400)
    messages.success(
        request,
        f"{made.get_responsibility_display()} claim {made.control_number} made for "
        f"{made.payer.name if made.payer else 'the next payer'}; scrub it, then submit it.",
    )
    return redirect("billing_office:claim", pk=made.pk)
