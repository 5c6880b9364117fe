"""Payments made online through a pay link: open a checkout at the card processor, and
post the payment when the processor says it is paid — once only.

- ``start_checkout(patient=…, amount=…, success_url=…, cancel_url=…)`` opens a session at
  the processor (``billing.processors``) for what the patient is due and keeps it as an
  ``OnlineCheckout``;
- ``record_paid_session(processor=…, status=…)`` — from the webhook, or from the
  patient's return confirmed by asking the processor — posts a ``PatientPayment`` (method
  card, the session id as processor reference) and applies it oldest-first
  (``ledger.apply_payment``). The checkout row is locked and the payment's processor
  reference is unique, so a webhook delivered twice, or a webhook racing the return, posts
  one payment.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.billing.choices import CheckoutStatus, PaymentMethod
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import OnlineCheckout, PatientPayment
from medoffice.billing.processors import PaymentProcessor, ProcessorError, SessionStatus
from medoffice.billing.services.ledger import apply_payment
from medoffice.billing.services.payments import take_payment
from medoffice.billing.services.plans import location_of
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction
from medoffice.core.permissions import SystemActor
from medoffice.patients.models import Patient

ONLINE = SystemActor("online payment")


def _reference(patient: Patient) -> str:
    return f"patient-{patient.pk}-{secrets.token_hex(6)}"


@transaction.atomic
def start_checkout(
    *,
    processor: PaymentProcessor,
    patient: Patient,
    amount: Decimal,
    currency: str,
    description: str,
    success_url: str,
    cancel_url: str,
    statement_id: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[OnlineCheckout, str]:
    """Open a checkout for ``amount`` and return it with the address to send the patient to.

    Refused (a ValidationError on ``amount``) when there is nothing to pay; a processor
    that refuses or cannot be reached raises ``ProcessorError`` and nothing is kept.
    """
    if amount <= 0:
        raise ValidationError(
            {"amount": ValidationError("There is nothing to pay.", code=Code.INVALID_AMOUNT)}
        )
    reference = _reference(patient)
    checkout = processor.create_checkout(
        amount=amount,
        currency=currency,
        reference=reference,
        description=description,
        success_url=success_url,
        cancel_url=cancel_url,
        idempotency_key=reference,
    )
    row = OnlineCheckout.objects.create(
        patient=patient,
        location_id=location_of(patient),
        processor=processor.name,
        session_id=checkout.session_id,
        amount=amount,
        currency=currency,
        statement_id=statement_id,
        created_at=now or timezone.now(),
    )
    record_event(
        AuditAction.CREATE,
        user=ONLINE,
        obj=row,
        patient_id=patient.pk,
        data_category="payment",
        detail=f"online checkout {checkout.session_id} {amount} {currency}",
    )
    return row, checkout.redirect_url


@transaction.atomic
def record_paid_session(
    *, processor: PaymentProcessor, status: SessionStatus, now: dt.datetime | None = None
) -> PatientPayment | None:
    """Post the payment of a paid session, once; ``None`` when it is not paid or unknown.

    A session already posted returns its payment again and posts nothing.
    """
    if not status.paid or not status.session_id:
        return None
    checkout = (
        OnlineCheckout.objects.select_for_update()
        .select_related("patient")
        .filter(processor=processor.name, session_id=status.session_id)
        .first()
    )
    if checkout is None:
        return None
    if checkout.payment_id is not None:
        return checkout.payment
    amount = status.amount if status.amount and status.amount > 0 else checkout.amount
    now = now or timezone.now()
    try:
        with transaction.atomic():
            payment = take_payment(
                actor=ONLINE,
                patient=checkout.patient,
                location=checkout.location,
                amount=amount,
                method=PaymentMethod.CARD,
                kind="balance",
                now=now,
                processor_reference=checkout.session_id,
            )
    except IntegrityError:  # another worker posted it first (the unique reference)
        return PatientPayment.objects.filter(processor_reference=checkout.session_id).first()
    checkout.status = CheckoutStatus.PAID
    checkout.paid_at = now
    checkout.payment = payment
    checkout.save(update_fields=["status", "paid_at", "payment"])
    apply_payment(actor=ONLINE, payment=payment)
    record_event(
        AuditAction.UPDATE,
        user=ONLINE,
        obj=checkout,
        patient_id=checkout.patient_id,
        data_category="payment",
        detail=f"online payment {payment.receipt_number} {payment.amount} "
        f"session {checkout.session_id} intent {status.payment_intent or '-'}",
    )
    return payment


def confirm_return(
    *, processor: PaymentProcessor, session_id: str
) -> tuple[OnlineCheckout | None, PatientPayment | None]:
    """The patient came back from the processor: ask it about the session (never trust
    the return address alone) and post the payment when it is paid."""
    checkout = OnlineCheckout.objects.filter(
        processor=processor.name, session_id=session_id
    ).first()
    if checkout is None:
        return None, None
    if checkout.payment_id is not None:
        return checkout, checkout.payment
    try:
        status = processor.session_status(session_id)
    except ProcessorError:
        return checkout, None
    return checkout, record_paid_session(processor=processor, status=status)
