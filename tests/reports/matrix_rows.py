"""The reports' rows of the authorization matrix: the office manager and providers only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.core.test_authorization_matrix import OM, PR, api, page

REPORTERS = {OM, PR}

ROWS = [
    page("/reports/", "Reports: index", REPORTERS),
    page("/reports/wait-times/", "Reports: wait times", REPORTERS),
    page("/reports/no-shows/", "Reports: no-shows and late cancellations", REPORTERS),
    page("/reports/utilisation/", "Reports: provider utilisation", REPORTERS),
    page("/reports/access/", "Reports: third-next-available", REPORTERS),
    api("GET", "/api/v1/reports/wait-times", "API: wait-times report", REPORTERS),
    api("GET", "/api/v1/reports/no-shows", "API: no-shows report", REPORTERS),
    api("GET", "/api/v1/reports/utilisation", "API: utilisation report", REPORTERS),
    api("GET", "/api/v1/reports/access", "API: third-next-available report", REPORTERS),
]

TARGETS: dict[str, Callable[[], Any]] = {}
