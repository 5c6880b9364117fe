"""Insurance deposit rows of the authorization matrix: the office manager and the biller
(who see and post the ledger) enter, import and match deposits, and read the
reconciliation and the provider account; the billing options are the office manager's;
everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, api, page

BILLERS = {OM, BI}
DEPOSIT_DAY = "2026-11-02"


def _deposit() -> Any:
    """A deposit not matched to anything, and a remittance payment it could cover."""
    import datetime as dt
    from decimal import Decimal

    from medoffice.billing.services.deposits import create_deposit
    from medoffice.billing.services.era import import_era
    from medoffice.core.permissions import SystemActor
    from tests.billing.matrix_rows_era import _unknown_835

    actor = SystemActor("matrix")
    import_era(data=_unknown_835(), filename="matrix.835", actor=actor)
    return create_deposit(
        actor=actor,
        deposit_date=dt.date(2026, 11, 2),
        amount=Decimal("75.00"),
        method="eft",
        reference="BANK-MATRIX",
    )


def _matched_deposit() -> Any:
    from medoffice.billing.models import EraPayment
    from medoffice.billing.services.deposits import match_deposit
    from medoffice.core.permissions import SystemActor

    deposit = _deposit()
    payment = EraPayment.objects.filter(deposit__isnull=True).order_by("-pk").first()
    match_deposit(deposit_id=deposit.pk, payment_ids=[payment.pk], actor=SystemActor("matrix"))
    return deposit


def _open_payment() -> int:
    from medoffice.billing.models import EraPayment

    payment = EraPayment.objects.filter(deposit__isnull=True).order_by("-pk").first()
    return payment.pk


def _new_deposit(_target: Any) -> dict[str, Any]:
    return {
        "deposit_date": DEPOSIT_DAY,
        "amount": "120.00",
        "method": "check",
        "check_number": "55501",
    }


def _match(_target: Any) -> dict[str, Any]:
    return {"action": "match", "payment": str(_open_payment())}


def _match_json(_target: Any) -> dict[str, Any]:
    return {"payment_ids": [_open_payment()]}


def _unmatch_json(target: Any) -> dict[str, Any]:
    return {"payment_id": target.payments.get().pk, "reason": "another bank line"}


def _options(_target: Any) -> dict[str, Any]:
    return {"hold_posting_until_deposit": "on"}


ROWS = [
    page("/billing/deposits/", "Insurance deposits", BILLERS),
    page("/billing/deposits/new/", "Enter a deposit: the form", BILLERS),
    page(
        "/billing/deposits/new/",
        "Enter a deposit",
        BILLERS,
        method="POST",
        ok=302,
        body=_new_deposit,
    ),
    page("/billing/deposits/import/", "Import the bank's deposits (CSV): the form", BILLERS),
    page(
        "/billing/deposits/import/",
        "Import the bank's deposits (no file: refused, nothing changed)",
        BILLERS,
        method="POST",
        ok=400,
        writes_nothing=True,
    ),
    page(
        "/billing/deposits/<int:pk>/",
        "One deposit: its payments, matching by hand",
        BILLERS,
        target="billing_deposit",
    ),
    page(
        "/billing/deposits/<int:pk>/",
        "Match a deposit to a remittance payment by hand",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_deposit",
        body=_match,
    ),
    page("/billing/deposits/reconciliation/", "Deposits and remittances reconciled", BILLERS),
    page("/billing/deposits/reconciliation.csv", "The reconciliation as CSV", BILLERS),
    page("/billing/provider-account/", "The provider account (PLB items per payer)", BILLERS),
    page("/billing/options/", "Billing options (hold posting): the form", {OM}),
    page(
        "/billing/options/",
        "Turn on hold posting until the deposit is matched",
        {OM},
        method="POST",
        ok=302,
        body=_options,
    ),
    api("GET", "/api/v1/deposits", "API: the insurance deposits", BILLERS),
    api("POST", "/api/v1/deposits", "API: enter a deposit", BILLERS, body=_new_deposit),
    api(
        "GET",
        "/api/v1/deposits/{deposit_id}",
        "API: one deposit",
        BILLERS,
        target="billing_deposit",
    ),
    api(
        "POST",
        "/api/v1/deposits/{deposit_id}/match",
        "API: match payments to a deposit",
        BILLERS,
        target="billing_deposit",
        body=_match_json,
    ),
    api(
        "POST",
        "/api/v1/deposits/{deposit_id}/unmatch",
        "API: unmatch a payment from its deposit (audited)",
        BILLERS,
        target="billing_deposit_matched",
        body=_unmatch_json,
    ),
    api("GET", "/api/v1/deposits/reconciliation", "API: the reconciliation", BILLERS),
    api("GET", "/api/v1/provider-account", "API: the provider account", BILLERS),
]

TARGETS: dict[str, Callable[[], Any]] = {
    "billing_deposit": _deposit,
    "billing_deposit_matched": _matched_deposit,
}
