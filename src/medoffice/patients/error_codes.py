"""The codes of the patients app's refusals: the ``code`` of its ValidationErrors and API errors.

API clients act on these (the API puts them in ``code``); the messages may change, the
codes do not.
"""

from __future__ import annotations

from enum import StrEnum


class PatientErrorCode(StrEnum):
    # demographics
    INVALID_PHONE = "invalid_phone"
    BIRTH_IN_FUTURE = "birth_in_future"
    BIRTH_TOO_LONG_AGO = "birth_too_long_ago"
    DEATH_IN_FUTURE = "death_in_future"
    DEATH_BEFORE_BIRTH = "death_before_birth"
    INVALID_STATE = "invalid_state"
    INVALID_ZIP_CODE = "invalid_zip_code"
    INVALID_SSN = "invalid_ssn"
    GUARANTOR_NAME_REQUIRED = "guarantor_name_required"
    RECORD_MERGED = "record_merged"
    DUPLICATE_SUSPECTED = "duplicate_suspected"
    LOCATION_OUTSIDE_SCOPE = "location_outside_scope"
    # coverages
    PAYER_INACTIVE = "payer_inactive"
    COVERAGE_ENDS_BEFORE_START = "coverage_ends_before_start"
    COVERAGE_ORDER_TAKEN = "coverage_order_taken"
    COPAY_INVALID = "copay_invalid"
    # consents
    CONSENT_IN_FUTURE = "consent_in_future"
    CONSENT_ALREADY_REVOKED = "consent_already_revoked"
    REVOCATION_BEFORE_CONSENT = "revocation_before_consent"
    # files
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    # merge and emergency access
    MERGE_WITH_SELF = "merge_with_self"
    ALREADY_MERGED = "already_merged"
    REASON_TOO_SHORT = "reason_too_short"
    ALREADY_REVIEWED = "already_reviewed"
