"""Remittances (835 ERA files) as imported and posted.

An ``EraFile`` is one uploaded file. Each ST/BPR/TRN unit in it is an ``EraPayment``,
unique on (payer id, TRN02, TRN03, BPR02): importing the same payment again finds the row
and posts nothing. Each CLP is an ``EraClaimPayment`` (linked to our ``Claim`` when CLP01
matched a claim of that payer), each PLB pair an ``EraProviderAdjustment``. What could not
be posted by itself is an ``EraException`` for the biller. ``PostingRule`` says what each
adjustment does (per payer, or for all payers when ``payer`` is empty); a corrected insured
(NM1*74) becomes a ``CoverageUpdateProposal`` the biller confirms.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medoffice.billing.adjustments import PostingAction
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class EraStatus(models.TextChoices):
    POSTED = "posted", "Posted"
    ALREADY_IMPORTED = "duplicate", "Already imported"
    PARTLY_IMPORTED = "partly", "Partly already imported"
    WAITING = "waiting", "Waiting for deposit"


class EraPaymentStatus(models.TextChoices):
    POSTED = "posted", "Posted"
    WAITING = "waiting", "Waiting for deposit"


class EraExceptionKind(models.TextChoices):
    UNKNOWN_CLAIM = "unknown_claim", "Claim not found"
    UNKNOWN_PAYER = "unknown_payer", "Payer not found"
    UNMATCHED_LINE = "unmatched_line", "Service line not matched"
    UNKNOWN_CODE = "unknown_code", "Adjustment code the rules do not know"
    UNREADABLE = "unreadable", "Unreadable service line"
    NOT_REVERSIBLE = "not_reversible", "Reversal with nothing to reverse"


class EraQuerySet(RestrictedQuerySet):
    """Files and payments: billing's work, seen by whoever sees the ledger."""

    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class EraClaimQuerySet(RestrictedQuerySet):
    """Claim payments and exceptions name patients: limited to the user's locations (rows
    with no location, a claim MedOffice never sent, only for users of every location)."""

    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class EraFile(models.Model):
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    content = models.TextField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=EraStatus.choices, default=EraStatus.POSTED)
    payment_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0, help_text="Payments already imported.")
    claim_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    exception_count = models.PositiveIntegerField(default=0)
    total_paid = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    warnings = models.TextField(blank=True)

    objects = EraQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "ERA file"

    def __str__(self) -> str:
        return self.file_name


class EraPayment(models.Model):
    """One ST…SE: a check or EFT (BPR) with its trace (TRN)."""

    era_file = models.ForeignKey(EraFile, on_delete=models.PROTECT, related_name="payments")
    payer = models.ForeignKey(
        "patients.Payer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payer_identifier = models.CharField("payer ID", max_length=80)
    payer_name = models.CharField(max_length=60, blank=True)
    payee_name = models.CharField(max_length=60, blank=True)
    trace_number = models.CharField("check or EFT trace (TRN02)", max_length=50)
    trace_originator = models.CharField("TRN03", max_length=10)
    amount = models.DecimalField("payment (BPR02)", max_digits=14, decimal_places=2)
    credit_debit = models.CharField(max_length=1, blank=True)
    method = models.CharField(max_length=3, blank=True)
    payment_date = models.DateField(null=True, blank=True)
    production_date = models.DateField(null=True, blank=True)
    claim_count = models.PositiveIntegerField(default=0)
    posted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=EraPaymentStatus.choices, default=EraPaymentStatus.POSTED
    )
    deposit = models.ForeignKey(
        "billing.InsuranceDeposit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = EraQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["payer_identifier", "trace_number", "trace_originator", "amount"],
                name="era_payment_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer_name or self.payer_identifier} {self.trace_number}"


class EraClaimPayment(models.Model):
    """One CLP: the payer's answer to one claim."""

    payment = models.ForeignKey(EraPayment, on_delete=models.PROTECT, related_name="claims")
    claim = models.ForeignKey(
        "billing.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        "core.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claim_identifier = models.CharField("claim number (CLP01)", max_length=38)
    status_code = models.CharField("CLP02", max_length=2)
    charge = models.DecimalField(max_digits=12, decimal_places=2)
    paid = models.DecimalField(max_digits=12, decimal_places=2)
    adjusted = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    patient_responsibility = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payer_claim_number = models.CharField("CLP07", max_length=50, blank=True)
    patient_name = models.CharField(max_length=120, blank=True)
    forwarded_to = models.CharField(
        max_length=60, blank=True, help_text="Crossover: the payer the claim was forwarded to."
    )
    is_denial = models.BooleanField(default=False)
    is_reversal = models.BooleanField(default=False)
    posted = models.BooleanField(default=False)
    posted_by_hand = models.BooleanField(default=False)
    data = models.JSONField(default=dict, help_text="The CLP loop as read, for posting by hand.")

    objects = EraClaimQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["claim_identifier"], name="era_claim_clp01")]

    def __str__(self) -> str:
        return f"{self.claim_identifier} ({self.status_code})"

    @property
    def status_text(self) -> str:
        """CLP02 in words ("processed as primary", "denied" …)."""
        from medoffice.x12.remittance import CLAIM_STATUSES

        return CLAIM_STATUSES.get(self.status_code, f"status {self.status_code}")


