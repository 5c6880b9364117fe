from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models

from medoffice.core.fields import EncryptedTextField
from medoffice.core.formats import as_datetime
from medoffice.core.models.bases import CreatedAt, CreatedByIfAnyone, Timestamps
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission
from medoffice.patients.choices import (
    AlertKind,
    ConsentKind,
    ContactMethod,
    CoverageOrder,
    DocumentKind,
    GenderIdentity,
    Language,
    Relationship,
    Sex,
)

if TYPE_CHECKING:
    from medoffice.core.models import User
    from medoffice.core.permissions import SystemActor


class PatientQuerySet(RestrictedQuerySet):
    def scope_for_user(self, user: User | SystemActor) -> Self:
        """Users limited to some locations see the patients registered at those locations."""
        location_ids = user.location_ids()
        if location_ids is None:
            return self
        # Written as an expression so that no planner picks the location index for it:
        # a location holds a third of the charts, while the search's own conditions
        # (a name prefix, an id list) are the selective ones.
        return self.alias(_scope_location=models.F("home_location_id") + 0).filter(
            _scope_location__in=location_ids
        )


class PatientRecordQuerySet(RestrictedQuerySet):
    """A part of a patient's record (coverage, consent, alert, document).

    Seen and changed with the patient's permissions, and scoped through the patient:
    a user limited to some locations reaches only the parts of their patients' records.
    """

    permission_map = {"view": Permission.VIEW_PATIENT, "change": Permission.CHANGE_PATIENT}
    location_field = "patient__home_location_id"


class PatientMergeQuerySet(RestrictedQuerySet):
    """The record of a merge: seen and made by those who merge, scoped through the survivor."""

    permission_map = {"view": Permission.MERGE_PATIENT, "change": Permission.MERGE_PATIENT}
    location_field = "survivor__home_location_id"


