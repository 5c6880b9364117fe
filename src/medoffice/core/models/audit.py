from __future__ import annotations

from django.db import models
from django.utils import timezone

from medoffice.core import auditchain
from medoffice.core.choices import AuditAction, AuditOutcome
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log.

    ``seq`` numbers the chain without gaps; ``entry_hash`` is SHA-256 over the
    entry's content and ``prev_hash`` (core/auditchain.py); ``mac`` is HMAC-SHA256
    of ``entry_hash`` under the audit key ``mac_key_id`` (kept outside the database;
    both empty on entries written before the key existed). Nothing in the app
    updates or deletes rows; triggers refuse UPDATE and DELETE (core migrations
    0002, 0006).
    """

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, db_index=True)
    roles = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=60, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data_category = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    # The patients a read showed (a search, a list, a day view), comma-separated in the
    # order shown; hashed with the rest (auditchain.OPTIONAL_FIELDS). ``patient_id`` is
    # the one patient an entry is about; a search's entry has none.
    patient_ids = models.TextField(blank=True, default="")
    prev_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)
    mac_key_id = models.CharField(max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["patient_id", "occurred_at"], name="audit_patient_time")]
        permissions = [("export_auditevent", "Can export the audit log")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}"

    @property
    def shown_patient_ids(self) -> list[int]:
        return auditchain.patient_ids_list(self.patient_ids)


def concerning_patient(patient_id: int) -> models.Q:
    """Entries about the patient, or that showed them among others (a search, a list).

    The accounting of disclosures' question, "who saw this patient?" (ONC (d)(10)).
    ``patient_ids`` is "4,17,30": the id alone, first, last or between commas.
    """
    text = str(patient_id)
    return (
        models.Q(patient_id=patient_id)
        | models.Q(patient_ids=text)
        | models.Q(patient_ids__startswith=f"{text},")
        | models.Q(patient_ids__endswith=f",{text}")
        | models.Q(patient_ids__contains=f",{text},")
    )


class AuditVerificationQuerySet(RestrictedQuerySet):
    # Whoever may read the audit log may see whether its chain is intact.
    permission_map = {"view": Permission.VIEW_AUDITEVENT}


class AuditVerification(models.Model):
    """The result of one walk of the audit chain (`medoffice audit verify`, nightly task).

    Append-only like the log (triggers, core migration 0006) and keyed: ``mac`` is
    HMAC-SHA256 under the audit key ``key_id`` of the checkpoint's head, counts and
    time (``core.audit.checkpoint_body``), so an edited row is found. Intact checks
    are also written outside the database (core/auditcheckpoints.py).
    """

    checked_at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    entries_checked = models.PositiveBigIntegerField()
    first_bad_seq = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300)
    # The chain's last entry when it was found intact: a later walk must find it
    # unchanged, so removing entries from the end is detected too.
    last_seq = models.PositiveBigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)
    unkeyed = models.PositiveBigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    objects = AuditVerificationQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return self.message
