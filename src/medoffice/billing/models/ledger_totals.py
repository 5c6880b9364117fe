"""The ledger's daily totals: what the A/R aging sums instead of every entry.

The ledger is append-only (a correction is a new entry), so the sum of the entries up to
an entry's id never changes. These tables hold those sums, in whole cents, for every
entry up to ``LedgerTotalsMark.last_entry_id``:

- ``PayerDayTotal``: per payer (``payer_key`` its id; 0 for the patients' share),
  location, date of service and effective date — the aging by payer and the KPI panel's
  A/R read it; a few rows per payer and day.
- ``PatientDayTotal``: the patients' share per patient, location, date of service and
  effective date — the aging by patient reads it.

The aging counts an entry when its effective date is on or before the day asked for and
buckets it by its date of service, both to the day: daily keys make every bucket exact.
Only ``billing.services.ledger_totals`` writes here (it folds in the entries written
since the mark, under a lock); the rows are derived, so nothing else may change them.
"""

from __future__ import annotations

from django.db import models

from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class LedgerTotalsQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class MarkQuerySet(RestrictedQuerySet):
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}


class PayerDayTotal(models.Model):
    payer_key = models.BigIntegerField(help_text="The payer's id; 0: the patients' share.")
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField()
    effective_date = models.DateField()
    cents = models.BigIntegerField()

    objects = LedgerTotalsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payer_key", "location", "service_date", "effective_date"],
                name="payer_day_total_key",
            )
        ]

    def __str__(self) -> str:
        return f"payer {self.payer_key or 'patients'}: {self.cents} cents ({self.service_date})"


class PatientDayTotal(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField()
    effective_date = models.DateField()
    cents = models.BigIntegerField()

    objects = LedgerTotalsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "location", "service_date", "effective_date"],
                name="patient_day_total_key",
            )
        ]
        indexes = [
            # The aging by patient reads only this index (grouped by patient, in order).
            models.Index(
                fields=["patient", "effective_date", "location", "service_date", "cents"],
                name="patient_day_total_aging",
            )
        ]

    def __str__(self) -> str:
        return f"patient {self.patient_id}: {self.cents} cents ({self.service_date})"


class LedgerTotalsMark(models.Model):
    """One row: the last ledger entry the daily totals include."""

    last_entry_id = models.BigIntegerField(default=0)

    objects = MarkQuerySet.as_manager()

    def __str__(self) -> str:
        return f"ledger totals up to entry {self.last_entry_id}"
