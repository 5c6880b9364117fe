"""Appointments, the database's guard against double booking, series and the status trail."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models

from medoffice.core.formats import as_datetime
from medoffice.core.models.bases import CreatedAt, CreatedBy, UpdatedAt
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission
from medoffice.scheduling.choices import AppointmentStatus

# The appointment book's grain: a booking claims every 5-minute granule it covers.
GRANULE_MINUTES = 5


# Statuses in which the appointment holds its time (and its slot claims).
ACTIVE_STATUSES = frozenset(
    {
        AppointmentStatus.SCHEDULED,
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.ARRIVED,
        AppointmentStatus.ROOMED,
        AppointmentStatus.WITH_PROVIDER,
        AppointmentStatus.CHECKOUT,
        AppointmentStatus.COMPLETED,
    }
)
# The patient flow board's columns, in order.
FLOW_STATUSES = [
    AppointmentStatus.SCHEDULED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.ROOMED,
    AppointmentStatus.WITH_PROVIDER,
    AppointmentStatus.CHECKOUT,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.LEFT_WITHOUT_BEING_SEEN,
]


class AppointmentQuerySet(RestrictedQuerySet):
    location_field = "location_id"

    def active(self) -> Self:
        return self.filter(status__in=[s.value for s in ACTIVE_STATUSES])


class SeriesQuerySet(RestrictedQuerySet):
    """A recurring set: seen with the book, booked by those who book, scoped through the patient."""

    permission_map = {
        "view": Permission.VIEW_APPOINTMENT,
        "change": Permission.CHANGE_APPOINTMENT,
    }
    location_field = "patient__home_location_id"


class StatusChangeQuerySet(RestrictedQuerySet):
    """An appointment's history: seen with the book, scoped through the appointment's location."""

    permission_map = {"view": Permission.VIEW_APPOINTMENT, "change": Permission.CHANGE_FLOW}
    location_field = "appointment__location_id"


class AppointmentSeries(CreatedBy, CreatedAt):
    """A recurring set of visits booked together (weekly physiotherapy × 8)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    interval_weeks = models.PositiveSmallIntegerField(default=1)
    count = models.PositiveSmallIntegerField()

    objects = SeriesQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Series of {self.count} every {self.interval_weeks} week(s)"


class Appointment(UpdatedAt):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    provider = models.ForeignKey(
        "scheduling.Provider", on_delete=models.PROTECT, related_name="appointments"
    )
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    resources = models.ManyToManyField(
        "scheduling.Resource", blank=True, related_name="appointments"
    )
    room = models.ForeignKey(
        "scheduling.Resource", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_overbook = models.BooleanField("overbooked", default=False)
    series = models.ForeignKey(
        AppointmentSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_to"
    )
    reason = models.CharField("reason for visit", max_length=200, blank=True)
    note = models.TextField("front-desk note", blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    is_late_arrival = models.BooleanField("arrived late", default=False)
    roomed_at = models.DateTimeField(null=True, blank=True)
    with_provider_at = models.DateTimeField(null=True, blank=True)
    checkout_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    is_late_cancel = models.BooleanField("late cancellation", default=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start", "provider_id"]
        indexes = [
            models.Index(fields=["provider", "start"], name="appt_provider_start"),
            models.Index(fields=["location", "start"], name="appt_location_start"),
            models.Index(fields=["patient", "start"], name="appt_patient_start"),
            # A window of the book (the slot search's and the reports' fingerprints, the
            # day's visits, a day's visits of some statuses): everything those reads filter
            # and compare is in the index, so they never read the table's rows. (It took the
            # place of an index on status and start, which planners without statistics
            # preferred for a few statuses, then reading every row.)
            models.Index(
                fields=["start", "status", "end", "updated_at", "location", "provider"],
                name="appt_window",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appt_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{as_datetime(self.start)} {self.appointment_type} with {self.provider}"

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class SlotClaim(models.Model):
    """One 5-minute granule of a provider's time held by one appointment.

    The unique constraint on (provider, granule) is what makes double booking
    impossible at the database, on SQLite and PostgreSQL alike: two bookings that
    overlap by even one granule cannot both insert their claims. Overbooked
    appointments (an explicit rule) hold no claims. Cancelling or marking a
    no-show deletes the claims, freeing the time.
    """

    provider = models.ForeignKey("scheduling.Provider", on_delete=models.CASCADE, related_name="+")
    granule = models.DateTimeField()
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="slot_claims"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "granule"], name="slot_claim_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}@{self.granule:%Y-%m-%d %H:%M}"


class StatusChange(models.Model):
    """Every status change of an appointment, time-stamped (the flow board's history)."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, choices=AppointmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=AppointmentStatus.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["appointment", "changed_at"], name="status_change_appt")]

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.from_status} → {self.to_status}"
