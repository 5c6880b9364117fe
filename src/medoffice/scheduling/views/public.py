"""Public pages (no log-in, no two-step): the patient's confirm/cancel links and the
providers' calendar feeds. Each URL is authorised by its signed token or secret alone.

The pages show no more than the first name, the date and time, the provider and the
location. Opening a link changes nothing (link previews in phones open links too);
only the button (a POST with its CSRF token) confirms or cancels.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditOutcome, Location, Practice
from medoffice.scheduling import ical, reminders, services
from medoffice.scheduling.models import Appointment, AppointmentStatus, Provider

CHANGEABLE = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)


def _practice_contact() -> tuple[str, str]:
    practice = Practice.objects.order_by("pk").first()
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


def _refused(request: HttpRequest, exc: reminders.LinkRefused, purpose: str) -> HttpResponse:
    record_event(
        AuditAction.READ,
        user=None,
        object_type="scheduling.appointment",
        data_category="appointment",
        outcome=AuditOutcome.FAILURE,
        detail=f"patient link: {purpose} refused ({exc.status})",
    )
    practice, phone = _practice_contact()
    return render(
        request,
        "scheduling/public/refused.html",
        {"title": "Link not usable", "message": exc.message, "practice": practice, "phone": phone},
        status=exc.status,
    )


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
                    actor=None,
                    appointment=appointment,
                    to_status=AppointmentStatus.CONFIRMED,
                    note="patient link",
                    now=now,
                )
            elif purpose == "cancel" and appointment.status in CHANGEABLE:
                services.cancel_appointment(
                    actor=None,
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
            user=None,
            obj=appointment,
            patient_id=appointment.patient_id,
            data_category="appointment",
            detail=f"patient link: {'confirmed' if purpose == 'confirm' else 'cancelled'}",
        )
        return redirect(request.path)
    record_event(
        AuditAction.READ,
        user=None,
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


@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    provider = Provider.objects.filter(feed_token=feed_token, is_active=True).first()
    if provider is None:
        raise Http404("No calendar feed at this address.")
    body, count = ical.provider_feed(provider, timezone.now())
    record_event(
        AuditAction.EXPORT,
        user=None,
        obj=provider,
        data_category="calendar feed",
        detail=f"{count} visits",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
