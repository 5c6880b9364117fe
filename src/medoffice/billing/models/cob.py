"""Coordination of benefits: what a payer did with a claim (its adjudication), entered by the
biller from the payer's EOB, and what the next payer's claim carries of it (837P loops 2320
and 2430)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medoffice.billing.choices import AdjustmentGroup
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class AdjudicationQuerySet(RestrictedQuerySet):
    location_field = "claim__encounter__location_id"
    permission_map = {"view": Permission.VIEW_CLAIM}


class AdjudicationPartQuerySet(RestrictedQuerySet):
    location_field = "adjudication__claim__encounter__location_id"
    permission_map = {"view": Permission.VIEW_CLAIM}


class PayerAdjudication(models.Model):
    """A payer's adjudication of one claim, as its EOB says: the date, what it paid."""

    claim = models.OneToOneField(
        "billing.Claim", on_delete=models.PROTECT, related_name="adjudication"
    )
    adjudicated_on = models.DateField(help_text="The date the payer paid or denied the claim.")
    paid = models.DecimalField(
        "paid amount", max_digits=12, decimal_places=2, help_text="What the payer paid in all."
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField()

    objects = AdjudicationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paid__gte=0), name="adjudication_paid_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"Adjudication of claim {self.claim_id} on {self.adjudicated_on}"


class AdjudicationLine(models.Model):
    """What the payer paid on one service line of the claim."""

    adjudication = models.ForeignKey(
        PayerAdjudication, on_delete=models.CASCADE, related_name="lines"
    )
    claim_line = models.ForeignKey(
        "billing.ClaimLine", on_delete=models.PROTECT, related_name="adjudications"
    )
    paid = models.DecimalField(max_digits=10, decimal_places=2)

    objects = AdjudicationPartQuerySet.as_manager()

    class Meta:
        ordering = ["claim_line__line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["adjudication", "claim_line"], name="adjudication_line_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(paid__gte=0), name="adjudication_line_paid_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Line {self.claim_line_id}: paid {self.paid}"


class AdjudicationAdjustment(models.Model):
    """One CAS adjustment: of a line (``line`` set) or of the claim as a whole."""

    adjudication = models.ForeignKey(
        PayerAdjudication, on_delete=models.CASCADE, related_name="adjustments"
    )
    line = models.ForeignKey(
        AdjudicationLine,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="adjustments",
    )
    group = models.CharField(max_length=2, choices=AdjustmentGroup.choices)
    reason = models.CharField(
        max_length=5, help_text="The claim adjustment reason code (CARC), e.g. 45 or 2."
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    objects = AdjudicationPartQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount}"
