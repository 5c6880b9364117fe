"""Messaging's services: templates and their placeholders, the patient's channel (consent),
quiet hours, and sending what is queued. Nothing here knows what a message is about: the
kinds of message (reminders, waitlist offers, recalls…) are registered by the apps that
send them (``messaging.kinds``), with their placeholders, default texts and the check that
a queued message is still wanted.

Sending: ``send_queued_messages(now)`` sends what is due, e-mail through Django's e-mail
backend, text messages through ``backends.get_sms_backend()``, and marks each one sent or
failed; each message is claimed first so it goes out once, whatever the number of workers.
"""

from __future__ import annotations

import datetime as dt
import html
import string
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from medoffice.core.audit import record_change, record_event
from medoffice.core.models import AuditAction, Practice
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission
from medoffice.messaging import kinds
from medoffice.messaging.backends import SmsError, get_sms_backend
from medoffice.messaging.error_codes import MessagingErrorCode as Code
from medoffice.messaging.models import (
    Message,
    MessageChannel,
    MessageStatus,
    MessageTemplate,
    ReminderRule,
)
from medoffice.patients.models import Consent, Patient

DEFAULT_LANGUAGE = "en"
DEFAULT_RULES = ((72, MessageChannel.EMAIL), (24, MessageChannel.SMS))

# --- templates and placeholders ---------------------------------------------------------------


def placeholders_in(text: str) -> list[str]:
    """The placeholders used in ``text`` in order; raises ValueError on a stray brace."""
    found = []
    for _literal, name, _spec, _conversion in string.Formatter().parse(text):
        if name is not None:
            found.append(name)
    return found


def validate_template_text(subject: str, body: str) -> None:
    """Raise ValidationError naming the field and the unknown placeholder, if any."""
    errors: dict[str, ValidationError] = {}
    for field_name, text in (("subject", subject), ("body", body)):
        try:
            names = placeholders_in(text or "")
        except ValueError:
            errors[field_name] = ValidationError(
                "A “{” or “}” has no partner. Placeholders look like {patient_first_name}; "
                "write {{ or }} for a brace itself.",
                code=Code.UNMATCHED_BRACE,
            )
            continue
        placeholders = kinds.all_placeholders()
        unknown = [n for n in names if n not in placeholders]
        if unknown:
            known = ", ".join("{" + n + "}" for n in placeholders)
            errors[field_name] = (
                ValidationError(
                    f"Unknown placeholder {{{unknown[0]}}}. Use only these: {known}.",
                    code=Code.UNKNOWN_PLACEHOLDER,
                )
                if unknown[0]
                else ValidationError(
                    f"An empty placeholder {{}} is not allowed. Use only these: {known}.",
                    code=Code.EMPTY_PLACEHOLDER,
                )
            )
    if not (body or "").strip():
        errors.setdefault(
            "body", ValidationError("Write the message text.", code=Code.BODY_REQUIRED)
        )
    if errors:
        raise ValidationError(errors)


class _SafeValues(dict[str, Any]):
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


def ensure_defaults() -> None:
    """Create the default templates that are missing; on the very first use also the rules."""
    first_use = not MessageTemplate.objects.exists()
    existing = set(MessageTemplate.objects.values_list("kind", "channel", "language"))
    missing = [
        MessageTemplate(kind=k, channel=c, language=lang, subject=subject, body=body)
        for (k, c, lang), (subject, body) in kinds.default_texts()
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


def render_template(template: MessageTemplate, values: dict[str, Any]) -> tuple[str, str]:
    return render_text(template.subject, values), render_text(template.body, values)


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


def zone_of(practice: Practice | None) -> ZoneInfo:
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


# --- sending --------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _html(body: str) -> str:
    paragraphs = html.escape(body).split("\n\n")
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def send_queued_messages(
    now: dt.datetime | None = None, limit: int = 500, *, actor: Actor
) -> SendReport:
    """Send the queued messages that are due; each is claimed first so it goes out once.

    ``actor`` (the run's system actor) is recorded on every message's audit entry.
    """
    now = now or timezone.now()
    report = SendReport()
    due = list(
        Message.objects.filter(status=MessageStatus.QUEUED, scheduled_for__lte=now).order_by(
            "scheduled_for", "pk"
        )[:limit]
    )
    if not due:
        return report
    sms_backend = None
    mail_connection = None
    for message in due:
        reason = kinds.why_not_any_more(message, now)
        if reason:
            updated = Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
                status=MessageStatus.SKIPPED, error=reason[:300]
            )
            report.skipped += updated
            continue
        claimed = Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
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
            Message.objects.filter(pk=message.pk).update(
                status=MessageStatus.FAILED, sent_at=None, error=error[:300]
            )
            report.failed += 1
        else:
            report.sent += 1
        record_event(
            AuditAction.CREATE,
            user=actor,
            obj=message,
            patient_id=message.patient_id,
            data_category="message",
            detail=f"{message.kind} by {message.channel} "
            + ("failed" if error else "sent")
            + (f": {error}" if error else ""),
        )
    return report


# --- the office manager's set-up -------------------------------------------------------------

SETUP = Permission.CHANGE_SCHEDULE


SETUP_REFUSED = "Your role does not allow you to change the appointment book's set-up."


def _detail(obj: Any) -> str:
    return f"{obj._meta.verbose_name}: {obj}"[:400]


_SetupRow = TypeVar("_SetupRow", MessageTemplate, ReminderRule)


@transaction.atomic
def save_setup(*, actor: Actor, instance: _SetupRow) -> _SetupRow:
    """Save a template or a rule, validated and audited as a set-up change."""
    require(actor, SETUP, SETUP_REFUSED)
    return record_change(
        instance, user=actor, data_category="schedule setup", detail=_detail(instance)
    )


def save_template(*, actor: Actor, template: MessageTemplate) -> MessageTemplate:
    """Save a template after checking its placeholders; audited as a set-up change."""
    validate_template_text(template.subject, template.body)
    return save_setup(actor=actor, instance=template)


def save_rule(*, actor: Actor, rule: ReminderRule) -> ReminderRule:
    return save_setup(actor=actor, instance=rule)


@transaction.atomic
def delete_rule(*, actor: Actor, rule: ReminderRule) -> None:
    require(actor, SETUP, SETUP_REFUSED)
    detail, pk, label = _detail(rule), rule.pk, rule._meta.label_lower
    rule.delete()
    record_event(AuditAction.DELETE, user=actor, object_type=label, object_id=pk, detail=detail)
