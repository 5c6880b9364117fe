"""The appointment book's messages to patients: reminders, waitlist offers, signed links.

What is the appointment book's lives here: which visits are due a reminder, an
appointment's placeholders and links, the waitlist offer. Templates, consent, quiet
hours and sending are messaging's (``messaging.services``), which knows no appointment;
``register_message_kinds`` (called from ``SchedulingConfig.ready``) tells it about the
three kinds sent from here.

How a reminder comes about
--------------------------
``queue_reminders(now)`` looks at every active ``ReminderRule`` ("72 hours before, by
e-mail"). Each scheduled or confirmed visit whose reminder time has come gets one
``Message`` per rule; the unique constraint ``reminder_once_per_rule`` makes a
second run create nothing. The message is written from the practice's editable
``MessageTemplate`` in the patient's preferred language (English when there is none in
that language) and waits in the queue until it is due. ``send_queued_messages(now)``
sends what is due: e-mail through Django's e-mail backend, text messages through
``messaging.backends.get_sms_backend()``, and marks each one sent or failed.

Who gets what (the rules the office manager reads in docs/reminders.md):

- A text message needs a mobile phone number and a current (not revoked) text-message
  consent.
- An e-mail needs an e-mail address, and the patient must not have revoked their
  e-mail consent (the notice of privacy practices covers appointment e-mails).
- When a rule's channel cannot reach the patient, the patient's preferred contact
  method (e-mail or text) is used instead if that one can; otherwise the message is
  kept as "skipped" with the reason, so the front desk can see why and call.
- Quiet hours (the practice's "no messages after/before" times, in its time zone):
  a message that falls due in them waits until they end; when that would be after the
  visit has started, it is skipped.
- A visit booked after a rule's time (booked 30 hours ahead, 72-hour rule) skips that
  rule, except the rule closest to the visit, so every visit gets at least one reminder.

Messages never carry clinical content: the first name, date, time, provider, location,
visit type and the type's preparation text, and the links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Practice
from medoffice.core.permissions import Actor
from medoffice.messaging import kinds, links
from medoffice.messaging.models import (
    Message,
    MessageChannel,
    MessageKind,
    MessageStatus,
    ReminderRule,
)
from medoffice.messaging.services import (
    CHANNELS,
    DEFAULT_LANGUAGE,
    SendReport,
    after_quiet_hours,
    choose_channel,
    delete_rule,
    ensure_defaults,
    format_date,
    format_time,
    reach,
    render_template,
    render_text,
    save_rule,
    save_template,
    send_queued_messages,
    template_for,
    validate_template_text,
    zone_of,
)
from medoffice.patients.models import Patient
from medoffice.scheduling.choices import WaitlistStatus
from medoffice.scheduling.models import Appointment, AppointmentStatus, WaitlistEntry

PLACEHOLDERS: dict[str, str] = {
    "patient_first_name": "The patient's first name (the preferred name when there is one)",
    "practice": "The practice's name",
    "provider": "The provider (e.g. Dr Lee)",
    "location": "The location's name",
    "location_phone": "The location's phone number",
    "date": "The date of the visit",
    "time": "The time of the visit",
    "appointment_type": "The visit type (e.g. Annual physical)",
    "preparation": "The visit type's preparation text",
    "confirm_url": "The link that confirms the visit (reminders only)",
    "cancel_url": "The link that cancels the visit (reminders only)",
}
REMINDABLE = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)
PATIENT_CANCEL_REASON = "cancelled by the patient from the reminder link"


# --- templates: placeholders, validation, rendering ------------------------------------------


DEFAULT_TEMPLATES: dict[tuple[str, str, str], tuple[str, str]] = {  # (kind, channel, language)
    (MessageKind.REMINDER, MessageChannel.EMAIL, "en"): (
        "Reminder: your visit on {date}",
        "Hello {patient_first_name},\n\n"
        "This is a reminder of your {appointment_type} visit with {provider} on {date} "
        "at {time} at {location}.\n{preparation}\n\n"
        "Please confirm you are coming: {confirm_url}\n"
        "If you cannot come, cancel here: {cancel_url}\n\n"
        "To change the time, call us at {location_phone}.\n\n{practice}",
    ),
    (MessageKind.REMINDER, MessageChannel.SMS, "en"): (
        "",
        "{practice}: reminder of your visit with {provider} on {date} at {time}, {location}. "
        "Confirm: {confirm_url} Cancel: {cancel_url} Questions: {location_phone}",
    ),
    (MessageKind.REMINDER, MessageChannel.EMAIL, "es"): (
        "Recordatorio: su cita el {date}",
        "Hola {patient_first_name}:\n\n"
        "Le recordamos su cita ({appointment_type}) con {provider} el {date} a las {time} "
        "en {location}.\n{preparation}\n\n"
        "Confirme su asistencia aquí: {confirm_url}\n"
        "Si no puede venir, cancele aquí: {cancel_url}\n\n"
        "Para cambiar la hora, llámenos al {location_phone}.\n\n{practice}",
    ),
    (MessageKind.REMINDER, MessageChannel.SMS, "es"): (
        "",
        "{practice}: recordatorio de su cita con {provider} el {date} a las {time}, {location}. "
        "Confirmar: {confirm_url} Cancelar: {cancel_url} Preguntas: {location_phone}",
    ),
    (MessageKind.WAITLIST_OFFER, MessageChannel.EMAIL, "en"): (
        "An earlier visit is available",
        "Hello {patient_first_name},\n\n"
        "An earlier time has opened with {provider} on {date} at {time} at {location}.\n"
        "If you would like it, call us at {location_phone}. "
        "The first patient to call gets the time.\n\n{practice}",
    ),
    (MessageKind.WAITLIST_OFFER, MessageChannel.SMS, "en"): (
        "",
        "{practice}: an earlier visit opened with {provider} on {date} at {time}, {location}. "
        "Call {location_phone} to take it.",
    ),
    (MessageKind.WAITLIST_OFFER, MessageChannel.EMAIL, "es"): (
        "Hay una cita más temprana disponible",
        "Hola {patient_first_name}:\n\n"
        "Se abrió un horario más temprano con {provider} el {date} a las {time} en {location}.\n"
        "Si lo desea, llámenos al {location_phone}. "
        "La primera persona que llame obtiene la cita.\n\n{practice}",
    ),
    (MessageKind.WAITLIST_OFFER, MessageChannel.SMS, "es"): (
        "",
        "{practice}: se abrió una cita con {provider} el {date} a las {time}, {location}. "
        "Llame al {location_phone} para tomarla.",
    ),
    (MessageKind.RECALL, MessageChannel.EMAIL, "en"): (
        "Time to book your next visit",
        "Hello {patient_first_name},\n\nIt is time to book your next visit. "
        "Please call us at {location_phone}.\n\n{practice}",
    ),
    (MessageKind.RECALL, MessageChannel.SMS, "en"): (
        "",
        "{practice}: it is time to book your next visit. Call {location_phone}.",
    ),
}
# --- signed links --------------------------------------------------------------------------

LINK_PURPOSES = ("confirm", "cancel")


def _salt(purpose: str) -> str:
    if purpose not in LINK_PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return f"medoffice.scheduling.patient-link.{purpose}"


def appointment_token(appointment: Appointment, purpose: str) -> str:
    return links.sign(_salt(purpose), appointment.pk)


def patient_link(appointment: Appointment, purpose: str) -> str:
    """The absolute URL of the patient's confirm or cancel link for ``appointment``."""
    path = reverse(f"public:{purpose}", args=[appointment_token(appointment, purpose)])
    return f"{settings.PUBLIC_BASE_URL}{path}"


