"""Writes for money taken at the desk: a payment with its receipt number, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import PatientPayment, PaymentMethod
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, Location, User
from medoffice.core.money import MoneyError, parse_money
from medoffice.core.permissions import require
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


@transaction.atomic
def take_payment(
    *,
    actor: User,
    patient: Patient,
    location: Location,
    amount: Any,
    method: str,
    reference: str = "",
    appointment: Any = None,
    kind: str = "copay",
    now: dt.datetime | None = None,
) -> PatientPayment:
    """Record money a patient paid at the desk and give it the next receipt number."""
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
    if len(reference) > 60:
        errors["reference"] = ValidationError(
            "The reference can be at most 60 characters.", code=Code.REFERENCE_TOO_LONG
        )
    if method == PaymentMethod.CHECK and not reference:
        errors["reference"] = ValidationError(
            "Enter the check number.", code=Code.CHECK_NUMBER_REQUIRED
        )
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
                    received_by=actor,
                    received_at=now,
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
