"""Who can be booked, where and when: providers, resources, appointment types, templates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from medoffice.core.formats import as_datetime, as_time
from medoffice.core.models.bases import CreatedAt, CreatedBy
from medoffice.core.models.practice import Weekday, validate_npi
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission
from medoffice.scheduling.choices import ExceptionKind, PatientKind, ResourceKind
from medoffice.scheduling.error_codes import SchedulingErrorCode

color_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #RRGGBB.")
taxonomy_validator = RegexValidator(
    r"^[0-9A-Z]{9}X$", "Enter a 10-character NUCC taxonomy code such as 207Q00000X."
)


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class ScheduleSetupQuerySet(RestrictedQuerySet):
    """The book's set-up: seen by everyone who sees the book, changed by the office manager."""

    permission_map = {"view": Permission.VIEW_APPOINTMENT, "change": Permission.CHANGE_SCHEDULE}


class LocationScopedQuerySet(ScheduleSetupQuerySet):
    """Rows tied to a location are visible to users limited to that location."""

    location_field = "location_id"


class Provider(models.Model):
    """A clinician patients are booked with (physician, NP, PA, therapist…)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provider",
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    credentials = models.CharField(max_length=20, blank=True, help_text="MD, DO, NP, PA-C…")
    npi = models.CharField("NPI", max_length=10, unique=True, validators=[validate_npi])
    taxonomy_code = models.CharField(
        "taxonomy code", max_length=10, blank=True, validators=[taxonomy_validator]
    )
    specialty = models.CharField(max_length=80, blank=True)
    color = models.CharField(max_length=7, default="#0b5d7a", validators=[color_validator])
    locations = models.ManyToManyField("core.Location", related_name="providers", blank=True)
    feed_token = models.CharField(max_length=40, unique=True, default=new_feed_token)
    is_active = models.BooleanField(default=True)

    objects = ScheduleSetupQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        suffix = f", {self.credentials}" if self.credentials else ""
        return f"{self.first_name} {self.last_name}{suffix}"

    @property
    def short_name(self) -> str:
        return f"Dr {self.last_name}" if self.credentials in {"MD", "DO"} else str(self)

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()


class Resource(models.Model):
    """A room or piece of equipment a visit may need (exam room 3, ECG machine)."""

    location = models.ForeignKey(
        "core.Location", on_delete=models.PROTECT, related_name="resources"
    )
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices, default=ResourceKind.ROOM)
    is_active = models.BooleanField(default=True)

    objects = LocationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["location__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="resource_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location.code})"


class AppointmentType(models.Model):
    """A kind of visit: how long it lasts, who may see it, what it needs."""

    name = models.CharField(max_length=80, unique=True)
    code = models.SlugField(max_length=20, unique=True)
    duration = models.PositiveSmallIntegerField(
        "duration (minutes)", validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    color = models.CharField(max_length=7, default="#6ea8fe", validators=[color_validator])
    patient_kind = models.CharField(
        max_length=12, choices=PatientKind.choices, default=PatientKind.ANY
    )
    providers = models.ManyToManyField(
        Provider,
        blank=True,
        related_name="appointment_types",
        help_text="Leave empty to allow every provider.",
    )
    is_telehealth = models.BooleanField("telehealth", default=False)
    preparation = models.TextField(
        "preparation for the patient", blank=True, help_text="Sent with reminders."
    )
    buffer_before = models.PositiveSmallIntegerField("buffer before (minutes)", default=0)
    buffer_after = models.PositiveSmallIntegerField("buffer after (minutes)", default=0)
    min_notice = models.PositiveIntegerField(
        "minimum notice (minutes)",
        default=0,
        help_text="How soon before the visit it may be booked.",
    )
    max_per_day = models.PositiveSmallIntegerField(
        "limit per provider per day", null=True, blank=True
    )
    is_active = models.BooleanField(default=True)

    objects = ScheduleSetupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration__gte=5, duration__lte=480),
                name="appointment_type_duration_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ResourceRequirement(models.Model):
    """One of these resources must be free for the visit (e.g. "an exam room")."""

    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.CASCADE, related_name="resource_requirements"
    )
    name = models.CharField(max_length=80)
    resources = models.ManyToManyField(Resource, related_name="requirements")

    objects = ScheduleSetupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.appointment_type}: {self.name}"


class TemplateBlock(models.Model):
    """A weekly working block of a provider at a location ("Tuesday 8–12, new patients")."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="template_blocks")
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    appointment_types = models.ManyToManyField(
        AppointmentType,
        blank=True,
        related_name="template_blocks",
        help_text="Leave empty to allow every type.",
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    objects = LocationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["provider", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="block_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="block_effective_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.get_weekday_display()} {as_time(self.start)}–{as_time(self.end)}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError(
                {
                    "end": ValidationError(
                        "The block must end after it starts.",
                        code=SchedulingErrorCode.BLOCK_ENDS_BEFORE_START,
                    )
                }
            )
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError(
                {
                    "effective_to": ValidationError(
                        "“Effective to” is before “effective from”.",
                        code=SchedulingErrorCode.EFFECTIVE_TO_BEFORE_FROM,
                    )
                }
            )


class ScheduleException(models.Model):
    """Time nobody can be booked: a provider's time off, a meeting, a location's closure."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exceptions",
        help_text="Leave empty for everyone.",
    )
    location = models.ForeignKey(
        "core.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for every location.",
    )
    kind = models.CharField(max_length=10, choices=ExceptionKind.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    objects = ScheduleSetupQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="exception_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        who = self.provider or "Everyone"
        return f"{who}: {self.get_kind_display()} {as_datetime(self.start)}"


class OverbookRule(CreatedBy, CreatedAt):
    """The office manager's explicit permission to double-book a provider (e.g. 1 extra per hour)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="overbook_rules")
    max_per_day = models.PositiveSmallIntegerField(
        "overbooked visits allowed per day", validators=[MinValueValidator(1)]
    )
    appointment_types = models.ManyToManyField(AppointmentType, blank=True, related_name="+")
    is_active = models.BooleanField(default=True)

    objects = ScheduleSetupQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.provider}: up to {self.max_per_day} overbooked a day"
