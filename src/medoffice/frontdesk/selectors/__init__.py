"""Reads of the front desk: the day and week grids (``grid``), the flow board (``board``),
what check-in and check-out show, today's summary for the home page. Scoped to the user
through the scheduling selectors and restricted querysets; the views render what these
return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils import timezone

from medoffice.core.models import User
from medoffice.frontdesk.selectors.board import alert_level, flow_board_context, flow_legend
from medoffice.frontdesk.selectors.common import (
    appointment_url,
    booking_url,
    find_slot_url,
    user_locations,
)
from medoffice.frontdesk.selectors.grid import build_cells, day_grid, week_grid
from medoffice.patients.models import ConsentKind
from medoffice.scheduling import selectors
from medoffice.scheduling.models import Appointment


def coverage_summary(patient: Any, day: dt.date) -> dict[str, Any]:
    coverages = list(patient.coverages.filter(is_active=True).select_related("payer"))
    covering = [c for c in coverages if c.covers(day)]
    primary = next((c for c in covering if c.order == 1), covering[0] if covering else None)
    return {
        "coverages": coverages,
        "covering": covering,
        "primary": primary,
        "copay": primary.copay if primary and primary.copay else None,
    }


REQUIRED_CONSENTS = (ConsentKind.PRIVACY_NOTICE, ConsentKind.FINANCIAL_POLICY)


def consent_summary(patient: Any) -> dict[str, Any]:
    consents = list(patient.consents.all())
    current = {c.kind for c in consents if c.is_current}
    missing = [(k.value, k.label) for k in REQUIRED_CONSENTS if k.value not in current]
    return {"consents": consents, "missing": missing, "current": current}


# --- check-out -----------------------------------------------------------------------


FOLLOW_UP_OFFERS = 6
# The follow-up search looks this many days ahead (a week first), widening only if it found fewer
# than FOLLOW_UP_OFFERS times: reading 90 days of the book costs far more than one week,
# and the first times of a short window are the first times of the long one.
FOLLOW_UP_WINDOWS = (7, 90)


def follow_up_slots(appointment: Appointment, now: dt.datetime) -> list[dict[str, Any]]:
    """The first FOLLOW_UP_OFFERS open times with the visit's provider and location, from
    tomorrow to 90 days ahead."""
    tz = timezone.get_current_timezone()
    start_date = now.astimezone(tz).date() + dt.timedelta(days=1)
    slots: list[Any] = []
    for days in FOLLOW_UP_WINDOWS:
        slots = selectors.open_slots(
            appointment.appointment_type,
            start_date=start_date,
            end_date=start_date + dt.timedelta(days=days),
            provider_ids=[appointment.provider_id],
            location_ids=[appointment.location_id],
            limit=FOLLOW_UP_OFFERS,
            now=now,
        )
        if len(slots) >= FOLLOW_UP_OFFERS:
            break
    return [{"start": s.start.astimezone(tz), "value": s.start.isoformat()} for s in slots]


def today_summary(user: User) -> dict[str, int]:
    """Today's visits in the user's locations, by where they are in the day."""
    local_now = timezone.localtime()
    start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    counts = dict(
        selectors.appointments_between(user, start, start + dt.timedelta(days=1))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    waiting = counts.get("arrived", 0) + counts.get("roomed", 0)
    return {
        "booked": sum(n for status, n in counts.items() if status != "cancelled"),
        "to_come": counts.get("scheduled", 0) + counts.get("confirmed", 0),
        "waiting": waiting,
        "with_provider": counts.get("with_provider", 0),
        "done": counts.get("completed", 0) + counts.get("checkout", 0),
        "no_show": counts.get("no_show", 0),
    }


__all__ = [
    "REQUIRED_CONSENTS",
    "alert_level",
    "appointment_url",
    "booking_url",
    "build_cells",
    "consent_summary",
    "coverage_summary",
    "day_grid",
    "find_slot_url",
    "flow_board_context",
    "flow_legend",
    "follow_up_slots",
    "today_summary",
    "user_locations",
    "week_grid",
]
