from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models

from medoffice.core.fields import EncryptedTextField
from medoffice.core.querysets import RestrictedQuerySet


class PatientQuerySet(RestrictedQuerySet):
    def scope_for_user(self, user: Any) -> Self:
        """Users limited to some locations see the patients registered at those locations."""
        location_ids = user.location_ids()
        if location_ids is None:
            return self
        return self.filter(home_location_id__in=location_ids)


class Sex(models.TextChoices):
    """Sex for administrative use (US Core birth sex codes)."""

    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "UNK", "Unknown"


class Patient(models.Model):
    """A patient of the practice. The patients area (issue 3) extends this record."""

    mrn = models.CharField("MRN", max_length=12, unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=3, choices=Sex.choices, default=Sex.UNKNOWN)
    home_location = models.ForeignKey(
        "core.Location", on_delete=models.PROTECT, related_name="patients", null=True, blank=True
    )
    ssn = EncryptedTextField("social security number", blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="patient_name")]
        permissions = [
            ("view_ssn", "Can see full social security numbers"),
            ("emergency_access", "Can open records outside own locations after giving a reason"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.mrn})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class EmergencyAccess(models.Model):
    """A break-glass opening of a record outside the user's scope (164.312(a)(2)(ii), ONC (d)(6))."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="emergency_access_reason_required"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient.mrn} at {self.granted_at:%Y-%m-%d %H:%M}"
