"""Public pages (no log-in, no two-step): the patient's confirm/cancel links and the
providers' calendar feeds. Each URL is authorised by its signed token or secret alone.

The pages show no more than the first name, the date and time, the provider and the
location. Opening a link changes nothing (link previews in phones open links too);
only the button (a POST with its CSRF token) confirms or cancels.

Guessing a link is a log-in attempt: refused links and unknown feed addresses count
against the client address (``core.ratelimit``, ``PUBLIC_LINK_FAILURE_RATE``), and past
the rate every /p/ address answers 429 with Retry-After until the window has passed.
The refusals reach the audit log as one entry for the minute's first and one summary
with the count (``core.failures``), not one entry each.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from medoffice.core.audit import record_event
from medoffice.core.failures import record_anonymous_failure
from medoffice.core.middleware import client_ip
from medoffice.core.models import AuditAction, Location, Practice
from medoffice.core.permissions import SystemActor
from medoffice.core.ratelimit import FailureLimit
from medoffice.scheduling import ical, reminders, services
from medoffice.scheduling.models import Appointment, AppointmentStatus, Provider

CHANGEABLE = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)
# A patient confirming or cancelling through their own signed link: no staff user acts.
PATIENT_LINK = SystemActor("patient's own link")
# A calendar application fetching a provider's secret feed address.
CALENDAR_FEED = SystemActor("calendar feed")


def _practice_contact() -> tuple[str, str]:
    practice = Practice.current()
    name = str(practice) if practice else "The practice"
    phone = practice.phone if practice and practice.phone else ""
    if not phone:
        phone = (
            Location.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("phone", flat=True)
            .first()
            or ""
        )
    return name, phone


def failure_limit() -> FailureLimit:
    return FailureLimit("public-links", settings.PUBLIC_LINK_FAILURE_RATE)


def _kind(request: HttpRequest) -> tuple[str, str]:
    """The failure kind and audited object type of a /p/ address."""
    match = request.resolver_match
    if match is not None and match.url_name == "calendar-feed":
        return "calendar feed", "scheduling.provider"
    return "patient link", "scheduling.appointment"


def _refusal_page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    practice, phone = _practice_contact()
    return render(
        request,
        "scheduling/public/refused.html",
        {"title": title, "message": message, "practice": practice, "phone": phone},
        status=status,
    )


def _failed(request: HttpRequest, detail: str) -> None:
    """Count a refused link against the address; audited per minute (core/failures.py)."""
    failure_limit().record_failure(client_ip(request))
    kind, object_type = _kind(request)
    record_anonymous_failure(kind, action=AuditAction.READ, object_type=object_type, detail=detail)


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 429 with Retry-After, before the link is looked at, to an address past its
    refused links."""

    @wraps(view)
    def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        wait = failure_limit().wait(client_ip(request))
        if not wait:
            return view(request, *args, **kwargs)
        kind, object_type = _kind(request)
        record_anonymous_failure(
            kind,
            action=AuditAction.READ,
            object_type=object_type,
            detail=f"{kind}: refused by the rate limit unchecked",
            throttled=True,
        )
        minutes = math.ceil(wait / 60)
        response = _refusal_page(
            request,
            "Too many tries",
            "This connection has opened too many links that do not work. "
            + (
                f"Wait {wait} seconds and open your link again."
                if wait < 120
                else f"Wait {minutes} minutes and open your link again."
            ),
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response

    return limited


def _refused(request: HttpRequest, exc: reminders.LinkRefused, purpose: str) -> HttpResponse:
    _failed(request, f"patient link: {purpose} refused ({exc.status})")
    return _refusal_page(request, "Link not usable", exc.message, exc.status)


def _page(request: HttpRequest, appointment: Appointment, purpose: str, **extra: object):
    practice, phone = _practice_contact()
    local = appointment.start.astimezone(services.practice_zone())
    context = {
        "title": "Confirm your visit" if purpose == "confirm" else "Cancel your visit",
        "purpose": purpose,
        "first_name": appointment.patient.preferred_name or appointment.patient.first_name,
        "date": reminders.format_date(local.date(), "en"),
        "time": reminders.format_time(local, "en"),
        "provider": appointment.provider.short_name,
        "location": appointment.location.name,
        "phone": appointment.location.phone or phone,
        "practice": practice,
        "status": appointment.status,
        "changeable": appointment.status in CHANGEABLE,
        **extra,
    }
    return render(request, "scheduling/public/appointment.html", context)


@rate_limited
@require_http_methods(["GET", "POST"])
def appointment_link(request: HttpRequest, token: str, purpose: str) -> HttpResponse:
    now = timezone.now()
    try:
        appointment = reminders.appointment_from_token(token, purpose, now)
    except reminders.LinkRefused as exc:
        return _refused(request, exc, purpose)
    if request.method == "POST":
        try:
            if purpose == "confirm" and appointment.status == AppointmentStatus.SCHEDULED:
                services.change_status(
                    actor=PATIENT_LINK,
                    appointment=appointment,
                    to_status=AppointmentStatus.CONFIRMED,
                    note="patient link",
                    now=now,
                )
            elif purpose == "cancel" and appointment.status in CHANGEABLE:
                services.cancel_appointment(
                    actor=PATIENT_LINK,
                    appointment=appointment,
                    reason=reminders.PATIENT_CANCEL_REASON,
                    by_patient=True,
                    now=now,
                )
            else:
                return _page(request, appointment, purpose)
        except ValidationError as exc:
            return _page(request, appointment, purpose, problem=" ".join(exc.messages))
        record_event(
            AuditAction.UPDATE,
            user=PATIENT_LINK,
            obj=appointment,
            patient_id=appointment.patient_id,
            data_category="appointment",
            detail=f"patient link: {'confirmed' if purpose == 'confirm' else 'cancelled'}",
        )
        return redirect(request.path)
    record_event(
        AuditAction.READ,
        user=PATIENT_LINK,
        obj=appointment,
        patient_id=appointment.patient_id,
        data_category="appointment",
        detail=f"patient link: {purpose} page",
    )
    return _page(request, appointment, purpose)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return appointment_link(request, token, "confirm")


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    return appointment_link(request, token, "cancel")


@rate_limited
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    provider = Provider.objects.filter(feed_token=feed_token, is_active=True).first()
    if provider is None:
        _failed(request, "calendar feed: unknown address")
        raise Http404("No calendar feed at this address.")
    body, count = ical.provider_feed(provider, timezone.now())
    record_event(
        AuditAction.EXPORT,
        user=CALENDAR_FEED,
        obj=provider,
        data_category="calendar feed",
        detail=f"{count} visits",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
