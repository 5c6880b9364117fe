"""Claims: one per encounter per responsible payer, their lines as billed, the scrubber's
findings, every status change, batches (837P files), acknowledgements and eligibility."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from medoffice.billing.choices import (
    AckKind,
    ClaimFrequency,
    ClaimStatus,
    EligibilityStatus,
    FindingSeverity,
    Responsibility,
)
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class ClearinghouseQuerySet(RestrictedQuerySet):
    permission_map = {"view": Permission.VIEW_BILLING_REFERENCE}


class ClaimWorkQuerySet(RestrictedQuerySet):
    """Batches and acknowledgements: billing's work, seen by whoever sees claims."""

    permission_map = {"view": Permission.VIEW_CLAIM}


class Clearinghouse(models.Model):
    """Where electronic claims go, and who the interchange says we are to them."""

    name = models.CharField(max_length=120, unique=True)
    submitter_id = models.CharField(
        "submitter ID (ETIN)", max_length=15, help_text="ISA06/GS02 and 1000A NM109."
    )
    submitter_qualifier = models.CharField(max_length=2, default="ZZ")
    receiver_id = models.CharField("receiver ID", max_length=15, help_text="ISA08/GS03 and 1000B.")
    receiver_qualifier = models.CharField(max_length=2, default="ZZ")
    receiver_name = models.CharField(max_length=60)
    contact_name = models.CharField(max_length=60, blank=True)
    contact_phone = models.CharField(max_length=10, blank=True)
    contact_email = models.EmailField(blank=True)
    production = models.BooleanField(
        default=False, help_text="ISA15 P (production) rather than T (test)."
    )
    transport = models.CharField(max_length=20, default="file")
    outbox = models.CharField(
        max_length=250, blank=True, help_text="Folder the file transport drops batches into."
    )
    is_active = models.BooleanField(default=True)

    objects = ClearinghouseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ControlNumber(models.Model):
    """The last control number used for each kind (ISA13, GS06, ST02, 270 trace)."""

    kind = models.CharField(max_length=10, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}: {self.last}"


class ClaimQuerySet(RestrictedQuerySet):
    location_field = "encounter__location_id"
    permission_map = {"view": Permission.VIEW_CLAIM}


