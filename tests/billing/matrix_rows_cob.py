"""Coordination-of-benefits rows of the authorization matrix: the office manager and the
biller enter a payer's adjudication and bill the next payer; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import BI, OM, page

BILLERS = {OM, BI}


def _accepted_primary() -> Any:
    from tests.billing.factories_claims import office_visit_codes
    from tests.billing.factories_cob import accepted_primary

    office_visit_codes()
    return accepted_primary()


def _eob(claim: Any) -> dict[str, Any]:
    return {
        "adjudicated_on": claim.date_of_service.isoformat(),
        "paid": "116.00",
        "line_1_paid": "100.00",
        "line_1_adj_1_group": "CO",
        "line_1_adj_1_reason": "45",
        "line_1_adj_1_amount": "50.00",
        "line_2_paid": "16.00",
        "line_2_adj_1_group": "PR",
        "line_2_adj_1_reason": "1",
        "line_2_adj_1_amount": "4.00",
    }


ROWS = [
    page(
        "/billing/claims/<int:pk>/next-payer/",
        "Bill the secondary payer: the EOB entry form",
        BILLERS,
        target="billing_accepted_primary",
    ),
    page(
        "/billing/claims/<int:pk>/next-payer/",
        "Bill the secondary payer: save the primary's adjudication, make the claim",
        BILLERS,
        method="POST",
        ok=302,
        target="billing_accepted_primary",
        body=_eob,
    ),
]

TARGETS: dict[str, Callable[[], Any]] = {"billing_accepted_primary": _accepted_primary}
