"""The codes of the messaging app's refusals: the ``code`` of its ValidationErrors and API errors.

API clients act on these (the API puts them in ``code``); the messages may change, the
codes do not.
"""

from __future__ import annotations

from enum import StrEnum


class MessagingErrorCode(StrEnum):
    # message templates
    UNMATCHED_BRACE = "unmatched_brace"
    UNKNOWN_PLACEHOLDER = "unknown_placeholder"
    EMPTY_PLACEHOLDER = "empty_placeholder"
    BODY_REQUIRED = "body_required"
    # reminder rules
    RULE_EXISTS = "rule_exists"
