"""Writes for the appointment book, one module per part of the work.

- ``booking``: book, cancel, no-show, reschedule, recurring series; double booking
  is impossible at the database (``SlotClaim``, see the module).
- ``flow``: the patient's way through the visit, arrival to check-out (check-in with
  its copay is the front desk's: ``frontdesk.services.check_in``).
- ``waitlist``: matching waiting patients to freed time, offers.
- ``recalls``: recalls and their outreach.
- ``setup``: the office manager's set-up (templates, closures, types, rules).
- ``common``: what they share (permission checks, time zone, granules, status history).

Callers import the package: ``from medoffice.scheduling import services``.
"""

from medoffice.core.models import practice_zone
from medoffice.scheduling.services.booking import (
    SeriesOccurrence,
    book_appointment,
    book_series,
    cancel_appointment,
    closed_reason,
    mark_no_show,
    plan_series,
    reschedule_appointment,
    validate_booking,
)
from medoffice.scheduling.services.common import SlotTaken, granules
from medoffice.scheduling.services.flow import (
    FLOW_TRANSITIONS,
    LATE_ARRIVAL_MINUTES,
    STATUS_TIMESTAMP,
    change_status,
)
from medoffice.scheduling.services.recalls import (
    OUTREACH_METHODS,
    create_recall,
    record_recall_outreach,
    set_recall_status,
)
from medoffice.scheduling.services.setup import (
    delete_setup,
    overlapping_blocks,
    save_setup,
    save_template_block,
)
from medoffice.scheduling.services.waitlist import (
    MIN_OFFER_MINUTES,
    FreedTime,
    add_to_waitlist,
    entry_matches,
    freed_time_is_open,
    freed_time_left,
    freed_times_open,
    offer_slot_to_waitlist,
    remove_from_waitlist,
    waitlist_matches,
)

__all__ = [
    "FLOW_TRANSITIONS",
    "LATE_ARRIVAL_MINUTES",
    "MIN_OFFER_MINUTES",
    "OUTREACH_METHODS",
    "STATUS_TIMESTAMP",
    "FreedTime",
    "SeriesOccurrence",
    "SlotTaken",
    "add_to_waitlist",
    "book_appointment",
    "book_series",
    "cancel_appointment",
    "change_status",
    "closed_reason",
    "create_recall",
    "delete_setup",
    "entry_matches",
    "freed_time_is_open",
    "freed_time_left",
    "freed_times_open",
    "granules",
    "mark_no_show",
    "offer_slot_to_waitlist",
    "overlapping_blocks",
    "plan_series",
    "practice_zone",
    "record_recall_outreach",
    "remove_from_waitlist",
    "reschedule_appointment",
    "save_setup",
    "save_template_block",
    "set_recall_status",
    "validate_booking",
    "waitlist_matches",
]
