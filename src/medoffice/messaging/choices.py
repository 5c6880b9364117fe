"""Messaging's choices: the channels, the kinds of message and a message's status."""

from django.db import models


class MessageChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class MessageKind(models.TextChoices):
    REMINDER = "reminder", "Appointment reminder"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"
    RECALL = "recall", "Recall"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
