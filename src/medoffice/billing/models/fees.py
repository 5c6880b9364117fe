"""Payers as billing sees them (filing indicator, timely filing, how claims go), plans,
and fee schedules: the practice's standard charges and payers' allowed amounts."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from medoffice.billing.choices import (
    FeeScheduleKind,
    FilingIndicator,
    SubmissionMethod,
    TimelyFilingRule,
)
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class ReferenceQuerySet(RestrictedQuerySet):
    permission_map = {"view": Permission.VIEW_BILLING_REFERENCE}


class PayerProfile(models.Model):
    """The billing side of a payer (``patients.Payer`` keeps its name, ID and phone)."""

    payer = models.OneToOneField(
        "patients.Payer", on_delete=models.CASCADE, primary_key=True, related_name="billing"
    )
    filing_indicator = models.CharField(
        max_length=2, choices=FilingIndicator.choices, default=FilingIndicator.COMMERCIAL
    )
    timely_filing_rule = models.CharField(
        max_length=10, choices=TimelyFilingRule.choices, default=TimelyFilingRule.DAYS
    )
    timely_filing_days = models.PositiveSmallIntegerField(
        default=180, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    submission = models.CharField(
        max_length=10, choices=SubmissionMethod.choices, default=SubmissionMethod.ELECTRONIC
    )
    clearinghouse = models.ForeignKey(
        "billing.Clearinghouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payers",
    )
    appeal_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Days after a denial to appeal it (empty: the practice's default, 90).",
    )
    claims_address_line1 = models.CharField("claims address", max_length=120, blank=True)
    claims_address_line2 = models.CharField(max_length=120, blank=True)
    claims_city = models.CharField(max_length=80, blank=True)
    claims_state = models.CharField(max_length=2, blank=True)
    claims_postal_code = models.CharField(max_length=10, blank=True)

    objects = ReferenceQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Billing profile of {self.payer}"


class Plan(models.Model):
    payer = models.ForeignKey("patients.Payer", on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=120)
    filing_indicator = models.CharField(
        max_length=2,
        choices=FilingIndicator.choices,
        blank=True,
        help_text="Empty: the payer's.",
    )
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["payer__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["payer", "name"], name="plan_name_unique_per_payer")
        ]

    def __str__(self) -> str:
        return f"{self.payer} – {self.name}"


class FeeSchedule(models.Model):
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=FeeScheduleKind.choices)
    payer = models.ForeignKey(
        "patients.Payer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fee_schedules",
    )
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="standard", payer__isnull=True))
                | (models.Q(kind="allowed", payer__isnull=False)),
                name="fee_schedule_payer_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeeScheduleEntry(models.Model):
    """What one code (with a modifier, or none) costs from a date, until a date."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code", "modifier", "-effective_from"]
        verbose_name_plural = "fee schedule entries"
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "code", "modifier", "effective_from"],
                name="fee_entry_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="fee_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="fee_entry_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        mod = f"-{self.modifier}" if self.modifier else ""
        return f"{self.code}{mod}: {self.amount} from {self.effective_from}"
