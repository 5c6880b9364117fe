"""Messaging's choices: the channels, the kinds of message and a message's status."""

from django.db import models


class MessageChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class MessageKind(models.TextChoices):
    REMINDER = "reminder", "Appointment reminder"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"
    RECALL = "recall", "Recall"
    # billing's (billing/reminders.py, billing/services/statements.py)
    BALANCE_REMINDER = "balance_reminder", "Balance reminder"
    PLAN_REMINDER = "plan_reminder", "Payment plan reminder"
    STATEMENT = "statement", "Statement"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
