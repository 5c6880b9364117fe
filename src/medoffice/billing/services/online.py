"""Payments made online through a pay link: open a checkout at the card processor, and
post the payment when the processor says it is paid — once only.

- ``pay_options(patient=…, statement_id=…)``: what the pay page offers: the whole due,
  the amount on the statement the link was printed on (when less: the balance grew since),
  the payment plan's next instalment (what is still missing on it) when the patient is on
  a plan, or another amount; ``choose_amount(options=…, choice=…, other=…)`` the amount
  chosen, refused (all errors at once, with their codes) below $1.00 or above the due;
- ``start_checkout(patient=…, amount=…, success_url=…, cancel_url=…)`` opens a session at
  the processor (``billing.processors``) for the amount chosen and keeps it as an
  ``OnlineCheckout``;
- ``record_paid_session(processor=…, status=…)`` — from the webhook, or from the
  patient's return confirmed by asking the processor — posts a ``PatientPayment`` (method
  card, the session id as processor reference) and applies it oldest-first
  (``ledger.apply_payment``). The amount posted is what the processor says was paid
  (its session's total), not what the checkout asked for. The checkout row is locked and the payment's processor
  reference is unique, so a webhook delivered twice, or a webhook racing the return, posts
  one payment.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from medoffice.billing.choices import CheckoutStatus, PaymentMethod, PlanStatus
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import OnlineCheckout, PatientPayment, PaymentPlan, Statement
from medoffice.billing.processors import PaymentProcessor, ProcessorError, SessionStatus
from medoffice.billing.selectors.ledger import patient_due
from medoffice.billing.services.ledger import apply_payment
from medoffice.billing.services.payments import take_payment
from medoffice.billing.services.plans import location_of, plan_view
from medoffice.core.audit import record_event
from medoffice.core.formats import as_date
from medoffice.core.models import AuditAction
from medoffice.core.money import format_money
from medoffice.core.permissions import SystemActor
from medoffice.patients.models import Patient

ONLINE = SystemActor("online payment")
MIN_ONLINE_PAYMENT = Decimal("1.00")
DUE, STATEMENT, INSTALMENT, OTHER = "due", "statement", "instalment", "other"


@dataclass(frozen=True)
class PayOption:
    key: str  # DUE, STATEMENT, INSTALMENT or OTHER
    label: str
    amount: Decimal | None  # None: the patient types it (OTHER)


@dataclass(frozen=True)
class PayOptions:
    due: Decimal
    options: list[PayOption]

    def get(self, key: str) -> PayOption | None:
        return next((o for o in self.options if o.key == key), None)


def pay_options(*, patient: Patient, statement_id: int | None) -> PayOptions:
    """What the pay page offers the patient (see the module's notes); no option but the
    whole due when it is under $2.00 (a part of it would be under the $1.00 minimum)."""
    due = patient_due(ONLINE, patient.pk)
    if due <= 0:
        return PayOptions(due, [])
    options = [PayOption(DUE, f"The whole amount due, {format_money(due)}", due)]
    if statement_id is not None:
        statement = (
            Statement.objects.filter(pk=statement_id, patients=patient)
            .only("amount_due", "as_of")
            .first()
        )
        if statement is not None and MIN_ONLINE_PAYMENT <= statement.amount_due < due:
            options.append(
                PayOption(
                    STATEMENT,
                    f"The amount on your statement of {as_date(statement.as_of)}, "
                    f"{format_money(statement.amount_due)}",
                    statement.amount_due,
                )
            )
    plan = PaymentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).first()
    if plan is not None:
        standing = plan_view(plan).standing
        short = min(standing.next_due_short, due)
        if standing.next_due is not None and MIN_ONLINE_PAYMENT <= short < due:
            options.append(
                PayOption(
                    INSTALMENT,
                    f"Your payment plan's next instalment (due "
                    f"{as_date(standing.next_due.due_date)}), {format_money(short)}",
                    short,
                )
            )
    if due >= 2 * MIN_ONLINE_PAYMENT:
        options.append(PayOption(OTHER, "Another amount", None))
    return PayOptions(due, options)


def choose_amount(*, options: PayOptions, choice: Any, other: Any) -> Decimal:
    """The amount of the option chosen (``other``: the amount typed, a ``Decimal`` already
    read by the form's money field, or None); every error at once, with its code."""
    key = str(choice or DUE)
    errors: dict[str, ValidationError] = {}
    option = options.get(key)
    if not options.options:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    "There is nothing to pay.", code=Code.INVALID_AMOUNT
                )
            }
        )
    if option is None:
        errors["choice"] = ValidationError(
            "Choose one of the amounts shown.", code=Code.PAY_CHOICE_INVALID
        )
    amount = option.amount if option is not None else None
    if option is not None and option.key == OTHER:
        if other is None or other == "":
            errors["amount"] = ValidationError(
                "Enter the amount you want to pay.", code=Code.PAY_AMOUNT_REQUIRED
            )
        elif not isinstance(other, Decimal) or not other.is_finite():
            errors["amount"] = ValidationError(
                "Enter the amount in dollars and cents.", code=Code.INVALID_AMOUNT
            )
        elif other < MIN_ONLINE_PAYMENT:
            errors["amount"] = ValidationError(
                f"The least you can pay online is {format_money(MIN_ONLINE_PAYMENT)}.",
                code=Code.PAY_AMOUNT_TOO_SMALL,
            )
        elif other > options.due:
            errors["amount"] = ValidationError(
                f"You can pay at most what is due, {format_money(options.due)}.",
                code=Code.PAY_AMOUNT_TOO_LARGE,
            )
        else:
            amount = other.quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    assert amount is not None
    return amount


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
