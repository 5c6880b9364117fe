"""Payment plans and online checkouts.

A ``PaymentPlan`` spreads a patient's balance over monthly instalments
(``PaymentPlanInstalment``, the schedule written when the plan is made). Payments are not
tied to instalments: what the patient paid since the plan started counts toward the
instalments in due-date order (``billing.services.plans``), so a payment at the desk, by
mail or online counts the same.

An ``OnlineCheckout`` is one payment started from a pay link at the card processor
(``billing.processors``): the processor's session id, the amount, and once paid the
``PatientPayment`` it became (once only: the session id is unique and so is the payment's
processor reference).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from medoffice.billing.choices import CheckoutStatus, PlanFrequency, PlanStatus
from medoffice.core.money import format_money
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class PlanQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class PaymentPlan(models.Model):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="payment_plans"
    )
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(max_digits=10, decimal_places=2)
    instalment_amount = models.DecimalField(max_digits=10, decimal_places=2)
    frequency = models.CharField(
        max_length=10, choices=PlanFrequency.choices, default=PlanFrequency.MONTHLY
    )
    start_date = models.DateField()
    day_of_month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="plan_total_positive"),
            models.CheckConstraint(
                condition=models.Q(instalment_amount__gt=0)
                & models.Q(instalment_amount__lte=models.F("total")),
                name="plan_instalment_in_total",
            ),
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1, day_of_month__lte=28),
                name="plan_day_of_month_1_28",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="active"),
                name="plan_one_active_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Plan of {format_money(self.total)} at {format_money(self.instalment_amount)} "
            f"a month ({self.get_status_display()})"
        )


class PlanInstalmentQuerySet(RestrictedQuerySet):
    location_field = "plan__location_id"
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class PaymentPlanInstalment(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = PlanInstalmentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_instalment_number"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="plan_instalment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Instalment {self.number} of {format_money(self.amount)} due {self.due_date}"


class CheckoutQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_PATIENTPAYMENT}


class OnlineCheckout(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    processor = models.CharField(max_length=20)
    session_id = models.CharField(max_length=255, unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="usd")
    statement_id = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=CheckoutStatus.choices, default=CheckoutStatus.OPEN
    )
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    payment = models.OneToOneField(
        "billing.PatientPayment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_checkout",
    )

    objects = CheckoutQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="checkout_positive"),
        ]

    def __str__(self) -> str:
        return f"Online payment {self.session_id} of {format_money(self.amount)} ({self.status})"
