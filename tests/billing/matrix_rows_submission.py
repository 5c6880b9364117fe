"""Scrubbing, batches and acknowledgements rows of the authorization matrix: the office
manager and the biller work them; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, api, page

BILLERS = {OM, BI}


def _warning() -> Any:
    from django.utils import timezone

    from medoffice.billing.models import ClaimFinding
    from tests.billing.factories import office_visit_claim

    return ClaimFinding.objects.create(
        claim=office_visit_claim(),
        code="timely_filing_near",
        severity="warning",
        message="The filing limit is in 20 days.",
        found_at=timezone.now(),
    )


def _batch() -> Any:
    from django.utils import timezone

    from medoffice.billing.models import ClaimBatch

    return ClaimBatch.objects.create(
        interchange_control_number=424242,
        group_control_number=424242,
        file_name="837P-matrix.x12",
        content="ISA*...~",
        claim_count=0,
        total_charge=Decimal("0"),
        created_at=timezone.now(),
    )


def _rejected_claim() -> Any:
    from medoffice.billing.services import claims as services
    from tests.billing.matrix_rows_claims import TARGETS as CLAIM_TARGETS
    from tests.factories import SYSTEM

    claim = CLAIM_TARGETS["billing_claim"]()
    for status in ("ready", "submitted"):
        claim = services.transition(claim=claim, to=status, actor=SYSTEM)
    return services.transition(claim=claim, to="rejected", actor=SYSTEM, note="A7:33 (test)")


def _fixed(_target: Any) -> dict[str, Any]:
    return {"fixed": "Member ID corrected on the coverage."}


def _claim_warning() -> Any:
    """A claim and its warning with the same id: the matrix fills every path parameter
    of ``/claims/{id}/findings/{finding_id}/override`` with one value."""
    from django.utils import timezone

    from medoffice.billing.models import ClaimFinding
    from tests.billing.factories import office_visit_claim

    claim = office_visit_claim()
    return ClaimFinding.objects.create(
        pk=claim.pk,
        claim=claim,
        code="timely_filing_near",
        severity="warning",
        message="The filing limit is in 20 days.",
        found_at=timezone.now(),
    )


def _reason(_target: Any) -> dict[str, Any]:
    return {"reason": "Filed on paper within the limit."}


def _nothing(_target: Any) -> dict[str, Any]:
    return {}


def _acknowledgement_file(_target: Any) -> dict[str, Any]:
    """A 999 of the shared samples: stored, though no batch of ours is named in it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.x12.samples import sample

    return {"file": SimpleUploadedFile("answer.999", sample("ims_999_accepted.999").read_bytes())}


ROWS = [
    page(
        "/billing/claims/<int:pk>/scrub/",
        "Scrub a claim",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_claim",
    ),
    page(
        "/billing/claims/scrub/",
        "Scrub the draft claims (none here: nothing to write)",
        BILLERS,
        method="POST",
        ok=302,
        writes_nothing=True,
    ),
    page("/billing/claims/rejected/", "Rejected claims (the rejection queue)", BILLERS),
    page(
        "/billing/claims/<int:pk>/send-again/",
        "Send a rejected claim again after fixing its cause",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_rejected_claim",
        body=_fixed,
    ),
    page(
        "/billing/findings/<int:pk>/override/",
        "Override a scrubber warning with a reason",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_warning",
        body=_reason,
    ),
    page("/billing/batches/", "Claim batches", BILLERS),
    page(
        "/billing/batches/submit/",
        "Submit the ready claims (none here: nothing to write)",
        BILLERS,
        method="POST",
        ok=302,
        writes_nothing=True,
    ),
    page("/billing/batches/<int:pk>/", "A claim batch", BILLERS, target="billing_batch"),
    page(
        "/billing/batches/<int:pk>/file.x12",
        "Download a batch's 837P",
        BILLERS,
        target="billing_batch",
    ),
    page("/billing/acknowledgements/", "Acknowledgements (999, 277CA)", BILLERS),
    page("/billing/acknowledgements/import/", "Import an acknowledgement: the form", BILLERS),
    page(
        "/billing/acknowledgements/import/",
        "Import an acknowledgement (no file: refused, nothing changed)",
        BILLERS,
        method="POST",
        ok=400,
        writes_nothing=True,
    ),
]

ROWS += [
    api(
        "POST",
        "/api/v1/claims/{id}/scrub",
        "API: scrub a claim",
        BILLERS,
        target="billing_claim",
    ),
    api(
        "POST",
        "/api/v1/claims/scrub",
        "API: scrub the draft claims (none here: nothing to write)",
        BILLERS,
        body=_nothing,
        writes_nothing=True,
    ),
    api(
        "POST",
        "/api/v1/claims/{id}/findings/{finding_id}/override",
        "API: override a scrubber warning with a reason",
        BILLERS,
        target="billing_claim_warning",
        body=_reason,
    ),
    api(
        "POST",
        "/api/v1/batches",
        "API: submit the ready claims (none here: nothing to write)",
        BILLERS,
        body=_nothing,
        writes_nothing=True,
    ),
    api("GET", "/api/v1/batches", "API: claim batches", BILLERS),
    api("GET", "/api/v1/batches/{id}", "API: a claim batch", BILLERS, target="billing_batch"),
    api(
        "GET",
        "/api/v1/batches/{id}/file",
        "API: download a batch's 837P",
        BILLERS,
        target="billing_batch",
    ),
    api(
        "POST",
        "/api/v1/acknowledgements",
        "API: import an acknowledgement (a 999)",
        BILLERS,
        body=_acknowledgement_file,
        encoding="form",
    ),
    api("GET", "/api/v1/acknowledgements", "API: acknowledgements", BILLERS),
    api("GET", "/api/v1/claims/rejected", "API: rejected claims (the rejection queue)", BILLERS),
    api(
        "POST",
        "/api/v1/claims/{id}/send-again",
        "API: send a rejected claim again after fixing its cause",
        BILLERS,
        target="billing_rejected_claim",
        body=_fixed,
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "billing_warning": _warning,
    "billing_batch": _batch,
    "billing_claim_warning": _claim_warning,
    "billing_rejected_claim": _rejected_claim,
}
