"""Charges and claims rows of the authorization matrix.

Those who see charges (office manager, front desk, biller, provider) open a visit's charges
and the pickers' look-ups; the office manager, the front desk and the biller save them (a
provider only for their own visits: the matrix's visit is another provider's, so 403); the
office manager and the biller review them and work the claims.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, FD, OM, PR, api, page

SEE_CHARGES = {OM, FD, BI, PR}
CODERS = {OM, FD, BI}
BILLERS = {OM, BI}


def _form_body(_target: Any) -> dict[str, Any]:
    return {
        "line_count": "1",
        "diagnosis_1": "E119",
        "line_1_procedure_code": "99213",
        "line_1_pointers": "A",
        "place_of_service": "11",
        "action": "save",
    }


def _json_body(_target: Any) -> dict[str, Any]:
    return {"diagnoses": ["E11.9"], "lines": [{"procedure_code": "99213", "pointers": ["A"]}]}


def _fixed(body: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    def make(_target: Any) -> dict[str, Any]:
        return dict(body)

    return make


ROWS = [
    page(
        "/billing/visits/<int:appointment_id>/charges/",
        "A visit's charges",
        SEE_CHARGES,
        target="billing_seen_visit",
    ),
    page(
        "/billing/visits/<int:appointment_id>/charges/",
        "Save a visit's charges",
        CODERS,
        method="POST",
        ok=302,
        target="billing_seen_visit",
        body=_form_body,
    ),
    page(
        "/billing/charges/<int:pk>/review/",
        "Review charges (approve: the claim is made)",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_waiting_encounter",
        body=_fixed({"decision": "approve"}),
    ),
    page("/billing/coding/", "Coder review queue", BILLERS),
    page("/billing/lookup/icd10/", "Diagnosis picker's look-up", SEE_CHARGES),
    page("/billing/lookup/procedures/", "Procedure code picker's look-up", SEE_CHARGES),
    page("/billing/lookup/charge/", "Standard charge look-up", SEE_CHARGES),
    page("/billing/claims/", "Claims list", BILLERS),
    page("/billing/claims/<int:pk>/", "A claim", BILLERS, target="billing_claim"),
    page(
        "/billing/claims/<int:pk>/void/",
        "Void a claim the payer holds",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_accepted_claim",
        body=_fixed({"reason": "Billed in error"}),
    ),
    page(
        "/billing/claims/<int:pk>/correct/",
        "Correct a claim's charges",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_claim",
        body=_fixed({"note": "Wrong code"}),
    ),
    api("GET", "/api/v1/encounters", "API: visits' charges", SEE_CHARGES),
    api(
        "GET",
        "/api/v1/encounters/{id}",
        "API: a visit's charges",
        SEE_CHARGES,
        target="billing_draft_encounter",
    ),
    api(
        "PUT",
        "/api/v1/encounters/{id}/charges",
        "API: save a visit's charges",
        CODERS,
        target="billing_draft_encounter",
        body=_json_body,
    ),
    api(
        "POST",
        "/api/v1/visits/{id}/encounter",
        "API: open a visit's charges",
        CODERS,
        target="billing_seen_visit",
    ),
    api(
        "POST",
        "/api/v1/encounters/{id}/review",
        "API: review charges",
        BILLERS,
        target="billing_waiting_encounter",
        body=_fixed({"approve": True}),
    ),
    api("GET", "/api/v1/claims", "API: claims", BILLERS),
    api("GET", "/api/v1/claims/{id}", "API: a claim", BILLERS, target="billing_claim"),
    api(
        "POST",
        "/api/v1/claims/{id}/void",
        "API: void a claim",
        BILLERS,
        target="billing_accepted_claim",
        body=_fixed({"reason": "Billed in error"}),
    ),
    api(
        "POST",
        "/api/v1/claims/{id}/correct",
        "API: correct a claim's charges",
        BILLERS,
        target="billing_claim",
        body=_fixed({"note": "Wrong code"}),
    ),
    api("GET", "/api/v1/icd10", "API: ICD-10-CM search", SEE_CHARGES),
]


def _seen_visit() -> Any:
    from tests.billing.factories_claims import office_visit_codes, seen_visit

    office_visit_codes()
    return seen_visit()


def _draft_encounter() -> Any:
    from tests.billing.factories_claims import coded_encounter, office_visit_codes

    office_visit_codes()
    return coded_encounter()


def _waiting_encounter() -> Any:
    from tests.billing.factories_claims import office_visit_codes, waiting_encounter

    office_visit_codes()
    return waiting_encounter()


def _claim() -> Any:
    from medoffice.billing.models import Claim
    from tests.billing.factories_claims import claimed_encounter, office_visit_codes

    office_visit_codes()
    return Claim.objects.get(encounter=claimed_encounter())


def _accepted_claim() -> Any:
    from medoffice.billing.services import claims as services
    from tests.factories import SYSTEM

    claim = _claim()
    for status in ("ready", "submitted"):
        claim = services.transition(claim=claim, to=status, actor=SYSTEM)
    return services.mark_accepted(claim=claim, actor=SYSTEM, payer_claim_number="PCN-1")


TARGETS: dict[str, Callable[[], Any]] = {
    "billing_seen_visit": _seen_visit,
    "billing_draft_encounter": _draft_encounter,
    "billing_waiting_encounter": _waiting_encounter,
    "billing_claim": _claim,
    "billing_accepted_claim": _accepted_claim,
}
