"""Reminders and other messages to patients: templates, queueing, sending, signed links.

How a reminder comes about
--------------------------
``queue_reminders(now)`` looks at every active ``ReminderRule`` ("72 hours before, by
e-mail"). Each scheduled or confirmed visit whose reminder time has come gets one
``ReminderMessage`` per rule; the unique constraint ``reminder_once_per_rule`` makes a
second run create nothing. The message is written from the practice's editable
``MessageTemplate`` in the patient's preferred language (English when there is none in
that language) and waits in the queue until it is due. ``send_queued_messages(now)``
sends what is due: e-mail through Django's e-mail backend, text messages through
``messaging.get_sms_backend()``, and marks each one sent or failed.

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
import html
import string
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Practice
from medoffice.patients.models import Consent, Patient
from medoffice.scheduling.messaging import SmsError, get_sms_backend
from medoffice.scheduling.models import (
    Appointment,
    AppointmentStatus,
    MessageChannel,
    MessageTemplate,
    ReminderMessage,
    ReminderRule,
    WaitlistEntry,
)
from medoffice.scheduling.models.outreach import MessageKind, MessageStatus, WaitlistStatus

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
DEFAULT_LANGUAGE = "en"
PATIENT_CANCEL_REASON = "cancelled by the patient from the reminder link"


# --- templates: placeholders, validation, rendering ------------------------------------------


def placeholders_in(text: str) -> list[str]:
    """The placeholders used in ``text`` in order; raises ValueError on a stray brace."""
    found = []
    for _literal, name, _spec, _conversion in string.Formatter().parse(text):
        if name is not None:
            found.append(name)
    return found


def validate_template_text(subject: str, body: str) -> None:
    """Raise ValidationError naming the field and the unknown placeholder, if any."""
    errors: dict[str, str] = {}
    for field_name, text in (("subject", subject), ("body", body)):
        try:
            names = placeholders_in(text or "")
        except ValueError:
            errors[field_name] = (
                "A “{” or “}” has no partner. Placeholders look like {patient_first_name}; "
                "write {{ or }} for a brace itself."
            )
            continue
        unknown = [n for n in names if n not in PLACEHOLDERS]
        if unknown:
            known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
            errors[field_name] = (
                f"Unknown placeholder {{{unknown[0]}}}. Use only these: {known}."
                if unknown[0]
                else f"An empty placeholder {{}} is not allowed. Use only these: {known}."
            )
    if not (body or "").strip():
        errors.setdefault("body", "Write the message text.")
    if errors:
        raise ValidationError(errors)


class _SafeValues(dict):
    """Known placeholders get their value; anything else stays visible as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_text(text: str, values: dict[str, Any]) -> str:
    """Fill the placeholders of ``text``; unknown ones and stray braces are left as written.

    Only plain names are filled (no attribute or index access), which is what
    ``str.format_map`` with a safe dict would do without its reach into objects.
    """
    safe = _SafeValues({k: "" if v is None else str(v) for k, v in values.items()})
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return text
    out = []
    for literal, name, spec, conversion in parts:
        out.append(literal)
        if name is None:
            continue
        if name in safe:
            out.append(safe[name])
        else:
            out.append(
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
    return "".join(out)


DEFAULT_TEMPLATES: dict[tuple[str, str, str], tuple[str, str]] = {
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
DEFAULT_RULES = ((72, MessageChannel.EMAIL), (24, MessageChannel.SMS))


def ensure_defaults() -> None:
    """Create the default templates that are missing; on the very first use also the rules."""
    first_use = not MessageTemplate.objects.exists()
    existing = set(MessageTemplate.objects.values_list("kind", "channel", "language"))
    missing = [
        MessageTemplate(kind=k, channel=c, language=lang, subject=subject, body=body)
        for (k, c, lang), (subject, body) in DEFAULT_TEMPLATES.items()
        if (str(k), str(c), lang) not in existing
    ]
    if missing:
        MessageTemplate.objects.bulk_create(missing, ignore_conflicts=True)
    if first_use and not ReminderRule.objects.exists():
        ReminderRule.objects.bulk_create(
            [ReminderRule(hours_before=h, channel=c) for h, c in DEFAULT_RULES],
            ignore_conflicts=True,
        )


def template_for(kind: str, channel: str, language: str) -> MessageTemplate:
    """The template in ``language``, falling back to English."""
    templates = {
        t.language: t
        for t in MessageTemplate.objects.filter(
            kind=kind, channel=channel, language__in=[language or DEFAULT_LANGUAGE, "en"]
        )
    }
    chosen = templates.get(language) or templates.get(DEFAULT_LANGUAGE)
    if chosen is None:
        ensure_defaults()
        chosen = MessageTemplate.objects.filter(
            kind=kind, channel=channel, language=DEFAULT_LANGUAGE
        ).first()
    if chosen is None:
        raise LookupError(f"No {kind} template for {channel}: add one under Reminders.")
    return chosen


# --- dates and times in the patient's language ------------------------------------------------

_WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
}
_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}


