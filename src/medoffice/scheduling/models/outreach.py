"""Reaching patients: the waitlist, recalls, reminder rules, templates and messages."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from medoffice.core.querysets import RestrictedQuerySet
from medoffice.scheduling.models.calendar import ScheduleSetupQuerySet


class FrontDeskQuerySet(RestrictedQuerySet):
    """Worked by the front desk: seen with the book, changed by those who book."""

    permission_map = {
        "view": "scheduling.view_appointment",
        "change": "scheduling.change_appointment",
    }


class MessageChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a slot"
    BOOKED = "booked", "Booked"
    REMOVED = "removed", "Removed"


class WaitlistEntry(models.Model):
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    offered_at = models.DateTimeField(null=True, blank=True)

    objects = FrontDeskQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"{self.patient} wants {self.appointment_type}"


class RecallStatus(models.TextChoices):
    DUE = "due", "Due"
    CONTACTED = "contacted", "Contacted"
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


class Recall(models.Model):
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

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

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.recall_id} {self.method}: {self.outcome}"


class MessageKind(models.TextChoices):
    REMINDER = "reminder", "Appointment reminder"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"
    RECALL = "recall", "Recall"


class MessageTemplate(models.Model):
    """Editable text of a message; placeholders like {patient_first_name} are filled in."""

    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    channel = models.CharField(max_length=5, choices=MessageChannel.choices)
    language = models.CharField(max_length=8, default="en")
    subject = models.CharField(max_length=120, blank=True)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScheduleSetupQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "language"], name="message_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}, {self.language})"


class ReminderRule(models.Model):
    """Send a reminder this many hours before each visit, by this channel."""

    hours_before = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    channel = models.CharField(max_length=5, choices=MessageChannel.choices)
    is_active = models.BooleanField(default=True)

    objects = ScheduleSetupQuerySet.as_manager()

    class Meta:
        ordering = ["-hours_before", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["hours_before", "channel"], name="reminder_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours_before} h before by {self.get_channel_display()}"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class ReminderMessage(models.Model):
    """One message to a patient; unique per appointment and rule so a task run twice sends once."""

    kind = models.CharField(
        max_length=16, choices=MessageKind.choices, default=MessageKind.REMINDER
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="messages"
    )
    rule = models.ForeignKey(
        ReminderRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=5, choices=MessageChannel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=120, blank=True)
    body = models.TextField()
    scheduled_for = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrontDeskQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "rule"],
                condition=models.Q(rule__isnull=False),
                name="reminder_once_per_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to} ({self.status})"
