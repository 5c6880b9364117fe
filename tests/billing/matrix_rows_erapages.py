"""Rows of the authorization matrix for the posting rules and the corrected insured of
remittances: the office manager and the biller list and change them; everyone else is
refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, api, page

BILLERS = {OM, BI}


def _rule() -> Any:
    from medoffice.billing.models import PostingRule

    return PostingRule.objects.create(
        payer=None, group_code="OA", reason_code="B99", action="other_adjustment"
    )


def _proposal() -> Any:
    from medoffice.billing.models import CoverageUpdateProposal
    from medoffice.billing.services.era import import_era
    from medoffice.core.permissions import SystemActor
    from tests.billing.factories_claims import office_visit_codes
    from tests.billing.factories_era import era_for, paid_in_full_answer, submitted_claim

    office_visit_codes()
    claim = submitted_claim()
    answer = paid_in_full_answer(claim, corrected_member_id="1EG4TE5MK73")
    import_era(data=era_for(claim, answer), filename="m.835", actor=SystemActor("matrix"))
    return CoverageUpdateProposal.objects.order_by("-pk").first()


def _new_rule(_target: Any) -> dict[str, Any]:
    return {"group_code": "CO", "reason_code": "B98", "action": "contractual_write_off"}


def _changed_rule(_target: Any) -> dict[str, Any]:
    return {"group_code": "OA", "reason_code": "B99", "action": "patient_other"}


def _dismiss(_target: Any) -> dict[str, Any]:
    return {"action": "dismiss", "reason": "The card shows the member ID we have."}


ROWS = [
    page("/billing/remittances/rules/", "Posting rules", BILLERS),
    page("/billing/remittances/rules/new/", "A new posting rule: the form", BILLERS),
    page(
        "/billing/remittances/rules/new/",
        "Add a posting rule",
        BILLERS,
        method="POST",
        ok=302,
        body=_new_rule,
    ),
    page(
        "/billing/remittances/rules/<int:pk>/",
        "One posting rule",
        BILLERS,
        target="billing_posting_rule",
    ),
    page(
        "/billing/remittances/rules/<int:pk>/",
        "Change a posting rule",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_posting_rule",
        body=_changed_rule,
    ),
    page(
        "/billing/remittances/rules/<int:pk>/delete/",
        "Delete a posting rule",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_posting_rule",
    ),
    page(
        "/billing/remittances/rules/reset/",
        "Reset the posting rules for all payers to the defaults",
        BILLERS,
        method="POST",
        ok=302,
    ),
    page("/billing/remittances/corrected-insured/", "Corrected insured to confirm", BILLERS),
    page(
        "/billing/remittances/corrected-insured/<int:pk>/",
        "One corrected insured beside the coverage",
        BILLERS,
        target="billing_coverage_proposal",
    ),
    page(
        "/billing/remittances/corrected-insured/<int:pk>/",
        "Dismiss a corrected insured",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_coverage_proposal",
        body=_dismiss,
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "billing_posting_rule": _rule,
    "billing_coverage_proposal": _proposal,
}

ROWS += [
    api("GET", "/api/v1/era-coverage-proposals", "API: corrected insured to confirm", BILLERS),
    api(
        "POST",
        "/api/v1/era-coverage-proposals/{id}/dismiss",
        "API: dismiss a corrected insured",
        BILLERS,
        target="billing_coverage_proposal",
        body=lambda _target: {"reason": "The card shows the member ID we have."},
    ),
    api(
        "POST",
        "/api/v1/era-coverage-proposals/{id}/confirm",
        "API: confirm a corrected insured",
        BILLERS,
        target="billing_coverage_proposal",
    ),
]
