"""Denial rows of the authorization matrix (the queue, a denial and its actions, appeals
and their letters, the templates, the report, the API): the office manager and the biller
work them; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, api, page

BILLERS = {OM, BI}


def _denial() -> Any:
    """A claim-level denial of a claim never sent (no charges on the ledger)."""
    from decimal import Decimal

    from medoffice.billing.services.denials import DenialInput, open_denials
    from tests.billing.factories import office_visit_claim
    from tests.factories import SYSTEM

    return open_denials(
        claim=office_visit_claim(),
        adjustments=[DenialInput(None, "CO", "16", ("N290",), Decimal("125.00"))],
        source_kind="era",
        source_id="MATRIX",
        actor=SYSTEM,
    )[0]


def _appeal() -> Any:
    from medoffice.billing.services.denials import create_appeal
    from tests.factories import SYSTEM

    return create_appeal(denials=[_denial()], letter_text="Please pay the claim.", actor=SYSTEM)


def _template() -> Any:
    from medoffice.billing.models import AppealTemplate

    return AppealTemplate.objects.create(key="matrix-letter", name="Matrix", body="Dear payer")


def _claim() -> Any:
    from tests.billing.factories import office_visit_claim

    return office_visit_claim()


def _status(_target: Any) -> dict[str, Any]:
    return {"status": "closed", "reason": "Paid on a later remittance"}


def _nobody(_target: Any) -> dict[str, Any]:
    return {"assigned_to": ""}


def _nothing(_target: Any) -> dict[str, Any]:
    return {}


def _void(_target: Any) -> dict[str, Any]:
    return {"reason": "Billed in error"}


def _appeal_body(target: Any) -> dict[str, Any]:
    return {"denials": [str(target.pk)], "letter_text": "Please pay.", "method": "mail"}


def _manual(_target: Any) -> dict[str, Any]:
    return {"group": "CO", "reason": "16", "remarks": "N290", "amount": "10.00"}


def _outcome(_target: Any) -> dict[str, Any]:
    return {"outcome": "upheld"}


def _template_body(_target: Any) -> dict[str, Any]:
    return {"name": "Second-level appeal", "body": "Dear {payer_name}", "is_active": "on"}


def _api_status(_target: Any) -> dict[str, Any]:
    return {"status": "closed", "reason": "Paid on a later remittance"}


def _api_appeal(_target: Any) -> dict[str, Any]:
    return {"letter_text": "Please pay the claim."}


ROWS = [
    page("/billing/denials/", "Denials: the queue by category and code", BILLERS),
    page("/billing/denials/report/", "Denials: rate, top reasons and appeals", BILLERS),
    page("/billing/denials/<int:pk>/", "A denial", BILLERS, target="billing_denial"),
    page(
        "/billing/denials/<int:pk>/status/",
        "Change a denial's status",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_denial",
        body=_status,
    ),
    page(
        "/billing/denials/<int:pk>/assign/",
        "Assign a denial",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_denial",
        body=_nobody,
    ),
    page(
        "/billing/denials/<int:pk>/write-off/",
        "Write a denial off (nothing owed on the ledger: refused, nothing written)",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_denial",
        body=_nothing,
        writes_nothing=True,
    ),
    page(
        "/billing/denials/<int:pk>/correct/",
        "Correct a denied claim (its charges not claimed: refused, nothing written)",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_denial",
        body=_nothing,
        writes_nothing=True,
    ),
    page(
        "/billing/denials/<int:pk>/void/",
        "Void a denied claim (not at the payer: refused, nothing written)",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_denial",
        body=_void,
        writes_nothing=True,
    ),
    page(
        "/billing/denials/<int:pk>/appeal/",
        "Write an appeal: the letter filled from a template",
        BILLERS,
        target="billing_denial",
    ),
    page(
        "/billing/denials/<int:pk>/appeal/",
        "Save an appeal with its letter",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_denial",
        body=_appeal_body,
    ),
    page(
        "/billing/claims/<int:pk>/denials/new/",
        "Record a denial by hand: the form",
        BILLERS,
        target="billing_denied_claim",
    ),
    page(
        "/billing/claims/<int:pk>/denials/new/",
        "Record a denial by hand",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_denied_claim",
        body=_manual,
    ),
    page(
        "/billing/appeals/<int:pk>/letter.pdf",
        "An appeal's letter (PDF)",
        BILLERS,
        target="billing_appeal",
    ),
    page(
        "/billing/appeals/<int:pk>/outcome/",
        "Record an appeal's outcome",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_appeal",
        body=_outcome,
    ),
    page("/billing/appeal-templates/", "Appeal letter templates", BILLERS),
    page("/billing/appeal-templates/new/", "New appeal letter template: the form", BILLERS),
    page(
        "/billing/appeal-templates/new/",
        "Add an appeal letter template",
        BILLERS,
        method="POST",
        ok=302,
        body=_template_body,
    ),
    page(
        "/billing/appeal-templates/<int:pk>/",
        "An appeal letter template: the form",
        BILLERS,
        target="billing_appeal_template",
    ),
    page(
        "/billing/appeal-templates/<int:pk>/",
        "Change an appeal letter template",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_appeal_template",
        body=_template_body,
    ),
    api("GET", "/api/v1/denials", "API: denials", BILLERS),
    api("GET", "/api/v1/denials/{id}", "API: a denial", BILLERS, target="billing_denial"),
    api(
        "POST",
        "/api/v1/denials/{id}/status",
        "API: change a denial's status",
        BILLERS,
        target="billing_denial",
        body=_api_status,
    ),
    api(
        "POST",
        "/api/v1/denials/{id}/appeals",
        "API: appeal a denial",
        BILLERS,
        target="billing_denial",
        body=_api_appeal,
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "billing_denial": _denial,
    "billing_appeal": _appeal,
    "billing_appeal_template": _template,
    "billing_denied_claim": _claim,
}
