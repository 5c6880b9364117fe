"""Remittance (835) rows of the authorization matrix: the office manager and the biller
import ERA files and work their exceptions; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, api, page

BILLERS = {OM, BI}


def _unknown_835() -> bytes:
    """An 835 from a payer the practice does not bill, for a claim it never sent."""
    import datetime as dt
    from decimal import Decimal

    from medoffice.billing.era_build import ClaimAnswer, LineAnswer, PaymentAnswer, era_text

    answer = ClaimAnswer(
        "OLDSYSTEM1",
        (LineAnswer("99213", Decimal("100"), Decimal("60"), (("CO", "45", Decimal("40")),)),),
    )
    payment = PaymentAnswer("MATRIX1", "OLD PAYER", "OLD01", (answer,), dt.date(2026, 11, 2))
    return era_text([payment]).encode()


def _era_file() -> Any:
    from medoffice.billing.models import EraFile
    from medoffice.billing.services.era import import_era
    from medoffice.core.permissions import SystemActor

    import_era(data=_unknown_835(), filename="matrix.835", actor=SystemActor("matrix"))
    return EraFile.objects.order_by("-pk").first()


def _era_exception() -> Any:
    from medoffice.billing.models import EraException

    _era_file()
    return EraException.objects.order_by("-pk").first()


def _file(_target: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("remit.835", _unknown_835())}


def _resolve(_target: Any) -> dict[str, Any]:
    return {"action": "resolve", "note": "A claim of the old system: posted there."}


ROWS = [
    page("/billing/remittances/", "Remittances (ERA files)", BILLERS),
    page("/billing/remittances/import/", "Import an 835: the form", BILLERS),
    page(
        "/billing/remittances/import/",
        "Import an 835 (no file: refused, nothing changed)",
        BILLERS,
        method="POST",
        ok=400,
        writes_nothing=True,
    ),
    page(
        "/billing/remittances/<int:pk>/",
        "One remittance: payments, claims, exceptions",
        BILLERS,
        target="billing_era_file",
    ),
    page(
        "/billing/remittances/<int:pk>/advice.pdf",
        "One remittance as a remittance advice (PDF)",
        BILLERS,
        target="billing_era_file",
    ),
    page("/billing/remittances/exceptions/", "Remittance exceptions queue", BILLERS),
    page(
        "/billing/remittances/exceptions/<int:pk>/",
        "One remittance exception",
        BILLERS,
        target="billing_era_exception",
    ),
    page(
        "/billing/remittances/exceptions/<int:pk>/",
        "Resolve a remittance exception",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_era_exception",
        body=_resolve,
    ),
    api(
        "POST",
        "/api/v1/eras",
        "API: import an 835 (a claim not ours: an exception)",
        BILLERS,
        body=_file,
        encoding="form",
    ),
    api("GET", "/api/v1/eras", "API: the ERA files", BILLERS),
    api(
        "GET",
        "/api/v1/eras/{era_id}",
        "API: one ERA file",
        BILLERS,
        target="billing_era_file",
    ),
    api("GET", "/api/v1/era-exceptions", "API: open remittance exceptions", BILLERS),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "billing_era_file": _era_file,
    "billing_era_exception": _era_exception,
}
