"""Messaging's tables: the editable message templates, the reminder rules and the messages
themselves (the delivery log).

The tables keep the names they had in the appointment book (``db_table``): the models
moved here with state-only migrations, so an existing database keeps its rows
(docs/decisions/0006-moving-models-between-apps.md). A message's ``appointment`` is the
one reference to the appointment book, by name, never by import: the reminder logic in
``scheduling.reminders`` fills it; the sending layer never reads it.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from medoffice.core.models.bases import CreatedAt, UpdatedAt
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission
from medoffice.messaging.choices import MessageChannel, MessageKind, MessageStatus


class MessagingSetupQuerySet(RestrictedQuerySet):
    """Templates and rules: seen by everyone who sees the book, changed by the office manager."""

    permission_map = {"view": Permission.VIEW_APPOINTMENT, "change": Permission.CHANGE_SCHEDULE}


class MessageQuerySet(RestrictedQuerySet):
    """Messages: seen with the book, changed by those who book, scoped through the patient:
    a user limited to some locations reaches only their patients' messages."""

    permission_map = {
        "view": Permission.VIEW_APPOINTMENT,
        "change": Permission.CHANGE_APPOINTMENT,
    }
    location_field = "patient__home_location_id"


class MessageTemplate(UpdatedAt):
    """Editable text of a message; placeholders like {patient_first_name} are filled in."""

    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    channel = models.CharField(max_length=5, choices=MessageChannel.choices)
    language = models.CharField(max_length=8, default="en")
    subject = models.CharField(max_length=120, blank=True)
    body = models.TextField()

    objects = MessagingSetupQuerySet.as_manager()

    class Meta:
        db_table = "scheduling_messagetemplate"
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

    objects = MessagingSetupQuerySet.as_manager()

    class Meta:
        db_table = "scheduling_reminderrule"
        ordering = ["-hours_before", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["hours_before", "channel"], name="reminder_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours_before} h before by {self.get_channel_display()}"


class Message(CreatedAt):
    """One message to a patient: the delivery log. A reminder names its appointment and rule
    (unique together, so a task run twice sends once); other kinds name neither."""

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

    objects = MessageQuerySet.as_manager()

    class Meta:
        db_table = "scheduling_remindermessage"
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


__all__ = [
    "Message",
    "MessageChannel",
    "MessageKind",
    "MessageStatus",
    "MessageTemplate",
    "ReminderRule",
]