def format_date(day: dt.date, language: str) -> str:
    if language == "es":
        return f"{_WEEKDAYS['es'][day.weekday()]} {day.day} de {_MONTHS['es'][day.month - 1]}"
    return f"{_WEEKDAYS['en'][day.weekday()]}, {_MONTHS['en'][day.month - 1]} {day.day}"


def format_time(moment: dt.datetime, language: str) -> str:
    if language == "es":
        return f"{moment:%H:%M}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


# --- the practice, its zone and quiet hours ---------------------------------------------------


def _practice() -> Practice | None:
    return Practice.objects.order_by("pk").first()


def _zone(practice: Practice | None) -> ZoneInfo:
    return ZoneInfo(practice.time_zone if practice else settings.TIME_ZONE)


def after_quiet_hours(
    when: dt.datetime, zone: ZoneInfo, quiet_start: dt.time, quiet_end: dt.time
) -> dt.datetime:
    """``when``, or the end of the quiet hours it falls in (quiet from ``quiet_start`` to
    ``quiet_end`` local time, usually across midnight)."""
    if quiet_start == quiet_end:
        return when
    local = when.astimezone(zone)
    clock = local.time()
    if quiet_start > quiet_end:  # e.g. 20:00 → 08:00, across midnight
        if clock >= quiet_start:
            day = local.date() + dt.timedelta(days=1)
        elif clock < quiet_end:
            day = local.date()
        else:
            return when
    elif quiet_start <= clock < quiet_end:  # e.g. 00:00 → 07:00
        day = local.date()
    else:
        return when
    return dt.datetime.combine(day, quiet_end, tzinfo=zone).astimezone(dt.UTC)


# --- signed links --------------------------------------------------------------------------

LINK_PURPOSES = ("confirm", "cancel")


def _signer(purpose: str) -> signing.TimestampSigner:
    if purpose not in LINK_PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return signing.TimestampSigner(salt=f"medoffice.scheduling.patient-link.{purpose}")


def appointment_token(appointment: Appointment, purpose: str) -> str:
    return _signer(purpose).sign(str(appointment.pk))


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
        pk = int(_signer(purpose).unsign(token))
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
    local = start.astimezone(_zone(practice))
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
    practice = _practice()
    zone = _zone(practice)
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


def render_template(template: MessageTemplate, values: dict[str, Any]) -> tuple[str, str]:
    return render_text(template.subject, values), render_text(template.body, values)


# --- consent and channels ---------------------------------------------------------------------

CHANNELS = (MessageChannel.SMS, MessageChannel.EMAIL)


def reach(patient: Patient, channel: str) -> tuple[str, str]:
    """``(address, "")`` when ``channel`` may reach the patient, else ``("", reason)``."""
    consents = list(Consent.objects.filter(patient=patient, kind=channel))
    if channel == MessageChannel.SMS:
        if not patient.phone:
            return "", "no mobile phone number on file"
        if not any(c.revoked_on is None for c in consents):
            return "", "no current consent to text messages"
        return patient.phone, ""
    if channel == MessageChannel.EMAIL:
        if not patient.email:
            return "", "no e-mail address on file"
        latest = max(consents, key=lambda c: (c.given_on, c.pk), default=None)
        if latest is not None and latest.revoked_on is not None:
            return "", "the patient revoked their e-mail consent"
        return patient.email, ""
    return "", f"unknown channel {channel}"


def choose_channel(patient: Patient, wanted: str) -> tuple[str, str, str]:
    """``(channel, address, reason)``: ``wanted`` if it reaches the patient, else the
    patient's preferred electronic channel if that does, else ``("", "", reason)``."""
    address, reason = reach(patient, wanted)
    if address:
        return wanted, address, ""
    preferred = patient.preferred_contact
    if preferred in CHANNELS and preferred != wanted:
        other, _ = reach(patient, preferred)
        if other:
            return preferred, other, ""
    return "", "", reason


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
) -> ReminderMessage:
    patient = appointment.patient
    due = appointment.start - dt.timedelta(hours=rule.hours_before)
    message = ReminderMessage(
        kind=MessageKind.REMINDER,
        appointment=appointment,
        patient=patient,
        rule=rule,
        channel=rule.channel,
        scheduled_for=max(due, now),
    )

    def skip(reason: str) -> ReminderMessage:
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
            _zone(practice),
            practice.quiet_hours_start,
            practice.quiet_hours_end,
        )
        if when >= appointment.start:
            return skip("the end of the quiet hours is after the visit starts")
        message.scheduled_for = when
    return message


