"""Billing's choices: how a patient paid."""

from django.db import models


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    CHECK = "check", "Check"
    HSA = "hsa", "HSA/FSA card"