class LinkRefused(Exception):
    """A patient link that cannot be used; ``status`` is 400 (not valid) or 410 (expired)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def appointment_from_token(token: str, purpose: str, now: dt.datetime) -> Appointment:
    """The appointment a link is for; refused when tampered with or once the visit started."""
    try:
        pk = links.unsign(_salt(purpose), token)
    except (signing.BadSignature, ValueError) as exc:
        raise LinkRefused(
            400, "This link is not valid. It may have been copied incompletely."
        ) from exc
    appointment = (
        Appointment.objects.select_related("patient", "provider", "location", "appointment_type")
        .filter(pk=pk)
        .first()
    )
    if appointment is None:
        raise LinkRefused(400, "This link is not valid: the visit is no longer in our book.")
    if appointment.start <= now:
        raise LinkRefused(410, "This link has expired: the time of the visit has passed.")
    return appointment


# --- message values -------------------------------------------------------------------------


def _first_name(patient: Patient) -> str:
    return patient.preferred_name or patient.first_name


def slot_values(
    *,
    patient_first_name: str,
    provider: Any,
    location: Any,
    start: dt.datetime,
    appointment_type: Any,
    language: str,
    practice: Practice | None,
) -> dict[str, str]:
    local = start.astimezone(zone_of(practice))
    return {
        "patient_first_name": patient_first_name,
        "practice": str(practice) if practice else "",
        "provider": provider.short_name if provider is not None else "",
        "location": location.name if location is not None else "",
        "location_phone": (location.phone if location is not None else "")
        or (practice.phone if practice else ""),
        "date": format_date(local.date(), language),
        "time": format_time(local, language),
        "appointment_type": appointment_type.name if appointment_type is not None else "",
        "preparation": (appointment_type.preparation if appointment_type is not None else "") or "",
        "confirm_url": "",
        "cancel_url": "",
    }


def appointment_values(
    appointment: Appointment, language: str, practice: Practice | None
) -> dict[str, str]:
    values = slot_values(
        patient_first_name=_first_name(appointment.patient),
        provider=appointment.provider,
        location=appointment.location,
        start=appointment.start,
        appointment_type=appointment.appointment_type,
        language=language,
        practice=practice,
    )
    values["confirm_url"] = patient_link(appointment, "confirm")
    values["cancel_url"] = patient_link(appointment, "cancel")
    return values


def sample_values(language: str = "en") -> dict[str, str]:
    """Made-up values for the preview on the template page."""
    practice = Practice.current()
    zone = zone_of(practice)
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=3)
    start = dt.datetime.combine(day, dt.time(9, 30), tzinfo=zone)
    base = f"{settings.PUBLIC_BASE_URL}/p/a/SAMPLE"
    return {
        "patient_first_name": "Alex",
        "practice": str(practice) if practice else "The practice",
        "provider": "Dr Rivera",
        "location": "Main Street Clinic",
        "location_phone": "(413) 555-0100",
        "date": format_date(day, language),
        "time": format_time(start, language),
        "appointment_type": "Annual physical",
        "preparation": "Please bring your medication list.",
        "confirm_url": f"{base}/confirm/",
        "cancel_url": f"{base}/cancel/",
    }


# --- queueing -------------------------------------------------------------------------------


@dataclass
class QueueReport:
    queued: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)


def _reminder_for(
    appointment: Appointment,
    rule: ReminderRule,
    *,
    now: dt.datetime,
    practice: Practice | None,
    closest_hours: int,
) -> Message:
    patient = appointment.patient
    due = appointment.start - dt.timedelta(hours=rule.hours_before)
    message = Message(
        kind=MessageKind.REMINDER,
        appointment=appointment,
        patient=patient,
        rule=rule,
        channel=rule.channel,
        scheduled_for=max(due, now),
    )

    def skip(reason: str) -> Message:
        message.status = MessageStatus.SKIPPED
        message.error = reason[:300]
        return message

    if rule.hours_before != closest_hours and appointment.booked_at > due:
        return skip(
            f"booked less than {rule.hours_before} hours before the visit; "
            f"the {closest_hours}-hour reminder covers it"
        )
    channel, address, reason = choose_channel(patient, rule.channel)
    if not channel:
        return skip(reason)
    language = patient.preferred_language or DEFAULT_LANGUAGE
    template = template_for(MessageKind.REMINDER, channel, language)
    subject, body = render_template(
        template, appointment_values(appointment, template.language, practice)
    )
    message.channel, message.to = channel, address
    message.subject, message.body = subject[:120], body
    if practice is not None:
        when = after_quiet_hours(
            message.scheduled_for,
            zone_of(practice),
            practice.quiet_hours_start,
            practice.quiet_hours_end,
        )
        if when >= appointment.start:
            return skip("the end of the quiet hours is after the visit starts")
        message.scheduled_for = when
    return message


def queue_reminders(now: dt.datetime | None = None, *, actor: Actor) -> QueueReport:
    """Create the reminders that have come due; running it twice creates nothing new.

    ``actor`` is the run's system actor (the periodic task's, the command's), recorded
    on every message's audit entry.
    """
    now = now or timezone.now()
    ensure_defaults()
    report = QueueReport()
    rules = list(ReminderRule.objects.filter(is_active=True))
    if not rules:
        return report
    practice = Practice.current()
    closest = min(r.hours_before for r in rules)
    longest = max(r.hours_before for r in rules)
    appointments = list(
        Appointment.objects.filter(
            status__in=REMINDABLE, start__gt=now, start__lte=now + dt.timedelta(hours=longest)
        ).select_related("patient", "provider", "location", "appointment_type")
    )
    done = set(
        Message.objects.filter(appointment__in=appointments, rule__in=rules).values_list(
            "appointment_id", "rule_id"
        )
    )
    for appointment in appointments:
        for rule in rules:
            if (appointment.pk, rule.pk) in done:
                continue
            if appointment.start - dt.timedelta(hours=rule.hours_before) > now:
                continue
            message = _reminder_for(
                appointment, rule, now=now, practice=practice, closest_hours=closest
            )
            try:
                with transaction.atomic():
                    message.save()
            except IntegrityError:  # another run queued it a moment ago
                continue
            if message.status == MessageStatus.SKIPPED:
                report.skipped += 1
                report.reasons.append(message.error)
            else:
                report.queued += 1
            record_event(
                AuditAction.CREATE,
                user=actor,
                obj=message,
                patient_id=message.patient_id,
                data_category="message",
                detail=f"reminder {message.channel} {message.status}"
                + (f": {message.error}" if message.error else ""),
            )
    return report


def queue_waitlist_offer(
    entry: WaitlistEntry,
    appointment_or_slot: Any,
    now: dt.datetime | None = None,
    *,
    actor: Actor,
) -> Message:
    """Tell a waiting patient that a time opened (call the practice to take it).

    ``appointment_or_slot`` is the freed appointment, or any object with ``start``,
    ``provider`` and ``location``. Marks the entry offered. The message goes by the
    patient's preferred channel when it can, else by the other one; when neither can
    reach the patient it is kept as skipped with the reason (the front desk calls).
    """
    now = now or timezone.now()
    practice = Practice.current()
    patient = entry.patient
    slot = appointment_or_slot
    start = slot.start
    preferred = patient.preferred_contact
    order = [preferred] if preferred in CHANNELS else []
    order += [c for c in (MessageChannel.SMS, MessageChannel.EMAIL) if c not in order]
    channel, address, reasons = "", "", []
    for candidate in order:
        address, reason = reach(patient, candidate)
        if address:
            channel = candidate
            break
        reasons.append(reason)
    message = Message(
        kind=MessageKind.WAITLIST_OFFER,
        patient=patient,
        channel=channel or (order[0] if order else MessageChannel.SMS),
        to=address,
        scheduled_for=now,
    )
    if not channel:
        message.status = MessageStatus.SKIPPED
        message.error = ("; ".join(reasons) + " — call the patient")[:300]
    else:
        language = patient.preferred_language or DEFAULT_LANGUAGE
        template = template_for(MessageKind.WAITLIST_OFFER, channel, language)
        values = slot_values(
            patient_first_name=_first_name(patient),
            provider=getattr(slot, "provider", None),
            location=getattr(slot, "location", None),
            start=start,
            appointment_type=getattr(slot, "appointment_type", None),
            language=template.language,
            practice=practice,
        )
        message.subject, message.body = render_template(template, values)
        message.subject = message.subject[:120]
        if practice is not None:
            when = after_quiet_hours(
                now, zone_of(practice), practice.quiet_hours_start, practice.quiet_hours_end
            )
            if when >= start:
                message.status = MessageStatus.SKIPPED
                message.error = "the end of the quiet hours is after the open time — call"
            message.scheduled_for = when
    with transaction.atomic():
        message.save()
        if entry.status == WaitlistStatus.WAITING or entry.offered_at is None:
            entry.status = WaitlistStatus.OFFERED
            entry.offered_at = entry.offered_at or now
            entry.save(update_fields=["status", "offered_at"])
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=message,
            patient_id=patient.pk,
            data_category="message",
            detail=f"waitlist offer {message.channel} {message.status}"
            + (f": {message.error}" if message.error else ""),
        )
    return message


# --- sending --------------------------------------------------------------------------------


def still_wanted(message: Message, now: dt.datetime) -> str:
    """Why a queued reminder must not go out any more, or ""."""
    appointment = message.appointment
    if message.kind != MessageKind.REMINDER or appointment is None:
        return ""
    if appointment.status not in REMINDABLE:
        return f"the visit is {appointment.get_status_display().lower()}"
    if appointment.start <= now:
        return "the visit has started"
    return ""


def run_once(now: dt.datetime | None = None, *, actor: Actor) -> tuple[QueueReport, SendReport]:
    """Queue what has come due, then send what is due: the periodic task's whole job."""
    now = now or timezone.now()
    return queue_reminders(now, actor=actor), send_queued_messages(now, actor=actor)


