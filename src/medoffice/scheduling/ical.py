"""A provider's appointments as an iCalendar feed (RFC 5545) for their phone or calendar app.

The feed lives at a secret URL (``Provider.feed_token``) that calendar apps fetch
without logging in, so it carries no PHI by default: each event's title is the
patient's initials and the visit type ("J.S. – Established visit"), its place the
location's name. Thirty days back and sixty days ahead; cancelled visits and
no-shows are left out.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from icalendar import Calendar, Event

from medoffice.core.models import User
from medoffice.core.roles import Permission
from medoffice.scheduling.models import Appointment, AppointmentStatus, Provider
from medoffice.scheduling.models.appointments import ACTIVE_STATUSES

DAYS_BACK = 30
DAYS_AHEAD = 60
PRODID = "-//MedOffice//Appointment book//EN"


def initials(first_name: str, last_name: str) -> str:
    """``J.S.`` for John Smith: the first letter of each name, nothing more."""
    letters = [name.strip()[:1].upper() for name in (first_name, last_name) if name.strip()]
    return "".join(f"{letter}." for letter in letters) or "?"


def event_uid(appointment: Appointment) -> str:
    host = settings.PUBLIC_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"appointment-{appointment.pk}@{host or 'medoffice'}"


def feed_appointments(provider: Provider, now: dt.datetime) -> list[Appointment]:
    statuses = [s.value for s in ACTIVE_STATUSES] + [
        AppointmentStatus.COMPLETED,
        AppointmentStatus.LEFT_WITHOUT_BEING_SEEN,
    ]
    return list(
        Appointment.objects.filter(
            provider=provider,
            status__in=set(statuses),
            start__gte=now - dt.timedelta(days=DAYS_BACK),
            start__lt=now + dt.timedelta(days=DAYS_AHEAD),
        )
        .select_related("patient", "location", "appointment_type")
        .order_by("start")
    )


def provider_feed(provider: Provider, now: dt.datetime) -> tuple[bytes, int]:
    """The feed as bytes and the number of events in it."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{provider.short_name} – appointments")
    appointments = feed_appointments(provider, now)
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    for appointment in appointments:
        event = Event()
        event.add("uid", event_uid(appointment))
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.start.astimezone(dt.UTC))
        event.add("dtend", appointment.end.astimezone(dt.UTC))
        who = initials(appointment.patient.first_name, appointment.patient.last_name)
        event.add("summary", f"{who} – {appointment.appointment_type.name}")
        event.add("location", appointment.location.name)
        event.add(
            "status",
            "CONFIRMED" if appointment.status != AppointmentStatus.SCHEDULED else "TENTATIVE",
        )
        event.add("last-modified", appointment.updated_at.astimezone(dt.UTC).replace(microsecond=0))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical(), len(appointments)


def regenerate_feed_token(*, actor: User, provider: Provider) -> Provider:
    """Give the feed a new secret address (the old one stops working); the office manager
    or the provider themself."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from medoffice.core.audit import record_event
    from medoffice.core.models import AuditAction
    from medoffice.scheduling.models.calendar import new_feed_token

    own = provider.user_id is not None and getattr(actor, "pk", None) == provider.user_id
    if not (own or actor.has_perm(Permission.CHANGE_SCHEDULE)):
        raise PermissionDenied("Only the office manager or the provider can change this feed.")
    with transaction.atomic():
        provider.feed_token = new_feed_token()
        provider.save(update_fields=["feed_token"])
        record_event(
            AuditAction.SECURITY,
            user=actor,
            obj=provider,
            data_category="calendar feed",
            detail="calendar feed address regenerated",
        )
    return provider