class ClaimBatch(models.Model):
    """One 837P interchange: the claims submitted together to one payer or clearinghouse."""

    clearinghouse = models.ForeignKey(
        Clearinghouse, on_delete=models.PROTECT, null=True, blank=True, related_name="batches"
    )
    payer = models.ForeignKey(
        "patients.Payer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    interchange_control_number = models.PositiveIntegerField(unique=True)
    group_control_number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=120)
    content = models.TextField()
    claim_count = models.PositiveIntegerField()
    total_charge = models.DecimalField(max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_note = models.CharField(max_length=250, blank=True)

    objects = ClaimWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "claim batches"

    def __str__(self) -> str:
        return f"Batch {self.interchange_control_number:09d} ({self.claim_count} claims)"


class Claim(models.Model):
    encounter = models.ForeignKey(
        "billing.Encounter", on_delete=models.PROTECT, related_name="claims"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="claims")
    payer = models.ForeignKey(
        "patients.Payer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="Empty when the patient pays (self-pay).",
    )
    coverage = models.ForeignKey(
        "patients.Coverage", on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    responsibility = models.CharField(max_length=4, choices=Responsibility.choices)
    control_number = models.CharField("claim number (CLM01)", max_length=20, unique=True)
    frequency = models.CharField(
        max_length=1, choices=ClaimFrequency.choices, default=ClaimFrequency.ORIGINAL
    )
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    prior_payer_claim = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_payer_claims",
        help_text="For a secondary (tertiary) claim: the claim of the payer that paid before.",
    )
    payer_claim_number = models.CharField(
        max_length=50, blank=True, help_text="The payer's number for the claim (277CA or 835)."
    )
    status = models.CharField(max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    date_of_service = models.DateField(db_index=True)
    total_charge = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    diagnoses = models.CharField(
        max_length=120, help_text="The claim's ICD-10-CM codes, comma-separated, in order."
    )
    place_of_service = models.CharField(max_length=2)
    batch = models.ForeignKey(
        ClaimBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    scrubbed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # The first scrub's verdict, kept for good: the clean-claim rate (HFMA MAP CL-1) counts
    # claims that passed the edits with no manual intervention. None: never scrubbed.
    first_scrub_clean = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-date_of_service", "-pk"]
        indexes = [
            models.Index(fields=["status", "payer"], name="claim_status_payer"),
            # The revenue panel's months and its cache's version (selectors/revenue_kpis.py).
            models.Index(fields=["first_submitted_at"], name="claim_first_submitted"),
            models.Index(fields=["created_at"], name="claim_created"),
            models.Index(fields=["scrubbed_at"], name="claim_scrubbed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(responsibility="self", payer__isnull=True)
                | (~models.Q(responsibility="self") & models.Q(payer__isnull=False)),
                name="claim_payer_matches_responsibility",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency="1", replaces__isnull=True)
                | (~models.Q(frequency="1") & models.Q(replaces__isnull=False)),
                name="claim_correction_names_original",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.control_number} ({self.get_status_display()})"

    @property
    def diagnosis_list(self) -> list[str]:
        return [code for code in self.diagnoses.split(",") if code]


class ClaimPartQuerySet(RestrictedQuerySet):
    """A claim's lines, history and findings: seen by whoever sees the claim."""

    location_field = "claim__encounter__location_id"
    permission_map = {"view": Permission.VIEW_CLAIM}


class ClaimLine(models.Model):
    """A service line as the claim billed it: a copy, so history never changes."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    procedure_code = models.CharField(max_length=5)
    modifiers = models.CharField(max_length=11, blank=True)
    units = models.DecimalField(max_digits=7, decimal_places=3)
    charge = models.DecimalField(max_digits=10, decimal_places=2)
    diagnosis_pointers = models.CharField(max_length=11)
    description = models.CharField(max_length=80, blank=True)
    ndc = models.CharField(max_length=11, blank=True)
    ndc_quantity = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    ndc_unit = models.CharField(max_length=2, blank=True)
    service_from = models.DateField()
    service_to = models.DateField(null=True, blank=True)
    emergency = models.BooleanField(default=False)  # box 24C, SV109
    epsdt = models.BooleanField(default=False)  # box 24H, SV111
    family_planning = models.BooleanField(default=False)  # box 24H, SV112
    purchased_charge = models.DecimalField(  # box 20, PS102
        max_digits=10, decimal_places=2, null=True, blank=True
    )

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["line_number"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "line_number"], name="claim_line_unique")
        ]

    def __str__(self) -> str:
        return f"Claim line {self.line_number}: {self.procedure_code}"

    @property
    def modifier_list(self) -> list[str]:
        return [m for m in self.modifiers.split(",") if m]

    @property
    def pointer_list(self) -> list[int]:
        return [int(p) for p in self.diagnosis_pointers.split(",") if p.isdigit()]


class ClaimTransition(models.Model):
    """Every change of a claim's status, with who and when: the claim's history."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ClaimStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        # The denial report's claims adjudicated by month: covering.
        indexes = [models.Index(fields=["to_status", "at", "claim"], name="transition_status_at")]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class ClaimFinding(models.Model):
    """What the scrubber (or a payer's rejection) found wrong with a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(max_length=60)
    severity = models.CharField(max_length=8, choices=FindingSeverity.choices)
    message = models.TextField()
    fix = models.TextField(blank=True)
    line_number = models.PositiveSmallIntegerField(null=True, blank=True)
    field = models.CharField(max_length=60, blank=True)
    found_at = models.DateTimeField()
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.CharField(max_length=200, blank=True)

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["severity", "line_number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overridden_by__isnull=True)
                | (models.Q(severity="warning") & ~models.Q(override_reason="")),
                name="finding_override_is_warning_with_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.severity}: {self.code}"


class Acknowledgement(models.Model):
    """A 999, TA1 or 277CA file the clearinghouse or payer sent back."""

    kind = models.CharField(max_length=5, choices=AckKind.choices)
    file_name = models.CharField(max_length=200)
    content = models.TextField()
    received_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        ClaimBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="acknowledgements"
    )
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)

    objects = ClaimWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class EligibilityQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_ELIGIBILITY}


class EligibilityCheck(models.Model):
    """One 270 inquiry for a coverage on a date of service, and what the 271 said."""

    coverage = models.ForeignKey(
        "patients.Coverage", on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eligibility_checks",
    )
    location = models.ForeignKey(
        "core.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_date = models.DateField()
    trace_number = models.CharField(max_length=30, unique=True)
    status = models.CharField(
        max_length=10, choices=EligibilityStatus.choices, default=EligibilityStatus.QUEUED
    )
    plan_name = models.CharField(max_length=120, blank=True)
    copay = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    deductible = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    deductible_remaining = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )
    out_of_pocket_remaining = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )
    rejection_reason = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = EligibilityQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Eligibility {self.trace_number}: {self.get_status_display()}"
