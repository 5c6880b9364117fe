"""The patient flow board: today's visits by status, timed against the alert thresholds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from medoffice.core.models import Location, User
from medoffice.frontdesk.choices import (
    CHANGE_BOOK,
    CHANGE_FLOW,
    FLOW_ALERT_MINUTES,
    FLOW_COLUMNS,
    MOVE_LABELS,
    SCHEDULED_LATE_MINUTES,
    STATUS_BADGES,
    STATUS_SINCE,
    S,
)
from medoffice.frontdesk.selectors.common import (
    _local,
)
from medoffice.patients.selectors import alert_labels, alerts_prefetch
from medoffice.scheduling import selectors, services
from medoffice.scheduling.models import (
    Appointment,
    Resource,
)

# --- the flow board ------------------------------------------------------------------


def _minutes(since: dt.datetime | None, now: dt.datetime) -> int | None:
    if since is None:
        return None
    return max(0, int((now - since).total_seconds() // 60))


def alert_level(status: str, minutes: int | None) -> str:
    """ "ok", "amber" or "red" for a visit this many minutes in ``status``."""
    if minutes is None:
        return "ok"
    amber, red = FLOW_ALERT_MINUTES.get(status, (None, None))
    if status in {S.SCHEDULED, S.CONFIRMED}:
        amber, red = SCHEDULED_LATE_MINUTES
    if red is not None and minutes > red:
        return "red"
    if amber is not None and minutes > amber:
        return "amber"
    return "ok"


def _moves_for(user: User, appointment: Appointment) -> list[dict[str, str]]:
    moves = []
    for target in services.FLOW_TRANSITIONS.get(appointment.status, set()):
        if target in {S.CONFIRMED, S.ARRIVED}:
            continue  # arrival goes through the check-in page
        if not user.has_perm(CHANGE_FLOW):
            continue
        moves.append({"status": target, "label": MOVE_LABELS.get(target, target)})
    order = [s for _, _, group in FLOW_COLUMNS for s in group]
    return sorted(moves, key=lambda m: order.index(m["status"]))


def flow_board_context(user: User, location: Location | None, now: dt.datetime) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    today = now.astimezone(tz).date()
    start = _local(today, dt.time.min, tz)
    appointments = (
        list(
            selectors.appointments_between(user, start, start + dt.timedelta(days=1))
            .filter(location=location, start__gte=start)
            .exclude(status__in=[S.CANCELLED, S.NO_SHOW])
            .prefetch_related(alerts_prefetch(user))
        )
        if location
        else []
    )
    rooms = (
        list(
            Resource.objects.restrict(user, "view").filter(
                location=location, kind="room", is_active=True
            )
        )
        if location
        else []
    )
    can_check_in = user.has_perm(CHANGE_BOOK)
    columns = []
    for key, heading, statuses in FLOW_COLUMNS:
        cards = []
        for a in appointments:
            if a.status not in statuses:
                continue
            since_field = STATUS_SINCE.get(a.status)
            since = getattr(a, since_field) if since_field else None
            in_status = _minutes(since, now)
            if a.status in {S.SCHEDULED, S.CONFIRMED}:
                late_by = _minutes(a.start, now) if a.start < now else None
                level = alert_level(a.status, late_by)
            else:
                level = alert_level(a.status, in_status)
            finished = a.status in {S.COMPLETED, S.LEFT_WITHOUT_BEING_SEEN}
            total_end = a.completed_at if finished and a.completed_at else now
            cards.append(
                {
                    "a": a,
                    "patient": f"{a.patient.last_name}, {a.patient.first_name}",
                    "alerts": alert_labels(a.patient),
                    "time": a.start.astimezone(tz),
                    "in_status": None if finished else in_status,
                    "total": _minutes(a.arrived_at, total_end) if a.arrived_at else None,
                    "level": "ok" if finished else level,
                    "moves": _moves_for(user, a),
                    "check_in_url": reverse("frontdesk:check-in", args=[a.pk])
                    if can_check_in and a.status in {S.SCHEDULED, S.CONFIRMED}
                    else "",
                    "check_out_url": reverse("frontdesk:check-out", args=[a.pk])
                    if can_check_in and a.status in {S.WITH_PROVIDER, S.CHECKOUT}
                    else "",
                    "symbol": STATUS_BADGES.get(a.status, ("", ""))[0],
                }
            )
        columns.append({"key": key, "heading": heading, "cards": cards})
    return {
        "columns": columns,
        "rooms": rooms,
        "location": location,
        "now": now.astimezone(tz),
        "legend": flow_legend(),
    }


def flow_legend() -> list[tuple[str, int, int]]:
    """The alert thresholds as the board's legend prints them."""
    names: dict[str, str] = {
        S.ARRIVED: "Arrived (waiting room)",
        S.ROOMED: "Roomed (waiting for the provider)",
        S.WITH_PROVIDER: "With provider",
        S.CHECKOUT: "Check-out",
    }
    return [("Scheduled (not here yet, past the start time)", *SCHEDULED_LATE_MINUTES)] + [
        (names[status], amber, red) for status, (amber, red) in FLOW_ALERT_MINUTES.items()
    ]
