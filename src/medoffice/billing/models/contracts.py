"""Managed-care contracts: what a payer agreed to allow per service, from when until when,
and each service line's adjudication as posted, with what the contract said it should allow.

A ``Contract`` prices a line one way (``ContractMethod``): the payer's own fee schedule, a
percent of the Medicare fee schedule (a fee schedule named on the contract), or a percent of
billed charges; ``ContractCarveOut`` rows price single codes (an amount per unit, or a
percent of billed charges) before the method is asked. A payer has at most one contract in
force on any day (drafts, saved from the what-if, are never in force). The arithmetic is the
pure ``billing/contracts.py``.

A ``LineAdjudication`` is one service line as a payer adjudicated it (from the 835 posting
or an EOB typed in): billed, allowed (paid + patient responsibility), paid, and the expected
allowed amount of the contract in force on the date of service, kept as it was computed.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from medoffice.billing.choices import ContractMethod
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission

MAX_PERCENT = Decimal("1000")


class ContractQuerySet(RestrictedQuerySet):
    permission_map = {"view": Permission.VIEW_CONTRACT, "change": Permission.CHANGE_CONTRACT}


class Contract(models.Model):
    payer = models.ForeignKey("patients.Payer", on_delete=models.PROTECT, related_name="contracts")
    name = models.CharField(max_length=120)
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="The last day in force; empty: until ended."
    )
    method = models.CharField(max_length=10, choices=ContractMethod.choices)
    fee_schedule = models.ForeignKey(
        "billing.FeeSchedule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        help_text="The payer's fee schedule, or the Medicare fee schedule the percent is of.",
    )
    percent = models.DecimalField(
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PERCENT)],
        help_text="Of the Medicare fee schedule or of billed charges (110 = 110 %).",
    )
    timely_filing_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    notes = models.TextField(blank=True)
    attachment_name = models.CharField(
        max_length=200, blank=True, help_text="Where the signed contract is filed."
    )
    is_draft = models.BooleanField(
        default=False, help_text="A proposal (saved from the what-if): never in force."
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["payer__name", "-effective_from", "pk"]
        indexes = [models.Index(fields=["payer", "effective_from"], name="contract_payer_from")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="contract_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True)
                | models.Q(percent__gte=0, percent__lte=MAX_PERCENT),
                name="contract_percent_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(method="schedule", fee_schedule__isnull=False)
                | models.Q(method="medicare", fee_schedule__isnull=False, percent__isnull=False)
                | models.Q(method="charges", percent__isnull=False),
                name="contract_method_has_its_terms",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.payer})"


class ContractPartQuerySet(RestrictedQuerySet):
    permission_map = {"view": Permission.VIEW_CONTRACT, "change": Permission.CHANGE_CONTRACT}


class ContractCarveOut(models.Model):
    """A code priced apart from the contract's method: an amount per unit, or a percent of
    billed charges. No modifier: any modifier; a modifier: lines carrying it (first)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="carve_outs")
    code = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)

    objects = ContractPartQuerySet.as_manager()

    class Meta:
        ordering = ["code", "modifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "code", "modifier"], name="carve_out_unique"
            ),
            models.CheckConstraint(
                condition=(models.Q(amount__isnull=False, amount__gte=0, percent__isnull=True))
                | (
                    models.Q(
                        amount__isnull=True,
                        percent__isnull=False,
                        percent__gte=0,
                        percent__lte=MAX_PERCENT,
                    )
                ),
                name="carve_out_amount_or_percent",
            ),
        ]

    def __str__(self) -> str:
        mod = f"-{self.modifier}" if self.modifier else ""
        price = f"{self.amount}" if self.amount is not None else f"{self.percent} % of charges"
        return f"{self.code}{mod}: {price}"


class LineAdjudicationQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_CONTRACT}


class LineAdjudication(models.Model):
    charge_line = models.ForeignKey(
        "billing.ChargeLine", on_delete=models.PROTECT, related_name="adjudications"
    )
    claim = models.ForeignKey(
        "billing.Claim", on_delete=models.PROTECT, related_name="line_adjudications"
    )
    payer = models.ForeignKey("patients.Payer", on_delete=models.PROTECT, related_name="+")
    # Denormalised from the line's visit, for the location scope and the report.
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField()
    code = models.CharField(max_length=5)
    modifiers = models.CharField(max_length=11, blank=True)
    units = models.DecimalField(max_digits=7, decimal_places=3)
    billed = models.DecimalField(max_digits=10, decimal_places=2)
    allowed = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Paid plus the patient's responsibility."
    )
    paid = models.DecimalField(max_digits=10, decimal_places=2)
    expected_allowed = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the contract in force on the date of service allows; empty: none.",
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="adjudications"
    )
    source_kind = models.CharField(max_length=20, help_text="remittance, eob…")
    source_id = models.CharField(max_length=40)
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Taken back when the payer reversed the posting that stored it (835 CLP02 22): kept for
    # the record, no longer counted by the underpayment report or the what-if's volume.
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by_source = models.CharField(
        max_length=40, blank=True, help_text="What took it back, e.g. the reversal's claim payment."
    )

    objects = LineAdjudicationQuerySet.as_manager()

    class Meta:
        ordering = ["service_date", "pk"]
        indexes = [
            models.Index(fields=["service_date"], name="lineadj_date"),
            models.Index(fields=["payer", "service_date"], name="lineadj_payer_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["charge_line", "claim", "source_kind", "source_id"],
                name="lineadj_once_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(billed__gte=0), name="lineadj_billed_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} on {self.service_date}: allowed {self.allowed}"

    @property
    def shortfall(self) -> Decimal | None:
        """How much less than expected the payer allowed (negative: more)."""
        if self.expected_allowed is None:
            return None
        return self.expected_allowed - self.allowed
