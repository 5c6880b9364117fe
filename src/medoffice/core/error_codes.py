"""The codes of the core app's refusals: the ``code`` of its ValidationErrors and API errors.

API clients act on these (the API puts them in ``code``); the messages may change, the
codes do not.
"""

from __future__ import annotations

from enum import StrEnum


class CoreErrorCode(StrEnum):
    # users and roles
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"
    ROLE_REQUIRED = "role_required"
    CANNOT_REMOVE_OWN_MANAGER_ROLE = "cannot_remove_own_manager_role"
    # passwords
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - a code, not a secret
    PASSWORD_REJECTED = "password_rejected"  # noqa: S105
    PASSWORD_UNCHANGED = "password_unchanged"  # noqa: S105
    PASSWORDS_DIFFER = "passwords_differ"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105
    # the practice and its locations
    PRACTICE_EXISTS = "practice_exists"
    INVALID_NPI = "invalid_npi"
    INVALID_EIN = "invalid_ein"
    INVALID_TIME_ZONE = "invalid_tz"
    CLOSES_BEFORE_OPENS = "closes_before_opens"
    INVALID_ZIP_CODE = "invalid_zip_code"
    INVALID_PHONE = "invalid_phone"
    # API tokens and sessions
    TOKEN_NAME_REQUIRED = "token_name_required"  # noqa: S105 - a code, not a secret
    SESSION_EXPIRED = "session_expired"
    TOKEN_EXPIRY_INVALID = "token_expiry_invalid"  # noqa: S105
    TOKEN_AREAS_REQUIRED = "token_areas_required"  # noqa: S105
    TOKEN_AREA_NOT_ALLOWED = "token_area_not_allowed"  # noqa: S105
    TOKEN_READ_ONLY = "token_read_only"  # noqa: S105
    TOKEN_NEEDS_TWO_STEP = "token_needs_two_step"  # noqa: S105
    # filters
    INVALID_PERIOD = "invalid_period"
