"""Writes for money taken at the desk: a payment with its receipt number, audited.

A payment is unapplied credit on the patient until ``ledger.apply_payment`` applies it to
lines; a void reverses its applications and a refund takes back from the lines what the
unapplied money does not cover (``ledger.payment_voided`` / ``payment_refunded``)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from medoffice.billing.choices import PaymentMethod
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import PatientPayment, PaymentRefund
from medoffice.core.audit import record_change, record_event
from medoffice.core.formats import as_date
from medoffice.core.models import AuditAction, Location, User, practice_zone
from medoffice.core.money import MoneyError, format_money, parse_money
from medoffice.core.permissions import Actor, actor_user, require
from medoffice.core.roles import Permission
from medoffice.patients.models import Patient

MAX_PAYMENT = Decimal("99999999.99")
PAYMENT_KINDS = {"copay": "Copay", "balance": "Balance", "prepayment": "Prepayment"}


def receipt_prefix(at: dt.datetime) -> str:
    return f"R{at.year}-"


def next_receipt_number(at: dt.datetime | None = None) -> str:
    """The next receipt number of the year: R2025-000001, R2025-000002, …

    Numbers are unique in the database; ``take_payment`` retries when two desks
    draw the same number at the same moment.
    """
    at = at or timezone.now()
    prefix = receipt_prefix(at)
    last = (
        PatientPayment.objects.filter(receipt_number__startswith=prefix)
        .order_by("-receipt_number")
        .values_list("receipt_number", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{number:06d}"


def clean_amount(value: Any) -> Decimal:
    """A payment amount as Decimal with cents, more than zero; errors name the field."""
    if value is None or value == "":
        raise ValidationError(
            {"amount": ValidationError("Enter the amount received.", code=Code.AMOUNT_REQUIRED)}
        )
    if isinstance(value, float):  # never from a form or the API; reject rather than round
        raise ValidationError(
            {
                "amount": ValidationError(
                    "Enter the amount in dollars and cents, e.g. 25.00.",
                    code=Code.AMOUNT_NOT_DECIMAL,
                )
            }
        )
    try:
        return parse_money(value, maximum=MAX_PAYMENT)
    except MoneyError as exc:
        raise ValidationError(
            {"amount": ValidationError(str(exc), code=Code.INVALID_AMOUNT)}
        ) from exc


CARD_DIGITS = re.compile(r"[0-9]{4}")
CHECK_NUMBER = re.compile(r"[0-9]{1,15}")


def reference_problem(method: str, reference: str) -> ValidationError | None:
    """What is wrong with a payment's reference for its method, or ``None``.

    A card's (or HSA/FSA card's) reference is the last four digits of the card, optional;
    a check's is its number, digits only, required; cash has none.
    """
    if len(reference) > 60:
        return ValidationError(
            "The reference can be at most 60 characters.", code=Code.REFERENCE_TOO_LONG
        )
    if method in {PaymentMethod.CARD, PaymentMethod.HSA}:
        if reference and not CARD_DIGITS.fullmatch(reference):
            return ValidationError(
                "For a card, enter the last four digits of the card number (e.g. 4242).",
                code=Code.CARD_DIGITS_INVALID,
            )
    elif method == PaymentMethod.CHECK:
        if not reference:
            return ValidationError("Enter the check number.", code=Code.CHECK_NUMBER_REQUIRED)
        if not CHECK_NUMBER.fullmatch(reference):
            return ValidationError(
                "Enter the check number as printed on the check (digits only).",
                code=Code.CHECK_NUMBER_INVALID,
            )
    elif method == PaymentMethod.CASH and reference:
        return ValidationError(
            "A cash payment has no reference; leave it empty.", code=Code.REFERENCE_NOT_FOR_CASH
        )
    return None


@transaction.atomic
def take_payment(
    *,
    actor: Actor,
    patient: Patient,
    location: Location,
    amount: Any,
    method: str,
    reference: str = "",
    appointment: Any = None,
    kind: str = "copay",
    now: dt.datetime | None = None,
    processor_reference: str = "",
) -> PatientPayment:
    """Record money a patient paid and give it the next receipt number.

    At the desk ``actor`` is the user who took it; a payment made online through a pay
    link is taken by the system (a ``SystemActor``: no one received it) and carries the
    card processor's ``processor_reference``."""
    require(actor, Permission.ADD_PATIENTPAYMENT, "Your role does not take payments.")
    errors: dict[str, ValidationError] = {}
    try:
        amount = clean_amount(amount)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.error_dict.items()})
    if not method:
        errors["method"] = ValidationError(
            "Choose how the patient paid (cash, card, check or HSA/FSA card).",
            code=Code.METHOD_REQUIRED,
        )
    elif method not in PaymentMethod.values:
        errors["method"] = ValidationError(
            f"“{method}” is not a payment method.", code=Code.METHOD_INVALID
        )
    reference = (reference or "").strip()
    problem = reference_problem(method, reference)
    if problem is not None:
        errors["reference"] = problem
    if kind not in PAYMENT_KINDS:
        errors["kind"] = ValidationError(
            f"“{kind}” is not a kind of payment.", code=Code.KIND_INVALID
        )
    if appointment is not None and appointment.patient_id != patient.pk:
        errors["appointment"] = ValidationError(
            "The visit belongs to another patient.", code=Code.VISIT_OF_OTHER_PATIENT
        )
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    for attempt in range(5):
        try:
            with transaction.atomic():
                payment = PatientPayment.objects.create(
                    receipt_number=next_receipt_number(now),
                    patient=patient,
                    appointment=appointment,
                    location=location,
                    amount=amount,
                    method=method,
                    reference=reference,
                    kind=kind,
                    received_by=actor_user(actor),
                    received_at=now,
                    processor_reference=processor_reference,
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
    record_event(
        AuditAction.CREATE,
        user=actor,
        obj=payment,
        patient_id=patient.pk,
        data_category="payment",
        detail=f"{kind} {payment.receipt_number} {payment.amount} {method}",
    )
    return payment


# --- voids and refunds ------------------------------------------------------------------

MAX_REASON = 200


def _reason_problem(reason: str, what: str) -> ValidationError | None:
    if not reason:
        return ValidationError(f"Say why the payment is {what}.", code=Code.REASON_REQUIRED)
    if any(ord(c) < 32 for c in reason):  # PostgreSQL refuses NUL in text; none belongs here
        return ValidationError(
            "The reason can only hold plain text on one line.", code=Code.REASON_INVALID
        )
    if len(reason) > MAX_REASON:
        return ValidationError(
            f"The reason can be at most {MAX_REASON} characters.", code=Code.REASON_TOO_LONG
        )
    return None


def refunded_total(payment: PatientPayment) -> Decimal:
    """What has been refunded from ``payment`` so far."""
    total = PaymentRefund.objects.filter(payment=payment).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def _practice_day(at: dt.datetime) -> dt.date:
    return at.astimezone(practice_zone()).date()


@transaction.atomic
def void_payment(
    *, actor: User, payment: PatientPayment, reason: str, now: dt.datetime | None = None
) -> PatientPayment:
    """Void a payment taken in error: the same practice day, with a reason, never refunded.

    The receipt keeps its number and prints as void; the money no longer counts.
    """
    require(actor, Permission.VOID_PATIENTPAYMENT, "Your role does not void payments.")
    payment = PatientPayment.objects.select_for_update().get(pk=payment.pk)
    now = now or timezone.now()
    reason = (reason or "").strip()
    errors: dict[str, ValidationError] = {}
    problem = _reason_problem(reason, "voided")
    if problem is not None:
        errors["reason"] = problem
    if payment.is_void:
        errors[NON_FIELD_ERRORS] = ValidationError(
            f"Receipt {payment.receipt_number} is already void.", code=Code.ALREADY_VOID
        )
    elif _practice_day(payment.received_at) != _practice_day(now):
        errors[NON_FIELD_ERRORS] = ValidationError(
            f"Receipt {payment.receipt_number} was taken on "
            f"{as_date(_practice_day(payment.received_at))}; a payment can be voided only "
            "the day it was taken. Ask the biller for a refund.",
            code=Code.VOID_NOT_SAME_DAY,
        )
    elif PaymentRefund.objects.filter(payment=payment).exists():
        errors[NON_FIELD_ERRORS] = ValidationError(
            f"Receipt {payment.receipt_number} has a refund; a refunded payment cannot be voided.",
            code=Code.VOID_AFTER_REFUND,
        )
    if errors:
        raise ValidationError(errors)
    payment.voided_at = now
    payment.voided_by = actor
    payment.void_reason = reason
    record_change(
        payment,
        user=actor,
        update_fields=["voided_at", "voided_by", "void_reason"],
        patient_id=payment.patient_id,
        data_category="payment",
        detail=f"void {payment.receipt_number} {payment.amount}: {reason}",
    )
    from medoffice.billing.services.ledger import payment_voided  # ledger uses clean_amount

    payment_voided(actor=actor, payment=payment)
    return payment


@transaction.atomic
def refund_payment(
    *,
    actor: User,
    payment: PatientPayment,
    amount: Any,
    reason: str,
    now: dt.datetime | None = None,
) -> PaymentRefund:
    """Give money back from a payment: at most what was paid less the earlier refunds."""
    require(actor, Permission.REFUND_PATIENTPAYMENT, "Your role does not refund payments.")
    payment = PatientPayment.objects.select_for_update().get(pk=payment.pk)
    reason = (reason or "").strip()
    errors: dict[str, ValidationError] = {}
    left = payment.amount - refunded_total(payment)
    if payment.is_void:
        errors[NON_FIELD_ERRORS] = ValidationError(
            f"Receipt {payment.receipt_number} is void; there is nothing to refund.",
            code=Code.REFUND_OF_VOID,
        )
    elif left <= 0:
        errors[NON_FIELD_ERRORS] = ValidationError(
            f"Receipt {payment.receipt_number} is refunded in full.",
            code=Code.NOTHING_LEFT_TO_REFUND,
        )
    else:
        try:
            amount = clean_amount(amount)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.error_dict.items()})
        else:
            if amount > left:
                errors["amount"] = ValidationError(
                    f"The refund can be at most {format_money(left)}: "
                    f"{format_money(payment.amount)} paid"
                    + (
                        f", less {format_money(payment.amount - left)} already refunded."
                        if left != payment.amount
                        else "."
                    ),
                    code=Code.REFUND_TOO_LARGE,
                )
    problem = _reason_problem(reason, "refunded")
    if problem is not None:
        errors["reason"] = problem
    if errors:
        raise ValidationError(errors)
    refund = PaymentRefund(
        payment=payment,
        amount=amount,
        reason=reason,
        refunded_by=actor,
        refunded_at=now or timezone.now(),
    )
    record_change(
        refund,
        user=actor,
        patient_id=payment.patient_id,
        data_category="payment",
        detail=f"refund {format_money(amount)} on {payment.receipt_number}: {reason}",
    )
    from medoffice.billing.services.ledger import payment_refunded

    payment_refunded(actor=actor, refund=refund)
    return refund
