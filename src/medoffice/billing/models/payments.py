"""Money received from patients at the desk: copays, balances, voids and refunds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from medoffice.billing.choices import PaymentMethod
from medoffice.core.money import format_money
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class PaymentQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {
        "void": Permission.VOID_PATIENTPAYMENT,
        "refund": Permission.REFUND_PATIENTPAYMENT,
    }


class PatientPayment(models.Model):
    """A payment a patient makes at the desk (copay at check-in, balance at check-out)."""

    receipt_number = models.CharField(max_length=20, unique=True)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="payments"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    method = models.CharField(max_length=5, choices=PaymentMethod.choices)
    reference = models.CharField(
        max_length=60, blank=True, help_text="Check number or the last four digits of the card."
    )
    kind = models.CharField(max_length=10, default="copay")
    # None for a payment made online through a pay link (no one at the desk took it).
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The card processor's id of an online payment (its checkout session), unique: a
    # webhook delivered twice posts one payment.
    processor_reference = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField()
    # A void takes back a payment entered in error, the same practice day; the receipt
    # stays (numbers have no gaps) and prints as void.
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void_reason = models.CharField(max_length=200, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        # The revenue panel's months and its cache's version (selectors/revenue_kpis.py).
        indexes = [
            models.Index(fields=["received_at"], name="payment_received"),
            models.Index(fields=["voided_at"], name="payment_voided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True, voided_by__isnull=True, void_reason="")
                | (
                    models.Q(voided_at__isnull=False, voided_by__isnull=False)
                    & ~models.Q(void_reason="")
                ),
                name="payment_void_complete",
            ),
            models.UniqueConstraint(
                fields=["processor_reference"],
                condition=~models.Q(processor_reference=""),
                name="payment_processor_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Receipt {self.receipt_number}: {format_money(self.amount)}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class RefundQuerySet(RestrictedQuerySet):
    location_field = "payment__location_id"
    permission_map = {"view": Permission.VIEW_PATIENTPAYMENT}


class PaymentRefund(models.Model):
    """Money given back to the patient from a payment (by the biller or the office manager).

    A payment may have several refunds; together they never exceed what was paid
    (``billing.services.refund_payment`` checks it under a row lock).
    """

    payment = models.ForeignKey(PatientPayment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=200)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    refunded_at = models.DateTimeField()

    objects = RefundQuerySet.as_manager()

    class Meta:
        ordering = ["refunded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="refund_reason_given"),
        ]

    def __str__(self) -> str:
        return f"Refund of {format_money(self.amount)} on receipt {self.payment.receipt_number}"