class EraProviderAdjustment(models.Model):
    """One PLB pair: a takeback, interest, a forward balance…, linked to its payment."""

    payment = models.ForeignKey(
        EraPayment, on_delete=models.PROTECT, related_name="provider_adjustments"
    )
    provider_identifier = models.CharField(max_length=50)
    fiscal_period = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=2)
    reference = models.CharField(max_length=50, blank=True)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Positive: taken from the payment."
    )

    objects = EraQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"PLB {self.reason} {self.amount}"


class EraException(models.Model):
    era_file = models.ForeignKey(EraFile, on_delete=models.PROTECT, related_name="exceptions")
    claim_payment = models.ForeignKey(
        EraClaimPayment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exceptions",
    )
    location = models.ForeignKey(
        "core.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EraExceptionKind.choices)
    message = models.CharField(max_length=300)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="Paid money it holds back."
    )
    raw = models.TextField(blank=True)
    created_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=200, blank=True)

    objects = EraClaimQuerySet.as_manager()

    class Meta:
        ordering = ["resolved_at", "-created_at", "pk"]
        indexes = [models.Index(fields=["resolved_at", "kind"], name="era_exception_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message[:40]}"


class PostingRule(models.Model):
    """What one adjustment does: group code + CARC (optionally a RARC and a CLP02)."""

    payer = models.ForeignKey(
        "patients.Payer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: every payer.",
    )
    group_code = models.CharField(max_length=2)
    reason_code = models.CharField("CARC", max_length=5, help_text="* for every other reason.")
    remark_code = models.CharField("RARC", max_length=7, blank=True)
    claim_status = models.CharField("CLP02", max_length=2, blank=True)
    action = models.CharField(max_length=24, choices=[(a.value, a.name) for a in PostingAction])

    objects = EraQuerySet.as_manager()

    class Meta:
        ordering = ["payer_id", "group_code", "reason_code", "pk"]
        indexes = [models.Index(fields=["group_code", "reason_code"], name="posting_rule_code")]
        constraints = [
            # One rule per key: NULLs are distinct in a unique index, so the rules for every
            # payer (no payer) have their own constraint.
            models.UniqueConstraint(
                fields=["payer", "group_code", "reason_code", "remark_code", "claim_status"],
                condition=models.Q(payer__isnull=False),
                name="posting_rule_once_per_payer",
            ),
            models.UniqueConstraint(
                fields=["group_code", "reason_code", "remark_code", "claim_status"],
                condition=models.Q(payer__isnull=True),
                name="posting_rule_once_for_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_code}-{self.reason_code} → {self.action}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "To confirm"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class CoverageUpdateProposal(models.Model):
    """A corrected insured (NM1*74) the payer sent: a new member ID or name to confirm."""

    claim_payment = models.ForeignKey(
        EraClaimPayment, on_delete=models.PROTECT, related_name="coverage_proposals"
    )
    coverage = models.ForeignKey(
        "patients.Coverage", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        "core.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member_id = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=60, blank=True)
    first_name = models.CharField(max_length=35, blank=True)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.CharField(max_length=200, blank=True)

    objects = EraClaimQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "id"], name="coverage_proposal_status")]

    def __str__(self) -> str:
        return f"Corrected insured {self.member_id}"
