from __future__ import annotations

from django.conf import settings
from django.db import models

from medoffice.core.querysets import RestrictedQuerySet

from .bases import CreatedAt


class TokenAccess(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


# At most a year: a forgotten script's token does not live for ever.
TOKEN_MAX_DAYS = 365


class ApiToken(CreatedAt):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once.

    It acts with its owner's current roles, narrowed by its scope: ``access`` (read only, or
    read and write) and ``areas``, the slugs of the API areas it may use (api/base.py
    AREAS). ``mfa_verified`` records whether the session that made it had passed the
    second step; only such a token may read the audit log.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=80, help_text="What the token is for, e.g. “reporting script”."
    )
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    access = models.CharField(max_length=5, choices=TokenAccess.choices, default=TokenAccess.READ)
    areas = models.JSONField(default=list, help_text="Slugs of the API areas it may use.")
    mfa_verified = models.BooleanField(
        "made after a two-step check",
        default=False,
        help_text="Whether the session that made the token had passed the second step.",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        if self.revoked_at is not None:
            return False
        return self.expires_at > timezone.now()