def register_message_kinds() -> None:
    """Tell messaging about the appointment book's messages: their placeholders, default
    texts, preview values and the check that a queued reminder is still wanted."""
    for kind in (MessageKind.REMINDER, MessageKind.WAITLIST_OFFER, MessageKind.RECALL):
        kinds.register_kind(
            kinds.MessageKindSpec(
                kind=kind,
                placeholders=PLACEHOLDERS,
                defaults={
                    (channel, language): text
                    for (k, channel, language), text in DEFAULT_TEMPLATES.items()
                    if k == kind
                },
                sample_values=sample_values,
                still_wanted=still_wanted,
            )
        )


__all__ = [
    "PATIENT_CANCEL_REASON",
    "PLACEHOLDERS",
    "LinkRefused",
    "QueueReport",
    "SendReport",
    "after_quiet_hours",
    "appointment_from_token",
    "appointment_token",
    "appointment_values",
    "choose_channel",
    "delete_rule",
    "ensure_defaults",
    "format_date",
    "format_time",
    "patient_link",
    "queue_reminders",
    "queue_waitlist_offer",
    "reach",
    "register_message_kinds",
    "render_template",
    "render_text",
    "run_once",
    "sample_values",
    "save_rule",
    "save_template",
    "send_queued_messages",
    "slot_values",
    "still_wanted",
    "validate_template_text",
]
