"""Follow-up rows of the authorization matrix (claims without an answer, 276 and 277, notes
and tasks): the office manager and the biller work them; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, api, page

BILLERS = {OM, BI}


def _request_file() -> Any:
    from django.utils import timezone

    from medoffice.billing.models import StatusRequestFile

    return StatusRequestFile.objects.create(
        destination="Synthetic Clearinghouse",
        interchange_control_number=434343,
        file_name="276-matrix.x12",
        content="ISA*...~",
        claim_count=0,
        created_at=timezone.now(),
    )


def _task() -> Any:
    import datetime as dt

    from django.utils import timezone

    from medoffice.billing.models import ClaimNote
    from tests.billing.factories import office_visit_claim

    return ClaimNote.objects.create(
        claim=office_visit_claim(),
        created_at=timezone.now(),
        text="Call the payer",
        follow_up_on=dt.date(2026, 12, 1),
    )


def _note(_target: Any) -> dict[str, Any]:
    return {"text": "Called the payer: the claim is in process."}


def _nothing(_target: Any) -> dict[str, Any]:
    return {}


def _answer_of_no_claim(_target: Any) -> dict[str, Any]:
    """A 277 about a claim number nobody has: read, reported "not found", nothing stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.billing.factories_followup import Answer, answer_277

    text = answer_277(Answer("NOSUCHCLAIM", "F1:65"))
    return {"file": SimpleUploadedFile("answer.277", text.encode())}


ROWS = [
    page("/billing/follow-up/", "Follow-up: claims without an answer", BILLERS),
    page(
        "/billing/follow-up/ask/",
        "Ask the payers (276) (none waiting here: nothing to write)",
        BILLERS,
        method="POST",
        ok=302,
        writes_nothing=True,
    ),
    page(
        "/billing/follow-up/files/<int:pk>/",
        "Download a claim status request (276)",
        BILLERS,
        target="billing_request_file",
    ),
    page("/billing/follow-up/answers/", "Import the payers' answers (277): the form", BILLERS),
    page(
        "/billing/follow-up/answers/",
        "Import the payers' answers (no file: refused, nothing changed)",
        BILLERS,
        method="POST",
        ok=400,
        writes_nothing=True,
    ),
    page(
        "/billing/claims/<int:pk>/notes/",
        "Add a note or task to a claim",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_claim",
        body=_note,
    ),
    page(
        "/billing/notes/<int:pk>/done/",
        "Mark a claim's task done",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_task",
        body=_nothing,
    ),
    api("GET", "/api/v1/claims/awaiting-answer", "API: claims without an answer", BILLERS),
    api(
        "POST",
        "/api/v1/claim-status/requests",
        "API: ask the payers (276) (none waiting here: nothing to write)",
        BILLERS,
        body=_nothing,
        writes_nothing=True,
    ),
    api(
        "POST",
        "/api/v1/claim-status/answers",
        "API: import a 277 (about no claim of ours: nothing stored)",
        BILLERS,
        body=_answer_of_no_claim,
        encoding="form",
        writes_nothing=True,
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "billing_request_file": _request_file,
    "billing_task": _task,
}
