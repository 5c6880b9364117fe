"""Denials and appeals: money a payer refused (a claim or one of its lines, with the group
code, CARC and RARCs it gave), who works it and by when, every change of its status, the
appeals sent for it (their letter as sent) and the letter templates the office manager keeps.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medoffice.billing.adjustments import DenialCategory
from medoffice.billing.choices import AppealMethod, AppealOutcome, DenialStatus
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission

CATEGORY_CHOICES = [(c.value, c.label) for c in DenialCategory]
# The statuses a denial is still being worked in (the queue's default).
WORKING = (DenialStatus.OPEN, DenialStatus.APPEALED, DenialStatus.CORRECTED)
SETTLED = (
    DenialStatus.WRITTEN_OFF,
    DenialStatus.UPHELD,
    DenialStatus.OVERTURNED,
    DenialStatus.CLOSED,
)


class DenialQuerySet(RestrictedQuerySet):
    """Seen by whoever sees the claim (the claim's location)."""

    location_field = "claim__encounter__location_id"
    permission_map = {"view": Permission.VIEW_CLAIM, "change": Permission.CHANGE_CLAIM}


class AppealQuerySet(RestrictedQuerySet):
    location_field = "claim__encounter__location_id"
    permission_map = {"view": Permission.VIEW_CLAIM, "change": Permission.CHANGE_CLAIM}


class AppealTemplateQuerySet(RestrictedQuerySet):
    permission_map = {
        "view": Permission.VIEW_CLAIM,
        "change": Permission.CHANGE_BILLING_REFERENCE,
    }


class Denial(models.Model):
    """One adjustment the payer denied: on a charge line, or the whole claim (no line)."""

    claim = models.ForeignKey("billing.Claim", on_delete=models.PROTECT, related_name="denials")
    charge_line = models.ForeignKey(
        "billing.ChargeLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="denials",
        help_text="Empty: the denial is of the whole claim.",
    )
    # Denormalised from the claim, for the lists by patient and payer.
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(
        "patients.Payer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group_code = models.CharField("adjustment group", max_length=2)
    reason_code = models.CharField("CARC", max_length=5)
    remark_codes = models.CharField("RARCs", max_length=60, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    denied_on = models.DateField()
    source_kind = models.CharField(max_length=20, help_text="era (an 835), manual…")
    source_id = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=12, choices=DenialStatus.choices, default=DenialStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_denials",
    )
    due_on = models.DateField(help_text="The payer's appeal deadline.")
    recovered = models.DecimalField(
        "amount recovered", max_digits=12, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = DenialQuerySet.as_manager()

    class Meta:
        ordering = ["-denied_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "denied_on"], name="denial_status_day"),
            models.Index(fields=["reason_code"], name="denial_reason"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "claim",
                    "charge_line",
                    "group_code",
                    "reason_code",
                    "source_kind",
                    "source_id",
                ],
                condition=models.Q(charge_line__isnull=False),
                name="denial_unique_per_line_and_source",
            ),
            models.UniqueConstraint(
                fields=["claim", "group_code", "reason_code", "source_kind", "source_id"],
                condition=models.Q(charge_line__isnull=True),
                name="denial_unique_per_claim_and_source",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="denial_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Denial {self.group_code}-{self.reason_code} on claim {self.claim_id}"

    @property
    def code(self) -> str:
        return f"{self.group_code}-{self.reason_code}"

    @property
    def remark_list(self) -> list[str]:
        return [r for r in self.remark_codes.split(",") if r]

    @property
    def category_label(self) -> str:
        try:
            return DenialCategory(self.category).label
        except ValueError:
            return self.category


class DenialEvent(models.Model):
    """Every change to a denial (status, assignee, outcome), with who, when and why."""

    denial = models.ForeignKey(Denial, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=DenialStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=DenialStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Denial {self.denial_id}: {self.from_status or '-'} → {self.to_status}"


class AppealTemplate(models.Model):
    """An appeal letter's text with placeholders (``{patient_name}``…); the built-in ones
    are seeded, and the office manager edits them or adds others."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    body = models.TextField()
    built_in = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = AppealTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Appeal(models.Model):
    """An appeal of one or more denials of a claim: the letter as sent, and what came of it."""

    claim = models.ForeignKey("billing.Claim", on_delete=models.PROTECT, related_name="appeals")
    denials = models.ManyToManyField(Denial, related_name="appeals")
    template = models.ForeignKey(
        AppealTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    letter_text = models.TextField()
    sent_on = models.DateField(null=True, blank=True)
    method = models.CharField(
        max_length=12, choices=AppealMethod.choices, default=AppealMethod.MAIL
    )
    outcome = models.CharField(
        max_length=12, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    outcome_on = models.DateField(null=True, blank=True)
    recovered = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Appeal {self.pk} of claim {self.claim_id}"
