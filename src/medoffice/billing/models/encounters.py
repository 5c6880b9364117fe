"""Charges: what was done at a visit (the encounter), its diagnoses and its service lines.

An encounter belongs to one appointment. Once a claim carries it, it is locked: a
correction goes through a replacement or void claim (``billing.services``), and the
claims keep their own copy of what they billed (``ClaimLine``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from medoffice.billing.choices import EncounterStatus, OtherDateKind, ReferringRole
from medoffice.core.models.bases import Timestamps
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class EncounterQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {
        "view": Permission.VIEW_ENCOUNTER,
        "change": Permission.CODE_ENCOUNTER,
        "review": Permission.REVIEW_ENCOUNTER,
    }


class Encounter(Timestamps):
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="encounter"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="encounters"
    )
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    rendering_provider = models.ForeignKey(
        "scheduling.Provider", on_delete=models.PROTECT, related_name="encounters"
    )
    date_of_service = models.DateField(db_index=True)
    place_of_service = models.CharField(max_length=2)
    referring_name = models.CharField("referring provider", max_length=120, blank=True)
    referring_npi = models.CharField("referring provider's NPI", max_length=10, blank=True)
    referring_qualifier = models.CharField(
        "referring provider's role",
        max_length=2,
        choices=ReferringRole.choices,
        default=ReferringRole.REFERRING,
        help_text="CMS-1500 box 17 qualifier: referring, ordering or supervising provider.",
    )
    prior_authorization = models.CharField(max_length=50, blank=True)
    # CMS-1500 boxes 15, 16, 18 and 19 (837P 2300 DTP and NTE*ADD).
    other_date = models.DateField("other date", null=True, blank=True)
    other_date_qualifier = models.CharField(
        "other date is", max_length=3, choices=OtherDateKind.choices, blank=True
    )
    unable_to_work_from = models.DateField(null=True, blank=True)
    unable_to_work_to = models.DateField(null=True, blank=True)
    hospitalized_from = models.DateField(null=True, blank=True)
    hospitalized_to = models.DateField(null=True, blank=True)
    claim_note = models.CharField(
        "additional claim information",
        max_length=48,
        blank=True,
        help_text="CMS-1500 box 19 (what fits on the form); sent as the claim note (NTE*ADD).",
    )
    # CMS-1500 box 11b (837P 2010BA REF*Y4) and box 20 (2400 PS1).
    other_claim_id = models.CharField(
        "other claim ID",
        max_length=30,
        blank=True,
        help_text="CMS-1500 box 11b: the property and casualty (auto or workers' compensation) "
        "claim number; sent as REF*Y4.",
    )
    outside_lab_npi = models.CharField(
        "outside lab's NPI",
        max_length=10,
        blank=True,
        help_text="CMS-1500 box 20: the lab (or other supplier) that performed the purchased "
        "services; sent as PS101 on each purchased line.",
    )
    status = models.CharField(
        max_length=10, choices=EncounterStatus.choices, default=EncounterStatus.DRAFT
    )
    note = models.TextField(blank=True)
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    coded_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Raised each time a claimed encounter is reopened for a correction (replacement claim).
    revision = models.PositiveSmallIntegerField(default=1)

    objects = EncounterQuerySet.as_manager()

    class Meta:
        ordering = ["-date_of_service", "-pk"]

    def __str__(self) -> str:
        return f"Charges of {self.date_of_service} ({self.get_status_display()})"

    @property
    def is_locked(self) -> bool:
        return self.status == EncounterStatus.CLAIMED


class EncounterPartQuerySet(RestrictedQuerySet):
    """An encounter's diagnoses and lines: seen by whoever sees the encounter."""

    location_field = "encounter__location_id"
    permission_map = {"view": Permission.VIEW_ENCOUNTER, "change": Permission.CODE_ENCOUNTER}


class ChargeLineManager(models.Manager.from_queryset(EncounterPartQuerySet)):  # type: ignore[misc]
    """The lines a visit carries now: a line removed by a correction after the ledger
    charged it stays as a row (its entries hang on it) but is no longer the visit's."""

    def get_queryset(self) -> EncounterPartQuerySet:
        return super().get_queryset().filter(removed_at__isnull=True)


class EncounterDiagnosis(models.Model):
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="diagnoses")
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    code = models.CharField(max_length=8, help_text="ICD-10-CM without the dot (E119).")

    objects = EncounterPartQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "position"], name="encounter_diagnosis_position_unique"
            ),
            models.UniqueConstraint(
                fields=["encounter", "code"], name="encounter_diagnosis_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=12),
                name="encounter_diagnosis_position_1_to_12",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.code}"


class ChargeLine(models.Model):
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    procedure_code = models.CharField(max_length=5)
    modifiers = models.CharField(
        max_length=11, blank=True, help_text="Up to four two-character modifiers, comma-separated."
    )
    units = models.DecimalField(
        max_digits=7, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    charge = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    diagnosis_pointers = models.CharField(
        max_length=11,
        help_text="Up to four diagnosis positions, comma-separated, first is primary.",
    )
    description = models.CharField(
        max_length=80, blank=True, help_text="Required for a not-otherwise-classified code."
    )
    ndc = models.CharField("NDC", max_length=11, blank=True)
    ndc_quantity = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    ndc_unit = models.CharField("NDC unit", max_length=2, blank=True)
    service_to = models.DateField(null=True, blank=True)
    # CMS-1500 box 24C (837P SV109), 24H (SV111 EPSDT, SV112 family planning) and box 20
    # (2400 PS102: the price paid to the outside lab for this line's service).
    emergency = models.BooleanField(default=False)
    epsdt = models.BooleanField("EPSDT", default=False)
    family_planning = models.BooleanField(default=False)
    purchased_charge = models.DecimalField(
        "purchased service charge",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Set when a correction removed a line the ledger had charged (its charge reversed).
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = ChargeLineManager()
    with_removed = EncounterPartQuerySet.as_manager()

    class Meta:
        ordering = ["line_number"]
        base_manager_name = "with_removed"
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "line_number"],
                condition=models.Q(removed_at__isnull=True),
                name="charge_line_number_unique",
            ),
            models.CheckConstraint(condition=models.Q(units__gt=0), name="charge_units_positive"),
            models.CheckConstraint(condition=models.Q(charge__gte=0), name="charge_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Line {self.line_number}: {self.procedure_code}"

    @property
    def modifier_list(self) -> list[str]:
        return [m for m in self.modifiers.split(",") if m]

    @property
    def pointer_list(self) -> list[int]:
        return [int(p) for p in self.diagnosis_pointers.split(",") if p.isdigit()]
