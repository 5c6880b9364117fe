"""Managed-care contract rows of the authorization matrix: the office manager and the biller
read the contracts, the underpayment report and the what-if; only the office manager
creates, changes and ends contracts and saves a what-if as a draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, api, page

READERS = {OM, BI}
MANAGER = {OM}


def _contract() -> Any:
    from tests.billing.factories_contracts import ContractFactory

    return ContractFactory(effective_from=dt.date(2024, 1, 1), percent=Decimal("60"))


def _new_contract(_target: Any) -> dict[str, Any]:
    from tests.patients.factories import PayerFactory

    return {
        "payer": str(PayerFactory().pk),
        "name": "Matrix agreement",
        "effective_from": "2026-01-01",
        "method": "charges",
        "percent": "62.5",
    }


def _changed(target: Any) -> dict[str, Any]:
    return {
        "payer": str(target.payer_id),
        "name": "Renamed agreement",
        "effective_from": target.effective_from.isoformat(),
        "method": "charges",
        "percent": "61",
    }


def _end(_target: Any) -> dict[str, Any]:
    return {"last_day": "2026-06-30"}


def _proposal(_target: Any) -> dict[str, Any]:
    contract = _contract()
    return {"payer": str(contract.payer_id), "rates": "99213,104.00", "percent_change": "5"}


def _draft(target: Any) -> dict[str, Any]:
    return {**_proposal(target), "draft_name": "Proposal", "draft_from": "2027-01-01"}


ROWS = [
    page("/billing/contracts/", "Managed-care contracts", READERS),
    page("/billing/contracts/new/", "New contract: the form", MANAGER),
    page(
        "/billing/contracts/new/",
        "Create a contract",
        MANAGER,
        method="POST",
        ok=302,
        body=_new_contract,
    ),
    page("/billing/contracts/<int:pk>/", "A contract", READERS, target="billing_contract"),
    page(
        "/billing/contracts/<int:pk>/edit/",
        "Change a contract: the form",
        MANAGER,
        target="billing_contract",
    ),
    page(
        "/billing/contracts/<int:pk>/edit/",
        "Change a contract",
        MANAGER,
        method="POST",
        ok=302,
        target="billing_contract",
        body=_changed,
    ),
    page(
        "/billing/contracts/<int:pk>/end/",
        "End a contract",
        MANAGER,
        method="POST",
        ok=302,
        target="billing_contract",
        body=_end,
    ),
    page("/billing/contracts/underpayments/", "Underpayment report", READERS),
    page("/billing/contracts/what-if/", "What-if: the form", READERS),
    page(
        "/billing/contracts/what-if/",
        "What-if: proposed rates priced (nothing saved)",
        READERS,
        method="POST",
        body=_proposal,
        writes_nothing=True,
    ),
    page(
        "/billing/contracts/what-if/draft/",
        "What-if: save the proposal as a draft contract",
        MANAGER,
        method="POST",
        ok=302,
        body=_draft,
    ),
    api("GET", "/api/v1/billing/contracts", "API: managed-care contracts", READERS),
    api(
        "GET",
        "/api/v1/billing/contracts/{id}",
        "API: a managed-care contract",
        READERS,
        target="billing_contract",
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {"billing_contract": _contract}
