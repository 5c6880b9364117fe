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
    CARD_DIGITS_INVALID = "card_digits_invalid"
    CHECK_NUMBER_INVALID = "check_number_invalid"
    REFERENCE_NOT_FOR_CASH = "reference_not_for_cash"
    # voids and refunds
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"
    REASON_INVALID = "reason_invalid"
    ALREADY_VOID = "already_void"
    VOID_NOT_SAME_DAY = "void_not_same_day"
    VOID_AFTER_REFUND = "void_after_refund"
    REFUND_OF_VOID = "refund_of_void"
    REFUND_TOO_LARGE = "refund_too_large"
    NOTHING_LEFT_TO_REFUND = "nothing_left_to_refund"
    # code sets, NCCI edits, payers and fee schedules (billing reference)
    IMPORT_FILE_UNREADABLE = "import_file_unreadable"
    IMPORT_FILE_REQUIRED = "import_file_required"
    FEE_SCHEDULE_KIND_PAYER = "fee_schedule_kind_payer"
    TIMELY_FILING_DAYS = "timely_filing_days"
    CLEARINGHOUSE_INACTIVE = "clearinghouse_inactive"
    IMPORT_KIND_INVALID = "import_kind_invalid"
    CODE_SET_INVALID = "code_set_invalid"
    NCCI_TABLE_INVALID = "ncci_table_invalid"
    CLAIMS_ADDRESS_REQUIRED = "claims_address_required"
    CLAIMS_STATE_INVALID = "claims_state_invalid"
    CLAIMS_ZIP_INVALID = "claims_zip_invalid"
    CONTACT_PHONE_INVALID = "contact_phone_invalid"
    ISA_QUALIFIER_INVALID = "isa_qualifier_invalid"
    # eligibility
    ELIGIBILITY_COVERAGE_INACTIVE = "eligibility_coverage_inactive"
    ELIGIBILITY_ALREADY_QUEUED = "eligibility_already_queued"
    ELIGIBILITY_NO_PRACTICE = "eligibility_no_practice"
