"""Reaching patients: the waitlist and recalls (messages to patients are messaging's)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medoffice.core.models.bases import CreatedAt, CreatedBy, CreatedByIfAnyone
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission
from medoffice.scheduling.choices import RecallStatus, WaitlistStatus


class FrontDeskQuerySet(RestrictedQuerySet):
    """Worked by the front desk: seen with the book, changed by those who book.

    Scoped through the patient's home location, as the patient record is: a user
    limited to some locations reaches only the entries of the patients they may open.
    """

    permission_map = {
        "view": Permission.VIEW_APPOINTMENT,
        "change": Permission.CHANGE_APPOINTMENT,
    }
    location_field = "patient__home_location_id"


class RecallOutreachQuerySet(FrontDeskQuerySet):
    """A call or letter of a recall: scoped through the recall's patient."""

    location_field = "recall__patient__home_location_id"


class WaitlistEntry(CreatedBy, CreatedAt):
    """A patient who wants an earlier slot of a type (optionally with one provider)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "scheduling.Provider", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        "core.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    earliest = models.DateField(null=True, blank=True)
    latest = models.DateField(null=True, blank=True)
    mornings_only = models.BooleanField(default=False)
    afternoons_only = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offered_at = models.DateTimeField(null=True, blank=True)

    objects = FrontDeskQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"{self.patient} wants {self.appointment_type}"


class Recall(CreatedByIfAnyone, CreatedAt):
    """Who is due for what (annual physical, diabetic eye exam) and the outreach so far."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="recalls"
    )
    reason = models.CharField(max_length=120)
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    provider = models.ForeignKey(
        "scheduling.Provider", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=RecallStatus.choices, default=RecallStatus.DUE)
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FrontDeskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return f"{self.patient}: {self.reason} due {self.due_date}"


class RecallOutreach(models.Model):
    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="outreach")
    method = models.CharField(max_length=10)
    outcome = models.CharField(max_length=120)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RecallOutreachQuerySet.as_manager()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.recall_id} {self.method}: {self.outcome}"
