"""What the front desk's reads share: the user's locations, local times, links into the
book."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from medoffice.core.models import Location, User
from medoffice.frontdesk.choices import (
    CHANGE_BOOK,
    S,
)
from medoffice.scheduling.models import (
    Appointment,
)


def user_locations(user: User) -> list[Location]:
    return list(Location.objects.used_by(user).filter(is_active=True).order_by("name"))


def _local(day: dt.date, at: dt.time, tz: Any) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=tz)


def booking_url(**params: Any) -> str:
    """The appointment book's booking form, prefilled."""
    base = reverse("scheduling:book")
    return base + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def find_slot_url(**params: Any) -> str:
    """The appointment book's find-a-slot page, prefilled."""
    base = reverse("scheduling:find")
    return base + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def appointment_url(user: User, appointment: Appointment) -> str:
    if user.has_perm(CHANGE_BOOK):
        if appointment.status in {S.WITH_PROVIDER, S.CHECKOUT, S.COMPLETED}:
            return reverse("frontdesk:check-out", args=[appointment.pk])
        return reverse("frontdesk:check-in", args=[appointment.pk])
    return reverse("frontdesk:flow") + f"?location={appointment.location_id}#appt-{appointment.pk}"
