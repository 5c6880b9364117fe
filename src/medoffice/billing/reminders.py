"""Billing's messages to patients: balance text reminders and payment-plan reminders.

Both go through messaging (``messaging.services``: the patient's channel and consent,
templates, the delivery log and sending).

- Balance reminders (``queue_balance_reminders``): a text message, with the pay link, to
  each patient who is due to pay something now, has a current consent to text messages
  and a mobile number, is not on an active payment plan and was not sent one in the last
  ``BALANCE_REMINDER_EVERY_DAYS`` days. Only between 8:00 and 21:00 practice time: outside
  those hours nothing is queued, and a queued one still waiting then is held back.
- Plan reminders (``queue_plan_reminders``): ``PLAN_REMINDER_DAYS`` days before each
  instalment of an active plan that is not yet covered, by text or e-mail (the patient's
  consent decides), once per instalment.

A patient in collections gets no balance reminder: the collections feature registers its
exclusion with ``exclude_from_balance_reminders`` (a function given the patient ids that
returns those to leave out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from medoffice.billing import paylinks
from medoffice.billing.choices import PlanStatus
from medoffice.billing.models import PaymentPlan, PaymentPlanInstalment
from medoffice.billing.selectors.ledger import patient_balances, patient_due
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Practice
from medoffice.core.money import format_money
from medoffice.core.permissions import Actor, SystemActor
from medoffice.messaging import kinds
from medoffice.messaging.models import Message, MessageChannel, MessageStatus, MessageTemplate
from medoffice.messaging.services import (
    DEFAULT_LANGUAGE,
    choose_channel,
    format_date,
    reach,
    render_text,
    template_for,
    zone_of,
)
from medoffice.patients.models import Patient

BALANCE_KIND = "balance_reminder"
PLAN_KIND = "plan_reminder"
WINDOW_START = dt.time(8, 0)
WINDOW_END = dt.time(21, 0)
PLAN_REMINDER_DAYS = 3
ZERO = Decimal("0.00")
READER = SystemActor("balance reminders")

_exclusions: list[Callable[[set[int]], set[int]]] = []


def exclude_from_balance_reminders(rule: Callable[[set[int]], set[int]]) -> None:
    """Register a rule (e.g. "in collections") leaving patients out of balance reminders."""
    if rule not in _exclusions:
        _exclusions.append(rule)


def in_window(now: dt.datetime, practice: Practice | None = None) -> bool:
    """Between 8:00 and 21:00 practice time."""
    local = now.astimezone(zone_of(practice if practice is not None else Practice.current()))
    return WINDOW_START <= local.time() < WINDOW_END


PLACEHOLDERS = {
    "patient_first_name": "The patient's first (or preferred) name",
    "practice": "The practice's name",
    "practice_phone": "The practice's phone number",
    "amount_due": "What the patient is due to pay now, e.g. $42.50",
    "pay_url": "The patient's signed pay link",
    "instalment_amount": "The plan instalment's amount",
    "instalment_date": "The plan instalment's due date",
}

DEFAULTS: dict[str, dict[tuple[str, str], tuple[str, str]]] = {
    BALANCE_KIND: {
        (MessageChannel.SMS, "en"): (
            "",
            "{practice}: Hi {patient_first_name}, you have a balance of {amount_due}. "
            "Pay online: {pay_url} or call {practice_phone}. Reply STOP to opt out.",
        ),
        (MessageChannel.SMS, "es"): (
            "",
            "{practice}: Hola {patient_first_name}, tiene un saldo de {amount_due}. "
            "Pague en línea: {pay_url} o llame al {practice_phone}. Responda STOP para no "
            "recibir más.",
        ),
    },
    PLAN_KIND: {
        (MessageChannel.SMS, "en"): (
            "",
            "{practice}: Hi {patient_first_name}, your payment plan instalment of "
            "{instalment_amount} is due {instalment_date}. Pay: {pay_url}",
        ),
        (MessageChannel.EMAIL, "en"): (
            "Your payment plan instalment is due {instalment_date}",
            "Dear {patient_first_name},\n\nyour payment plan instalment of {instalment_amount} "
            "is due on {instalment_date}. You can pay online at {pay_url}, or call us at "
            "{practice_phone}.\n\n{practice}",
        ),
    },
}


def _sample(language: str) -> dict[str, str]:
    return {
        "patient_first_name": "Alex",
        "practice": "Riverside Family Medicine",
        "practice_phone": "(413) 555-0100",
        "amount_due": "$42.50",
        "pay_url": f"{settings.PUBLIC_BASE_URL}/p/pay/SAMPLE/",
        "instalment_amount": "$50.00",
        "instalment_date": format_date(dt.date(2026, 1, 15), language),
    }


def _still_wanted(message: Any, now: dt.datetime) -> str:
    if message.kind == BALANCE_KIND:
        if not in_window(now):
            return "outside 8:00–21:00 practice time"
        if patient_due(READER, message.patient_id) <= 0:
            return "nothing is due any more"
    return ""


def register_message_kinds() -> None:
    for kind in (BALANCE_KIND, PLAN_KIND):
        kinds.register_kind(
            kinds.MessageKindSpec(
                kind=kind,
                placeholders=PLACEHOLDERS,
                # No default rows yet: MessageTemplate.kind's choices do not hold billing's
                # kinds (a messaging migration); until then the texts below are used.
                defaults={},
                sample_values=_sample,
                still_wanted=_still_wanted,
            )
        )


def _texts(kind: str, channel: str, language: str) -> tuple[MessageTemplate | None, str, str]:
    """The office's template for the kind, else billing's default text."""
    try:
        template = template_for(kind, channel, language)
    except LookupError:
        template = None
    if template is not None:
        return template, template.subject, template.body
    subject, body = DEFAULTS[kind].get((channel, language)) or DEFAULTS[kind].get(
        (channel, DEFAULT_LANGUAGE), ("", "")
    )
    return None, subject, body


def _render(kind: str, channel: str, language: str, values: dict[str, str]) -> tuple[str, str, str]:
    """(subject, body, language used)."""
    template, subject, body = _texts(kind, channel, language)
    used = (
        template.language
        if template is not None
        else (language if (channel, language) in DEFAULTS[kind] else DEFAULT_LANGUAGE)
    )
    return render_text(subject, values), render_text(body, values), used


def _values(patient: Patient, practice: Practice | None, **extra: str) -> dict[str, str]:
    return {
        "patient_first_name": patient.preferred_name or patient.first_name,
        "practice": str(practice) if practice else "Your doctor's office",
        "practice_phone": (practice.phone if practice else "") or "",
        "pay_url": paylinks.pay_url(patient_id=patient.pk),
        **extra,
    }


@dataclass
class ReminderReport:
    queued: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)


def _due_patients() -> dict[int, Decimal]:
    """Every patient with a patient balance above zero, with what they are due now."""
    candidates = [pid for pid, b in patient_balances(READER).items() if b.patient > 0]
    return {pid: due for pid in candidates if (due := patient_due(READER, pid)) > 0}


def _excluded(patient_ids: set[int]) -> set[int]:
    left_out = set(
        PaymentPlan.objects.filter(
            patient_id__in=patient_ids, status=PlanStatus.ACTIVE
        ).values_list("patient_id", flat=True)
    )
    for rule in _exclusions:
        left_out |= rule(patient_ids)
    return left_out


def queue_balance_reminders(
    now: dt.datetime | None = None, *, actor: Actor, patient_ids: Iterable[int] | None = None
) -> ReminderReport:
    now = now or timezone.now()
    report = ReminderReport()
    practice = Practice.current()
    if not in_window(now, practice):
        report.reasons.append("outside 8:00–21:00 practice time: nothing queued")
        return report
    due = _due_patients()
    if patient_ids is not None:
        due = {pid: amount for pid, amount in due.items() if pid in set(patient_ids)}
    excluded = _excluded(set(due))
    recent = set(
        Message.objects.filter(
            kind=BALANCE_KIND,
            patient_id__in=list(due),
            scheduled_for__gt=now - dt.timedelta(days=settings.BALANCE_REMINDER_EVERY_DAYS),
        )
        .exclude(status=MessageStatus.SKIPPED)
        .values_list("patient_id", flat=True)
    )
    for patient in Patient.objects.filter(pk__in=list(due)).order_by("pk"):
        if patient.pk in excluded:
            report.skipped += 1
            report.reasons.append(f"patient {patient.pk}: on a payment plan or left out")
            continue
        if patient.pk in recent:
            report.skipped += 1
            continue
        address, reason = reach(patient, MessageChannel.SMS)
        if not address:  # no consent, opted out, or no mobile number: nothing is sent
            report.skipped += 1
            report.reasons.append(f"patient {patient.pk}: {reason}")
            continue
        language = patient.preferred_language or DEFAULT_LANGUAGE
        _, body, _ = _render(
            BALANCE_KIND,
            MessageChannel.SMS,
            language,
            _values(patient, practice, amount_due=format_money(due[patient.pk])),
        )
        with transaction.atomic():
            message = Message.objects.create(
                kind=BALANCE_KIND,
                patient=patient,
                channel=MessageChannel.SMS,
                to=address,
                body=body,
                scheduled_for=now,
            )
            record_event(
                AuditAction.CREATE,
                user=actor,
                obj=message,
                patient_id=patient.pk,
                data_category="message",
                detail=f"balance reminder queued ({due[patient.pk]})",
            )
        report.queued += 1
    return report


def queue_plan_reminders(now: dt.datetime | None = None, *, actor: Actor) -> ReminderReport:
    """A reminder ``PLAN_REMINDER_DAYS`` days before each uncovered instalment, once."""
    from medoffice.billing.services.plans import plan_view

    now = now or timezone.now()
    report = ReminderReport()
    practice = Practice.current()
    if not in_window(now, practice):
        return report
    today = now.astimezone(zone_of(practice)).date()
    horizon = today + dt.timedelta(days=PLAN_REMINDER_DAYS)
    instalments = (
        PaymentPlanInstalment.objects.filter(
            plan__status=PlanStatus.ACTIVE,
            reminded_at__isnull=True,
            due_date__gte=today,
            due_date__lte=horizon,
        )
        .select_related("plan__patient")
        .order_by("due_date", "pk")
    )
    for instalment in instalments:
        plan = instalment.plan
        standing = plan_view(plan, today).standing
        if standing.next_due is None or standing.next_due.number > instalment.number:
            instalment.reminded_at = now  # already covered: nothing to remind
            instalment.save(update_fields=["reminded_at"])
            report.skipped += 1
            continue
        patient = plan.patient
        channel, address, reason = choose_channel(patient, MessageChannel.SMS)
        if not channel:
            channel, address, reason = choose_channel(patient, MessageChannel.EMAIL)
        with transaction.atomic():
            instalment.reminded_at = now
            instalment.save(update_fields=["reminded_at"])
            if not channel:
                report.skipped += 1
                report.reasons.append(f"patient {patient.pk}: {reason}")
                continue
            language = patient.preferred_language or DEFAULT_LANGUAGE
            if (channel, language) not in DEFAULTS[PLAN_KIND]:
                language = DEFAULT_LANGUAGE
            subject, body, _ = _render(
                PLAN_KIND,
                channel,
                language,
                _values(
                    patient,
                    practice,
                    instalment_amount=format_money(
                        standing.next_due_short
                        if standing.next_due.number == instalment.number
                        else instalment.amount
                    ),
                    instalment_date=format_date(instalment.due_date, language),
                ),
            )
            message = Message.objects.create(
                kind=PLAN_KIND,
                patient=patient,
                channel=channel,
                to=address,
                subject=subject[:120],
                body=body,
                scheduled_for=now,
            )
            record_event(
                AuditAction.CREATE,
                user=actor,
                obj=message,
                patient_id=patient.pk,
                data_category="message",
                detail=f"plan reminder queued for instalment {instalment.number}",
            )
        report.queued += 1
    return report
