"""A/R aging rows of the authorization matrix: the office manager and the biller, who see
the ledger, see the aging (page, CSV and API); everyone else is refused."""

from __future__ import annotations

from tests.core.test_authorization_matrix import BI, OM, api, page

LEDGER_READERS = {OM, BI}

ROWS = [
    page("/billing/aging/", "A/R aging: by payer, by patient, a payer's claims", LEDGER_READERS),
    api("GET", "/api/v1/ar/aging", "API: A/R aging by payer or by patient", LEDGER_READERS),
]
