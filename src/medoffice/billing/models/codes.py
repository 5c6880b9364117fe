"""Code sets: procedure codes (CPT, HCPCS), modifiers, places of service and the NCCI edits.

ICD-10-CM is not a table: it comes from the ``simple-icd-10-cm`` package (``billing.icd10``).
CPT is licensed by the AMA, so each practice imports its own; rows the demo ships are
marked ``is_synthetic`` and labelled so wherever they show.
"""

from __future__ import annotations

from django.db import models

from medoffice.billing.choices import CodeSet, ModifierIndicator, MueAdjudication, NcciTable
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class ReferenceQuerySet(RestrictedQuerySet):
    permission_map = {"view": Permission.VIEW_BILLING_REFERENCE}


class ProcedureCode(models.Model):
    code = models.CharField(max_length=5, unique=True)
    code_set = models.CharField(max_length=5, choices=CodeSet.choices)
    short_description = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    # A not-otherwise-classified code (e.g. J3490, 99499) needs its description on the line.
    is_not_otherwise_classified = models.BooleanField(default=False)
    # A drug code (J-codes and the like) needs the NDC of what was given.
    requires_ndc = models.BooleanField(default=False)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="Made up for the demo; not a real code set entry."
    )
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.short_description}"


class Modifier(models.Model):
    code = models.CharField(max_length=2, unique=True)
    description = models.CharField(max_length=200)
    # An NCCI-associated modifier lets a PTP pair with indicator 1 be billed.
    is_ncci_associated = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class PlaceOfService(models.Model):
    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "places of service"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PtpEdit(models.Model):
    """An NCCI procedure-to-procedure edit: column 2 is not paid with column 1."""

    table = models.CharField(max_length=12, choices=NcciTable.choices)
    column1 = models.CharField(max_length=5, db_index=True)
    column2 = models.CharField(max_length=5, db_index=True)
    effective_from = models.DateField()
    deleted_on = models.DateField(null=True, blank=True)
    modifier_indicator = models.CharField(max_length=1, choices=ModifierIndicator.choices)
    rationale = models.CharField(max_length=200, blank=True)
    is_synthetic = models.BooleanField(default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["column1", "column2", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "column1", "column2", "effective_from"], name="ptp_edit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.column1}/{self.column2} ({self.get_modifier_indicator_display()})"


class MueLimit(models.Model):
    """A medically unlikely edit: the most units of a code per line or per day."""

    table = models.CharField(max_length=12, choices=NcciTable.choices)
    code = models.CharField(max_length=5, db_index=True)
    units = models.PositiveIntegerField()
    adjudication = models.CharField(max_length=1, choices=MueAdjudication.choices)
    rationale = models.CharField(max_length=200, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "code", "effective_from"], name="mue_limit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.units} ({self.get_adjudication_display()})"


class AddOnCode(models.Model):
    """An add-on code and a primary it is billed with (NCCI add-on code edits)."""

    addon = models.CharField(max_length=5, db_index=True)
    primary = models.CharField(max_length=5)
    edit_type = models.PositiveSmallIntegerField(
        default=1, help_text="1: only these primaries; 2: payer decides; 3: some primaries listed"
    )
    effective_from = models.DateField()
    deleted_on = models.DateField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["addon", "primary"]
        constraints = [
            models.UniqueConstraint(
                fields=["addon", "primary", "effective_from"], name="addon_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.addon} with {self.primary}"
