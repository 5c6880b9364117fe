"""Follow-up of claims the payer has said nothing about: the 276 claim status requests sent,
each claim's inquiries with the 277's answer, and the biller's notes and tasks per claim."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medoffice.billing.models.claims import ClaimPartQuerySet, ClaimWorkQuerySet, Clearinghouse


class StatusRequestFile(models.Model):
    """One 276 interchange as sent: to a clearinghouse or a payer billed directly."""

    clearinghouse = models.ForeignKey(
        Clearinghouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_request_files",
    )
    payer = models.ForeignKey(
        "patients.Payer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination = models.CharField(max_length=120)
    interchange_control_number = models.PositiveIntegerField(unique=True)
    file_name = models.CharField(max_length=120)
    content = models.TextField()
    claim_count = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    objects = ClaimWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"276 {self.interchange_control_number:09d} to {self.destination}"


class StatusInquiry(models.Model):
    """A claim asked about (in a 276), and the payer's answer once a 277 brings it. An answer
    that came unasked has no file and no asking date."""

    claim = models.ForeignKey(
        "billing.Claim", on_delete=models.CASCADE, related_name="status_inquiries"
    )
    request_file = models.ForeignKey(
        StatusRequestFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    asked_at = models.DateTimeField(null=True, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    category = models.CharField(max_length=3, blank=True, help_text="STC01-1, e.g. F1, P1, R4.")
    status_code = models.CharField(max_length=5, blank=True, help_text="STC01-2.")
    kind = models.CharField(
        max_length=20, blank=True, help_text="paid, denied, pending, information wanted…"
    )
    description = models.CharField(max_length=500, blank=True)
    charged = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    answer_file_name = models.CharField(max_length=200, blank=True)

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "status inquiries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(asked_at__isnull=False) | models.Q(answered_at__isnull=False),
                name="inquiry_asked_or_answered",
            )
        ]

    def __str__(self) -> str:
        return f"Status inquiry {self.pk} of claim {self.claim_id}"


class ClaimNote(models.Model):
    """A note on a claim; with a follow-up date (and maybe an assignee) it is a task."""

    claim = models.ForeignKey("billing.Claim", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    text = models.TextField()
    follow_up_on = models.DateField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_tasks",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["follow_up_on", "done_at"], name="claimnote_task_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(follow_up_on__isnull=False)
                | (models.Q(assigned_to__isnull=True) & models.Q(done_at__isnull=True)),
                name="claimnote_task_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"Note {self.pk} on claim {self.claim_id}"

    @property
    def is_task(self) -> bool:
        return self.follow_up_on is not None
