"""The codes of the reports' refusals: the ``code`` of their ValidationErrors and API errors.

API clients act on these (the API puts them in ``code``); the messages may change, the
codes do not.
"""

from __future__ import annotations

from enum import StrEnum


class ReportsErrorCode(StrEnum):
    PERIOD_REVERSED = "period_reversed"
    PERIOD_TOO_LONG = "period_too_long"
    UNKNOWN_LOCATION = "unknown_location"
    UNKNOWN_PROVIDER = "unknown_provider"
    UNKNOWN_APPOINTMENT_TYPE = "unknown_appointment_type"
