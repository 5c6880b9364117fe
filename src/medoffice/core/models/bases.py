"""Abstract bases for the columns many tables repeat: when a row was written and changed,
and who wrote it.

They only gather the field definitions; the columns stay what they were (same names,
types, nullability, related names), so using a base needs no migration. A table whose
column differs keeps its own field (see docs/architecture.md, "Model bases").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CreatedAt(models.Model):
    """``created_at``: when the row was written, set once."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class UpdatedAt(models.Model):
    """``updated_at``: when the row was last saved."""

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Timestamps(CreatedAt, UpdatedAt):
    """``created_at`` and ``updated_at``."""

    class Meta:
        abstract = True


class CreatedBy(models.Model):
    """``created_by``: the user who wrote the row; a user who wrote rows is never deleted."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class CreatedByIfAnyone(models.Model):
    """``created_by``, empty for rows the system wrote itself (the demo, a periodic task)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
