"""Money received from patients. Claims, remittances and the ledger grow here later."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from medoffice.billing.choices import PaymentMethod
from medoffice.core.querysets import RestrictedQuerySet


class PaymentQuerySet(RestrictedQuerySet):
    location_field = "location_id"


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
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField()

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Receipt {self.receipt_number}: ${self.amount}"
