"""The codes of the front desk's refusals: the ``code`` of its ValidationErrors and API errors.

API clients act on these (the API puts them in ``code``); the messages may change, the
codes do not.
"""

from __future__ import annotations

from enum import StrEnum


class FrontDeskErrorCode(StrEnum):
    # check-in
    NOT_EXPECTED = "not_expected"
    # the patient flow
    ROOM_NOT_AT_LOCATION = "room_not_at_location"
