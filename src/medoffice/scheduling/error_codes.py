"""The codes of the scheduling app's refusals: the ``code`` of its ValidationErrors and API errors.

API clients act on these (the API puts them in ``code``); the messages may change, the
codes do not.
"""

from __future__ import annotations

from enum import StrEnum


class SchedulingErrorCode(StrEnum):
    # booking
    SLOT_TAKEN = "slot_taken"
    DOES_NOT_FIT = "does_not_fit"
    RESOURCE_BUSY = "resource_busy"
    TIME_ZONE_REQUIRED = "time_zone_required"
    PAST = "past"
    PATIENT_NOT_BOOKABLE = "patient_not_bookable"
    PROVIDER_INACTIVE = "provider_inactive"
    APPOINTMENT_TYPE_INACTIVE = "appointment_type_inactive"
    PROVIDER_DOES_NOT_SEE_TYPE = "provider_does_not_see_type"
    OUTSIDE_TEMPLATE = "outside_template"
    CLOSED = "closed"
    OVERBOOK_NOT_ALLOWED = "overbook_not_allowed"
    # cancelling, no-shows, moving
    NOT_CANCELLABLE = "not_cancellable"
    CANCEL_REASON_REQUIRED = "cancel_reason_required"
    NOT_NO_SHOW = "not_no_show"
    NO_SHOW_BEFORE_START = "no_show_before_start"
    NOT_MOVABLE = "not_movable"
    # series
    SERIES_COUNT_OUT_OF_RANGE = "series_count_out_of_range"
    SERIES_INTERVAL_OUT_OF_RANGE = "series_interval_out_of_range"
    SERIES_TOO_FEW_FREE_DATES = "series_too_few_free_dates"
    # the patient flow
    STATUS_TRANSITION_NOT_ALLOWED = "status_transition_not_allowed"
    ROOM_AT_OTHER_LOCATION = "room_at_other_location"
    # templates
    TEMPLATE_OVERLAP = "overlap"
    BLOCK_ENDS_BEFORE_START = "block_ends_before_start"
    EFFECTIVE_TO_BEFORE_FROM = "effective_to_before_from"
    # waitlist
    MORNINGS_AND_AFTERNOONS = "mornings_and_afternoons"
    LATEST_BEFORE_EARLIEST = "latest_before_earliest"
    NOT_WAITING = "not_waiting"
    TIME_PASSED = "time_passed"
    # recalls
    RECALL_REASON_REQUIRED = "recall_reason_required"
    DUE_DATE_REQUIRED = "due_date_required"
    DUE_DATE_NOT_AFTER_TODAY = "due_date_not_after_today"
    OUTREACH_METHOD_INVALID = "outreach_method_invalid"
    OUTREACH_OUTCOME_REQUIRED = "outreach_outcome_required"
    RECALL_STATUS_INVALID = "recall_status_invalid"
    # the availability search
    PERIOD_TOO_LONG = "period_too_long"
