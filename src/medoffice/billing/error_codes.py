"""The codes of the billing app's refusals: the ``code`` of its ValidationErrors and API errors.

API clients act on these (the API puts them in ``code``); the messages may change, the
codes do not.
"""

from __future__ import annotations

from enum import StrEnum


class BillingErrorCode(StrEnum):
    # payments
    AMOUNT_REQUIRED = "amount_required"
    AMOUNT_NOT_DECIMAL = "amount_not_decimal"
    INVALID_AMOUNT = "invalid_amount"
    METHOD_REQUIRED = "method_required"
    METHOD_INVALID = "method_invalid"
    REFERENCE_TOO_LONG = "reference_too_long"
    CHECK_NUMBER_REQUIRED = "check_number_required"
    KIND_INVALID = "kind_invalid"
    VISIT_OF_OTHER_PATIENT = "visit_of_other_patient"
