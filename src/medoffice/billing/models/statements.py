"""Patient statements and collections.

A ``StatementRun`` is the monthly run for one period (the month of its ``as_of`` date) and a
scope (all locations, or some). It holds one ``Statement`` per guarantor whose patient due
was above the minimum; a guarantor gets at most one statement per period, so running the
month again adds nothing twice. A statement keeps what it showed (``content``: the aging,
the visits, the payments), so its PDF is laid out again the same way whenever asked.

A ``CollectionsFlag`` sends a guarantor's account to the collection agency: statements
stop while it is active; reversing it keeps the row (who, when, why).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class StatementDelivery(models.TextChoices):
    EMAIL = "email", "E-mailed"
    PRINT = "print", "To print"


class DunningStage(models.IntegerChoices):
    STATEMENT = 0, "Statement"
    FRIENDLY = 1, "Friendly reminder (30 days)"
    REMINDER = 2, "Reminder (60 days)"
    FINAL = 3, "Final notice before collections (90 days)"


class StatementQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class StatementRunQuerySet(RestrictedQuerySet):
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class CollectionsFlagQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class StatementRun(models.Model):
    period = models.DateField(help_text="The first day of the statement month.")
    as_of = models.DateField()
    scope = models.CharField(
        max_length=200,
        blank=True,
        help_text="The location ids run for, comma-separated; empty: all.",
    )
    started_at = models.DateTimeField()
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minimum_due = models.DecimalField(max_digits=12, decimal_places=2)

    objects = StatementRunQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "scope"], name="statement_run_once"),
        ]

    def __str__(self) -> str:
        return f"Statements of {self.period:%B %Y}"


class StatementPrintFile(models.Model):
    """A run's print file as it was laid out (every statement to print, one per page), so
    that opening it again reads it instead of laying out the whole mailing again.
    ``statement_ids`` names what it holds: when the month is run again and adds statements
    to print, the file is made again; it is made again too once its pay links have less
    than a month to go (``statement_pdf.print_file``)."""

    run = models.OneToOneField(
        StatementRun, on_delete=models.CASCADE, primary_key=True, related_name="print_file"
    )
    statement_ids = models.TextField(help_text="The statements in the file, comma-separated.")
    made_at = models.DateTimeField()
    content = models.BinaryField()

    objects = StatementRunQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Print file of {self.run}"


class Statement(models.Model):
    run = models.ForeignKey(StatementRun, on_delete=models.PROTECT, related_name="statements")
    period = models.DateField()
    guarantor_key = models.CharField(max_length=40)
    guarantor_name = models.CharField(max_length=170)
    guarantor_address = models.CharField(max_length=300, blank=True)
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The patient whose record the statement is filed with (the guarantor's first).",
    )
    patients = models.ManyToManyField("patients.Patient", related_name="statements")
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    amount_due = models.DecimalField(max_digits=12, decimal_places=2)
    aging_0_30 = models.DecimalField(max_digits=12, decimal_places=2)
    aging_31_60 = models.DecimalField(max_digits=12, decimal_places=2)
    aging_61_90 = models.DecimalField(max_digits=12, decimal_places=2)
    aging_91_120 = models.DecimalField(max_digits=12, decimal_places=2)
    aging_over_120 = models.DecimalField(max_digits=12, decimal_places=2)
    stage = models.PositiveSmallIntegerField(choices=DunningStage.choices)
    balance_since = models.DateField(help_text="The date of the first statement for this balance.")
    delivery = models.CharField(max_length=5, choices=StatementDelivery.choices)
    delivery_note = models.CharField(max_length=200, blank=True)
    email_to = models.CharField(max_length=254, blank=True)
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(help_text="What the statement shows, for its PDF.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["guarantor_key", "period"], name="statement_once_per_month"
            ),
            models.CheckConstraint(condition=models.Q(amount_due__gt=0), name="statement_due"),
        ]
        indexes = [models.Index(fields=["guarantor_key", "as_of"], name="statement_guarantor")]

    def __str__(self) -> str:
        return f"Statement {self.pk} of {self.guarantor_name} ({self.as_of})"

    @property
    def number(self) -> str:
        return f"S{self.pk:06d}"


class CollectionsFlag(models.Model):
    guarantor_key = models.CharField(max_length=40)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    flagged_on = models.DateField()
    flagged_at = models.DateTimeField()
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    balance_at_flag = models.DecimalField(max_digits=12, decimal_places=2)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_reason = models.CharField(max_length=200, blank=True)

    objects = CollectionsFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["guarantor_key"],
                condition=models.Q(reversed_at__isnull=True),
                name="collections_flag_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Collections: {self.patient_id} since {self.flagged_on}"

    @property
    def is_active(self) -> bool:
        return self.reversed_at is None


class StatementScheduleQuerySet(RestrictedQuerySet):
    # Practice-wide (one row, no location): any biller sees it; changing it is posting work.
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class StatementSchedule(models.Model):
    """The practice's statement schedule: one row. With ``automatic`` on, the month's run is
    made by the background worker on ``statement_day`` (practice time);
    ``last_automatic_period`` is the month it last did so (one automatic run a month)."""

    statement_day = models.PositiveSmallIntegerField(
        default=5, help_text="The day of the month the statements run (1 to 28)."
    )
    automatic = models.BooleanField(
        default=False, help_text="Run the month's statements on that day without a person."
    )
    last_automatic_period = models.DateField(null=True, blank=True)
    last_automatic_run = models.ForeignKey(
        StatementRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = StatementScheduleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statement_day__gte=1, statement_day__lte=28),
                name="statement_schedule_day",
            ),
        ]

    def __str__(self) -> str:
        state = "automatic" if self.automatic else "by hand"
        return f"Statements on day {self.statement_day} ({state})"
