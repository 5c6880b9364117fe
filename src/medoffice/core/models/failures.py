from __future__ import annotations

from django.db import models

from medoffice.core.querysets import RestrictedQuerySet


class FailureTally(models.Model):
    """Anonymous failures (bad API tokens, refused patient links) of one kind from one
    address in one minute, counted until the minute is summed up in the audit log.

    Not part of the audit log: a working counter that ``core.failures`` updates on every
    failure and deletes when it writes the minute's summary entry, so the audit chain
    itself stays append-only.
    """

    source_ip = models.CharField(
        max_length=45, blank=True, help_text="The address in canonical form; empty: unknown."
    )
    kind = models.CharField(max_length=40)
    minute = models.DateTimeField(help_text="The minute's start (UTC).")
    count = models.PositiveIntegerField(default=1)
    throttled = models.PositiveIntegerField(
        default=0, help_text="Of them, refused by the rate limit before being checked."
    )
    action = models.CharField(max_length=32)
    object_type = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=16)
    first_seq = models.BigIntegerField(help_text="The audit entry of the minute's first failure.")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_ip", "kind", "minute"],
                name="failure_tally_once_per_minute",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.count} × {self.kind} from {self.source_ip or 'unknown'} at {self.minute:%H:%M}"
        )
