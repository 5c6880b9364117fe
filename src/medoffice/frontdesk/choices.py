"""The front desk's fixed figures: status badges, the flow board's columns and alert
thresholds, the grid's steps, and the permissions its pages check."""

from __future__ import annotations

import datetime as dt

from medoffice.core.roles import Permission
from medoffice.scheduling.models import AppointmentStatus

S = AppointmentStatus
VIEW_BOOK = Permission.VIEW_APPOINTMENT
CHANGE_BOOK = Permission.CHANGE_APPOINTMENT
CHANGE_FLOW = Permission.CHANGE_FLOW
STEPS = (5, 15)
DEFAULT_STEP = 15
DEFAULT_HOURS = (dt.time(8), dt.time(17))

# Status badges of the day/week views and the flow board: (symbol, css class).
STATUS_BADGES: dict[str, tuple[str, str]] = {
    S.SCHEDULED: ("○", "text-bg-light"),
    S.CONFIRMED: ("✓", "text-bg-info"),
    S.ARRIVED: ("➜", "text-bg-primary"),
    S.ROOMED: ("▣", "text-bg-warning"),
    S.WITH_PROVIDER: ("✚", "text-bg-success"),
    S.CHECKOUT: ("$", "text-bg-secondary"),
    S.COMPLETED: ("✔", "text-bg-dark"),
    S.LEFT_WITHOUT_BEING_SEEN: ("✗", "text-bg-danger"),
    S.NO_SHOW: ("∅", "text-bg-danger"),
    S.CANCELLED: ("—", "text-bg-light"),
}

# The flow board's alert thresholds: minutes in a status before the card turns
# amber and red. The office manager's figures; docs/front-desk.md prints them.
FLOW_ALERT_MINUTES: dict[str, tuple[int, int]] = {
    S.ARRIVED: (15, 30),
    S.ROOMED: (20, 40),
    S.WITH_PROVIDER: (45, 60),
    S.CHECKOUT: (10, 20),
}
# A visit still "scheduled" this many minutes after its start is shown as late.
SCHEDULED_LATE_MINUTES = (10, 20)

# The flow board's columns: (key, heading, statuses shown in it).
FLOW_COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("scheduled", "Scheduled", (S.SCHEDULED, S.CONFIRMED)),
    ("arrived", "Arrived", (S.ARRIVED,)),
    ("roomed", "Roomed", (S.ROOMED,)),
    ("with_provider", "With provider", (S.WITH_PROVIDER,)),
    ("checkout", "Check-out", (S.CHECKOUT,)),
    ("completed", "Done", (S.COMPLETED,)),
    ("lwbs", "Left without being seen", (S.LEFT_WITHOUT_BEING_SEEN,)),
]
# The time a visit entered each status (the flow board's "time in status").
STATUS_SINCE: dict[str, str] = {
    S.ARRIVED: "arrived_at",
    S.ROOMED: "roomed_at",
    S.WITH_PROVIDER: "with_provider_at",
    S.CHECKOUT: "checkout_at",
    S.COMPLETED: "completed_at",
    S.LEFT_WITHOUT_BEING_SEEN: "completed_at",
}
MOVE_LABELS: dict[str, str] = {
    S.ROOMED: "Room",
    S.WITH_PROVIDER: "With provider",
    S.CHECKOUT: "To check-out",
    S.COMPLETED: "Done",
    S.LEFT_WITHOUT_BEING_SEEN: "Left without being seen",
}
