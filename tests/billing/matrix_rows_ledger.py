"""Ledger rows of the authorization matrix: the office manager and the biller open a
patient's ledger and the credit-balance report; everyone else is refused."""

from __future__ import annotations

from tests.core.test_authorization_matrix import BI, OM, page

LEDGER_READERS = {OM, BI}

ROWS = [
    page(
        "/billing/patients/<int:pk>/ledger/",
        "A patient's ledger: entries by visit and line, running balances",
        LEDGER_READERS,
        target="patient",
    ),
    page("/billing/credit-balances/", "Credit balances (lines below zero)", LEDGER_READERS),
]
