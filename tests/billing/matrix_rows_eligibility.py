"""Eligibility's rows of the authorization matrix: the worklist, a check and "Check
again", the 271 upload, and the API. The front desk, the biller and the office manager see
and check eligibility; no other role does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, FD, OM, api, page

CHECKERS = {OM, FD, BI}


def _upload(target: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.billing.x12_271 import answer_271

    content = answer_271(trace=target.trace_number).encode()
    return {"file": SimpleUploadedFile("answer.271", content)}


def _nothing(target: Any) -> dict[str, Any]:
    return {}


ROWS = [
    page("/billing/eligibility/", "Eligibility worklist", CHECKERS),
    page("/billing/eligibility/import/", "Import a 271: the form", CHECKERS),
    page(
        "/billing/eligibility/import/",
        "Import a 271 (the answers stored on their checks)",
        CHECKERS,
        method="POST",
        target="eligibility_sent",
        body=_upload,
    ),
    page(
        "/billing/eligibility/<int:pk>/",
        "Eligibility: one check and its answer",
        CHECKERS,
        target="eligibility_check",
    ),
    page(
        "/billing/eligibility/<int:pk>/check-again/",
        "Eligibility: check again",
        CHECKERS,
        method="POST",
        ok=302,
        target="eligibility_check",
        body=_nothing,
    ),
    api("GET", "/api/v1/billing/eligibility-checks", "API: eligibility checks", CHECKERS),
    api(
        "GET",
        "/api/v1/billing/eligibility-checks/{id}",
        "API: one eligibility check",
        CHECKERS,
        target="eligibility_check",
    ),
    api(
        "POST",
        "/api/v1/billing/eligibility-imports",
        "API: import a 271",
        CHECKERS,
        target="eligibility_sent",
        body=_upload,
        encoding="form",
    ),
]


def _check(status: str) -> Any:
    from tests.billing.factories_eligibility import EligibilityCheckFactory

    return EligibilityCheckFactory(status=status, rejection_reason="patient not found (AAA 67)")


TARGETS: dict[str, Callable[[], Any]] = {
    "eligibility_check": lambda: _check("rejected"),
    "eligibility_sent": lambda: _check("sent"),
}