class Patient(Timestamps):
    """A patient of the practice."""

    mrn = models.CharField("MRN", max_length=12, unique=True)
    first_name = models.CharField("legal first name", max_length=80)
    middle_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField("legal last name", max_length=80)
    suffix = models.CharField(max_length=10, blank=True)
    preferred_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=3, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(max_length=16, choices=GenderIdentity.choices, blank=True)
    home_location = models.ForeignKey(
        "core.Location", on_delete=models.PROTECT, related_name="patients", null=True, blank=True
    )
    ssn = EncryptedTextField("social security number", blank=True)
    address_line1 = models.CharField("address", max_length=120, blank=True)
    address_line2 = models.CharField("address line 2", max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField("ZIP code", max_length=10, blank=True)
    phone = models.CharField("mobile phone", max_length=20, blank=True, db_index=True)
    phone_home = models.CharField("home phone", max_length=20, blank=True)
    phone_work = models.CharField("work phone", max_length=20, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(
        "preferred contact method",
        max_length=5,
        choices=ContactMethod.choices,
        default=ContactMethod.SMS,
    )
    preferred_language = models.CharField(
        max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    guarantor_relationship = models.CharField(
        max_length=2,
        choices=Relationship.choices,
        default=Relationship.SELF,
        help_text="Who pays the patient's bills: the patient (self) or another person.",
    )
    guarantor_first_name = models.CharField(max_length=80, blank=True)
    guarantor_last_name = models.CharField(max_length=80, blank=True)
    guarantor_date_of_birth = models.DateField(null=True, blank=True)
    guarantor_phone = models.CharField(max_length=20, blank=True)
    guarantor_address = models.CharField(max_length=250, blank=True)
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_relationship = models.CharField(max_length=40, blank=True)
    emergency_contact_phone = models.CharField(max_length=20, blank=True)
    # Lower-case, accent-free copies for fast prefix search (patients/search.py).
    search_first = models.CharField(max_length=80, blank=True, editable=False)
    search_last = models.CharField(max_length=80, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    deceased_date = models.DateField(null=True, blank=True)
    # No index: nearly every row is NULL, and an index here lures planners away from
    # the selective search indexes (patients/selectors.py).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        db_index=False,
    )

    objects = PatientQuerySet.as_manager()

    # Set on the patient that selectors.get_patient returns, for the record page's notice.
    emergency_access: EmergencyAccess | None

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="patient_name"),
            models.Index(fields=["search_last", "search_first"], name="patient_search_last"),
            models.Index(fields=["search_first", "search_last"], name="patient_search_first"),
            models.Index(fields=["date_of_birth"], name="patient_dob"),
            # The home page's recently changed patients (newest first, eight of them).
            models.Index(fields=["-updated_at"], name="patient_recent"),
            # Partial: most home and work phones are empty, which would make planners
            # judge a full index useless; searches add the same "not empty" condition.
            models.Index(
                fields=["phone_home"],
                name="patient_phone_home",
                condition=~models.Q(phone_home=""),
            ),
            models.Index(
                fields=["phone_work"],
                name="patient_phone_work",
                condition=~models.Q(phone_work=""),
            ),
        ]
        permissions = [
            ("view_ssn", "Can see full social security numbers"),
            ("emergency_access", "Can open records outside own locations after giving a reason"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.mrn})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from medoffice.patients.search import fold

        self.search_first = fold(self.first_name)
        self.search_last = fold(self.last_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"first_name", "last_name"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "search_first", "search_last"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: dt.date) -> int:
        """Full years of age on ``day`` (a birthday on February 29 counts from March 1)."""
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def display_name(self) -> str:
        """Last, first, with the preferred name in quotes when it differs."""
        preferred = (
            f" “{self.preferred_name}”"
            if self.preferred_name and self.preferred_name != self.first_name
            else ""
        )
        return f"{self.last_name}, {self.first_name}{preferred}"

    @property
    def is_deceased(self) -> bool:
        return self.deceased_date is not None


class EmergencyAccess(models.Model):
    """A break-glass opening of a record outside the user's scope (164.312(a)(2)(ii), ONC (d)(6))."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="emergency_access_reason_required"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient.mrn} at {as_datetime(self.granted_at)}"


class PatientAlert(CreatedByIfAnyone, CreatedAt):
    """A banner the front desk sees on the patient ("needs interpreter", "balance due")."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    text = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.text or self.get_kind_display()


class Payer(models.Model):
    """An insurance company or plan sponsor the practice bills."""

    name = models.CharField(max_length=120, unique=True)
    payer_id = models.CharField("electronic payer ID", max_length=20, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=250, blank=True)
    is_active = models.BooleanField(default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def card_upload_path(instance: Any, filename: str) -> str:
    return f"patients/{instance.patient_id}/cards/{filename}"


class Coverage(Timestamps):
    """A patient's insurance: payer, plan, member and group numbers, subscriber, order."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="coverages")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="coverages")
    plan_name = models.CharField(max_length=120, blank=True)
    member_id = models.CharField("member ID", max_length=40, db_index=True)
    group_number = models.CharField(max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(
        choices=CoverageOrder.choices, default=CoverageOrder.PRIMARY
    )
    relationship = models.CharField(
        "patient's relationship to subscriber",
        max_length=2,
        choices=Relationship.choices,
        default=Relationship.SELF,
    )
    subscriber_first_name = models.CharField(max_length=80, blank=True)
    subscriber_last_name = models.CharField(max_length=80, blank=True)
    subscriber_date_of_birth = models.DateField(null=True, blank=True)
    subscriber_sex = models.CharField(max_length=3, choices=Sex.choices, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    copay = models.DecimalField(
        "office-visit copay", max_digits=8, decimal_places=2, null=True, blank=True
    )
    card_front = models.FileField(upload_to=card_upload_path, blank=True)
    card_back = models.FileField(upload_to=card_upload_path, blank=True)
    is_active = models.BooleanField(default=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["order", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "order"],
                condition=models.Q(is_active=True),
                name="coverage_one_active_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="coverage_effective_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_order_display()}: {self.payer} {self.member_id}"

    def covers(self, day: Any) -> bool:
        return (
            self.is_active
            and self.effective_from <= day
            and (self.effective_to is None or day <= self.effective_to)
        )


class Consent(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    given_on = models.DateField()
    revoked_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-given_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on}"

    @property
    def is_current(self) -> bool:
        return self.revoked_on is None


def document_upload_path(instance: Any, filename: str) -> str:
    return f"patients/{instance.patient_id}/documents/{filename}"


class PatientDocument(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    title = models.CharField(max_length=120)
    file = models.FileField(upload_to=document_upload_path)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class PatientMerge(models.Model):
    """The record of a merge: which chart was folded into which, by whom, and what moved."""

    survivor = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="merges")
    merged = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    merged_mrn = models.CharField(max_length=12)
    moved = models.JSONField(default=dict, help_text="How many rows of each kind moved.")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    objects = PatientMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_mrn} → {self.survivor.mrn}"