def queue_reminders(now: dt.datetime | None = None) -> QueueReport:
    """Create the reminders that have come due; running it twice creates nothing new."""
    now = now or timezone.now()
    ensure_defaults()
    report = QueueReport()
    rules = list(ReminderRule.objects.filter(is_active=True))
    if not rules:
        return report
    practice = _practice()
    closest = min(r.hours_before for r in rules)
    longest = max(r.hours_before for r in rules)
    appointments = list(
        Appointment.objects.filter(
            status__in=REMINDABLE, start__gt=now, start__lte=now + dt.timedelta(hours=longest)
        ).select_related("patient", "provider", "location", "appointment_type")
    )
    done = set(
        ReminderMessage.objects.filter(appointment__in=appointments, rule__in=rules).values_list(
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
                user=None,
                obj=message,
                patient_id=message.patient_id,
                data_category="message",
                detail=f"reminder {message.channel} {message.status}"
                + (f": {message.error}" if message.error else ""),
            )
    return report


def queue_waitlist_offer(
    entry: WaitlistEntry, appointment_or_slot: Any, now: dt.datetime | None = None
) -> ReminderMessage:
    """Tell a waiting patient that a time opened (call the practice to take it).

    ``appointment_or_slot`` is the freed appointment, or any object with ``start``,
    ``provider`` and ``location``. Marks the entry offered. The message goes by the
    patient's preferred channel when it can, else by the other one; when neither can
    reach the patient it is kept as skipped with the reason (the front desk calls).
    """
    now = now or timezone.now()
    practice = _practice()
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
    message = ReminderMessage(
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
                now, _zone(practice), practice.quiet_hours_start, practice.quiet_hours_end
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
            user=None,
            obj=message,
            patient_id=patient.pk,
            data_category="message",
            detail=f"waitlist offer {message.channel} {message.status}"
            + (f": {message.error}" if message.error else ""),
        )
    return message


# --- sending --------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _html(body: str) -> str:
    paragraphs = html.escape(body).split("\n\n")
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _still_wanted(message: ReminderMessage, now: dt.datetime) -> str:
    """Why a queued reminder must not go out any more, or ""."""
    appointment = message.appointment
    if message.kind != MessageKind.REMINDER or appointment is None:
        return ""
    if appointment.status not in REMINDABLE:
        return f"the visit is {appointment.get_status_display().lower()}"
    if appointment.start <= now:
        return "the visit has started"
    return ""


def send_queued_messages(now: dt.datetime | None = None, limit: int = 500) -> SendReport:
    """Send the queued messages that are due; each is claimed first so it goes out once."""
    now = now or timezone.now()
    report = SendReport()
    due = list(
        ReminderMessage.objects.filter(status=MessageStatus.QUEUED, scheduled_for__lte=now)
        .select_related("appointment")
        .order_by("scheduled_for", "pk")[:limit]
    )
    if not due:
        return report
    sms_backend = None
    mail_connection = None
    for message in due:
        reason = _still_wanted(message, now)
        if reason:
            updated = ReminderMessage.objects.filter(
                pk=message.pk, status=MessageStatus.QUEUED
            ).update(status=MessageStatus.SKIPPED, error=reason[:300])
            report.skipped += updated
            continue
        claimed = ReminderMessage.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
            status=MessageStatus.SENT, sent_at=now
        )
        if not claimed:  # another worker has it
            continue
        error = ""
        try:
            if message.channel == MessageChannel.SMS:
                sms_backend = sms_backend or get_sms_backend()
                sms_backend.send(message.to, message.body)
            else:
                mail_connection = mail_connection or get_connection()
                email = EmailMultiAlternatives(
                    subject=message.subject,
                    body=message.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[message.to],
                    connection=mail_connection,
                )
                email.attach_alternative(_html(message.body), "text/html")
                email.send()
        except SmsError as exc:
            error = str(exc)
        except Exception as exc:  # a mail server's failure, kept with the message
            error = f"{type(exc).__name__}: {exc}"
        if error:
            ReminderMessage.objects.filter(pk=message.pk).update(
                status=MessageStatus.FAILED, sent_at=None, error=error[:300]
            )
            report.failed += 1
        else:
            report.sent += 1
        record_event(
            AuditAction.CREATE,
            user=None,
            obj=message,
            patient_id=message.patient_id,
            data_category="message",
            detail=f"{message.kind} by {message.channel} "
            + ("failed" if error else "sent")
            + (f": {error}" if error else ""),
        )
    return report


def run_once(now: dt.datetime | None = None) -> tuple[QueueReport, SendReport]:
    """Queue what has come due, then send what is due: the periodic task's whole job."""
    now = now or timezone.now()
    return queue_reminders(now), send_queued_messages(now)


# --- the office manager's set-up -------------------------------------------------------------


def save_template(*, actor: Any, template: MessageTemplate) -> MessageTemplate:
    """Save a template after checking its placeholders; audited as a set-up change."""
    from medoffice.scheduling import services

    validate_template_text(template.subject, template.body)
    return services.save_setup(actor=actor, instance=template)


def save_rule(*, actor: Any, rule: ReminderRule) -> ReminderRule:
    from medoffice.scheduling import services

    return services.save_setup(actor=actor, instance=rule)


def delete_rule(*, actor: Any, rule: ReminderRule) -> None:
    from medoffice.scheduling import services

    services.delete_setup(actor=actor, instance=rule)
